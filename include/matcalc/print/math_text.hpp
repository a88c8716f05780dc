// Mathematics written inside prose — the simplifier's rule names ("(A B)ᵀ = Bᵀ Aᵀ",
// "e⁻ᶻ / (1 + e⁻ᶻ)² = σ(z) (1 − σ(z))") and the notes of a derivation's steps — in a
// printer's style. Every symbol is spelled as the printers spell it in formulas: an
// operator's symbol as its row of the operation table has it in that style (⊙ → .* and
// \odot, ᵀ → ' and ^\top), superscripts as the printers write powers (x² → x^2, x^{2}),
// Greek letters as names are printed (σ → sigma, \sigma). So the rule names read in
// `--format text` as the ASCII language and in LaTeX as mathematics, with no table of
// their own to fall out of step.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "matcalc/print/print.hpp"

namespace matcalc {

// `text` (UTF-8, written as the Unicode style writes formulas) in `style`. In LaTeX the
// result is one \text{...} with the mathematics inline ($\odot$) and LaTeX's special
// characters escaped, ready to stand in a formula; in Unicode it is `text` itself.
std::string math_text(std::string_view text, Style style);

// The characters outside ASCII in `text` that no printer spells (each once, in order of
// appearance): math_text passes them through as they are, which a terminal in ASCII or
// KaTeX in strict mode may not show. The rules file's names are tested to have none.
std::vector<std::string> unspelled_characters(std::string_view text);

}  // namespace matcalc
