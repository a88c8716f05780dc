// Symbolic derivatives (docs/language.md, Derivatives). Scalar functions are differentiated by reverse
// accumulation (adjoints propagated through the DAG, so the gradient stays a small
// multiple of the function's size and a variable reached along several paths gets the
// sum of their contributions: the total derivative). Vector functions of scalar or
// vector variables get their Jacobian by the vector chain rule, J(f∘g) = J(f) J(g),
// accumulated forward, with Kronecker products where matrices meet. The results are raw: the simplifier makes them readable.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matcalc/core/expr.hpp"

namespace matcalc {

enum class Layout { Numerator, Denominator };

// A derivative this version cannot take yet (a matrix-valued intermediate that depends
// on the variable, ...). Reported as an input error.
struct UnsupportedDerivative : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ∇_x f for a scalar f: an expression shaped like x.
Expr gradient(Context& cx, Expr f, Expr x);
// The gradients with respect to several variables from one reverse sweep (the cost of
// one gradient, not of one per variable).
std::vector<Expr> gradients(Context& cx, Expr f, std::span<const Expr> xs);

// ∂vec(f)/∂vec(x): numel(f) × numel(x) (numerator layout), with Kronecker products and
// the commutation matrix for matrices (∂vec(W x)/∂vec(W) = xᵀ ⊗ I).
Expr jacobian(Context& cx, Expr f, Expr x);

// The Hessian ∂²f/∂vec(x)² of a scalar f: the Jacobian of its gradient, numel(x) ×
// numel(x). `grad` may pass the gradient already taken (and simplified). An InputError when
// f has more than kMaxHessianOperations operations: the symbolic Hessian of a long program
// costs about a millisecond and a kilobyte of formula per operation (a 10 000-line chain:
// 29 s and 20 MB), far past what anyone reads. The same for hessian_vector_product.
inline constexpr std::size_t kMaxHessianOperations = 2000;
// That InputError, for callers that check before they take the gradient.
void check_hessian_size(const Context& cx, Expr f);
Expr hessian(Context& cx, Expr f, Expr x, Expr grad = nullptr);

// The Hessian–vector product ∇²f v of a scalar f, without the Hessian: the gradient of
// ⟨∇f, v⟩ with respect to x (reverse over reverse; the Hessian of a twice differentiable f
// is symmetric), shaped like x, with vec of it H vec(v). v has the shape of x (a variable
// for the direction, usually). `grad` may pass ∇f already taken. Its size is a small
// multiple of the gradient's: for logistic regression (1/N) Xᵀ (p ⊙ (1 − p) ⊙ X v), two
// matrix–vector products where the Hessian costs a matrix product.
Expr hessian_vector_product(Context& cx, Expr f, Expr x, Expr v, Expr grad = nullptr);

// The derivative as docs/language.md, Derivatives prints it: the Jacobian in numerator layout (a row
// vector for scalar f and vector x), the gradient (shape of x) for a matrix x; with
// Layout::Denominator the transposed convention for vector variables. `matrix_variable`
// says x was declared a matrix (a matrix(2, 1) gets a gradient shaped like it).
Expr derivative(Context& cx, Expr f, Expr x, Layout layout = Layout::Numerator, bool matrix_variable = false);
// The same from the gradient g = ∇_x f of a scalar f (taken with gradients()).
Expr derivative_from_gradient(Context& cx, Expr g, Expr x, Layout layout, bool matrix_variable);

// Whether e depends on the variable x.
bool depends_on(Expr e, Expr x);

// f with the sigmoid and tanh written with exponentials (1 / (1 + e⁻ᶻ), (eᶻ − e⁻ᶻ) /
// (eᶻ + e⁻ᶻ)) as σ(z) and tanh(z), except where a form contains one of the variables xs
// (a definition) other than through its argument z. gradients() and jacobian() apply it
// to the function first, so that every derivative reads σ(z)(1 − σ(z)) and
// 1 − tanh(z)², as the slides write them.
Expr recognise_functions(Context& cx, Expr f, std::span<const Expr> xs);
// The forms recognised, as patterns (frontend/pattern.hpp) and their replacements.
std::span<const std::pair<std::string_view, std::string_view>> recognised_forms();

}  // namespace matcalc
