// `matcalc codegen --lang numpy` (codegen.hpp): the simplified derivative DAG written out
// as NumPy statements, one per computed node in node-id order (codegen_common.hpp), each
// under a comment with its formula. Inside the function every matrix and vector is a 2-D
// array (a vector a column, as the evaluator holds it) and every scalar a NumPy float, so
// that an operation is the evaluator's (evaluator.cpp: broadcasting a row or a column, diagonal
// factors applied, log-sum-exp and softmax shifted) and division by zero is inf, not an
// exception; the arguments are converted on the way in and the results on the way out
// (vectors 1-D, scalars Python floats).
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "codegen_common.hpp"
#include "matcalc/codegen/codegen.hpp"
#include "matcalc/core/ops.hpp"

namespace matcalc {

namespace {

using codegen_detail::Generator;

// The argument converters, emitted when used: each returns the argument as the function
// holds it, or raises ValueError naming it.
constexpr std::string_view kScalarHelper = R"(def _scalar_arg(fn, name, x):
    """A number as a NumPy float (so that 1 / 0 is inf, as in the evaluator)."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 0:
        raise ValueError(f"{fn}: {name} must be a number, not an array of shape {a.shape}")
    return a[()]
)";
constexpr std::string_view kVectorHelper = R"(def _vector_arg(fn, name, x):
    """A vector (a 1-D array, or a column) as a column."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        return a.reshape(-1, 1)
    if a.ndim != 2 or a.shape[1] != 1:
        raise ValueError(f"{fn}: {name} must be a vector (1-D, or one column), not an array of shape {a.shape}")
    return a
)";
constexpr std::string_view kMatrixHelper = R"(def _matrix_arg(fn, name, x):
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{fn}: {name} must be a matrix (2-D), not an array of shape {a.shape}")
    return a
)";
constexpr std::string_view kCommutationHelper = R"(def _commutation(m, n):
    """The commutation matrix K(m, n), formed: K vec(A) = vec(Aᵀ) for an m × n matrix A."""
    K = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            K[j + i * n, i + j * m] = 1.0
    return K
)";

class NumpyGenerator : public Generator {
public:
    // torch: the module of --lang torch, the NumPy function wrapped for PyTorch (torch_module()).
    NumpyGenerator(Model& model, const Symbol& f, const CodegenOptions& options, bool torch)
        : Generator(model, f, options), torch_(torch) {}

private:
    std::string identifier(std::string_view name) const override { return python_identifier(name); }
    std::vector<std::string> reserved() const override {
        if (torch_) return {fid_ + "_result", fid_ + "_and_gradients", "_" + fid_ + "_autograd"};
        return {fid_ + "_result"};
    }
    std::string leaf(Expr e) const override;
    void emit(Expr e, const std::string& name) override;
    std::string implicit_text(Expr e) const override { return "<" + std::string(e->op->name) + ">"; }
    std::string_view comment_mark() const override { return "#"; }
    std::string file() override;

    std::string shape(Expr e) const {
        Shape s = cx_.shape(e);
        return fmt::format("({}, {})", dim(s.rows), dim(s.cols));
    }
    std::string product(Expr e) const;
    std::string slice(Dim start, Dim length) const;
    std::string result(Expr e, ast::TypeSpec::Kind like);
    std::string signature() const;

    std::string torch_module() const;

    bool torch_ = false;
    bool commutation_ = false;
    bool uses_math_ = false;  // a formula calls Python's math module (erf): the header imports it
    std::vector<Expr> returned_;  // the nodes result() has returned
};

std::string NumpyGenerator::leaf(Expr e) const {
    switch (e->op->kind) {
    case Kind::Variable: {
        const Param* p = param_of(e);
        if (!p) throw std::logic_error("codegen: a variable that is not a parameter");
        // A vector(1) or matrix(1, 1) argument (a 1 × 1 array here) is a scalar in the DAG.
        return scalar(e) && p->symbol->type != ast::TypeSpec::Kind::Scalar ? p->id + "[0, 0]" : p->id;
    }
    case Kind::Constant:
        return scalar(e) ? python_number(e->value) : fmt::format("np.full({}, {})", shape(e), python_number(e->value));
    case Kind::Identity: {
        const Shape s = cx_.shape(e);
        return scalar(e) ? "1.0" : fmt::format("np.eye({}, {})", dim(s.rows), dim(s.cols));
    }
    case Kind::Size:
        return "np.float64(" + dim(e->dim) + ")";
    case Kind::Commutation: case Kind::Elementwise: case Kind::MatMul: case Kind::Transpose: case Kind::Dot:
    case Kind::Sum: case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::Diag: case Kind::DiagPart:
    case Kind::Stack: case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::Inverse:
    case Kind::LogSumExp: case Kind::Softmax: case Kind::Extremum: case Kind::Kron: case Kind::Vec:
    case Kind::Unvec: case Kind::Block:
        return {};
    }
    unreachable();  // every value is a case above
}

// A matrix product; a diagonal factor scales the rows (left) or the columns (right) of
// the other, an identity factor is dropped, a scalar scales (as the evaluator applies them).
std::string NumpyGenerator::product(Expr e) const {
    Expr l = e->args[0], r = e->args[1];
    const bool li = implicit(l), ri = implicit(r);
    auto as_result = [&](const std::string& t, bool array) { return scalar(e) && array ? "(" + t + ")[0, 0]" : t; };
    if ((li && l->op->kind == Kind::Identity) || (ri && r->op->kind == Kind::Identity)) {
        Expr other = li && l->op->kind == Kind::Identity ? r : l;
        return as_result(text(other), !scalar(other));
    }
    if (li || ri) {  // diag(v) M, M diag(v)
        Expr v = (li ? l : r)->args[0], m = li ? r : l;
        if (scalar(v) || scalar(m)) return text(v) + " * " + text(m);
        const Shape vs = cx_.shape(v);
        const bool column = z_.is_one(vs.cols);
        const std::string factor = text(v) + ((li ? column : !column) ? "" : ".T");
        return li ? factor + " * " + text(m) : text(m) + " * " + factor;
    }
    if (scalar(l) || scalar(r)) return text(l) + " * " + text(r);
    return as_result(text(l) + " @ " + text(r), true);
}

// "start:end" of a block's rows or columns.
std::string NumpyGenerator::slice(Dim start, Dim length) const {
    const Dim a = z_.resolve(start), n = z_.resolve(length);
    if (!is_symbol(a) && !is_symbol(n)) return fmt::format("{}:{}", a, a + n);
    const std::string from = dim(start);
    return fmt::format("{}:{} + {}", from, from, dim(length));
}

void NumpyGenerator::emit(Expr e, const std::string& name) {
    const std::vector<Expr>& a = e->args;
    auto arg = [&](std::size_t i) -> const std::string& { return text(a.at(i)); };
    // Of a 1 × 1 argument (a scalar here): the reduction's value is its entry.
    auto reduce = [&](const char* f) { return scalar(a[0]) ? arg(0) : fmt::format("{}({})", f, arg(0)); };
    const Shape s = cx_.shape(e);
    std::string rhs;
    switch (e->op->kind) {
    case Kind::Elementwise: {
        const OpInfo& op = *e->op;
        if (op.numpy.empty())
            throw std::logic_error(fmt::format("codegen: the operation {} has no numpy formula", op.name));
        rhs = fill_formula(op.numpy, &arg(0), a.size() > 1 ? &arg(1) : nullptr);  // NumPy broadcasts as the evaluator
        uses_math_ = uses_math_ || op.numpy.find("math.") != std::string_view::npos;  // erf
        break;
    }
    case Kind::MatMul: rhs = product(e); break;
    case Kind::Transpose: rhs = scalar(e) ? arg(0) : arg(0) + ".T"; break;
    case Kind::Dot:
        rhs = scalar(a[0]) && scalar(a[1]) ? arg(0) + " * " + arg(1) : fmt::format("np.vdot({}, {})", arg(0), arg(1));
        break;
    case Kind::Sum: rhs = reduce("np.sum"); break;
    case Kind::Mean: rhs = reduce("np.mean"); break;
    case Kind::Norm: rhs = scalar(a[0]) ? "np.abs(" + arg(0) + ")" : "np.linalg.norm(" + arg(0) + ")"; break;
    case Kind::Norm1: rhs = scalar(a[0]) ? "np.abs(" + arg(0) + ")" : "np.sum(np.abs(" + arg(0) + "))"; break;
    case Kind::Trace: rhs = reduce("np.trace"); break;
    case Kind::Det: rhs = reduce("np.linalg.det"); break;
    case Kind::LogDet: rhs = "np.log(" + reduce("np.linalg.det") + ")"; break;  // NaN unless det > 0
    case Kind::Diag: rhs = scalar(e) ? arg(0) : "np.diagflat(" + arg(0) + ")"; break;
    case Kind::DiagPart: rhs = scalar(e) ? arg(0) : "np.diag(" + arg(0) + ").reshape(-1, 1)"; break;
    case Kind::Inverse: rhs = scalar(e) ? "1.0 / " + arg(0) : "np.linalg.inv(" + arg(0) + ")"; break;
    case Kind::Vec: rhs = scalar(e) ? arg(0) : arg(0) + ".reshape(-1, 1, order=\"F\")"; break;
    case Kind::Unvec:
        rhs = scalar(e) ? arg(0) : fmt::format("{}.reshape({}, {}, order=\"F\")", arg(0), dim(s.rows), dim(s.cols));
        break;
    case Kind::Block:
        if (scalar(a[0])) rhs = arg(0);
        else if (scalar(e)) rhs = fmt::format("{}[{}, {}]", arg(0), dim(e->dim), dim(e->dim2));
        else rhs = fmt::format("{}[{}, {}]", arg(0), slice(e->dim, s.rows), slice(e->dim2, s.cols));
        break;
    case Kind::Kron:  // of a scalar: a product
        rhs = scalar(a[0]) || scalar(a[1]) ? arg(0) + " * " + arg(1) : fmt::format("np.kron({}, {})", arg(0), arg(1));
        break;
    case Kind::Commutation:
        rhs = scalar(e) ? "1.0" : fmt::format("_commutation({}, {})", dim(e->dim), dim(e->dim2));
        commutation_ = commutation_ || !scalar(e);
        break;
    case Kind::LogSumExp: {  // shifted by the largest entry, so that exp cannot overflow
        if (a.size() == 2) {  // logsumexp(X, k): each column (row) shifted by its own largest entry
            const std::string top = fresh(name + "_max");
            const int axis = a[1]->value == 2.0 ? 1 : 0;  // NumPy's axes count from 0
            line(fmt::format("{} = np.max({}, axis={}, keepdims=True)", top, arg(0), axis));
            rhs = fmt::format("{} + np.log(np.sum(np.exp({} - {}), axis={}, keepdims=True))", top, arg(0), top, axis);
            break;
        }
        const std::string top = fresh(name + "_max");
        line(fmt::format("{} = np.max({})", top, arg(0)));
        rhs = fmt::format("{} + np.log(np.sum(np.exp({} - {})))", top, arg(0), top);
        break;
    }
    case Kind::Softmax: {
        const std::string ex = fresh(name + "_exp");
        if (a.size() == 2) {  // softmax(Z, k): column by column (row by row), each shifted by its largest entry
            const int axis = a[1]->value == 2.0 ? 1 : 0;
            line(fmt::format("{} = np.exp({} - np.max({}, axis={}, keepdims=True))", ex, arg(0), arg(0), axis));
            rhs = fmt::format("{} / np.sum({}, axis={}, keepdims=True)", ex, ex, axis);
            break;
        }
        line(fmt::format("{} = np.exp({} - np.max({}))", ex, arg(0), arg(0)));
        rhs = fmt::format("{} / np.sum({})", ex, ex);
        break;
    }
    case Kind::Extremum: rhs = reduce(e->op->id == Op::MaxEntry ? "np.max" : "np.min"); break;
    case Kind::Stack: {  // the blocks in row-major order, e->param to a row
        if (scalar(e)) throw std::logic_error("codegen: a stack of one scalar");
        const std::size_t per_row = static_cast<std::size_t>(e->param);
        std::string rows;
        for (std::size_t first = 0; first < a.size(); first += per_row) {
            std::string row;
            for (std::size_t j = first; j < first + per_row; ++j) row += (row.empty() ? "" : ", ") + arg(j);
            rows += (rows.empty() ? "[" : ", [") + row + "]";
        }
        rhs = "np.block([" + rows + "])";
        break;
    }
    case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size:
        throw InputError(fmt::format("codegen: the operation {} is not supported yet", e->op->name));
    }
    line(name + " = " + rhs);
}

// A root as the function returns it: a scalar as a Python float; `like` Vector a 1-D array,
// Matrix a 2-D one (a 1 × 1 array where the DAG has a scalar). An array that may share its
// memory with an argument or another result is copied.
std::string NumpyGenerator::result(Expr e, ast::TypeSpec::Kind like) {
    using K = ast::TypeSpec::Kind;
    const std::string& t = text(e);
    if (like == K::Scalar) return "float(" + t + ")";
    if (scalar(e)) return like == K::Vector ? "np.full(1, " + t + ")" : "np.full((1, 1), " + t + ")";
    Kind k = e->op->kind;
    auto dropped = [&](Expr f) { return implicit(f) && f->op->kind == Kind::Identity; };
    bool view = k == Kind::Variable || k == Kind::Transpose || k == Kind::Vec || k == Kind::Unvec || k == Kind::Block ||
                k == Kind::DiagPart || (k == Kind::MatMul && (dropped(e->args[0]) || dropped(e->args[1])));
    view = view || std::find(returned_.begin(), returned_.end(), e) != returned_.end();
    returned_.push_back(e);
    return t + (like == K::Vector ? ".reshape(-1)" : "") + (view ? ".copy()" : "");
}

// "def f_and_gradients(x, y, W1):" and its docstring: what each argument is, what it returns.
std::string NumpyGenerator::signature() const {
    std::string names, docs, fields = "value";
    for (const Param& p : params_) {
        names += (names.empty() ? "" : ", ") + p.id;
        const Shape s = cx_.shape(p.symbol->expr);
        switch (p.symbol->type) {
        case ast::TypeSpec::Kind::Scalar: docs += fmt::format("    {}: number\n", p.id); break;
        case ast::TypeSpec::Kind::Vector:
            docs += fmt::format("    {}: vector of length {} (1-D array, or {} × 1)\n", p.id, z_.name(s.rows),
                                z_.name(s.rows));
            break;
        case ast::TypeSpec::Kind::Matrix:
            docs += fmt::format("    {}: {} × {} array\n", p.id, z_.name(s.rows), z_.name(s.cols));
            break;
        }
    }
    for (const Symbol* s : wrt_) fields += ", d_" + param_of(s).id;
    if (options_.hessian)
        for (const Symbol* s : wrt_) fields += ", h_" + param_of(s).id;
    return fmt::format("def {}_and_gradients({}):\n    \"\"\"{}.\n\n{}\n    Returns {}_result({}).\n    \"\"\"\n", fid_,
                       names, what(), docs, fid_, fields);
}

std::string NumpyGenerator::file() {
    using K = ast::TypeSpec::Kind;
    const std::string fn = fid_ + "_and_gradients";
    // The arguments as the function holds them, then their sizes.
    std::string args, sizes;
    bool used[3] = {false, false, false};
    for (const Param& p : params_) {
        const int type = static_cast<int>(p.symbol->type == K::Scalar ? 0 : p.symbol->type == K::Vector ? 1 : 2);
        const char* helper[] = {"_scalar_arg", "_vector_arg", "_matrix_arg"};
        args += fmt::format("    {} = {}(\"{}\", \"{}\", {})\n", p.id, helper[type], fn, p.id, p.id);
        used[type] = true;
    }
    for (const Param* p : unused_)
        args += fmt::format("    # {}: neither the value nor the derivatives use it\n", p->id);
    for (const Extent& x : bindings_)
        if (used_sizes_.count(x.size))
            sizes += fmt::format("    {} = {}.shape[{}]\n", size_names_.at(x.size), x.param->id, x.axis);
    const std::string checks = size_checks(
        " or ", [&](const Extent& x) { return fmt::format("{}.shape[{}] != {}", x.param->id, x.axis, dim(x.size)); },
        [&](const Param& p, const std::string& conditions) {
            // "N = {N}": a symbolic size with its value.
            const Shape s = cx_.shape(p.symbol->expr);
            const bool symbolic = is_symbol(z_.resolve(s.rows)) || is_symbol(z_.resolve(s.cols));
            const std::string message =
                p.symbol->type == K::Vector
                    ? fmt::format("{}: {} must have length {}{}, not {{{}.shape[0]}}", fn, p.id, z_.name(s.rows),
                                  symbolic ? " = {" + dim(s.rows) + "}" : "", p.id)
                    : fmt::format("{}: {} must be {} x {}{}, not {{{}.shape[0]}} x {{{}.shape[1]}}", fn, p.id,
                                  z_.name(s.rows), z_.name(s.cols),
                                  symbolic ? " = {" + dim(s.rows) + "} x {" + dim(s.cols) + "}" : "", p.id, p.id);
            return fmt::format("    if {}:\n        raise ValueError(f\"{}\")\n", conditions, message);
        });

    std::ostringstream out;
    out << fmt::format("# Generated by matcalc codegen --lang {} from {}:\n# {},\n", torch_ ? "torch" : "numpy",
                       options_.source_name.empty() ? "a model" : options_.source_name, what());
    out << "# from the simplified derivative DAG, each common subexpression computed once.\n"
        << (torch_ ? fmt::format("# {}(...) is the function for PyTorch: its backward is these derivatives.\n"
                                 "# Needs PyTorch (with NumPy, which PyTorch installs). Regenerate it from the\n"
                                 "# model rather than editing it.\n", fid_)
                   : "# Needs NumPy only. Regenerate it from the model rather than editing it.\n")
        << (uses_math_ ? "import math\n" : "") << "from typing import NamedTuple\n\nimport numpy as np\n"
        << (torch_ ? "import torch\nfrom torch.autograd.function import once_differentiable\n" : "") << "\n";
    const std::string_view helpers[] = {kScalarHelper, kVectorHelper, kMatrixHelper, kCommutationHelper};
    const bool wanted[] = {used[0], used[1], used[2], commutation_};
    for (std::size_t i = 0; i < 4; ++i)
        if (wanted[i]) out << "\n" << helpers[i] << "\n";
    // How each result is returned: the value as f's shape says, a gradient like its
    // variable, a Jacobian as a matrix.
    const Shape fs = cx_.shape(f_.expr);
    std::vector<K> forms{scalar_f_ ? K::Scalar : z_.is_one(fs.cols) ? K::Vector : K::Matrix};
    for (const Symbol* s : wrt_) forms.push_back(scalar_f_ ? s->type : K::Matrix);
    auto form = [&](std::size_t i) {
        const Shape s = cx_.shape(roots_[i]);
        if (forms[i] == K::Scalar) return std::string("a float");
        if (forms[i] == K::Vector) return fmt::format("shape ({},)", z_.name(s.rows));
        return fmt::format("shape ({}, {})", z_.name(s.rows), z_.name(s.cols));
    };
    out << fmt::format("\nclass {}_result(NamedTuple):\n    \"\"\"{} (a tuple too).\"\"\"\n\n", fid_, what());
    out << fmt::format("    value: {}  # {}, {}\n", scalar_f_ ? "float" : "np.ndarray", f_.name, form(0));
    for (std::size_t i = 0; i < wrt_.size(); ++i) {
        const Symbol* s = wrt_[i];
        out << fmt::format("    d_{}: {}  # {}, {}\n", param_of(s).id, forms[i + 1] == K::Scalar ? "float" : "np.ndarray",
                           scalar_f_ ? fmt::format("∂{}/∂{}, the gradient", f_.name, s->name)
                                     : fmt::format("∂vec {}/∂vec {}, the Jacobian", f_.name, s->name),
                           form(i + 1));
    }
    for (std::size_t i = 0; i + 1 + wrt_.size() < roots_.size(); ++i) {  // --hessian
        const Shape s = cx_.shape(roots_[i + 1 + wrt_.size()]);
        out << fmt::format("    h_{}: np.ndarray  # ∂²{}/∂{}², the Hessian over vec({}), shape ({}, {})\n",
                           param_of(wrt_[i]).id, f_.name, wrt_[i]->name, wrt_[i]->name, z_.name(s.rows), z_.name(s.cols));
    }
    out << "\n\n" << signature() << args;
    if (!sizes.empty() || !checks.empty()) out << "    # Sizes, from the arguments, which must agree.\n" << sizes << checks;
    out << body_.str();
    out << fmt::format("    return {}_result(\n        value={},\n", fid_, result(roots_[0], forms[0]));
    for (std::size_t i = 0; i < wrt_.size(); ++i)
        out << fmt::format("        d_{}={},\n", param_of(wrt_[i]).id, result(roots_[i + 1], forms[i + 1]));
    for (std::size_t i = 0; i + 1 + wrt_.size() < roots_.size(); ++i)
        out << fmt::format("        h_{}={},\n", param_of(wrt_[i]).id, result(roots_[i + 1 + wrt_.size()], K::Matrix));
    out << "    )\n";
    if (torch_) out << torch_module();
    return out.str();
}

// --lang torch (design: a Python module that PyTorch alone runs): <f>(...) takes the
// arguments of <f>_and_gradients and returns f as a tensor, through a torch.autograd.Function
// whose forward calls <f>_and_gradients and whose backward multiplies the incoming
// gradient by the derivatives it returned, so that autograd never differentiates the
// forward: a gradient of <f> is matcalc's. Jacobians (a vector or matrix f) are in vec
// (column-major) order on both sides, as the NumPy function returns them.
std::string NumpyGenerator::torch_module() const {
    using K = ast::TypeSpec::Kind;
    std::string names, wrt;
    for (const Param& p : params_) names += (names.empty() ? "" : ", ") + p.id;
    for (const Symbol* s : wrt_) {
        const Param& p = param_of(s);
        wrt += fmt::format("({}, {}), ", &p - params_.data(), s->type == K::Matrix ? "True" : "False");
    }
    const std::string fn = fid_ + "_and_gradients", autograd = "_" + fid_ + "_autograd";
    std::ostringstream out;
    out << R"(

def _to_numpy(a):
    """An argument as the NumPy function takes it: a tensor's values, or the argument as is."""
    return a.detach().cpu().numpy() if torch.is_tensor(a) else a


def _vec(t):
    """vec(t): the entries of a matrix column by column (a vector or number as it is)."""
    return t.t().reshape(-1) if t.dim() == 2 else t.reshape(-1)


def _unvec(v, shape, matrix):
    """The inverse of _vec for an argument of this shape."""
    if matrix and len(shape) == 2:
        return v.reshape(shape[1], shape[0]).t()
    return v.reshape(shape)
)";
    out << fmt::format(R"(

class {0}(torch.autograd.Function):
    """{1}: the forward through {2}, the backward its derivatives."""

    # (argument position, declared a matrix) of each derivative {2} returns
    WRT = ({3})

    @staticmethod
    def forward(ctx, {4}):
        args = ({4},)
        like = next((a for a in args if torch.is_tensor(a) and a.is_floating_point()), None)
        dtype = like.dtype if like is not None else torch.float64
        device = like.device if like is not None else None
        result = {2}(*(_to_numpy(a) for a in args))
        as_tensor = lambda v: torch.as_tensor(np.asarray(v, dtype=np.float64), dtype=dtype, device=device)
        ctx.derivatives = [as_tensor(d) for d in result[1:1 + len({0}.WRT)]]
        ctx.shapes = [tuple(a.shape) if torch.is_tensor(a) else np.shape(a) for a in args]
        return as_tensor(result.value)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        grads = [None] * {5}
        for (index, matrix), d in zip({0}.WRT, ctx.derivatives):
            if not ctx.needs_input_grad[index]:
                continue
)",
                       autograd, what(), fn, wrt, names, params_.size());
    if (scalar_f_)
        out << "            grads[index] = (grad_output * d).reshape(ctx.shapes[index])\n";
    else
        out << "            # the vector-Jacobian product vec(grad)ᵀ J, read back in the argument's shape\n"
               "            grads[index] = _unvec(_vec(grad_output) @ d, ctx.shapes[index], matrix)\n";
    out << "        return tuple(grads)\n";
    out << fmt::format(R"(

def {0}({1}):
    """{2} for PyTorch: {0}(...) is f as a tensor (float64 unless a floating-point tensor
    argument says otherwise) whose backward is matcalc's derivatives with respect to {3}.
    The arguments are those of {4}: tensors, arrays or numbers."""
    return {5}.apply({1})
)",
                       fid_, names, f_.name, [&] {
                           std::string list;
                           for (const Symbol* s : wrt_) list += (list.empty() ? "" : ", ") + param_of(s).id;
                           return list;
                       }(),
                       fn, autograd);
    return out.str();
}

}  // namespace

std::string generate_numpy(Model& model, const Symbol& function, const std::vector<std::string>& wrt,
                           const CodegenOptions& options) {
    return NumpyGenerator(model, function, options, false).run(wrt);
}

std::string generate_torch(Model& model, const Symbol& function, const std::vector<std::string>& wrt,
                           const CodegenOptions& options) {
    return NumpyGenerator(model, function, options, true).run(wrt);
}

}  // namespace matcalc
