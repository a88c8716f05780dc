// The matrix-chain dynamic program over the DAG's product chains (see associate.hpp).
#include "matcalc/numeric/associate.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <vector>

#include "matcalc/core/ops.hpp"

namespace matcalc {

namespace {

bool is_product(Expr e) { return e->op->kind == Kind::MatMul; }

// Chains longer than this keep the association of their first factors (the dynamic
// program is cubic in the length).
constexpr std::size_t kMaxChain = 200;

class Associator {
public:
    Associator(Context& cx, const SizeOf& size_of) : cx_(cx), size_of_(size_of) {}

    Expr run(Expr root) {
        std::vector<Expr> order = reachable(cx_, std::span<const Expr>(&root, 1));
        // A product used once, by a product, is an inner link of its chain.
        std::unordered_map<Expr, int> uses, product_uses;
        for (Expr e : order)
            for (Expr a : e->args) {
                ++uses[a];
                if (is_product(e)) ++product_uses[a];
            }
        for (Expr e : order) {
            std::vector<Expr> args;
            for (Expr a : e->args) args.push_back(memo_.at(a));
            Expr rebuilt = cx_.with_args(e, std::move(args));
            bool inner = e != root && uses[e] == 1 && product_uses[e] == 1;
            if (is_product(e) && !inner) {
                factors_.clear();
                collect(e, uses, product_uses);
                if (Expr best = associate()) rebuilt = best;
            }
            memo_[e] = rebuilt;
        }
        return memo_.at(root);
    }

private:
    // The factors of the chain under a product, left to right (already rebuilt).
    void collect(Expr e, std::unordered_map<Expr, int>& uses, std::unordered_map<Expr, int>& product_uses) {
        std::vector<Expr> todo{e};
        while (!todo.empty()) {
            Expr n = todo.back();
            todo.pop_back();
            bool link = n == e || (is_product(n) && uses[n] == 1 && product_uses[n] == 1);
            if (link && factors_.size() + todo.size() < kMaxChain) {
                todo.push_back(n->args[1]);
                todo.push_back(n->args[0]);
            } else {
                factors_.push_back(memo_.at(n));
            }
        }
    }

    // The chain's cheapest association, or nullptr when a size is unknown.
    Expr associate() {
        std::size_t k = factors_.size();
        if (k < 3) return nullptr;
        std::vector<double> dims;
        for (std::size_t i = 0; i < k; ++i) {
            Shape s = cx_.shape(factors_[i]);
            double r = static_cast<double>(size_of_(s.rows)), c = static_cast<double>(size_of_(s.cols));
            if (r <= 0 || c <= 0) return nullptr;
            if (i == 0) dims.push_back(r);
            dims.push_back(c);
        }
        cost_.assign(k * k, 0.0);
        split_.assign(k * k, 0);
        for (std::size_t len = 2; len <= k; ++len)
            for (std::size_t i = 0; i + len <= k; ++i) {
                std::size_t j = i + len - 1;
                double best = std::numeric_limits<double>::infinity();
                for (std::size_t s = i; s < j; ++s) {
                    double c = cost_[i * k + s] + cost_[(s + 1) * k + j] + dims[i] * dims[s + 1] * dims[j + 1];
                    if (c < best) best = c, split_[i * k + j] = s;
                }
                cost_[i * k + j] = best;
            }
        return build(0, k - 1);
    }

    Expr build(std::size_t i, std::size_t j) {
        if (i == j) return factors_[i];
        std::size_t s = split_[i * factors_.size() + j];
        return cx_.matmul(build(i, s), build(s + 1, j));
    }

    Context& cx_;
    const SizeOf& size_of_;
    std::unordered_map<Expr, Expr> memo_;
    std::vector<Expr> factors_;
    std::vector<double> cost_;
    std::vector<std::size_t> split_;
};

}  // namespace

Expr cheapest_association(Context& cx, Expr e, const SizeOf& size_of) { return Associator(cx, size_of).run(e); }

double product_cost(const Context& cx, Expr e, const SizeOf& size_of) {
    double total = 0;
    for (Expr n : reachable(cx, std::span<const Expr>(&e, 1))) {
        if (!is_product(n)) continue;
        Shape a = cx.shape(n->args[0]), b = cx.shape(n->args[1]);
        total += static_cast<double>(size_of(a.rows)) * static_cast<double>(size_of(a.cols)) *
                 static_cast<double>(size_of(b.cols));
    }
    return total;
}

}  // namespace matcalc
