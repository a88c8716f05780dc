// `matcalc codegen --lang cpp` (codegen.hpp): the simplified derivative DAG written out as
// Eigen statements, one per computed node in node-id order (a topological order), each
// under a comment with its formula. What every node computes, and how, follows
// Evaluator::step in eval.cpp, so that the generated code gives the evaluator's numbers.
#include "matcalc/codegen.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "matcalc/derive.hpp"
#include "matcalc/diagnostics.hpp"
#include "matcalc/model.hpp"
#include "matcalc/ops.hpp"
#include "matcalc/print.hpp"
#include "matcalc/simplify.hpp"

namespace matcalc {

namespace {

// Helpers the statements call, emitted when used.
constexpr std::string_view kKronHelper = R"(// kron(A, B), formed: the Jacobians of matrix variables have Kronecker products.
inline Eigen::MatrixXd kron(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) {
    Eigen::MatrixXd K(A.rows() * B.rows(), A.cols() * B.cols());
    for (Eigen::Index j = 0; j < A.cols(); ++j)
        for (Eigen::Index i = 0; i < A.rows(); ++i)
            K.block(i * B.rows(), j * B.cols(), B.rows(), B.cols()) = A(i, j) * B;
    return K;
}
)";
constexpr std::string_view kCommutationHelper = R"(// The commutation matrix K(m, n), formed: K vec(A) = vec(Aᵀ) for an m × n matrix A.
inline Eigen::MatrixXd commutation(Eigen::Index m, Eigen::Index n) {
    Eigen::MatrixXd K = Eigen::MatrixXd::Zero(m * n, m * n);
    for (Eigen::Index i = 0; i < m; ++i)
        for (Eigen::Index j = 0; j < n; ++j) K(j + i * n, i + j * m) = 1.0;
    return K;
}
)";

// A comment longer than this prints the temporaries by name instead (a derivative
// printed as a tree can be much longer than its DAG).
constexpr std::size_t kCommentLength = 100;

class Generator {
public:
    Generator(Model& model, const Symbol& f, const CodegenOptions& options)
        : model_(model), cx_(model.cx()), z_(model.cx().sizes()), f_(f), options_(options) {}

    std::string run(const std::vector<std::string>& wrt);

private:
    struct Param {
        const Symbol* symbol;
        std::string id;
    };

    bool scalar(Expr e) const { return cx_.is_scalar(e); }
    std::string fresh(const std::string& base);
    std::string dim(Dim d) const;
    std::string shape_text(Expr e) const {
        Shape s = cx_.shape(e);
        return z_.name(s.rows) + " × " + z_.name(s.cols);
    }
    const std::string& text(Expr e) const {
        if (text_[e->id].empty()) throw std::logic_error("codegen: a node used before it is computed");
        return text_[e->id];
    }
    // As a matrix (a scalar as a 1×1 matrix, as the evaluator holds it).
    std::string mat(Expr e) const { return scalar(e) ? "Eigen::MatrixXd::Constant(1, 1, " + text(e) + ")" : text(e); }
    // A diagonal or identity matrix that is only a factor of products: never formed.
    bool implicit(Expr e) const {
        Kind k = e->op->kind;
        return (k == Kind::Diag || k == Kind::Identity) && !dense_[e->id];
    }
    std::string leaf(Expr e) const;
    std::string comment(Expr e, const std::string& shown);
    void bind_sizes();
    void emit(Expr e, const std::string& name);
    std::string elementwise(Expr e) const;
    std::string broadcast(Expr arg, Expr out) const;
    std::string product(Expr e) const;
    void line(const std::string& s) { body_ << "    " << s << "\n"; }

    Model& model_;
    Context& cx_;
    const SizeTable& z_;
    const Symbol& f_;
    const CodegenOptions& options_;
    std::string fid_;  // the function's name as an identifier
    std::vector<Param> params_;
    std::unordered_map<Expr, std::size_t> param_of_;
    std::unordered_set<std::string> taken_;
    std::unordered_map<Expr, std::string> names_;     // the model's definitions (name_definitions)
    std::unordered_map<Expr, std::string> computed_;  // every statement's node → its name, for long comments
    std::unordered_map<Dim, std::string> size_names_;
    mutable std::unordered_set<Dim> used_sizes_;  // bound from the arguments only if used
    std::vector<std::pair<Dim, std::string>> bindings_;  // a size symbol, the argument's extent
    std::string checks_, unused_;
    std::vector<std::string> text_;  // by node id: the C++ text of the node's value
    std::vector<char> dense_;        // by node id: formed, not only a factor of products
    bool kron_ = false, commutation_ = false;
    std::ostringstream body_;
};

std::string Generator::fresh(const std::string& base) {
    std::string name = base;
    for (int k = 2; taken_.count(name); ++k) name = fmt::format("{}_{}", base, k);
    taken_.insert(name);
    return name;
}

std::string Generator::dim(Dim d) const {
    d = z_.resolve(d);
    if (!is_symbol(d)) return std::to_string(d);
    auto join = [&](const std::vector<Dim>& parts, const char* op) {
        std::string s;
        for (Dim p : parts) s += (s.empty() ? "" : op) + dim(p);
        return "(" + s + ")";
    };
    if (!z_.factors(d).empty()) return join(z_.factors(d), " * ");
    if (!z_.terms(d).empty()) return join(z_.terms(d), " + ");
    if (auto it = size_names_.find(d); it != size_names_.end()) {
        used_sizes_.insert(d);
        return it->second;
    }
    throw InputError(fmt::format("codegen: the size {} is not fixed by any argument of the function", z_.name(d)),
                     std::nullopt, {"declare a variable of that size that the function uses"});
}

std::string Generator::leaf(Expr e) const {
    const Shape s = cx_.shape(e);
    switch (e->op->kind) {
    case Kind::Variable: {
        auto it = param_of_.find(e);
        if (it == param_of_.end()) throw std::logic_error("codegen: a variable that is not a parameter");
        const Param& p = params_[it->second];
        // A vector(1) or matrix(1, 1) argument is a scalar in the DAG.
        if (scalar(e) && p.symbol->type != ast::TypeSpec::Kind::Scalar)
            return p.id + (p.symbol->type == ast::TypeSpec::Kind::Vector ? "(0)" : "(0, 0)");
        return p.id;
    }
    case Kind::Constant:
        if (scalar(e)) return cpp_number(e->value);
        return fmt::format("Eigen::MatrixXd::Constant({}, {}, {})", dim(s.rows), dim(s.cols), cpp_number(e->value));
    case Kind::Identity:
        return scalar(e) ? "1.0" : fmt::format("Eigen::MatrixXd::Identity({}, {})", dim(s.rows), dim(s.cols));
    case Kind::Size:
        return "static_cast<double>(" + dim(e->dim) + ")";
    default:
        return {};
    }
}

// "// shown = formula": the node with the model's names, or with every statement's name
// when that is too long.
std::string Generator::comment(Expr e, const std::string& shown) {
    PrintOptions po;
    po.style = Style::Unicode;
    po.max_length = 4 * kCommentLength;  // printing stops there: a shared DAG can print as a huge tree
    // The node itself is printed as its formula, not as its own name.
    auto own = names_.extract(e);
    po.names = &names_;
    std::string formula = print(cx_, e, po);
    if (formula.size() > kCommentLength) {
        po.names = &computed_;
        formula = print(cx_, e, po);
    }
    if (!own.empty()) names_.insert(std::move(own));
    return "// " + shown + " = " + formula;
}

// Size symbols from the arguments' dimensions (bindings_), and a check that arguments
// sharing a size agree and that fixed sizes are as declared (checks_).
void Generator::bind_sizes() {
    struct Extent {
        const Param* p;
        const char* what;  // rows() / cols()
        Dim d;
    };
    std::vector<Extent> extents;
    for (const Param& p : params_) {
        if (p.symbol->type == ast::TypeSpec::Kind::Scalar) continue;
        Shape s = cx_.shape(p.symbol->expr);
        extents.push_back({&p, "rows()", z_.resolve(s.rows)});
        if (p.symbol->type == ast::TypeSpec::Kind::Matrix) extents.push_back({&p, "cols()", z_.resolve(s.cols)});
    }
    std::vector<const Extent*> binders;
    for (const Extent& x : extents) {
        if (!is_symbol(x.d) || !z_.factors(x.d).empty() || !z_.terms(x.d).empty() || size_names_.count(x.d)) continue;
        size_names_[x.d] = fresh(cpp_identifier(z_.name(x.d)));
        binders.push_back(&x);
    }
    for (const Extent* x : binders) bindings_.emplace_back(x->d, fmt::format("{}.{}", x->p->id, x->what));
    for (const Param& p : params_) {
        std::string conditions;
        for (const Extent& x : extents)
            if (x.p == &p && std::find(binders.begin(), binders.end(), &x) == binders.end())
                conditions += fmt::format("{}{}.{} != {}", conditions.empty() ? "" : " || ", p.id, x.what, dim(x.d));
        if (conditions.empty()) continue;
        Shape s = cx_.shape(p.symbol->expr);
        checks_ += fmt::format("    if ({}) throw std::invalid_argument(\"{}_and_gradients: {} must be {} x {}\");\n",
                               conditions, fid_, p.id, z_.name(s.rows), z_.name(s.cols));
    }
}

// One operand of a broadcasting elementwise operation: a row repeated over the rows, a
// column over the columns (as Evaluator::step indexes them).
std::string Generator::broadcast(Expr arg, Expr out) const {
    Shape a = cx_.shape(arg), o = cx_.shape(out);
    bool rows = z_.is_one(a.rows) && !z_.is_one(o.rows), cols = z_.is_one(a.cols) && !z_.is_one(o.cols);
    if (!rows && !cols) return text(arg);
    return fmt::format("{}.replicate({}, {})", text(arg), rows ? dim(o.rows) : "1", cols ? dim(o.cols) : "1");
}

std::string Generator::elementwise(Expr e) const {
    const OpInfo& op = *e->op;
    const std::vector<Expr>& a = e->args;
    if (op.cpp.empty()) throw std::logic_error(fmt::format("codegen: the operation {} has no cpp formula", op.name));
    if (scalar(e))  // then every argument is a scalar
        return cpp_formula(op.cpp, &text(a[0]), a.size() > 1 ? &text(a[1]) : nullptr);
    const std::string cpp(op.cpp);
    if (a.size() == 1) return broadcast(a[0], e) + ".unaryExpr([](double a) { return " + cpp + "; })";
    const bool s0 = scalar(a[0]), s1 = scalar(a[1]);
    if (!s0 && !s1)
        return broadcast(a[0], e) + ".binaryExpr(" + broadcast(a[1], e) + ", [](double a, double b) { return " + cpp +
               "; })";
    // A scalar with a matrix: the matrix's entries are the argument of the function; the
    // scalar is written in (a number) or captured under its placeholder's name.
    Expr s = s0 ? a[0] : a[1], m = s0 ? a[1] : a[0];
    const std::string param = s0 ? "b" : "a", placeholder = s0 ? "a" : "b";
    const bool literal = s->op->kind == Kind::Constant;
    std::string body = literal ? cpp_formula(op.cpp, s0 ? &text(s) : nullptr, s0 ? nullptr : &text(s)) : cpp;
    std::string capture = literal ? "" : placeholder + " = " + text(s);
    return broadcast(m, e) + ".unaryExpr([" + capture + "](double " + param + ") { return " + body + "; })";
}

// A matrix product; a diagonal factor applied as v.asDiagonal(), an identity factor
// dropped (as the evaluator applies them).
std::string Generator::product(Expr e) const {
    Expr l = e->args[0], r = e->args[1];
    const bool li = implicit(l), ri = implicit(r);
    if ((li && l->op->kind == Kind::Identity) || (ri && r->op->kind == Kind::Identity)) {
        Expr other = li && l->op->kind == Kind::Identity ? r : l;
        if (scalar(e)) return scalar(other) ? text(other) : "Eigen::MatrixXd(" + text(other) + ")(0, 0)";
        return mat(other);
    }
    std::string t = (li ? text(l->args[0]) + ".asDiagonal()" : mat(l)) + " * " +
                    (ri ? text(r->args[0]) + ".asDiagonal()" : mat(r));
    return scalar(e) ? "(" + t + ").value()" : t;
}

void Generator::emit(Expr e, const std::string& name) {
    const std::vector<Expr>& a = e->args;
    auto arg = [&](std::size_t i) { return mat(a[i]); };
    auto column = [&](std::size_t i) {  // a vector argument as a column
        auto p = param_of_.find(a[i]);
        bool vector_param = p != param_of_.end() && params_[p->second].symbol->type == ast::TypeSpec::Kind::Vector;
        return vector_param ? text(a[i]) : arg(i) + ".reshaped()";
    };
    // The sum, mean, trace or determinant of a 1×1 matrix is its entry, exactly.
    auto reduce = [&](const char* method) { return scalar(a[0]) ? text(a[0]) : arg(0) + method; };
    std::string rhs;
    bool scalar_result = false;  // rhs is a double (else a matrix expression)
    const Shape s = cx_.shape(e);
    switch (e->op->kind) {
    case Kind::Elementwise: rhs = elementwise(e), scalar_result = scalar(e); break;
    case Kind::MatMul: rhs = product(e), scalar_result = scalar(e); break;
    case Kind::Transpose: rhs = arg(0) + ".transpose()"; break;
    case Kind::Dot:
        rhs = scalar(a[0]) && scalar(a[1]) ? text(a[0]) + " * " + text(a[1]) : column(0) + ".dot(" + column(1) + ")";
        scalar_result = true;
        break;
    case Kind::Sum: rhs = reduce(".sum()"), scalar_result = true; break;
    case Kind::Mean: rhs = reduce(".mean()"), scalar_result = true; break;
    case Kind::Norm: rhs = arg(0) + ".norm()", scalar_result = true; break;
    case Kind::Norm1: rhs = arg(0) + ".cwiseAbs().sum()", scalar_result = true; break;
    case Kind::Trace: rhs = reduce(".trace()"), scalar_result = true; break;
    case Kind::Det: rhs = reduce(".determinant()"), scalar_result = true; break;
    case Kind::LogDet:  // NaN unless the determinant is positive, as the evaluator
        rhs = "std::log(" + arg(0) + ".determinant())", scalar_result = true;
        break;
    case Kind::Diag: rhs = "Eigen::MatrixXd(" + arg(0) + ".asDiagonal())"; break;
    case Kind::DiagPart: rhs = arg(0) + ".diagonal()"; break;
    case Kind::Inverse: rhs = arg(0) + ".inverse()"; break;
    case Kind::Vec: rhs = arg(0) + ".reshaped()"; break;
    case Kind::Unvec: rhs = fmt::format("{}.reshaped({}, {})", arg(0), dim(s.rows), dim(s.cols)); break;
    case Kind::Block:
        if (scalar(e)) rhs = fmt::format("{}({}, {})", arg(0), dim(e->dim), dim(e->dim2)), scalar_result = true;
        else rhs = fmt::format("{}.block({}, {}, {}, {})", arg(0), dim(e->dim), dim(e->dim2), dim(s.rows), dim(s.cols));
        break;
    case Kind::Kron: rhs = fmt::format("{}_detail::kron({}, {})", fid_, arg(0), arg(1)), kron_ = true; break;
    case Kind::Commutation:
        rhs = fmt::format("{}_detail::commutation({}, {})", fid_, dim(e->dim), dim(e->dim2)), commutation_ = true;
        break;
    case Kind::LogSumExp: {  // shifted by the largest entry, so that exp cannot overflow
        std::string top = fresh(name + "_max");
        line(fmt::format("const double {} = {}.maxCoeff();", top, arg(0)));
        rhs = fmt::format("{} + std::log(({}.array() - {}).exp().sum())", top, arg(0), top), scalar_result = true;
        break;
    }
    case Kind::Softmax: {
        std::string ex = fresh(name + "_exp");
        line(fmt::format("const Eigen::MatrixXd {} = ({}.array() - {}.maxCoeff()).exp().matrix();", ex, arg(0), arg(0)));
        rhs = ex + " / " + ex + ".sum()";
        break;
    }
    case Kind::Stack: {  // the blocks in row-major order: Eigen's comma initializer
        std::string blocks;
        for (Expr b : a) blocks += (blocks.empty() ? "" : ", ") + text(b);
        if (scalar(e)) throw std::logic_error("codegen: a stack of one scalar");
        line(fmt::format("Eigen::MatrixXd {}({}, {});", name, dim(s.rows), dim(s.cols)));
        line(fmt::format("{} << {};", name, blocks));
        return;
    }
    default:
        throw InputError(fmt::format("codegen: the operation {} is not supported yet", e->op->name));
    }
    if (scalar(e)) {
        if (!scalar_result) rhs = "Eigen::MatrixXd(" + rhs + ")(0, 0)";
        line(fmt::format("const double {} = {};", name, rhs));
    } else {
        line(fmt::format("const Eigen::MatrixXd {} = {};", name, rhs));
    }
}

std::string Generator::run(const std::vector<std::string>& wrt) {
    std::vector<const Symbol*> wrt_symbols;
    for (const std::string& w : wrt) {
        const Symbol* sym = model_.find(w);
        if (!sym) throw InputError(fmt::format("codegen: --wrt {}: the model has no symbol named '{}'", w, w));
        if (sym->kind != Symbol::Kind::Declared)
            throw InputError(fmt::format("codegen: --wrt {}: '{}' is a definition; codegen differentiates with "
                                         "respect to the model's declared variables only", w, w),
                             sym->range, {"derive --wrt takes a definition (∂L/∂z holds what is upstream of z fixed)"});
        if (std::find(wrt_symbols.begin(), wrt_symbols.end(), sym) != wrt_symbols.end())
            throw InputError(fmt::format("codegen: --wrt {} is given twice", w));
        wrt_symbols.push_back(sym);
    }
    // The derivatives as derive takes them: gradients from one reverse sweep (scalar f),
    // Jacobians in numerator layout (vector f), simplified with the names kept whole.
    Simplifier simplify(cx_);
    if (!options_.expand) names_ = name_definitions(simplify, model_, &f_);
    const Expr f = f_.expr;
    const bool scalar_f = scalar(f);
    std::vector<Expr> roots{simplify(f)};
    try {
        std::vector<Expr> xs;
        for (const Symbol* s : wrt_symbols) xs.push_back(s->expr);
        if (scalar_f) {
            for (Expr g : gradients(cx_, f, xs)) roots.push_back(simplify(g));
        } else {
            for (const Symbol* s : wrt_symbols)
                roots.push_back(simplify(derivative(cx_, f, s->expr, Layout::Numerator,
                                                    s->type == ast::TypeSpec::Kind::Matrix)));
        }
    } catch (const UnsupportedDerivative& e) {
        throw InputError(fmt::format("codegen: the derivatives of {}: {}", f_.name, e.what()));
    } catch (const std::overflow_error& e) {
        throw InputError(fmt::format("codegen: the derivatives of {}: the sizes are too large ({})", f_.name, e.what()));
    }

    // The arguments: the variables the function depends on and the --wrt ones, in the
    // model's order.
    fid_ = cpp_identifier(f_.name);
    for (const Symbol& sym : model_.symbols()) {
        if (sym.kind != Symbol::Kind::Declared) continue;
        bool wanted = std::find(wrt_symbols.begin(), wrt_symbols.end(), &sym) != wrt_symbols.end();
        if (!wanted && !depends_on(f, sym.expr)) continue;
        param_of_[sym.expr] = params_.size();
        params_.push_back({&sym, fresh(cpp_identifier(sym.name))});
    }
    const std::string result = fresh("result");
    bind_sizes();

    // Which diagonal and identity matrices are formed: those used other than as a factor
    // of a product, and the second of two such factors (as the evaluator decides).
    const std::vector<Expr> order = reachable(cx_, roots);
    text_.assign(cx_.node_count(), {});
    dense_.assign(cx_.node_count(), 0);
    for (Expr r : roots) dense_[r->id] = 1;
    auto factor = [](Expr e) { return e->op->kind == Kind::Diag || e->op->kind == Kind::Identity; };
    for (Expr e : order) {
        bool product = e->op->kind == Kind::MatMul;
        for (Expr a : e->args)
            if (!product) dense_[a->id] = 1;
        if (product && factor(e->args[0]) && factor(e->args[1])) dense_[e->args[1]->id] = 1;
    }
    for (const Param& p : params_)
        if (std::find(order.begin(), order.end(), p.symbol->expr) == order.end())
            unused_ += fmt::format("    (void){};  // neither the value nor the derivatives use it\n", p.id);

    // One statement per computed node, in topological order.
    int temporaries = 0;
    for (Expr e : order) {
        if (implicit(e)) {
            text_[e->id] = "/* " + std::string(e->op->name) + " */";  // applied by the products that use it
            continue;
        }
        if (std::string t = leaf(e); !t.empty() || e->op->kind == Kind::Variable) {
            text_[e->id] = t;
            continue;
        }
        std::string base, shown;
        if (auto it = names_.find(e); it != names_.end()) {
            base = cpp_identifier(it->second), shown = it->second;
        } else if (e == roots[0]) {
            base = fid_, shown = f_.name;
        } else if (auto r = std::find(roots.begin() + 1, roots.end(), e); r != roots.end()) {
            base = "d_" + params_[param_of_.at(wrt_symbols[static_cast<std::size_t>(r - roots.begin() - 1)]->expr)].id;
        } else {
            do base = fmt::format("t{}", ++temporaries);
            while (taken_.count(base));
        }
        const std::string name = fresh(base);
        if (shown.empty()) shown = name;
        line(comment(e, shown));
        emit(e, name);
        text_[e->id] = name;
        computed_[e] = shown;
    }

    // The header: includes, the result type, helpers, the function.
    std::ostringstream out;
    std::string wrt_list;
    for (const Symbol* s : wrt_symbols) wrt_list += (wrt_list.empty() ? "" : ", ") + s->name;
    out << fmt::format("// Generated by matcalc codegen from {}:\n// {} and its {} with respect to {},\n",
                       options_.source_name.empty() ? "a model" : options_.source_name, f_.name,
                       scalar_f ? "gradients" : "Jacobians", wrt_list);
    out << "// from the simplified derivative DAG, each common subexpression computed once.\n"
           "// Needs Eigen 3.4 only. Regenerate it from the model rather than editing it.\n"
           "#pragma once\n\n#include <algorithm>\n#include <cmath>\n#include <stdexcept>\n\n#include <Eigen/Dense>\n\n";
    out << fmt::format("struct {}_result {{\n", fid_);
    out << fmt::format("    {} value;  // {}: {}\n", scalar_f ? "double" : "Eigen::MatrixXd", f_.name,
                       z_.describe(cx_.shape(f)));
    for (std::size_t i = 0; i < wrt_symbols.size(); ++i) {
        const Symbol* s = wrt_symbols[i];
        std::string what = scalar_f ? "the gradient, shaped like " + s->name
                                    : fmt::format("the Jacobian ∂vec {}/∂vec {}", f_.name, s->name);
        out << fmt::format("    Eigen::MatrixXd d_{};  // ∂{}/∂{}: {}, {}\n", params_[param_of_.at(s->expr)].id, f_.name,
                           s->name, shape_text(roots[i + 1]), what);
    }
    out << "};\n\n";
    if (kron_ || commutation_) {
        out << fmt::format("namespace {}_detail {{\n\n", fid_);
        if (kron_) out << kKronHelper << (commutation_ ? "\n" : "");
        if (commutation_) out << kCommutationHelper;
        out << fmt::format("\n}}  // namespace {}_detail\n\n", fid_);
    }
    std::vector<std::string> args;
    std::size_t width = 0;
    for (const Param& p : params_) {
        switch (p.symbol->type) {
        case ast::TypeSpec::Kind::Scalar: args.push_back("double " + p.id); break;
        case ast::TypeSpec::Kind::Vector: args.push_back("const Eigen::VectorXd& " + p.id); break;
        case ast::TypeSpec::Kind::Matrix: args.push_back("const Eigen::MatrixXd& " + p.id); break;
        }
        width += args.back().size() + 2;
    }
    std::string head = fmt::format("inline {}_result {}_and_gradients(", fid_, fid_);
    const bool wrap = head.size() + width > 100;
    out << head;
    for (std::size_t i = 0; i < args.size(); ++i)
        out << (wrap ? "\n        " : i ? ", " : "") << args[i] << (wrap && i + 1 < args.size() ? "," : "");
    out << ") {\n";
    std::string sizes;
    for (const auto& [d, extent] : bindings_)
        if (used_sizes_.count(d)) sizes += fmt::format("    const Eigen::Index {} = {};\n", size_names_.at(d), extent);
    if (!sizes.empty() || !checks_.empty()) out << "    // Sizes, from the arguments, which must agree.\n" << sizes << checks_;
    out << unused_ << body_.str();
    out << fmt::format("    {}_result {};\n", fid_, result);
    out << fmt::format("    {}.value = {};\n", result, text(roots[0]));
    for (std::size_t i = 0; i < wrt_symbols.size(); ++i) {
        Expr d = roots[i + 1];
        out << fmt::format("    {}.d_{} = {};\n", result, params_[param_of_.at(wrt_symbols[i]->expr)].id,
                           scalar(d) ? "Eigen::MatrixXd::Constant(1, 1, " + text(d) + ")" : text(d));
    }
    out << fmt::format("    return {};\n}}\n", result);
    return out.str();
}

}  // namespace

std::string generate_cpp(Model& model, const Symbol& function, const std::vector<std::string>& wrt,
                         const CodegenOptions& options) {
    if (wrt.empty()) throw InputError("codegen needs --wrt VAR");
    return Generator(model, function, options).run(wrt);
}

}  // namespace matcalc
