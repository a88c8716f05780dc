// Rewrite rules for Kronecker products and the commutation matrix, the pieces of
// Jacobians with respect to matrices (∂vec F/∂vec X), and for blocks of stacked
// matrices, the pieces of gradients through `[a; b]`. Registered after the rules of
// simplify.cpp. The mixed-product rule (A ⊗ B)(C ⊗ D) = A C ⊗ B D does most of the work:
// the chain (Bᵀ ⊗ I)(I ⊗ A) of ∂vec(A X B)/∂vec(X) becomes the textbook Bᵀ ⊗ A.
#include "simplify_internal.hpp"

namespace matcalc::rules {

namespace {

// A ⊗ B and C ⊗ D whose products A C and B D are defined.
bool mixable(Context& cx, Expr ab, Expr cd) {
    if (!is(ab, Kind::Kron) || !is(cd, Kind::Kron)) return false;
    SizeTable& z = cx.sizes();
    return z.same(cx.shape(arg(ab, 0)).cols, cx.shape(arg(cd, 0)).rows) &&
           z.same(cx.shape(arg(ab, 1)).cols, cx.shape(arg(cd, 1)).rows);
}
Expr mixed(Context& cx, Expr ab, Expr cd) {
    return cx.kron(cx.matmul(arg(ab, 0), arg(cd, 0)), cx.matmul(arg(ab, 1), arg(cd, 1)));
}

// (A ⊗ B)(C ⊗ D) = A C ⊗ B D, also inside a longer chain: (A ⊗ B)((C ⊗ D) M).
Expr mixed_product(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    Expr l = arg(e, 0), r = arg(e, 1);
    if (mixable(cx, l, r)) return mixed(cx, l, r);
    if (is(r, Kind::MatMul) && mixable(cx, l, arg(r, 0))) return cx.matmul(mixed(cx, l, arg(r, 0)), arg(r, 1));
    if (is(l, Kind::MatMul) && mixable(cx, arg(l, 1), r)) return cx.matmul(arg(l, 0), mixed(cx, arg(l, 1), r));
    return nullptr;
}

// I ⊗ I = I.
Expr kron_identities(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Kron) || !is(arg(e, 0), Kind::Identity) || !is(arg(e, 1), Kind::Identity)) return nullptr;
    return cx.identity(cx.shape(e).rows);
}

// (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ.
Expr kron_transpose(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Transpose) || !is(arg(e, 0), Kind::Kron)) return nullptr;
    Expr k = arg(e, 0);
    return cx.kron(cx.transpose(arg(k, 0)), cx.transpose(arg(k, 1)));
}

// A factor with one row (or column) passes a product through: M (a ⊗ B) = a ⊗ M B for a
// row a, since M = 1 ⊗ M. So diag(d)(xᵀ ⊗ I) = xᵀ ⊗ diag(d), and a row vector gᵀ times
// (xᵀ ⊗ I) is xᵀ ⊗ gᵀ, the vec of the matrix g xᵀ.
Expr kron_absorb(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    Expr l = arg(e, 0), r = arg(e, 1);
    SizeTable& z = cx.sizes();
    if (is(r, Kind::Kron) && !is(l, Kind::Kron)) {
        Expr a = arg(r, 0), b = arg(r, 1);
        if (z.is_one(cx.shape(a).rows)) return cx.kron(a, cx.matmul(l, b));
        if (z.is_one(cx.shape(b).rows)) return cx.kron(cx.matmul(l, a), b);
    }
    if (is(l, Kind::Kron) && !is(r, Kind::Kron)) {
        Expr a = arg(l, 0), b = arg(l, 1);
        if (z.is_one(cx.shape(a).cols)) return cx.kron(a, cx.matmul(b, r));
        if (z.is_one(cx.shape(b).cols)) return cx.kron(cx.matmul(a, r), b);
    }
    return nullptr;
}

// K(n,m) K(m,n) = I: the commutation matrix is a permutation, undone by its transpose.
Expr commutation_inverse(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul)) return nullptr;
    Expr l = arg(e, 0), r = arg(e, 1);
    SizeTable& z = cx.sizes();
    auto inverse_pair = [&](Expr a, Expr b) {
        return is(a, Kind::Commutation) && is(b, Kind::Commutation) && z.same(a->dim, b->dim2) &&
               z.same(a->dim2, b->dim);
    };
    if (inverse_pair(l, r)) return cx.identity(cx.shape(e).rows);
    if (is(r, Kind::MatMul) && inverse_pair(l, arg(r, 0))) return arg(r, 1);
    return nullptr;
}

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
    return cx.with_args(f, std::move(args));
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

// diag(a) (u vᵀ) = (a ⊙ u) vᵀ: scaling the rows of an outer product scales its column.
Expr diag_outer(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::MatMul) || !is(arg(e, 0), Kind::Diag) || !outer_product(cx, arg(e, 1))) return nullptr;
    Expr a = arg(arg(e, 0), 0), u = arg(arg(e, 1), 0);
    if (!cx.sizes().same(cx.shape(a), cx.shape(u))) a = cx.transpose(a);
    return cx.matmul(cx.mul(a, u), arg(arg(e, 1), 1));
}

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

// ---- traces ---------------------------------------------------------------------------
// tr(s A) = s tr(A), tr(−A) = −tr(A), tr(Aᵀ) = tr(A): the trace is linear and sees no
// transposes.
Expr trace_linear(Context& cx, Expr e, const Atoms&) {
    if (!is(e, Kind::Trace)) return nullptr;
    Expr a = arg(e, 0);
    if (is(a, Kind::Transpose)) return cx.apply(Op::Trace, arg(a, 0));
    if (is(a, Op::Neg)) return cx.neg(cx.apply(Op::Trace, arg(a, 0)));
    if (is(a, Op::Hadamard) && cx.is_scalar(arg(a, 0)) && !cx.is_scalar(arg(a, 1)))
        return cx.mul(arg(a, 0), cx.apply(Op::Trace, arg(a, 1)));
    return nullptr;
}

// The factors of a chain of matrix products, left to right (a bounded walk).
void chain_factors(Expr e, std::vector<Expr>& out) {
    std::vector<Expr> todo{e};
    while (!todo.empty() && out.size() < 64) {
        Expr n = todo.back();
        todo.pop_back();
        if (is(n, Kind::MatMul)) {
            todo.push_back(arg(n, 1));
            todo.push_back(arg(n, 0));
        } else {
            out.push_back(n);
        }
    }
    if (!todo.empty()) out.clear();  // too long: leave it
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

}  // namespace

const std::vector<Rule>& matrix_rules() {
    static const std::vector<Rule> table = {
        {"(A ⊗ B)(C ⊗ D) = A C ⊗ B D", mixed_product},
        {"I ⊗ I = I", kron_identities},
        {"(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ", kron_transpose},
        {"M (aᵀ ⊗ B) = aᵀ ⊗ M B", kron_absorb},
        {"K(n,m) K(m,n) = I", commutation_inverse},
        {"f(A)[i, j] = f(A[i, j])", block_elementwise},
        {"Aᵀ[i, j] = A[j, i]ᵀ", block_transpose},
        {"s [a; b] = [s a; s b], [a; b] + [c; d] = [a + c; b + d]", stack_elementwise},
        {"diag(a) (u vᵀ) = (a ⊙ u) vᵀ", diag_outer},
        {"diag(a) (diag(b) − u vᵀ) = diag(a ⊙ b) − (a ⊙ u) vᵀ", diag_distribute},
        {"tr(s Aᵀ) = s tr(A)", trace_linear},
        {"tr(A x yᵀ) = yᵀ A x", trace_cyclic},
    };
    return table;
}

}  // namespace matcalc::rules
