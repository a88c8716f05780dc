// Matrix-calculus forms that come out of the rules as they stand (issue 3 will make more
// of them textbook-like; update the strings then), each checked against finite differences.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace matcalc::testing;

TEST_CASE("matrix forms: Matrix Cookbook classics", "[matrix]") {
    const std::string decl = "x, y : vector(n); A, X : matrix(n, n); z : vector(k); W : matrix(k, n); ";
    struct Case {
        const char* function;
        const char* wrt;
        const char* layout;
        const char* unicode;
    } cases[] = {
        {"x'*A*x", "x", "denominator", "(A + Aᵀ) x"},
        {"norm(A*x - y)^2", "x", "denominator", "2 Aᵀ (A x − y)"},
        {"tr(A*X)", "X", "numerator", "Aᵀ"},
        {"logdet(X)", "X", "numerator", "X⁻ᵀ"},
        {"det(X)", "X", "numerator", "det(X) X⁻ᵀ"},
        {"sum(inv(A * X) * x)", "x", "numerator", "𝟏ᵀ (A X)⁻¹"},
        {"logsumexp(W*x) - z·(W*x)", "W", "numerator", "(softmax(W x) − z) xᵀ"},
        {"softmax(x)", "x", "numerator", "diag(softmax(x)) − softmax(x) softmax(x)ᵀ"},
        {"x'*A*y", "A", "numerator", "x yᵀ"},
    };
    for (const Case& c : cases) {
        std::string model = decl + "f = " + c.function;
        INFO(model << " --wrt " << c.wrt);
        CHECK(derive({"-e", model, "--wrt", c.wrt, "--layout", c.layout}).unicode == c.unicode);
        Run check = run({"check", "-e", model, "--wrt", c.wrt, "--points", "3"});
        CHECK(check.code == 0);
    }
}
