// The shape rules of the operations (shape_rules.cpp), private to src/core/: Context::apply
// asks them before interning a node.
#pragma once

#include <span>

#include "matcalc/core/expr.hpp"

namespace matcalc {

struct OpInfo;

// The shape of `op` applied to `args`, or the node the application is instead (a
// transpose of a scalar is the scalar, an elementwise operation of constants a constant).
// Throws ShapeError when the arguments do not fit.
struct ShapeRule {
    Shape shape;
    Expr instead = nullptr;
    ShapeRule(Shape s) : shape(s) {}  // NOLINT: implicit, as the rules return a shape or a node
    ShapeRule(Expr e) : instead(e) {}  // NOLINT
};
ShapeRule apply_shape_rule(Context& cx, const OpInfo& op, std::span<const Expr> args);

}  // namespace matcalc
