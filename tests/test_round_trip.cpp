// Every formula matcalc prints, in Unicode and in ASCII, parses back as an expression with
// the same values (docs/language.md, "Textbook notation"): each printed derivative is read
// back into its model as a new definition and checked, as `matcalc check` checks a
// derivative, against central finite differences of the function at random points.
//
// The formulas come from every example model (each declared variable the function depends
// on; Hessians of the scalar ones), and from tables of functions covering the operations.
#include <catch2/catch.hpp>

#include <filesystem>

#include "matcalc/apps/check.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/frontend/prelude.hpp"
#include "read_back_support.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

constexpr const char* kReadBack = "read_back";

struct Printed {
    std::string model;  // the model text (its function is its last definition)
    std::string wrt;
    std::string formula;  // as printed
    bool hessian = false;
    std::string of;           // the function's name
    std::string definitions;  // the named quantities it uses, as printed: "δ₁ = ...\n"
};

// Reads `p.formula` back into the model as `read_back = ...` and checks it against finite
// differences of the function (or, for a Hessian, of its derived gradient). Returns an
// empty string when it agrees, else what went wrong.
std::string read_back_problem(const Printed& p) {
    std::string text = p.model + "\n" + p.definitions + kReadBack + " = " + p.formula + "\n";
    try {
        Model model = load_model(Source{"read-back.mc", text});
        Context& cx = model.cx();
        Expr f = model.find(p.of)->expr;
        Expr x = model.find(p.wrt)->expr;
        Expr read = model.find(kReadBack)->expr;
        const Symbol& variable = *model.find(p.wrt);
        Expr expected = p.hessian ? hessian(cx, f, x)
                                  : derivative(cx, f, x, Layout::Numerator,
                                               variable.type == ast::TypeSpec::Kind::Matrix);
        // A formula alone does not size an I it contains: the result's shape does, as the
        // context of the printed line (∂f/∂x = I) does for a reader.
        Shape read_shape = cx.shape(read), expected_shape = cx.shape(expected);
        if (cx.sizes().unify(read_shape.rows, expected_shape.rows) && cx.sizes().unify(read_shape.cols, expected_shape.cols))
            read = cx.refresh(read);
        if (cx.shape(read) != cx.shape(expected)) {
            // A constant printed alone (`0`, `1`) stands for that number in every entry.
            if (!cx.is_scalar(read)) return "reads back as " + cx.sizes().describe(cx.shape(read)) + ", not " +
                                            cx.sizes().describe(cx.shape(expected));
            read = cx.mul(read, cx.ones(cx.shape(expected)));
        }
        if (p.hessian) f = gradient(cx, f, x);  // the Hessian is the Jacobian of the gradient
        return finite_difference_problem(model, f, x, read);
    } catch (const std::exception& e) {
        return std::string("does not read back: ") + e.what();
    }
}

// vec, vec⁻¹ and the commutation matrix K(m,n) are notation of results only: not input.
bool results_only_notation(const std::string& formula) {
    return formula.find("vec") != std::string::npos || formula.find("K(") != std::string::npos;
}

std::vector<std::string> dependent_variables(const std::string& model_text) {
    Model model = load_model(Source{"model.mc", model_text});
    const Symbol& f = model.function(std::nullopt);
    std::vector<std::string> names;
    for (const Symbol& s : model.symbols())
        if (s.kind == Symbol::Kind::Declared && depends_on(f.expr, s.expr)) names.push_back(s.name);
    return names;
}

bool is_scalar_function(const std::string& model_text) {
    Model model = load_model(Source{"model.mc", model_text});
    return model.cx().is_scalar(model.function(std::nullopt).expr);
}

// The printed derivatives (Unicode and ASCII) of `model_text` with respect to every
// variable it depends on, and the Hessians of a scalar function.
std::vector<Printed> printed_results(const std::string& model_text) {
    std::vector<Printed> out;
    bool scalar = is_scalar_function(model_text);
    for (const std::string& wrt : dependent_variables(model_text)) {
        std::vector<std::string> args{"derive", "-e", model_text, "--wrt", wrt, "--format", "json"};
        if (scalar) args.push_back("--hessian");
        Run r = run(args);
        if (r.code != 0 && scalar) {  // a Hessian this version cannot take: the derivative alone
            args.pop_back();
            r = run(args);
        }
        REQUIRE(r.code == 0);
        json::Value result = parse_json(r.out);
        const json::Value& d = result.find("derivatives")->items().at(0);
        for (std::string prefix : {"", "hessian_"})
            for (std::string format : {"unicode", "text"}) {
                const json::Value* formula = d.find(prefix + format);
                if (!formula || results_only_notation(formula->as_string())) continue;
                // Named quantities (where δ₁ = ...) are read back first, as definitions.
                std::string definitions;
                if (const json::Value* named = d.find("named"))
                    for (const json::Value& q : named->items())
                        definitions += q.find(format == "unicode" ? "unicode_name" : "name")->as_string() + " = " +
                                       q.find(format)->as_string() + "\n";
                if (results_only_notation(definitions)) continue;
                out.push_back({model_text, wrt, formula->as_string(), !prefix.empty(), result.find("of")->as_string(),
                               definitions});
            }
    }
    return out;
}

std::vector<std::string> example_models() {
    std::vector<std::string> models;
    for (const char* folder : {"lecture", "cookbook", "train"})
        for (const auto& entry : std::filesystem::directory_iterator(example(folder)))
            if (entry.path().extension() == ".mc") models.push_back(read_file(entry.path().string()));
    std::sort(models.begin(), models.end());
    return models;
}

void check_all(const std::vector<std::string>& models) {
    int checked = 0;
    for (const std::string& m : models)
        for (const Printed& p : printed_results(m)) {
            INFO(p.model << "\n  --wrt " << p.wrt << (p.hessian ? " --hessian" : "") << "\n  printed: " << p.formula);
            CHECK(read_back_problem(p) == "");
            ++checked;
        }
    CHECK(checked > 0);
}

}  // namespace

TEST_CASE("every derivative of the examples reads back with the same values", "[round-trip]") {
    check_all(example_models());
}

TEST_CASE("every derivative of every operation's documented examples reads back", "[round-trip]") {
    std::vector<std::string> models;
    for (const OpInfo& op : op_table()) {
        std::string_view examples = op.doc.examples;
        while (!examples.empty()) {
            std::size_t end = examples.find('\n');
            models.emplace_back(examples.substr(0, end));
            examples = end == std::string_view::npos ? std::string_view{} : examples.substr(end + 1);
        }
    }
    for (const PreludeFunction& p : prelude()) {
        std::string args = "t";
        for (std::size_t i = 1; i < p.parameters.size(); ++i) args += ", c" + std::to_string(i);
        models.push_back("t : vector(n); c1, c2 : scalar; f = " + p.name + "(" + args + ")");
    }
    check_all(models);
}

// Results of other tests' models: forms the simplifier reaches and the textbook notation.
TEST_CASE("derivatives of networks, losses and the textbook notation read back", "[round-trip]") {
    const std::string decl = "w, x, v : vector(n); b, z, s : scalar; A, B : matrix(n, n); X : matrix(m, n); y : vector(m); ";
    const char* functions[] = {
        "w·x + b", "w ⊘ x", "x * z", "sin(s^2)", "max(0, w·x + b)", "mean((w - x)^2)", "σ(w·x)",
        "norm(w ⊙ x + x)", "exp(x)·w", "(w + x)'*x", "wᵀx", "w^T A x", "1/(1 + e^(-z))", "x'A x + b",
        "x/norm(x)", "logdet(A)", "det(A) + tr(A*B)", "inv(A)*x", "A⁻¹ x", "x²·w", "sum(log(exp(-y.*(X*w)) + vector(1)))",
        "norm1(X*w - y)", "norm(X*w - y)^2", "sum(bce(σ(X*w), (y + 1)/2))", "y·log_softmax(X*w)",
        "logsumexp(X*w)", "softmax(w)·x", "max(w)", "min(x) + max(w ⊙ x)", "sum(softmax(X, 2) ⊙ X)",
        "sum(X, 1) * w", "mean(X, 2)·y", "logsumexp(X, 1)*w", "[w; x]·[x; w]", "x[2] * w[1:2]·x[2:3]",
        "A[1, :] * x", "leaky_relu(w·x)", "clip(x, -0.5, 0.5)·w", "gelu(w)·x", "elu(w)·x", "tanh(A*x + b)·w",
    };
    std::vector<std::string> models;
    for (const char* f : functions) models.push_back(decl + "f = " + f);
    models.push_back("X : matrix(N, d); W : matrix(d, h); v : vector(h); y : vector(N); f = mean(bce(σ(tanh(X*W)*v), y))");
    models.push_back("U : matrix(m, k); V : matrix(n, k); R : matrix(m, n); f = norm(R - U*V')^2");
    models.push_back("x : vector(n); W : matrix(k, n); b : vector(k); y : vector(k); p = softmax(W*x + b); f = -y·log(p)");
    models.push_back("x, y : vector(n); act(t) = t ⊙ σ(t) + 0.5t; f = act(x)·y");
    check_all(models);
}
