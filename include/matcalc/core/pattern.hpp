// Patterns over the DAG: the left and right sides of rewrite rules (simplify/rules.txt) and
// the operation table's formulas (a partial derivative `?out ⊙ (1 − ?out)`), written in
// matcalc's own formula syntax with wildcards `?x` and read by the front end
// (frontend/pattern.hpp). A pattern matches a node when its operations are the node's and
// its wildcards stand for subexpressions (the same wildcard for the same node: the DAG is
// hash-consed, so that is pointer equality); instantiating it builds the expression it
// stands for through the smart constructors.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "matcalc/core/expr.hpp"

namespace matcalc {

struct OpInfo;

struct Pattern {
    enum class Kind : std::uint8_t {
        Wildcard,  // ?x: any subexpression
        Number,    // 2, 0.5: a constant of that value, of any shape
        Filled,    // vector(c), matrix(c): in a replacement, c in every entry of the shape of
                   //   its elementwise sibling (as the language's constants from context)
        Identity,  // eye: an identity of any order (a wildcard for it in a replacement)
        Operation, // an operation of the table and its arguments
    };
    Kind kind = Kind::Wildcard;
    int wildcard = -1;             // Wildcard: its index in the pattern's list
    double value = 0.0;            // Number, Filled
    const OpInfo* op = nullptr;    // Operation
    std::vector<Pattern> args;     // Operation
};

// Bound values of the wildcards, by index (nullptr: not bound yet).
using Bindings = std::vector<Expr>;

// Whether e matches p, binding wildcards in `b` (whose values are undefined on failure).
// Operands match in the order written: a rule that applies either way round is written
// both ways, so that matching is deterministic and a rule says exactly what it does.
// (A span: the simplifier tries its rules on every node and keeps the bindings on its
// stack.)
bool match(const Pattern& p, Expr e, std::span<Expr> b);

// The expression p stands for with the wildcards bound in `b`, built with the smart
// constructors (so constant folding and shape checks apply). Throws ShapeError when the
// pieces do not fit.
Expr instantiate(Context& cx, const Pattern& p, std::span<const Expr> b);

// The root operation of a pattern, or nullptr when it is not an operation.
inline const OpInfo* root_op(const Pattern& p) { return p.kind == Pattern::Kind::Operation ? p.op : nullptr; }

// Every wildcard index p uses.
void wildcards_of(const Pattern& p, std::vector<int>& out);

}  // namespace matcalc
