// Rewrite rules for Kronecker products and the commutation matrix, the pieces of
// Jacobians with respect to matrices (∂vec F/∂vec X), and for blocks of stacked
// matrices, the pieces of gradients through `[a; b]`. Registered after the rules of
// simplify.cpp. The mixed-product rule (A ⊗ B)(C ⊗ D) = A C ⊗ B D does most of the work:
// the chain (Bᵀ ⊗ I)(I ⊗ A) of ∂vec(A X B)/∂vec(X) becomes the textbook Bᵀ ⊗ A.
#include <boost/container/small_vector.hpp>

#include <algorithm>

#include "simplify_internal.hpp"

namespace matcalc::rules {

// One walk for every rule that reads a chain (simplify_internal.hpp).
bool chain_factors(Expr e, std::vector<Expr>& out, const Atoms* atoms) {
    boost::container::small_vector<Expr, 32> todo{e};
    int products = 0;  // entered: a left-nested chain yields no factor until its bottom
    while (!todo.empty()) {
        Expr n = todo.back();
        todo.pop_back();
        if (is(n, Kind::MatMul) && (n == e || !atoms || !atoms->count(n))) {
            if (++products >= 64) {  // k factors are k − 1 products: too long, leave it
                out.clear();
                return false;
            }
            todo.push_back(arg(n, 1));
            todo.push_back(arg(n, 0));
        } else {
            out.push_back(n);
        }
    }
    return true;
}

namespace {







// A block of an elementwise function is the function of the blocks: cos([x; y])[1:2] =
// cos(x) (the constructor then finds x inside the stack). Scalar arguments stay.
Expr block_elementwise(Context& cx, Expr e, const Atoms& atoms) {
    if (!is(e, Kind::Block) || atoms.count(arg(e, 0))) return nullptr;
    Expr f = arg(e, 0);
    if (!is(f, Kind::Elementwise)) return nullptr;
    Shape whole = cx.shape(f), part = cx.shape(e);
    std::vector<Expr> args;
    for (Expr a : f->args) {
        if (cx.is_scalar(a)) args.push_back(a);
        else if (cx.sizes().same(cx.shape(a), whole)) args.push_back(cx.block(a, e->dim, e->dim2, part));
        else return nullptr;  // a broadcast row or column: left as it is
    }
    return cx.with_args(f, args);
}

// An elementwise binary operation on stacks works block by block: s [a; b] = [s a; s b]
// with a scalar s, [a; b] + [c; d] = [a + c; b + d] for stacks of the same blocks. The
// vector chain rule's [1; 0] ∂γ/∂x + [0; 1] ∂δ/∂x then reads [∂γ/∂x; ∂δ/∂x].
Expr stack_elementwise(Context& cx, Expr e, const Atoms& atoms) {
    if (!is(e, Kind::Elementwise) || e->args.size() != 2) return nullptr;
    Expr a = arg(e, 0), b = arg(e, 1), layout = nullptr;  // layout: a stack giving the blocks
    for (Expr s : {a, b}) {
        if (atoms.count(s)) return nullptr;
        if (is(s, Kind::Stack)) layout = layout ? layout : s;
        else if (!cx.is_scalar(s)) return nullptr;
    }
    if (!layout) return nullptr;
    SizeTable& z = cx.sizes();
    for (Expr s : {a, b})
        if (is(s, Kind::Stack)) {
            if (s->param != layout->param || s->args.size() != layout->args.size()) return nullptr;
            for (std::size_t i = 0; i < s->args.size(); ++i)
                if (!z.same(cx.shape(s->args[i]), cx.shape(layout->args[i]))) return nullptr;
        }
    std::vector<Expr> blocks;
    for (std::size_t i = 0; i < layout->args.size(); ++i) {
        Expr l = is(a, Kind::Stack) ? a->args[i] : a, r = is(b, Kind::Stack) ? b->args[i] : b;
        // The zeros and ones of a stack of unit vectors, folded at once.
        Shape block = cx.shape(layout->args[i]);
        bool product = is(e, Op::Hadamard);
        if ((product && (cx.is_zero(l) || cx.is_zero(r))) || (is(e, Op::Div) && cx.is_zero(l))) {
            blocks.push_back(cx.zeros(block));
        } else if ((product && cx.is_one(l)) || (is(e, Op::Add) && cx.is_zero(l))) {
            blocks.push_back(r);
        } else if (((product || is(e, Op::Div)) && cx.is_one(r)) || ((is(e, Op::Add) || is(e, Op::Sub)) && cx.is_zero(r))) {
            blocks.push_back(l);
        } else {
            Expr pair[2] = {l, r};
            blocks.push_back(cx.apply(*e->op, pair));
        }
        if (!cx.sizes().same(cx.shape(blocks.back()), block)) return nullptr;  // a broadcast block
    }
    return cx.stack(blocks, layout->param);
}

// Aᵀ[rows, cols] = A[cols, rows]ᵀ: a block of a transposed stack is a transposed block.
Expr block_transpose(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Block) || !is(arg(e, 0), Kind::Transpose)) return nullptr;
    Shape part = cx.shape(e);
    return cx.transpose(cx.block(arg(arg(e, 0), 0), e->dim2, e->dim, Shape{part.cols, part.rows}));
}

// ---- diagonal matrices -----------------------------------------------------------------
bool outer_product(Context& cx, Expr e) { return is(e, Kind::MatMul) && column(cx, arg(e, 0)); }


// diag(a) (diag(b) − u vᵀ) = diag(a ⊙ b) − (a ⊙ u) vᵀ: a diagonal distributed over a sum
// of diagonals and outer products (the softmax's Jacobian), where its entries can meet
// and cancel those of b and u: ∂log(softmax(z))/∂z = I − 1 softmax(z)ᵀ.
Expr diag_distribute(Context& cx, Expr e, const Atoms& atoms) {
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Diag)) return nullptr;
    // Also at the head of a chain: diag(a) ((diag(b) − u vᵀ) M).
    Expr sum = arg(e, 1), rest = nullptr;
    if (is(sum, Kind::MatMul)) rest = arg(sum, 1), sum = arg(sum, 0);
    if (atoms.count(sum) || (!is(sum, Op::Add) && !is(sum, Op::Sub))) return nullptr;
    for (Expr t : sum->args)
        if (!is(t, Kind::Diag) && !outer_product(cx, t)) return nullptr;
    Expr d = arg(e, 0);
    Expr distributed = cx.apply(*sum->op, std::vector<Expr>{cx.matmul(d, arg(sum, 0)), cx.matmul(d, arg(sum, 1))});
    return rest ? cx.matmul(distributed, rest) : distributed;
}


// Cyclic trace: tr(L R) = tr(R L); when L ends in a column (an outer product inside the
// chain, tr(A x yᵀ)), R L is 1×1 and the trace is that scalar: yᵀ A x.
Expr trace_cyclic(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Trace) || !is(arg(e, 0), Kind::MatMul)) return nullptr;
    std::vector<Expr> f;
    chain_factors(arg(e, 0), f);
    for (std::size_t i = 0; i + 1 < f.size(); ++i) {
        if (!cx.sizes().is_one(cx.shape(f[i]).cols)) continue;
        Expr r = f[i + 1];
        for (std::size_t j = i + 2; j < f.size(); ++j) r = cx.matmul(r, f[j]);
        for (std::size_t j = 0; j <= i; ++j) r = cx.matmul(r, f[j]);
        return r;
    }
    return nullptr;
}

// K(p,m) (A ⊗ B) K(n,q) = B ⊗ A for A m×n and B p×q, anywhere in a chain (a commutation
// matrix of a vector's size is I, and need not be written): the Hessian of ‖R − U Vᵀ‖²,
// 2 (Uᵀ ⊗ I) K(m,n) (I ⊗ U) K(n,k), is then 2 (Uᵀ ⊗ I)(U ⊗ I) = 2 (UᵀU ⊗ I).
Expr commutation_kron(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    std::vector<Expr> f;
    chain_factors(e, f);
    SizeTable& z = cx.sizes();
    auto commutation = [&](std::size_t i, Dim m, Dim n) {
        return i < f.size() && is(f[i], Kind::Commutation) && z.same(f[i]->dim, m) && z.same(f[i]->dim2, n);
    };
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (!is(f[i], Kind::Kron)) continue;
        Shape a = cx.shape(arg(f[i], 0)), b = cx.shape(arg(f[i], 1));
        bool left_trivial = z.is_one(b.rows) || z.is_one(a.rows), right_trivial = z.is_one(a.cols) || z.is_one(b.cols);
        bool left = i > 0 && commutation(i - 1, b.rows, a.rows), right = commutation(i + 1, a.cols, b.cols);
        if (!(left || left_trivial) || !(right || right_trivial) || (!left && !right)) continue;
        std::vector<Expr> out(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(left ? i - 1 : i));
        out.push_back(cx.kron(arg(f[i], 1), arg(f[i], 0)));
        out.insert(out.end(), f.begin() + static_cast<std::ptrdiff_t>(right ? i + 2 : i + 1), f.end());
        Expr r = out[0];
        for (std::size_t j = 1; j < out.size(); ++j) r = cx.matmul(r, out[j]);
        return r;
    }
    return nullptr;
}

// (Bᵀ ⊗ A) vec(X) = vec(A X B), the Kronecker–vec identity read backwards: the ridge
// closed form's ∂w/∂λ, −((yᵀ X M⁻¹) ⊗ M⁻¹) vec(I), is −M⁻¹ M⁻ᵀ Xᵀ y. Only where the
// product A X B is a column (then vec of it is itself) or vec is needed anyway.
Expr kron_vec(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Kron) || !is(arg(e, 1), Kind::Vec)) return nullptr;
    Expr bt = arg(arg(e, 0), 0), a = arg(arg(e, 0), 1), x = arg(arg(e, 1), 0);
    SizeTable& z = cx.sizes();
    Shape sa = cx.shape(a), sx = cx.shape(x), sb = cx.shape(bt);
    if (!z.same(sa.cols, sx.rows) || !z.same(sx.cols, sb.cols)) return nullptr;
    return cx.vec(cx.matmul(cx.matmul(a, x), cx.transpose(bt)));
}

// K(m,n)ᵀ = K(n,m): the commutation matrix is a permutation, its transpose its inverse
// (a procedure: a pattern cannot name the sizes of the K it builds).
Expr commutation_transpose(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose) || !is(arg(e, 0), Kind::Commutation)) return nullptr;
    return cx.commutation(arg(e, 0)->dim2, arg(e, 0)->dim);
}

// A scalar product chain, or the trace of a chain, written with fewer transposes: each
// equals its transpose, so yᵀ K⁻ᵀ K⁻ᵀ y is yᵀ K⁻¹ K⁻¹ y and tr(K⁻ᵀ K⁻ᵀ) is tr(K⁻¹ K⁻¹)
// (the GP's derivatives, whose adjoints carry K⁻ᵀ).
Expr chain_transpose(Context& cx, Expr e, const Atoms&) {
    const bool trace = is(e, Kind::Trace);
    Expr chain = trace ? arg(e, 0) : e;
    if (!is(chain, Kind::MatMul) || (!trace && !cx.is_scalar(e))) return nullptr;
    std::vector<Expr> f;
    chain_factors(chain, f);
    if (f.size() < (trace ? 2u : 3u)) return nullptr;
    auto marks = [](const std::vector<Expr>& fs) {
        int n = 0;
        for (Expr x : fs) n += is(x, Kind::Transpose);
        return n;
    };
    std::vector<Expr> flipped;
    for (auto it = f.rbegin(); it != f.rend(); ++it) flipped.push_back(is(*it, Kind::Transpose) ? arg(*it, 0) : cx.transpose(*it));
    if (marks(flipped) >= marks(f)) return nullptr;
    Expr r = flipped[0];
    for (std::size_t j = 1; j < flipped.size(); ++j) r = cx.matmul(r, flipped[j]);
    return trace ? cx.apply(Op::Trace, r) : r;
}

// The terms of a sum or difference of matrices, with their signs.
void signed_terms(Expr e, bool negative, std::vector<std::pair<Expr, bool>>& out) {
    if (out.size() > 16) return;
    if (is(e, Op::Add) || is(e, Op::Sub)) {
        signed_terms(arg(e, 0), negative, out);
        signed_terms(arg(e, 1), is(e, Op::Sub) ? !negative : negative, out);
    } else if (is(e, Op::Neg)) {
        signed_terms(arg(e, 0), !negative, out);
    } else {
        out.emplace_back(e, negative);
    }
}

// tr(A (B + C) D) = tr(A B D) + tr(A C D), where a term of the sum is an outer product
// (then its trace cycles to a quadratic form): the GP noise Hessian's
// tr(K⁻¹ (I − K⁻¹ y yᵀ − y yᵀ K⁻¹) K⁻¹) = tr(K⁻¹ K⁻¹) − 2 yᵀ K⁻¹ K⁻¹ K⁻¹ y.
Expr trace_distribute(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Trace)) return nullptr;
    std::vector<Expr> f;
    chain_factors(arg(e, 0), f);
    SizeTable& z = cx.sizes();
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (!is(f[i], Op::Add) && !is(f[i], Op::Sub)) continue;
        if (cx.is_scalar(arg(f[i], 0)) || cx.is_scalar(arg(f[i], 1))) continue;
        std::vector<std::pair<Expr, bool>> terms;
        signed_terms(f[i], false, terms);
        if (terms.size() > 16) continue;
        bool outer = false;
        for (const auto& [t, negative] : terms) {
            std::vector<Expr> g;
            chain_factors(t, g);
            for (Expr x : g) outer = outer || (z.is_one(cx.shape(x).cols) && !z.is_one(cx.shape(x).rows));
        }
        if (!outer) continue;
        Expr r = nullptr;
        for (const auto& [t, negative] : terms) {
            Expr c = nullptr;
            for (std::size_t j = 0; j < f.size(); ++j) {
                Expr x = j == i ? t : f[j];
                c = c ? cx.matmul(c, x) : x;
            }
            Expr tr = cx.apply(Op::Trace, c);
            r = !r ? (negative ? cx.neg(tr) : tr) : (negative ? cx.sub(r, tr) : cx.add(r, tr));
        }
        return r;
    }
    return nullptr;
}

// A definition that is a product, found inside a longer chain, written as itself (then
// printed by its name): the ridge closed form's ∂w/∂λ, −M⁻¹ M⁻¹ Xᵀ y for M = XᵀX + λI,
// is −M⁻¹ w for w = M⁻¹ Xᵀ y.
Expr kept_chain(Context& cx, Expr e, const Atoms& atoms) {
    if (!is(e, Kind::MatMul) || atoms.count(e)) return nullptr;
    std::vector<Expr> f;
    if (!chain_factors(e, f, &atoms)) return nullptr;
    // The longest such product (then the oldest node), among the latest kMaxSearched
    // definitions kept whole: every product is simplified with this rule, and searching
    // all of a 10 000-line chain of products for each made the chain quadratic (5 s).
    constexpr std::size_t kMaxSearched = 1024;
    const std::vector<Expr>& kept = atoms.list();
    Expr best = nullptr;
    std::size_t at = 0, length = 0;
    std::vector<Expr> g;
    for (std::size_t k = kept.size() > kMaxSearched ? kept.size() - kMaxSearched : 0; k < kept.size(); ++k) {
        Expr a = kept[k];
        if (!is(a, Kind::MatMul)) continue;
        g.clear();
        if (!chain_factors(a, g, &atoms) || g.size() > f.size() || g.size() < length) continue;
        auto found = std::search(f.begin(), f.end(), g.begin(), g.end());
        if (found == f.end() || (g.size() == length && a->id > best->id)) continue;
        best = a;
        at = static_cast<std::size_t>(found - f.begin());
        length = g.size();
    }
    if (!best) return nullptr;
    Expr r = nullptr;
    for (std::size_t j = 0; j < f.size(); j += j == at ? length : 1) {
        Expr x = j == at ? best : f[j];
        r = r ? cx.matmul(r, x) : x;
    }
    return r == e ? nullptr : r;
}

// The matrix of ones times a column (or row) broadcast over it: 𝟏 𝟏ᵀ ⊙ c = c 𝟏ᵀ, the
// column repeated in every column, as one writes it (batch norm's ∂L/∂X through sum(X̂)).
Expr ones_broadcast(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Op::Hadamard)) return nullptr;
    SizeTable& z = cx.sizes();
    for (std::size_t side : {0u, 1u}) {
        Expr o = arg(e, side), c = arg(e, 1 - side);
        if (!ones(cx, o) || cx.is_scalar(c)) continue;
        Shape so = cx.shape(o), sc = cx.shape(c);
        if (z.is_one(so.rows) || z.is_one(so.cols)) continue;
        if (z.is_one(sc.cols) && z.same(sc.rows, so.rows)) return cx.matmul(c, cx.constant(1.0, Shape{1, so.cols}));
        if (z.is_one(sc.rows) && z.same(sc.cols, so.cols)) return cx.matmul(cx.constant(1.0, Shape{so.rows, 1}), c);
    }
    return nullptr;
}

// vec(A)ᵀ vec(B) = tr(Aᵀ B) for A and B of one shape (a procedure: vec is not written in
// the language, so not in a pattern).
Expr vec_inner(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Transpose) || !is(arg(arg(e, 0), 0), Kind::Vec) ||
        !is(arg(e, 1), Kind::Vec))
        return nullptr;
    Expr a = arg(arg(arg(e, 0), 0), 0), b = arg(arg(e, 1), 0);
    if (!cx.sizes().same(cx.shape(a), cx.shape(b))) return nullptr;
    return cx.apply(Op::Trace, cx.matmul(cx.transpose(a), b));
}

}  // namespace

const std::vector<std::pair<std::string_view, Procedure>>& matrix_procedures() {
    static const std::vector<std::pair<std::string_view, Procedure>> table = {
        {"block-elementwise", block_elementwise},
        {"block-transpose", block_transpose},
        {"stack-elementwise", stack_elementwise},
        {"diag-distribute", diag_distribute},
        {"trace-cyclic", trace_cyclic},
        {"commutation-kron", commutation_kron},
        {"commutation-transpose", commutation_transpose},
        {"chain-transpose", chain_transpose},
        {"trace-distribute", trace_distribute},
        {"kept-chain", kept_chain},
        {"ones-broadcast", ones_broadcast},
        {"vec-inner", vec_inner},
        {"kron-vec", kron_vec},
    };
    return table;
}

}  // namespace matcalc::rules
