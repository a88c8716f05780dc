// The rewrite rules and the driver. Each rule is named as a person would say it; the
// driver simplifies children first, then tries the rules on the node, and simplifies
// what a rule produced again, until nothing applies (with a step budget so that no
// input can make it loop).
#include "matcalc/simplify/simplify.hpp"

#include <algorithm>
#include <unordered_map>

#include <boost/container/small_vector.hpp>

#include "matcalc/core/ops.hpp"
#include "simplify_internal.hpp"

namespace matcalc {

namespace {

using rules::arg;
using rules::column;
using rules::is;
bool scalar(Context& cx, Expr e) { return cx.is_scalar(e); }

// ---- procedures: rules that are not one pattern (rules.txt names them) -----------
Expr transpose_constant(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose) || !is(arg(e, 0), Kind::Constant)) return nullptr;
    return cx.constant(arg(e, 0)->value, cx.shape(e));
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
// in a model lifted to the batch: then 1 ⊙ A = A and no product is computed). Over an
// inner size k, a product of constants is k times a constant: (1 1ᵀ) 1 = k 1, whose
// printed form needs no size the reader cannot see.
Expr product_of_constants(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Constant) || !is(arg(e, 1), Kind::Constant)) return nullptr;
    Expr entries = cx.constant(arg(e, 0)->value * arg(e, 1)->value, cx.shape(e));
    Dim inner = cx.shape(arg(e, 0)).cols;
    if (cx.sizes().is_one(inner)) return entries;
    return cx.mul(cx.numel(Shape{inner, 1}), entries);
}

Expr diag_of_ones(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Diag) || !is(arg(e, 0), Kind::Constant)) return nullptr;
    Shape s = cx.shape(e);
    Expr eye = cx.identity(s.rows);
    return arg(e, 0)->value == 1.0 ? eye : cx.mul(cx.constant(arg(e, 0)->value), eye);
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

Expr reduction_constant(Context& cx, Expr e, const Atoms&) {  // sum(c 1) = c n
    if (!is(e, Kind::Sum) && !is(e, Kind::Mean)) return nullptr;
    Expr a = arg(e, 0);
    if (!is(a, Kind::Constant)) return nullptr;
    if (is(e, Kind::Mean)) return cx.constant(a->value);
    return cx.mul(cx.constant(a->value), cx.numel(cx.shape(a)));
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


// A A⁻¹ = A⁻¹ A = I anywhere in a product, also inside the inverse of a product of
// square matrices: Aᵀ (A X B)⁻ᵀ Bᵀ = X⁻ᵀ, X⁻ᵀ Xᵀ = I.
Expr product_inverse(Context& cx, Expr e, const Atoms& atoms) {
    if (!is(e, Kind::MatMul)) return nullptr;
    std::vector<Expr> factors;
    if (!rules::chain_factors(e, factors, &atoms)) return nullptr;
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
bool symmetric_structure(Context& cx, Expr e, const Atoms& atoms, int depth) {
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
        return symmetric_structure(cx, arg(e, 0), atoms, depth + 1);
    case Kind::Elementwise: {
        if (is(e, Op::Add) || is(e, Op::Sub)) {  // A + Aᵀ (and not A − Aᵀ)
            Expr a = arg(e, 0), b = arg(e, 1);
            if ((is(b, Kind::Transpose) && arg(b, 0) == a) || (is(a, Kind::Transpose) && arg(a, 0) == b))
                return is(e, Op::Add);
        }
        for (Expr a : e->args)
            if (!symmetric_structure(cx, a, atoms, depth + 1)) return false;
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
        return k % 2 == 0 || symmetric_structure(cx, x[k / 2].base, atoms, depth + 1);
    }
    case Kind::Variable: case Kind::Size: case Kind::Commutation: case Kind::Dot: case Kind::Sum:
    case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::DiagPart: case Kind::Stack:
    case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::LogSumExp: case Kind::Softmax:
    case Kind::Extremum: case Kind::Kron: case Kind::Vec: case Kind::Unvec: case Kind::Block:
        return false;
    }
    unreachable();  // every value is a case above
}

}  // namespace

namespace rules {

bool symmetric(Context& cx, Expr e, const Atoms& atoms, int depth) { return symmetric_structure(cx, e, atoms, depth); }

const std::vector<std::pair<std::string_view, Procedure>>& procedures() {
    static const std::vector<std::pair<std::string_view, Procedure>> table = [] {
        std::vector<std::pair<std::string_view, Procedure>> rows = {
            {"collect-factors", collect_factors},
            {"collect-terms", collect_terms},
            {"expand-cancelling", rules::expand_cancelling},
            {"transpose-constant", transpose_constant},
            {"constant-factor", product_constant},
            {"product-of-constants", product_of_constants},
            {"diag-of-constant", diag_of_ones},
            {"diag-diag", diag_diag},
            {"sum-of-constant", reduction_constant},
            {"product-inverse", product_inverse},
            {"dot-cancelling", dot_cancelling},
            {"distribute-cancelling", distribute_cancelling},
        };
        const auto& more = matrix_procedures();
        rows.insert(rows.end(), more.begin(), more.end());
        return rows;
    }();
    return table;
}

}  // namespace rules

void Simplifier::keep_whole(Expr e) {
    atoms_.insert(e);
    atoms_.insert(run(e));
}

Expr Simplifier::run(Expr e) {
    if (Expr known = memo_.get(e)) return known;
    Expr current = with_simplified_args(e);
    // Rewrite this node until no rule applies. Iterative, so that a long chain of
    // rewrites costs no stack; a node that keeps changing is left after a bound.
    for (int round = 0; round < 1000 && budget_ > 0; ++round) {
        Expr next = nullptr;
        const Rule* fired = nullptr;
        for (const Rule* rule : rules_for(current->op->id)) {
            next = rule->apply(cx_, current, atoms_);
            if (next && next != current) {
                fired = rule;
                break;
            }
            next = nullptr;
        }
        if (!next) break;
        --budget_;
        if (trace_) trace_->push_back({fired->name, current, next, fired->id});
        current = with_simplified_args(next);
    }
    memo_[e] = current;
    if (!memo_.get(current)) memo_[current] = current;
    return current;
}

Expr Simplifier::with_simplified_args(Expr e) {
    boost::container::small_vector<Expr, 4> args;
    bool changed = false;
    for (Expr a : e->args) {
        args.push_back(run(a));
        changed = changed || args.back() != a;
    }
    return changed ? cx_.with_args(e, std::span<const Expr>(args.data(), args.size())) : e;
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

std::unordered_map<Expr, std::string> name_definitions(Simplifier& simplifier, std::span<const NamedExpr> definitions,
                                                       const NamedExpr* function) {
    std::unordered_map<Expr, std::string> names;
    names.reserve(2 * definitions.size());
    for (const NamedExpr& d : definitions) {
        if (trivial(d.expr)) continue;
        Expr simplified = simplifier(d.expr);
        if (trivial(simplified)) continue;
        if (!monomial_of_leaves(simplified)) simplifier.keep_whole(d.expr);
        names.try_emplace(d.expr, d.name);  // the first name of an expression wins
        names.try_emplace(simplified, d.name);
    }
    // The function itself when it is a product (a solution, w = (XᵀX + λI)⁻¹ Xᵀ y): its
    // derivative contains it, −(XᵀX + λI)⁻¹ w (the rule kept-chain finds it in a chain).
    // Not a function call or a sum: d/dx eˣ is written eˣ, not f. After the definitions,
    // which are simplified first as always and keep their names.
    if (function && !trivial(function->expr) && simplifier(function->expr)->op->id == Op::MatMul) {
        simplifier.keep_whole(function->expr);
        names.emplace(function->expr, function->name);
        names.emplace(simplifier(function->expr), function->name);
    }
    return names;
}

}  // namespace matcalc
