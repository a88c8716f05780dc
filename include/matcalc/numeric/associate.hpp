// The cheapest association of matrix-product chains. Forward accumulation builds a
// Jacobian as L₁ (L₂ (L₃ J)), each product carrying numel(x) columns; when the function
// has few outputs, (L₁ L₂) L₃ J costs far less. Once the sizes are known (integers in the
// declarations, or the sizes of the values at hand), the classic matrix-chain dynamic
// program picks the association with the fewest multiplications. Printing keeps the
// derived form; evaluation uses the reassociated one.
#pragma once

#include <cstdint>
#include <functional>

#include "matcalc/core/expr.hpp"

namespace matcalc {

// The concrete value of a size, or 0 when it is not known.
using SizeOf = std::function<std::int64_t(Dim)>;

// e with every chain of matrix products (through product nodes used once) associated
// at the least number of scalar multiplications; chains whose sizes are not all known
// are left as they are.
Expr cheapest_association(Context& cx, Expr e, const SizeOf& size_of);

// Scalar multiplications of every dense matrix product in e, counting shared nodes once
// (0 when a size is unknown): what cheapest_association minimises.
double product_cost(const Context& cx, Expr e, const SizeOf& size_of);

}  // namespace matcalc
