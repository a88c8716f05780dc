// Every rewrite the simplifier makes is checked numerically: over a corpus of functions
// and their derivatives, each (before, after) pair of the trace evaluates to the same
// numbers at random points; and every rule of the simplifier fires somewhere in it.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <regex>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

using namespace matcalc;

namespace {

const char* const kDecl = "w, x : vector(n); b, z, s : scalar; X : matrix(N, n); y : vector(N); S : matrix(n, n); ";

const char* const kCorpus[] = {
    "w·x + b", "max(0, w·x + b)", "sum(w ⊙ x)", "mean((y - max(0, X*w + b))^2)", "σ(w·x)",
    "bce(σ(z), s)", "sin(z^2)", "[log(z^2); sin(3z)]", "w ⊘ x", "x + z", "x * z", "sum(x) * z",
    "norm(w ⊙ x + x)", "norm1(x - w)", "(w + x)' * x", "sum(diag(w) * x)", "exp(-x)·w",
    "z * z * z / z", "-(-(x))", "x - x + w", "2x + 3x", "sum(x ./ (x .* w))", "dot(x, ones(n))",
    "tanh(X * w)' * y", "sum(X' * y)", "mean(x) - mean(w)", "leaky_relu(x)·w", "(x * z)' * w",
    "sum(sqrt(exp(x)))", "x'*x", "sum(eye(n) * x)", "diag(x) * ones(n)", "ones(n)' * diag(x) * w",
    "sum(diag(x) * diag(w) * x)", "(2 * x)' * (3 * w)", "sum(-(X * w))", "mean(3 * x)",
    "sum(ones(n) * z)", "z / 1 + 0 * b", "sum(zeros(N, n) * x) + z", "diag(ones(n)) * x",
    "w' * diag(x) * w", "ones(n)' * x", "dot(2x, w)", "sum(inv(inv(S)) * x)", "log(det(inv(S)))",
    "tr(S * S') + logsumexp(x)", "softmax(x)·w", "x' * S * x", "x' * S * w + x' * S' * w",
    // Inverses that cancel in products, symmetric matrices, log-softmax, sign(u) u = abs(u),
    // factors shared by products (S (x wᵀ + w xᵀ)), a constant factor of a product (−1ᵀ X).
    "x' * inv(S) * S * w", "det(S * S) + logdet(S' * S)", "log(abs(det(S)))", "tr(inv(S' * S) * S)",
    "-y·log(softmax(X * w))", "sum(log(softmax(x)))", "sum(x ⊙ (w ⊘ x + z))", "x' * S' * S * w",
    // Jacobians with respect to the matrix S (Kronecker forms), Kronecker products of
    // vectors, gradients through stacks.
    "S * (x * w') * S", "S * eye(n)", "tanh(S * x)", "S''", "sum(kron(x, w))", "sum(sin([x; w]))",
    "sum(exp([x, w]'))", "sum(step(x) .* step(x) .* w)", "tr(S * x * w')", "tr(2 * S') - tr(-S)", "log(softmax(S * x))",
    // The sigmoid written out (e⁻ᶻ / (1 + e⁻ᶻ)²), sums and scalings of stacks.
    "1 / (1 + exp(-z))", "[z; b] + [b; z]", "sum(max(x, x)) + sum(min(w, w))",
    // One witness for each line of rules.txt that the functions above and their
    // derivatives do not reach.
    "(S' + S)'", "(S' - S)'", "(S - S')'", "X * zeros(n)", "(X/z) * x", "X * (x / z)", "ones(n)' * (diag(x) * S)",
    "ones(n)' * (diag(x') * S)", "ones(n)' * diag(x')", "diag(x') * ones(n)", "diag(x') * w", "w' * diag(x')",
    "sum(x / z)", "mean(-x)", "mean(x / z)", "ones(n)·x", "exp(-z) / (exp(-z) + 1)^2", "S * kron(S, x')",
    "kron(x, S) * S", "kron(S, x) * S", "(kron(x, x) + kron(w, w))' * kron(S, S) * kron(S, S)", "tanh(S)''",
    "diag(x') * (w * x')", "(x' + w')'", "dot(w, x .* z)", "sum(log(exp(x)) ⊙ w)", "z * [x; w] - [w; x]", "sum((ones(n) * ones(n)') .* S)",
    // Axes (docs/language.md): cross-entropy over a batch of columns, log_softmax, reductions.
    "-sum(X ⊙ log(softmax(X, 1)))", "sum(log_softmax(S, 2) ⊙ S)", "sum(X, 1) * x", "mean(X, 2)·y",
    "sum(logsumexp(S, 1)) + max(x) - min(X * w)", "sum((ones(n) ⊙ S) * x)", "sum(gelu(x))", "sum(log(softmax(S, 2)) ⊙ S)",
    // Reached by softmax cross-entropy's gradient before its reverse rule cancelled 1 ⊘ p itself.
    "w·(-x)", "x·(w ⊘ x)",
    // Results that read like the textbook: products of sums multiplied out where terms
    // cancel, sums of diagonals, positive factors inside indicators, the sigmoid and tanh
    // written with exponentials, the commutation matrix around a Kronecker product,
    // sum(M ⊙ I) = tr(M), normalised quantities.
    "z * (1 - s) + s * (1 + z)", "-(w ⊙ log(σ(x)) + (1 - w) ⊙ log(1 - σ(x)))", "sum((diag(x) + diag(w)) * x)",
    "sum((diag(x) - diag(w)) * x)", "sum(-diag(x - w) * x)", "step(2z) + step(-(3z)) + heaviside(2z) + heaviside(-(3z)) + sign(2z)",
    "exp(-z) / (1 + exp(-z))^2", "1 / (exp(-z) + 1)", "exp(z) / (1 + exp(z))", "exp(z) / (exp(z) + 1)",
    "(exp(z) - exp(-z)) / (exp(z) + exp(-z))", "(S' * X')'", "sum(S ⊙ eye(n))", "sum(eye(n) ⊙ (S * S))",
    "sum(softmax(x)) * z", "sum(ones(n)' * softmax(S, 1) * x)", "sum(softmax(S, 2) * ones(n))",
    "inv(S' * S + z * eye(n)) * S' * x",
    // The GP noise derivatives (traces and quadratic forms of K⁻¹), batch norm's broadcast
    // quotients, σ and tanh with a factor in the numerator.
    "tr(S + S * S) + tr(S - S * S)", "x' * S' * S' * w + tr(S' * S')", "tr(S * (S + x * w'))",
    "sum((ones(N) * ones(n)') .* y)", "sum(X .* (1 ./ y))", "sum((1 ./ y) .* X)",
    "b / (1 + exp(-z))", "b / (exp(-z) + 1)", "b * exp(z) / (1 + exp(z))", "b * exp(z) / (exp(z) + 1)",
    "b * (exp(z) - exp(-z)) / (exp(z) + exp(-z))", "(exp(z) - exp(-z))^2 / (exp(z) + exp(-z))^2",
};

// Models whose definitions the simplifier keeps whole, as derive prepares it (name_definitions):
// a defined product found inside a longer chain.
const char* const kNamedCorpus[] = {
    "u = S * x; f = sum(S * S * x)",
    "u = inv(S + z * eye(n)) * x; f = u",
};

// `/ 1`, `·1` (the inner-product dot before the ones vector), sum(M ⊙ I) (that is tr(M)).
const std::regex kUnreadable(R"(/ 1(?![0-9.])|·1(?![0-9.])|sum\([^()]*(⊙|\.\*) (I|eye\([^()]*\))\))");

// Random values for every variable of the model at sizes n = 3, N = 4.
Env random_env(Model& m, std::mt19937_64& rng) {
    Env env;
    SizeTable& sizes = m.cx().sizes();
    env.sizes[sizes.resolve(sizes.find("n"))] = 3;
    env.sizes[sizes.resolve(sizes.find("N"))] = 4;
    std::uniform_real_distribution<double> u(0.2, 1.5);
    for (const Symbol& s : m.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        auto [r, c] = concrete_shape(m.cx(), s.expr, env);
        Eigen::MatrixXd v(r, c);
        for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = u(rng);
        env.values[s.name] = v;
    }
    return env;
}

}  // namespace

TEST_CASE("every simplifier rewrite preserves values, and every rule is exercised", "[simplify]") {
    std::map<std::string_view, int> fired;
    std::mt19937_64 rng(42);
    for (const char* f : kCorpus) {
        Model m = load_model(Source{"t.mc", std::string(kDecl) + "f = " + f});
        Expr fn = m.function(std::nullopt).expr;
        std::vector<Expr> exprs{fn};
        for (const char* v : {"w", "x", "b", "z", "s", "S"}) {
            try {
                exprs.push_back(derivative(m.cx(), fn, m.find(v)->expr));
            } catch (const UnsupportedDerivative&) {
            }
        }
        Env env = random_env(m, rng);
        for (Expr e : exprs) {
            std::vector<RewriteStep> trace;
            Expr simplified = simplify(m.cx(), e, &trace);
            // What a person would not write (tests/test_readable.cpp scans the examples too).
            for (Style style : {Style::Unicode, Style::Ascii}) {
                INFO(f << ": " << print(m.cx(), simplified, {style}));
                CHECK_FALSE(std::regex_search(print(m.cx(), simplified, {style}), kUnreadable));
            }
            for (const RewriteStep& step : trace) {
                ++fired[step.id];
                INFO(f << ": rule " << step.rule);
                Eigen::MatrixXd before = evaluate(m.cx(), step.before, env);
                Eigen::MatrixXd after = evaluate(m.cx(), step.after, env);
                REQUIRE(before.rows() == after.rows());
                REQUIRE(before.cols() == after.cols());
                CHECK((before - after).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, before.cwiseAbs().maxCoeff()));
            }
        }
    }
    auto check_trace = [&](const char* what, Model& m, const Env& env, const std::vector<RewriteStep>& trace) {
        for (const RewriteStep& step : trace) {
            ++fired[step.id];
            INFO(what << ": rule " << step.rule);
            Eigen::MatrixXd before = evaluate(m.cx(), step.before, env);
            Eigen::MatrixXd after = evaluate(m.cx(), step.after, env);
            REQUIRE(before.rows() == after.rows());
            REQUIRE(before.cols() == after.cols());
            CHECK((before - after).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, before.cwiseAbs().maxCoeff()));
        }
    };
    for (const char* f : kNamedCorpus) {
        Model m = load_model(Source{"t.mc", std::string(kDecl) + f});
        const Symbol& fn = m.function(std::nullopt);
        Simplifier simplifier(m.cx());
        NamedExpr self{fn.name, fn.expr};
        name_definitions(simplifier, m.definitions(&fn), &self);
        std::vector<RewriteStep> trace;
        simplifier.set_trace(&trace);
        for (const char* v : {"x", "z", "S"}) simplifier(derivative(m.cx(), fn.expr, m.find(v)->expr));
        simplifier(fn.expr);
        Env env = random_env(m, rng);
        check_trace(f, m, env, trace);
    }
    {  // What the language cannot write: the transpose of a commutation matrix, vec(A)ᵀ vec(B).
        Model m = load_model(Source{"t.mc", std::string(kDecl) + "f = X"});
        Context& cx = m.cx();
        Expr x = m.find("X")->expr;
        Shape sx = cx.shape(x);
        Expr k = cx.transpose(cx.commutation(sx.rows, sx.cols));
        std::vector<RewriteStep> trace;
        simplify(cx, cx.matmul(k, cx.vec(x)), &trace);
        simplify(cx, cx.matmul(cx.transpose(cx.vec(x)), cx.vec(cx.mul(x, x))), &trace);
        Env env = random_env(m, rng);
        check_trace("K(N,n)ᵀ vec(X)", m, env, trace);
    }
    for (const Rule& rule : simplifier_rules()) {
        INFO("rule " << rule.id << " (rules.txt:" << rule.line << ", " << rule.name << ")");
        CHECK(fired[rule.id] > 0);
    }
}
