// The rewrite rules and the driver. Each rule is named as a person would say it; the
// driver simplifies children first, then tries the rules on the node, and simplifies
// what a rule produced again, until nothing applies (with a step budget so that no
// input can make it loop).
#include "matcalc/simplify/simplify.hpp"

#include <algorithm>
#include <unordered_map>

#include "matcalc/core/ops.hpp"
#include "simplify_internal.hpp"

namespace matcalc {

namespace {

using rules::arg;
using rules::column;
using rules::is;
bool scalar(Context& cx, Expr e) { return cx.is_scalar(e); }
bool row(Context& cx, Expr e) { return cx.sizes().is_row(cx.shape(e)); }
bool ones(Context& cx, Expr e) { return is(e, Kind::Constant) && e->value == 1.0 && !scalar(cx, e); }
// s ⊙ a with a scalar s: the scalar and the rest, else {nullptr, nullptr}.
std::pair<Expr, Expr> scaled(Context& cx, Expr e) {
    if (!is(e, Op::Hadamard)) return {nullptr, nullptr};
    if (scalar(cx, arg(e, 0)) && !scalar(cx, arg(e, 1))) return {arg(e, 0), arg(e, 1)};
    if (scalar(cx, arg(e, 1)) && !scalar(cx, arg(e, 0))) return {arg(e, 1), arg(e, 0)};
    return {nullptr, nullptr};
}

// ---- transpose -----------------------------------------------------------------------
Expr transpose_transpose(Context&, Expr e, const Atoms&) {
    return is(e, Kind::Transpose) && is(arg(e, 0), Kind::Transpose) ? arg(arg(e, 0), 0) : nullptr;
}
Expr transpose_symmetric(Context&, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose)) return nullptr;
    Expr a = arg(e, 0);
    return is(a, Kind::Identity) || is(a, Kind::Diag) ? a : nullptr;
}
Expr transpose_constant(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose) || !is(arg(e, 0), Kind::Constant)) return nullptr;
    return cx.constant(arg(e, 0)->value, cx.shape(e));
}
Expr transpose_product(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose) || !is(arg(e, 0), Kind::MatMul)) return nullptr;
    Expr p = arg(e, 0);
    return cx.matmul(cx.transpose(arg(p, 1)), cx.transpose(arg(p, 0)));
}
// (Aᵀ + B)ᵀ = A + Bᵀ: distributed only when a transpose inside cancels, so (σ − y)ᵀ stays.
Expr transpose_sum(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose)) return nullptr;
    Expr a = arg(e, 0);
    if (!is(a, Op::Add) && !is(a, Op::Sub)) return nullptr;
    if (!is(arg(a, 0), Kind::Transpose) && !is(arg(a, 1), Kind::Transpose)) return nullptr;
    if (scalar(cx, arg(a, 0)) || scalar(cx, arg(a, 1))) return nullptr;  // a broadcast scalar
    return cx.apply(*a->op, std::vector<Expr>{cx.transpose(arg(a, 0)), cx.transpose(arg(a, 1))});
}

Expr transpose_scaled(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose)) return nullptr;
    Expr a = arg(e, 0);
    if (is(a, Op::Neg)) return cx.neg(cx.transpose(arg(a, 0)));
    if (auto [s, rest] = scaled(cx, a); s) return cx.mul(s, cx.transpose(rest));
    if (is(a, Op::Div) && scalar(cx, arg(a, 1))) return cx.div(cx.transpose(arg(a, 0)), arg(a, 1));
    return nullptr;
}

// ---- products with identity, zero, ones, diagonals -----------------------------------
Expr product_identity(Context&, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    if (is(arg(e, 0), Kind::Identity)) return arg(e, 1);
    if (is(arg(e, 1), Kind::Identity)) return arg(e, 0);
    return nullptr;
}
Expr product_zero(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    return cx.is_zero(arg(e, 0)) || cx.is_zero(arg(e, 1)) ? cx.zeros(cx.shape(e)) : nullptr;
}
Expr product_scalar_out(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    Expr a = arg(e, 0), b = arg(e, 1);
    if (is(a, Op::Neg)) return cx.neg(cx.matmul(arg(a, 0), b));
    if (is(b, Op::Neg)) return cx.neg(cx.matmul(a, arg(b, 0)));
    if (auto [s, rest] = scaled(cx, a); s) return cx.mul(s, cx.matmul(rest, b));
    if (auto [s, rest] = scaled(cx, b); s) return cx.mul(s, cx.matmul(a, rest));
    if (is(a, Op::Div) && scalar(cx, arg(a, 1)) && !scalar(cx, arg(a, 0))) return cx.div(cx.matmul(arg(a, 0), b), arg(a, 1));
    if (is(b, Op::Div) && scalar(cx, arg(b, 1)) && !scalar(cx, arg(b, 0))) return cx.div(cx.matmul(a, arg(b, 0)), arg(b, 1));
    return nullptr;
}
// (c 1ᵀ) A = c (1ᵀ A): a constant factor other than 0 and 1 becomes a scalar.
Expr product_constant(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    for (std::size_t i = 0; i < 2; ++i) {
        Expr c = arg(e, i);
        if (!is(c, Kind::Constant) || scalar(cx, c) || c->value == 0.0 || c->value == 1.0) continue;
        Expr one = cx.ones(cx.shape(c));
        return cx.mul(cx.constant(c->value), i == 0 ? cx.matmul(one, arg(e, 1)) : cx.matmul(arg(e, 0), one));
    }
    return nullptr;
}
// 1 1ᵀ = 1: an outer product of ones is the matrix of ones (the adjoint of column sums, 1ᵀ V,
// in a model lifted to the batch: then 1 ⊙ A = A and no product is computed).
Expr outer_ones(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Constant) || !is(arg(e, 1), Kind::Constant)) return nullptr;
    if (!cx.sizes().is_one(cx.shape(arg(e, 0)).cols)) return nullptr;  // inner size 1: an outer product
    return cx.constant(arg(e, 0)->value * arg(e, 1)->value, cx.shape(e));
}
Expr diag_of_ones(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Diag) || !is(arg(e, 0), Kind::Constant)) return nullptr;
    Shape s = cx.shape(e);
    Expr eye = cx.identity(s.rows);
    return arg(e, 0)->value == 1.0 ? eye : cx.mul(cx.constant(arg(e, 0)->value), eye);
}
// 1ᵀ diag(v) = vᵀ, also at the head of a chain: 1ᵀ (diag(v) B) = vᵀ B.
Expr ones_diag(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul) || !ones(cx, arg(e, 0))) return nullptr;
    Expr r = arg(e, 1), rest = nullptr;
    if (is(r, Kind::MatMul) && is(arg(r, 0), Kind::Diag)) rest = arg(r, 1), r = arg(r, 0);
    if (!is(r, Kind::Diag)) return nullptr;
    Expr v = arg(r, 0);
    Expr vt = row(cx, v) ? v : cx.transpose(v);
    return rest ? cx.matmul(vt, rest) : vt;
}
Expr diag_ones(Context& cx, Expr e, const Atoms&) {  // diag(v) 1 = v
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Diag) || !ones(cx, arg(e, 1)) || !column(cx, arg(e, 1)))
        return nullptr;
    Expr v = arg(arg(e, 0), 0);
    return column(cx, v) ? v : cx.transpose(v);
}
// The lecture's last step of the sigmoid's derivative: e⁻ᶻ / (1 + e⁻ᶻ)² = σ(z) (1 − σ(z)).
Expr sigmoid_derivative(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Op::Div) || !is(arg(e, 0), Op::Exp) || !is(arg(arg(e, 0), 0), Op::Neg)) return nullptr;
    Expr d = arg(e, 1);
    if (!is(d, Op::Pow) || !cx.is_constant(arg(d, 1), 2.0) || !is(arg(d, 0), Op::Add)) return nullptr;
    Expr sum = arg(d, 0);
    Expr other = cx.is_one(arg(sum, 0)) ? arg(sum, 1) : cx.is_one(arg(sum, 1)) ? arg(sum, 0) : nullptr;
    if (other != arg(e, 0)) return nullptr;
    Expr s = cx.apply(Op::Sigmoid, arg(arg(arg(e, 0), 0), 0));
    return cx.mul(s, cx.sub(cx.ones(cx.shape(s)), s));
}
// diag(a) diag(b) = diag(a ⊙ b), also at the junction of two chains: (M diag(a)) (diag(b) N).
Expr diag_diag(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    Expr l = arg(e, 0), r = arg(e, 1), before = nullptr, after = nullptr;
    if (is(l, Kind::MatMul) && is(arg(l, 1), Kind::Diag)) before = arg(l, 0), l = arg(l, 1);
    if (is(r, Kind::MatMul) && is(arg(r, 0), Kind::Diag)) after = arg(r, 1), r = arg(r, 0);
    if (!is(l, Kind::Diag) || !is(r, Kind::Diag)) return nullptr;
    Expr a = arg(l, 0), b = arg(r, 0);
    if (!cx.sizes().same(cx.shape(a), cx.shape(b))) b = cx.transpose(b);
    Expr d = cx.diag(cx.mul(a, b));
    if (before) d = cx.matmul(before, d);
    return after ? cx.matmul(d, after) : d;
}
Expr diag_vector(Context& cx, Expr e, const Atoms&) {  // diag(a) v = a ⊙ v
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Diag) || !column(cx, arg(e, 1))) return nullptr;
    Expr a = arg(arg(e, 0), 0);
    return cx.mul(column(cx, a) ? a : cx.transpose(a), arg(e, 1));
}
Expr row_diag(Context& cx, Expr e, const Atoms&) {  // rᵀ diag(a) = (r ⊙ a)ᵀ
    if (!is(e, Kind::MatMul) || !row(cx, arg(e, 0)) || !is(arg(e, 1), Kind::Diag) || ones(cx, arg(e, 0)))
        return nullptr;
    Expr a = arg(arg(e, 1), 0);
    return cx.transpose(cx.mul(cx.transpose(arg(e, 0)), column(cx, a) ? a : cx.transpose(a)));
}
Expr ones_vector(Context& cx, Expr e, const Atoms&) {  // 1ᵀ v = sum(v)
    if (!is(e, Kind::MatMul) || !ones(cx, arg(e, 0)) || !row(cx, arg(e, 0)) || !column(cx, arg(e, 1)))
        return nullptr;
    return cx.sum(arg(e, 1));
}

// ---- reductions ------------------------------------------------------------------------
Expr reduction_scaled(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Sum) && !is(e, Kind::Mean)) return nullptr;
    Expr a = arg(e, 0);
    auto again = [&](Expr x) { return cx.apply(*e->op, std::span<const Expr>(&x, 1)); };
    if (is(a, Op::Neg)) return cx.neg(again(arg(a, 0)));
    if (auto [s, rest] = scaled(cx, a); s) return cx.mul(s, again(rest));
    if (is(a, Op::Div) && scalar(cx, arg(a, 1)) && !scalar(cx, arg(a, 0))) return cx.div(again(arg(a, 0)), arg(a, 1));
    return nullptr;
}
Expr reduction_constant(Context& cx, Expr e, const Atoms&) {  // sum(c 1) = c n
    if (!is(e, Kind::Sum) && !is(e, Kind::Mean)) return nullptr;
    Expr a = arg(e, 0);
    if (!is(a, Kind::Constant)) return nullptr;
    if (is(e, Kind::Mean)) return cx.constant(a->value);
    return cx.mul(cx.constant(a->value), cx.numel(cx.shape(a)));
}
Expr dot_ones(Context& cx, Expr e, const Atoms&) {  // 1·v = sum(v)
    if (!is(e, Kind::Dot)) return nullptr;
    if (ones(cx, arg(e, 0))) return cx.sum(arg(e, 1));
    if (ones(cx, arg(e, 1))) return cx.sum(arg(e, 0));
    return nullptr;
}
Expr dot_scaled(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Dot)) return nullptr;
    for (std::size_t i = 0; i < 2; ++i) {
        Expr a = arg(e, i), b = arg(e, 1 - i);
        if (is(a, Op::Neg)) return cx.neg(cx.dot(arg(a, 0), b));
        if (auto [s, rest] = scaled(cx, a); s) return cx.mul(s, cx.dot(rest, b));
    }
    return nullptr;
}

// ---- matrix functions -------------------------------------------------------------------
// step(z)ᵏ = step(z) for k > 0: an indicator is 0 or 1 (ReLU Hessians square it).
Expr indicator_power(Context&, Expr e, const Atoms&) {
    if (!is(e, Op::Pow) || !is(arg(e, 0), Op::Step)) return nullptr;
    Expr k = arg(e, 1);
    return is(k, Kind::Constant) && k->value > 0 ? arg(e, 0) : nullptr;
}

// max(a, a) = min(a, a) = a: a tie everywhere (its derivative, ½ + ½, is a's).
Expr extremum_of_equals(Context&, Expr e, const Atoms&) {
    return (is(e, Op::Max) || is(e, Op::Min)) && e->args.size() == 2 && arg(e, 0) == arg(e, 1) ? arg(e, 0) : nullptr;
}

Expr inverse_inverse(Context&, Expr e, const Atoms&) {
    return is(e, Kind::Inverse) && is(arg(e, 0), Kind::Inverse) ? arg(arg(e, 0), 0) : nullptr;
}

// log(softmax(z)) = z − logsumexp(z): the canonical form of the log-softmax (of a vector:
// a matrix's softmax is per column, its logsumexp over every entry).
Expr log_softmax(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Op::Log) || !is(arg(e, 0), Kind::Softmax)) return nullptr;
    Expr z = arg(arg(e, 0), 0);
    if (cx.sizes().is_matrix(cx.shape(z))) return nullptr;
    return cx.sub(z, cx.apply(Op::LogSumExp, z));
}

// ---- products of matrices, inverses and transposes ---------------------------------------
// A factor of a matrix product as (base, inverted, transposed): X⁻ᵀ is (X, true, true).
// `origin` is the factor of the product it comes from.
struct Element {
    Expr base;
    bool inverse = false;
    bool transposed = false;
    std::size_t origin = 0;
};

bool square(Context& cx, Expr e) {
    Shape s = cx.shape(e);
    return cx.sizes().same(s.rows, s.cols);
}

// Appends the elements of f: the factors of a product in order, (A B)ᵀ = Bᵀ Aᵀ, and the
// inverse of a product of square matrices as the product of their inverses in reverse
// order, (A B)⁻¹ = B⁻¹ A⁻¹. Atoms (named definitions) stay whole. False past the budget.
bool elements(Context& cx, Expr f, std::size_t origin, std::vector<Element>& out, const Atoms& atoms, int& budget) {
    if (--budget < 0) return false;
    if (atoms.count(f)) {
        out.push_back({f, false, false, origin});
        return true;
    }
    if (is(f, Kind::MatMul))
        return elements(cx, arg(f, 0), origin, out, atoms, budget) && elements(cx, arg(f, 1), origin, out, atoms, budget);
    if (is(f, Kind::Transpose) || is(f, Kind::Inverse)) {
        bool transpose = is(f, Kind::Transpose);
        std::vector<Element> inner;
        if (!elements(cx, arg(f, 0), origin, inner, atoms, budget)) return false;
        bool all_square = std::all_of(inner.begin(), inner.end(), [&](const Element& x) { return square(cx, x.base); });
        if (!transpose && !all_square) {  // (A B)⁻¹ of non-square A, B: one element
            out.push_back({arg(f, 0), true, false, origin});
            return true;
        }
        for (auto it = inner.rbegin(); it != inner.rend(); ++it) {
            Element x = *it;
            (transpose ? x.transposed : x.inverse) ^= true;
            out.push_back(x);
        }
        return true;
    }
    out.push_back({f, false, false, origin});
    return true;
}

Expr build(Context& cx, const Element& x) {
    Expr r = x.base;
    if (x.inverse) r = cx.apply(Op::Inverse, r);
    if (x.transposed) r = cx.transpose(r);
    return r;
}

// The factors of the product e, left to right (not entering atoms below e).
void product_factors(Expr e, std::vector<Expr>& out, const Atoms& atoms, bool root = true) {
    if (is(e, Kind::MatMul) && (root || !atoms.count(e))) {
        product_factors(arg(e, 0), out, atoms, false);
        product_factors(arg(e, 1), out, atoms, false);
    } else {
        out.push_back(e);
    }
}

// A A⁻¹ = A⁻¹ A = I anywhere in a product, also inside the inverse of a product of
// square matrices: Aᵀ (A X B)⁻ᵀ Bᵀ = X⁻ᵀ, X⁻ᵀ Xᵀ = I.
Expr product_inverse(Context& cx, Expr e, const Atoms& atoms) {
    if (!is(e, Kind::MatMul)) return nullptr;
    std::vector<Expr> factors;
    product_factors(e, factors, atoms);
    if (factors.size() > 64) return nullptr;
    std::vector<Element> all;
    int budget = 256;
    for (std::size_t i = 0; i < factors.size(); ++i)
        if (!elements(cx, factors[i], i, all, atoms, budget)) return nullptr;
    std::vector<std::size_t> per_origin(factors.size(), 0);
    for (const Element& x : all) ++per_origin[x.origin];
    std::vector<Element> kept;
    bool cancelled = false;
    for (const Element& x : all) {
        if (!kept.empty()) {
            const Element& y = kept.back();
            if (y.base == x.base && y.transposed == x.transposed && y.inverse != x.inverse) {
                kept.pop_back();
                cancelled = true;
                continue;
            }
        }
        kept.push_back(x);
    }
    if (!cancelled) return nullptr;
    if (kept.empty()) return cx.identity(cx.shape(e).rows);
    std::vector<std::size_t> kept_per_origin(factors.size(), 0);
    for (const Element& x : kept) ++kept_per_origin[x.origin];
    // A factor untouched by the cancellation is written as it was: (A B)⁻¹ stays.
    Expr r = nullptr;
    for (std::size_t i = 0; i < kept.size(); ++i) {
        std::size_t o = kept[i].origin;
        Expr f;
        if (kept_per_origin[o] == per_origin[o]) {
            f = factors[o];
            i += per_origin[o] - 1;
        } else {
            f = build(cx, kept[i]);
        }
        r = r ? cx.matmul(r, f) : f;
    }
    return r;
}

// Whether e equals its transpose by its structure: Aᵀ A, A Aᵀ, Aᵀ S A, A + Aᵀ, S⁻¹,
// diag(v), I, and sums and elementwise functions of these.
bool symmetric(Context& cx, Expr e, const Atoms& atoms, int depth = 0) {
    if (depth > 16) return false;
    if (scalar(cx, e)) return true;
    if (!square(cx, e)) return false;
    switch (e->op->kind) {
    case Kind::Identity:
    case Kind::Diag:
    case Kind::Constant:
        return true;
    case Kind::Inverse:
    case Kind::Transpose:
        return symmetric(cx, arg(e, 0), atoms, depth + 1);
    case Kind::Elementwise: {
        if (is(e, Op::Add) || is(e, Op::Sub)) {  // A + Aᵀ (and not A − Aᵀ)
            Expr a = arg(e, 0), b = arg(e, 1);
            if ((is(b, Kind::Transpose) && arg(b, 0) == a) || (is(a, Kind::Transpose) && arg(a, 0) == b))
                return is(e, Op::Add);
        }
        for (Expr a : e->args)
            if (!symmetric(cx, a, atoms, depth + 1)) return false;
        return true;
    }
    case Kind::MatMul: {
        std::vector<Element> x;
        int budget = 64;
        if (!elements(cx, arg(e, 0), 0, x, atoms, budget) || !elements(cx, arg(e, 1), 1, x, atoms, budget)) return false;
        std::size_t k = x.size();
        for (std::size_t i = 0; i < k / 2; ++i) {
            const Element &a = x[i], &b = x[k - 1 - i];
            if (a.base != b.base || a.inverse != b.inverse || a.transposed == b.transposed) return false;
        }
        return k % 2 == 0 || symmetric(cx, x[k / 2].base, atoms, depth + 1);
    }
    case Kind::Variable: case Kind::Size: case Kind::Commutation: case Kind::Dot: case Kind::Sum:
    case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::DiagPart: case Kind::Stack:
    case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::LogSumExp: case Kind::Softmax:
    case Kind::Kron: case Kind::Vec: case Kind::Unvec: case Kind::Block:
        return false;
    }
    unreachable();  // every value is a case above
}

Expr transpose_symmetric_matrix(Context& cx, Expr e, const Atoms& atoms) {
    if (!is(e, Kind::Transpose) || scalar(cx, arg(e, 0))) return nullptr;
    return symmetric(cx, arg(e, 0), atoms) ? arg(e, 0) : nullptr;
}

}  // namespace

const std::vector<Rule>& simplifier_rules() {
    static const std::vector<Rule> table = [] {
        std::vector<Rule> rows = {
        {"collect factors", rules::collect_factors},
        {"collect terms", rules::collect_terms},
        {"(Aᵀ)ᵀ = A", transpose_transpose},
        {"Iᵀ = I, diag(v)ᵀ = diag(v)", transpose_symmetric},
        {"transpose of a constant", transpose_constant},
        {"(A B)ᵀ = Bᵀ Aᵀ", transpose_product},
        {"(s A)ᵀ = s Aᵀ", transpose_scaled},
        {"(Aᵀ + B)ᵀ = A + Bᵀ", transpose_sum},
        {"I A = A I = A", product_identity},
        {"0 A = A 0 = 0", product_zero},
        {"(s A) B = s (A B)", product_scalar_out},
        {"(c 1ᵀ) A = c (1ᵀ A)", product_constant},
        {"1 1ᵀ = 1 (the matrix of ones)", outer_ones},
        {"diag(1) = I", diag_of_ones},
        {"1ᵀ diag(v) = vᵀ", ones_diag},
        {"diag(v) 1 = v", diag_ones},
        {"diag(a) diag(b) = diag(a ⊙ b)", diag_diag},
        {"diag(a) v = a ⊙ v", diag_vector},
        {"rᵀ diag(a) = (r ⊙ a)ᵀ", row_diag},
        {"1ᵀ v = sum(v)", ones_vector},
        {"sum(s v) = s sum(v)", reduction_scaled},
        {"sum(c 1) = c n", reduction_constant},
        {"1·v = sum(v)", dot_ones},
        {"(s a)·b = s (a·b)", dot_scaled},
        {"(A⁻¹)⁻¹ = A", inverse_inverse},
        {"step(z)ᵏ = step(z)", indicator_power},
        {"max(a, a) = min(a, a) = a", extremum_of_equals},
        {"e⁻ᶻ / (1 + e⁻ᶻ)² = σ(z) (1 − σ(z))", sigmoid_derivative},
        {"A A⁻¹ = A⁻¹ A = I in a product, (A B)⁻¹ = B⁻¹ A⁻¹", product_inverse},
        {"Sᵀ = S for symmetric S (Aᵀ A, A + Aᵀ, S⁻¹)", transpose_symmetric_matrix},
        {"log(softmax(z)) = z − logsumexp(z)", log_softmax},
        {"a·b = sum(a ⊙ b) when factors cancel", rules::dot_cancelling},
        {"a ⊙ (b + c) = a ⊙ b + a ⊙ c when a factor cancels", rules::distribute_cancelling},
        };
        const std::vector<Rule>& more = rules::matrix_rules();
        rows.insert(rows.end(), more.begin(), more.end());
        return rows;
    }();
    return table;
}

void Simplifier::keep_whole(Expr e) {
    atoms_.insert(e);
    atoms_.insert(run(e));
}

Expr Simplifier::run(Expr e) {
    auto it = memo_.find(e);
    if (it != memo_.end()) return it->second;
    Expr current = with_simplified_args(e);
    // Rewrite this node until no rule applies. Iterative, so that a long chain of
    // rewrites costs no stack; a node that keeps changing is left after a bound.
    for (int round = 0; round < 1000 && budget_ > 0; ++round) {
        Expr next = nullptr;
        std::string_view fired;
        for (const Rule& rule : simplifier_rules()) {
            next = rule.apply(cx_, current, atoms_);
            if (next && next != current) {
                fired = rule.name;
                break;
            }
            next = nullptr;
        }
        if (!next) break;
        --budget_;
        if (trace_) trace_->push_back({fired, current, next});
        current = with_simplified_args(next);
    }
    memo_[e] = current;
    memo_.emplace(current, current);
    return current;
}

Expr Simplifier::with_simplified_args(Expr e) {
    std::vector<Expr> args;
    args.reserve(e->args.size());
    for (Expr a : e->args) args.push_back(run(a));
    return cx_.with_args(e, std::move(args));
}

Expr simplify(Context& cx, Expr e, std::vector<RewriteStep>* trace) { return Simplifier(cx, trace)(e); }

namespace {

bool trivial(Expr e) {
    Kind k = e->op->kind;
    return k == Kind::Variable || k == Kind::Constant || k == Kind::Size;
}

// x², 3 x y, w ⊙ x: products and powers of variables and numbers.
bool monomial_of_leaves(Expr e) {
    if (!is(e, Op::Hadamard) && !is(e, Op::Div) && !is(e, Op::Pow) && !is(e, Op::Neg)) return false;
    for (Expr a : e->args)
        if (!trivial(a) && !monomial_of_leaves(a)) return false;
    return true;
}

}  // namespace

std::unordered_map<Expr, std::string> name_definitions(Simplifier& simplifier, std::span<const NamedExpr> definitions) {
    std::unordered_map<Expr, std::string> names;
    for (const NamedExpr& d : definitions) {
        if (trivial(d.expr)) continue;
        Expr simplified = simplifier(d.expr);
        if (trivial(simplified)) continue;
        if (!monomial_of_leaves(simplified)) simplifier.keep_whole(d.expr);
        names.emplace(d.expr, d.name);  // the first name of an expression wins
        names.emplace(simplified, d.name);
    }
    return names;
}

}  // namespace matcalc
