// Printers: a DAG expression as ASCII text (the formula language of docs/language.md, parsed
// back to the same node), as Unicode text (as a textbook writes it: xᵀ, w·x, x ⊙ y, x²)
// and as LaTeX (KaTeX-compatible). Everything an operation contributes — its spellings,
// its precedence, its notation — comes from its row in the operation table (ops.hpp).
//
// Precedence levels (OpInfo::precedence): 1 additive, 2 multiplicative, 3 unary, 4 power,
// 5 postfix, 6 atom. Binary operators associate to the left except `^`. In Unicode and
// LaTeX, products written by juxtaposition (matrix products, scaling by a scalar: `2 x`,
// `W x`) bind a little tighter than the other multiplicative operators, so `x ⊙ W y`
// means x ⊙ (W y), as in textbooks.
//
// Printing is iterative (an explicit work stack), so a chain of tens of thousands of
// operations prints without deep recursion. Shared subexpressions are written out at each
// use (the output is the expression's tree); pass definition names to keep it short.
#pragma once

#include <cstddef>
#include <span>
#include <vector>
#include <string>
#include <string_view>
#include <unordered_map>

#include "matcalc/core/expr.hpp"
#include "matcalc/core/shape.hpp"

namespace matcalc {

enum class Style { Ascii, Unicode, Latex };

struct PrintOptions {
    Style style = Style::Unicode;
    // Print these nodes as their definition name (name_definitions in simplify.hpp), in every style.
    const std::unordered_map<Expr, std::string>* names = nullptr;
    // Write the names of `names` as they are, also in LaTeX (the caller wrote them for the
    // style: the steps' ∂L/∂z as \frac{...}{...}); otherwise LaTeX writes them with latex_name.
    bool names_verbatim = false;
    // Write the Hadamard product ⊗ (\otimes), as the lecture does, instead of ⊙ (\odot).
    bool hadamard_as_otimes = false;
    // Shared subexpressions are written out at each use, so a DAG can stand for a text
    // exponentially longer than itself: output beyond this many bytes is cut and ends
    // with "..." (0: no limit).
    std::size_t max_length = std::size_t{64} << 20;
    // false: the root is written out even when `names` names it (the right side of a
    // definition δ₁ = …).
    bool name_root = true;
};

// A subexpression a result repeats, named as backpropagation is written by hand: the
// result prints δ₂ hᵀ + δ₁ xᵀ, then `where δ₁ = …, δ₂ = …`, each definition in terms of
// the earlier ones. Each name is valid input (docs/language.md): `delta1` in ASCII,
// `δ₁` in Unicode, `\delta_{1}` in LaTeX.
struct NamedQuantity {
    std::string ascii, unicode;
    Expr expr;
};

// The subexpressions of `roots` that their printed trees would write more than once,
// of at least `min_nodes` nodes each, in the order they can be defined (a quantity uses
// only earlier ones); when the roots' trees have fewer than `min_total_nodes` nodes
// together, only those written three times or more of twice `min_nodes` (a short result
// reads best written out). A call counts three nodes. Nodes that `names` names already are
// not entered. Linear in the size of the DAG: the printed size of a result with these
// names grows with the DAG, not with the number of paths through it.
std::vector<NamedQuantity> shared_quantities(const Context& cx, std::span<const Expr> roots,
                                             const std::unordered_map<Expr, std::string>* names,
                                             std::size_t min_nodes = 4, std::size_t min_total_nodes = 40);

// `names` with the quantities' names in `style` added.
std::unordered_map<Expr, std::string> with_quantities(const std::unordered_map<Expr, std::string>* names,
                                                      const std::vector<NamedQuantity>& quantities, Style style);

// The definitions of the quantities, one a line in `style` ("δ₁ = …"), each written with
// the names before it (`names` as with_quantities made it).
std::vector<std::string> quantity_definitions(const Context& cx, const std::vector<NamedQuantity>& quantities,
                                              PrintOptions options);

std::string print(const Context& cx, Expr e, const PrintOptions& options = {});

// A symbol's name in LaTeX: vectors bold (\mathbf{x}, \boldsymbol{\alpha}), matrices and
// scalars plain (W, b); Greek names as commands (sigma or σ → \sigma); a `hat`, `bar` or
// `tilde` suffix as an accent (yhat → \hat{y}); trailing digits or an `_suffix` as a
// subscript (W1 → W_{1}, b_out → b_{\mathrm{out}}); other multi-letter names upright
// (\mathrm{loss}).
std::string latex_name(std::string_view name, Shape shape, const SizeTable& sizes);

// The shortest decimal text that reads back as exactly `value` ("0.1", "-2", "1e-05").
std::string format_number(double value);

}  // namespace matcalc
