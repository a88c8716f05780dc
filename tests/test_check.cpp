// `matcalc check`: agreement is reported, and a disagreement is found and exits 1.
#include <catch2/catch.hpp>

#include "matcalc/apps/check.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

TEST_CASE("check: a wrong derivative is found, with where and how much", "[check]") {
    Model m = load_model(Source{"t.mc", "w, x : vector(n); b : scalar; f = σ(w·x + b)"});
    Context& cx = m.cx();
    Expr f = m.function(std::nullopt).expr;
    Expr w = m.find("w")->expr, x = m.find("x")->expr;
    Expr right = simplify(cx, derivative(cx, f, w));
    // The derivative with the sigmoid's factor forgotten: xᵀ instead of σ(1 − σ) xᵀ.
    Expr wrong = cx.transpose(x);
    CheckOptions options;
    options.points = 3;
    std::vector<CheckResult> good = check_derivatives(m, f, {w}, {right}, nullptr, options);
    std::vector<CheckResult> bad = check_derivatives(m, f, {w}, {wrong}, nullptr, options);
    REQUIRE(good.size() == 1);
    REQUIRE(bad.size() == 1);
    CHECK(good[0].ok);
    CHECK(good[0].max_error < 1e-8);
    CHECK_FALSE(bad[0].ok);
    CHECK(bad[0].max_error > 1e-3);
    CHECK(bad[0].symbolic != Approx(bad[0].numeric));
}

TEST_CASE("check: exit code 1 and MISMATCH when the tolerance is not met", "[check]") {
    // Central differences agree to about 1e-10, never to 1e-300.
    Run r = run({"check", "-e", "x : vector(n); f = sum(exp(x))", "--wrt", "x", "--tol", "1e-300"});
    CHECK(r.code == 1);
    CHECK(r.out.find("MISMATCH") != std::string::npos);
    Run ok = run({"check", "-e", "x : vector(n); f = sum(exp(x))", "--wrt", "x"});
    CHECK(ok.code == 0);
    CHECK(ok.out.find("ok: largest error") != std::string::npos);
}

TEST_CASE("check: the same seed gives the same report, points near kinks are avoided", "[check]") {
    std::vector<std::string> args{"check", "-e", "x : vector(n); f = sum(abs(x) + max(x, 0.5))", "--wrt", "x",
                                  "--points", "20", "--seed", "3"};
    Run a = run(args), b = run(args);
    CHECK(a.code == 0);
    CHECK(a.out == b.out);
}

TEST_CASE("names: with --expand the result uses the declared variables only", "[names]") {
    std::string model = "w, x : vector(n); b : scalar; z = w·x + b; a = max(0, z)";
    CHECK(derive({"-e", model, "--wrt", "w"}).unicode == "step(z) xᵀ");
    CHECK(derive({"-e", model, "--wrt", "w", "--expand"}).unicode == "step(w·x + b) xᵀ");
}

TEST_CASE("check: the softmax of a matrix (column by column) and its gradients", "[check]") {
    // A batch of samples as columns: softmax cross-entropy's gradients with respect to the
    // weights, the bias and the logits themselves agree with central differences, and the
    // simplifier cancels P ⊙ (Y ⊘ P) to the textbook (P − Y)-like form (no division by P).
    const std::string model =
        "X : matrix(d, B); Y : matrix(k, B); W : matrix(k, d); b : vector(k); Z : matrix(k, B)\n"
        "P = softmax(W*X + b*ones(B)', 1); L = -sum(Y .* log(P)) / B; M = sum(Y .* log(softmax(Z, 1)))";
    Run r = run({"check", "-e", model, "--of", "L", "--wrt", "W", "--wrt", "b"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("ok:") != std::string::npos);
    Run g = run({"check", "-e", model, "--of", "M", "--wrt", "Z"});
    INFO(g.out << g.err);
    CHECK(g.code == 0);
    Run d = run({"derive", "-e", model, "--of", "L", "--wrt", "W"});
    CHECK(d.out == "∂L/∂W = (1 / B) (P ⊙ (𝟏 𝟏ᵀ Y) − Y) Xᵀ\n");
    // Its Jacobian (block-diagonal, one block per column) and the Hessian of the loss
    // through it, against central differences.
    Run j = run({"check", "-e", model, "--of", "P", "--wrt", "b"});
    INFO(j.out << j.err);
    CHECK(j.code == 0);
    Run h = run({"check", "-e", model, "--of", "M", "--wrt", "Z", "--hessian"});
    INFO(h.out << h.err);
    CHECK(h.code == 0);
}
