// Jacobians with respect to matrices (∂vec F/∂vec X, docs/language.md, Derivatives) and Hessians: the
// Kronecker and commutation forms the Matrix Cookbook writes, checked exactly where the
// form matters and against finite differences everywhere; sizes that are products of
// symbols; and the evaluator applying Kronecker products and commutation matrices
// without forming them.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

// A JSON value as compact text: numbers as %g, strings quoted, arrays bracketed.
std::string compact(const json::Value& v) {
    if (v.is_number()) return fmt::format("{:g}", v.as_number());
    if (v.kind() == json::Kind::string) return "\"" + v.as_string() + "\"";
    std::string out = "[";
    for (const json::Value& e : v.items()) out += (out.size() > 1 ? "," : "") + compact(e);
    return out + "]";
}

std::string unicode(const std::string& model, const std::string& wrt) { return derive({"-e", model, "--wrt", wrt}).unicode; }

// `matcalc check` (or `check --hessian`) at five random points: exit 0, nothing on stderr.
void checks(const std::string& model, const std::string& wrt, bool hessian = false) {
    std::vector<std::string> args{"check", "-e", model, "--wrt", wrt, "--points", "5", "--seed", "3"};
    if (hessian) args.push_back("--hessian");
    Run r = run(args);
    INFO(model << "  --wrt " << wrt << (hessian ? " --hessian" : "") << "\n" << r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.err.empty());
}

}  // namespace

TEST_CASE("Kronecker forms of Jacobians with respect to matrices", "[kronecker]") {
    // The three forms the issue names, and the Cookbook's neighbours.
    CHECK(unicode("W : matrix(m, n); x : vector(n); f = W * x", "W") == "kron(xᵀ, I)");
    CHECK(unicode("A : matrix(m, p); X : matrix(p, q); B : matrix(q, r); f = A * X * B", "X") == "kron(Bᵀ, A)");
    CHECK(unicode("X : matrix(m, n); f = X'", "X") == "K(m,n)");
    CHECK(unicode("X : matrix(n, n); f = inv(X)", "X") == "−kron(X⁻ᵀ, X⁻¹)");
    CHECK(unicode("X : matrix(m, n); A : matrix(p, m); f = A * X", "X") == "kron(I, A)");
    CHECK(unicode("X : matrix(m, n); B : matrix(n, p); f = X * B", "X") == "kron(Bᵀ, I)");
    CHECK(unicode("X : matrix(m, n); f = X * X'", "X") == "kron(X, I) + kron(I, X) K(m,n)");
    // An elementwise function of a matrix: a diagonal Jacobian over vec(X).
    CHECK(unicode("X : matrix(m, n); f = sin(X)", "X") == "diag(vec(cos(X)))");
    // A row vector passes through the Kronecker product: diag(d)(xᵀ ⊗ I) = xᵀ ⊗ diag(d).
    CHECK(unicode("W : matrix(m, n); x : vector(n); f = tanh(W * x)", "W") == "kron(xᵀ, diag(1 − tanh(W x)²))");
    CHECK(unicode("W1 : matrix(h, d); W2 : matrix(k, h); x : vector(d); f = W2 * tanh(W1 * x)", "W1") ==
          "kron(xᵀ, W2 diag(1 − tanh(W1 x)²))");
    // Kronecker products of vectors.
    CHECK(unicode("x : vector(n); y : vector(m); f = kron(x, y)", "x") == "kron(I, y)");
    CHECK(unicode("x : vector(n); y : vector(m); f = kron(x, y)", "y") == "kron(x, I)");

    // The other printings and the shape, with its product size.
    Derivative d = derive({"-e", "W : matrix(m, n); x : vector(n); f = W * x", "--wrt", "W"});
    CHECK(d.text == "kron(x', eye(m))");
    CHECK(d.latex == "\\mathbf{x}^\\top \\otimes I");
    CHECK(compact(*d.object.find("shape")) == "[\"m\",\"m*n\"]");
    // ⊗ is the Hadamard product in the lecture's style: then kron prints as a call.
    Model m = load_model(Source{"t", "W : matrix(m, n); x : vector(n); f = W * x"});
    Expr j = simplify(m.cx(), derivative(m.cx(), m.function(std::nullopt).expr, m.find("W")->expr));
    PrintOptions lecture{Style::Unicode};
    lecture.hadamard_as_otimes = true;
    CHECK(print(m.cx(), j, lecture) == "kron(xᵀ, I)");
    lecture.style = Style::Latex;
    CHECK(print(m.cx(), j, lecture) == "\\operatorname{kron}\\left(\\mathbf{x}^\\top, I\\right)");
}

TEST_CASE("Jacobians with respect to matrices agree with finite differences", "[kronecker][fd]") {
    const char* const cases[][2] = {
        {"W : matrix(m, n); x : vector(n); f = W * x", "W"},
        {"A : matrix(m, p); X : matrix(p, q); B : matrix(q, r); f = A * X * B", "X"},
        {"X : matrix(m, n); f = X'", "X"},
        {"X : matrix(m, n); A : matrix(m, m); f = (A * X)'", "X"},
        {"X : matrix(n, n); f = inv(X)", "X"},
        {"X : matrix(n, n); f = inv(X)'", "X"},
        {"X : matrix(n, n); y : vector(n); f = inv(X) * y", "X"},
        {"X : matrix(m, n); f = X * X'", "X"},
        {"X : matrix(n, n); f = X * X * X", "X"},
        {"X : matrix(m, n); f = exp(X) ./ X", "X"},
        {"X : matrix(m, n); f = sin(X) .* X + 2 * X", "X"},
        {"W : matrix(m, n); x : vector(n); f = tanh(W * x)", "W"},
        {"W1 : matrix(h, d); W2 : matrix(k, h); x : vector(d); f = W2 * tanh(W1 * x)", "W1"},
        {"W1 : matrix(h, d); W2 : matrix(k, h); x : vector(d); f = W2 * tanh(W1 * x)", "W2"},
        // Broadcasting over a batch: a row over the rows, a column over the columns.
        {"X : matrix(m, n); b : vector(n); f = sin(X + b')", "b"},
        {"X : matrix(m, n); c : vector(m); f = X .* c", "c"},
        {"X : matrix(B, d); W : matrix(d, h); b : vector(h); f = tanh(X * W + b')", "W"},
        {"X : matrix(B, d); W : matrix(d, h); b : vector(h); f = tanh(X * W + b')", "b"},
        {"X : matrix(B, d); W : matrix(d, h); s : scalar; f = X * W * s", "s"},
        // Matrix functions reduced to scalars, stacked into a vector.
        {"X : matrix(n, n); f = [det(X); tr(X); logdet(X * X'); norm(X); norm1(X); logsumexp(X); sum(X); mean(X)]", "X"},
        {"x : vector(n); y : vector(m); f = kron(x, y)", "x"},
        {"x : vector(n); y : vector(m); f = kron(x, sin(y))", "y"},
        {"x : vector(n); y : vector(m); f = kron(x', y') * kron(y, x)", "x"},
        {"X : matrix(m, n); f = X''", "X"},
    };
    for (const auto& c : cases) checks(c[0], c[1]);
}

TEST_CASE("JSON Jacobian of a matrix function of a matrix, in vec order", "[kronecker]") {
    // f = A X with A 2×2, X 2×2: ∂vec(A X)/∂vec(X) = I ⊗ A, a 4×4 block diagonal.
    std::string values = "/tmp/matcalc_kron_values.json";
    {
        std::ofstream out(values);
        out << R"({"A": [[1, 2], [3, 4]], "X": [[5, 6], [7, 8]]})";
    }
    Derivative d = derive({"-e", "A : matrix(2, 2); X : matrix(2, 2); f = A * X", "--wrt", "X", "--at", values});
    CHECK(d.unicode == "kron(I, A)");
    CHECK(compact(*d.object.find("jacobian")) == "[[1,2,0,0],[3,4,0,0],[0,0,1,2],[0,0,3,4]]");
    // And of the transpose: the commutation matrix K(2,2) swaps entries 2 and 3 of vec.
    {
        std::ofstream out(values);
        out << R"({"X": [[5, 6], [7, 8]]})";
    }
    Derivative k = derive({"-e", "X : matrix(2, 2); f = X'", "--wrt", "X", "--at", values});
    CHECK(compact(*k.object.find("jacobian")) == "[[1,0,0,0],[0,0,1,0],[0,1,0,0],[0,0,0,1]]");
}

TEST_CASE("Hessians: symbolic forms", "[hessian]") {
    auto hessian = [](const std::string& model, const std::string& wrt) {
        Derivative d = derive({"-e", model, "--wrt", wrt, "--hessian"});
        return d.object.find("hessian_unicode")->as_string();
    };
    CHECK(hessian("x : vector(n); A : matrix(n, n); f = x' * A * x", "x") == "A + Aᵀ");
    CHECK(hessian("x : vector(n); A : matrix(n, n); f = 0.5 * x' * A * x", "x") == "0.5 (A + Aᵀ)");
    CHECK(hessian("X : matrix(N, d); w : vector(d); y : vector(N); p = σ(X * w); L = sum(bce(p, y)) / N", "w") ==
          "(1 / N) Xᵀ diag(p ⊙ (1 − p)) X");
    CHECK(hessian("A : matrix(m, n); x : vector(n); y : vector(m); f = norm(A * x - y)^2", "x") == "2 Aᵀ A");
    CHECK(hessian("x : vector(n); f = norm(x)", "x") == "I ⊘ ‖x‖ − x xᵀ ⊘ ‖x‖³");
    CHECK(hessian("a, x : vector(n); f = a·x", "x") == "0");
    // A matrix variable: the Hessian of vec(W).
    CHECK(hessian("W : matrix(m, n); x : vector(n); y : vector(m); f = norm(W * x - y)^2", "W") == "2 kron(x xᵀ, I)");
    CHECK(hessian("X : matrix(n, n); f = logdet(X)", "X") == "−K(n,n) kron(X⁻ᵀ, X⁻¹)");

    // The text output prints it under the derivative; JSON numbers with --at.
    Run r = run({"derive", "-e", "x : vector(n); A : matrix(n, n); f = x' * A * x", "--wrt", "x", "--hessian"});
    CHECK(r.out == "∂f/∂x = xᵀ (A + Aᵀ)\n∂²f/∂x² = A + Aᵀ\n");
    std::string values = "/tmp/matcalc_hessian_values.json";
    {
        std::ofstream out(values);
        out << R"({"x": [1, 2], "A": [[1, 2], [3, 4]]})";
    }
    Derivative d = derive({"-e", "x : vector(n); A : matrix(n, n); f = x' * A * x", "--wrt", "x", "--hessian", "--at", values});
    CHECK(compact(*d.object.find("hessian")) == "[[2,5],[5,8]]");
}

TEST_CASE("Hessians agree with finite differences of the gradient", "[hessian][fd]") {
    const char* const cases[][2] = {
        {"x : vector(n); A : matrix(n, n); f = x' * A * x", "x"},
        {"X : matrix(N, d); w : vector(d); y : vector(N); L = mean(bce(σ(X * w), y))", "w"},
        {"A : matrix(m, n); x : vector(n); y : vector(m); f = norm(A * x - y)^2", "x"},
        {"x : vector(n); f = norm(x)", "x"},
        {"x : vector(n); f = logsumexp(x)", "x"},
        {"z, y : vector(n); L = -y·log(softmax(z))", "z"},
        {"x : vector(n); f = sum(exp(x) .* sin(x))", "x"},
        {"x : vector(n); f = sum(tanh(x)^2) / sum(x^2)", "x"},
        {"w, x : vector(n); b : scalar; f = σ(w·x + b)", "w"},
        {"w, x : vector(n); b : scalar; f = σ(w·x + b)", "b"},
        {"x : vector(n); f = sum(sqrt(1 + x^2))", "x"},
        {"x : vector(n); A : matrix(n, n); f = x' * inv(A) * x", "A"},
        {"X : matrix(n, n); f = logdet(X)", "X"},
        {"X : matrix(n, n); f = det(X)", "X"},
        {"X : matrix(n, n); A : matrix(n, n); f = tr(A * X * X)", "X"},
        {"X : matrix(m, n); f = norm(X)", "X"},
        {"W : matrix(m, n); x : vector(n); y : vector(m); f = norm(W * x - y)^2", "W"},
        {"W : matrix(h, d); v : vector(h); x : vector(d); y : scalar; L = bce(σ(v·tanh(W * x)), y)", "W"},
        {"W : matrix(h, d); v : vector(h); x : vector(d); y : scalar; L = bce(σ(v·tanh(W * x)), y)", "v"},
        {"X : matrix(N, d); W : matrix(d, h); v : vector(h); y : vector(N); L = sum(bce(σ(tanh(X * W) * v), y))", "W"},
        {"x : vector(n); y : vector(m); f = sum(kron(x, y)^2)", "x"},
    };
    for (const auto& c : cases) checks(c[0], c[1], true);
}

TEST_CASE("Hessians and matrix Jacobians: what is refused", "[hessian][kronecker]") {
    Run vector_f = run({"derive", "-e", "x : vector(n); f = sin(x)", "--wrt", "x", "--hessian"});
    CHECK(vector_f.code == 2);
    CHECK(vector_f.err.find("--hessian needs a scalar function") != std::string::npos);
    // Kronecker products of matrices are differentiated (vec(A ⊗ B) = (I ⊗ K ⊗ I)(vec A ⊗ vec B)).
    checks("A, B : matrix(n, n); f = sum(kron(A, B))", "A");
    checks("A : matrix(m, n); B : matrix(p, q); f = kron(A, B)", "B");
    checks("A : matrix(m, n); B : matrix(p, q); f = kron(A, B)", "A");
    checks("A : matrix(m, n); B : matrix(p, q); f = sum(sin(kron(A, B')))", "B", true);
}

TEST_CASE("gradients through stacked blocks, and diag both ways", "[kronecker][stack]") {
    // Each block of [a; b] gets its block of the adjoint; blocks of stacks simplify away.
    CHECK(unicode("x : vector(2); y : vector(3); f = sum(sin([x; y]))", "x") == "cos(x)ᵀ");
    CHECK(unicode("x : vector(2); y : vector(3); f = norm([x; y])^2", "y") == "2 yᵀ");
    CHECK(unicode("w : vector(3); x : vector(2); f = w·[x; 1]", "x") == "(w[1:2])ᵀ");
    CHECK(unicode("x : vector(2); W : matrix(3, 2); f = sum(exp([W; x']))", "W") == "exp(W)");
    CHECK(unicode("x : vector(n); f = diag(x)", "x") == "diag(vec(I)) kron(𝟏, I)");
    CHECK(unicode("X : matrix(n, n); f = diag(X)", "X") == "kron(𝟏ᵀ, I) diag(vec(I))");
    const char* const cases[][2] = {
        {"x : vector(2); y : vector(3); f = sum(sin([x; y]))", "x"},
        {"w : vector(3); x : vector(2); f = σ(w·[x; 1])", "x"},
        {"w : vector(3); x : vector(2); f = σ(w·[x; 1])", "w"},
        {"x : vector(2); W : matrix(3, 2); f = sum(exp([W; x']))", "x"},
        {"x : vector(2); W : matrix(3, 2); f = sum(exp([W; x'])')", "W"},
        {"W : matrix(h, 3); x : vector(2); v : vector(h); f = v·tanh(W * [x; 1])", "x"},
        {"x : vector(2); s : scalar; f = sum([x, x; s, s^2])", "s"},
        {"s, t : scalar; f = [s, t; t^2, s]", "t"},  // a grid of scalars: vec takes its columns
        {"x : vector(n); s, t : scalar; f = [s * t, x' * x; t^2, sum(x)]", "x"},
        {"x, y : vector(n); f = sum(sin([x, y]) * [1; 2])", "x"},
        {"x : vector(n); f = diag(x)", "x"},
        {"x : vector(n); A : matrix(n, n); f = diag(A * x)", "x"},
        {"X : matrix(n, n); f = diag(X)", "X"},
        {"X : matrix(n, n); f = diag(diag(X))", "X"},
    };
    for (const auto& c : cases) checks(c[0], c[1]);
}

TEST_CASE("sizes that are products of symbols", "[kronecker][shape]") {
    SizeTable z;
    Dim m = z.symbol("m"), n = z.symbol("n"), p = z.symbol("p");
    CHECK(z.product(m, n) == z.product(n, m));
    CHECK(z.product(z.product(m, n), p) == z.product(m, z.product(n, p)));
    CHECK(z.product(2, 3) == 6);
    CHECK(z.product(m, 1) == m);
    CHECK(z.name(z.product(n, m)) == "m*n");
    CHECK(z.name(z.product(n, 3)) == "3*n");
    CHECK(z.factors(z.product(n, m)) == std::vector<Dim>{m, n});
    CHECK(z.factors(m).empty());
    CHECK(z.sum(n, m) == z.sum(m, n));
    CHECK(z.sum(n, n) == z.product(2, n));
    CHECK(z.name(z.sum(n, 1)) == "n+1");

    // Unification cancels common factors and divides integer coefficients out, binding a
    // flexible factor left alone: 2·?0 = 6 binds ?0 = 3, 4·?1 = 6 has no integer answer.
    Dim f0 = z.fresh(), f1 = z.fresh();
    CHECK(z.unify(z.product(2, f0), 6));
    CHECK(z.resolve(f0) == 3);
    CHECK_FALSE(z.unify(z.product(4, f1), 6));
    CHECK(z.unify(z.product(2, z.product(n, f1)), z.product(6, n)));
    CHECK(z.resolve(f1) == 3);
    // In a model: the I of kron(aᵀ, I) is sized by the product with a 6-vector.
    Model model = load_model(Source{"kron.mc", "a : vector(2); v : vector(6); f = kron(a', I) * v"});
    CHECK(model.cx().sizes().describe(model.cx().shape(model.find("f")->expr)) == "vector(3)");

    // Evaluation computes them from their parts, whatever else the sizes table says.
    Context cx;
    Dim a = cx.sizes().symbol("a");
    Expr x = cx.variable("x", {a, 1});
    Env env;
    env.sizes[a] = 2;
    env.sizes[cx.sizes().product(a, a)] = 7;  // a stale or wrong entry for a*a
    env.values["x"] = Eigen::Vector2d(1, 2);
    CHECK(evaluate(cx, cx.kron(x, x), env).rows() == 4);
}

TEST_CASE("the evaluator applies Kronecker products, K, diagonals and I without forming them", "[kronecker][eval]") {
    Context cx;
    Env env;
    Expr A = cx.variable("A", {2, 3}), B = cx.variable("B", {4, 2}), M = cx.variable("M", {6, 5});
    Expr R = cx.variable("R", {3, 8});
    env.values["A"] = Eigen::MatrixXd::Random(2, 3);
    env.values["B"] = Eigen::MatrixXd::Random(4, 2);
    env.values["M"] = Eigen::MatrixXd::Random(6, 5);
    env.values["R"] = Eigen::MatrixXd::Random(3, 8);
    Expr k = cx.kron(A, B);  // 8×6
    Eigen::MatrixXd dense = evaluate(cx, k, env);
    // Alone, the product applies the factor implicitly; with the factor also a root, the
    // factor is formed and multiplied densely: the two agree.
    Expr left = cx.matmul(k, M), right = cx.matmul(R, k);
    Eigen::MatrixXd implicit_left = evaluate(cx, left, env), implicit_right = evaluate(cx, right, env);
    CHECK((implicit_left - dense * env.values["M"]).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((implicit_right - env.values["R"] * dense).cwiseAbs().maxCoeff() < 1e-12);
    Expr both[] = {k, left};
    CHECK((evaluate_all(cx, both, env)[1] - implicit_left).cwiseAbs().maxCoeff() < 1e-12);

    Expr K = cx.commutation(2, 3);  // 6×6
    Eigen::MatrixXd Kd = evaluate(cx, K, env);
    Expr S = cx.variable("S", {6, 6});
    env.values["S"] = Eigen::MatrixXd::Random(6, 6);
    CHECK((evaluate(cx, cx.matmul(K, S), env) - Kd * env.values["S"]).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((evaluate(cx, cx.matmul(S, K), env) - env.values["S"] * Kd).cwiseAbs().maxCoeff() < 1e-15);

    // Diagonal matrices and identities scale and copy.
    Expr v = cx.variable("v", {6, 1});
    env.values["v"] = Eigen::VectorXd::Random(6);
    Eigen::MatrixXd D = env.values["v"].reshaped().asDiagonal();
    CHECK((evaluate(cx, cx.matmul(cx.diag(v), S), env) - D * env.values["S"]).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((evaluate(cx, cx.matmul(S, cx.diag(v)), env) - env.values["S"] * D).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((evaluate(cx, cx.matmul(cx.identity(6), S), env) - env.values["S"]).cwiseAbs().maxCoeff() == 0);
    CHECK((evaluate(cx, cx.diag(v), env) - Eigen::MatrixXd(D)).cwiseAbs().maxCoeff() == 0);
}

TEST_CASE("the Kronecker and Hessian example models give the results their comments state", "[kronecker][hessian][examples]") {
    std::string kron = example("cookbook/kronecker.mc");
    CHECK(derive({kron, "--of", "F", "--wrt", "X"}).unicode == "kron(Bᵀ, A)");
    CHECK(derive({kron, "--of", "G", "--wrt", "W"}).unicode == "kron(xᵀ, diag(1 − tanh(W x)²))");
    CHECK(derive({kron, "--of", "T", "--wrt", "X"}).unicode == "K(p,q)");
    CHECK(run({"check", kron, "--of", "G", "--wrt", "W"}).code == 0);
    std::string logistic = example("cookbook/hessian_logistic.mc");
    Derivative d = derive({logistic, "--wrt", "w", "--hessian"});
    CHECK(d.unicode == "(1 / N) (p − y)ᵀ X");
    CHECK(d.object.find("hessian_unicode")->as_string() == "(1 / N) Xᵀ diag(p ⊙ (1 − p)) X");
    CHECK(run({"check", logistic, "--wrt", "w", "--hessian"}).code == 0);
}

TEST_CASE("softmax Jacobians: kept as diag(p) − p pᵀ, and log-softmax as I − 1 pᵀ", "[kronecker][softmax]") {
    CHECK(unicode("z : vector(n); f = softmax(z)", "z") == "diag(softmax(z)) − softmax(z) softmax(z)ᵀ");
    CHECK(unicode("z : vector(n); f = log(softmax(z))", "z") == "I − 𝟏 softmax(z)ᵀ");
    CHECK(unicode("z : vector(n); W : matrix(n, n); f = log(softmax(W * z))", "z") == "(I − 𝟏 softmax(W z)ᵀ) W");
    CHECK(unicode("z : vector(n); W : matrix(k, n); f = softmax(W * z)", "W") ==
          "kron(zᵀ, diag(softmax(W z)) − softmax(W z) softmax(W z)ᵀ)");
    checks("z : vector(n); W : matrix(n, n); f = log(softmax(W * z))", "z");
    checks("z : vector(n); W : matrix(k, n); f = softmax(W * z)", "W");
}

// Found by the Hessian sweep of the operation table: a reduction (or any one-argument
// structural operation) of something whose derivative vanishes, such as step(z),
// dereferenced the missing Jacobian.
TEST_CASE("Jacobians through functions of step(z) are zero, not a crash", "[kronecker][regression]") {
    // Both arguments vary: a tie splits evenly (heaviside(0) = ½, docs/language.md, Derivatives).
    CHECK(unicode("x : vector(n); s : scalar; f = sum(max(x, s))", "s") == "sum(heaviside(s − x))");
    CHECK(unicode("x : vector(n); f = sum(max(x, 0.5))", "x") == "step(x − 0.5)ᵀ");
    CHECK(derive({"-e", "x : vector(n); s : scalar; f = sum(max(x, s))", "--wrt", "s", "--hessian"})
              .object.find("hessian_unicode")->as_string() == "0");
    CHECK(unicode("x : vector(n); f = sum(step(x)) * x", "x") == "sum(step(x)) I");
    CHECK(unicode("x : vector(n); f = norm(step(x)) * x", "x") == "‖step(x)‖ I");
    CHECK(unicode("X : matrix(n, n); f = inv(step(X))", "X") == "0");
    CHECK(unicode("x : vector(n); f = softmax(step(x))", "x") == "0");
    checks("X : matrix(n, n); f = det(step(X)) * X", "X");
}
