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

// Products and quotients of elementwise factors in normal form (simplify_normal_forms.cpp).
Expr collect_factors(Context& cx, Expr e, const Atoms& atoms);
// Sums and differences with equal terms collected (simplify_normal_forms.cpp).
Expr collect_terms(Context& cx, Expr e, const Atoms& atoms);

// a·b = sum(a ⊙ b) when a factor of one divides the other: (y ⊘ p)·p = sum(y).
Expr dot_cancelling(Context& cx, Expr e, const Atoms& atoms);
// a ⊙ (b + c) = a ⊙ b + a ⊙ c when a cancels in a term: p ⊙ (s − y ⊘ p) = s p − y.
Expr distribute_cancelling(Context& cx, Expr e, const Atoms& atoms);

// Rules for Kronecker products, the commutation matrix, diagonals against outer products,
// blocks of stacks and traces (simplify_matrix.cpp), tried after those of simplify.cpp.
const std::vector<Rule>& matrix_rules();

}  // namespace matcalc::rules
