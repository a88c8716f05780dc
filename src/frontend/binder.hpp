// The binder's class, shared by its two files: binder.cpp (statements, declarations,
// names, sizes and the model) and binder_expressions.cpp (expressions, calls, indexing and
// the textbook notation). Internal to the frontend stage.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "matcalc/frontend/ast.hpp"
#include "matcalc/frontend/model.hpp"

namespace matcalc::binding {

// A function of the model that calls itself: reported at its definition, unlike shape
// problems of its body, which depend on the arguments and are reported at calls.
struct RecursiveCall : InputError {
    using InputError::InputError;
};

// From syntax tree to DAG: names resolved in order (a definition may use earlier names
// only), spellings resolved through the operation table, shapes checked and sizes
// unified; every problem becomes an InputError pointing at the offending text.
class Binder {
public:
    Binder(Model& model, const BindOptions& options) : m_(model), cx_(model.cx()), options_(options) {}

    void statement(const ast::Statement& s);

    Expr expr(const ast::Expr& e, int depth = 0);

private:
    // A position in an index: a size symbol (0 for none) plus an integer, `n+1`, `3`, `n`.
    struct Position {
        Dim symbol = 0;
        long long offset = 0;
    };

    Position position(const ast::Expr& a);

    // The first entry (from 0) and the count that one index selects along a dimension of
    // `extent` entries.
    std::pair<Dim, Dim> selection(const std::vector<ast::Expr>& item, Dim extent, const ast::Expr& e, const char* what);

    Expr index(const ast::Expr& e, int depth);

    std::string text_of(SourceRange r) const;

    template <class F>
    Expr guarded(const ast::Expr& e, F&& build, std::optional<SourceRange> where = std::nullopt) {
        try {
            return build();
        } catch (const ShapeError& err) {
            std::vector<std::string> notes;
            for (const std::string& n : err.notes) {
                if (n == "vector-product" && e.args.size() == 2) {
                    std::string a = text_of(e.args[0].range), b = text_of(e.args[1].range);
                    notes.push_back(fmt::format("did you mean {0}·{1} (inner product), {0} ⊙ {1} (elementwise) or {0} * {1}' (outer product)?", a, b));
                } else {
                    notes.push_back(n);
                }
            }
            SourceRange at = where ? *where : (e.op_range.end > e.op_range.begin ? e.op_range : e.range);
            throw InputError(err.what(), at, notes);
        } catch (const std::overflow_error& err) {  // a size product or sum beyond 2^40
            throw InputError(fmt::format("the sizes here are too large ({})", err.what()), e.range);
        }
    }

    // A name the model gives a meaning (declared, defined or a size): such a name keeps
    // it, and the textbook readings of T, e and π give way.
    bool model_name(const std::string& n) const { return m_.find(n) || cx_.sizes().find(n); }

    // Powers that textbooks write for something else (docs/language.md, "Textbook
    // notation"): x^T, x^⊤ and x^{T} are the transpose, e^x is exp(x), and a superscript
    // ⁻¹ on a square matrix is its inverse (as the printers write inv(X)). nullptr for
    // an ordinary power.
    Expr textbook_power(const ast::Expr& e, int depth);

    std::vector<std::string> known_names() const;

    Expr name(const ast::Expr& e);

    // --infer: declares `e` where it is first used, by the convention of
    // BindOptions::infer; its sizes are flexible until the model is bound.
    Expr assume(const ast::Expr& e);

public:
    // After the whole model: the assumed names' free sizes get names (n, m, k, ...), and
    // the model records the declarations assumed, grouped as a person would write them.
    void name_assumed_sizes();

private:
    std::vector<std::string> assumed_;

    Dim size_argument(const ast::Expr& a);

    double constant_argument(const ast::Expr& a, int depth);

    // `sin (x)`: a function's name, a blank, then a parenthesis reads as the call (the
    // grammar makes it a juxtaposition, as `δ₂ (x)ᵀ` with a name of the model must be).
    const ast::Expr* spaced_call(const ast::Expr& e);
    std::vector<std::unique_ptr<ast::Expr>> spaced_calls_;

    Expr call(const ast::Expr& e, int depth);

    // A function of the model: its body bound with the parameters standing for the
    // arguments, so that they take the arguments' shapes at each call.
    struct ModelFunction {
        const ast::Definition* definition;
    };

    Expr call_model_function(const ast::Expr& e, const ModelFunction& mf, int depth);

    void function_definition(const ast::Definition& d);

    std::unordered_map<std::string, ModelFunction> functions_;
    std::vector<std::unordered_map<std::string, Expr>> scopes_;
    std::set<std::string> expanding_;

    // sum(X, k), softmax(Z, k), ...: the axis is the literal 1 or 2, as MATLAB's dim (a
    // value would make the result's shape depend on it).
    void check_axis(const ast::Expr& a, const std::string& f);

    void check_new_name(const ast::NameRef& n);

    Shape shape_of(const ast::TypeSpec& t);

    void declaration(const ast::Declaration& d);

    void definition(const ast::Definition& d);

    Model& m_;
    Context& cx_;
    const BindOptions& options_;
};

}  // namespace matcalc::binding
