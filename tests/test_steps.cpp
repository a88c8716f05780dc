// `derive --steps` (issue 4): the lecture's derivations step by step, compared exactly with
// golden files (tests/golden/steps/, written by the command line), and every step checked
// numerically: each local partial against finite differences of its operation, each
// chain-rule Jacobian against finite differences of its intermediate variable, and every
// written form of a product (before, during and after simplification) against its value.
//
// To rewrite the golden files after a deliberate change: MATCALC_UPDATE_GOLDEN=1
// build/matcalc_tests "[steps]", then read the diff.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "matcalc/apps/check.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "matcalc/steps/steps.hpp"
#include "read_back_support.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

struct Golden {
    const char* name;   // tests/golden/steps/<name>.<ext>
    const char* model;  // under examples/
    const char* of;     // "" for the last definition
    const char* wrt;
};

// The lecture's derivations (issue 4's acceptance list) and a network.
const Golden kGolden[] = {
    {"neuron_w", "lecture/relu_neuron.mc", "", "w"},            // u = w ⊗ x, γ = sum(u), then max
    {"neuron_b", "lecture/relu_neuron.mc", "", "b"},
    {"neuron_sum", "lecture/neuron_sum.mc", "", "w"},           // the model names u and γ
    {"neuron_inline", "lecture/relu_neuron_inline.mc", "", "w"},
    {"mse_w", "lecture/relu_mse_steps.mc", "", "w"},            // u, v, C as on the slides
    {"mse_b", "lecture/relu_mse_steps.mc", "", "b"},
    {"mse_inline_w", "lecture/relu_mse.mc", "", "w"},
    {"vector_chain", "lecture/vector_chain.mc", "", "x"},       // [ln(x²); sin(3x)]
    {"chain_sin", "lecture/chain_sin.mc", "", "x"},             // sin(x²)
    {"total_derivative", "lecture/total_derivative.mc", "", "x"},
    {"sigmoid", "lecture/sigmoid.mc", "", "z"},                 // σ(1 − σ)
    {"sigmoid_formula", "lecture/sigmoid.mc", "s_formula", "z"},
    {"bce_sigmoid", "lecture/bce_sigmoid.mc", "", "z"},         // ŷ − y
    {"mlp_W2", "lecture/mlp_1231.mc", "", "W2"},                // matrices: ∂vec/∂vec
};

std::vector<std::string> derive_args(const Golden& g) {
    std::vector<std::string> args{"derive", example(g.model), "--wrt", g.wrt, "--steps"};
    if (*g.of) args.insert(args.end(), {"--of", g.of});
    return args;
}

void compare_golden(const std::string& file, const std::string& actual) {
    std::string path = std::string(MATCALC_SOURCE_DIR) + "/tests/golden/steps/" + file;
    if (std::getenv("MATCALC_UPDATE_GOLDEN")) {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path, std::ios::binary) << actual;
    }
    INFO(path);
    REQUIRE(std::filesystem::exists(path));
    CHECK(read_file(path) == actual);
}

// The Jacobian of `e` with respect to the variable named `wrt` by central differences
// (numel(e) × numel(wrt), vec order).
Eigen::MatrixXd differences(const Context& cx, Expr e, Env env, const std::string& wrt) {
    Eigen::MatrixXd& v = env.values.at(wrt);
    Eigen::MatrixXd j(evaluate(cx, e, env).size(), v.size());
    for (Eigen::Index k = 0; k < v.size(); ++k) {
        double saved = v(k), h = 1e-6 * std::max(1.0, std::abs(saved));
        v(k) = saved + h;
        Eigen::MatrixXd plus = evaluate(cx, e, env);
        v(k) = saved - h;
        Eigen::MatrixXd minus = evaluate(cx, e, env);
        v(k) = saved;
        j.col(k) = (plus - minus).reshaped() / (2 * h);
    }
    return j;
}

double relative_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return INFINITY;
    return ((a - b).array().abs() / (1.0 + b.array().abs())).maxCoeff();
}

// Every step of a derivation, numerically, at a few random points.
void check_numerically(Model& m, const Derivation& d) {
    Context& cx = m.cx();
    Expr x = d.variable->expr;
    std::mt19937_64 rng(7);
    for (int point = 0; point < 3; ++point) {
        Env env = random_point(m, rng);
        for (const Intermediate& in : d.intermediates) env.values[in.name] = evaluate(cx, in.node, env);
        for (const LocalPartial& p : d.partials) {
            const Intermediate& in = d.intermediates[p.of];
            INFO("∂" << in.name << "/∂" << p.wrt->name << " = " << print(cx, p.jacobian));
            CHECK(relative_error(evaluate(cx, p.jacobian, env), differences(cx, in.definition, env, p.wrt->name)) < 1e-6);
        }
        for (const ChainStep& c : d.chain) {
            const Intermediate& in = d.intermediates[c.of];
            INFO("∂" << in.name << "/∂" << x->name << " = " << print(cx, c.result));
            Eigen::MatrixXd value = evaluate(cx, c.result, env);
            CHECK(relative_error(value, differences(cx, in.node, env, x->name)) < 1e-6);
            CHECK(relative_error(evaluate(cx, c.product, env), value) < 1e-9);
            for (const Rewritten& r : c.simplified) {
                INFO(r.rule << ": " << print(cx, r.expr));
                CHECK(relative_error(evaluate(cx, r.expr, env), value) < 1e-9);
            }
        }
        // The chain's end, substituted back, simplified and as derive prints it.
        Eigen::MatrixXd expected = differences(cx, d.function->expr, env, x->name);
        CHECK(relative_error(evaluate(cx, d.chain_result, env), expected) < 1e-6);
        CHECK(relative_error(evaluate(cx, d.substituted, env), expected) < 1e-6);
        for (const Rewritten& r : d.back_simplified) {
            INFO(r.rule << ": " << print(cx, r.expr));
            CHECK(relative_error(evaluate(cx, r.expr, env), expected) < 1e-6);
        }
        Eigen::MatrixXd result = jacobian_matrix(cx, d.function->expr, x, evaluate(cx, d.result, env));
        CHECK(relative_error(result, expected) < 1e-6);
    }
}

Derivation derivation(Model& m, const Golden& g) {
    const Symbol& f = m.function(*g.of ? std::optional<std::string>(g.of) : std::nullopt);
    const Symbol& x = *m.find(g.wrt);
    Simplifier simplifier(m.cx());
    name_definitions(simplifier, m.definitions(&f));
    bool matrix = x.type == ast::TypeSpec::Kind::Matrix;
    Expr result = simplifier(derivative(m.cx(), f.expr, x.expr, Layout::Numerator, matrix));
    return derive_steps(m, f, x, result, "numerator layout");
}

}  // namespace

TEST_CASE("the lecture's derivations step by step match their golden files", "[steps]") {
    for (const Golden& g : kGolden) {
        INFO(g.name);
        Run text = run(derive_args(g));
        REQUIRE(text.code == 0);
        compare_golden(std::string(g.name) + ".txt", text.out);
        std::vector<std::string> latex = derive_args(g);
        latex.insert(latex.end(), {"--format", "latex"});
        Run tex = run(latex);
        REQUIRE(tex.code == 0);
        compare_golden(std::string(g.name) + ".tex", tex.out);
    }
    // Markdown, the lecture's ⊗ and the cases form of the result, once each.
    Run md = run({"derive", example("lecture/relu_neuron.mc"), "--wrt", "w", "--steps", "--format", "markdown",
                  "--hadamard", "otimes", "--piecewise", "cases"});
    REQUIRE(md.code == 0);
    compare_golden("neuron_w_otimes.md", md.out);
    Run doc = run({"derive", example("lecture/relu_mse_steps.mc"), "--wrt", "w", "--wrt", "b", "--steps", "--format",
                   "latex", "--standalone"});
    REQUIRE(doc.code == 0);
    compare_golden("mse_standalone.tex", doc.out);
}

TEST_CASE("every step of every golden derivation agrees with finite differences", "[steps]") {
    for (const Golden& g : kGolden) {
        INFO(g.name);
        std::string path = example(g.model);
        Model m = load_model(Source{path, read_file(path)});
        Derivation d = derivation(m, g);
        REQUIRE(!d.intermediates.empty());
        check_numerically(m, d);
    }
}

TEST_CASE("the steps show the lecture's intermediate variables and rules", "[steps]") {
    auto text = [](const char* model, const char* wrt, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"derive", example(model), "--wrt", wrt, "--steps"};
        args.insert(args.end(), extra.begin(), extra.end());
        Run r = run(args);
        REQUIRE(r.code == 0);
        return r.out;
    };
    auto has = [](const std::string& out, const std::string& what) {
        INFO(out);
        INFO(what);
        CHECK(out.find(what) != std::string::npos);
    };
    // The neuron: w·x rephrased as sum(w ⊙ x); ∂u/∂w = diag(x), ∂γ/∂u = 1ᵀ, product xᵀ.
    std::string neuron = text("lecture/relu_neuron_inline.mc", "w");
    for (const char* s : {"u = w ⊙ x", "w·x = sum(w ⊙ x)", "γ = sum(u)", "∂u/∂w = diag(x)", "∂γ/∂u = 𝟏ᵀ",
                          "= 𝟏ᵀ diag(x)", "= xᵀ", "1ᵀ diag(v) = vᵀ", "piecewise function (max)", "step(w·x + b) xᵀ"})
        has(neuron, s);
    // In the lecture's notation.
    has(text("lecture/relu_neuron_inline.mc", "w", {"--hadamard", "otimes"}), "u = w ⊗ x");
    // Denominator layout: the result is the transpose, and says so.
    has(text("lecture/relu_neuron.mc", "w", {"--layout", "denominator"}), "step(z) x    n × 1, denominator layout");
    // The total derivative names its rule and adds the direct path.
    has(text("lecture/total_derivative.mc", "x"), "∂y/∂x + ∂y/∂u1 ∂u1/∂x    total derivative");
    // BCE after σ: ŷ − y.
    has(text("lecture/bce_sigmoid.mc", "z"), "= yhat − y");
    // The sigmoid's derivative reaches σ(z)(1 − σ(z)) by its named rule (ŷ = σ(z) in the model).
    has(text("lecture/sigmoid.mc", "z", {"--of", "s_formula"}), "= yhat (1 − yhat)             e⁻ᶻ / (1 + e⁻ᶻ)²");
    // A function that does not depend on the variable: no steps, the result 0.
    Run none = run({"derive", "-e", "x, y : vector(n); f = sum(y)", "--wrt", "x", "--steps"});
    REQUIRE(none.code == 0);
    has(none.out, "∂f/∂x = 0ᵀ    1 × n");
}

TEST_CASE("steps options are checked", "[steps][cli]") {
    Run standalone = run({"derive", "-e", "x : scalar; f = x^2", "--wrt", "x", "--standalone"});
    CHECK(standalone.code == 2);
    CHECK(standalone.err.find("--standalone needs --format latex") != std::string::npos);
    Run hadamard = run({"derive", "-e", "x : scalar; f = x^2", "--wrt", "x", "--hadamard", "circ"});
    CHECK(hadamard.code == 2);
    Run eval_steps = run({"eval", "-e", "x : scalar; f = x^2", "--at", "x.json", "--steps"});
    CHECK(eval_steps.code == 2);
    // A derivation too long to be read step by step is an input error, quickly (the
    // forward chain's text grows with the square of the depth).
    std::string deep = "x : vector(n); a0 = sin(x)";
    for (int i = 1; i < 150; ++i) deep += fmt::format("; a{} = sin(a{}) .* a{}", i, i - 1, i - 1);
    Run long_chain = run({"derive", "-e", deep + "; f = sum(a149)", "--wrt", "x", "--steps"});
    CHECK(long_chain.code == 2);
    CHECK(long_chain.err.find("goes through 300 operations, more than the 200") != std::string::npos);
    CHECK(run({"derive", "-e", deep + "; f = sum(a149)", "--wrt", "x"}).code == 0);
    // Without --steps, markdown and standalone documents hold the results.
    Run md = run({"derive", "-e", "x : scalar; f = x^2", "--wrt", "x", "--format", "markdown"});
    REQUIRE(md.code == 0);
    CHECK(md.out == "$$\n\\frac{\\partial f}{\\partial x} = 2 x\n$$\n");
    Run doc = run({"derive", "-e", "x : scalar; f = x^2", "--wrt", "x", "--format", "latex", "--standalone"});
    REQUIRE(doc.code == 0);
    CHECK(doc.out.find("\\documentclass{article}") == 0);
    CHECK(doc.out.find("\\[\\frac{\\partial f}{\\partial x} = 2 x\\]") != std::string::npos);
    CHECK(doc.out.find("$x \\in \\mathbb{R}$ & variable") != std::string::npos);
}

// Hidden (needs TeX Live, which CI does not install: apt-get install texlive-latex-base
// texlive-latex-recommended): `build/matcalc_tests "[pdflatex]"` compiles --standalone
// documents of the lecture's derivations with pdflatex.
TEST_CASE("standalone documents compile with pdflatex", "[.][pdflatex]") {
    REQUIRE(std::system("command -v pdflatex > /dev/null") == 0);
    std::string dir = std::filesystem::temp_directory_path() / "matcalc_pdflatex";
    std::filesystem::create_directories(dir);
    int n = 0;
    for (const Golden& g : kGolden) {
        std::vector<std::string> args = derive_args(g);
        args.insert(args.end(), {"--format", "latex", "--standalone", "--piecewise", "cases"});
        Run r = run(args);
        REQUIRE(r.code == 0);
        std::string tex = dir + "/" + g.name + ".tex";
        std::ofstream(tex) << r.out;
        std::string command = "cd " + dir + " && pdflatex -interaction=nonstopmode -halt-on-error " + g.name +
                              ".tex > " + g.name + ".out 2>&1";
        int status = std::system(command.c_str());
        INFO(read_file(dir + "/" + g.name + ".out"));
        CHECK(status == 0);
        ++n;
    }
    CHECK(n == static_cast<int>(std::size(kGolden)));
}
