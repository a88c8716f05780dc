// Mathematics inside prose (print/math_text.hpp): the rule names of the simplifier and
// of the derivative rules, as `derive --steps` writes them in ASCII, Unicode and LaTeX.
#include <catch2/catch.hpp>

#include <string>

#include "matcalc/core/ops.hpp"
#include "matcalc/print/math_text.hpp"
#include "matcalc/simplify/simplify.hpp"

using namespace matcalc;

TEST_CASE("math text: rule names in each style, spelled as the printers spell formulas", "[print][steps]") {
    struct Case {
        const char* unicode;
        const char* ascii;
        const char* latex;
    };
    const Case cases[] = {
        {"(A B)ᵀ = Bᵀ Aᵀ", "(A B)' = B' A'", "\\text{(A B)$^\\top$ = B$^\\top$ A$^\\top$}"},
        {"e⁻ᶻ / (1 + e⁻ᶻ)² = σ(z) (1 − σ(z))", "e^-z / (1 + e^-z)^2 = sigmoid(z) (1 - sigmoid(z))",
         "\\text{e$^{-z}$ / (1 + e$^{-z}$)$^{2}$ = $\\sigma$(z) (1 $-$ $\\sigma$(z))}"},
        {"(s a)·b = s (a·b)", "(s a) dot b = s (a dot b)", "\\text{(s a)$\\cdot$b = s (a$\\cdot$b)}"},
        {"(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ", "(A kron B)' = A' kron B'", "\\text{(A $\\otimes$ B)$^\\top$ = A$^\\top$ $\\otimes$ B$^\\top$}"},
        {"A A⁻¹ = I", "A A^-1 = I", "\\text{A A$^{-1}$ = I}"},
        {"X⁻ᵀ", "X^-T", "\\text{X$^{-\\top}$}"},
        {"a ⊙ b ⊘ c", "a .* b ./ c", "\\text{a $\\odot$ b $\\oslash$ c}"},
        {"u, γ substituted back", "u, gamma substituted back", "\\text{u, $\\gamma$ substituted back}"},
        {"W₁ & 50% of $x_1", "W1 & 50% of $x_1", "\\text{W$_{1}$ \\& 50\\% of \\$x\\_1}"},
    };
    for (const Case& c : cases) {
        INFO(c.unicode);
        CHECK(math_text(c.unicode, Style::Unicode) == c.unicode);
        CHECK(math_text(c.unicode, Style::Ascii) == c.ascii);
        CHECK(math_text(c.unicode, Style::Latex) == c.latex);
    }
}

TEST_CASE("math text: a character no printer spells passes through and is reported, never replaced", "[print][steps]") {
    CHECK(unspelled_characters("ж + ⊙ + ж + ☃") == std::vector<std::string>{"ж", "☃"});
    CHECK(math_text("ж ⊙ y", Style::Latex) == "\\text{ж $\\odot$ y}");
    CHECK(math_text("ж ⊙ y", Style::Ascii) == "ж .* y");
}

TEST_CASE("math text: every rule name is spelled in every style", "[print][steps][rules]") {
    for (const Rule& r : simplifier_rules()) {
        INFO(r.id << ": " << r.name);
        CHECK(unspelled_characters(r.name).empty());
        CHECK(math_text(r.name, Style::Latex).find('?') == std::string::npos);
    }
    for (const OpInfo& op : op_table()) {
        INFO(op.name << ": " << op.rule);
        CHECK(unspelled_characters(op.rule).empty());
    }
}
