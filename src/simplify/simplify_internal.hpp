// Rules shared between the simplifier's files.
#pragma once

#include "matcalc/core/ops.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc::rules {

// What the rules ask of a node.
using matcalc::is;  // is(e, Op::Hadamard)
inline bool is(Expr e, Kind kind) { return e->op->kind == kind; }
inline Expr arg(Expr e, std::size_t i) { return e->args[i]; }
inline bool column(Context& cx, Expr e) { return cx.sizes().is_vector(cx.shape(e)); }  // n×1, n > 1
// The constant 1 in every entry of a vector or matrix (not the scalar 1).
inline bool ones(Context& cx, Expr e) { return is(e, Kind::Constant) && e->value == 1.0 && !cx.is_scalar(e); }
// The factors of a chain of matrix products, left to right; with `atoms`, a product kept
// whole below e is one factor. Past 64 factors `out` is left empty and the result is
// false, found after entering 64 products: every node of a 10 000-factor chain is asked,
// and flattening each whole was quadratic (simplify_matrix.cpp).
bool chain_factors(Expr e, std::vector<Expr>& out, const Atoms* atoms = nullptr);
// Whether e equals its transpose by its structure (simplify.cpp).
bool symmetric(Context& cx, Expr e, const Atoms& atoms, int depth = 0);

using Procedure = Expr (*)(Context& cx, Expr e, const Atoms& atoms);
// The rules written in C++, by their id in rules.txt (simplify.cpp, simplify_matrix.cpp).
const std::vector<std::pair<std::string_view, Procedure>>& procedures();
const std::vector<std::pair<std::string_view, Procedure>>& matrix_procedures();

// Products and quotients of elementwise factors in normal form (simplify_normal_forms.cpp).
Expr collect_factors(Context& cx, Expr e, const Atoms& atoms);
// Sums and differences with equal terms collected (simplify_normal_forms.cpp).
Expr collect_terms(Context& cx, Expr e, const Atoms& atoms);

// A sum multiplied out, when that makes it smaller: y (1 − p) − p (1 − y) = y − p
// (simplify_polynomial.cpp).
Expr expand_cancelling(Context& cx, Expr e, const Atoms& atoms);

// a·b = sum(a ⊙ b) when a factor of one divides the other: (y ⊘ p)·p = sum(y).
Expr dot_cancelling(Context& cx, Expr e, const Atoms& atoms);
// a ⊙ (b + c) = a ⊙ b + a ⊙ c when a cancels in a term: p ⊙ (s − y ⊘ p) = s p − y.
Expr distribute_cancelling(Context& cx, Expr e, const Atoms& atoms);


}  // namespace matcalc::rules
