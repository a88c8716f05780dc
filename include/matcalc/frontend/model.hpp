// A bound model: the program's declarations and definitions resolved to DAG nodes in one
// Context, sizes unified, every input error reported against the source.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "matcalc/frontend/ast.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/core/expr.hpp"

namespace matcalc {

struct Symbol {
    enum class Kind { Declared, Defined } kind = Kind::Declared;
    std::string name;
    std::string role;      // "", "param", "input", "target" (declarations)
    Expr expr = nullptr;   // the variable node, or the definition's expression
    Shape declared_shape;  // declarations: the declared shape
    // As declared: a matrix(2, 1) is a matrix (its gradient is shaped like it), a
    // vector(1) a vector (its value is written as a list).
    ast::TypeSpec::Kind type = ast::TypeSpec::Kind::Scalar;
    SourceRange range;     // the name where it is declared or defined
    ast::OptionalBox<ast::Expr> initial_value;
    ast::OptionalBox<ast::Expr> initializer;
    // A definition cut out by BindOptions::free_definitions: its original expression,
    // which gives the variable its value.
    Expr cut_from = nullptr;
};

struct BindOptions {
    // Definitions to cut out and treat as free variables of their own shape, so that
    // `--wrt z` differentiates with respect to an intermediate quantity (∂L/∂z).
    std::vector<std::string> free_definitions;
    // --infer: a name that is not declared is declared by matrixcalculus.org's convention
    // (a–g scalars, h–z vectors, A–Z matrices, other letters scalars), its sizes taken
    // from its uses (named n, m, k, ... where nothing fixes them).
    bool infer = false;
};

// An unknown name, for the hint that proposes its declaration.
struct UnknownName : InputError {
    UnknownName(std::string name, const std::string& message, SourceRange at, std::vector<std::string> notes)
        : InputError(message, at, std::move(notes)), name(std::move(name)) {}
    std::string name;
};

class Model {
public:
    Model(Source source, std::unique_ptr<Context> cx)
        : source_(std::move(source)), cx_(std::move(cx)) {}

    const Source& source() const { return source_; }
    Context& cx() { return *cx_; }
    const Context& cx() const { return *cx_; }
    const std::vector<Symbol>& symbols() const { return symbols_; }
    const Symbol* find(std::string_view name) const;
    // The definitions in order, but `except` (the function being differentiated): what
    // the printers show by name (name_definitions in simplify.hpp).
    std::vector<NamedExpr> definitions(const Symbol* except = nullptr) const;
    // The function to differentiate: `--of NAME`, or the last definition.
    const Symbol& function(const std::optional<std::string>& of) const;
    // Binds one more expression in this model's scope (round-trip tests, values).
    Expr bind_expression(std::string_view text);
    // The same for an expression that is a text of its own (`compare --claim`): errors
    // are located in `text`.
    Expr bind_expression(const Source& text);

    std::vector<Symbol>& mutable_symbols() { return symbols_; }
    // With BindOptions::infer: the declarations assumed, in order of first use
    // ("w, x : vector(n)", "b : scalar"), empty when every name was declared.
    const std::vector<std::string>& assumed() const { return assumed_; }
    std::vector<std::string>& mutable_assumed() { return assumed_; }
    // The calls of the model's own functions (`swish(W x)` after `swish(t) = ...`), each
    // with what it expanded to, as written: the steps show a call as the model wrote it.
    struct WrittenCall {
        Expr expr;
        std::string text;
    };
    const std::vector<WrittenCall>& written_calls() const { return written_calls_; }
    std::vector<WrittenCall>& mutable_written_calls() { return written_calls_; }

private:
    Source source_;
    std::unique_ptr<Context> cx_;
    std::vector<Symbol> symbols_;
    std::vector<std::string> assumed_;
    std::vector<WrittenCall> written_calls_;
    // find()'s index by name, brought up to date with the symbols appended since.
    mutable std::unordered_map<std::string, std::size_t> by_name_;
    mutable std::size_t indexed_ = 0;
};

// Parses and binds. Throws InputError with the position of the first problem.
Model load_model(const Source& source, const BindOptions& options = {});
Model bind_program(const Source& source, const ast::Program& program, const BindOptions& options = {});

}  // namespace matcalc
