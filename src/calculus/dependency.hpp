// The calculus stage's dependency test (not installed): does an expression reach a
// variable? Asked of every node a derivative walks, so memoised.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "matcalc/core/expr.hpp"

namespace matcalc {

// Memoised dependency test: does e reach x (or one of several variables)?
class Dependency {
public:
    explicit Dependency(Expr x) : xs_{x}, oldest_(x->id) {}
    explicit Dependency(std::span<const Expr> xs) : xs_(xs.begin(), xs.end()) {
        for (Expr x : xs) oldest_ = std::min(oldest_, x->id);
    }
    bool operator()(Expr e) {
        if (std::find(xs_.begin(), xs_.end(), e) != xs_.end()) return true;
        if (e->id < oldest_) return false;  // built before every x: cannot contain one
        const std::size_t at = e->id - oldest_;
        if (at < memo_.size() && memo_[at] >= 0) return memo_[at] == 1;
        bool d = false;
        for (Expr a : e->args) d = d || (*this)(a);
        if (at >= memo_.size()) memo_.resize(at + 1, -1);  // grows geometrically
        memo_[at] = d;
        return d;
    }

private:
    std::vector<Expr> xs_;
    std::uint32_t oldest_ = UINT32_MAX;
    // By node id from the oldest variable's (a long program's gradient asks of every node;
    // a hash map would allocate an entry for each): 1 depends, 0 does not, −1 not known yet.
    std::vector<signed char> memo_;
};

}  // namespace matcalc
