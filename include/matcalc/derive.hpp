// Symbolic derivatives (design.md §2). Scalar functions are differentiated by reverse
// accumulation (adjoints propagated through the DAG, so the gradient stays a small
// multiple of the function's size and a variable reached along several paths gets the
// sum of their contributions: the total derivative). Vector functions of scalar or
// vector variables get their Jacobian by the vector chain rule, J(f∘g) = J(f) J(g),
// accumulated forward. The results are raw: the simplifier makes them readable.
#pragma once

#include <stdexcept>
#include <string>

#include "matcalc/expr.hpp"

namespace matcalc {

enum class Layout { Numerator, Denominator };

// A derivative this version cannot take yet (a matrix-valued intermediate that depends
// on the variable, ...). Reported as an input error.
struct UnsupportedDerivative : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ∇_x f for a scalar f: an expression shaped like x.
Expr gradient(Context& cx, Expr f, Expr x);

// ∂f/∂x for f and x scalars or vectors: numel(f) × numel(x) (numerator layout).
Expr jacobian(Context& cx, Expr f, Expr x);

// The derivative as design.md §2 prints it: the Jacobian in numerator layout (a row
// vector for scalar f and vector x), the gradient (shape of x) for a matrix x; with
// Layout::Denominator the transposed convention for vector variables. `matrix_variable`
// says x was declared a matrix (a matrix(2, 1) gets a gradient shaped like it).
Expr derivative(Context& cx, Expr f, Expr x, Layout layout = Layout::Numerator, bool matrix_variable = false);

// Whether e depends on the variable x.
bool depends_on(Expr e, Expr x);

}  // namespace matcalc
