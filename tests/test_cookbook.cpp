// Derivative identities of The Matrix Cookbook (Petersen & Pedersen, 2012), sections
// 2.1–2.7, through the command line. Every identity is checked by `matcalc check` (random
// points and sizes) and against central differences of `matcalc eval` at a point of
// test_cookbook_support.hpp (sizes n = 3, m = 2, k = 4, p = 2); where matcalc prints the
// textbook form, the Unicode form is compared too. Gradients with respect to matrices have
// the matrix's shape (docs/language.md, Derivatives); with respect to vectors the tests ask for the column
// (`--layout denominator`) where the Cookbook writes one, and the default numerator
// layout (a row, xᵀ …) where they say so.
//
// Printed forms that differ from the Cookbook's only in the order of the terms of a sum
// are compared as printed (noted "order"). Identities compared by their numbers only are
// listed at the end of each table with the form matcalc prints.
#include "test_cookbook_support.hpp"

using namespace matcalc::testing;
using namespace matcalc::testing::cookbook;

namespace {

const char* const D = "denominator";

const Identity kDeterminants[] = {
    // 2.1 Determinant
    {"2.1 ∂det(X)/∂X = det(X) X⁻ᵀ", "X : matrix(n, n)", "det(X)", "X", "det(X) X⁻ᵀ"},
    {"2.1 ∂det(AXB)/∂X = det(AXB) X⁻ᵀ", "A, B, X : matrix(n, n)", "det(A*X*B)", "X", "det(A X B) X⁻ᵀ"},
    {"2.1 ∂ln det(XᵀX)/∂X = 2 (X⁺)ᵀ = 2 X (XᵀX)⁻¹", "X : matrix(n, m)", "logdet(X'*X)", "X", "2 X (Xᵀ X)⁻¹"},
    {"2.1 ∂ln det(XᵀX)/∂X = 2 X⁻ᵀ (X square)", "X : matrix(n, n)", "logdet(X'*X)", "X", "2 X⁻ᵀ"},
    {"2.1 ∂ln|det(X)|/∂X = X⁻ᵀ", "X : matrix(n, n)", "log(abs(det(X)))", "X", "X⁻ᵀ"},
    {"2.1 ∂ln det(X)/∂X = X⁻ᵀ", "X : matrix(n, n)", "logdet(X)", "X", "X⁻ᵀ"},
    {"2.1 ∂ln(det(X))/∂X = X⁻ᵀ", "X : matrix(n, n)", "log(det(X))", "X", "X⁻ᵀ"},
    {"2.1 ∂det(Xᵏ)/∂X = k det(Xᵏ) X⁻ᵀ, k = 2", "X : matrix(n, n)", "det(X*X)", "X", "2 det(X X) X⁻ᵀ"},
    {"2.1 ∂det(Xᵏ)/∂X = k det(Xᵏ) X⁻ᵀ, k = 3", "X : matrix(n, n)", "det(X*X*X)", "X", "3 det(X X X) X⁻ᵀ"},
    {"2.1 ∂det(XᵀAX)/∂X = 2 det(XᵀAX) X⁻ᵀ (X square)", "A, X : matrix(n, n)", "det(X'*A*X)", "X",
     "2 det(Xᵀ A X) X⁻ᵀ"},
    // (XᵀAX)⁻ᵀ = (XᵀAᵀX)⁻¹; order.
    {"2.1 ∂det(XᵀAX)/∂X = det(XᵀAX)(AX(XᵀAX)⁻¹ + AᵀX(XᵀAᵀX)⁻¹)", "A : matrix(n, n); X : matrix(n, m)",
     "det(X'*A*X)", "X", "det(Xᵀ A X) (Aᵀ X (Xᵀ A X)⁻ᵀ + A X (Xᵀ A X)⁻¹)"},
    {"2.1 ∂ln det(XᵀAX)/∂X = AX(XᵀAX)⁻¹ + AᵀX(XᵀAᵀX)⁻¹", "A : matrix(n, n); X : matrix(n, m)",
     "logdet(X'*A*X)", "X", "Aᵀ X (Xᵀ A X)⁻ᵀ + A X (Xᵀ A X)⁻¹"},
    {"2.1 ∂ln det(X⁻¹)/∂X = −X⁻ᵀ", "X : matrix(n, n)", "log(det(inv(X)))", "X", "−X⁻ᵀ"},
};

const Identity kInverses[] = {
    // 2.2 Inverses
    {"2.2 ∂aᵀX⁻¹b/∂X = −X⁻ᵀ a bᵀ X⁻ᵀ", "a, b : vector(n); X : matrix(n, n)", "a'*inv(X)*b", "X", "−X⁻ᵀ a bᵀ X⁻ᵀ"},
    {"2.2 ∂det(X⁻¹)/∂X = −det(X⁻¹) X⁻ᵀ", "X : matrix(n, n)", "det(inv(X))", "X", "−det(X⁻¹) X⁻ᵀ"},
    {"2.2 ∂tr(AX⁻¹B)/∂X = −(X⁻¹BAX⁻¹)ᵀ", "X : matrix(n, n); A : matrix(m, n); B : matrix(n, m)",
     "tr(A*inv(X)*B)", "X", "−X⁻ᵀ Aᵀ Bᵀ X⁻ᵀ"},
    {"2.2 ∂tr((X + A)⁻¹)/∂X = −((X + A)⁻¹(X + A)⁻¹)ᵀ", "A, X : matrix(n, n)", "tr(inv(X + A))", "X",
     "−(X + A)⁻ᵀ (X + A)⁻ᵀ"},
    {"2.2 ∂tr(X⁻¹)/∂X = −(X⁻²)ᵀ", "X : matrix(n, n)", "tr(inv(X))", "X", "−X⁻ᵀ X⁻ᵀ"},
};

const Identity kFirstOrder[] = {
    // 2.4.1 First order
    {"2.4.1 ∂xᵀa/∂x = a", "x, a : vector(n)", "x'*a", "x", "a", D},
    {"2.4.1 ∂aᵀx/∂x = a", "x, a : vector(n)", "a'*x", "x", "a", D},
    {"2.4.1 ∂(a·x)/∂x = aᵀ (numerator layout)", "x, a : vector(n)", "a·x", "x", "aᵀ"},
    {"2.4.1 ∂aᵀXb/∂X = a bᵀ", "a : vector(m); b : vector(n); X : matrix(m, n)", "a'*X*b", "X", "a bᵀ"},
    {"2.4.1 ∂aᵀXᵀb/∂X = b aᵀ", "a : vector(n); b : vector(m); X : matrix(m, n)", "a'*X'*b", "X", "b aᵀ"},
    {"2.4.1 ∂aᵀXa/∂X = a aᵀ", "a : vector(n); X : matrix(n, n)", "a'*X*a", "X", "a aᵀ"},
    {"2.4.1 ∂aᵀXᵀa/∂X = a aᵀ", "a : vector(n); X : matrix(n, n)", "a'*X'*a", "X", "a aᵀ"},
};

const Identity kSecondOrder[] = {
    // 2.4.2 Second order
    {"2.4.2 ∂bᵀXᵀXc/∂X = X(bcᵀ + cbᵀ)", "b, c : vector(n); X : matrix(m, n)", "b'*X'*X*c", "X", "X (b cᵀ + c bᵀ)"},
    // order.
    {"2.4.2 ∂(Bx + b)ᵀC(Dx + d)/∂x = BᵀC(Dx + d) + DᵀCᵀ(Bx + b)",
     "x : vector(n); B : matrix(k, n); b : vector(k); C : matrix(k, m); D : matrix(m, n); d : vector(m)",
     "(B*x + b)'*C*(D*x + d)", "x", "Dᵀ Cᵀ (B x + b) + Bᵀ C (D x + d)", D},
    {"2.4.2 ∂xᵀBx/∂x = (B + Bᵀ) x", "x : vector(n); B : matrix(n, n)", "x'*B*x", "x", "(B + Bᵀ) x", D},
    {"2.4.2 ∂xᵀBx/∂x = xᵀ(B + Bᵀ) (numerator layout)", "x : vector(n); B : matrix(n, n)", "x'*B*x", "x",
     "xᵀ (B + Bᵀ)"},
    {"2.4.2 ∂bᵀXᵀDXc/∂X = DᵀXbcᵀ + DXcbᵀ", "b, c : vector(n); X : matrix(m, n); D : matrix(m, m)", "b'*X'*D*X*c",
     "X", "Dᵀ X b cᵀ + D X c bᵀ"},
    {"2.4.2 ∂(Xb + c)ᵀD(Xb + c)/∂X = (D + Dᵀ)(Xb + c)bᵀ", "b : vector(n); c : vector(m); X : matrix(m, n); D : matrix(m, m)",
     "(X*b + c)'*D*(X*b + c)", "X", "(D + Dᵀ) (X b + c) bᵀ"},
    // The Cookbook's −2AᵀW(x − As) is this for a symmetric W.
    {"2.4.2 ∂(x − As)ᵀW(x − As)/∂s = −Aᵀ(W + Wᵀ)(x − As)", "x : vector(m); A : matrix(m, n); s : vector(n); W : matrix(m, m)",
     "(x - A*s)'*W*(x - A*s)", "s", "−Aᵀ (W + Wᵀ) (x − A s)", D},
    {"2.4.2 ∂(x − As)ᵀW(x − As)/∂x = (W + Wᵀ)(x − As)", "x : vector(m); A : matrix(m, n); s : vector(n); W : matrix(m, m)",
     "(x - A*s)'*W*(x - A*s)", "x", "(W + Wᵀ) (x − A s)", D},
    {"2.4.2 ∂xᵀx/∂x = 2x", "x : vector(n)", "x'*x", "x", "2 x", D},
    // 2.4.3 Higher order: ∂aᵀXⁿb/∂X = Σᵣ (Xʳ)ᵀ a bᵀ (Xⁿ⁻¹⁻ʳ)ᵀ
    {"2.4.3 ∂aᵀX²b/∂X = Xᵀabᵀ + abᵀXᵀ", "a, b : vector(n); X : matrix(n, n)", "a'*X*X*b", "X", "Xᵀ a bᵀ + a bᵀ Xᵀ"},
    // Printed Xᵀ (Xᵀ a bᵀ + a bᵀ Xᵀ) + a bᵀ Xᵀ Xᵀ: two of the three terms factored.
    {"2.4.3 ∂aᵀX³b/∂X = XᵀXᵀabᵀ + XᵀabᵀXᵀ + abᵀXᵀXᵀ", "a, b : vector(n); X : matrix(n, n)", "a'*X*X*X*b", "X",
     nullptr},
};

const Identity kTraces[] = {
    // 2.5.1 First order
    {"2.5.1 ∂tr(X)/∂X = I", "X : matrix(n, n)", "tr(X)", "X", "I"},
    {"2.5.1 ∂tr(XA)/∂X = Aᵀ", "X : matrix(m, n); A : matrix(n, m)", "tr(X*A)", "X", "Aᵀ"},
    {"2.5.1 ∂tr(AXB)/∂X = AᵀBᵀ", "A : matrix(k, m); X : matrix(m, n); B : matrix(n, k)", "tr(A*X*B)", "X", "Aᵀ Bᵀ"},
    {"2.5.1 ∂tr(AXᵀB)/∂X = BA", "A : matrix(k, n); X : matrix(m, n); B : matrix(m, k)", "tr(A*X'*B)", "X", "B A"},
    {"2.5.1 ∂tr(XᵀA)/∂X = A", "X, A : matrix(m, n)", "tr(X'*A)", "X", "A"},
    {"2.5.1 ∂tr(AXᵀ)/∂X = A", "X, A : matrix(m, n)", "tr(A*X')", "X", "A"},
    // 2.5.2 Second order
    {"2.5.2 ∂tr(X²)/∂X = 2Xᵀ", "X : matrix(n, n)", "tr(X*X)", "X", "2 Xᵀ"},
    {"2.5.2 ∂tr(X²B)/∂X = (XB + BX)ᵀ", "X, B : matrix(n, n)", "tr(X*X*B)", "X", "Bᵀ Xᵀ + Xᵀ Bᵀ"},
    {"2.5.2 ∂tr(XᵀBX)/∂X = BX + BᵀX", "X : matrix(m, n); B : matrix(m, m)", "tr(X'*B*X)", "X", "(B + Bᵀ) X"},
    {"2.5.2 ∂tr(BXXᵀ)/∂X = BX + BᵀX", "X : matrix(m, n); B : matrix(m, m)", "tr(B*X*X')", "X", "(B + Bᵀ) X"},
    {"2.5.2 ∂tr(XXᵀB)/∂X = BX + BᵀX", "X : matrix(m, n); B : matrix(m, m)", "tr(X*X'*B)", "X", "(B + Bᵀ) X"},
    {"2.5.2 ∂tr(XBXᵀ)/∂X = XBᵀ + XB", "X : matrix(m, n); B : matrix(n, n)", "tr(X*B*X')", "X", "X (B + Bᵀ)"},
    {"2.5.2 ∂tr(BXᵀX)/∂X = XBᵀ + XB", "X : matrix(m, n); B : matrix(n, n)", "tr(B*X'*X)", "X", "X (B + Bᵀ)"},
    {"2.5.2 ∂tr(XᵀXB)/∂X = XBᵀ + XB", "X : matrix(m, n); B : matrix(n, n)", "tr(X'*X*B)", "X", "X (B + Bᵀ)"},
    // order.
    {"2.5.2 ∂tr(AXBX)/∂X = AᵀXᵀBᵀ + BᵀXᵀAᵀ", "A : matrix(n, m); X : matrix(m, n); B : matrix(n, m)", "tr(A*X*B*X)",
     "X", "Bᵀ Xᵀ Aᵀ + Aᵀ Xᵀ Bᵀ"},
    {"2.5.2 ∂tr(XᵀX)/∂X = 2X", "X : matrix(m, n)", "tr(X'*X)", "X", "2 X"},
    {"2.5.2 ∂tr(XXᵀ)/∂X = 2X", "X : matrix(m, n)", "tr(X*X')", "X", "2 X"},
    {"2.5.2 ∂tr(BᵀXᵀCXB)/∂X = CᵀXBBᵀ + CXBBᵀ", "X : matrix(m, n); B : matrix(n, k); C : matrix(m, m)",
     "tr(B'*X'*C*X*B)", "X", "(C + Cᵀ) X B Bᵀ"},
    // order.
    {"2.5.2 ∂tr(XᵀBXC)/∂X = BXC + BᵀXCᵀ", "X : matrix(m, n); B : matrix(m, m); C : matrix(n, n)", "tr(X'*B*X*C)", "X",
     "Bᵀ X Cᵀ + B X C"},
    // order.
    {"2.5.2 ∂tr(AXBXᵀC)/∂X = AᵀCᵀXBᵀ + CAXB", "A : matrix(k, m); X : matrix(m, n); B : matrix(n, n); C : matrix(m, k)",
     "tr(A*X*B*X'*C)", "X", "C A X B + Aᵀ Cᵀ X Bᵀ"},
    {"2.5.2 ∂tr((AXB + C)(AXB + C)ᵀ)/∂X = 2Aᵀ(AXB + C)Bᵀ",
     "A : matrix(k, m); X : matrix(m, n); B : matrix(n, p); C : matrix(k, p)", "tr((A*X*B + C)*(A*X*B + C)')", "X",
     "2 Aᵀ (A X B + C) Bᵀ"},
    // 2.5.3 Higher order
    {"2.5.3 ∂tr(Xᵏ)/∂X = k(Xᵏ⁻¹)ᵀ, k = 3", "X : matrix(n, n)", "tr(X*X*X)", "X", "3 Xᵀ Xᵀ"},
    {"2.5.3 ∂tr(AXᵏ)/∂X = Σᵣ (XʳAXᵏ⁻ʳ⁻¹)ᵀ, k = 2", "A, X : matrix(n, n)", "tr(A*X*X)", "X", "Xᵀ Aᵀ + Aᵀ Xᵀ"},
    // 2.5.4 Other
    {"2.5.4 ∂tr(AX⁻¹B)/∂X = −X⁻ᵀAᵀBᵀX⁻ᵀ", "X : matrix(n, n); A : matrix(m, n); B : matrix(n, m)", "tr(A*inv(X)*B)",
     "X", "−X⁻ᵀ Aᵀ Bᵀ X⁻ᵀ"},
    // Printed −Cᵀ X (Xᵀ C X)⁻ᵀ Aᵀ (Xᵀ C X)⁻ᵀ − C X (Xᵀ C X)⁻¹ A (Xᵀ C X)⁻¹, which is the
    // Cookbook's −CX(XᵀCX)⁻¹(A + Aᵀ)(XᵀCX)⁻¹ when C is symmetric.
    {"2.5.4 ∂tr((XᵀCX)⁻¹A)/∂X", "X : matrix(n, m); C : matrix(n, n); A : matrix(m, m)", "tr(inv(X'*C*X)*A)", "X",
     nullptr},
    // Printed −X⁻ᵀ (Aᵀ (Xᵀ C X)⁻ᵀ + A (Xᵀ C X)⁻¹).
    {"2.5.4 ∂tr((XᵀCX)⁻¹A)/∂X, X square", "X, C, A : matrix(n, n)", "tr(inv(X'*C*X)*A)", "X", nullptr},
};

const Identity kNorms[] = {
    // 2.6 Vector norms, 2.7 Matrix norms
    {"2.6 ∂‖x − a‖/∂x = (x − a)/‖x − a‖", "x, a : vector(n)", "norm(x - a)", "x", "(x − a) ⊘ ‖x − a‖", D},
    {"2.6 ∂((x − a)/‖x − a‖)/∂x = I/‖x − a‖ − (x − a)(x − a)ᵀ/‖x − a‖³", "x, a : vector(n)", "(x - a)/norm(x - a)", "x",
     "I ⊘ ‖x − a‖ − (x − a) (x − a)ᵀ ⊘ ‖x − a‖³"},
    {"2.6 ∂‖x‖²/∂x = 2x", "x : vector(n)", "norm(x)^2", "x", "2 x", D},
    {"2.6 ∂‖x‖²/∂x = 2xᵀ (numerator layout)", "x : vector(n)", "‖x‖^2", "x", "2 xᵀ"},
    {"2.7 ∂‖X‖²_F/∂X = 2X", "X : matrix(m, n)", "norm(X)^2", "X", "2 X"},
};

}  // namespace

TEST_CASE("Matrix Cookbook 2.1: determinants", "[cookbook]") {
    for (const Identity& c : kDeterminants) check_identity(c);
}

TEST_CASE("Matrix Cookbook 2.2: inverses", "[cookbook]") {
    for (const Identity& c : kInverses) check_identity(c);
}

TEST_CASE("Matrix Cookbook 2.4.1: linear forms", "[cookbook]") {
    for (const Identity& c : kFirstOrder) check_identity(c);
}

TEST_CASE("Matrix Cookbook 2.4.2-2.4.3: quadratic and higher forms", "[cookbook]") {
    for (const Identity& c : kSecondOrder) check_identity(c);
}

TEST_CASE("Matrix Cookbook 2.5: traces", "[cookbook]") {
    for (const Identity& c : kTraces) check_identity(c);
}

TEST_CASE("Matrix Cookbook 2.6-2.7: norms", "[cookbook]") {
    for (const Identity& c : kNorms) check_identity(c);
}

TEST_CASE("Matrix Cookbook: at least 40 identities, each checked", "[cookbook]") {
    std::size_t count = std::size(kDeterminants) + std::size(kInverses) + std::size(kFirstOrder) +
                        std::size(kSecondOrder) + std::size(kTraces) + std::size(kNorms);
    CHECK(count >= 40);
}
