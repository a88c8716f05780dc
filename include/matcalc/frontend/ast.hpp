// The syntax tree produced by the grammar (grammar/), before names and shapes are
// resolved. Operators and function names are kept as spelled in the source; the binder
// resolves spellings through the operation table, which is the one place that lists them.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "matcalc/io/diagnostics.hpp"

namespace matcalc::ast {

struct Expr;

enum class ExprKind {
    Number,     // `number`
    Name,       // `text` = identifier (ASCII or Unicode letters, digits, _)
    Call,       // `text` = function name as written (`exp`, `σ`, `√`), `args`;
                //   `‖a‖` is a Call with text "‖"; `vector(c)`/`matrix(c)` are Calls too
    Unary,      // `text` = "-" or "+" (or "−"), args[0]
    Binary,     // `text` = operator as written ("+", "-", "−", "*", "/", "./", "⊘", "·",
                //   "⊙", ".*", "∘", "⊗", "^", ".^"); implicit products (`3x`) and
                //   juxtaposition (`wᵀx`, `W x`) use "*" with an empty op_range
    Transpose,  // `text` = "'" or "ᵀ", args[0]
    Matrix,     // `[a, b; c, d]`: `rows[i]` holds the elements of row i
    Index,      // `x[2]`, `X[1:2, :]`: args[0] is indexed; rows[k] is the k-th index: empty
                //   for `:`, [i] for one position, [first, last] for a range (1-based)
};

struct Expr {
    ExprKind kind = ExprKind::Number;
    std::string text;
    double number = 0.0;
    std::vector<Expr> args;
    std::vector<std::vector<Expr>> rows;
    SourceRange range;  // the whole expression
    SourceRange op_range;  // the operator token (Binary/Unary/Transpose), the name (Call)
    // A Binary "^" written as a superscript (x², X⁻¹): the binder reads ⁻¹ of a square
    // matrix as its inverse, as the printers write inv(X).
    bool superscript = false;
};

// A term of a size's sum: a coefficient times sizes (`2n` is {2, {n}}, `m*n` {1, {m, n}}).
struct SizeTerm {
    long long coefficient = 1;
    std::vector<std::string> symbols;
};

// One size in a type: a positive integer, a symbol such as `n`, or sums and products of
// them (`p + 1`, `2n`, `m*n`), in `terms`.
struct Size {
    std::string symbol;  // empty for an integer size or a sum
    long long value = 0;
    SourceRange range;
    std::vector<SizeTerm> terms;  // a sum or product of sizes; empty for one integer or name
};

struct TypeSpec {
    enum class Kind { Scalar, Vector, Matrix } kind = Kind::Scalar;
    std::vector<Size> sizes;  // 0 for scalar, 1 for vector, 2 for matrix
    std::string spelling;     // as written: "scalar", "real", "vec", ...
    SourceRange range;
};

struct NameRef {
    std::string name;
    SourceRange range;
};

// An optional expression held on the heap: a declaration's `= value` or `~ initializer`
// (and the Symbol that keeps them). Most declarations have neither, and a std::optional
// would hold an Expr's bytes in place twice, making every Statement (a variant sized by
// its largest alternative) twice as large: a program of 100 000 lines holds 100 000.
template <class T>
class OptionalBox {
public:
    OptionalBox() = default;
    OptionalBox(const OptionalBox& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    OptionalBox(OptionalBox&&) noexcept = default;
    OptionalBox& operator=(const OptionalBox& o) {
        if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    OptionalBox& operator=(OptionalBox&&) noexcept = default;
    OptionalBox& operator=(T value) {
        p_ = std::make_unique<T>(std::move(value));
        return *this;
    }
    explicit operator bool() const { return p_ != nullptr; }
    const T& operator*() const { return *p_; }
    T& operator*() { return *p_; }
    const T* operator->() const { return p_.get(); }
    T* operator->() { return p_.get(); }

private:
    std::unique_ptr<T> p_;
};

// `[param|input|target] a, b : type [= expr | ~ initializer]`
struct Declaration {
    std::string role;  // "", "param", "input" or "target"
    std::vector<NameRef> names;
    TypeSpec type;
    OptionalBox<Expr> initial_value;  // `= [0.1; 0.2]`
    OptionalBox<Expr> initializer;    // `~ glorot`, `~ normal(0, 0.1)`: a Name or Call
    SourceRange range;
};

// `name = expr`, or a function of the model `name(p, q) = expr` (parameters non-empty).
struct Definition {
    NameRef name;
    Expr value;
    SourceRange range;
    std::vector<NameRef> parameters;
};

using Statement = std::variant<Declaration, Definition>;

struct Program {
    std::vector<Statement> statements;
};

}  // namespace matcalc::ast
