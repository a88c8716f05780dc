// Lifting a per-sample loss to a minibatch (train.hpp): samples become columns. Every node
// that depends on an input or target holds, per sample, a column (r × 1) or a scalar; its
// batched form holds r × B, one column per sample. Nodes that do not depend on the data
// (parameters, constants) stay as they are and broadcast.
#include <fmt/format.h>

#include "matcalc/core/ops.hpp"
#include "matcalc/apps/train.hpp"

namespace matcalc {

Expr lift_to_batch(Context& cx, Expr per_sample_loss, const std::unordered_map<Expr, Expr>& batched, Dim batch,
                   std::string& why) {
    SizeTable& z = cx.sizes();
    std::unordered_map<Expr, Expr> lifted;  // batched nodes only
    auto is_batched = [&](Expr e) { return lifted.count(e) > 0; };
    auto L = [&](Expr e) { return is_batched(e) ? lifted.at(e) : e; };
    auto rows_of = [&](Expr e) { return cx.shape(e).rows; };
    // 1ᵀ V: the column sums of V (r × B) as a row, one entry per sample.
    auto column_sums = [&](Expr v, Dim r) { return z.is_one(r) ? v : cx.matmul(cx.ones(Shape{1, r}), v); };
    Expr roots[1] = {per_sample_loss};
    for (Expr e : reachable(cx, roots)) {
        if (auto b = batched.find(e); b != batched.end()) {
            lifted[e] = b->second;
            continue;
        }
        bool depends = false;
        for (Expr a : e->args) depends = depends || is_batched(a);
        if (!depends) continue;
        Shape s = cx.shape(e);
        const OpInfo& op = *e->op;
        if (!z.is_one(s.cols)) {
            why = fmt::format("{} of one sample is a {}", op.name, z.describe(s));
            return nullptr;
        }
        const Dim r = s.rows;
        try {
            switch (op.kind) {
            case Kind::Elementwise: {
                // A sample's scalar next to a column is spread over the column's rows
                // (1 × B → r × B); parameters (r × 1 columns, scalars) broadcast as they are.
                std::vector<Expr> args;
                for (Expr a : e->args) {
                    Shape sa = cx.shape(a);
                    if (!z.is_one(sa.cols)) {
                        why = fmt::format("{} with a {} argument", op.name, z.describe(sa));
                        return nullptr;
                    }
                    Expr la = L(a);
                    if (is_batched(a) && z.is_one(sa.rows) && !z.is_one(r)) la = cx.matmul(cx.ones(Shape{r, 1}), la);
                    args.push_back(la);
                }
                lifted[e] = cx.apply(op, args);
                break;
            }
            case Kind::MatMul:  // W x → W X
                if (is_batched(e->args[0])) {
                    why = "a matrix product whose left factor depends on a sample";
                    return nullptr;
                }
                lifted[e] = cx.matmul(e->args[0], L(e->args[1]));
                break;
            case Kind::Dot: {  // w·x → wᵀ X; a·b of two samples' vectors → 1ᵀ (A ⊙ B)
                Expr a = e->args[0], b = e->args[1];
                if (is_batched(a) && is_batched(b)) {
                    lifted[e] = column_sums(cx.mul(L(a), L(b)), rows_of(a));
                } else {
                    Expr fixed = is_batched(a) ? b : a, sample = is_batched(a) ? a : b;
                    if (!z.is_one(cx.shape(sample).cols)) {
                        why = "a dot product with a row of a sample";
                        return nullptr;
                    }
                    Expr row = z.is_one(cx.shape(fixed).cols) ? cx.transpose(fixed) : fixed;
                    lifted[e] = cx.matmul(row, L(sample));
                }
                break;
            }
            case Kind::Sum:
                lifted[e] = column_sums(L(e->args[0]), rows_of(e->args[0]));
                break;
            case Kind::Mean:
                lifted[e] = cx.div(column_sums(L(e->args[0]), rows_of(e->args[0])), cx.size(rows_of(e->args[0])));
                break;
            case Kind::Norm: {
                Expr v = L(e->args[0]);
                lifted[e] = cx.apply(Op::Sqrt, column_sums(cx.mul(v, v), rows_of(e->args[0])));
                break;
            }
            case Kind::Softmax:  // of each sample's column: the softmax of a matrix down its columns, axis 1
                if (z.is_one(rows_of(e->args[0]))) {
                    why = "softmax of one sample's scalar";
                    return nullptr;
                }
                lifted[e] = cx.apply(op, std::vector<Expr>{L(e->args[0]), cx.constant(1.0)});
                break;
            case Kind::LogSumExp:  // of each sample's column: a row of B, logsumexp(Z, 1)
                lifted[e] = cx.apply(op, std::vector<Expr>{L(e->args[0]), cx.constant(1.0)});
                break;
            case Kind::Stack: {
                if (e->param != 1) {
                    why = "a stack of blocks side by side";
                    return nullptr;
                }
                std::vector<Expr> blocks;
                for (Expr a : e->args)
                    blocks.push_back(is_batched(a) ? L(a) : cx.matmul(a, cx.ones(Shape{1, batch})));
                lifted[e] = cx.stack(blocks, 1);
                break;
            }
            case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size:
            case Kind::Commutation: case Kind::Transpose: case Kind::Norm1: case Kind::Diag:
            case Kind::DiagPart: case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::Inverse:
            case Kind::Extremum: case Kind::Kron: case Kind::Vec: case Kind::Unvec: case Kind::Block:
                why = fmt::format("{} has no batched form here", op.name);
                return nullptr;
            }
        } catch (const ShapeError& err) {
            why = fmt::format("{}: {}", op.name, err.what());
            return nullptr;
        }
    }
    if (!is_batched(per_sample_loss)) return per_sample_loss;  // the loss ignores the data
    return cx.apply(Op::Mean, lifted.at(per_sample_loss));       // over the batch's columns
}

}  // namespace matcalc
