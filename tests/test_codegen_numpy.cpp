// `matcalc codegen --lang numpy` (codegen.hpp): the modules of the seven models of
// test_codegen.cpp (codegen_cases.hpp: the lecture's 1-2-3-1 network and ReLU regression,
// a softmax cross-entropy, Cookbook matrix functions, Jacobians with Kronecker and
// commutation matrices, norms and blocks, a diagonal factor) and four more (a matrix
// function of matrices, a diagonal factor on the right, a gradient that is an argument,
// 1 × 1 arguments), run by one /usr/bin/python3
// process at fixed values with NumPy warnings as errors, and every number of the value and
// the derivatives compared with matcalc's own evaluator (derive --at --format json) to
// 1e-12 relative; the results' types and shapes, vectors given as columns, results that
// share no memory with the arguments, and the argument checks. The same process evaluates
// every elementwise operation's NumPy formula (OpInfo::numpy) on arrays and on floats
// against its kernel, and raises on a floating-point warning where the kernel's number is
// finite. Without python3 and NumPy (scripts/install-deps.sh installs python3-numpy) the
// test fails. Also: one statement per common subexpression, Python identifiers.
#include <catch2/catch.hpp>

#include <array>
#include <cstdlib>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "codegen_cases.hpp"
#include "matcalc/codegen/codegen.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/parser.hpp"

using namespace matcalc;
using namespace matcalc::testing;
using namespace matcalc::testing::codegen_cases;

namespace {

const char* const kPython = "/usr/bin/python3";

// test_codegen.cpp's cases, and more: a matrix function of matrices (Kronecker products,
// commutation matrices), a diagonal factor on the right, a gradient that is an argument
// (returned as a copy), vector(1) and matrix(1, 1) arguments (scalars in the DAG).
std::vector<Case> numpy_cases() {
    std::vector<Case> all = cases();
    all.push_back({"k", {"-e", "A : matrix(m, n); B : matrix(n, m); k = kron(A, B) + kron(B', A')"}, {"A", "B"},
                   R"({"A": [[0.5, -1.0, 2.0], [0.3, 0.7, -0.2]], "B": [[1.5, 0.4], [-0.6, 0.9], [0.1, -1.2]]})",
                   {"A", "B"}});
    all.push_back({"p", {"-e", "x : vector(n); y : vector(n); W : matrix(m, n); p = W * (x .* y)"}, {"x", "y", "W"},
                   R"({"x": [0.5, -1.2, 0.8], "y": [0.3, 0.7, -0.4], "W": [[0.9, -0.3, 0.2], [0.4, 1.1, -0.7]]})",
                   {"x", "y", "W"}});
    all.push_back({"s", {"-e", "x : vector(n); y : vector(n); A : matrix(n, n); s = x·y + sum(A*x)"}, {"x", "y", "A"},
                   "{" + kXYA + "}", {"x", "y", "A"}});
    all.push_back({"r",
                   {"-e", "u : vector(1); M : matrix(1, 1); v : vector(2)\n"
                          "r = sum(M * u * v') + tr(M) * (u · u) + logsumexp(v) + max(sum(v), 0.5)"},
                   {"u", "M", "v"}, R"({"u": [0.7], "M": [[1.3]], "v": [0.4, -0.2]})", {"u", "M", "v"}});
    return all;
}

// The module of a case, generated in-process.
std::string module_of(const Case& c) {
    const bool text = c.model.at(0) == "-e";
    Model model = load_model(text ? Source{"-e", c.model.at(1)} : Source{c.model.at(0), read_file(c.model.at(0))});
    CodegenOptions options;
    options.source_name = text ? "-e text" : c.model.at(0);
    options.hessian = c.hessian;
    return generate_numpy(model, model.function(std::nullopt), c.wrt, options);
}

// The driver's functions: each case's results printed as "i value x1 x2 ..." and "i VAR ...",
// with their types and shapes, the checks of the arguments; the formulas at the points.
constexpr const char* kDriver = R"(import json
import math
import sys
import warnings

import numpy as np

warnings.simplefilter("error")  # a NumPy warning fails the run


def show(label, v):
    print(label, " ".join(repr(float(x)) for x in np.ravel(v)))
    print("form", label.replace(" ", ":"), type(v).__name__ + str(np.shape(v)).replace(" ", ""))


def refused(f, kwargs):
    try:
        f(**kwargs)
    except ValueError:
        return "refused"
    return "accepted"


def run_case(i, f, kwargs, wrt):
    r = f(**kwargs)
    print("fields", i, " ".join(r._fields))
    show(f"{i} value", r.value)
    for name, d in zip(wrt, r[1:]):
        show(f"{i} {name}", d)
    for name, h in zip(wrt, r[1 + len(wrt):]):  # codegen --hessian
        show(f"{i} h_{name}", h)
    # NumPy arrays, vectors as columns: the same numbers; no result shares memory with an
    # argument or another result.
    arrays = {k: np.array(v).reshape(-1, 1) if np.ndim(v) == 1 else np.array(v) for k, v in kwargs.items()}
    again = f(**arrays)
    print("columns", i, "same" if all(np.array_equal(a, b) for a, b in zip(r, again)) else "different")
    out = [x for x in again if isinstance(x, np.ndarray)]
    shared = any(np.shares_memory(x, a) for x in out for a in arrays.values())
    shared = shared or any(np.shares_memory(out[p], out[q]) for p in range(len(out)) for q in range(p))
    print("memory", i, "shared" if shared else "own")
    # One more row for the first array argument; an array for a number, a 1-D array for a matrix.
    first = next(k for k, v in kwargs.items() if np.ndim(v) > 0)
    v = np.array(kwargs[first])
    print("sizes", i, refused(f, {**kwargs, first: np.concatenate([v, np.zeros((1,) + v.shape[1:])])}))
    for k, v in kwargs.items():
        if np.ndim(v) != 1:
            print("type", i, k, refused(f, {**kwargs, k: np.ravel(v) if np.ndim(v) == 2 else [v, v]}))


def run_formula(name, formula, points):
    f = eval("lambda a, b: " + formula, {"np": np, "math": math})  # math: erf, as generated code imports it
    a, b = (np.array([p[k] for p in points]) for k in (0, 1))
    with np.errstate(all="ignore"):
        print("op", name, " ".join(repr(float(x)) for x in np.broadcast_to(f(a, b), a.shape)))
        print("op-float", name, " ".join(repr(float(f(np.float64(x), np.float64(y)))) for x, y in points))
    warned = []
    for x, y in points:
        with np.errstate(all="raise", under="ignore"):
            try:
                f(np.float64(x), np.float64(y))
                warned.append("0")
            except FloatingPointError:
                warned.append("1")
    print("op-warning", name, " ".join(warned))

)";

// (a, b) for the formulas: test_codegen.cpp's points, and where exp overflows.
std::vector<std::array<double, 2>> points() {
    std::vector<std::array<double, 2>> out;
    for (const auto& p : kPoints) out.push_back({p[0], p[1]});
    for (double a : {-800.0, -40.0, 40.0, 800.0}) out.push_back({a, 0.5});
    return out;
}

// A values file's entry's shape as NumPy gives it: () a number, (k,) a list, (r,c) rows.
std::string numpy_shape(const json::Value& v) {
    if (v.is_number()) return "()";
    if (v.items().at(0).is_number()) return fmt::format("({},)", v.size());
    return fmt::format("({},{})", v.size(), v.items().at(0).size());
}

std::size_t numel(const json::Value& v) {
    std::vector<double> numbers;
    flatten(v, numbers);
    return numbers.size();
}

}  // namespace

TEST_CASE("codegen --lang numpy: the module gives the evaluator's value and derivatives", "[codegen][numpy]") {
    Scratch scratch;
    std::string driver = kDriver + fmt::format("sys.path.insert(0, r\"{}\")\n", scratch.dir.string());
    const std::vector<Case> all = numpy_cases();
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Case& c = all[i];
        const std::string module = module_of(c);
        INFO(module);
        scratch.write(fmt::format("matcalc_{}_{}.py", i, c.function), module);
        // Every computed node once: no two statements compute the same right-hand side.
        std::set<std::string> computed;
        std::istringstream lines(module);
        bool body = false;
        for (std::string line; std::getline(lines, line);) {
            body = body || line.rfind("def " + c.function + "_and_gradients(", 0) == 0;
            const bool statement = line.rfind("    ", 0) == 0 && line.rfind("    #", 0) != 0;
            if (!body || !statement || line.find(" = ") == std::string::npos) continue;
            INFO(line);
            CHECK(computed.insert(line.substr(line.find(" = ") + 3)).second);
        }
        std::string kwargs, wrt;
        const json::Value values = parse_json(c.values);
        for (const std::string& a : c.args)
            kwargs += fmt::format("{}\"{}\": values[\"{}\"]", kwargs.empty() ? "" : ", ", python_identifier(a), a);
        for (const std::string& w : c.wrt) wrt += fmt::format("{}\"{}\"", wrt.empty() ? "" : ", ", w);
        driver += fmt::format("\nimport matcalc_{}_{} as m{}\nvalues = json.loads(r\"\"\"{}\"\"\")\n", i, c.function, i, c.values);
        driver += fmt::format("run_case({}, m{}.{}_and_gradients, {{{}}}, [{}])\n", i, i, c.function, kwargs, wrt);
    }
    const std::vector<std::array<double, 2>> at = points();
    std::string list;
    for (const auto& p : at) list += fmt::format("{}({}, {})", list.empty() ? "" : ", ", p[0], p[1]);
    for (const OpInfo& op : op_table())
        if (op.kind == Kind::Elementwise) driver += fmt::format("run_formula(\"{}\", \"{}\", [{}])\n", op.name, op.numpy, list);

    const std::string source = scratch.write("driver.py", driver), output = (scratch.dir / "output.txt").string(),
                      errors = (scratch.dir / "errors.txt").string();
    const int status = std::system(fmt::format("{} -I '{}' > '{}' 2> '{}'", kPython, source, output, errors).c_str());
    INFO(kPython << " " << source << " (python3 and NumPy: scripts/install-deps.sh installs python3-numpy)\n"
                 << read_file(errors));
    REQUIRE(status == 0);
    const std::string text = read_file(output);
    const auto got = read_numbers(text);
    auto said = [&](const std::string& line) {
        INFO(line);
        CHECK(text.find(line + "\n") != std::string::npos);
    };

    for (std::size_t i = 0; i < all.size(); ++i) {
        const Case& c = all[i];
        const json::Value evaluated = compare_with_evaluator(c, i, scratch, got);
        // The value as a float (scalar f) or as the evaluator writes it; each gradient shaped
        // like its variable's value, each Jacobian numel(f) × numel(var).
        std::string fields = "value";
        for (const std::string& w : c.wrt) fields += " d_" + python_identifier(w);
        if (c.hessian)
            for (const std::string& w : c.wrt) fields += " h_" + python_identifier(w);
        said(fmt::format("fields {} {}", i, fields));
        const json::Value& value = *evaluated.find("value");
        said(fmt::format("form {}:value {}", i, value.is_number() ? "float()" : "ndarray" + numpy_shape(value)));
        const json::Value values = parse_json(c.values);
        for (const std::string& w : c.wrt) {
            const json::Value& x = *values.find(w);
            if (!value.is_number()) said(fmt::format("form {}:{} ndarray({},{})", i, w, numel(value), numel(x)));
            else said(fmt::format("form {}:{} {}{}", i, w, x.is_number() ? "float" : "ndarray", numpy_shape(x)));
        }
        said(fmt::format("columns {} same", i));
        said(fmt::format("memory {} own", i));
        said(fmt::format("sizes {} refused", i));
        for (const std::string& a : c.args) {  // numbers and matrices; a vector is 1-D either way
            const json::Value& v = *values.find(a);
            if (v.is_number() || !v.items().at(0).is_number()) said(fmt::format("type {} {} refused", i, python_identifier(a)));
        }
    }
    for (const OpInfo& op : op_table()) {
        if (op.kind != Kind::Elementwise) continue;
        std::vector<double> expected;
        for (const auto& p : at) expected.push_back(op.kernel1 ? op.kernel1(p[0]) : op.kernel2(p[0], p[1]));
        compare(got, "op " + std::string(op.name), expected);
        compare(got, "op-float " + std::string(op.name), expected);
        // A floating-point warning only where the kernel's number is not finite.
        const std::vector<double>& warned = got.at("op-warning " + std::string(op.name));
        REQUIRE(warned.size() == at.size());
        for (std::size_t k = 0; k < at.size(); ++k) {
            INFO(op.name << "(" << at[k][0] << ", " << at[k][1] << ") = " << expected[k] << ": " << op.numpy);
            if (warned[k] != 0) CHECK(!std::isfinite(expected[k]));
        }
    }
}

TEST_CASE("codegen --lang numpy: one statement per common subexpression, named after the model", "[codegen][numpy]") {
    const std::string mlp = module_of(cases().at(0));
    std::size_t sigmoids = 0;  // the forward pass's three (test_codegen.cpp counts them in the DAG)
    for (std::size_t p = 0; (p = mlp.find(">= 0, 1.0, np.exp(-np.abs(", p)) != std::string::npos; ++p) ++sigmoids;
    CHECK(sigmoids == 3);
    CHECK(mlp.find("    # a1 = σ(z1)\n    a1 = np.where(z1 >= 0, 1.0, np.exp(-np.abs(z1))) / (1 + np.exp(-np.abs(z1)))\n") !=
          std::string::npos);
    CHECK(mlp.find("    # yhat = σ(z3)\n    yhat = np.where(z3 >= 0,") != std::string::npos);
    CHECK(mlp.find("    # z3 = W3 a2 + b3\n    z3 = t3 + b3[0, 0]\n") != std::string::npos);
    CHECK(mlp.find("    t3 = (W3 @ a2)[0, 0]\n") != std::string::npos);
    CHECK(mlp.find("\ndef L_and_gradients(x, y, W1, b1, W2, b2, W3, b3):\n") != std::string::npos);
    CHECK(mlp.find("class L_result(NamedTuple):") != std::string::npos);
    CHECK(mlp.find("    d_b1: np.ndarray  # ∂L/∂b1, the gradient, shape (2,)\n") != std::string::npos);
    CHECK(mlp.find("    if W1.shape[0] != 2 or W1.shape[1] != 1:\n        raise ValueError(") != std::string::npos);
    CHECK(mlp.find("        value=float(L),\n        d_W1=d_W1,\n        d_b1=d_b1.reshape(-1),\n") != std::string::npos);
    CHECK(mlp.find("        d_b3=np.full(1, d_b3),\n    )\n") != std::string::npos);
    CHECK(mlp.find("\nfrom typing import NamedTuple\n\nimport numpy as np\n\n") != std::string::npos);
    std::size_t imports = 0;  // those two only
    for (std::size_t p = 0; (p = mlp.find("import ", p)) != std::string::npos; ++p) ++imports;
    CHECK(imports == 2);

    // Sizes from the arguments; Unicode names and keywords as identifiers.
    const std::string relu = module_of(cases().at(1));
    CHECK(relu.find("    N = X.shape[0]\n    n = X.shape[1]\n") != std::string::npos);
    CHECK(relu.find("    if y.shape[0] != N:\n") != std::string::npos);
    const std::string ce = module_of(cases().at(2));
    CHECK(ce.find("def CE_and_gradients(W, x, b, y, lambda_):") != std::string::npos);
    CHECK(ce.find("    # ŷ = softmax(z)\n    yhat_exp = np.exp(z - np.max(z))\n    yhat = yhat_exp / np.sum(yhat_exp)\n") !=
          std::string::npos);
    CHECK(ce.find("    d_lambda_: float  # ∂CE/∂λ, the gradient, a float\n") != std::string::npos);
}

TEST_CASE("codegen --lang numpy: Python identifiers for the model's names", "[codegen][numpy]") {
    CHECK(python_identifier("γ") == "gamma");
    CHECK(python_identifier("W₁") == "W1");
    CHECK(python_identifier("λ") == "lambda_");
    CHECK(python_identifier("None") == "None_");
    CHECK(python_identifier("np") == "np_");
    CHECK(python_identifier("int") == "int_");  // as in C++: the same names in both
    CHECK(python_number(0.5) == "0.5");
    CHECK(python_number(-2) == "(-2.0)");
    CHECK(python_number(1e300 * 1e300) == "np.inf");
    Model model = load_model(Source{"-e", "ŷ, yhat, f_result : scalar; f = ŷ * yhat * f_result"});
    const std::string two = generate_numpy(model, model.function(std::nullopt), {"ŷ", "yhat"});
    CHECK(two.find("def f_and_gradients(yhat, yhat_2, f_result_2):") != std::string::npos);
}

TEST_CASE("codegen --lang numpy on the command line", "[codegen][numpy]") {
    for (std::size_t i : {0, 2}) {
        const Case c = cases().at(i);
        Run r = codegen(c, i == 0 ? std::vector<std::string>{"--lang", "numpy"} : std::vector<std::string>{"--lang=numpy"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());
        CHECK(r.out == module_of(c));
    }
    // Bad input as with --lang cpp: exit code 2.
    Run r = run({"codegen", example("lecture/mlp_1231.mc"), "--wrt", "z3", "--lang", "numpy"});
    CHECK(r.code == 2);
    CHECK(r.err.find("'z3' is a definition") != std::string::npos);
    CHECK(r.out.empty());
}
