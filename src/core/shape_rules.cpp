// The shape rules of every operation (docs/language.md, "Shapes"): what Context::apply
// checks and computes before it interns a node. A rule may also find that the operation
// is another node: a transpose of a scalar is the scalar, diag of a matrix its diagonal,
// an elementwise operation of constants a constant.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "matcalc/core/ops.hpp"
#include "shape_rules.hpp"

namespace matcalc {

namespace {

// The shape of an elementwise operation on a and b: a scalar broadcasts, a row
// vector broadcasts over the rows of a matrix, a column over its columns.
Shape broadcast(SizeTable& sizes, Shape a, Shape b, const OpInfo& op) {
    if (sizes.is_scalar(a)) return b;
    if (sizes.is_scalar(b)) return a;
    auto fail = [&]() -> Shape {
        std::string verb = op.id == Op::Add ? "add" : op.id == Op::Sub ? "subtract" : "combine";
        throw ShapeError(fmt::format("cannot {} {} and {} elementwise ({}): sizes disagree",
                                     verb, sizes.describe(a), sizes.describe(b), op.unicode.empty() ? op.name : op.unicode));
    };
    bool a_row = sizes.is_one(a.rows), b_row = sizes.is_one(b.rows);
    bool a_col = sizes.is_one(a.cols), b_col = sizes.is_one(b.cols);
    if (a_row && !b_row && !b_col) return sizes.unify(a.cols, b.cols) ? b : fail();
    if (b_row && !a_row && !a_col) return sizes.unify(a.cols, b.cols) ? a : fail();
    if (a_col && !b_col && !b_row) return sizes.unify(a.rows, b.rows) ? b : fail();
    if (b_col && !a_col && !a_row) return sizes.unify(a.rows, b.rows) ? a : fail();
    if (!sizes.unify(a.rows, b.rows) || !sizes.unify(a.cols, b.cols)) return fail();
    return a;
}

// Elementwise operations of constants are folded when the result prints as a short
// number: 1/4 is 0.25, step(0) is 0, heaviside(0) is 0.5, exp(0) is 1; exp(1) stays.
bool foldable(const OpInfo& op) { return op.kernel1 || op.kernel2; }

// An integer that a double holds exactly, and so do its sums and products below 2^53.
bool exact_integer(double v) { return std::abs(v) < 9007199254740992.0 && v == std::trunc(v); }

// Folding that is exact whatever the number: negation, multiplying by one, and sums,
// differences and products of integers (the gradient of a 100 000-column stack adds up
// 100 000 integers: 5000050000 𝟏, not a sum of 100 000 terms).
bool folds_exactly(const OpInfo& op, std::span<const Expr> args, double v) {
    if (op.id == Op::Neg) return true;
    if (op.id == Op::Div && args[1]->value == 1.0) return true;  // 2/√π written 1.1283791670955126, not "… / 1"
    if ((op.id == Op::Add || op.id == Op::Sub || op.id == Op::Hadamard) && args.size() == 2 &&
        exact_integer(args[0]->value) && exact_integer(args[1]->value) && exact_integer(v))
        return true;
    return op.id == Op::Hadamard && (args[0]->value == 1.0 || args[1]->value == 1.0);
}


// A number whose shortest decimal form is short: folding 1/4 to 0.25 reads well,
// folding 1/3 to 0.3333333333333333 does not.
bool prints_short(double v) {
    if (!std::isfinite(v)) return false;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.8g", v);
    return std::strtod(buf, nullptr) == v;
}

// The axis of sum(X, k), softmax(Z, k), ...: 0 without one. The binder has checked that
// it is the literal 1 or 2; a rule or pattern could still build another.
int axis_of(const OpInfo& op, std::span<const Expr> args) {
    if (args.size() < 2) return 0;
    Expr a = args[1];
    if (a->op->kind != Kind::Constant || (a->value != 1.0 && a->value != 2.0))
        throw ShapeError(fmt::format("the axis of {} must be 1 (down each column) or 2 (along each row)", op.name));
    return static_cast<int>(a->value);
}

// sum(X, k) and mean(X, k) as products with ones: 1ᵀ X (a row) and X 1 (a column).
Expr axis_sum(Context& cx, const OpInfo& op, Expr x, int axis) {
    Shape s = cx.shape(x);
    Expr r = axis == 1 ? cx.matmul(cx.ones(Shape{1, s.rows}), x) : cx.matmul(x, cx.ones(Shape{s.cols, 1}));
    if (op.kind == Kind::Sum) return r;
    Expr count = cx.numel(Shape{axis == 1 ? s.rows : s.cols, 1});
    return cx.is_one(count) ? r : cx.div(r, count);
}

// logsumexp(X, k) and softmax(Z, k): nodes of a matrix with its axis, or what they are
// instead: of a vector along its length the vector's function, across it (each entry
// alone) the trivial value (the entry, or 1).
ShapeRule axis_function(Context& cx, const OpInfo& op, std::span<const Expr> args, int axis) {
    SizeTable& z = cx.sizes();
    Expr x = args[0];
    Shape s = cx.shape(x);
    bool softmax = op.kind == Kind::Softmax;
    if (z.is_matrix(s)) {
        if (softmax) return s;
        return axis == 1 ? Shape{1, s.cols} : Shape{s.rows, 1};
    }
    // A vector: a column's axis 1 and a row's axis 2 run along it.
    bool along = z.is_scalar(s) || (axis == 1 ? z.is_one(s.cols) : z.is_one(s.rows));
    if (z.is_scalar(s) || !along) return softmax ? cx.ones(s) : x;
    return cx.apply(op, std::span<const Expr>(&x, 1));
}

}  // namespace

ShapeRule apply_shape_rule(Context& cx, const OpInfo& op, std::span<const Expr> args) {
    SizeTable& z = cx.sizes();
    Shape shape;
    switch (op.kind) {
    case Kind::Elementwise: {
        Shape s = cx.shape(args[0]);
        for (std::size_t i = 1; i < args.size(); ++i) s = broadcast(z, s, cx.shape(args[i]), op);
        shape = z.resolve(s);
        bool all_const = true;
        for (Expr a : args) all_const = all_const && a->op->kind == Kind::Constant;
        if (all_const && foldable(op)) {
            double v = args.size() == 1 ? op.kernel1(args[0]->value) : op.kernel2(args[0]->value, args[1]->value);
            if (prints_short(v) || (std::isfinite(v) && folds_exactly(op, args, v))) return cx.constant(v, shape);
        }
        return {shape};
    }
    case Kind::MatMul: {
        Shape a = cx.shape(args[0]), b = cx.shape(args[1]);
        if (z.is_scalar(a) || z.is_scalar(b)) return cx.mul(args[0], args[1]);
        if (!z.unify(a.cols, b.rows))
            throw ShapeError(fmt::format("cannot multiply {} by {}: {} columns against {} rows",
                                         z.describe(a), z.describe(b), z.name(a.cols),
                                         z.name(b.rows)));
        shape = z.resolve(Shape{a.rows, b.cols});
        break;
    }
    case Kind::Transpose: {
        Shape a = cx.shape(args[0]);
        if (z.is_scalar(a)) return args[0];
        shape = {a.cols, a.rows};
        break;
    }
    case Kind::Dot: {
        Shape a = cx.shape(args[0]), b = cx.shape(args[1]);
        auto length = [&](Shape s) -> Dim {
            if (z.is_scalar(s)) return 1;
            if (z.is_one(s.cols)) return s.rows;
            if (z.is_one(s.rows)) return s.cols;
            return 0;
        };
        Dim la = length(a), lb = length(b);
        if (!la || !lb || !z.unify(la, lb))
            throw ShapeError(fmt::format("the inner product needs two vectors of equal length, not {} and {}",
                                         z.describe(a), z.describe(b)));
        shape = kScalarShape;
        break;
    }
    case Kind::Sum:
    case Kind::Mean:
        if (int axis = axis_of(op, args)) return axis_sum(cx, op, args[0], axis);
        shape = kScalarShape;
        break;
    case Kind::Extremum:
        if (cx.is_scalar(args[0])) return args[0];
        shape = kScalarShape;
        break;
    case Kind::Norm:
    case Kind::Norm1:
        shape = kScalarShape;
        break;
    case Kind::Diag: {
        Shape a = cx.shape(args[0]);
        if (z.is_scalar(a)) return args[0];
        if (z.is_matrix(a)) return cx.apply(op_of(Kind::DiagPart), args);
        Dim d = z.is_one(a.cols) ? a.rows : a.cols;
        shape = {d, d};
        break;
    }
    case Kind::DiagPart: {
        Shape a = cx.shape(args[0]);
        if (!z.unify(a.rows, a.cols))
            throw ShapeError(fmt::format("diag of a {} needs a square matrix", z.describe(a)));
        shape = {a.rows, 1};
        break;
    }
    case Kind::Trace:
    case Kind::Det:
    case Kind::LogDet:
    case Kind::Inverse: {
        Shape a = cx.shape(args[0]);
        if (!z.unify(a.rows, a.cols))
            throw ShapeError(fmt::format("{} needs a square matrix, not a {}", op.name, z.describe(a)));
        shape = op.kind == Kind::Inverse ? z.resolve(a) : kScalarShape;
        break;
    }
    case Kind::LogSumExp:
        if (int axis = axis_of(op, args)) return axis_function(cx, op, args, axis);
        shape = kScalarShape;
        break;
    case Kind::Softmax: {
        const int axis = axis_of(op, args);
        if (op.id == Op::LogSoftmax) {  // z − logsumexp(z), with the axis if any
            Expr x = args[0];
            if (!axis && z.is_matrix(cx.shape(x)))
                throw ShapeError(fmt::format("log_softmax of a {} needs an axis", z.describe(cx.shape(x))),
                                 {"write log_softmax(Z, 1) for each column (log-probabilities down each column) or log_softmax(Z, 2) for each row"});
            Expr lse = cx.apply(Op::LogSumExp, args);
            return cx.sub(x, lse);
        }
        if (axis) return axis_function(cx, op, args, axis);
        // Of a vector; a matrix needs the axis: which way its entries sum to 1 is a choice.
        if (z.is_matrix(cx.shape(args[0])))
            throw ShapeError(fmt::format("softmax of a {} needs an axis", z.describe(cx.shape(args[0]))),
                             {"write softmax(Z, 1) for each column to sum to 1 or softmax(Z, 2) for each row"});
        shape = cx.shape(args[0]);
        break;
    }
    case Kind::Kron: {
        // kron(s, B) = s B: a scalar factor is a scaling.
        if (cx.is_scalar(args[0]) || cx.is_scalar(args[1])) return cx.mul(args[0], args[1]);
        Shape a = cx.shape(args[0]), b = cx.shape(args[1]);
        shape = {z.product(a.rows, b.rows), z.product(a.cols, b.cols)};
        break;
    }
    case Kind::Block:
        throw std::logic_error("a block needs its offsets: Context::block");
    case Kind::Unvec:
        throw std::logic_error("vec⁻¹ needs its shape: Context::unvec");
    case Kind::Vec: {
        Shape a = cx.shape(args[0]);
        if (z.is_one(a.cols)) return args[0];
        if (z.is_one(a.rows)) return cx.transpose(args[0]);
        shape = {z.product(a.rows, a.cols), 1};
        break;
    }
    case Kind::Stack:
        return cx.stack(args, 1);
    case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size: case Kind::Commutation:
        throw std::logic_error("apply() on a leaf");
    }
    return {shape};
}

}  // namespace matcalc
