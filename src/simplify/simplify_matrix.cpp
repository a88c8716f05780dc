// Rewrite rules for Kronecker products and the commutation matrix, the pieces of
// Jacobians with respect to matrices (∂vec F/∂vec X), and for blocks of stacked
// matrices, the pieces of gradients through `[a; b]`. Registered after the rules of
// simplify.cpp. The mixed-product rule (A ⊗ B)(C ⊗ D) = A C ⊗ B D does most of the work:
// the chain (Bᵀ ⊗ I)(I ⊗ A) of ∂vec(A X B)/∂vec(X) becomes the textbook Bᵀ ⊗ A.
#include "simplify_internal.hpp"

namespace matcalc::rules {

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

}  // namespace

const std::vector<std::pair<std::string_view, Procedure>>& matrix_procedures() {
    static const std::vector<std::pair<std::string_view, Procedure>> table = {
        {"block-elementwise", block_elementwise},
        {"block-transpose", block_transpose},
        {"stack-elementwise", stack_elementwise},
        {"diag-distribute", diag_distribute},
        {"trace-cyclic", trace_cyclic},
        {"commutation-kron", commutation_kron},
        {"kron-vec", kron_vec},
    };
    return table;
}

}  // namespace matcalc::rules
