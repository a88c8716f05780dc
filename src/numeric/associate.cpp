// The matrix-chain dynamic program over the DAG's product chains (see associate.hpp).
#include "matcalc/numeric/associate.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <limits>
#include <vector>

#include "matcalc/core/ops.hpp"

namespace matcalc {

namespace {

bool is_product(Expr e) { return e->op->kind == Kind::MatMul; }

// Factors the evaluator applies without forming them (evaluator.cpp, multiply()): a
// diagonal scales rows or columns, a commutation matrix permutes them, a Kronecker
// product A ⊗ B acts on each column as X ↦ B X Aᵀ (an identity A or B costing nothing).
bool structured(Expr e) {
    Kind k = e->op->kind;
    return k == Kind::Kron || k == Kind::Commutation || k == Kind::Identity || k == Kind::Diag;
}

// Chains longer than this keep the association of their first factors (the dynamic
// program is cubic in the length).
constexpr std::size_t kMaxChain = 200;
// Sums multiplied out inside sums, at most this deep (each level doubles the chains).
constexpr int kMaxDistribution = 4;

class Associator {
public:
    Associator(Context& cx, const SizeOf& size_of) : cx_(cx), size_of_(size_of) {}

    Expr run(Expr root) {
        std::vector<Expr> order = reachable(cx_, std::span<const Expr>(&root, 1));
        // A product used once, by a product, is an inner link of its chain.
        NodeMap<int> uses, product_uses;  // by node id: a long program has 10⁵ nodes
        for (Expr e : order)
            for (Expr a : e->args) {
                ++uses[a];
                if (is_product(e)) ++product_uses[a];
            }
        for (Expr e : order) {
            boost::container::small_vector<Expr, 4> args;
            for (Expr a : e->args) args.push_back(memo_.get(a));
            Expr rebuilt = cx_.with_args(e, std::span<const Expr>(args.data(), args.size()));
            bool inner = e != root && uses.get(e) == 1 && product_uses.get(e) == 1;
            if (is_product(e) && !inner) {
                factors_.clear();
                collect(e, uses, product_uses);
                if (Expr best = chain(factors_, 0)) rebuilt = best;
            }
            memo_[e] = rebuilt;
        }
        return memo_.get(root);
    }

private:
    // The factors of the chain under a product, left to right (already rebuilt).
    void collect(Expr e, const NodeMap<int>& uses, const NodeMap<int>& product_uses) {
        std::vector<Expr> todo{e};
        while (!todo.empty()) {
            Expr n = todo.back();
            todo.pop_back();
            bool link = n == e || (is_product(n) && uses.get(n) == 1 && product_uses.get(n) == 1);
            if (link && factors_.size() + todo.size() < kMaxChain) {
                todo.push_back(n->args[1]);
                todo.push_back(n->args[0]);
            } else {
                factors_.push_back(memo_.get(n));
            }
        }
    }

    // The product of the factors `fs`, associated at the least cost, with a sum among
    // them multiplied out where that costs less: L (A − B) R as L A R − L B R. A Hessian
    // over a batch of N samples is (1ᵀ ⊗ I) K (D (w wᵀ ⊗ I) D − D₂) (I ⊗ 1): the sum in the
    // middle is (N h) × (N h), each of its terms a product of structured factors that can
    // be applied to the thin (I ⊗ 1) without forming anything of that size. nullptr: the
    // chain as it was (a size unknown).
    Expr chain(std::vector<Expr> fs, int depth) {
        if (depth < kMaxDistribution) {
            if (Expr split = distribute(fs, depth)) return split;
        }
        factors_ = std::move(fs);
        if (factors_.size() == 1) return factors_[0];
        if (factors_.size() == 2) return cx_.matmul(factors_[0], factors_[1]);
        return associate();
    }

    // fs with a sum multiplied out, when that is cheaper; else nullptr.
    Expr distribute(const std::vector<Expr>& fs, int depth) {
        if (fs.size() < 2) return nullptr;
        const Shape first = cx_.shape(fs.front()), last = cx_.shape(fs.back());
        const double result = known(first.rows) * known(last.cols);
        for (std::size_t i = 0; i < fs.size(); ++i) {
            Expr f = fs[i];
            if (f->op->id != Op::Add && f->op->id != Op::Sub) continue;
            const Shape sf = cx_.shape(f);
            if (f->args.size() != 2 || cx_.shape(f->args[0]) != sf || cx_.shape(f->args[1]) != sf) continue;
            if (result <= 0 || known(sf.rows) * known(sf.cols) <= result) continue;
            std::vector<Expr> with_a = replaced(fs, i, f->args[0]), with_b = replaced(fs, i, f->args[1]);
            // Kept, the sum is formed too: a pass over its entries, and over a transposed
            // term's (a transpose that is not a factor is written out).
            const double entries = known(sf.rows) * known(sf.cols);
            auto written = [&](Expr t) { return formed(t) + (t->op->kind == Kind::Transpose ? entries : 0.0); };
            const double keep = cost(fs) + entries + written(f->args[0]) + written(f->args[1]);
            const double split = cost(with_a) + cost(with_b) + result;
            if (!(split < keep)) continue;
            Expr a = chain(std::move(with_a), depth + 1);
            Expr b = chain(std::move(with_b), depth + 1);
            const Expr factors[] = {a, b};
            return a && b ? cx_.with_args(f, factors) : nullptr;
        }
        return nullptr;
    }

    // fs with factor i replaced by the factors of x (a product's chain, or x itself).
    static std::vector<Expr> replaced(const std::vector<Expr>& fs, std::size_t i, Expr x) {
        std::vector<Expr> out(fs.begin(), fs.begin() + static_cast<std::ptrdiff_t>(i));
        std::vector<Expr> todo{x};
        while (!todo.empty()) {
            Expr n = todo.back();
            todo.pop_back();
            if (is_product(n) && out.size() + todo.size() < kMaxChain) {
                todo.push_back(n->args[1]);
                todo.push_back(n->args[0]);
            } else {
                out.push_back(n);
            }
        }
        out.insert(out.end(), fs.begin() + static_cast<std::ptrdiff_t>(i) + 1, fs.end());
        return out;
    }

    // What forming x on its own costs: its chain's products, or its entries for a
    // structured matrix (a diagonal formed is all of its zeros too).
    double formed(Expr x) {
        if (is_product(x)) return cost(replaced({x}, 0, x));
        if (structured(x)) {
            Shape s = cx_.shape(x);
            return known(s.rows) * known(s.cols);
        }
        return 0;
    }

    // The least cost of the chain fs (infinite when a size is unknown).
    double cost(const std::vector<Expr>& fs) {
        std::vector<Expr> saved = std::move(factors_);
        factors_ = fs;
        const double c = factors_.size() < 2 ? 0.0 : solve();
        factors_ = std::move(saved);
        return c;
    }

    double known(Dim d) const { return static_cast<double>(size_of_(d)); }

    // The chain's cheapest association, or nullptr when a size is unknown.
    Expr associate() {
        if (factors_.size() < 3) return nullptr;
        if (!(solve() < std::numeric_limits<double>::infinity())) return nullptr;
        return build(0, factors_.size() - 1);
    }

    // The dynamic program over factors_ (cost_, split_); its least cost, infinite when a
    // size is unknown.
    double solve() {
        std::size_t k = factors_.size();
        std::vector<double> dims;
        for (std::size_t i = 0; i < k; ++i) {
            Shape s = cx_.shape(factors_[i]);
            double r = static_cast<double>(size_of_(s.rows)), c = static_cast<double>(size_of_(s.cols));
            if (r <= 0 || c <= 0) return std::numeric_limits<double>::infinity();
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
                    double c = cost_[i * k + s] + cost_[(s + 1) * k + j] + join_cost(dims, i, s, j);
                    if (c < best) best = c, split_[i * k + j] = s;
                }
                cost_[i * k + j] = best;
            }
        return cost_[k - 1];
    }

    // The multiplications of (factors i..s) (factors s+1..j) as the evaluator computes it:
    // a dense product, or a lone structured factor applied to the other side's value. Of
    // two lone structured factors the right one is formed (evaluator.cpp,
    // leave_factors_implicit) and the left applied to it.
    double join_cost(const std::vector<double>& dims, std::size_t i, std::size_t s, std::size_t j) const {
        const double rows = dims[i], inner = dims[s + 1], cols = dims[j + 1];
        const bool left = i == s && structured(factors_[i]);
        const bool right = s + 1 == j && structured(factors_[j]);
        if (left) return (right ? inner * cols : 0.0) + applied(factors_[i], cols, true);
        if (right) return applied(factors_[j], rows, false);
        return rows * inner * cols;
    }

    // The multiplications of a structured factor applied to `vectors` columns (on the left)
    // or rows (on the right) of a dense value, writing its result.
    double applied(Expr f, double vectors, bool on_left) const {
        Shape sf = cx_.shape(f);
        const double out = static_cast<double>(size_of_(on_left ? sf.rows : sf.cols)) * vectors;
        if (f->op->kind != Kind::Kron) return out;
        Shape sa = cx_.shape(f->args[0]), sb = cx_.shape(f->args[1]);
        const double p = static_cast<double>(size_of_(sa.rows)), q = static_cast<double>(size_of_(sa.cols));
        const double r = static_cast<double>(size_of_(sb.rows)), t = static_cast<double>(size_of_(sb.cols));
        const bool a_identity = f->args[0]->op->kind == Kind::Identity;
        const bool b_identity = f->args[1]->op->kind == Kind::Identity;
        // On the left: X (t×q) ↦ B X (r×q) ↦ (B X) Aᵀ (r×p); on the right the transposes.
        const double by_b = b_identity ? 0.0 : (on_left ? r * t * q : t * r * p);
        const double by_a = a_identity ? 0.0 : (on_left ? r * q * p : t * p * q);
        return out + vectors * (by_b + by_a);
    }

    Expr build(std::size_t i, std::size_t j) {
        if (i == j) return factors_[i];
        std::size_t s = split_[i * factors_.size() + j];
        return cx_.matmul(build(i, s), build(s + 1, j));
    }

    Context& cx_;
    const SizeOf& size_of_;
    NodeMap<Expr> memo_;  // each node rebuilt
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
