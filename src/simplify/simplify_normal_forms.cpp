// Normal forms for elementwise arithmetic: products (coefficient first, equal factors
// collected into powers, factors that cancel removed) and sums (equal terms collected,
// zero terms dropped, a positive term first). These two rules replace a dozen small
// ones (x ⊙ 1 = x, −(−x) = x, x ⊙ x = x², x − x = 0, ...) and find cancellations such
// as (p − y) ⊘ (p ⊙ (1 − p)) ⊙ p ⊙ (1 − p) = p − y by themselves.
#include <algorithm>
#include <cmath>

#include <boost/container/small_vector.hpp>

#include "matcalc/core/ops.hpp"
#include "simplify_internal.hpp"

namespace matcalc::rules {

namespace {

struct Factor {
    Expr base;
    double power;
};

// These rules run on every product and sum the simplifier meets, thousands of times for a
// long program: the lists are kept inline (a product has a handful of factors, and at most
// kMaxVisits) and searched linearly, so that a call allocates nothing in the common case
// (under the sanitizers an allocation costs a stack trace).
using Factors = boost::container::small_vector<Factor, 8>;

// The factor with this base, or nullptr (const or not, as the list).
template <class List>
auto* find_factor(List& factors, Expr base) {
    auto it = std::find_if(factors.begin(), factors.end(), [&](const Factor& f) { return f.base == base; });
    return it == factors.end() ? nullptr : &*it;
}

// Adds power to base's factor, or appends one (may reallocate: no pointers kept).
void add_factor(Factors& factors, Expr base, double power) {
    if (Factor* f = find_factor(factors, base)) f->power += power;
    else factors.push_back({base, power});
}

struct Monomial {
    double numerator = 1.0;    // the numeric coefficient as a fraction, so x/3 stays x/3
    double denominator = 1.0;
    Factors factors;
};

bool is_integer(double p) { return p == std::floor(p) && std::abs(p) < 1e6; }

class ProductFlattener {
public:
    // `partial`: past the bound, keep the rest as whole factors instead of giving up
    // (enough to find factors common to the terms of a sum).
    ProductFlattener(Context& cx, Shape target, const Atoms& atoms, bool partial = false)
        : cx_(cx), target_(target), atoms_(atoms), partial_(partial) {}

    // `root`: e is the product being normalised (kept whole only below the root).
    void add(Expr e, double power, Monomial& m, bool root = false) {
        const OpInfo& op = *e->op;
        // Shared subexpressions are walked once per path, and a DAG can have exponentially
        // many: past a bound the walk gives up and the product is left as it is.
        if (++visits_ > kMaxVisits) {
            if (partial_) factor(e, power, m);
            return;
        }
        if (!root && atoms_.count(e)) return factor(e, power, m);
        bool fits = cx_.is_scalar(e) || cx_.sizes().same(cx_.shape(e), target_);
        if (op.kind == Kind::Constant && fits) {
            if (!cx_.is_scalar(e) && e->value == 1.0) return;  // the ones vector: shape only
            double v = e->value;
            if (v == 0.0 && power < 0) return factor(e, power, m);
            if (!is_integer(power) && v < 0) return factor(e, power, m);
            if (power == 1) m.numerator *= v;
            else if (power == -1) m.denominator *= v;
            else m.numerator *= std::pow(v, power);
            return;
        }
        if (!fits) return factor(e, power, m);
        if (op.id == Op::Neg && is_integer(power)) {
            if (std::fmod(std::abs(power), 2.0) == 1.0) m.numerator = -m.numerator;
            return add(e->args[0], power, m);
        }
        if (op.id == Op::Hadamard && all_fit(e)) {
            add(e->args[0], power, m);
            add(e->args[1], power, m);
            return;
        }
        if (op.id == Op::Div && all_fit(e)) {
            add(e->args[0], power, m);
            add(e->args[1], -power, m);
            return;
        }
        if (op.id == Op::Pow && e->args[1]->op->kind == Kind::Constant && cx_.is_scalar(e->args[1])) {
            double k = e->args[1]->value;
            Expr base = e->args[0];
            bool product = base->op->id == Op::Hadamard || base->op->id == Op::Div || base->op->id == Op::Neg;
            // (a b)^k = a^k b^k elementwise only for integer k (√(ab) ≠ √a √b for a, b < 0).
            if (!product || is_integer(k)) return add(base, power * k, m);
        }
        factor(e, power, m);
    }

    bool gave_up() const { return !partial_ && visits_ > kMaxVisits; }

private:
    bool all_fit(Expr e) {
        for (Expr a : e->args)
            if (!cx_.is_scalar(a) && !cx_.sizes().same(cx_.shape(a), target_)) return false;
        return true;
    }
    void factor(Expr e, double power, Monomial& m) { add_factor(m.factors, e, power); }

    static constexpr int kMaxVisits = 64;   // a product of more factors is not for reading anyway
    Context& cx_;
    Shape target_;
    const Atoms& atoms_;
    bool partial_;
    int visits_ = 0;
};

// Sizes, then variables, then everything else: 2 x cos(x²), (2/N) v.
int rank(Expr e) {
    switch (e->op->kind) {
    case Kind::Size: return 0;
    case Kind::Variable: return 1;
    case Kind::Constant: case Kind::Identity: case Kind::Commutation: case Kind::Elementwise:
    case Kind::MatMul: case Kind::Transpose: case Kind::Dot: case Kind::Sum: case Kind::Mean: case Kind::Norm:
    case Kind::Norm1: case Kind::Diag: case Kind::DiagPart: case Kind::Stack: case Kind::Trace:
    case Kind::Det: case Kind::LogDet: case Kind::Inverse: case Kind::LogSumExp: case Kind::Softmax:
    case Kind::Extremum: case Kind::Kron: case Kind::Vec: case Kind::Unvec: case Kind::Block: return 2;
    }
    unreachable();  // every value is a case above
}

Expr power_of(Context& cx, Expr base, double p) { return p == 1 ? base : cx.pow(base, cx.constant(p)); }

Expr product(Context& cx, Expr acc, Expr f) { return acc ? cx.mul(acc, f) : f; }

// sign(u) ⊙ u = abs(u), in a monomial: sign(u) uᵏ = abs(u) uᵏ⁻¹ for an integer k ≥ 1 (true
// at u = 0 as well), so that sign(d) d ⊘ abs(d) cancels to 1.
void sign_times_value(Context& cx, Monomial& m) {
    for (std::size_t i = 0; i < m.factors.size(); ++i) {
        Factor& s = m.factors[i];
        if (s.base->op->id != Op::Sign || s.power != 1) continue;
        Expr u = s.base->args[0];
        Factor* value = find_factor(m.factors, u);
        if (!value) continue;
        if (!is_integer(value->power) || value->power < 1) continue;
        s.power = 0;
        value->power -= 1;
        add_factor(m.factors, cx.apply(Op::Abs, u), 1.0);  // may reallocate: s, value not used after
    }
}

// σ(u) e⁻ᵘ = 1 − σ(u), in a monomial: the logistic loss log(1 + e⁻ᵘ) has the derivative
// −e⁻ᵘ / (1 + e⁻ᵘ), which the sigmoid's rule writes −σ(u) e⁻ᵘ; it is −(1 − σ(u)).
void sigmoid_times_exp(Context& cx, Monomial& m) {
    for (std::size_t i = 0; i < m.factors.size(); ++i) {
        if (m.factors[i].base->op->id != Op::Sigmoid || m.factors[i].power <= 0) continue;
        Expr u = m.factors[i].base->args[0];
        for (std::size_t j = 0; j < m.factors.size(); ++j) {
            Expr ex = m.factors[j].base;
            if (ex->op->id != Op::Exp || ex->args[0]->op->id != Op::Neg || ex->args[0]->args[0] != u) continue;
            double k = std::min(m.factors[i].power, m.factors[j].power);
            if (k <= 0) continue;
            Expr s = m.factors[i].base;
            m.factors[i].power -= k;
            m.factors[j].power -= k;
            add_factor(m.factors, cx.sub(cx.ones(cx.shape(s)), s), k);  // may reallocate: no references kept
            break;
        }
    }
}

}  // namespace

Expr collect_factors(Context& cx, Expr e, const Atoms& atoms) {
    const Op name = e->op->id;
    bool root = name == Op::Hadamard || name == Op::Div || name == Op::Neg ||
                (name == Op::Pow && e->args[1]->op->kind == Kind::Constant);
    if (!root) return nullptr;
    Shape target = cx.shape(e);
    Monomial m;
    ProductFlattener flattener(cx, target, atoms);
    flattener.add(e, 1.0, m, true);
    if (flattener.gave_up()) return nullptr;
    sign_times_value(cx, m);
    sigmoid_times_exp(cx, m);
    m.factors.erase(std::remove_if(m.factors.begin(), m.factors.end(), [](const Factor& f) { return f.power == 0; }),
                    m.factors.end());
    // A coefficient past the range of doubles has no form to print or parse back.
    if (!std::isfinite(m.numerator) || !std::isfinite(m.denominator) || m.denominator == 0) return nullptr;
    if (m.numerator == 0) return cx.zeros(target);
    // Stable by rank: an insertion sort, which allocates nothing (std::stable_sort takes a
    // buffer on every call, and a long program simplifies hundreds of thousands of products);
    // a product has at most kMaxVisits factors.
    for (std::size_t i = 1; i < m.factors.size(); ++i)
        for (std::size_t j = i; j > 0 && rank(m.factors[j].base) < rank(m.factors[j - 1].base); --j)
            std::swap(m.factors[j], m.factors[j - 1]);

    // The coefficient: |numerator| · sizes / (denominator · sizes), as one scalar factor.
    bool negative = (m.numerator < 0) != (m.denominator < 0);
    Expr coefficient = cx.div(cx.constant(std::abs(m.numerator)), cx.constant(std::abs(m.denominator)));
    if (cx.is_one(coefficient)) coefficient = nullptr;
    Expr size_denominator = nullptr;
    Factors rest;
    for (const Factor& f : m.factors) {
        if (f.base->op->kind == Kind::Size && is_integer(f.power)) {
            if (f.power > 0) coefficient = product(cx, coefficient, power_of(cx, f.base, f.power));
            else size_denominator = product(cx, size_denominator, power_of(cx, f.base, -f.power));
        } else {
            rest.push_back(f);
        }
    }
    if (size_denominator) coefficient = cx.div(coefficient ? coefficient : cx.constant(1.0), size_denominator);
    if (!coefficient) coefficient = cx.constant(1.0);

    // Scalar factors before the others and the coefficient outermost, c (s (u ⊙ v)), so
    // that the rules that move scalars (out of transposes, sums, products) see them.
    Expr scalars = nullptr, others = nullptr, denominator = nullptr;
    for (const Factor& f : rest) {
        Expr term = power_of(cx, f.base, std::abs(f.power));
        if (f.power < 0) denominator = product(cx, denominator, term);
        else if (cx.is_scalar(f.base)) scalars = product(cx, scalars, term);
        else others = product(cx, others, term);
    }
    // With both, the coefficient joins the scalars, (c s) (u ⊙ v): c s is then one node that
    // other results share (the 2 (ŷ − y) of every layer's gradient is ∂L/∂c itself).
    if (scalars && others && !denominator && !cx.is_one(coefficient)) {
        scalars = cx.mul(coefficient, scalars);
        coefficient = cx.constant(1.0);
    }
    Expr r = !scalars ? others : !others ? scalars : cx.mul(scalars, others);
    bool coefficient_placed = !r;  // nothing but the coefficient upstairs: 2/x
    if (!r) r = coefficient;
    if (denominator) r = cx.div(r, denominator);
    if (!coefficient_placed && !cx.is_one(coefficient)) r = cx.mul(coefficient, r);
    if (!cx.sizes().same(cx.shape(r), target)) r = cx.mul(r, cx.ones(target));
    if (negative) r = cx.neg(r);
    return r == e ? nullptr : r;
}

namespace {

struct Term {
    double coefficient;
    Expr core;  // nullptr: a pure number
};

// At most the 64 of flatten_sum's budget; inline for the usual few (see Factors).
using Terms = boost::container::small_vector<Term, 8>;

void add_term(Terms& terms, double c, Expr core) {
    for (Term& t : terms)
        if (t.core == core) {
            t.coefficient += c;
            return;
        }
    terms.push_back({c, core});
}

// Splits c ⊙ x, −x and numbers into coefficient and core.
void flatten_sum(Context& cx, Expr e, double sign, Shape target, Terms& terms, const Atoms& atoms,
                 int& budget, bool root = false) {
    const Op name = e->op->id;
    // As for products: a bounded walk (the caller gives up when the budget runs out).
    if (--budget < 0) return;
    if (!root && atoms.count(e)) return add_term(terms, sign, e);
    bool fits = cx.sizes().same(cx.shape(e), target);
    // Scalars broadcast into the sum; other shapes mean a broadcast we leave alone.
    auto args_fit = [&] {
        for (Expr a : e->args)
            if (!cx.is_scalar(a) && !cx.sizes().same(cx.shape(a), target)) return false;
        return true;
    };
    if ((name == Op::Add || name == Op::Sub) && args_fit()) {
        flatten_sum(cx, e->args[0], sign, target, terms, atoms, budget);
        flatten_sum(cx, e->args[1], name == Op::Add ? sign : -sign, target, terms, atoms, budget);
        return;
    }
    if (name == Op::Neg && fits) return flatten_sum(cx, e->args[0], -sign, target, terms, atoms, budget);
    if (e->op->kind == Kind::Constant && cx.is_scalar(e)) return add_term(terms, sign * e->value, nullptr);
    if (name == Op::Hadamard && e->args[0]->op->kind == Kind::Constant && cx.is_scalar(e->args[0]) && fits)
        return add_term(terms, sign * e->args[0]->value, e->args[1]);
    // (c s) ⊙ x, the product normal form's grouping: coefficient c, core s ⊙ x.
    if (name == Op::Hadamard && fits && e->args[0]->op->id == Op::Hadamard && cx.is_scalar(e->args[0])) {
        Expr cs = e->args[0];
        if (cs->args[0]->op->kind == Kind::Constant && cx.is_scalar(cs->args[0]))
            return add_term(terms, sign * cs->args[0]->value, cx.mul(cs->args[1], e->args[1]));
    }
    add_term(terms, sign, e);
}

// x ⊙ a + x ⊙ b = x ⊙ (a + b). Besides reading better, this keeps reverse-mode results
// small when printed: an adjoint reaching a node along two paths appears once, not twice.
Expr factor_out_common(Context& cx, const Terms& terms, Shape target, const Atoms& atoms) {
    if (terms.size() < 2) return nullptr;
    boost::container::small_vector<Factors, 4> factors;
    for (const Term& t : terms) {
        if (!t.core || !cx.sizes().same(cx.shape(t.core), target)) return nullptr;
        Monomial m;
        ProductFlattener flattener(cx, target, atoms, /*partial=*/true);
        flattener.add(t.core, 1.0, m, true);
        if (m.numerator != 1.0 || m.denominator != 1.0) return nullptr;
        factors.push_back(std::move(m.factors));
    }
    // Each base appears once in a term's factors (add_factor), so a linear search finds it.
    auto in = [&](std::size_t i, const Factor& f) {
        const Factor* g = find_factor(factors[i], f.base);
        return g && g->power == f.power;
    };
    Factors common;
    for (const Factor& f : factors[0]) {
        bool everywhere = true;
        for (std::size_t i = 1; i < factors.size() && everywhere; ++i) everywhere = in(i, f);
        if (everywhere) common.push_back(f);
    }
    auto has = [&](const Factors& c, const Factor& f) { return find_factor(c, f.base) != nullptr; };
    if (common.empty()) return nullptr;
    Expr sum = nullptr;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        Expr rest = nullptr;
        for (const Factor& f : factors[i])
            if (!has(common, f)) rest = product(cx, rest, f.power > 0 ? power_of(cx, f.base, f.power) : cx.div(cx.constant(1.0), power_of(cx, f.base, -f.power)));
        if (!rest) rest = cx.constant(1.0);
        double c = terms[i].coefficient;
        Expr term = std::abs(c) == 1 ? rest : cx.mul(cx.constant(std::abs(c)), rest);
        sum = !sum ? (c < 0 ? cx.neg(term) : term) : c < 0 ? cx.sub(sum, term) : cx.add(sum, term);
    }
    Expr outside = nullptr;
    for (const Factor& f : common) outside = product(cx, outside, f.power > 0 ? power_of(cx, f.base, f.power) : cx.div(cx.constant(1.0), power_of(cx, f.base, -f.power)));
    Expr r = cx.mul(outside, sum);
    return cx.sizes().same(cx.shape(r), target) ? r : nullptr;
}

}  // namespace

namespace {

// Σ cᵢ xᵢ written out: a positive term first (x − y rather than −y + x), and a coefficient
// shared by every term written once, c (x + y).
Expr write_sum(Context& cx, Terms terms, Shape target) {
    double shared = std::abs(terms[0].coefficient);
    bool common_coefficient = terms.size() > 1 && shared != 1 &&
                              std::all_of(terms.begin(), terms.end(), [&](const Term& t) {
                                  return t.core && std::abs(t.coefficient) == shared;
                              });
    if (common_coefficient)
        for (Term& t : terms) t.coefficient /= shared;
    // A before Aᵀ, as (A + Aᵀ) x is written.
    for (std::size_t i = 0; i < terms.size(); ++i) {
        Expr c = terms[i].core;
        if (!c || c->op->kind != Kind::Transpose) continue;
        for (std::size_t j = i + 1; j < terms.size(); ++j)
            if (terms[j].core == c->args[0]) std::swap(terms[i], terms[j]);
    }
    auto first_positive = std::find_if(terms.begin(), terms.end(), [](const Term& t) { return t.coefficient > 0; });
    if (first_positive != terms.end()) std::rotate(terms.begin(), first_positive, first_positive + 1);
    auto magnitude = [&](const Term& t) -> Expr {
        double c = std::abs(t.coefficient);
        if (!t.core) return cx.constant(c, Shape{1, 1});
        return c == 1 ? t.core : cx.mul(cx.constant(c), t.core);
    };
    Expr r = magnitude(terms[0]);
    if (terms[0].coefficient < 0) r = cx.neg(r);
    for (std::size_t i = 1; i < terms.size(); ++i)
        r = terms[i].coefficient > 0 ? cx.add(r, magnitude(terms[i])) : cx.sub(r, magnitude(terms[i]));
    if (!cx.sizes().same(cx.shape(r), target)) r = cx.mul(r, cx.ones(target));
    if (common_coefficient) r = cx.mul(cx.constant(shared), r);
    return r;
}

// The factors of a matrix product, left to right (atoms below the root stay whole).
void chain_of(Expr e, std::vector<Expr>& out, const Atoms& atoms, bool root = true) {
    if (e->op->kind == Kind::MatMul && (root || !atoms.count(e)) && out.size() < 64) {
        chain_of(e->args[0], out, atoms, false);
        chain_of(e->args[1], out, atoms, false);
    } else {
        out.push_back(e);
    }
}

Expr chain_product(Context& cx, const std::vector<Expr>& chain, std::size_t from, std::size_t to) {
    Expr r = nullptr;
    for (std::size_t i = from; i < to; ++i) r = r ? cx.matmul(r, chain[i]) : chain[i];
    return r;
}

// A x + B x = (A + B) x and A x + A y = A (x + y), when every term is such a product;
// the shared factors may be several, X b cᵀ + X c bᵀ = X (b cᵀ + c bᵀ).
Expr factor_out_of_products(Context& cx, const Terms& terms, const Atoms& atoms) {
    if (terms.size() < 2) return nullptr;
    std::vector<std::vector<Expr>> chains;
    for (const Term& t : terms) {
        if (!t.core || t.core->op->kind != Kind::MatMul) return nullptr;
        chains.emplace_back();
        chain_of(t.core, chains.back(), atoms);
    }
    std::size_t shortest = chains[0].size();
    for (const auto& c : chains) shortest = std::min(shortest, c.size());
    // Shared factors on the right (preferred), else on the left; every term keeps one.
    auto shared = [&](bool right) {
        std::size_t k = 0;
        for (; k + 1 < shortest; ++k) {
            Expr f = right ? chains[0][chains[0].size() - 1 - k] : chains[0][k];
            bool all = std::all_of(chains.begin(), chains.end(),
                                   [&](const auto& c) { return (right ? c[c.size() - 1 - k] : c[k]) == f; });
            if (!all) break;
        }
        return k;
    };
    for (bool right : {true, false}) {
        std::size_t k = shared(right);
        if (k == 0) continue;
        // −A x − B x = −((A + B) x)
        bool negative = std::all_of(terms.begin(), terms.end(), [](const Term& t) { return t.coefficient < 0; });
        Terms inner;
        for (std::size_t i = 0; i < terms.size(); ++i) {
            const auto& c = chains[i];
            double coefficient = negative ? -terms[i].coefficient : terms[i].coefficient;
            inner.push_back({coefficient, right ? chain_product(cx, c, 0, c.size() - k) : chain_product(cx, c, k, c.size())});
        }
        Expr sum = write_sum(cx, inner, cx.shape(inner[0].core));
        const auto& c = chains[0];
        Expr r = right ? cx.matmul(sum, chain_product(cx, c, c.size() - k, c.size())) : cx.matmul(chain_product(cx, c, 0, k), sum);
        return negative ? cx.neg(r) : r;
    }
    return nullptr;
}

}  // namespace

Expr collect_terms(Context& cx, Expr e, const Atoms& atoms) {
    const Op name = e->op->id;
    if (name != Op::Add && name != Op::Sub) return nullptr;
    Shape target = cx.shape(e);
    Terms terms;
    int budget = 64;
    flatten_sum(cx, e, 1.0, target, terms, atoms, budget, true);
    if (budget < 0) return nullptr;
    for (const Term& t : terms)
        if (!std::isfinite(t.coefficient)) return nullptr;  // no printable form
    terms.erase(std::remove_if(terms.begin(), terms.end(),
                               [&](const Term& t) { return t.coefficient == 0 || (t.core && cx.is_zero(t.core)); }),
                terms.end());
    if (terms.empty()) return cx.zeros(target);
    if (Expr factored = factor_out_common(cx, terms, target, atoms)) return factored;
    if (Expr factored = factor_out_of_products(cx, terms, atoms)) return factored;
    Expr r = write_sum(cx, terms, target);
    return r == e ? nullptr : r;
}

namespace {

// The factors of e as a product of elementwise factors of e's shape (bounded walk).
Factors factor_powers(Context& cx, Expr e, Shape target, const Atoms& atoms) {
    Monomial m;
    ProductFlattener flattener(cx, target, atoms, /*partial=*/true);
    flattener.add(e, 1.0, m, true);
    return std::move(m.factors);  // each base once (add_factor)
}

// Whether a factor of one is a divisor of the other: their product loses a factor.
bool factors_cancel(const Factors& a, const Factors& b) {
    for (const Factor& f : a) {
        const Factor* g = find_factor(b, f.base);
        if (g && f.power * g->power < 0) return true;
    }
    return false;
}

}  // namespace

Expr dot_cancelling(Context& cx, Expr e, const Atoms& atoms) {
    if (e->op->kind != Kind::Dot) return nullptr;
    Expr a = e->args[0], b = e->args[1];
    Shape target = cx.shape(a);
    if (!cx.sizes().same(target, cx.shape(b))) b = cx.transpose(b);
    if (!factors_cancel(factor_powers(cx, a, target, atoms), factor_powers(cx, b, target, atoms))) return nullptr;
    return cx.sum(cx.mul(a, b));
}

Expr distribute_cancelling(Context& cx, Expr e, const Atoms& atoms) {
    if (e->op->id != Op::Hadamard) return nullptr;
    Shape target = cx.shape(e);
    for (std::size_t side = 0; side < 2; ++side) {
        Expr s = e->args[side], other = e->args[1 - side];
        const Op name = s->op->id;
        if ((name != Op::Add && name != Op::Sub) || atoms.count(s)) continue;
        Terms terms;
        int budget = 64;
        flatten_sum(cx, s, 1.0, cx.shape(s), terms, atoms, budget, true);
        if (budget < 0 || terms.size() < 2) continue;
        auto outside = factor_powers(cx, other, target, atoms);
        bool cancels = std::any_of(terms.begin(), terms.end(), [&](const Term& t) {
            return t.core && factors_cancel(outside, factor_powers(cx, t.core, target, atoms));
        });
        if (!cancels) continue;
        Expr r = nullptr;
        for (const Term& t : terms) {
            Expr core = t.core ? t.core : cx.constant(1.0);
            Expr term = cx.mul(other, core);
            double c = std::abs(t.coefficient);
            if (c != 1) term = cx.mul(cx.constant(c), term);
            r = !r ? (t.coefficient < 0 ? cx.neg(term) : term) : t.coefficient < 0 ? cx.sub(r, term) : cx.add(r, term);
        }
        if (!cx.sizes().same(cx.shape(r), target)) continue;
        return r;
    }
    return nullptr;
}

}  // namespace matcalc::rules
