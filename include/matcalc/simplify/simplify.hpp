// The simplifier: named rewrite rules applied bottom-up to a fixed point, plus a normal
// form for elementwise products (coefficients first, equal factors collected, factors
// that cancel removed), so that results read as a person writes them: xᵀ, not
// 1ᵀ diag(x) I; σ(z) − y, not (σ(z) − y) ⊘ (σ(z) ⊙ (1 − σ(z))) ⊙ σ(z) ⊙ (1 − σ(z)).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "matcalc/core/expr.hpp"

namespace matcalc {

struct RewriteStep {
    std::string_view rule;  // the rule's name, e.g. "1ᵀ diag(v) = vᵀ"
    Expr before;
    Expr after;
    std::string_view id;    // the rule's id in rules.txt, e.g. "ones-diag"
};

// Nodes the normal forms keep whole: a product or sum that is one of the model's
// definitions stays one factor or term, so its name can still be printed. A set by node
// id (a program of 100 000 definitions has as many, and a hash set allocates for each).
class Atoms {
public:
    void insert(Expr e) {
        if (members_.get(e)) return;
        members_[e] = 1;
        list_.push_back(e);
    }
    bool count(Expr e) const { return members_.get(e) != 0; }
    const std::vector<Expr>& list() const { return list_; }  // in the order inserted

private:
    NodeMap<char> members_;
    std::vector<Expr> list_;
};

struct PatternRule;  // rule_file.cpp

// A rewrite rule: a line of src/simplify/rules.txt, a pattern and its replacement or the
// name of a procedure in C++.
struct Rule {
    std::string id;    // "transpose-product": tests name rules by it
    std::string name;  // "(A B)ᵀ = Bᵀ Aᵀ": what `derive --steps` says
    // A procedure: the rewritten node, or nullptr when the rule does not apply. Children
    // are already simplified.
    Expr (*procedure)(Context& cx, Expr e, const Atoms& atoms) = nullptr;
    std::shared_ptr<const PatternRule> pattern;  // or the pattern rule
    int line = 0;                          // in rules.txt

    // The rewritten node, or nullptr when the rule does not apply to e.
    Expr apply(Context& cx, Expr e, const Atoms& atoms) const;
};

// Every rule, in the order they are tried (the order of rules.txt), read and checked once:
// both sides parse, the wildcards of the replacement and the guards are bound by the
// pattern, the guards and procedures exist, and the two sides have the same shape.
const std::vector<Rule>& simplifier_rules();
// The rules that can apply to a node of operation `op`, in order.
const std::vector<const Rule*>& rules_for(Op op);

// Reads a rules file (rules.txt's format) against `procedures` (id → C++ rule). Throws
// InputError naming the line for anything malformed. Exposed for the tests.
std::vector<Rule> read_rules(std::string_view text,
                             const std::vector<std::pair<std::string_view, Expr (*)(Context&, Expr, const Atoms&)>>& procedures);

// A simplifier whose memo lasts across calls (simplifying a model's definitions and
// then its derivatives costs each shared node once).
class Simplifier {
public:
    explicit Simplifier(Context& cx, std::vector<RewriteStep>* trace = nullptr) : cx_(cx), trace_(trace) {}
    // Keeps e (and what it simplifies to) whole inside products and sums from now on.
    void keep_whole(Expr e);
    Expr operator()(Expr e) { return run(e); }
    // Records the rules that fire from now on (nullptr: stop recording). Nodes simplified
    // before are remembered and fire nothing again.
    void set_trace(std::vector<RewriteStep>* trace) { trace_ = trace; }

private:
    Expr run(Expr e);
    Expr with_simplified_args(Expr e);

    Context& cx_;
    std::vector<RewriteStep>* trace_;
    NodeMap<Expr> memo_;  // what each node simplifies to; nullptr: not yet simplified
    Atoms atoms_;
    long budget_ = 200000;  // rewrites; a safety net against rules that undo each other
};

// Prepares `simplifier` to keep the definitions readable and returns their names for the
// printers: every definition is simplified in order and kept whole inside products and
// sums, so that a derivative that contains it prints its name (step(z) xᵀ). Definitions
// that are only a name or a number get no name, and monomials of variables (g1 = x²) stay
// open so that factors can still cancel (2x / g1 = 2/x, as the lecture writes it).
// With `function`, the function too when it is a matrix product (w = M⁻¹ Xᵀ y), so that
// its derivative reads −M⁻¹ w.
std::unordered_map<Expr, std::string> name_definitions(Simplifier& simplifier, std::span<const NamedExpr> definitions,
                                                       const NamedExpr* function = nullptr);

// Simplifies e to a fixed point. With `trace`, records every rule that fired.
Expr simplify(Context& cx, Expr e, std::vector<RewriteStep>* trace = nullptr);

}  // namespace matcalc
