#include "matcalc/core/shape.hpp"

#include <algorithm>
#include <numeric>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

namespace matcalc {

namespace {
std::size_t index_of(Dim symbol) { return static_cast<std::size_t>(-(symbol + 1)); }
Dim symbol_at(std::size_t index) { return -static_cast<Dim>(index) - 1; }
}  // namespace

Dim SizeTable::symbol(std::string_view name) {
    if (Dim found = find(name)) return found;
    Dim d = symbol_at(names_.size());
    names_.emplace_back(name);
    parent_.push_back(d);
    rigid_.push_back(true);
    factors_.emplace_back();
    terms_.emplace_back();
    by_name_.emplace(std::string(name), d);
    return d;
}

Dim SizeTable::fresh() {
    Dim d = symbol_at(names_.size());
    std::string name = "?";  // flexible sizes print as `vector(c)` until they meet a real size
    name += std::to_string(names_.size());
    names_.push_back(std::move(name));
    parent_.push_back(d);
    rigid_.push_back(false);
    factors_.emplace_back();
    terms_.emplace_back();
    return d;
}

bool SizeTable::name_flexible(Dim d, std::string_view name) {
    d = resolve(d);
    if (!is_symbol(d) || rigid_[index_of(d)] || find(name)) return false;
    names_[index_of(d)] = std::string(name);
    rigid_[index_of(d)] = true;
    by_name_.emplace(std::string(name), d);
    return true;
}

Dim SizeTable::product(Dim a, Dim b) {
    a = resolve(a);
    b = resolve(b);
    if (a == 1) return b;
    if (b == 1) return a;
    // Flatten to an integer coefficient times symbols in creation order, so that m·n,
    // n·m and (m·n)·1 are one size.
    Dim coefficient = 1;
    std::vector<Dim> symbols;
    for (Dim d : {a, b}) {
        const std::vector<Dim>& f = factors(d);
        for (Dim p : f.empty() ? std::vector<Dim>{d} : f) {
            p = resolve(p);
            if (is_symbol(p)) {
                symbols.push_back(p);
            } else {
                if (coefficient > (Dim{1} << 40) / p) throw std::overflow_error("a size product is too large");
                coefficient *= p;
            }
        }
    }
    if (symbols.empty()) return coefficient;
    std::sort(symbols.begin(), symbols.end(), std::greater<>());  // -1 (the oldest) first
    std::vector<Dim> all;
    if (coefficient != 1) all.push_back(coefficient);
    all.insert(all.end(), symbols.begin(), symbols.end());
    if (all.size() == 1) return all[0];
    return composite('*', std::move(all));
}

Dim SizeTable::sum(Dim a, Dim b) {
    a = resolve(a);
    b = resolve(b);
    // Two integers (the offsets of a stack's blocks, summed once a block): no terms to
    // collect, and no allocation.
    if (!is_symbol(a) && !is_symbol(b)) {
        if (a > (Dim{1} << 40) - b) throw std::overflow_error("a size sum is too large");
        return a + b;
    }
    // Flatten to coefficient × base terms, equal bases collected (n + n = 2*n, the same
    // size as the product 2·n), bases in creation order, then an integer: n+m = m+n.
    Dim constant = 0;
    std::vector<std::pair<Dim, Dim>> bases;  // (base symbol, coefficient)
    for (Dim d : {a, b}) {
        const std::vector<Dim>& t = terms(d);
        for (Dim p : t.empty() ? std::vector<Dim>{d} : t) {
            p = resolve(p);
            if (!is_symbol(p)) {
                if (constant > (Dim{1} << 40) - p) throw std::overflow_error("a size sum is too large");
                constant += p;
                continue;
            }
            Dim coefficient = 1, base = p;
            const std::vector<Dim>& f = factors(p);
            if (!f.empty() && !is_symbol(f[0])) {
                coefficient = f[0];
                base = 1;
                for (std::size_t i = 1; i < f.size(); ++i) base = product(base, f[i]);
            }
            auto it = std::find_if(bases.begin(), bases.end(), [&](auto& e) { return e.first == base; });
            if (it == bases.end()) bases.push_back({base, coefficient});
            else it->second += coefficient;
        }
    }
    std::sort(bases.begin(), bases.end(), [](auto& x, auto& y) { return x.first > y.first; });
    std::vector<Dim> parts;
    for (auto [base, coefficient] : bases) parts.push_back(product(coefficient, base));
    if (constant) parts.push_back(constant);
    if (parts.empty()) return 0;
    if (parts.size() == 1) return parts[0];
    return composite('+', std::move(parts));
}

Dim SizeTable::composite(char op, std::vector<Dim> parts) {
    std::string key(1, op), text;
    for (Dim d : parts) {
        key += std::to_string(d) + ",";
        std::string part = name(d);
        if (op == '*' && !terms(d).empty()) part = "(" + part + ")";
        text += (text.empty() ? "" : std::string(1, op)) + part;
    }
    if (auto it = composites_.find(key); it != composites_.end()) return it->second;
    Dim d = symbol_at(names_.size());
    names_.push_back(text);
    parent_.push_back(d);
    rigid_.push_back(true);
    factors_.push_back(op == '*' ? parts : std::vector<Dim>{});
    terms_.push_back(op == '+' ? parts : std::vector<Dim>{});
    composites_.emplace(std::move(key), d);
    return d;
}

const std::vector<Dim>& SizeTable::factors(Dim d) const {
    static const std::vector<Dim> none;
    d = resolve(d);
    return is_symbol(d) ? factors_[index_of(d)] : none;
}

const std::vector<Dim>& SizeTable::terms(Dim d) const {
    static const std::vector<Dim> none;
    d = resolve(d);
    return is_symbol(d) ? terms_[index_of(d)] : none;
}

Dim SizeTable::find(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? 0 : it->second;
}

Dim SizeTable::resolve(Dim d) const {
    if (!is_symbol(d)) return d;
    Dim root = d;
    while (is_symbol(root) && parent_[index_of(root)] != root) root = parent_[index_of(root)];
    // Path compression keeps later look-ups short.
    while (is_symbol(d) && parent_[index_of(d)] != d) {
        Dim next = parent_[index_of(d)];
        parent_[index_of(d)] = root;
        d = next;
    }
    return root;
}

bool SizeTable::unify(Dim a, Dim b) {
    a = resolve(a);
    b = resolve(b);
    if (a == b) return true;
    auto flexible = [&](Dim d) { return is_symbol(d) && !rigid_[index_of(d)]; };
    if (!flexible(a) && !flexible(b)) return unify_products(a, b);
    // The flexible one takes the other's size (between two flexible ones, the older wins).
    if (!flexible(a) || (flexible(b) && index_of(a) < index_of(b))) std::swap(a, b);
    parent_[index_of(a)] = b;
    ++generation_;
    return true;
}

bool SizeTable::unify_products(Dim a, Dim b) {
    auto factor_list = [&](Dim d) {
        std::vector<Dim> f = factors(d).empty() ? std::vector<Dim>{d} : factors(d);
        for (Dim& p : f) p = resolve(p);
        return f;
    };
    std::vector<Dim> fa = factor_list(a), fb = factor_list(b);
    if (fa.size() == 1 && fb.size() == 1) return false;  // two different rigid sizes
    // Common factors cancel: n·?2 = m·n leaves ?2 = m.
    for (auto it = fa.begin(); it != fa.end();) {
        auto match = std::find(fb.begin(), fb.end(), *it);
        if (match == fb.end()) {
            ++it;
        } else {
            fb.erase(match);
            it = fa.erase(it);
        }
    }
    // Integer coefficients divide out: 2·?0 = 6 leaves ?0 = 3 (kron(aᵀ, I) with a of 2
    // entries, where the Jacobian has 6 columns).
    auto take_coefficient = [&](std::vector<Dim>& f) {
        Dim c = 1;
        for (auto it = f.begin(); it != f.end();)
            if (is_symbol(*it)) {
                ++it;
            } else {
                c *= *it;
                it = f.erase(it);
            }
        return c;
    };
    Dim ca = take_coefficient(fa), cb = take_coefficient(fb), common = std::gcd(ca, cb);
    if (ca / common != 1) fa.insert(fa.begin(), ca / common);
    if (cb / common != 1) fb.insert(fb.begin(), cb / common);
    auto product_of = [&](const std::vector<Dim>& f) {
        Dim p = 1;
        for (Dim d : f) p = product(p, d);
        return p;
    };
    auto lone_flexible = [&](const std::vector<Dim>& f) {
        return f.size() == 1 && is_symbol(f[0]) && !rigid_[index_of(f[0])];
    };
    if (fa.empty() && fb.empty()) return true;
    if (lone_flexible(fa)) return unify(fa[0], product_of(fb));
    if (lone_flexible(fb)) return unify(fb[0], product_of(fa));
    return false;
}

std::string SizeTable::name(Dim d) const {
    d = resolve(d);
    return is_symbol(d) ? names_[index_of(d)] : std::to_string(d);
}

std::string SizeTable::describe(Shape s) const {
    if (is_scalar(s)) return "scalar";
    if (is_vector(s)) return fmt::format("vector({})", name(s.rows));
    if (is_row(s)) return fmt::format("row vector({})", name(s.cols));
    return fmt::format("matrix({}, {})", name(s.rows), name(s.cols));
}

}  // namespace matcalc
