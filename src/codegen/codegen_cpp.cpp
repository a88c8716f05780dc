// `matcalc codegen --lang cpp` (codegen.hpp): the simplified derivative DAG written out as
// Eigen statements, one per computed node in node-id order (a topological order), each
// under a comment with its formula. What every node computes, and how, follows
// Evaluator::step in evaluator.cpp, so that the generated code gives the evaluator's numbers.
// The part every language shares is codegen_common.cpp.
#include "matcalc/codegen/codegen.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "codegen_common.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/print/print.hpp"

namespace matcalc {



namespace {

using codegen_detail::Generator;

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

class CppGenerator : public Generator {
public:
    using Generator::Generator;

private:
    std::string identifier(std::string_view name) const override { return cpp_identifier(name); }
    std::vector<std::string> reserved() const override { return {fid_ + "_result", fid_ + "_detail"}; }
    std::string leaf(Expr e) const override;
    void emit(Expr e, const std::string& name) override;
    std::string implicit_text(Expr e) const override { return "/* " + std::string(e->op->name) + " */"; }
    std::string_view comment_mark() const override { return "//"; }
    std::string file() override;

    // As a matrix (a scalar as a 1×1 matrix, as the evaluator holds it).
    std::string mat(Expr e) const { return scalar(e) ? "Eigen::MatrixXd::Constant(1, 1, " + text(e) + ")" : text(e); }
    std::string elementwise(Expr e) const;
    std::string broadcast(Expr arg, Expr out) const;
    std::string product(Expr e) const;

    bool kron_ = false, commutation_ = false;
};

std::string CppGenerator::leaf(Expr e) const {
    const Shape s = cx_.shape(e);
    switch (e->op->kind) {
    case Kind::Variable: {
        const Param* p = param_of(e);
        if (!p) throw std::logic_error("codegen: a variable that is not a parameter");
        // A vector(1) or matrix(1, 1) argument is a scalar in the DAG.
        if (scalar(e) && p->symbol->type != ast::TypeSpec::Kind::Scalar)
            return p->id + (p->symbol->type == ast::TypeSpec::Kind::Vector ? "(0)" : "(0, 0)");
        return p->id;
    }
    case Kind::Constant:
        if (scalar(e)) return cpp_number(e->value);
        return fmt::format("Eigen::MatrixXd::Constant({}, {}, {})", dim(s.rows), dim(s.cols), cpp_number(e->value));
    case Kind::Identity:
        return scalar(e) ? "1.0" : fmt::format("Eigen::MatrixXd::Identity({}, {})", dim(s.rows), dim(s.cols));
    case Kind::Size:
        return "static_cast<double>(" + dim(e->dim) + ")";
    case Kind::Commutation: case Kind::Elementwise: case Kind::MatMul: case Kind::Transpose: case Kind::Dot:
    case Kind::Sum: case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::Diag: case Kind::DiagPart:
    case Kind::Stack: case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::Inverse:
    case Kind::LogSumExp: case Kind::Softmax: case Kind::Extremum: case Kind::Kron: case Kind::Vec:
    case Kind::Unvec: case Kind::Block:
        return {};
    }
    unreachable();  // every value is a case above
}
// One operand of a broadcasting elementwise operation: a row repeated over the rows, a
// column over the columns (as Evaluator::step indexes them).
std::string CppGenerator::broadcast(Expr arg, Expr out) const {
    Shape a = cx_.shape(arg), o = cx_.shape(out);
    bool rows = z_.is_one(a.rows) && !z_.is_one(o.rows), cols = z_.is_one(a.cols) && !z_.is_one(o.cols);
    if (!rows && !cols) return text(arg);
    return fmt::format("{}.replicate({}, {})", text(arg), rows ? dim(o.rows) : "1", cols ? dim(o.cols) : "1");
}

std::string CppGenerator::elementwise(Expr e) const {
    const OpInfo& op = *e->op;
    const std::vector<Expr>& a = e->args;
    if (op.cpp.empty()) throw std::logic_error(fmt::format("codegen: the operation {} has no cpp formula", op.name));
    if (scalar(e))  // then every argument is a scalar
        return fill_formula(op.cpp, &text(a[0]), a.size() > 1 ? &text(a[1]) : nullptr);
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
    std::string body = literal ? fill_formula(op.cpp, s0 ? &text(s) : nullptr, s0 ? nullptr : &text(s)) : cpp;
    std::string capture = literal ? "" : placeholder + " = " + text(s);
    return broadcast(m, e) + ".unaryExpr([" + capture + "](double " + param + ") { return " + body + "; })";
}

// A matrix product; a diagonal factor applied as v.asDiagonal(), an identity factor
// dropped (as the evaluator applies them).
std::string CppGenerator::product(Expr e) const {
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

void CppGenerator::emit(Expr e, const std::string& name) {
    const std::vector<Expr>& a = e->args;
    auto arg = [&](std::size_t i) { return mat(a[i]); };
    auto column = [&](std::size_t i) {  // a vector argument as a column
        const Param* p = param_of(a[i]);
        bool vector_param = p && p->symbol->type == ast::TypeSpec::Kind::Vector;
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
        if (a.size() == 2) {  // logsumexp(X, k): each column (row) shifted by its own largest entry
            std::string top = fresh(name + "_max");
            const bool rows = a[1]->value == 2.0;
            const char* along = rows ? "rowwise" : "colwise";
            const char* across = rows ? "colwise" : "rowwise";
            line(fmt::format("const Eigen::{} {} = {}.{}().maxCoeff();", rows ? "VectorXd" : "RowVectorXd", top, arg(0), along));
            rhs = fmt::format("Eigen::MatrixXd({} + (({}.{}() - {}).array().exp().{}().sum().log()).matrix())", top, arg(0),
                              across, top, along);
            break;
        }
        std::string top = fresh(name + "_max");
        line(fmt::format("const double {} = {}.maxCoeff();", top, arg(0)));
        rhs = fmt::format("{} + std::log(({}.array() - {}).exp().sum())", top, arg(0), top), scalar_result = true;
        break;
    }
    case Kind::Softmax: {
        std::string ex = fresh(name + "_exp");
        if (a.size() == 2) {  // softmax(Z, k): column by column (row by row), each shifted by its largest entry
            const bool rows = a[1]->value == 2.0;
            const char* along = rows ? "rowwise" : "colwise";
            const char* across = rows ? "colwise" : "rowwise";
            line(fmt::format("const Eigen::MatrixXd {} = ({}.{}() - {}.{}().maxCoeff()).array().exp().matrix();", ex,
                             arg(0), across, arg(0), along));
            rhs = fmt::format("({}.array().{}() / {}.{}().sum().array()).matrix()", ex, across, ex, along);
            break;
        }
        line(fmt::format("const Eigen::MatrixXd {} = ({}.array() - {}.maxCoeff()).exp().matrix();", ex, arg(0), arg(0)));
        rhs = ex + " / " + ex + ".sum()";
        break;
    }
    case Kind::Extremum:
        rhs = reduce(e->op->id == Op::MaxEntry ? ".maxCoeff()" : ".minCoeff()"), scalar_result = true;
        break;
    case Kind::Stack: {  // the blocks in row-major order: Eigen's comma initializer
        std::string blocks;
        for (Expr b : a) blocks += (blocks.empty() ? "" : ", ") + text(b);
        if (scalar(e)) throw std::logic_error("codegen: a stack of one scalar");
        line(fmt::format("Eigen::MatrixXd {}({}, {});", name, dim(s.rows), dim(s.cols)));
        line(fmt::format("{} << {};", name, blocks));
        return;
    }
    case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size:
        throw InputError(fmt::format("codegen: the operation {} is not supported yet", e->op->name));
    }
    if (scalar(e)) {
        if (!scalar_result) rhs = "Eigen::MatrixXd(" + rhs + ")(0, 0)";
        line(fmt::format("const double {} = {};", name, rhs));
    } else {
        line(fmt::format("const Eigen::MatrixXd {} = {};", name, rhs));
    }
}

// The header: includes, the result type, helpers, the function.
std::string CppGenerator::file() {
    std::ostringstream out;
    out << fmt::format("// Generated by matcalc codegen from {}:\n// {},\n",
                       options_.source_name.empty() ? "a model" : options_.source_name, what());
    out << "// from the simplified derivative DAG, each common subexpression computed once.\n"
           "// Needs Eigen 3.4 only. Regenerate it from the model rather than editing it.\n"
           "#pragma once\n\n#include <algorithm>\n#include <cmath>\n#include <stdexcept>\n\n#include <Eigen/Dense>\n\n";
    out << fmt::format("struct {}_result {{\n", fid_);
    out << fmt::format("    {} value;  // {}: {}\n", scalar_f_ ? "double" : "Eigen::MatrixXd", f_.name,
                       z_.describe(cx_.shape(f_.expr)));
    for (std::size_t i = 0; i < wrt_.size(); ++i) {
        const Symbol* s = wrt_[i];
        std::string what = scalar_f_ ? "the gradient, shaped like " + s->name
                                     : fmt::format("the Jacobian ∂vec {}/∂vec {}", f_.name, s->name);
        out << fmt::format("    Eigen::MatrixXd d_{};  // ∂{}/∂{}: {}, {}\n", param_of(s).id, f_.name, s->name,
                           shape_text(roots_[i + 1]), what);
    }
    for (std::size_t i = 0; i + 1 + wrt_.size() < roots_.size(); ++i)  // --hessian
        out << fmt::format("    Eigen::MatrixXd h_{};  // ∂²{}/∂{}²: {}, the Hessian over vec({})\n",
                           param_of(wrt_[i]).id, f_.name, wrt_[i]->name, shape_text(roots_[i + 1 + wrt_.size()]),
                           wrt_[i]->name);
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
    const char* extents[] = {"rows()", "cols()"};
    std::string sizes;
    for (const Extent& x : bindings_)
        if (used_sizes_.count(x.size))
            sizes += fmt::format("    const Eigen::Index {} = {}.{};\n", size_names_.at(x.size), x.param->id,
                                 extents[x.axis]);
    const std::string checks = size_checks(
        " || ", [&](const Extent& x) { return fmt::format("{}.{} != {}", x.param->id, extents[x.axis], dim(x.size)); },
        [&](const Param& p, const std::string& conditions) {
            Shape s = cx_.shape(p.symbol->expr);
            return fmt::format("    if ({}) throw std::invalid_argument(\"{}_and_gradients: {} must be {} x {}\");\n",
                               conditions, fid_, p.id, z_.name(s.rows), z_.name(s.cols));
        });
    if (!sizes.empty() || !checks.empty()) out << "    // Sizes, from the arguments, which must agree.\n" << sizes << checks;
    for (const Param* p : unused_)
        out << fmt::format("    (void){};  // neither the value nor the derivatives use it\n", p->id);
    out << body_.str();
    const std::string result = fresh("result");
    out << fmt::format("    {}_result {};\n", fid_, result);
    out << fmt::format("    {}.value = {};\n", result, text(roots_[0]));
    for (std::size_t i = 0; i + 1 < roots_.size(); ++i) {
        Expr d = roots_[i + 1];
        out << fmt::format("    {}.{}_{} = {};\n", result, i < wrt_.size() ? "d" : "h", param_of(wrt_[i % wrt_.size()]).id,
                           scalar(d) ? "Eigen::MatrixXd::Constant(1, 1, " + text(d) + ")" : text(d));
    }
    out << fmt::format("    return {};\n}}\n", result);
    return out.str();
}

}  // namespace

std::string generate_cpp(Model& model, const Symbol& function, const std::vector<std::string>& wrt,
                         const CodegenOptions& options) {
    return CppGenerator(model, function, options).run(wrt);
}

}  // namespace matcalc
