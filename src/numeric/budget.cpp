// The budget of one evaluation (evaluator.hpp, Budget): the work and memory of a compiled
// program estimated from its slots' concrete shapes, before anything is allocated, and
// refused with a message that names the largest contributor.
#include <cmath>

#include <fmt/format.h>

#include "eval_internal.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/numeric/evaluator.hpp"

namespace matcalc {

namespace {

thread_local const Budget* t_budget = nullptr;

std::string bytes_text(double bytes) {
    if (bytes >= double(1 << 30)) return fmt::format("{:.1f} GiB", bytes / double(1 << 30));
    return fmt::format("{:.0f} MiB", std::ceil(bytes / double(1 << 20)));
}

}  // namespace

ScopedBudget::ScopedBudget(const Budget& budget) : budget_(budget), previous_(t_budget) { t_budget = &budget_; }
ScopedBudget::~ScopedBudget() { t_budget = previous_; }
const Budget* current_budget() { return t_budget; }

template <class T>
void BasicEvaluator<T>::check_budget() const {
    const Budget* budget = current_budget();
    if (!budget) return;
    auto numel = [](const Slot& s) { return double(s.rows) * double(s.cols); };
    auto dims = [](const Slot& s) { return describe_dims(s.rows, s.cols); };
    // Work: what step() does for a slot; `what` describes it. The descriptions are
    // written only for the message (a long program has a slot per node, and formatting
    // each would cost an allocation per node).
    auto work_of = [&](const Slot& s, std::string* what) -> double {
        const Kind kind = s.node->op->kind;
        if (kind == Kind::MatMul) {
            const Slot& a = slots_[s.args[0]];
            const Slot& b = slots_[s.args[1]];
            if (what) *what = fmt::format("a matrix product {} times {}", dims(a), dims(b));
            const bool left = a.implicit && a.node->op->kind != Kind::Transpose;
            const bool right = b.implicit && b.node->op->kind != Kind::Transpose;
            if (!left && !right) return double(a.rows) * double(a.cols) * double(b.cols);
            // A structured factor applied, not formed.
            const Slot& factor = left ? a : b;
            const Slot& other = left ? b : a;
            if (factor.node->op->kind != Kind::Kron) return numel(other) + numel(s);
            const Slot& A = slots_[factor.args[0]];
            const Slot& B = slots_[factor.args[1]];
            double vectors = left ? double(other.cols) : double(other.rows);
            // An identity A or B is skipped (multiply(), kron_with_identity()).
            const bool a_identity = A.node->op->kind == Kind::Identity;
            const bool b_identity = B.node->op->kind == Kind::Identity;
            return numel(s) + vectors * ((b_identity ? 0.0 : numel(B) * double(A.cols)) +
                                         (a_identity ? 0.0 : double(B.rows) * numel(A)));
        }
        if (kind == Kind::Det || kind == Kind::LogDet || kind == Kind::Inverse) {
            const Slot& a = slots_[s.args[0]];
            if (what) *what = fmt::format("{} of a {} matrix", s.node->op->name, dims(a));
            return double(a.rows) * double(a.rows) * double(a.rows);
        }
        if (!s.implicit && kind != Kind::Variable && kind != Kind::Constant && kind != Kind::Size) {
            if (what) *what = fmt::format("{} of {} entries ({})", s.node->op->name, numel(s), dims(s));
            double w = numel(s);
            for (std::size_t a : s.args) w += numel(slots_[a]);
            return w;
        }
        return 0;
    };
    // Memory: the values formed.
    auto memory_of = [&](const Slot& s) {
        const Kind kind = s.node->op->kind;
        if (kind != Kind::Variable && !s.implicit) return numel(s) * double(sizeof(T));
        if (kind == Kind::Variable && !std::is_same_v<T, double>) return numel(s) * double(sizeof(T));
        return 0.0;
    };
    double work = 0, memory = 0, largest_work = -1, largest_memory = -1;
    const Slot* most_work = nullptr;
    const Slot* most_memory = nullptr;
    for (const Slot& s : slots_) {
        const double w = work_of(s, nullptr), m = memory_of(s);
        work += w;
        memory += m;
        if (w > largest_work) largest_work = w, most_work = &s;
        if (m > largest_memory) largest_memory = m, most_memory = &s;
    }
    if (work > budget->max_work) {
        std::string what_work;
        work_of(*most_work, &what_work);
        throw InputError(fmt::format("evaluating this would take about {:.2g} multiply-adds, more than the limit of "
                                     "{:.2g} (--max-work); the largest step: {}, {:.2g}",
                                     work, budget->max_work, what_work, largest_work),
                         std::nullopt,
                         {"evaluate at smaller sizes, or raise --max-work if the time is worth it"});
    }
    if (memory > double(budget->max_memory)) {
        const Kind kind = most_memory->node->op->kind;
        const std::string what_memory =
            fmt::format("{} {}", dims(*most_memory), kind == Kind::Kron ? "Kronecker product"
                                                     : kind == Kind::Commutation ? "commutation matrix"
                                                     : kind == Kind::Constant ? "constant"
                                                                              : std::string(most_memory->node->op->name));
        throw InputError(fmt::format("evaluating this would hold {} of values, more than the limit of {} "
                                     "(--max-memory); the largest: {}, {}",
                                     bytes_text(memory), bytes_text(double(budget->max_memory)), what_memory,
                                     bytes_text(largest_memory)),
                         std::nullopt,
                         {"evaluate at smaller sizes, or raise --max-memory if the machine has the memory"});
    }
}

template void BasicEvaluator<double>::check_budget() const;
template void BasicEvaluator<float>::check_budget() const;

}  // namespace matcalc
