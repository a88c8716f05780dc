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
        if (const signed char known = memo_.get(e); known >= 0) return known == 1;
        bool d = false;
        for (Expr a : e->args) d = d || (*this)(a);
        memo_[e] = d;
        return d;
    }

private:
    std::vector<Expr> xs_;
    std::uint32_t oldest_ = UINT32_MAX;
    NodeMap<signed char> memo_{-1};  // 1 depends, 0 does not, −1 not known yet
};

}  // namespace matcalc
