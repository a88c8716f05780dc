// The derivative rules. Elementwise operations use the partial derivatives of their
// row in the operation table (one generic chain rule, with vector–scalar expansion for
// broadcast arguments); structural operations have their rules written out here.
#include "matcalc/calculus/derive.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include <fmt/format.h>

#include "matcalc/core/ops.hpp"
#include "matcalc/core/pattern.hpp"
#include "matcalc/frontend/pattern.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "dependency.hpp"

namespace matcalc {

namespace {

// Sums a gradient g (shaped like a broadcast result) down to `target`, the shape of the
// argument that was broadcast: a scalar gets the sum, a row the column sums, a column
// the row sums.
Expr reduce_to(Context& cx, Expr g, Shape target) {
    Shape s = cx.shape(g);
    SizeTable& z = cx.sizes();
    if (z.same(s, target)) return g;
    if (z.is_scalar(target)) return cx.sum(g);
    if (z.is_one(target.rows)) return cx.matmul(cx.ones(Shape{1, s.rows}), g);
    if (z.is_one(target.cols)) return cx.matmul(g, cx.ones(Shape{s.cols, 1}));
    throw UnsupportedDerivative("cannot reduce a broadcast gradient");
}

// The partial derivative of an elementwise node with respect to argument i.
// The operation table's partial derivatives as patterns of a, b and out, read once.
struct Partials {
    Pattern of[2], ties[2];
    bool has[2] = {false, false}, has_ties = false;
};

const std::vector<Partials>& table_partials() {
    static const std::vector<Partials> table = [] {
        std::vector<Partials> out(kOpCount);
        for (const OpInfo& op : op_table())
            for (std::size_t i = 0; i < 2; ++i) {
                Partials& p = out[static_cast<std::size_t>(op.id)];
                std::vector<std::string> names{"a", "b", "out"};
                auto read = [&](std::string_view text) {
                    return parse_pattern(fmt::format("the partial derivative of {}", op.name), text, names, true);
                };
                if (!op.partials[i].empty()) p.of[i] = read(op.partials[i]), p.has[i] = true;
                if (!op.tie_partials[i].empty()) p.ties[i] = read(op.tie_partials[i]), p.has_ties = true;
                if (names.size() != 3) throw std::logic_error("a partial derivative of " + std::string(op.name) + " names " + names.back());
                std::vector<int> used;
                if (p.has[i]) wildcards_of(p.of[i], used);
                if (op.max_args < 2 && std::count(used.begin(), used.end(), 1))
                    throw std::logic_error("a partial derivative of " + std::string(op.name) + " names b, which it has not");
            }
        return out;
    }();
    return table;
}

Expr elementwise_partial(Context& cx, Expr y, std::size_t i) {
    const OpInfo& op = *y->op;
    const Partials& p = table_partials()[static_cast<std::size_t>(op.id)];
    if (!p.has[i]) throw UnsupportedDerivative(fmt::format("{} has no derivative rule", op.name));
    const Expr bindings[3] = {y->args[0], y->args.size() > 1 ? y->args[1] : nullptr, y};
    // max and min: where both arguments vary, a tie splits evenly (docs/language.md).
    bool both_vary = y->args.size() == 2 && y->args[0]->has_variable && y->args[1]->has_variable;
    return instantiate(cx, both_vary && p.has_ties ? p.ties[i] : p.of[i], bindings);
}

// ∂vec(A ⊗ B)/∂vec(args[i]). For two column vectors (or two rows) a ⊗ b = vec(b aᵀ): the
// partials are I ⊗ b and a ⊗ I. For matrices, A p×q and B r×s, vec(A ⊗ B) =
// P (vec A ⊗ vec B) with the permutation P = I_q ⊗ K(s,p) ⊗ I_r (Magnus & Neudecker,
// Theorem 3.10): the partials are P (I ⊗ vec B) and P (vec A ⊗ I).
Expr kron_partial(Context& cx, Expr y, std::size_t i) {
    SizeTable& z = cx.sizes();
    Shape sa = cx.shape(y->args[0]), sb = cx.shape(y->args[1]);
    bool columns = z.is_one(sa.cols) && z.is_one(sb.cols), rows = z.is_one(sa.rows) && z.is_one(sb.rows);
    Expr a = cx.vec(y->args[0]), b = cx.vec(y->args[1]);
    Expr d = i == 0 ? cx.kron(cx.identity(cx.shape(a).rows), b) : cx.kron(a, cx.identity(cx.shape(b).rows));
    if (columns || rows) return d;
    Expr p = cx.kron(cx.kron(cx.identity(sa.cols), cx.commutation(sb.cols, sa.rows)), cx.identity(sb.rows));
    return cx.matmul(p, d);
}

// ∂max(x)/∂x (∂min(x)/∂x): the indicator of the entries equal to the largest (smallest),
// divided by their number, so that a tie splits the derivative evenly as max(a, b) does
// where both vary (docs/language.md, "Derivatives"). heaviside is ½ exactly at a tie and
// 0 on the other side, the only side there is.
Expr extremum_weights(Context& cx, Expr y) {
    Expr x = y->args[0];
    Expr h = cx.apply(Op::Heaviside, is(y, Op::MaxEntry) ? cx.sub(x, y) : cx.sub(y, x));
    return cx.div(h, cx.sum(h));
}

// The axis of softmax(Z, k) or logsumexp(X, k): 1 or 2.
int axis(Expr y) { return y->args.at(1)->value == 2.0 ? 2 : 1; }

// In vec order (columns stacked), the sums of each column (axis 1: I ⊗ 1 1ᵀ) or of each row
// (axis 2: 1 1ᵀ ⊗ I) of an m×n matrix, spread back over it; with a row of ones instead of
// 1 1ᵀ, the sums alone (a row of n or a column of m, vec'd).
Expr line_sums(Context& cx, Shape s, int k, bool spread) {
    Dim length = k == 1 ? s.rows : s.cols;
    Expr ones = cx.ones(Shape{spread ? length : 1, length});
    return k == 1 ? cx.kron(cx.identity(s.cols), ones) : cx.kron(ones, cx.identity(s.rows));
}

// ∂vec softmax(Z, k)/∂vec Z = D − D S D with D = diag(vec P), P = softmax(Z, k) and S the
// sums of each column or row: one block diag(p) − p pᵀ per column (row).
Expr axis_softmax_jacobian(Context& cx, Expr p, int k) {
    Expr d = cx.diag(cx.vec(p));
    return cx.sub(d, cx.matmul(cx.matmul(d, line_sums(cx, cx.shape(p), k, true)), d));
}

// Whether e divides by p (a ⊘ p) through sums, differences, negations, Hadamard
// products and quotients: the adjoint of a softmax's output p when the function takes
// log(p) (∂log p/∂p = 1 ⊘ p).
bool divides_by(Expr e, Expr p) {
    switch (e->op->id) {
    case Op::Div: return e->args[1] == p || divides_by(e->args[0], p);
    case Op::Add: case Op::Sub: case Op::Hadamard: return divides_by(e->args[0], p) || divides_by(e->args[1], p);
    case Op::Neg: return divides_by(e->args[0], p);
    default: return false;
    }
}

// p ⊙ e with every a ⊘ p of e cancelled: distributed over sums and differences, into the
// factor of a Hadamard product or the numerator of a quotient that divides by p. Nothing
// divides by p in the result, which stays finite where p underflows to 0.
Expr times_cancelling(Context& cx, Expr p, Expr e) {
    if (!divides_by(e, p)) return cx.mul(p, e);
    const std::vector<Expr>& a = e->args;
    switch (e->op->id) {
    case Op::Div:
        if (a[1] == p) return cx.is_scalar(a[0]) && !cx.is_scalar(e) ? cx.mul(a[0], cx.ones(cx.shape(e))) : a[0];
        return cx.div(times_cancelling(cx, p, a[0]), a[1]);
    case Op::Add: return cx.add(times_cancelling(cx, p, a[0]), times_cancelling(cx, p, a[1]));
    case Op::Sub: return cx.sub(times_cancelling(cx, p, a[0]), times_cancelling(cx, p, a[1]));
    case Op::Neg: return cx.neg(times_cancelling(cx, p, a[0]));
    case Op::Hadamard:
        return divides_by(a[0], p) ? cx.mul(times_cancelling(cx, p, a[0]), a[1]) : cx.mul(a[0], times_cancelling(cx, p, a[1]));
    default: return cx.mul(p, e);
    }
}

// The offsets (top, left) of every block of a stack, in one pass (a sum of the sizes
// before each block per block would be quadratic in the number of blocks).
std::vector<std::pair<Dim, Dim>> stack_offsets(Context& cx, Expr y) {
    SizeTable& z = cx.sizes();
    std::size_t per_row = static_cast<std::size_t>(y->param);
    std::vector<std::pair<Dim, Dim>> out;
    out.reserve(y->args.size());
    Dim top = 0, left = 0;
    for (std::size_t j = 0; j < y->args.size(); ++j) {
        out.emplace_back(top, left);
        Shape b = cx.shape(y->args[j]);
        if ((j + 1) % per_row == 0) {
            top = z.sum(top, b.rows);
            left = 0;
        } else {
            left = z.sum(left, b.cols);
        }
    }
    return out;
}

// ȳ pushed back to argument i of y (a vector–Jacobian product), shaped like the argument.
// `offsets`: stack_offsets(y) for a stack (computed here when not given).
Expr backward(Context& cx, Expr y, std::size_t i, Expr ybar,
              const std::vector<std::pair<Dim, Dim>>* offsets = nullptr) {
    const std::vector<Expr>& a = y->args;
    Shape sa = cx.shape(a[i]);
    SizeTable& z = cx.sizes();
    switch (y->op->kind) {
    case Kind::Elementwise: {
        Expr d = elementwise_partial(cx, y, i);
        if (cx.is_zero(d)) return nullptr;
        // ȳ = 1 of y's shape (the seed, a block of a stack's ones) leaves d as it is: a
        // sum of 100 000 such terms is simpler to simplify without a factor 1 in each.
        const bool unit_adjoint = cx.is_one(ybar) && z.same(cx.shape(d), cx.shape(y));
        Expr g = cx.is_one(d) ? ybar : unit_adjoint ? d : cx.is_constant(d, -1) ? cx.neg(ybar) : cx.mul(ybar, d);
        return reduce_to(cx, g, sa);
    }
    case Kind::MatMul:
        return i == 0 ? cx.matmul(ybar, cx.transpose(a[1])) : cx.matmul(cx.transpose(a[0]), ybar);
    case Kind::Transpose:
        return cx.transpose(ybar);
    case Kind::Dot: {
        Expr other = a[1 - i];
        if (!z.same(cx.shape(other), sa) && !cx.is_scalar(other)) other = cx.transpose(other);
        return cx.mul(ybar, other);
    }
    case Kind::Sum:
        return cx.mul(ybar, cx.ones(sa));
    case Kind::Mean:
        return cx.mul(cx.div(ybar, cx.numel(sa)), cx.ones(sa));
    case Kind::Norm:
        return cx.mul(cx.div(ybar, y), a[0]);
    case Kind::Norm1:
        return cx.mul(ybar, cx.apply(Op::Sign, a[0]));
    case Kind::Diag: {
        Expr d = cx.apply(op_of(Kind::DiagPart), std::span<const Expr>(&ybar, 1));
        return z.is_one(sa.rows) ? cx.transpose(d) : d;
    }
    case Kind::DiagPart:
        return cx.diag(ybar);
    case Kind::Trace:  // ∂tr(A)/∂A = I
        return cx.mul(ybar, cx.identity(sa.rows));
    case Kind::Det:  // ∂det(A)/∂A = det(A) A⁻ᵀ
        return cx.mul(cx.mul(ybar, y), cx.transpose(cx.apply(Op::Inverse, a[0])));
    case Kind::LogDet:  // ∂logdet(A)/∂A = A⁻ᵀ
        return cx.mul(ybar, cx.transpose(cx.apply(Op::Inverse, a[0])));
    case Kind::Inverse:  // d(A⁻¹) = −A⁻¹ dA A⁻¹
        return cx.neg(cx.matmul(cx.matmul(cx.transpose(y), ybar), cx.transpose(y)));
    case Kind::LogSumExp:  // ∇ logsumexp(v) = softmax(v); of logsumexp(X, k), softmax(X, k) ⊙ ȳ (ȳ a row or column)
        if (a.size() == 2) return cx.mul(cx.apply(Op::Softmax, a), ybar);
        return z.is_matrix(sa) ? cx.mul(ybar, cx.apply(Op::Exp, cx.sub(a[0], y)))
                               : cx.mul(ybar, cx.apply(Op::Softmax, a[0]));
    case Kind::Extremum:
        return cx.mul(ybar, extremum_weights(cx, y));
    case Kind::Kron: {  // Jᵀ vec(ȳ), read back in the argument's shape
        Expr j = kron_partial(cx, y, i);
        return cx.unvec(cx.matmul(cx.transpose(j), cx.vec(ybar)), sa);
    }
    case Kind::Stack: {  // each block gets its block of the adjoint
        if (offsets) return cx.block(ybar, (*offsets)[i].first, (*offsets)[i].second, sa);
        auto [top, left] = stack_offsets(cx, y)[i];
        return cx.block(ybar, top, left, sa);
    }
    case Kind::Block: {
        // y = S_r A S_cᵀ with selection matrices (blocks of identities, I[2:3, :]): the
        // adjoint is S_rᵀ ȳ S_c, ȳ put back in place with zeros around it.
        Shape sy = cx.shape(y);
        Expr g = ybar;
        if (!z.same(sy.rows, sa.rows))
            g = cx.matmul(cx.transpose(cx.block(cx.identity(sa.rows), y->dim, 0, Shape{sy.rows, sa.rows})), g);
        if (!z.same(sy.cols, sa.cols))
            g = cx.matmul(g, cx.block(cx.identity(sa.cols), y->dim2, 0, Shape{sy.cols, sa.cols}));
        return g;
    }
    case Kind::Softmax:  // Jᵀ ȳ with J = diag(p) − p pᵀ: p ⊙ (ȳ − p·ȳ), column by column or row by row
        if (a.size() == 2 && axis(y) == 2)
            return cx.mul(y, cx.sub(ybar, cx.matmul(cx.matmul(cx.mul(y, ybar), cx.ones(Shape{sa.cols, 1})),
                                                    cx.ones(Shape{1, sa.cols}))));
        if (a.size() == 2)
            return cx.mul(y, cx.sub(ybar, cx.matmul(cx.ones(Shape{sa.rows, 1}),
                                                    cx.matmul(cx.ones(Shape{1, sa.rows}), cx.mul(y, ybar)))));
        // Through log(p): p ⊙ ȳ formed with the 1 ⊘ p cancelled, h − p sum(h) (the same
        // Jacobian), so that no p divides where it underflows (logits of scale 1000).
        if (divides_by(ybar, y)) {
            Expr h = times_cancelling(cx, y, ybar);
            return cx.sub(h, cx.mul(y, cx.sum(h)));
        }
        return cx.mul(y, cx.sub(ybar, cx.dot(y, ybar)));
    case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size: case Kind::Commutation:
    case Kind::Vec: case Kind::Unvec:
        throw UnsupportedDerivative(fmt::format("the gradient through {} is not supported yet", y->op->name));
    }
    unreachable();  // every value is a case above
}

// The number of entries of a scalar or vector shape, as one size.
Dim length(const SizeTable& z, Shape s) { return z.is_one(s.cols) ? s.rows : s.cols; }

// The vector chain rule accumulated forward: J(y) = ∂vec(y)/∂vec(x), numel(y) × numel(x),
// from the arguments' Jacobians. Matrix-valued nodes get the Kronecker forms of the
// Matrix Cookbook: vec(A B) = (Bᵀ ⊗ I) vec A + (I ⊗ A) vec B, vec(Aᵀ) = K vec A.
class Forward {
public:
    Forward(Context& cx, Expr x) : cx_(cx), x_(x), depends_(x), n_(numel_dim(cx.shape(x))) {}

    // ∂vec y/∂vec x; nullptr for a structural zero.
    Expr jac(Expr y) {
        if (!depends_(y)) return nullptr;
        auto it = memo_.find(y);
        if (it != memo_.end()) return it->second;
        Expr j = compute(y);
        memo_.emplace(y, j);
        return j;
    }

private:
    SizeTable& z() { return cx_.sizes(); }
    Shape shape(Expr e) { return cx_.shape(e); }
    bool is_vec(Expr e) { return !z().is_matrix(shape(e)); }
    Dim numel_dim(Shape s) { return z().product(s.rows, s.cols); }
    // The entries of e as a column, in vec order (a row vector is transposed).
    Expr column(Expr e) { return cx_.vec(e); }
    Expr row(Expr e) { return cx_.transpose(column(e)); }
    Expr plus(Expr acc, Expr term) { return !term ? acc : !acc ? term : cx_.add(acc, term); }
    // vec(diag(v)) = M v and diag(A) = Mᵀ vec(A) with M = diag(vec(I)) (1 ⊗ I): v copied into
    // every column of an n×n matrix, then all but the diagonal masked out.
    Expr diagonal_selection(Dim n) {
        return cx_.matmul(cx_.diag(cx_.vec(cx_.identity(n))), cx_.kron(cx_.ones(Shape{n, 1}), cx_.identity(n)));
    }
    [[noreturn]] void unsupported(Expr y) {
        throw UnsupportedDerivative(fmt::format(
            "the Jacobian through {} of a matrix that depends on the variable is not supported yet", y->op->name));
    }

    // J(a) carried to the shape of y, where a is broadcast over y (docs/language.md, "Shapes"): a scalar reaches
    // every entry, a row vector every row, a column every column.
    Expr spread(Expr a, Expr ja, Shape sy) {
        Shape sa = shape(a);
        if (z().same(sa, sy)) return ja;
        if (z().is_scalar(sa)) return cx_.matmul(cx_.ones(Shape{numel_dim(sy), 1}), ja);
        if (z().is_one(sa.rows))  // vec(1 r) = (I ⊗ 1) vec r
            return cx_.matmul(cx_.kron(cx_.identity(sy.cols), cx_.ones(Shape{sy.rows, 1})), ja);
        // vec(c 1ᵀ) = (1 ⊗ I) c
        return cx_.matmul(cx_.kron(cx_.ones(Shape{sy.cols, 1}), cx_.identity(sy.rows)), ja);
    }

    Expr elementwise(Expr y) {
        const std::vector<Expr>& a = y->args;
        Shape sy = shape(y);
        Expr sum = nullptr;
        for (std::size_t i = 0; i < a.size(); ++i) {
            Expr ja = jac(a[i]);
            if (!ja) continue;
            Expr d = elementwise_partial(cx_, y, i);
            if (cx_.is_zero(d)) continue;
            Expr term;
            if (cx_.is_scalar(a[i]) && !cx_.is_scalar(y)) {
                // Vector–scalar expansion: the scalar's change reaches every entry.
                Expr dy = cx_.is_scalar(d) ? cx_.mul(d, cx_.ones(Shape{numel_dim(sy), 1})) : column(d);
                term = cx_.matmul(dy, ja);
            } else {
                Expr j = spread(a[i], ja, sy);
                if (cx_.is_one(d)) term = j;
                else if (cx_.is_constant(d, -1)) term = cx_.neg(j);
                else if (cx_.is_scalar(d)) term = cx_.mul(d, j);
                else {
                    if (!z().same(shape(d), sy)) d = cx_.mul(d, cx_.ones(sy));  // broadcast to y
                    term = cx_.matmul(cx_.diag(column(d)), j);  // a diagonal Jacobian
                }
            }
            sum = plus(sum, term);
        }
        return sum;
    }

    Expr matmul(Expr y) {
        const std::vector<Expr>& a = y->args;
        // diag(v) b is the elementwise product v ⊙ b.
        if (a[0]->op->kind == Kind::Diag && z().is_one(shape(a[1]).cols))
            return jac(cx_.mul(column(a[0]->args[0]), a[1]));
        Shape sa = shape(a[0]), sb = shape(a[1]);
        Expr sum = nullptr;
        if (Expr ja = jac(a[0])) {  // vec(A B) = (Bᵀ ⊗ I) vec A; a row vector: Bᵀ aᵀ
            Expr left = z().is_one(sa.rows) ? cx_.transpose(a[1]) : cx_.kron(cx_.transpose(a[1]), cx_.identity(sa.rows));
            sum = plus(sum, cx_.matmul(left, ja));
        }
        if (Expr jb = jac(a[1])) {  // vec(A B) = (I ⊗ A) vec B; a column: A b
            Expr left = z().is_one(sb.cols) ? a[0] : cx_.kron(cx_.identity(sb.cols), a[0]);
            sum = plus(sum, cx_.matmul(left, jb));
        }
        return sum;
    }

    Expr compute(Expr y) {
        if (y == x_) return cx_.identity(n_);
        const std::vector<Expr>& a = y->args;
        // One argument whose Jacobian is a structural zero (its derivative vanishes:
        // step(z), a constant): so is this node's.
        // (The axis of softmax(Z, 1) and logsumexp(X, 1) is a constant.)
        if ((a.size() == 1 || y->op->axis_argument) && y->op->kind != Kind::Elementwise && !jac(a[0])) return nullptr;
        auto through = [&](Expr local_row, Expr arg) { return cx_.matmul(local_row, jac(arg)); };
        switch (y->op->kind) {
        case Kind::Elementwise:
            return elementwise(y);
        case Kind::MatMul:
            return matmul(y);
        case Kind::Transpose: {
            Shape sa = shape(a[0]);
            Expr ja = jac(a[0]);
            return is_vec(a[0]) ? ja : cx_.matmul(cx_.commutation(sa.rows, sa.cols), ja);
        }
        case Kind::Vec:
        case Kind::Unvec:  // the same entries in the same order
            return jac(a[0]);
        case Kind::Diag:
            return through(diagonal_selection(shape(y).rows), a[0]);
        case Kind::Block: {  // the block's rows of vec: a selection, as a block of J
            Shape whole = shape(a[0]), s = shape(y);
            if (!is_vec(a[0]) || !is_vec(y)) unsupported(y);
            Dim offset = z().is_one(whole.cols) ? y->dim : y->dim2;
            return cx_.block(jac(a[0]), offset, 0, Shape{length(z(), s), n_});
        }
        case Kind::Kron: {
            Expr sum = nullptr;
            for (std::size_t i = 0; i < 2; ++i)
                if (Expr ja = jac(a[i])) sum = plus(sum, cx_.matmul(kron_partial(cx_, y, i), ja));
            return sum;
        }
        case Kind::Dot: {
            Expr sum = nullptr;
            if (Expr ja = jac(a[0])) sum = plus(sum, cx_.matmul(row(a[1]), ja));
            if (Expr jb = jac(a[1])) sum = plus(sum, cx_.matmul(row(a[0]), jb));
            return sum;
        }
        case Kind::Sum:
        case Kind::Mean: {
            Expr s = through(cx_.ones(Shape{1, numel_dim(shape(a[0]))}), a[0]);
            return y->op->kind == Kind::Sum ? s : cx_.div(s, cx_.numel(shape(a[0])));
        }
        case Kind::Norm:
            return through(row(cx_.div(a[0], y)), a[0]);
        case Kind::Norm1:
            return through(row(cx_.apply(Op::Sign, a[0])), a[0]);
        case Kind::LogSumExp:
            if (a.size() == 2) {  // logsumexp(X, k): column (row) j's entry is p_jᵀ dx_j, J = S diag(vec P)
                Expr p = cx_.apply(Op::Softmax, a);
                return through(cx_.matmul(line_sums(cx_, shape(a[0]), axis(y), false), cx_.diag(column(p))), a[0]);
            }
            return through(row(is_vec(a[0]) ? cx_.apply(Op::Softmax, a[0]) : cx_.apply(Op::Exp, cx_.sub(a[0], y))), a[0]);
        case Kind::Extremum:
            return through(row(extremum_weights(cx_, y)), a[0]);
        case Kind::Trace:  // tr A = vec(I)ᵀ vec A
            return through(row(cx_.identity(shape(a[0]).rows)), a[0]);
        case Kind::Det:  // d det A = det A vec(A⁻ᵀ)ᵀ d vec A
            return cx_.mul(y, through(row(cx_.transpose(cx_.apply(Op::Inverse, a[0]))), a[0]));
        case Kind::LogDet:
            return through(row(cx_.transpose(cx_.apply(Op::Inverse, a[0]))), a[0]);
        case Kind::Inverse:  // d vec A⁻¹ = −(A⁻ᵀ ⊗ A⁻¹) d vec A
            return cx_.neg(through(cx_.kron(cx_.transpose(y), y), a[0]));
        case Kind::Softmax: {
            // The softmax's Jacobian, kept as diag(p) − p pᵀ; softmax(Z, k)'s has one such
            // block per column (row).
            if (a.size() == 2) return through(axis_softmax_jacobian(cx_, y, axis(y)), a[0]);
            Expr p = column(y);
            return through(cx_.sub(cx_.diag(p), cx_.matmul(p, cx_.transpose(p))), a[0]);
        }
        case Kind::DiagPart: {
            // diag(u vᵀ) = u ⊙ v: the diagonal of an outer product.
            Expr m = a[0];
            if (m->op->kind == Kind::MatMul && z().is_one(shape(m->args[0]).cols))
                return jac(cx_.mul(m->args[0], column(m->args[1])));
            return through(cx_.transpose(diagonal_selection(shape(y).rows)), m);
        }
        case Kind::Stack: {
            // Blocks side by side ([A, B]: vec stacks vec A on vec B) or vectors one on
            // another: the Jacobian stacks the blocks' Jacobians.
            // A grid of scalars ([a, b; c, d]): its vec takes them column by column.
            std::size_t per_row = static_cast<std::size_t>(y->param), rows = a.size() / per_row;
            bool one_row = per_row == a.size();
            bool column_of_vectors = per_row == 1 && is_vec(y);
            bool scalars = std::all_of(a.begin(), a.end(), [&](Expr b) { return cx_.is_scalar(b); });
            if (!one_row && !column_of_vectors && !scalars) unsupported(y);
            std::vector<Expr> order;
            if (scalars && !one_row && !column_of_vectors) {
                for (std::size_t c = 0; c < per_row; ++c)
                    for (std::size_t r = 0; r < rows; ++r) order.push_back(a[r * per_row + c]);
            } else {
                order = a;
            }
            std::vector<Expr> parts;
            for (Expr b : order) {
                Expr jb = jac(b);
                parts.push_back(jb ? jb : cx_.zeros(Shape{numel_dim(shape(b)), n_}));
            }
            return cx_.stack(parts, 1);
        }
        case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size:
        case Kind::Commutation:
            unsupported(y);
        }
        unreachable();  // every value is a case above
    }

    Context& cx_;
    Expr x_;
    Dependency depends_;
    Dim n_;
    std::unordered_map<Expr, Expr> memo_;
};

}  // namespace

bool depends_on(Expr e, Expr x) { return Dependency(x)(e); }

Expr gradient(Context& cx, Expr f, Expr x) { return gradients(cx, f, std::span<const Expr>(&x, 1)).at(0); }

std::vector<Expr> gradients(Context& cx, Expr f, std::span<const Expr> xs) {
    if (!cx.is_scalar(f)) throw UnsupportedDerivative("the gradient needs a scalar function");
    f = recognise_functions(cx, f, xs);
    Dependency depends(xs);
    NodeMap<Expr> adjoint;  // nullptr: no adjoint reached the node
    auto result = [&] {
        std::vector<Expr> out;
        for (Expr x : xs) {
            Expr a = adjoint.get(x);
            out.push_back(a ? a : cx.zeros(cx.shape(x)));
        }
        return out;
    };
    if (!depends(f)) return result();
    // Nodes are created after their arguments, so descending id is a reverse topological
    // order: every node's adjoint is complete before it is pushed to its arguments.
    std::vector<Expr> order;
    NodeMap<char> seen;
    std::vector<Expr> stack{f};
    while (!stack.empty()) {
        Expr e = stack.back();
        stack.pop_back();
        if (!depends(e) || seen.get(e)) continue;
        seen[e] = 1;
        order.push_back(e);
        for (Expr a : e->args) stack.push_back(a);
    }
    std::sort(order.begin(), order.end(), [](Expr a, Expr b) { return a->id > b->id; });
    adjoint[f] = cx.constant(1.0);
    for (Expr y : order) {
        Expr ybar = adjoint.get(y);
        if (!ybar || std::find(xs.begin(), xs.end(), y) != xs.end()) continue;
        std::vector<std::pair<Dim, Dim>> offsets;
        if (y->op->kind == Kind::Stack) offsets = stack_offsets(cx, y);
        for (std::size_t i = 0; i < y->args.size(); ++i) {
            Expr arg = y->args[i];
            if (!depends(arg)) continue;
            Expr contribution = backward(cx, y, i, ybar, &offsets);
            if (!contribution) continue;
            Expr& slot = adjoint[arg];
            slot = slot ? cx.add(slot, contribution) : contribution;  // total derivative
        }
    }
    return result();
}

Expr jacobian(Context& cx, Expr f, Expr x) {
    f = recognise_functions(cx, f, std::span<const Expr>(&x, 1));
    Forward fwd(cx, x);
    Expr j = fwd.jac(f);
    Shape sf = cx.shape(f), sx = cx.shape(x);
    SizeTable& z = cx.sizes();
    return j ? j : cx.zeros(Shape{z.product(sf.rows, sf.cols), z.product(sx.rows, sx.cols)});
}

void check_hessian_size(const Context& cx, Expr f) {
    std::size_t operations = 0;
    for (Expr e : reachable(cx, std::span<const Expr>(&f, 1))) operations += !e->args.empty();
    if (operations > kMaxHessianOperations)
        throw InputError(fmt::format("the Hessian: the function has {} operations, more than the {} a symbolic "
                                     "Hessian is taken for",
                                     operations, kMaxHessianOperations),
                         std::nullopt,
                         {"its formula would run to megabytes; the gradient alone prints compactly, and `check` tests "
                          "it numerically"});
}

Expr hessian(Context& cx, Expr f, Expr x, Expr grad) {
    if (!cx.is_scalar(f)) throw UnsupportedDerivative("the Hessian needs a scalar function");
    check_hessian_size(cx, f);
    Expr g = grad ? grad : gradient(cx, f, x);
    // Of a scalar variable, the gradient of the (scalar) gradient: reverse accumulation
    // gives traces, as one writes ∂²/∂s² of tr(K⁻¹) (tr(−K⁻¹ K⁻¹)), where the forward
    // Jacobian gives vec(I)ᵀ (K⁻ᵀ ⊗ K⁻¹) vec(I).
    if (cx.is_scalar(x)) return gradient(cx, g, x);
    return jacobian(cx, g, x);
}

Expr hessian_vector_product(Context& cx, Expr f, Expr x, Expr v, Expr grad) {
    if (!cx.is_scalar(f)) throw UnsupportedDerivative("the Hessian needs a scalar function");
    check_hessian_size(cx, f);
    const SizeTable& z = cx.sizes();
    const Shape sx = cx.shape(x), sv = cx.shape(v);
    if (z.resolve(sx.rows) != z.resolve(sv.rows) || z.resolve(sx.cols) != z.resolve(sv.cols))
        throw UnsupportedDerivative(fmt::format("the direction is a {}, the variable a {}", z.describe(sv),
                                                z.describe(sx)));
    Expr g = grad ? grad : gradient(cx, f, x);
    // ⟨g, v⟩: a dot product of vectors, the sum of g ⊙ v for matrices.
    const bool vectors = z.is_one(z.resolve(sx.cols)) || z.is_one(z.resolve(sx.rows));
    return gradient(cx, vectors ? cx.dot(g, v) : cx.sum(cx.mul(g, v)), x);
}

Expr derivative_from_gradient(Context& cx, Expr g, Expr x, Layout layout, bool matrix_variable) {
    SizeTable& z = cx.sizes();
    Shape sx = cx.shape(x);
    if (matrix_variable) return g;
    if (z.is_vector(sx)) return layout == Layout::Numerator ? cx.transpose(g) : g;
    if (z.is_row(sx)) return layout == Layout::Numerator ? g : cx.transpose(g);
    return g;  // scalar x, or a matrix: the gradient has the shape of x (docs/language.md, "Derivatives")
}

Expr derivative(Context& cx, Expr f, Expr x, Layout layout, bool matrix_variable) {
    if (cx.is_scalar(f)) return derivative_from_gradient(cx, gradient(cx, f, x), x, layout, matrix_variable);
    Expr j = jacobian(cx, f, x);
    return layout == Layout::Numerator ? j : cx.transpose(j);
}

}  // namespace matcalc
