// `matcalc codegen --lang cpp` (codegen.hpp): the headers of seven models (the lecture's
// 1-2-3-1 network and ReLU regression, a softmax cross-entropy, Cookbook matrix functions,
// Jacobians with Kronecker and commutation matrices, norms and blocks, a diagonal factor)
// compiled by the system compiler into one driver (one compilation: each takes seconds),
// run at fixed values, and every number of the value and the derivatives compared with
// matcalc's own evaluator (derive --at --format json; the cases in codegen_cases.hpp,
// shared with test_codegen_numpy.cpp). The same driver evaluates every
// elementwise operation's C++ formula against its kernel. Also: one statement per common
// subexpression, C++ identifiers, bad input.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "matcalc/codegen/codegen.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/parser.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "codegen_cases.hpp"

using namespace matcalc;
using namespace matcalc::testing;
using namespace matcalc::testing::codegen_cases;

namespace {

// A values file's entries as C++ declarations: a number, a flat list (VectorXd), rows (MatrixXd).
std::string declarations(const std::string& values) {
    std::string out;
    const json::Value parsed = parse_json(values);
    for (const json::Member& m : parsed.members()) {
        const std::string id = cpp_identifier(m.key);
        std::vector<double> v;
        flatten(m.value, v);
        std::string list;
        for (double x : v) list += fmt::format("{}{:.17g}", list.empty() ? "" : ", ", x);
        if (m.value.is_number()) out += fmt::format("const double {} = {};\n", id, list);
        else if (m.value.items().at(0).is_number()) out += fmt::format("Eigen::VectorXd {}({}); {} << {};\n", id, v.size(), id, list);
        else out += fmt::format("Eigen::MatrixXd {}({}, {}); {} << {};\n", id, m.value.size(), v.size() / m.value.size(), id, list);
    }
    return out;
}

}  // namespace

TEST_CASE("codegen: the generated C++ gives the evaluator's value and derivatives", "[codegen]") {
    Scratch scratch;
    std::string driver = "#include <cstdio>\n#include <stdexcept>\n#include <Eigen/Dense>\n";
    std::string body;
    const std::vector<Case> all = cases();
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Case& c = all[i];
        Run r = codegen(c);
        INFO(r.err);
        REQUIRE(r.code == 0);
        driver += "#include \"" + scratch.write(c.function + ".hpp", r.out) + "\"\n";
        // Every computed node once: no two statements compute the same right-hand side.
        std::set<std::string> computed;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("    const ", 0) != 0 || line.find(" = ") == std::string::npos) continue;
            std::string rhs = line.substr(line.find(" = ") + 3);
            INFO(line);
            CHECK(computed.insert(rhs).second);
        }
        std::string args;
        for (const std::string& a : c.args) args += (args.empty() ? "" : ", ") + cpp_identifier(a);
        body += fmt::format("{{\n{}const auto r = {}_and_gradients({});\nshow(\"{} value\", r.value);\n",
                            declarations(c.values), c.function, args, i);
        for (const std::string& w : c.wrt) {
            body += fmt::format("show(\"{} {}\", r.d_{});\n", i, w, cpp_identifier(w));
            if (c.hessian) body += fmt::format("show(\"{} h_{}\", r.h_{});\n", i, w, cpp_identifier(w));
        }
        body += c.extra + "}\n";
    }
    // The elementwise operations' formulas at a few points, for comparison with the kernels.
    for (const OpInfo& op : op_table()) {
        if (op.kind != Kind::Elementwise) continue;
        body += fmt::format("show(\"op {}\", Eigen::MatrixXd{{{{", op.name);
        for (const auto& p : kPoints)
            body += fmt::format("[](double a, double b) {{ (void)a; (void)b; return {}; }}({}, {}), ", op.cpp, p[0], p[1]);
        body += "}});\n";
    }
    driver += R"(
void show(const char* label, double v) { std::printf("%s %.17g\n", label, v); }
void show(const char* label, const Eigen::MatrixXd& m) {
    std::printf("%s", label);
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) std::printf(" %.17g", m(i, j));
    std::printf("\n");
}
int main() {
)" + body + "}\n";
    const std::string source = scratch.write("driver.cpp", driver);
    const std::string exe = (scratch.dir / "driver").string(), log = (scratch.dir / "compile.log").string();
    const std::string output = (scratch.dir / "output.txt").string();
    // Without the sanitizers of this build: the generated code alone, warnings on.
    const std::string compile = fmt::format("c++ -std=c++20 -O1 -Wall -Wextra -Wpedantic -isystem /usr/include/eigen3 "
                                            "-o '{}' '{}' > '{}' 2>&1", exe, source, log);
    const auto start = std::chrono::steady_clock::now();
    const int compiled = std::system(compile.c_str());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string diagnostics = read_file(log);
    INFO("compiled in " << seconds << " s: " << compile << "\n" << diagnostics);
    REQUIRE(compiled == 0);
    CHECK(diagnostics.find("warning") == std::string::npos);
    REQUIRE(std::system(("'" + exe + "' > '" + output + "'").c_str()) == 0);

    const auto got = read_numbers(read_file(output));
    for (std::size_t i = 0; i < all.size(); ++i) compare_with_evaluator(all[i], i, scratch, got);
    CHECK(got.count("sizes checked"));
    for (const OpInfo& op : op_table()) {
        if (op.kind != Kind::Elementwise) continue;
        std::vector<double> expected;
        for (const auto& p : kPoints) expected.push_back(op.kernel1 ? op.kernel1(p[0]) : op.kernel2(p[0], p[1]));
        compare(got, "op " + std::string(op.name), expected);
    }
}

TEST_CASE("codegen: one statement per common subexpression, named after the model", "[codegen]") {
    // The sigmoids of mlp_1231's gradients: the three of the forward pass (a1, a2, yhat),
    // which the backward pass reuses through a ⊙ (1 − a) instead of computing them again.
    Model model = load_model(Source{"mlp_1231.mc", read_file(example("lecture/mlp_1231.mc"))});
    const Symbol& L = model.function(std::nullopt);
    Simplifier simplify(model.cx());
    name_definitions(simplify, model.definitions(&L));
    const std::vector<std::string> params{"W1", "b1", "W2", "b2", "W3", "b3"};
    std::vector<Expr> xs, roots{simplify(L.expr)};
    for (const std::string& p : params) xs.push_back(model.find(p)->expr);
    for (Expr g : gradients(model.cx(), L.expr, xs)) roots.push_back(simplify(g));
    std::size_t sigmoids = 0;
    for (Expr e : reachable(model.cx(), roots)) sigmoids += e->op->id == Op::Sigmoid;
    CHECK(sigmoids == 3);

    Run r = codegen(cases().at(0));
    REQUIRE(r.code == 0);
    std::size_t statements = 0, comments = 0;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        statements += line.find(">= 0 ? 1 / (1 + std::exp(-") != std::string::npos;
        comments += line.rfind("    //", 0) == 0 && line.find("σ(") != std::string::npos;
    }
    CHECK(statements == sigmoids);
    CHECK(comments == sigmoids);
    CHECK(r.out.find("// a1 = σ(z1)\n    const Eigen::MatrixXd a1 = z1.unaryExpr(") != std::string::npos);
    CHECK(r.out.find("const double yhat = (z3 >= 0 ?") != std::string::npos);
    CHECK(r.out.find("inline L_result L_and_gradients(") != std::string::npos);
    CHECK(r.out.find("double x,") != std::string::npos);
    CHECK(r.out.find("const Eigen::MatrixXd& W1,") != std::string::npos);
    CHECK(r.out.find("const Eigen::VectorXd& b1,") != std::string::npos);
    CHECK(r.out.find("if (W1.rows() != 2 || W1.cols() != 1) throw std::invalid_argument(") != std::string::npos);

    // Sizes from the arguments; Unicode names as identifiers.
    Run c = codegen(cases().at(1));
    REQUIRE(c.code == 0);
    CHECK(c.out.find("const Eigen::Index N = X.rows();\n    const Eigen::Index n = X.cols();") != std::string::npos);
    CHECK(c.out.find("if (y.rows() != N)") != std::string::npos);
    Run ce = codegen(cases().at(2));
    REQUIRE(ce.code == 0);
    CHECK(ce.out.find("double lambda") != std::string::npos);
    CHECK(ce.out.find("// ŷ = softmax(z)\n") != std::string::npos);
    CHECK(ce.out.find("Eigen::MatrixXd d_lambda;") != std::string::npos);
}

TEST_CASE("codegen: C++ identifiers for the model's names", "[codegen]") {
    CHECK(cpp_identifier("γ") == "gamma");
    CHECK(cpp_identifier("ŷ") == "yhat");
    CHECK(cpp_identifier("y\u0302") == "yhat");
    CHECK(cpp_identifier("x̄") == "xbar");
    CHECK(cpp_identifier("W₁") == "W1");
    CHECK(cpp_identifier("ℓ") == "ell");
    CHECK(cpp_identifier("int") == "int_");
    CHECK(cpp_identifier("std") == "std_");
    CHECK(cpp_identifier("x__y") == "x_y");
    CHECK(cpp_identifier("Ж") == "u0416");
    // Two names that read the same in C++ stay two arguments.
    Run r = run({"codegen", "-e", "ŷ, yhat : scalar; f = ŷ * yhat", "--wrt", "ŷ", "--wrt", "yhat"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("(double yhat, double yhat_2)") != std::string::npos);
}

TEST_CASE("codegen: bad input", "[codegen]") {
    auto fails = [](std::vector<std::string> args, const std::string& message) {
        Run r = run(args);
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find(message) != std::string::npos);
        CHECK(r.out.empty());
    };
    const std::string mlp = example("lecture/mlp_1231.mc");
    fails({"codegen", mlp}, "codegen needs --wrt VAR");
    fails({"codegen", mlp, "--wrt", "W1", "--lang", "fortran"}, "unknown language 'fortran'");
    fails({"codegen", mlp, "--wrt", "z3"}, "'z3' is a definition");
    fails({"codegen", mlp, "--wrt", "W9"}, "no symbol named 'W9'");
    fails({"codegen", mlp, "--wrt", "W1", "--wrt", "W1"}, "--wrt W1 is given twice");
    fails({"codegen", mlp, "--wrt", "W1", "--at", "x.json"}, "codegen takes no option --at");
    fails({"codegen", mlp, "--wrt", "W1", "--of", "nothing"}, "nothing");
    fails({"eval", mlp, "--lang", "cpp"}, "eval takes no option --lang (an option of codegen)");
    for (const char* lang : {"cpp", "numpy", "torch"})
        fails({"codegen", "-e", "x : vector(n); f = tanh(x)", "--wrt", "x", "--hessian", "--lang", lang},
              "codegen --hessian needs a scalar function; f is a vector(n)");
}
