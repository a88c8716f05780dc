// The evaluator's structured products and fused elementwise passes, against independent
// oracles: a batch MLP's Hessian with respect to its first bias against its closed form
// (held to a memory and work budget that forming any (N h) × (N h) factor would exceed);
// Kronecker products with an identity factor against Eigen's dense products; fused
// elementwise chains against the same operations run as separate passes (the same bits)
// and against Eigen's array arithmetic.
#include <catch2/catch.hpp>

#include <random>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/associate.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "matcalc/simplify/simplify.hpp"

using namespace matcalc;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng, double scale = 1.0) {
    std::normal_distribution<double> normal;
    MatrixXd m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = scale * normal(rng);
    return m;
}

// The Hessian of L = mean((tanh(X W1 + 1 b1ᵀ) w2 − y)²) with respect to b1, from its closed
// form: (2/N) Σₙ [ (w2 ⊙ dₙ)(w2 ⊙ dₙ)ᵀ − 2 rₙ diag(w2 ⊙ hₙ ⊙ dₙ) ], hₙ the n-th row of H,
// dₙ = 1 − hₙ², rₙ = hₙ·w2 − yₙ.
MatrixXd mlp_hessian_b1(const MatrixXd& X, const MatrixXd& W1, const VectorXd& b1, const VectorXd& w2,
                        const VectorXd& y) {
    const Eigen::Index N = X.rows(), h = W1.cols();
    MatrixXd out = MatrixXd::Zero(h, h);
    for (Eigen::Index n = 0; n < N; ++n) {
        VectorXd hn = (W1.transpose() * X.row(n).transpose() + b1).array().tanh();
        VectorXd dn = 1 - hn.array().square();
        const double rn = hn.dot(w2) - y(n);
        VectorXd g = w2.cwiseProduct(dn);
        out += g * g.transpose();
        out.diagonal() -= 2 * rn * (w2.array() * hn.array() * dn.array()).matrix();
    }
    return out * (2.0 / static_cast<double>(N));
}

}  // namespace

TEST_CASE("a batch MLP's Hessian over the batch is evaluated without forming (N h)² factors", "[eval][hessian]") {
    for (int N : {8, 300}) {
        Model model = load_model(Source{"mlp.mc", fmt::format("X : matrix({0}, 4)\nW1 : matrix(4, 16)\nb1 : vector(16)\n"
                                                              "w2 : vector(16)\ny : vector({0})\n"
                                                              "H = tanh(X*W1 + b1')\nL = mean((H*w2 - y)^2)\n",
                                                              N)});
        Context& cx = model.cx();
        Simplifier simplify(cx);
        Expr f = model.function(std::nullopt).expr, b1 = model.find("b1")->expr;
        Expr hessian = simplify(matcalc::hessian(cx, f, b1, simplify(gradient(cx, f, b1))));
        std::mt19937_64 rng(static_cast<unsigned>(N));
        Env env;
        env.values["X"] = random_matrix(N, 4, rng);
        env.values["W1"] = random_matrix(4, 16, rng, 0.5);
        env.values["b1"] = random_matrix(16, 1, rng, 0.1);
        env.values["w2"] = random_matrix(16, 1, rng);
        env.values["y"] = random_matrix(N, 1, rng);
        SizeOf size_of = [&](Dim d) { return known_size(cx.sizes(), d, env); };
        Expr associated = cheapest_association(cx, hessian, size_of);
        // At N = 300 one (N h)² matrix is 184 MB and a product of two 1.8e11 multiply-adds.
        Budget budget;
        budget.max_memory = std::size_t{8} << 20;
        budget.max_work = 5e7;
        MatrixXd value;
        {
            ScopedBudget held(budget);
            value = evaluate(cx, associated, env);
        }
        const MatrixXd expected = mlp_hessian_b1(env.values["X"], env.values["W1"], env.values["b1"],
                                                 env.values["w2"], env.values["y"]);
        INFO("N = " << N);
        REQUIRE(value.rows() == 16);
        REQUIRE(value.cols() == 16);
        CHECK((value - expected).cwiseAbs().maxCoeff() <= 1e-12 * (1 + expected.cwiseAbs().maxCoeff()));
    }
}

TEST_CASE("Kronecker products with an identity factor, applied on either side", "[eval][kronecker]") {
    Model model = load_model(Source{"kron.mc", "A : matrix(3, 2)\nB : matrix(3, 2)\nM : matrix(8, 5)\nR : matrix(5, 12)\n"
                                               "AI = kron(A, eye(4)) * M\nIB = kron(eye(4), B) * M\n"
                                               "RAI = R * kron(A, eye(4))\nRIB = R * kron(eye(4), B)\n"});
    std::mt19937_64 rng(3);
    Env env;
    for (const char* v : {"A", "B", "M", "R"}) {
        auto [rows, cols] = concrete_shape(model.cx(), model.find(v)->expr, env);
        env.values[v] = random_matrix(rows, cols, rng);
    }
    // The Kronecker product formed entry by entry: block (i, j) is A(i, j) B.
    auto kron = [](const MatrixXd& a, const MatrixXd& b) {
        MatrixXd k(a.rows() * b.rows(), a.cols() * b.cols());
        for (Eigen::Index i = 0; i < a.rows(); ++i)
            for (Eigen::Index j = 0; j < a.cols(); ++j) k.block(i * b.rows(), j * b.cols(), b.rows(), b.cols()) = a(i, j) * b;
        return k;
    };
    const MatrixXd I4 = MatrixXd::Identity(4, 4);
    const MatrixXd &A = env.values["A"], &B = env.values["B"], &M = env.values["M"], &R = env.values["R"];
    const std::pair<const char*, MatrixXd> cases[] = {
        {"AI", kron(A, I4) * M}, {"IB", kron(I4, B) * M}, {"RAI", R * kron(A, I4)}, {"RIB", R * kron(I4, B)}};
    for (const auto& [name, expected] : cases) {
        INFO(name);
        MatrixXd value = evaluate(model.cx(), model.find(name)->expr, env);
        REQUIRE(value.rows() == expected.rows());
        REQUIRE(value.cols() == expected.cols());
        CHECK((value - expected).cwiseAbs().maxCoeff() <= 1e-13);
    }
}

TEST_CASE("fused elementwise passes give the separate passes' numbers", "[eval][fusion]") {
    // 40 × 30: more entries than one block of a fused pass, and a partial last block.
    Model model = load_model(Source{"fuse.mc", "Z, G : matrix(40, 30)\ns : scalar\n"
                                               "T = tanh(Z)\nS = T^2\nD = 1 - S\nF = D ⊙ G\n"
                                               "P = σ(Z)\nQ = P ⊙ (1 - P) ⊙ G * s\n"
                                               "E = max(0, Z) ⊙ G + s * exp(-Z^2)\n"});
    std::mt19937_64 rng(11);
    Env env;
    env.values["Z"] = random_matrix(40, 30, rng);
    env.values["G"] = random_matrix(40, 30, rng);
    env.values["s"] = random_matrix(1, 1, rng);
    Context& cx = model.cx();
    auto e = [&](const char* name) { return model.find(name)->expr; };
    const auto Z = env.values["Z"].array(), G = env.values["G"].array();
    const double s = env.values["s"](0, 0);
    const Eigen::ArrayXXd sig = 1 / (1 + (-Z).exp());
    const std::pair<const char*, Eigen::ArrayXXd> cases[] = {
        {"F", (1 - Z.tanh().square()) * G},
        {"Q", sig * (1 - sig) * G * s},
        {"E", Z.max(0) * G + s * (-Z.square()).exp()}};
    for (const auto& [name, expected] : cases) {
        INFO(name);
        MatrixXd fused = evaluate(cx, e(name), env);
        CHECK((fused.array() - expected).abs().maxCoeff() <= 1e-14);
        // The same expression with its parts as roots too: each part stored whole, in a
        // pass of its own.
        std::vector<Expr> roots{e(name)};
        for (Expr n : reachable(cx, std::span<const Expr>(roots.data(), 1)))
            if (cx.shape(n) == cx.shape(e(name)) && n->op->kind == Kind::Elementwise) roots.push_back(n);
        REQUIRE(roots.size() > 3);
        std::vector<MatrixXd> separate = evaluate_all(cx, roots, env);
        CHECK(fused == separate[0]);
        Evaluator32 single(cx, std::span<const Expr>(roots.data(), 1), env);
        single.run(env);
        CHECK((single.value(0).cast<double>().array() - expected).abs().maxCoeff() <= 1e-5);
    }
    // Fused, F's parts hold no arrays of their own: F alone fits in a budget that F with
    // T, S and D stored does not (four 40 × 30 arrays of doubles are 37.5 KiB).
    Budget budget;
    budget.max_memory = 20000;
    ScopedBudget held(budget);
    Expr f[] = {e("F")};
    CHECK_NOTHROW(Evaluator(cx, f, env));
    Expr all[] = {e("F"), e("T"), e("S"), e("D")};
    CHECK_THROWS_AS(Evaluator(cx, all, env), InputError);
}
