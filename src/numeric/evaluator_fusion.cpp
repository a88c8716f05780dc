// The evaluator's fused elementwise passes (evaluator.hpp, BasicEvaluator).
#include <algorithm>

#include "eval_internal.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/numeric/evaluator.hpp"

namespace matcalc {

using Eigen::Index;

// Pass 3b: elementwise operations fused. An elementwise value used once, by an
// elementwise operation of its shape, is computed inside that operation's pass, a block of
// entries at a time: 1 − h² ⊙ G is one pass over G, not three (h², 1 − h², the product)
// with two arrays written and read in between. The kernels are the table's, called on each
// block in the order the separate passes would run, so the numbers are the same bits.
// Broadcast rows or columns (the column loop of step()) are left to the separate passes.
template <class T>
void BasicEvaluator<T>::fuse_elementwise() {
    std::vector<std::size_t> uses(slots_.size(), 0), user(slots_.size(), Slot::npos);
    for (std::size_t i = 0; i < slots_.size(); ++i)
        for (std::size_t a : slots_[i].args) ++uses[a], user[a] = i;
    for (std::size_t r : root_slots_) uses[r] += 2;  // the caller reads the roots
    // Whether s can run as (part of) a fused group: its arguments whole or 1×1.
    auto fusable = [&](const Slot& s) {
        if (s.node->op->kind != Kind::Elementwise || s.fused != Slot::npos || log_softmax_source(s) != Slot::npos ||
            !array_kernel<T>(*s.node->op))
            return false;
        for (std::size_t a : s.args) {
            const Slot& arg = slots_[a];
            if (arg.rows * arg.cols != s.rows * s.cols && arg.rows * arg.cols != 1) return false;
            if (arg.implicit && arg.node->op->kind != Kind::Elementwise) return false;
        }
        return true;
    };
    // A group has at most kMaxFusedOps operations: its operands are gathered by recursion
    // (fused_operand, and assign_storage's reads), and a chain of 100 000 additions of
    // vectors would run out of stack. Past the bound a value is formed and a new group
    // starts. group[i]: the operations of the group that slot i heads, so far.
    std::vector<int> group(slots_.size(), 0);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        Slot& s = slots_[i];
        if (!fusable(s)) continue;
        group[i] = 1;
        for (std::size_t a : s.args)
            if (slots_[a].implicit) group[i] += group[a];
        if (uses[i] != 1 || s.rows * s.cols <= 1 || group[i] >= kMaxFusedOps) continue;
        const Slot& u = slots_[user[i]];
        if (!fusable(u) || u.rows != s.rows || u.cols != s.cols) continue;
        s.implicit = true;
    }
    for (Slot& s : slots_) {
        if (s.implicit || !fusable(s)) continue;
        bool inner = false;
        for (std::size_t a : s.args) inner = inner || slots_[a].implicit;
        if (!inner) continue;
        ScratchColumns temps;
        s.group = std::make_unique<typename Slot::FusedGroup>();
        const int a = fused_operand(s, s.args[0], temps);
        const int b = s.args.size() == 2 ? fused_operand(s, s.args[1], temps) : a;
        s.group->ops.push_back({array_kernel<T>(*s.node->op), a, b, -1});
        s.group->scratch.resize(kFusedBlock, temps.count);
    }
}

// The operand of a fused group for argument slot `arg`: an input, or a column of scratch
// holding an inlined operation's block (its own operands computed first).
template <class T>
int BasicEvaluator<T>::fused_operand(Slot& root, std::size_t arg, ScratchColumns& temps) {
    Slot& s = slots_[arg];
    if (!s.implicit || s.node->op->kind != Kind::Elementwise) {
        root.group->inputs.push_back(arg);
        return -static_cast<int>(root.group->inputs.size());
    }
    const int a = fused_operand(root, s.args[0], temps);
    const int b = s.args.size() == 2 ? fused_operand(root, s.args[1], temps) : a;
    // A column other than its operands': the kernels' loops are vectorised for arrays that
    // do not overlap. The operands' columns are free once this operation has read them.
    int out = temps.count;
    if (temps.free.empty()) ++temps.count;
    else out = temps.free.back(), temps.free.pop_back();
    root.group->ops.push_back({array_kernel<T>(*s.node->op), a, b, out});
    if (a >= 0) temps.free.push_back(a);
    if (b >= 0 && b != a) temps.free.push_back(b);
    return out;
}

template <class T>
void BasicEvaluator<T>::run_fused(Slot& s) {
    Matrix& out = *s.out;
    const Index n = out.size();
    T* const scratch = s.group->scratch.data();
    auto operand = [&](int k, Index start, std::ptrdiff_t& stride) -> const T* {
        if (k >= 0) return stride = 1, scratch + k * kFusedBlock;
        const Matrix& v = *slots_[s.group->inputs[static_cast<std::size_t>(-1 - k)]].value;
        if (v.size() == 1) return stride = 0, v.data();
        return stride = 1, v.data() + start;
    };
    for (Index start = 0; start < n; start += kFusedBlock) {
        const Index len = std::min(kFusedBlock, n - start);
        for (const auto& op : s.group->ops) {
            std::ptrdiff_t sa = 0, sb = 0;
            const T* a = operand(op.a, start, sa);
            const T* b = operand(op.b, start, sb);
            T* o = op.out < 0 ? out.data() + start : scratch + op.out * kFusedBlock;
            op.kernel(a, sa, b, sb, o, len);
        }
    }
}

namespace {

using ArrayF = Eigen::Array<float, Eigen::Dynamic, 1>;

// out = f(a) for contiguous a with Eigen's packet functions; strided (a broadcast scalar)
// through the table's kernel.
template <Op id, class F>
void vectorised(const float* a, std::ptrdiff_t sa, const float* b, std::ptrdiff_t sb, float* out, std::ptrdiff_t n) {
    if (sa != 1) return info(id).kernel1.array32(a, sa, b, sb, out, n);
    Eigen::Map<ArrayF>(out, n) = F{}(Eigen::Map<const ArrayF>(a, n));
}

}  // namespace

ArrayKernel<float> vectorised_kernel32(Op id) {
    if (id == Op::Exp) return &vectorised<Op::Exp, decltype([](const auto& x) { return x.exp(); })>;
    if (id == Op::Log) return &vectorised<Op::Log, decltype([](const auto& x) { return x.log(); })>;
    if (id == Op::Tanh) return &vectorised<Op::Tanh, decltype([](const auto& x) { return x.tanh(); })>;
    if (id == Op::Sqrt) return &vectorised<Op::Sqrt, decltype([](const auto& x) { return x.sqrt(); })>;
    // 1 / (1 + e⁻ˣ): e⁻ˣ overflows to ∞ below x = −88 and the quotient is then 0, where the
    // table's kernel has e^x / (1 + e^x), below float's smallest normal number anyway.
    if (id == Op::Sigmoid)
        return &vectorised<Op::Sigmoid, decltype([](const auto& x) { return (1.0f + (-x).exp()).inverse(); })>;
    return nullptr;
}

namespace {

void tanh64(const double* a, std::ptrdiff_t sa, const double* b, std::ptrdiff_t sb, double* out, std::ptrdiff_t n) {
    (void)b, (void)sb;
    if (sa == 1) return tanh_array(a, out, n);
    // Strided (a broadcast scalar: stride 0): entry by entry through the same function, so
    // that a value does not depend on how its argument is laid out.
    for (std::ptrdiff_t k = 0; k < n; ++k) tanh_array(a + k * sa, out + k, 1);
}

}  // namespace

ArrayKernel<double> vectorised_kernel64(Op id) { return id == Op::Tanh ? &tanh64 : nullptr; }

template void BasicEvaluator<double>::fuse_elementwise();
template void BasicEvaluator<float>::fuse_elementwise();
template void BasicEvaluator<double>::run_fused(Slot&);
template void BasicEvaluator<float>::run_fused(Slot&);
template int BasicEvaluator<double>::fused_operand(Slot&, std::size_t, ScratchColumns&);
template int BasicEvaluator<float>::fused_operand(Slot&, std::size_t, ScratchColumns&);

}  // namespace matcalc
