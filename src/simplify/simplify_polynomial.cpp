// Expanding elementwise polynomials where terms cancel. The product normal form keeps
// products of sums factored, which is what a person writes as long as nothing cancels;
// but the lecture's cross-entropy after a sigmoid, −y (1 − ŷ) + (1 − y) ŷ, is ŷ − y only
// once multiplied out. So a sum is multiplied out into monomials (products of powers of
// factors that are not sums) with their coefficients collected, and the expanded form is
// taken only when it is strictly smaller than the sum it replaces: expansion never makes
// a result longer, and what stays factored stays as written.
#include <algorithm>
#include <cmath>
#include <vector>

#include "matcalc/core/ops.hpp"
#include "simplify_internal.hpp"

namespace matcalc::rules {

namespace {

struct Power {
    Expr base;
    double exponent;
};

// A monomial: coefficient times a product of powers, the factors in the order met (so
// that the result reads in the order of the input, and does not depend on addresses).
struct Monomial {
    double coefficient = 1.0;
    std::vector<Power> factors;

    void multiply(Expr base, double exponent) {
        for (Power& p : factors)
            if (p.base == base) {
                p.exponent += exponent;
                return;
            }
        factors.push_back({base, exponent});
    }
    void drop_zero_powers() {
        std::erase_if(factors, [](const Power& p) { return p.exponent == 0; });
    }
    // The same product of powers, whatever the order of the factors.
    bool same_factors(const Monomial& o) const {
        if (factors.size() != o.factors.size()) return false;
        for (const Power& p : factors) {
            auto it = std::find_if(o.factors.begin(), o.factors.end(), [&](const Power& q) { return q.base == p.base; });
            if (it == o.factors.end() || it->exponent != p.exponent) return false;
        }
        return true;
    }
};

using Polynomial = std::vector<Monomial>;

constexpr std::size_t kMaxTerms = 24;  // a longer expansion does not read as a textbook result
constexpr int kMaxVisits = 128;

void add_into(Polynomial& p, const Monomial& m) {
    for (Monomial& t : p)
        if (t.same_factors(m)) {
            t.coefficient += m.coefficient;
            return;
        }
    p.push_back(m);
}

Polynomial constant(double c) { return {Monomial{c, {}}}; }
Polynomial single(Expr base, double exponent) { return {Monomial{1.0, {{base, exponent}}}}; }

bool is_integer(double k) { return k == std::floor(k) && std::abs(k) < 64; }

class Expander {
public:
    Expander(Context& cx, Shape target, const Atoms& atoms) : cx_(cx), target_(target), atoms_(atoms) {}

    // nullopt-like: false when the walk gave up (too large).
    bool run(Expr e, Polynomial& out) { return expand(e, out, true); }
    bool multiplied_a_sum() const { return multiplied_sum_; }

private:
    bool fits(Expr e) const { return cx_.is_scalar(e) || cx_.sizes().same(cx_.shape(e), target_); }
    bool args_fit(Expr e) const {
        return std::all_of(e->args.begin(), e->args.end(), [&](Expr a) { return fits(a); });
    }
    static bool is_sum(Expr e) { return is(e, Op::Add) || is(e, Op::Sub); }
    static bool indicator(Expr e) { return is(e, Op::Step) || is(e, Op::Heaviside) || is(e, Op::Sign); }
    static bool indicator_sum(Expr e) { return is_sum(e) && (indicator(arg(e, 0)) || indicator(arg(e, 1))); }

    bool product(const Polynomial& a, const Polynomial& b, Polynomial& out) {
        if (a.size() > 1 || b.size() > 1) multiplied_sum_ = true;
        if (a.size() * b.size() > kMaxTerms * 4) return false;
        out.clear();
        for (const Monomial& x : a)
            for (const Monomial& y : b) {
                Monomial m = x;
                m.coefficient *= y.coefficient;
                for (const Power& p : y.factors) m.multiply(p.base, p.exponent);
                m.drop_zero_powers();
                add_into(out, m);
            }
        std::erase_if(out, [](const Monomial& m) { return m.coefficient == 0; });
        return out.size() <= kMaxTerms;
    }

    bool expand(Expr e, Polynomial& out, bool root = false) {
        if (++visits_ > kMaxVisits) return false;
        out.clear();
        if (!root && atoms_.count(e)) {
            out = single(e, 1);
            return true;
        }
        if (is(e, Kind::Constant) && fits(e)) {
            out = e->value == 0 ? Polynomial{} : constant(e->value);
            return true;
        }
        if (!fits(e)) {
            out = single(e, 1);
            return true;
        }
        if (is_sum(e) && args_fit(e)) {
            Polynomial a, b;
            if (!expand(arg(e, 0), a) || !expand(arg(e, 1), b)) return false;
            out = std::move(a);
            for (Monomial m : b) {
                if (is(e, Op::Sub)) m.coefficient = -m.coefficient;
                add_into(out, m);
            }
            std::erase_if(out, [](const Monomial& m) { return m.coefficient == 0; });
            return out.size() <= kMaxTerms;
        }
        if (is(e, Op::Neg)) {
            if (!expand(arg(e, 0), out)) return false;
            for (Monomial& m : out) m.coefficient = -m.coefficient;
            return true;
        }
        // step(z) + (1 − step(z)) g is the piecewise form, read branch by branch: a product
        // with a sum of indicators is not multiplied out.
        if (is(e, Op::Hadamard) && (indicator_sum(arg(e, 0)) || indicator_sum(arg(e, 1)))) {
            out = single(e, 1);
            return true;
        }
        if (is(e, Op::Hadamard) && args_fit(e)) {
            Polynomial a, b;
            return expand(arg(e, 0), a) && expand(arg(e, 1), b) && product(a, b, out);
        }
        if (is(e, Op::Div) && args_fit(e)) {
            Polynomial a, b;
            if (!expand(arg(e, 0), a) || !expand(arg(e, 1), b)) return false;
            // Only a monomial denominator is inverted; a sum below a fraction bar stays whole.
            if (b.size() != 1) b = single(arg(e, 1), 1);
            Monomial inverse{1.0 / b[0].coefficient, b[0].factors};
            if (!std::isfinite(inverse.coefficient)) return false;
            for (Power& p : inverse.factors) p.exponent = -p.exponent;
            return product(a, {inverse}, out);
        }
        if (is(e, Op::Pow) && is(arg(e, 1), Kind::Constant) && cx_.is_scalar(arg(e, 1))) {
            double k = arg(e, 1)->value;
            Expr base = arg(e, 0);
            if (is_sum(base) && k >= 2 && k <= 3 && is_integer(k) && fits(base)) {  // (a + b)² multiplied out
                Polynomial b;
                if (!expand(base, b)) return false;
                Polynomial acc = b;
                for (int i = 1; i < static_cast<int>(k); ++i) {
                    Polynomial next;
                    if (!product(acc, b, next)) return false;
                    acc = std::move(next);
                }
                out = std::move(acc);
                return true;
            }
            if (!is_sum(base) && is_integer(k) && fits(base)) {  // x² x⁻¹ = x
                Polynomial b;
                if (!expand(base, b)) return false;
                if (b.size() == 1) {
                    Monomial m = b[0];
                    m.coefficient = std::pow(m.coefficient, k);
                    for (Power& p : m.factors) p.exponent *= k;
                    if (!std::isfinite(m.coefficient)) return false;
                    out = {m};
                    return true;
                }
            }
        }
        out = single(e, 1);
        return true;
    }

    Context& cx_;
    Shape target_;
    const Atoms& atoms_;
    int visits_ = 0;
    bool multiplied_sum_ = false;
};

Expr power_of(Context& cx, Expr base, double k) { return k == 1 ? base : cx.pow(base, cx.constant(k)); }

// c x^a y^b / z^c, as the product normal form would write it after it.
Expr write_monomial(Context& cx, const Monomial& m) {
    Expr up = nullptr, down = nullptr;
    for (const Power& p : m.factors) {
        Expr f = power_of(cx, p.base, std::abs(p.exponent));
        Expr& side = p.exponent > 0 ? up : down;
        side = side ? cx.mul(side, f) : f;
    }
    double c = std::abs(m.coefficient);
    if (!up) up = cx.constant(c);
    else if (c != 1) up = cx.mul(cx.constant(c), up);
    return down ? cx.div(up, down) : up;
}

// Nodes of e written as a tree (what printing it costs), counted up to `cap`.
int tree_size(Expr e, int cap) {
    int n = 0;
    std::vector<Expr> work{e};
    while (!work.empty() && n < cap) {
        Expr x = work.back();
        work.pop_back();
        ++n;
        for (Expr a : x->args) work.push_back(a);
    }
    return n;
}

}  // namespace

Expr expand_cancelling(Context& cx, Expr e, const Atoms& atoms) {
    // −(y (1 − ŷ) − ŷ (1 − y)) too: the chain rule's last product is often a negated sum.
    bool negated_sum = is(e, Op::Neg) && (is(arg(e, 0), Op::Add) || is(arg(e, 0), Op::Sub)) && !atoms.count(arg(e, 0));
    if (!is(e, Op::Add) && !is(e, Op::Sub) && !negated_sum) return nullptr;
    Shape target = cx.shape(e);
    Expander expander(cx, target, atoms);
    Polynomial p;
    if (!expander.run(e, p) || !expander.multiplied_a_sum()) return nullptr;
    Expr r;
    if (p.empty()) {
        r = cx.zeros(target);
    } else {
        // A positive term first: ŷ − y, not −y + ŷ.
        auto first = std::find_if(p.begin(), p.end(), [](const Monomial& m) { return m.coefficient > 0; });
        if (first != p.end()) std::rotate(p.begin(), first, first + 1);
        r = write_monomial(cx, p[0]);
        if (p[0].coefficient < 0) r = cx.neg(r);
        for (std::size_t i = 1; i < p.size(); ++i)
            r = p[i].coefficient > 0 ? cx.add(r, write_monomial(cx, p[i])) : cx.sub(r, write_monomial(cx, p[i]));
        if (!cx.sizes().same(cx.shape(r), target)) r = cx.mul(r, cx.ones(target));
    }
    // Judged after the sums' normal form, which may factor the expansion again: then the
    // two rules could undo each other, unless each step makes the result strictly smaller.
    Expr normal = collect_terms(cx, r, atoms);
    int limit = tree_size(e, 1 << 12);
    int size = tree_size(normal ? normal : r, limit);
    return size < limit ? r : nullptr;
}

}  // namespace matcalc::rules
