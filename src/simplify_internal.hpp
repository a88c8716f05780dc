// Rules shared between the simplifier's files.
#pragma once

#include "matcalc/simplify.hpp"

namespace matcalc::rules {

// Products and quotients of elementwise factors in normal form (simplify_normal_forms.cpp).
Expr collect_factors(Context& cx, Expr e, const Atoms& atoms);
// Sums and differences with equal terms collected (simplify_normal_forms.cpp).
Expr collect_terms(Context& cx, Expr e, const Atoms& atoms);

// Rules for matrix products, inverses, Kronecker products and the commutation matrix
// (simplify_matrix.cpp), tried after the rules of simplify.cpp.
const std::vector<Rule>& matrix_rules();

}  // namespace matcalc::rules
