// The simplifier: named rewrite rules applied bottom-up to a fixed point, plus a normal
// form for elementwise products (coefficients first, equal factors collected, factors
// that cancel removed), so that results read as a person writes them: xᵀ, not
// 1ᵀ diag(x) I; σ(z) − y, not (σ(z) − y) ⊘ (σ(z) ⊙ (1 − σ(z))) ⊙ σ(z) ⊙ (1 − σ(z)).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "matcalc/expr.hpp"

namespace matcalc {

struct RewriteStep {
    std::string_view rule;  // the rule's name, e.g. "1ᵀ diag(v) = vᵀ"
    Expr before;
    Expr after;
};

struct Rule {
    std::string_view name;
    // The rewritten node, or nullptr when the rule does not apply. Children are already
    // simplified.
    Expr (*apply)(Context& cx, Expr e);
};

// Every rule, in the order they are tried.
const std::vector<Rule>& simplifier_rules();

// Simplifies e to a fixed point. With `trace`, records every rule that fired.
Expr simplify(Context& cx, Expr e, std::vector<RewriteStep>* trace = nullptr);

}  // namespace matcalc
