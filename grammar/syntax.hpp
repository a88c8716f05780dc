// Internal syntax types of the grammar and the functions that build public ast::Expr
// nodes from them. Expressions are built bottom-up while parsing (no intermediate tree),
// each with its depth, so that too deep a tree is reported as soon as it would form and
// memory stays proportional to the final syntax tree.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <boost/optional.hpp>

#include "matcalc/frontend/ast.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/frontend/parser.hpp"

namespace matcalc::grammar {

// Maximum depth of an expression's syntax tree (every operator, call, transpose and
// matrix literal is one level). A sum of 1000 terms is 1000 deep. Later passes recurse
// over the tree; this keeps them far from the stack limit. Longer formulas can be split
// into several definitions.
inline constexpr std::size_t kMaxExpressionDepth = 1000;

// A token as written: an operator, a name, a keyword.
struct Token {
    std::string text;
    SourceRange range;
};

// An expression being built, with the depth of its tree.
struct Node {
    ast::Expr expr;
    std::size_t depth = 1;
    bool implicit_product = false;  // `3x`: a unary sign in front applies to the number
};

// `-`, `+`, `−` in front of an operand (factor or exponent).
struct SignedOperand {
    std::vector<Token> signs;
    Node operand;
};

// One `^ operand` of a power chain.
struct PowerStep {
    Token op;
    SignedOperand exponent;
};

struct PowerParts {
    Node base;
    std::vector<PowerStep> steps;
};

// `= expr` or `~ initializer` after a declaration's type.
struct InitPart {
    Token op;
    Node value;
};

struct DeclParts {
    std::vector<Token> names;
    ast::TypeSpec type;
    boost::optional<InitPart> init;
};

struct RoleDecl {
    Token role;
    DeclParts decl;
};

struct FunctionParts {
    Token name;
    std::vector<Token> parameters;
    Node value;
};

struct DefParts {
    Token name;
    Node value;
};

[[noreturn]] inline void too_deep(SourceRange at) {
    throw InputError("expression nested too deeply (more than " +
                         std::to_string(kMaxExpressionDepth) + " levels of operations)",
                     at, {"split it into several definitions"});
}

inline void check_depth(std::size_t depth, SourceRange at) {
    if (depth > kMaxExpressionDepth) too_deep(at);
}

inline Node make_leaf(ast::ExprKind kind, std::string text, SourceRange range) {
    Node n;
    n.expr.kind = kind;
    n.expr.text = std::move(text);
    n.expr.range = range;
    n.expr.op_range = range;
    return n;
}

inline Node make_binary(Token op, Node lhs, Node rhs) {
    Node n;
    n.depth = 1 + std::max(lhs.depth, rhs.depth);
    check_depth(n.depth, op.range);
    n.expr.kind = ast::ExprKind::Binary;
    n.expr.text = std::move(op.text);
    n.expr.op_range = op.range;
    n.expr.range = {lhs.expr.range.begin, rhs.expr.range.end};
    n.expr.args.reserve(2);
    n.expr.args.push_back(std::move(lhs.expr));
    n.expr.args.push_back(std::move(rhs.expr));
    return n;
}

inline Node make_prefix(ast::ExprKind kind, Token op, Node arg) {
    Node n;
    n.depth = 1 + arg.depth;
    check_depth(n.depth, op.range);
    n.expr.kind = kind;
    n.expr.text = std::move(op.text);
    n.expr.op_range = op.range;
    n.expr.range = {op.range.begin, arg.expr.range.end};
    n.expr.args.push_back(std::move(arg.expr));
    return n;
}

inline Node make_transpose(Token op, Node arg) {
    Node n;
    n.depth = 1 + arg.depth;
    check_depth(n.depth, op.range);
    n.expr.kind = ast::ExprKind::Transpose;
    n.expr.text = std::move(op.text);
    n.expr.op_range = op.range;
    n.expr.range = {arg.expr.range.begin, op.range.end};
    n.expr.args.push_back(std::move(arg.expr));
    return n;
}

// Applies `signs` (outermost first) to `operand`.
inline Node apply_signs(std::vector<Token>& signs, Node operand) {
    for (auto it = signs.rbegin(); it != signs.rend(); ++it)
        operand = make_prefix(ast::ExprKind::Unary, std::move(*it), std::move(operand));
    return operand;
}

// Unary signs bind tighter than an implicit product (docs/language.md): `-3x` is (-3)*x.
inline Node build_signed(SignedOperand parts) {
    if (parts.signs.empty()) return std::move(parts.operand);
    Node& op = parts.operand;
    if (!op.implicit_product) return apply_signs(parts.signs, std::move(op));
    Node number;
    number.expr = std::move(op.expr.args[0]);
    Node rhs;
    rhs.expr = std::move(op.expr.args[1]);
    rhs.depth = op.depth - 1;  // upper bound, exact enough for the limit
    Token star{std::move(op.expr.text), op.expr.op_range};
    number = apply_signs(parts.signs, std::move(number));
    return make_binary(std::move(star), std::move(number), std::move(rhs));
}

// base ^ s1 e1 ^ s2 e2 ... is base ^ (s1 (e1 ^ (s2 (e2 ...)))): right-associative, and a
// sign in an exponent covers the rest of the chain (`x^-y^2` is x^(-(y^2))).
inline Node build_power(PowerParts parts) {
    if (parts.steps.empty()) return std::move(parts.base);
    auto& steps = parts.steps;
    Node rhs = apply_signs(steps.back().exponent.signs, std::move(steps.back().exponent.operand));
    for (std::size_t i = steps.size() - 1; i-- > 0;) {
        Node inner = make_binary(std::move(steps[i + 1].op), std::move(steps[i].exponent.operand),
                                 std::move(rhs));
        rhs = apply_signs(steps[i].exponent.signs, std::move(inner));
    }
    return make_binary(std::move(steps.front().op), std::move(parts.base), std::move(rhs));
}

// Appends a call argument or a matrix element, keeping the depth (the parent is one
// level above its deepest child).
inline void add_child_depth(Node& parent, const Node& child) {
    parent.depth = std::max(parent.depth, child.depth + 1);
    check_depth(parent.depth, child.expr.range);
}

}  // namespace matcalc::grammar
