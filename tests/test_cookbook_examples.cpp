// Beyond the Cookbook (test_cookbook.cpp), checked the same way:
//  - the documented examples of matrixcalculus.org, written exactly as there (with
//    declarations added), numbers against finite differences and the forms matcalc prints;
//  - derivatives SymPy's matrix expressions get wrong or cannot take (a sum of norms, the
//    Jacobian of x/‖x‖, logdet, a Hadamard product inside a sum, max(0, ·) of an affine
//    form, nested elementwise functions, a one-hidden-layer tanh network's logistic loss);
//  - results the simplifier brings to the textbook form: softmax cross-entropy and
//    inverses that cancel.
#include "test_cookbook_support.hpp"

using namespace matcalc::testing;
using namespace matcalc::testing::cookbook;

namespace {

const char* const D = "denominator";

// matrixcalculus.org's examples, as written there.
const Identity kMatrixCalculusOrg[] = {
    {"0.5*x'*A*x", "x : vector(n); A : matrix(n, n)", "0.5*x'*A*x", "x", "0.5 (A + Aᵀ) x", D},
    {"0.5*x'*A*x, numerator layout", "x : vector(n); A : matrix(n, n)", "0.5*x'*A*x", "x", "0.5 xᵀ (A + Aᵀ)"},
    // A Jacobian: the function is a vector.
    {"A*exp(x)", "x : vector(n); A : matrix(m, n)", "A*exp(x)", "x", "A diag(exp(x))"},
    {"(y.*v)'*x", "x, y, v : vector(n)", "(y.*v)'*x", "x", "y ⊙ v", D},
    {"a^b, ∂/∂a", "a, b : scalar", "a^b", "a", "b a^(b − 1)"},
    {"a^b, ∂/∂b", "a, b : scalar", "a^b", "b", "a^b ln(a)"},
    {"norm1(A*x-y)", "x : vector(n); A : matrix(m, n); y : vector(m)", "norm1(A*x-y)", "x", "Aᵀ sign(A x − y)", D},
    {"norm2(A*x-y)^2", "x : vector(n); A : matrix(m, n); y : vector(m)", "norm2(A*x-y)^2", "x", "2 Aᵀ (A x − y)", D},
    {"sum(log(exp(-y.*(X*w)) + vector(1)))", "w : vector(n); X : matrix(m, n); y : vector(m)",
     "sum(log(exp(-y.*(X*w)) + vector(1)))", "w", "−Xᵀ (y ⊙ (1 − σ(y ⊙ X w)))", D},
    {"tr(A*X'*B*X*C)", "X : matrix(n, m); A : matrix(k, m); B : matrix(n, n); C : matrix(m, k)", "tr(A*X'*B*X*C)",
     "X", "Bᵀ X Aᵀ Cᵀ + B X C A"},
    {"log(det(inv(X)))", "X : matrix(n, n)", "log(det(inv(X)))", "X", "−X⁻ᵀ"},
    {"sin(x)'*y, ∂/∂x", "x, y : vector(n)", "sin(x)'*y", "x", "y ⊙ cos(x)", D},
    {"sin(x)'*y, ∂/∂y", "x, y : vector(n)", "sin(x)'*y", "y", "sin(x)", D},
};

// Where SymPy's matrix derivatives fail or answer wrongly.
const Identity kSymPyHard[] = {
    {"sum of norms", "x, a, b : vector(n)", "norm(x - a) + norm(x - b)", "x",
     "(x − b) ⊘ ‖x − b‖ + (x − a) ⊘ ‖x − a‖", D},
    {"Jacobian of x/‖x‖", "x : vector(n)", "x/norm(x)", "x", "I ⊘ ‖x‖ − x xᵀ ⊘ ‖x‖³"},
    {"logdet", "X : matrix(n, n)", "logdet(X)", "X", "X⁻ᵀ"},
    {"Hadamard product inside a sum", "x : vector(n); A : matrix(n, n)", "sum(x ⊙ (A*x))", "x", "(A + Aᵀ) x", D},
    {"max(0, ·) of an affine form, gradient", "w, x : vector(n); b : scalar", "max(0, w·x + b)", "w",
     "step(w·x + b) xᵀ"},
    {"max(0, ·) of an affine form, Jacobian", "x : vector(n); A : matrix(m, n); b : vector(m)", "max(0, A*x + b)",
     "x", "diag(step(A x + b)) A"},
    {"nested elementwise functions", "x : vector(n)", "sin(exp(tanh(x)))", "x",
     "diag(cos(exp(tanh(x))) ⊙ exp(tanh(x)) ⊙ (1 − tanh(x)²))"},
    {"one-hidden-layer tanh network, logistic loss, ∂/∂W", "X : matrix(N, d); W : matrix(d, h); v : vector(h); y : vector(N)",
     "sum(bce(σ(tanh(X*W)*v), y))", "W", "Xᵀ ((σ(tanh(X W) v) − y) vᵀ ⊙ (1 − tanh(X W)²))"},
    {"one-hidden-layer tanh network, logistic loss, ∂/∂v", "X : matrix(N, d); W : matrix(d, h); v : vector(h); y : vector(N)",
     "sum(bce(σ(tanh(X*W)*v), y))", "v", "tanh(X W)ᵀ (σ(tanh(X W) v) − y)", D},
    {"the same network, mean loss", "X : matrix(N, d); W : matrix(d, h); v : vector(h); y : vector(N)",
     "mean(bce(σ(tanh(X*W)*v), y))", "W", "(1 / N) Xᵀ ((σ(tanh(X W) v) − y) vᵀ ⊙ (1 − tanh(X W)²))"},
};

// Simplifier results: forms a person writes.
const Identity kSimplified[] = {
    // y is not known to sum to 1, so the textbook p − y carries sum(y).
    {"softmax cross-entropy", "y, z : vector(k)", "-y·log(softmax(z))", "z", "sum(y) softmax(z) − y", D},
    {"softmax cross-entropy, written as a sum", "y, z : vector(k)", "-sum(y .* log(softmax(z)))", "z",
     "sum(y) softmax(z) − y", D},
    {"softmax cross-entropy of a linear layer", "y : vector(k); W : matrix(k, n); x : vector(n)",
     "-y·log(softmax(W*x))", "W", "(sum(y) softmax(W x) − y) xᵀ"},
    {"log-softmax summed", "z : vector(k)", "sum(log(softmax(z)))", "z", "1 − k softmax(z)", D},
    {"inverses that cancel inside a product", "a, b : vector(n); X : matrix(n, n)", "a'*inv(X)*X*b", "b", "a", D},
    {"the inverse of a product", "A, B, X : matrix(n, n)", "logdet(A*X*B)", "X", "X⁻ᵀ"},
    {"sign(u) u = |u|", "X : matrix(n, n)", "log(abs(det(X)))", "X", "X⁻ᵀ"},
};

}  // namespace

TEST_CASE("matrixcalculus.org examples, accepted as written and correct", "[cookbook]") {
    for (const Identity& c : kMatrixCalculusOrg) check_identity(c);
}

TEST_CASE("derivatives SymPy gets wrong or cannot take", "[cookbook]") {
    for (const Identity& c : kSymPyHard) check_identity(c);
}

TEST_CASE("the one-hidden-layer network with named definitions prints their names", "[cookbook]") {
    const std::string model = "X : matrix(N, d); W : matrix(d, h); v : vector(h); y : vector(N); "
                              "H = tanh(X*W); p = σ(H*v); L = sum(bce(p, y))";
    CHECK(derive({"-e", model, "--wrt", "W"}).unicode == "Xᵀ ((p − y) vᵀ ⊙ (1 − H²))");
    CHECK(derive({"-e", model, "--wrt", "v", "--layout", "denominator"}).unicode == "Hᵀ (p − y)");
    CHECK(finite_difference_error(model, "W") < 1e-6);
    CHECK(finite_difference_error(model, "v") < 1e-6);
}

TEST_CASE("softmax cross-entropy with a named softmax", "[cookbook]") {
    const std::string model = "y, z : vector(k); p = softmax(z); L = -y·log(p)";
    CHECK(derive({"-e", model, "--wrt", "z"}).unicode == "(sum(y) p − y)ᵀ");
    CHECK(run({"check", "-e", model, "--wrt", "z", "--points", "3"}).code == 0);
    CHECK(finite_difference_error(model, "z") < 1e-6);
}

TEST_CASE("simplified forms: softmax cross-entropy, inverses, sign", "[cookbook]") {
    for (const Identity& c : kSimplified) check_identity(c);
}

TEST_CASE("the finite-difference helper of the Cookbook tests finds a wrong derivative", "[cookbook]") {
    const std::string decl = "x : vector(n); X : matrix(n, m); ";
    CHECK(finite_difference_error(decl + "f = x'*x", "x") < 1e-6);
    CHECK(finite_difference_error(decl + "f = x'*x", "x", 7, decl + "f = x'*x + 1e-3 * x'*x") > 1e-4);
    CHECK(finite_difference_error(decl + "f = sum(X'*x)", "X", 7, decl + "f = sum(X'*(x ⊙ x))") > 1e-2);
    CHECK(finite_difference_error(decl + "f = sum(X)", "X", 7, decl + "f = 2 * sum(X)") > 0.4);
}

TEST_CASE("examples/cookbook: each file gives the result its comment states", "[cookbook]") {
    struct File {
        const char* file;
        std::vector<std::string> options;
        const char* unicode;
    } files[] = {
        {"softmax_cross_entropy.mc", {"--wrt", "z", "--layout", "denominator"}, "sum(y) p − y"},
        {"softmax_cross_entropy.mc", {"--wrt", "W"}, "(sum(y) p − y) xᵀ"},
        {"tanh_logistic.mc", {"--wrt", "W"}, "Xᵀ ((p − y) vᵀ ⊙ (1 − H²))"},
        {"tanh_logistic.mc", {"--wrt", "v", "--layout", "denominator"}, "Hᵀ (p − y)"},
        {"determinants.mc", {"--wrt", "X", "--of", "d"}, "det(A X B) X⁻ᵀ"},
        {"determinants.mc", {"--wrt", "X", "--of", "g"}, "−X⁻ᵀ"},
        {"determinants.mc", {"--wrt", "X"}, "2 X⁻ᵀ"},
        {"gaussian_process.mc", {"--wrt", "s"}, "0.5 (tr(K⁻¹) − yᵀ K⁻¹ K⁻¹ y)"},
        {"ridge.mc", {"--wrt", "λ"}, "−(Xᵀ X + λ I)⁻¹ w"},
        {"batch_norm.mc", {"--wrt", "G"}, "Xh"},
    };
    for (const File& f : files) {
        std::vector<std::string> args{example("cookbook/" + std::string(f.file))};
        args.insert(args.end(), f.options.begin(), f.options.end());
        INFO(f.file << " " << f.options.at(1));
        CHECK(derive(args).unicode == f.unicode);
        std::vector<std::string> check{"check", args[0], "--wrt", f.options.at(1), "--points", "3"};
        if (f.options.size() > 2 && f.options[2] == "--of") check.insert(check.end(), {"--of", f.options[3]});
        CHECK(run(check).code == 0);
    }
}
