// The symbolic forms the core issue fixes (item 6), each also checked against finite
// differences through `matcalc check`.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

const std::string kDecl = "w, x : vector(n); b, z, s : scalar; ";

struct Case {
    const char* function;
    const char* wrt;
    const char* unicode;
    const char* text;
};

const Case kCases[] = {
    {"w·x + b", "w", "xᵀ", "x'"},
    {"w·x + b", "b", "1", "1"},
    {"w + x", "w", "I", "eye(n)"},
    {"w - x", "x", "−I", "-eye(n)"},
    {"w ⊙ x", "w", "diag(x)", "diag(x)"},
    {"w ⊘ x", "w", "diag(1 ⊘ x)", "diag(1 / x)"},
    {"sum(x)", "x", "𝟏ᵀ", "ones(1, n)"},
    {"x + z", "z", "𝟏", "ones(n)"},
    {"x * z", "x", "z I", "z * eye(n)"},
    {"x * z", "z", "x", "x"},
    {"x", "x", "I", "eye(n)"},
    {"sin(s^2)", "s", "2 s cos(s²)", "2 * (s * cos(s^2))"},
    {"max(0, w·x + b)", "w", "step(w·x + b) xᵀ", "step(dot(w, x) + b) * x'"},
    {"max(0, w·x + b)", "b", "step(w·x + b)", "step(dot(w, x) + b)"},
};

}  // namespace

TEST_CASE("required symbolic forms, checked numerically", "[forms]") {
    for (const Case& c : kCases) {
        std::string model = kDecl + "f = " + c.function;
        INFO(model << "  --wrt " << c.wrt);
        Derivative d = derive({"-e", model, "--wrt", c.wrt});
        CHECK(d.unicode == c.unicode);
        CHECK(d.text == c.text);
        Run check = run({"check", "-e", model, "--wrt", c.wrt, "--points", "3"});
        CHECK(check.code == 0);
        CHECK(check.out.find("ok:") != std::string::npos);
    }
}

TEST_CASE("results never contain I, 1 or 0 factors, diag(1), 1ᵀ diag(v) or double transposes", "[forms]") {
    const char* functions[] = {"w·x + b", "sum(w ⊙ x)", "sum(x) + z", "mean((w - x)^2)", "max(0, w·x + b)",
                               "σ(w·x)", "norm(w ⊙ x + x)", "w ⊙ x + z", "exp(x)·w", "(w + x)'*x"};
    for (const char* f : functions)
        for (const char* wrt : {"w", "x", "b", "z"}) {
            std::string model = kDecl + "f = " + f;
            INFO(model << "  --wrt " << wrt);
            Derivative d = derive({"-e", model, "--wrt", wrt, "--expand"});
            for (const char* bad : {"* eye(", "eye(n) *", "diag(ones", "ones(1, n) * diag", "''", "1 *", "* 1)", "+ 0", "- 0", "0 *"})
                CHECK(d.text.find(bad) == std::string::npos);
            CHECK(run({"check", "-e", model, "--wrt", wrt, "--points", "2"}).code == 0);
        }
}

TEST_CASE("LaTeX cases form for piecewise derivatives on request", "[forms][latex]") {
    std::string model = "w, x : vector(n); b : scalar; z = w·x + b; a = max(0, z)";
    Run r = run({"derive", "-e", model, "--wrt", "w", "--wrt", "b", "--format", "latex", "--piecewise", "cases"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\\begin{cases} \\mathbf{x}^\\top & \\text{if } z > 0 \\\\ \\mathbf{0}") != std::string::npos);
    CHECK(r.out.find("\\begin{cases} 1 & \\text{if } z > 0 \\\\ 0 & \\text{otherwise} \\end{cases}") != std::string::npos);
    // Without the option, the indicator form of docs/language.md, Derivatives.
    Run plain = run({"derive", "-e", model, "--wrt", "b", "--format", "latex"});
    CHECK(plain.out.find("\\operatorname{step}\\left(z\\right)") != std::string::npos);
    CHECK(run({"derive", "-e", model, "--wrt", "b", "--piecewise", "both"}).code == 2);
}
