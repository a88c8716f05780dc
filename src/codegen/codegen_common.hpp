// What the code generators of codegen.hpp share (C++ in codegen.cpp, NumPy in
// codegen_numpy.cpp): the function's derivatives as derive takes them (gradients from one
// reverse sweep for a scalar function, Jacobians for a vector one), simplified, as one
// DAG; the arguments (the variables the function uses and the --wrt ones, in the model's
// order); the size symbols read from the arguments and the checks of the other extents;
// which diagonal and identity matrices stay factors of products (as the evaluator decides);
// and one statement per computed node in node-id order, named after the model's
// definitions (else d_<var>, t1, t2, ...), under a comment with its formula. A language
// supplies its identifiers, leaves and statements, and writes the file around them.
// Private to src/codegen*.cpp.
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "matcalc/codegen/codegen.hpp"
#include "matcalc/frontend/model.hpp"

namespace matcalc::codegen_detail {

class Generator {
public:
    Generator(Model& model, const Symbol& f, const CodegenOptions& options)
        : model_(model), cx_(model.cx()), z_(model.cx().sizes()), f_(f), options_(options) {}
    virtual ~Generator() = default;
    Generator(const Generator&) = delete;
    Generator& operator=(const Generator&) = delete;

    // The file: the DAG of the function and its derivatives with respect to `wrt` (declared
    // variables), its statements, then file().
    std::string run(const std::vector<std::string>& wrt);

protected:
    struct Param {
        const Symbol* symbol;
        std::string id;
    };
    // An extent of an argument (axis 0: rows, 1: columns) that reads a size symbol
    // (binding) or must equal one (check).
    struct Extent {
        const Param* param;
        int axis;
        Dim size;
    };

    // ---- the language ------------------------------------------------------------------
    // An identifier for a model's name (cpp_identifier, python_identifier).
    virtual std::string identifier(std::string_view name) const = 0;
    // Names the file uses besides the function's (taken before any argument is named).
    virtual std::vector<std::string> reserved() const { return {}; }
    // The text of a leaf (variable, constant, identity, size), or empty for other nodes.
    virtual std::string leaf(Expr e) const = 0;
    // The statements computing e into a new variable `name` (through line()).
    virtual void emit(Expr e, const std::string& name) = 0;
    // What an implicit factor (a diagonal or identity matrix never formed) reads as.
    virtual std::string implicit_text(Expr e) const = 0;
    virtual std::string_view comment_mark() const = 0;  // "//", "#"
    // The whole file, from what run() found: the parameters, sizes, checks, statements.
    virtual std::string file() = 0;

    // ---- for the language ----------------------------------------------------------------
    bool scalar(Expr e) const { return cx_.is_scalar(e); }
    std::string fresh(const std::string& base);
    // A size as an expression of the size symbols bound from the arguments ("n", "(m * n)").
    std::string dim(Dim d) const;
    std::string shape_text(Expr e) const {
        Shape s = cx_.shape(e);
        return z_.name(s.rows) + " × " + z_.name(s.cols);
    }
    const std::string& text(Expr e) const;
    // A diagonal or identity matrix that is only a factor of products: never formed.
    bool implicit(Expr e) const;
    // The argument a node is, or nullptr.
    const Param* param_of(Expr e) const;
    const Param& param_of(const Symbol* s) const { return *param_of(s->expr); }
    void line(const std::string& s) { body_ << "    " << s << "\n"; }
    // "mark shown = formula": the node with the model's names, or with every statement's
    // name when that is too long.
    std::string comment(Expr e, const std::string& shown);
    // "f and its gradients with respect to x, y" (Jacobians for a vector function).
    std::string what() const;
    // The size checks, one statement an argument: statement(argument, conditions), where
    // conditions are condition(extent) of its checked extents joined by `join`.
    std::string size_checks(std::string_view join, const std::function<std::string(const Extent&)>& condition,
                            const std::function<std::string(const Param&, const std::string&)>& statement) const;

    Model& model_;
    Context& cx_;
    const SizeTable& z_;
    const Symbol& f_;
    const CodegenOptions& options_;
    std::string fid_;                      // the function's name as an identifier
    bool scalar_f_ = false;                // gradients (else Jacobians)
    std::vector<const Symbol*> wrt_;       // the --wrt variables
    std::vector<Expr> roots_;              // f, then its derivative with respect to each of wrt_
    std::vector<Param> params_;            // the function's arguments
    std::vector<const Param*> unused_;     // arguments neither the value nor the derivatives use
    std::unordered_map<Dim, std::string> size_names_;
    std::vector<Extent> bindings_;         // the extents that name size symbols
    std::vector<Extent> checks_;           // the extents that must equal their size
    mutable std::unordered_set<Dim> used_sizes_;  // bound from the arguments only if used
    bool statement_names_only_ = false;           // comments in statements' names (a long program)
    std::ostringstream body_;              // the statements

private:
    void bind_sizes();
    void find_implicit(const std::vector<Expr>& order);

    std::unordered_map<Expr, std::size_t> param_index_;
    std::unordered_set<std::string> taken_;
    std::unordered_map<Expr, std::string> names_;     // the model's definitions (name_definitions)
    std::unordered_map<Expr, std::string> computed_;  // every statement's node → its name, for long comments
    std::vector<std::string> text_;  // by node id: the text of the node's value
    std::vector<char> dense_;        // by node id: formed, not only a factor of products
};

}  // namespace matcalc::codegen_detail
