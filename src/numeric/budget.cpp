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
    double work = 0, memory = 0, largest_work = -1, largest_memory = -1;
    std::string what_work, what_memory;
    auto numel = [](const Slot& s) { return double(s.rows) * double(s.cols); };
    auto dims = [](const Slot& s) { return describe_dims(s.rows, s.cols); };
    for (const Slot& s : slots_) {
        const Kind kind = s.node->op->kind;
        // Work: what step() does for this slot.
        double w = 0;
        std::string what;
        if (kind == Kind::MatMul) {
            const Slot& a = slots_[s.args[0]];
            const Slot& b = slots_[s.args[1]];
            const bool left = a.implicit && a.node->op->kind != Kind::Transpose;
            const bool right = b.implicit && b.node->op->kind != Kind::Transpose;
            if (left || right) {  // a structured factor applied, not formed
                const Slot& factor = left ? a : b;
                const Slot& other = left ? b : a;
                if (factor.node->op->kind == Kind::Kron) {
                    const Slot& A = slots_[factor.args[0]];
                    const Slot& B = slots_[factor.args[1]];
                    double vectors = left ? double(other.cols) : double(other.rows);
                    // An identity A or B is skipped (multiply(), kron_with_identity()).
                    const bool a_identity = A.node->op->kind == Kind::Identity;
                    const bool b_identity = B.node->op->kind == Kind::Identity;
                    w = numel(s) + vectors * ((b_identity ? 0.0 : numel(B) * double(A.cols)) +
                                              (a_identity ? 0.0 : double(B.rows) * numel(A)));
                } else {
                    w = numel(other) + numel(s);
                }
            } else {
                w = double(a.rows) * double(a.cols) * double(b.cols);
            }
            what = fmt::format("a matrix product {} times {}", dims(a), dims(b));
        } else if (kind == Kind::Det || kind == Kind::LogDet || kind == Kind::Inverse) {
            const Slot& a = slots_[s.args[0]];
            w = double(a.rows) * double(a.rows) * double(a.rows);
            what = fmt::format("{} of a {} matrix", s.node->op->name, dims(a));
        } else if (!s.implicit && kind != Kind::Variable && kind != Kind::Constant && kind != Kind::Size) {
            w = numel(s);
            for (std::size_t a : s.args) w += numel(slots_[a]);
            what = fmt::format("{} of {} entries ({})", s.node->op->name, numel(s), dims(s));
        }
        work += w;
        if (w > largest_work) largest_work = w, what_work = what;
        // Memory: the values formed.
        double m = 0;
        if (kind != Kind::Variable && !s.implicit) m = numel(s) * double(sizeof(T));
        if (kind == Kind::Variable && !std::is_same_v<T, double>) m = numel(s) * double(sizeof(T));
        memory += m;
        if (m > largest_memory) {
            largest_memory = m;
            what_memory = fmt::format("{} {}", dims(s), kind == Kind::Kron ? "Kronecker product"
                                                         : kind == Kind::Commutation ? "commutation matrix"
                                                         : kind == Kind::Constant ? "constant"
                                                                                  : std::string(s.node->op->name));
        }
    }
    if (work > budget->max_work)
        throw InputError(fmt::format("evaluating this would take about {:.2g} multiply-adds, more than the limit of "
                                     "{:.2g} (--max-work); the largest step: {}, {:.2g}",
                                     work, budget->max_work, what_work, largest_work),
                         std::nullopt,
                         {"evaluate at smaller sizes, or raise --max-work if the time is worth it"});
    if (memory > double(budget->max_memory))
        throw InputError(fmt::format("evaluating this would hold {} of values, more than the limit of {} "
                                     "(--max-memory); the largest: {}, {}",
                                     bytes_text(memory), bytes_text(double(budget->max_memory)), what_memory,
                                     bytes_text(largest_memory)),
                         std::nullopt,
                         {"evaluate at smaller sizes, or raise --max-memory if the machine has the memory"});
}

template void BasicEvaluator<double>::check_budget() const;
template void BasicEvaluator<float>::check_budget() const;

}  // namespace matcalc
