// Tests of the numeric evaluator (include/matcalc/numeric/evaluator.hpp); values files: test_values.cpp.
#include "matcalc/numeric/values.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "eval_support.hpp"

using namespace matcalc;
using namespace matcalc::testing::eval;
using Eigen::MatrixXd;


// ------------------------------------------------------------------ the operation table

TEST_CASE("eval: every row of the operation table", "[eval]") {
    Context cx;
    Env env;
    const Dim n = cx.sizes().symbol("n");
    env.sizes[n] = 3;
    Expr x = cx.variable("x", {n, 1});
    Expr y = cx.variable("y", {n, 1});
    // Every value also in single precision (Evaluator32): the same to float's accuracy.
    auto ev = [&](Expr e) {
        MatrixXd value = evaluate(cx, e, env);
        CHECK(agrees_in_float(evaluate(cx, e, env, Precision::Float32), value));
        return value;
    };
    // Unary elementwise functions on x.
    auto unary = [&](Op name, MatrixXd in, MatrixXd expected) {
        env.values["x"] = in;
        CHECK_SAME(ev(cx.apply(name, x)), expected);
    };
    auto binary = [&](Op name, MatrixXd a, MatrixXd b, MatrixXd expected) {
        env.values["x"] = a;
        env.values["y"] = b;
        CHECK_SAME(ev(cx.apply(name, x, y)), expected);
    };
    const double pi = std::acos(-1.0);
    const double e1 = std::exp(1.0);

    std::map<Op, std::function<void()>> cases;
    cases[Op::Variable] = [&] {
        env.values["x"] = col({1, 2, 3});
        CHECK_SAME(ev(x), col({1, 2, 3}));
    };
    cases[Op::Constant] = [&] {
        CHECK_SAME(ev(cx.constant(2.5, {n, 2})), rows({{2.5, 2.5}, {2.5, 2.5}, {2.5, 2.5}}));
        CHECK_SAME(ev(cx.constant(-1)), num(-1));
    };
    cases[Op::Eye] = [&] { CHECK_SAME(ev(cx.identity(n)), MatrixXd::Identity(3, 3)); };
    cases[Op::Size] = [&] {
        CHECK_SAME(ev(cx.size(n)), num(3));
        CHECK_SAME(ev(cx.numel({n, n})), num(9));
    };
    cases[Op::Add] = [&] { binary(Op::Add, col({1, 2, 3}), col({4, 5, 6}), col({5, 7, 9})); };
    cases[Op::Sub] = [&] { binary(Op::Sub, col({1, 2, 3}), col({4, 6, 8}), col({-3, -4, -5})); };
    cases[Op::Hadamard] = [&] { binary(Op::Hadamard, col({1, 2, 3}), col({4, 5, -6}), col({4, 10, -18})); };
    cases[Op::Div] = [&] { binary(Op::Div, col({1, 2, 3}), col({4, 5, 6}), col({0.25, 0.4, 0.5})); };
    cases[Op::Pow] = [&] { binary(Op::Pow, col({1, 2, 3}), col({4, 5, 6}), col({1, 32, 729})); };
    cases[Op::Neg] = [&] { unary(Op::Neg, col({1, -2, 0.5}), col({-1, 2, -0.5})); };
    cases[Op::Exp] = [&] { unary(Op::Exp, col({0, 1, -1}), col({1, e1, 1 / e1})); };
    cases[Op::Log] = [&] { unary(Op::Log, col({1, e1, 0.5}), col({0, 1, -std::log(2.0)})); };
    cases[Op::Sin] = [&] { unary(Op::Sin, col({0, pi / 2, -pi / 2}), col({0, 1, -1})); };
    cases[Op::Cos] = [&] { unary(Op::Cos, col({0, pi, 0}), col({1, -1, 1})); };
    cases[Op::Tan] = [&] { unary(Op::Tan, col({0, 0.5, -0.5}), col({0, std::tan(0.5), -std::tan(0.5)})); };
    cases[Op::Asin] = [&] { unary(Op::Asin, col({0, 1, -1}), col({0, pi / 2, -pi / 2})); };
    cases[Op::Acos] = [&] { unary(Op::Acos, col({1, -1, 0}), col({0, pi, pi / 2})); };
    cases[Op::Atan] = [&] { unary(Op::Atan, col({0, 1, -1}), col({0, pi / 4, -pi / 4})); };
    cases[Op::Tanh] = [&] { unary(Op::Tanh, col({0, 1, -1}), col({0, std::tanh(1.0), -std::tanh(1.0)})); };
    cases[Op::Sigmoid] = [&] {
        env.values["x"] = col({0, 2, -2});
        CHECK_CLOSE(ev(cx.apply(Op::Sigmoid, x)), col({0.5, 1 / (1 + std::exp(-2.0)), 1 / (1 + std::exp(2.0))}), 1e-16);
        CHECK(ev(cx.apply(Op::Sigmoid, x))(0, 0) == 0.5);
        env.values["x"] = col({-800, 800, 40});  // no overflow at either end
        CHECK_SAME(ev(cx.apply(Op::Sigmoid, x)), col({0, 1, 1 / (1 + std::exp(-40.0))}));
    };
    cases[Op::Softplus] = [&] {
        env.values["x"] = col({0, 1, -1});
        CHECK_CLOSE(ev(cx.apply(Op::Softplus, x)), col({std::log(2.0), std::log(1 + e1), std::log(1 + 1 / e1)}), 1e-15);
        env.values["x"] = col({1000, -1000, 0});
        CHECK_SAME(ev(cx.apply(Op::Softplus, x)), col({1000, 0, std::log(2.0)}));
    };
    cases[Op::Sqrt] = [&] { unary(Op::Sqrt, col({4, 2, 0}), col({2, std::sqrt(2.0), 0})); };
    cases[Op::Abs] = [&] { unary(Op::Abs, col({-2, 0, 3}), col({2, 0, 3})); };
    cases[Op::Relu] = [&] { unary(Op::Relu, col({-2, 0, 3}), col({0, 0, 3})); };
    cases[Op::Step] = [&] { unary(Op::Step, col({-2, 0, 3}), col({0, 0, 1})); };  // step(0) = 0
    // heaviside(0) = ½ (ties of max and min split evenly), NaN stays NaN.
    cases[Op::Heaviside] = [&] { unary(Op::Heaviside, col({-2, 0, 3}), col({0, 0.5, 1})); };
    cases[Op::Sign] = [&] { unary(Op::Sign, col({-2, 0, 3}), col({-1, 0, 1})); };  // sign(0) = 0
    cases[Op::Max] = [&] { binary(Op::Max, col({1, 5, -3}), col({2, 5, -4}), col({2, 5, -3})); };
    cases[Op::Min] = [&] { binary(Op::Min, col({1, 5, -3}), col({2, 5, -4}), col({1, 5, -4})); };
    cases[Op::LeakyRelu] = [&] {
        unary(Op::LeakyRelu, col({-2, 0, 3}), col({-0.02, 0, 3}));  // default slope 0.01
        binary(Op::LeakyRelu, col({-2, 0, 3}), col({0.1, 0.1, 0.1}), col({-0.2, 0, 3}));
    };
    cases[Op::Bce] = [&] {
        binary(Op::Bce, col({0.5, 0.25, 0.75}), col({1, 0, 1}), col({std::log(2.0), -std::log(0.75), -std::log(0.75)}));
        // 0 log 0 = 0: a certain right answer costs nothing, a certain wrong one is infinite.
        const double inf = std::numeric_limits<double>::infinity();
        binary(Op::Bce, col({1, 0, 1}), col({1, 0, 0}), col({0, 0, inf}));
    };
    // The new elementwise functions against independent values: definitions in exp, known
    // constants of erf (Abramowitz & Stegun, table 7.1), series for small arguments.
    auto near = [&](Op name, MatrixXd in, MatrixXd expected) {
        env.values["x"] = in;
        const MatrixXd got = ev(cx.apply(name, x));
        INFO(show(got));
        CHECK(close(got, expected, 1e-15));
    };
    cases[Op::Sinh] = [&] { near(Op::Sinh, col({0, 1, -2}), col({0, (e1 - 1 / e1) / 2, -(e1 * e1 - 1 / (e1 * e1)) / 2})); };
    cases[Op::Cosh] = [&] { near(Op::Cosh, col({0, 1, -2}), col({1, (e1 + 1 / e1) / 2, (e1 * e1 + 1 / (e1 * e1)) / 2})); };
    cases[Op::Erf] = [&] { near(Op::Erf, col({0, 1, -0.5}), col({0, 0.8427007929497149, -0.5204998778130465})); };
    // Where 1 + x and eˣ − 1 would lose every digit: x − x²/2 and x + x²/2 to double precision.
    cases[Op::Log1p] = [&] { near(Op::Log1p, col({0, e1 - 1, 1e-10}), col({0, 1, 1e-10 - 5e-21})); };
    cases[Op::Expm1] = [&] { near(Op::Expm1, col({0, 1, 1e-10}), col({0, e1 - 1, 1e-10 + 5e-21})); };
    cases[Op::Elu] = [&] {
        near(Op::Elu, col({-1, 0, 3}), col({1 / e1 - 1, 0, 3}));  // default α = 1
        binary(Op::Elu, col({-1, 0, 3}), col({0.5, 0.5, 0.5}), col({0.5 * std::expm1(-1.0), 0, 3}));
    };
    cases[Op::MatMul] = [&] {
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, 2, 3}, {4, 5, 6}});
        env.values["x"] = col({1, 0, -1});
        CHECK_SAME(ev(cx.matmul(W, x)), col({-2, -2}));
        CHECK_SAME(ev(cx.matmul(x, cx.transpose(x))), rows({{1, 0, -1}, {0, 0, 0}, {-1, 0, 1}}));
        CHECK_SAME(ev(cx.matmul(cx.transpose(x), x)), num(2));
    };
    cases[Op::Transpose] = [&] {
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, 2, 3}, {4, 5, 6}});
        CHECK_SAME(ev(cx.transpose(W)), rows({{1, 4}, {2, 5}, {3, 6}}));
    };
    cases[Op::Dot] = [&] {
        env.values["x"] = col({1, 2, 3});
        env.values["y"] = col({4, -5, 6});
        CHECK_SAME(ev(cx.dot(x, y)), num(12));
        CHECK_SAME(ev(cx.dot(cx.transpose(x), y)), num(12));  // a row with a column
    };
    cases[Op::Sum] = [&] {
        env.values["x"] = col({1, 2, 3.5});
        CHECK_SAME(ev(cx.sum(x)), num(6.5));
        // With an axis, as MATLAB: 1 sums each column (a row), 2 each row (a column).
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, 2, 3}, {4, 5, 9}});
        CHECK_SAME(ev(cx.apply(Op::Sum, W, cx.constant(1))), rows({{5, 7, 12}}));
        CHECK_SAME(ev(cx.apply(Op::Sum, W, cx.constant(2))), col({6, 18}));
        CHECK_SAME(ev(cx.apply(Op::Sum, x, cx.constant(1))), num(6.5));   // a column's one column
        CHECK_SAME(ev(cx.apply(Op::Sum, x, cx.constant(2))), col({1, 2, 3.5}));  // each entry alone
    };
    cases[Op::Mean] = [&] {
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, 2, 3}, {4, 5, 9}});
        CHECK_SAME(ev(cx.apply(Op::Mean, W)), num(4));
        CHECK_SAME(ev(cx.apply(Op::Mean, W, cx.constant(1))), rows({{2.5, 3.5, 6}}));
        CHECK_SAME(ev(cx.apply(Op::Mean, W, cx.constant(2))), col({2, 6}));
    };
    cases[Op::Norm] = [&] {
        env.values["x"] = col({3, 0, -4});
        CHECK_SAME(ev(cx.apply(Op::Norm, x)), num(5));
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, 1, 1}, {1, 1, 4}});  // Frobenius: sqrt(21 - 1 + ...) = sqrt(21)
        CHECK_SAME(ev(cx.apply(Op::Norm, W)), num(std::sqrt(21.0)));
    };
    cases[Op::Norm1] = [&] {
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, -2, 3}, {-4, 5, -6}});
        CHECK_SAME(ev(cx.apply(Op::Norm1, W)), num(21));
    };
    cases[Op::Diag] = [&] {
        env.values["x"] = col({1, 2, 3});
        CHECK_SAME(ev(cx.diag(x)), rows({{1, 0, 0}, {0, 2, 0}, {0, 0, 3}}));
        CHECK_SAME(ev(cx.diag(cx.transpose(x))), rows({{1, 0, 0}, {0, 2, 0}, {0, 0, 3}}));
    };
    cases[Op::DiagPart] = [&] {
        Expr A = cx.variable("A", {n, n});
        env.values["A"] = rows({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        Expr d = cx.diag(A);
        CHECK(d->op->kind == Kind::DiagPart);
        CHECK_SAME(ev(d), col({1, 5, 9}));
    };
    cases[Op::Stack] = [&] {
        Expr a = cx.variable("a", kScalarShape), b = cx.variable("b", kScalarShape);
        env.values["a"] = num(1);
        env.values["b"] = num(2);
        Expr ab[] = {a, b};
        CHECK_SAME(ev(cx.stack(ab, 1)), col({1, 2}));  // [a; b]
        CHECK_SAME(ev(cx.stack(ab, 2)), rows({{1, 2}}));  // [a, b]
        // [A, u; v', c]: blocks of different sizes.
        Expr A = cx.variable("A2", {2, 2}), u = cx.variable("u", {2, 1}), v = cx.variable("v", {2, 1});
        env.values["A2"] = rows({{1, 2}, {3, 4}});
        env.values["u"] = col({5, 6});
        env.values["v"] = col({7, 8});
        Expr blocks[] = {A, u, cx.transpose(v), a};
        CHECK_SAME(ev(cx.stack(blocks, 2)), rows({{1, 2, 5}, {3, 4, 6}, {7, 8, 1}}));
    };

    Expr M = cx.variable("M", {2, 2});
    env.values["M"] = rows({{2, 1}, {1, 3}});
    cases[Op::Trace] = [&] { CHECK_SAME(ev(cx.apply(Op::Trace, M)), num(5)); };
    cases[Op::Det] = [&] { CHECK_SAME(ev(cx.apply(Op::Det, M)), num(5)); };
    cases[Op::LogDet] = [&] { CHECK(ev(cx.apply(Op::LogDet, M))(0, 0) == Approx(std::log(5.0))); };
    cases[Op::Inverse] = [&] {
        MatrixXd inv = ev(cx.apply(Op::Inverse, M));
        CHECK((inv - rows({{0.6, -0.2}, {-0.2, 0.4}})).cwiseAbs().maxCoeff() < 1e-15);
    };
    cases[Op::LogSumExp] = [&] {
        env.values["x"] = col({1000, 1000, 1000});  // shifted: no overflow
        CHECK(ev(cx.apply(Op::LogSumExp, x))(0, 0) == Approx(1000 + std::log(3.0)));
        // Per column and per row, each shifted by its own largest entry (−1000 would
        // underflow exp to 0 and 1000 overflow it, unshifted).
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1000, -1000, 0}, {1000, -1000, std::log(3.0)}});
        const double l2 = std::log(2.0);
        CHECK(close(ev(cx.apply(Op::LogSumExp, W, cx.constant(1))), rows({{1000 + l2, -1000 + l2, std::log(4.0)}}), 1e-12));
        CHECK(close(ev(cx.apply(Op::LogSumExp, W, cx.constant(2))), col({1000, 1000}), 1e-12));
    };
    cases[Op::Softmax] = [&] {
        env.values["x"] = col({0, std::log(2.0), std::log(5.0)});
        MatrixXd p = ev(cx.apply(Op::Softmax, x));
        CHECK((p - col({0.125, 0.25, 0.625})).cwiseAbs().maxCoeff() < 1e-15);
        // Of a matrix: column by column (samples as columns), each shifted by its largest
        // entry (1000 would overflow exp otherwise).
        Expr Z = cx.variable("Z", {n, cx.sizes().symbol("B")});
        env.sizes[cx.sizes().symbol("B")] = 2;
        env.values["Z"] = rows({{0, 1000}, {std::log(2.0), 1000}, {std::log(5.0), 1000 + std::log(2.0)}});
        MatrixXd P = ev(cx.apply(Op::Softmax, Z, cx.constant(1)));
        CHECK((P - rows({{0.125, 0.25}, {0.25, 0.25}, {0.625, 0.5}})).cwiseAbs().maxCoeff() < 1e-12);  // 1000 + ln 2 rounds at 1e-13
        // Axis 2: each row sums to 1, shifted by the row's largest entry (e^1000 would
        // overflow): the second entry of each row is 1000 above the first.
        MatrixXd R = ev(cx.apply(Op::Softmax, Z, cx.constant(2)));
        CHECK(close(R, rows({{0, 1}, {0, 1}, {0, 1}}), 1e-15));
        env.values["Z"] = rows({{0, std::log(3.0)}, {std::log(2.0), std::log(2.0)}, {-1, 1}});
        R = ev(cx.apply(Op::Softmax, Z, cx.constant(2)));
        const double e2 = std::exp(2.0);
        CHECK(close(R, rows({{0.25, 0.75}, {0.5, 0.5}, {1 / (1 + e2), e2 / (1 + e2)}}), 1e-15));
        // Without an axis a matrix is an error: which way should it sum to 1?
        CHECK_THROWS_AS(cx.apply(Op::Softmax, Z), ShapeError);
    };
    cases[Op::LogSoftmax] = [&] {
        env.values["x"] = col({0, std::log(2.0), std::log(5.0)});
        CHECK(close(ev(cx.apply(Op::LogSoftmax, x)), col({std::log(0.125), std::log(0.25), std::log(0.625)}), 1e-15));
        // Stable where log(softmax) is not: e^−2000 underflows, its logarithm does not.
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{0, 10, 5}, {-2000, 10, 5}});
        CHECK(close(ev(cx.apply(Op::LogSoftmax, W, cx.constant(1))), rows({{0, -std::log(2.0), -std::log(2.0)}, {-2000, -std::log(2.0), -std::log(2.0)}}), 1e-12));
        MatrixXd R = ev(cx.apply(Op::LogSoftmax, W, cx.constant(2)));
        const double lse0 = 10 + std::log(1 + std::exp(-10.0) + std::exp(-5.0)), lse1 = 10 + std::log1p(std::exp(-5.0));
        CHECK(close(R.row(0), rows({{-lse0, 10 - lse0, 5 - lse0}}), 1e-14));
        CHECK(close(R.row(1), rows({{-2000 - lse1, 10 - lse1, 5 - lse1}}), 1e-12));
        CHECK_THROWS_AS(cx.apply(Op::LogSoftmax, W), ShapeError);
    };
    cases[Op::MaxEntry] = [&] {
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, 7, 3}, {4, -5, 7}});
        CHECK_SAME(ev(cx.apply(Op::Max, W)), num(7));
        CHECK_SAME(ev(cx.apply(Op::MaxEntry, W)), num(7));
    };
    cases[Op::MinEntry] = [&] {
        Expr W = cx.variable("W", {2, n});
        env.values["W"] = rows({{1, 7, 3}, {4, -5, 7}});
        CHECK_SAME(ev(cx.apply(Op::Min, W)), num(-5));
    };

    cases[Op::Kron] = [&] {
        Expr B = cx.variable("B", {1, 2});
        env.values["B"] = rows({{1, 10}});
        CHECK_SAME(ev(cx.kron(M, B)), rows({{2, 20, 1, 10}, {1, 10, 3, 30}}));
        CHECK_SAME(ev(cx.kron(B, M)), rows({{2, 1, 20, 10}, {1, 3, 10, 30}}));
    };
    cases[Op::Vec] = [&] {
        Expr A = cx.variable("A3", {2, 3});
        env.values["A3"] = rows({{1, 2, 3}, {4, 5, 6}});
        CHECK_SAME(ev(cx.vec(A)), col({1, 4, 2, 5, 3, 6}));  // the columns stacked
    };
    cases[Op::Block] = [&] {
        Expr A = cx.variable("A3", {2, 3});
        env.values["A3"] = rows({{1, 2, 3}, {4, 5, 6}});
        CHECK_SAME(ev(cx.block(A, 0, 1, {2, 2})), rows({{2, 3}, {5, 6}}));
        CHECK_SAME(ev(cx.block(A, 1, 0, {1, 3})), rows({{4, 5, 6}}));
    };
    cases[Op::Unvec] = [&] {
        Expr v = cx.variable("v6", {6, 1});
        env.values["v6"] = col({1, 4, 2, 5, 3, 6});
        CHECK_SAME(ev(cx.unvec(v, {2, 3})), rows({{1, 2, 3}, {4, 5, 6}}));  // vec⁻¹: columns refilled
    };
    cases[Op::Commutation] = [&] {
        // K(2,3) vec(A) = vec(Aᵀ) for A 2×3.
        Expr A = cx.variable("A3", {2, 3});
        env.values["A3"] = rows({{1, 2, 3}, {4, 5, 6}});
        CHECK_SAME(ev(cx.matmul(cx.commutation(2, 3), cx.vec(A))), col({1, 2, 3, 4, 5, 6}));
        MatrixXd K = ev(cx.commutation(2, 3));
        CHECK(K.rows() == 6);
        CHECK((K * K.transpose() - MatrixXd::Identity(6, 6)).cwiseAbs().maxCoeff() == 0);
    };

    for (const OpInfo& op : op_table()) {
        INFO("operation " << op.name);
        auto it = cases.find(op.id);
        REQUIRE(it != cases.end());
        it->second();
    }
}

// ------------------------------------------------------------------ broadcasting

TEST_CASE("eval: broadcasting follows the shape rules", "[eval]") {
    Context cx;
    Env env;
    const Dim m = cx.sizes().symbol("m"), n = cx.sizes().symbol("n");
    env.sizes[m] = 2;
    env.sizes[n] = 3;
    Expr W = cx.variable("W", {m, n});
    Expr s = cx.variable("s", kScalarShape);
    Expr r = cx.variable("r", {1, n});
    Expr c = cx.variable("c", {m, 1});
    env.values["W"] = rows({{1, 2, 3}, {4, 5, 6}});
    env.values["s"] = num(10);
    env.values["r"] = rows({{1, 10, 100}});
    env.values["c"] = col({2, 4});
    auto ev = [&](Expr e) { return evaluate(cx, e, env); };

    SECTION("a scalar on either side") {
        CHECK_SAME(ev(cx.add(s, W)), rows({{11, 12, 13}, {14, 15, 16}}));
        CHECK_SAME(ev(cx.sub(W, s)), rows({{-9, -8, -7}, {-6, -5, -4}}));
        CHECK_SAME(ev(cx.div(s, c)), col({5, 2.5}));
        CHECK_SAME(ev(cx.times(s, W)), rows({{10, 20, 30}, {40, 50, 60}}));
        CHECK_SAME(ev(cx.apply(Op::Max, cx.constant(3), W)), rows({{3, 3, 3}, {4, 5, 6}}));
    }
    SECTION("a row over the rows of a matrix") {
        CHECK_SAME(ev(cx.add(r, W)), rows({{2, 12, 103}, {5, 15, 106}}));
        CHECK_SAME(ev(cx.sub(W, r)), rows({{0, -8, -97}, {3, -5, -94}}));
        CHECK_SAME(ev(cx.mul(W, r)), rows({{1, 20, 300}, {4, 50, 600}}));
    }
    SECTION("a column over the columns of a matrix") {
        CHECK_SAME(ev(cx.add(c, W)), rows({{3, 4, 5}, {8, 9, 10}}));
        CHECK_SAME(ev(cx.div(W, c)), rows({{0.5, 1, 1.5}, {1, 1.25, 1.5}}));
        CHECK_SAME(ev(cx.apply(Op::Pow, c, cx.constant(2))), col({4, 16}));
    }
    SECTION("a size of 1 at these values broadcasts as a scalar") {
        Dim k = cx.sizes().symbol("k");
        Expr v = cx.variable("v", {k, 1});
        Expr u = cx.variable("u", {k, 1});
        Env one = env;
        one.sizes[k] = 1;
        one.values["v"] = num(3);
        one.values["u"] = num(4);
        CHECK_SAME(evaluate(cx, cx.mul(v, u), one), num(12));
        CHECK_SAME(evaluate(cx, cx.dot(v, u), one), num(12));
        CHECK_SAME(evaluate(cx, cx.diag(v), one), num(3));
    }
    SECTION("a constant sized by context") {
        Expr ones = cx.constant(1.0, {cx.sizes().fresh(), cx.sizes().fresh()});
        CHECK_SAME(ev(cx.add(W, ones)), rows({{2, 3, 4}, {5, 6, 7}}));
        Expr eye = cx.identity(cx.sizes().fresh());
        CHECK_SAME(ev(cx.matmul(eye, W)), rows({{1, 2, 3}, {4, 5, 6}}));
    }
}

// ------------------------------------------------------------------ sizes, DAGs, limits

TEST_CASE("eval: sizes must be known", "[eval]") {
    Context cx;
    const Dim n = cx.sizes().symbol("n");
    Expr x = cx.variable("x", {n, 1});
    Env env;
    env.values["x"] = col({1, 2});
    try {
        evaluate(cx, cx.sum(x), env);
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "the size n is not known: give a value for a variable of size n");
    }
    env.sizes[n] = 2;
    CHECK_SAME(evaluate(cx, cx.add(cx.sum(x), cx.size(n)), env), num(5));
    CHECK_SAME(evaluate(cx, cx.apply(Op::Mean, x), env), num(1.5));

    Expr eye = cx.identity(cx.sizes().fresh());
    CHECK_THROWS_WITH(evaluate(cx, cx.sum(eye), env), Catch::Contains("not determined"));

    env.values["x"] = col({1, 2, 3});  // not n = 2
    CHECK_THROWS_WITH(evaluate(cx, cx.sum(x), env), "the value of 'x' is 3×1, but 'x' is 2×1 here");
}

TEST_CASE("eval: deep and shared DAGs", "[eval]") {
    Context cx;
    Expr x = cx.variable("x", kScalarShape);
    Env env;
    env.values["x"] = num(0.5);

    SECTION("a chain 10000 deep does not recurse") {
        Expr e = x;
        for (int i = 0; i < 10000; ++i) e = cx.add(e, cx.constant(1));
        CHECK_SAME(evaluate(cx, e, env), num(10000.5));
        Expr f = x;
        for (int i = 0; i < 20000; ++i) f = cx.apply(i % 2 ? Op::Tanh : Op::Neg, f);
        CHECK(std::isfinite(evaluate(cx, f, env)(0, 0)));
    }
    SECTION("a fused chain of 20000 vector operations and a balanced tree: the right values, no deep recursion") {
        // The elementwise operations run as one fused group; its scratch columns are
        // reused once read (the chain needs two), and the storage pass reads the chain
        // once, not once per member (it was quadratic: 100 000 terms took a minute).
        const Dim k = cx.sizes().symbol("k");
        Expr v = cx.variable("v", {k, 1});
        Env venv;
        venv.sizes[k] = 3;
        venv.values["v"] = col({0.5, -1.25, 2.0});
        const int n = 20000;
        Expr chain = v;
        for (int i = 1; i <= n; ++i) chain = cx.add(chain, cx.apply(Op::Sin, cx.mul(cx.constant(i), v)));
        // A balanced tree as well: both operands of an addition come from scratch.
        std::vector<Expr> terms;
        for (int i = 1; i <= 1024; ++i) terms.push_back(cx.apply(Op::Cos, cx.mul(cx.constant(i), v)));
        while (terms.size() > 1) {
            std::vector<Expr> next;
            for (std::size_t k = 0; k + 1 < terms.size(); k += 2) next.push_back(cx.add(terms[k], terms[k + 1]));
            terms = next;
        }
        for (int r = 0; r < 3; ++r) {
            const long double x = venv.values["v"](r, 0);
            long double chain_sum = x, tree_sum = 0;
            for (int i = 1; i <= n; ++i) chain_sum += std::sin(static_cast<double>(i * x));
            for (int i = 1; i <= 1024; ++i) tree_sum += std::cos(static_cast<double>(i * x));
            CHECK(std::abs(evaluate(cx, chain, venv)(r, 0) - static_cast<double>(chain_sum)) < 1e-9);
            CHECK(std::abs(evaluate(cx, terms[0], venv)(r, 0) - static_cast<double>(tree_sum)) < 1e-11);
        }
    }
    SECTION("a shared node is evaluated once") {
        // 2^200 paths from the root to x: only memoisation makes this finish.
        Expr e = x;
        for (int i = 0; i < 200; ++i) e = cx.add(e, e);
        CHECK_SAME(evaluate(cx, e, env), num(std::ldexp(0.5, 200)));
    }
    SECTION("evaluate_all shares nodes between roots") {
        Expr s = cx.apply(Op::Sin, x);
        Expr es[] = {s, cx.mul(s, s), x};
        auto v = evaluate_all(cx, es, env);
        REQUIRE(v.size() == 3);
        CHECK_SAME(v[0], num(std::sin(0.5)));
        CHECK_SAME(v[1], num(std::sin(0.5) * std::sin(0.5)));
        CHECK_SAME(v[2], num(0.5));
    }
}

TEST_CASE("eval: an Evaluator runs again on new values", "[eval]") {
    Context cx;
    const Dim n = cx.sizes().symbol("n");
    Expr w = cx.variable("w", {n, 1}), x = cx.variable("x", {n, 1}), b = cx.variable("b", kScalarShape);
    Expr f = cx.apply(Op::Relu, cx.add(cx.dot(w, x), b));
    Env env;
    env.sizes[n] = 2;
    env.values = {{"w", col({1, 2})}, {"x", col({3, 4})}, {"b", num(-1)}};
    Expr roots[] = {f};
    Evaluator ev(cx, roots, env);
    ev.run(env);
    CHECK_SAME(ev.value(0), num(10));
    env.values["b"] = num(-20);
    ev.run(env);
    CHECK_SAME(ev.value(0), num(0));
    auto vars = ev.variables();
    std::sort(vars.begin(), vars.end());
    CHECK(vars == std::vector<std::string>{"b", "w", "x"});
}

TEST_CASE("eval: products read transposes in place, sum with ones and take their scale", "[eval]") {
    // The compiled program never forms a transpose that only multiplies, computes a
    // product with a vector of ones as sums, and folds s ⊙ (A B) into one scaled product
    // (src/numeric/eval.cpp): the values are those of the plain formulas.
    Context cx;
    auto var = [&](const char* name, Eigen::Index r, Eigen::Index c) {
        return cx.variable(name, {static_cast<Dim>(r), static_cast<Dim>(c)});
    };
    Expr A = var("A", 3, 4), B = var("B", 5, 4), D = var("D", 2, 3), s = cx.variable("s", kScalarShape);
    Env env;
    MatrixXd a = MatrixXd::Random(3, 4), b = MatrixXd::Random(5, 4), d = MatrixXd::Random(2, 3);
    env.values = {{"A", a}, {"B", b}, {"D", d}, {"s", num(0.25)}};
    Expr Bt = cx.transpose(B);
    Expr roots[] = {
        cx.mul(s, cx.matmul(A, Bt)),                          // s (A Bᵀ): scaled, transposed right
        cx.matmul(cx.transpose(A), cx.transpose(D)),          // Aᵀ Dᵀ: both transposed
        cx.mul(cx.matmul(cx.transpose(A), cx.ones({3, 1})), s),  // (Aᵀ 1) s: row sums of Aᵀ, scaled
        cx.matmul(cx.ones({1, 3}), A),                        // 1ᵀ A: column sums
        cx.mul(s, cx.matmul(cx.ones({1, 5}), cx.matmul(B, cx.transpose(A)))),  // s 1ᵀ (B Aᵀ)
        Bt,                                                    // a transpose that is also a root: formed
        cx.matmul(D, A),                                       // plain
    };
    Evaluator ev(cx, roots, env);
    for (int run = 0; run < 2; ++run) {  // buffers reused on the second run
        ev.run(env);
        CHECK_CLOSE(ev.value(0), (0.25 * (a * b.transpose())).eval(), 1e-15);
        CHECK_CLOSE(ev.value(1), (a.transpose() * d.transpose()).eval(), 1e-15);
        CHECK_CLOSE(ev.value(2), (0.25 * a.transpose().rowwise().sum()).eval(), 1e-15);
        CHECK_CLOSE(ev.value(3), a.colwise().sum().eval(), 1e-15);
        CHECK_CLOSE(ev.value(4), (0.25 * (b * a.transpose()).colwise().sum()).eval(), 1e-14);
        CHECK_SAME(ev.value(5), b.transpose().eval());
        CHECK_CLOSE(ev.value(6), (d * a).eval(), 1e-15);
    }
}

TEST_CASE("eval: values too large to evaluate are input errors", "[eval]") {
    Context cx;
    const Dim n = cx.sizes().symbol("n");
    Expr x = cx.variable("x", {n, 1});
    Env env;
    env.sizes[n] = 100000;
    CHECK_THROWS_AS(evaluate(cx, cx.sum(cx.matmul(x, cx.transpose(x))), env), InputError);
    env.sizes[n] = 1000000000;
    CHECK_THROWS_AS(evaluate(cx, cx.sum(cx.identity(n)), env), InputError);
}

// ------------------------------------------------------------------ the lecture's network

TEST_CASE("eval: the lecture's 1-2-3-1 network, forward pass", "[eval][golden]") {
    std::ifstream in(std::string(MATCALC_SOURCE_DIR) + "/tests/golden/lecture_mlp.json");
    REQUIRE(in);
    std::stringstream buf;
    buf << in.rdbuf();
    const json::Value golden = json::parse(Source{"lecture_mlp.json", buf.str()});

    TestModel t;
    Context& cx = t.cx();
    Dim h1 = t.size("h1"), h2 = t.size("h2");
    Expr x = t.declare("x", kScalarShape), y = t.declare("y", kScalarShape);
    Expr W1 = t.declare("W1", {h1, 1}), b1 = t.declare("b1", {h1, 1});
    Expr W2 = t.declare("W2", {h2, h1}), b2 = t.declare("b2", {h2, 1});
    Expr W3 = t.declare("W3", {1, h2}), b3 = t.declare("b3", kScalarShape);
    Expr z1 = cx.add(cx.times(W1, x), b1), a1 = cx.apply(Op::Sigmoid, z1);
    Expr z2 = cx.add(cx.times(W2, a1), b2), a2 = cx.apply(Op::Sigmoid, z2);
    Expr z3 = cx.add(cx.times(W3, a2), b3), yhat = cx.apply(Op::Sigmoid, z3);
    Expr loss = cx.apply(Op::Bce, yhat, y);

    // The values file: the golden initial weights plus x and y.
    json::Writer w;
    w.begin_object();
    for (const json::Member& m : golden.find("initial_weights")->members()) w.key(m.key).value(m.value);
    w.key("x").value(*golden.find("setup")->find("x"));
    w.key("y").value(*golden.find("setup")->find("y"));
    w.end_object();
    Env env = load_values(t.model, Source{"at.json", w.str()});
    CHECK(env.sizes.at(cx.sizes().resolve(h1)) == 2);
    CHECK(env.sizes.at(cx.sizes().resolve(h2)) == 3);

    Expr roots[] = {z1, a1, z2, a2, z3, yhat, loss};
    const char* names[] = {"z1", "a1", "z2", "a2", "z3", "yhat", "loss"};
    for (Expr r : roots) require_values(t.model, r, env);
    auto values = evaluate_all(cx, roots, env);
    const json::Value& forward = *golden.find("forward");
    for (std::size_t i = 0; i < std::size(roots); ++i) {
        INFO(names[i]);
        const json::Value& g = *forward.find(names[i]);
        MatrixXd expected(static_cast<Eigen::Index>(g.is_array() ? g.size() : 1), 1);
        if (g.is_array())
            for (std::size_t k = 0; k < g.size(); ++k) expected(static_cast<Eigen::Index>(k), 0) = g.items()[k].as_number();
        else
            expected(0, 0) = g.as_number();
        CHECK_CLOSE(values[i], expected, 1e-15);
    }
}

TEST_CASE("eval: tanh in double is within 2 units in the last place, wherever an entry stands", "[eval]") {
    // tanh runs on the vector units in double (src/numeric/vectorised_tanh.cpp): a
    // polynomial quotient for |x| < 1 and 1 − 2/(e^{2|x|} + 1) above. Measured against
    // long double's tanhl, over both branches, their border, and the ends.
    auto ordered = [](double v) {
        std::int64_t i;
        std::memcpy(&i, &v, sizeof i);
        return i < 0 ? std::numeric_limits<std::int64_t>::min() - i : i;
    };
    auto ulps_apart = [&](double a, double b) { return std::abs(ordered(a) - ordered(b)); };
    std::vector<double> points = {0.0, 1e-300, 1e-17, 1e-8, 0.5, std::nextafter(1.0, 0.0), 1.0,
                                  std::nextafter(1.0, 2.0), 18.0, 19.5, 20.0, 354.0, 710.0, 1e300};
    for (int i = 0; i <= 20000; ++i) points.push_back(-8.0 + 16.0 * i / 20000.0);  // both branches, densely
    for (int i = 0; i <= 2000; ++i) points.push_back(std::ldexp(1.0, -40 + i * 46 / 2000));
    for (int i = 0; i < 300; ++i) points.push_back(1.0 + (i - 150) * 1e-3);  // the border
    const std::size_t listed = points.size();
    for (std::size_t i = 0; i < listed; ++i) points.push_back(-points[i]);
    Context cx;
    const Dim n = cx.sizes().symbol("n");
    Expr x = cx.variable("x", {n, 1});
    Env env;
    env.sizes[n] = static_cast<long long>(points.size());
    env.values["x"] = Eigen::Map<const Eigen::VectorXd>(points.data(), static_cast<Eigen::Index>(points.size()));
    const MatrixXd t = evaluate(cx, cx.apply(Op::Tanh, x), env);
    long long worst = 0;
    double worst_at = 0.0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double exact = static_cast<double>(std::tanh(static_cast<long double>(points[i])));
        const long long apart = ulps_apart(t(static_cast<Eigen::Index>(i)), exact);
        if (apart > worst) worst = apart, worst_at = points[i];
    }
    INFO("worst " << worst << " ulps at x = " << worst_at);
    CHECK(worst <= 2);
    CHECK(std::signbit(t(static_cast<Eigen::Index>(listed))));  // tanh(−0) = −0
    // An entry's value is the same alone (a scalar, the tail of a register) as in an array.
    Expr s = cx.variable("s", kScalarShape);
    for (std::size_t i : {std::size_t{4}, std::size_t{6}, std::size_t{100}, listed + 9}) {
        env.values["s"] = MatrixXd::Constant(1, 1, points[i]);
        CHECK(evaluate(cx, cx.apply(Op::Tanh, s), env)(0, 0) == t(static_cast<Eigen::Index>(i)));
    }
    // The ends: ±∞ give ±1, NaN stays NaN.
    env.sizes[n] = 3;
    env.values["x"] = col({std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()});
    const MatrixXd ends = evaluate(cx, cx.apply(Op::Tanh, x), env);
    CHECK(ends(0) == 1.0);
    CHECK(ends(1) == -1.0);
    CHECK(std::isnan(ends(2)));
}
