// Hessian–vector products (hessian_vector_product, `derive --hessian --direction V`) against
// the full Hessian times vec(v) and against central differences of the gradient along v;
// evaluated under a work budget that forming the Hessian would exceed. And the evaluator's
// symmetric products (Sᵀ S, Sᵀ diag(v) S: only a triangle multiplied) against Eigen's
// dense products.
#include <catch2/catch.hpp>

#include <random>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/associate.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;
using Eigen::MatrixXd;

namespace {

struct Case {
    const char* name;
    std::string model;  // sizes written in; declares the direction `v` (or `V`)
    const char* wrt;
    const char* direction;
};

// Standard normal values for every declared variable; 0/1 for a target `y` of a logistic loss.
Env random_values(Model& m, std::uint64_t seed) {
    Env env;
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    for (const Symbol& s : m.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        auto [r, c] = concrete_shape(m.cx(), s.expr, env);
        MatrixXd v(r, c);
        for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = 0.7 * normal(rng);
        env.values[s.name] = v;
    }
    return env;
}

MatrixXd value_of(Context& cx, Expr e, const Env& env) {
    SizeOf size_of = [&](Dim d) { return known_size(cx.sizes(), d, env); };
    return evaluate(cx, cheapest_association(cx, e, size_of), env);
}

}  // namespace

TEST_CASE("Hessian–vector products: the Hessian times v and differences of the gradient", "[hessian]") {
    const Case cases[] = {
        {"x'Ax", "x, v : vector(5); A : matrix(5, 5); f = x' * A * x", "x", "v"},
        {"logistic", "X : matrix(7, 4); w, v : vector(4); y : vector(7); p = σ(X*w); L = mean(bce(p, y))", "w", "v"},
        {"tanh layer, matrix variable",
         "W, V : matrix(3, 4); x : vector(4); y : vector(3); L = norm(tanh(W*x) - y)^2", "W", "V"},
        {"softmax cross-entropy", "W, V : matrix(3, 4); x : vector(4); t : vector(3); L = logsumexp(W*x) - t·(W*x)", "W",
         "V"},
        {"batch MLP, bias", "X : matrix(6, 3); W1 : matrix(3, 5); b1, v : vector(5); w2 : vector(5); y : vector(6)\n"
                            "H = tanh(X*W1 + b1'); L = mean((H*w2 - y)^2)",
         "b1", "v"},
        {"two-layer network, first weights",
         "W1, V : matrix(4, 3); b1 : vector(4); w2 : vector(4); x : vector(3); y : scalar\n"
         "h = tanh(W1*x + b1); L = (w2·h - y)^2 + 0.1 * norm(W1)^2",
         "W1", "V"},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        Model m = load_model(Source{"hvp.mc", c.model});
        Context& cx = m.cx();
        Simplifier simplify(cx);
        Expr f = m.function(std::nullopt).expr, x = m.find(c.wrt)->expr, v = m.find(c.direction)->expr;
        Expr g = simplify(gradient(cx, f, x));
        Expr hv = simplify(hessian_vector_product(cx, f, x, v, g));
        Expr h = simplify(hessian(cx, f, x, g));
        CHECK(cx.shape(hv).rows == cx.shape(x).rows);
        for (std::uint64_t seed : {1, 2, 3}) {
            Env env = random_values(m, seed);
            const MatrixXd got = value_of(cx, hv, env);
            REQUIRE(got.rows() == env.values.at(c.wrt).rows());
            REQUIRE(got.cols() == env.values.at(c.wrt).cols());
            const MatrixXd full = value_of(cx, h, env) * env.values.at(c.direction).reshaped();
            const double scale = std::max(1.0, full.cwiseAbs().maxCoeff());
            CHECK((got.reshaped() - full.reshaped()).cwiseAbs().maxCoeff() <= 1e-10 * scale);
            // Central differences of the gradient along v.
            const double step = 1e-5;
            Env plus = env, minus = env;
            plus.values[c.wrt] += step * env.values.at(c.direction);
            minus.values[c.wrt] -= step * env.values.at(c.direction);
            const MatrixXd fd = (value_of(cx, g, plus) - value_of(cx, g, minus)) / (2 * step);
            CHECK((got - fd).cwiseAbs().maxCoeff() <= 1e-6 * scale);
        }
    }
}

TEST_CASE("Hessian–vector products never form the Hessian", "[hessian]") {
    // Logistic regression with 2000 features: the Hessian is 2000 × 2000 and costs N·n²
    // = 1.2·10⁹ multiply-adds; ∇²L v is two matrix–vector products (1.2·10⁶).
    const int n = 2000, N = 300;
    Model m = load_model(Source{
        "big.mc", fmt::format("X : matrix({}, {}); w, v : vector({}); y : vector({}); p = σ(X*w); L = mean(bce(p, y))", N,
                              n, n, N)});
    Context& cx = m.cx();
    Simplifier simplify(cx);
    Expr f = m.function(std::nullopt).expr, w = m.find("w")->expr;
    Expr hv = simplify(hessian_vector_product(cx, f, w, m.find("v")->expr));
    Env env = random_values(m, 4);
    MatrixXd got;
    {
        Budget budget;
        budget.max_work = 2e7;
        budget.max_memory = std::size_t{16} << 20;  // the data is 4.8 MB; the Hessian alone 32 MB
        ScopedBudget held(budget);
        got = value_of(cx, hv, env);
    }
    const MatrixXd& X = env.values.at("X");
    const Eigen::ArrayXd sigma = (1.0 + (-(X * env.values.at("w")).array()).exp()).inverse();
    const MatrixXd expected = X.transpose() * (sigma * (1 - sigma) * (X * env.values.at("v")).array()).matrix() / N;
    CHECK((got - expected).cwiseAbs().maxCoeff() <= 1e-10 * std::max(1.0, expected.cwiseAbs().maxCoeff()));
}

TEST_CASE("derive --hessian --direction: ∇²f v, in text and JSON", "[hessian][cli]") {
    const std::string model = "X : matrix(N, d); w, v : vector(d); y : vector(N); p = σ(X*w); L = sum(bce(p, y))/N";
    Run r = run({"derive", "-e", model, "--wrt", "w", "--hessian", "--direction", "v"});
    CHECK(r.out == "∂L/∂w = (1 / N) (p − y)ᵀ X\n∂²L/∂w² v = (1 / N) Xᵀ (X v ⊙ p ⊙ (1 − p))\n");
    const std::string at = R"({"X": [[1, 2], [3, 4], [0.5, -1]], "w": [0.1, -0.2], "v": [1, 2], "y": [1, 0, 1]})";
    Derivative full = derive({"-e", model, "--wrt", "w", "--hessian", "--at", at});
    Derivative product = derive({"-e", model, "--wrt", "w", "--hessian", "--direction", "v", "--at", at});
    CHECK(product.object.find("direction")->as_string() == "v");
    CHECK(product.object.find("hessian_vector_unicode")->as_string() == "(1 / N) Xᵀ (X v ⊙ p ⊙ (1 − p))");
    CHECK(!product.object.find("hessian"));
    const auto& rows = full.object.find("hessian")->items();
    const auto& hv = product.object.find("hessian_vector")->items();
    REQUIRE(hv.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const double expected = rows[i].items()[0].as_number() * 1 + rows[i].items()[1].as_number() * 2;
        CHECK(std::abs(hv[i].as_number() - expected) <= 1e-12 * std::max(1.0, std::abs(expected)));
    }
    // Bad uses.
    Run no_hessian = run({"derive", "-e", model, "--wrt", "w", "--direction", "v"});
    CHECK(no_hessian.code != 0);
    CHECK(no_hessian.err.find("--direction needs --hessian") != std::string::npos);
    Run undeclared = run({"derive", "-e", model, "--wrt", "w", "--hessian", "--direction", "u"});
    CHECK(undeclared.code != 0);
    CHECK(undeclared.err.find("declares no variable 'u'") != std::string::npos);
    CHECK(undeclared.err.find("u : vector(d)") != std::string::npos);
    Run wrong_shape = run({"derive", "-e", model, "--wrt", "w", "--hessian", "--direction", "X"});
    CHECK(wrong_shape.code != 0);
    CHECK(wrong_shape.err.find("the direction is a matrix(N, d), the variable a vector(d)") != std::string::npos);
}

TEST_CASE("symmetric products multiply a triangle: Sᵀ S and Sᵀ diag(v) S", "[hessian][eval]") {
    std::mt19937_64 rng(9);
    std::normal_distribution<double> normal;
    auto random = [&](Eigen::Index r, Eigen::Index c) {
        MatrixXd m(r, c);
        for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = normal(rng);
        return m;
    };
    // Least squares: ∇² ½‖A x − b‖² = Aᵀ A; logistic: (1/N) Xᵀ diag(p ⊙ (1 − p)) X; and a
    // product of two different matrices (Aᵀ B + Bᵀ A), which is not one.
    Model m = load_model(Source{"sym.mc", "A, B : matrix(40, 30); x : vector(30); b : vector(40); w : vector(40)\n"
                                          "ls = 0.5 * norm(A*x - b)^2\n"
                                          "lg = mean(bce(σ(A'*w), x))\n"
                                          "mixed = (A*x)·(B*x)\n"});
    Context& cx = m.cx();
    Simplifier simplify(cx);
    Env env;
    env.values["A"] = random(40, 30);
    env.values["B"] = random(40, 30);
    env.values["x"] = (random(30, 1).array() > 0).cast<double>();
    env.values["b"] = random(40, 1);
    env.values["w"] = random(40, 1);
    const MatrixXd &A = env.values["A"], &B = env.values["B"];
    auto hessian_of = [&](const char* f, const char* wrt) {
        Expr e = m.find(f)->expr, x = m.find(wrt)->expr;
        return value_of(cx, simplify(hessian(cx, e, x, simplify(gradient(cx, e, x)))), env);
    };
    const MatrixXd ls = hessian_of("ls", "x");
    CHECK((ls - A.transpose() * A).cwiseAbs().maxCoeff() <= 1e-12 * A.squaredNorm());
    CHECK(ls == ls.transpose());
    const Eigen::ArrayXd p = (1.0 + (-(A.transpose() * env.values["w"]).array()).exp()).inverse();
    const MatrixXd expected = A * (p * (1 - p)).matrix().asDiagonal() * A.transpose() / 30.0;
    const MatrixXd lg = hessian_of("lg", "w");
    CHECK((lg - expected).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, expected.cwiseAbs().maxCoeff()));
    CHECK(lg == lg.transpose());
    const MatrixXd mixed = hessian_of("mixed", "x");
    CHECK((mixed - (A.transpose() * B + B.transpose() * A)).cwiseAbs().maxCoeff() <= 1e-12 * A.squaredNorm());
}
