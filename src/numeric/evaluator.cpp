// The compiled evaluator (evaluator.hpp, BasicEvaluator): a DAG compiled into slots in node-id
// order (a topological order, so no recursion at any depth), each computed node with an
// output buffer allocated once and shared with nodes of the same shape whose values are
// dead by then; structured factors applied rather than formed (evaluator_products.cpp);
// elementwise operations through the operation table's kernels with the broadcasting of
// the shape rules, consecutive ones fused (evaluator_fusion.cpp). In double (Evaluator) or
// single precision (Evaluator32).
#include <algorithm>
#include <map>
#include <type_traits>

#include <Eigen/LU>
#include <fmt/format.h>

#include "eval_internal.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "matcalc/core/ops.hpp"

namespace matcalc {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// Kronecker products and commutation matrices can be applied without being formed.
// So can identities and diagonal matrices (a diagonal n²×n² from an elementwise function
// of an n×n matrix).
bool structured(Expr e) {
    Kind k = e->op->kind;
    return k == Kind::Kron || k == Kind::Commutation || k == Kind::Identity || k == Kind::Diag;
}

// K(m,n): K vec(A) = vec(Aᵀ) for A m×n.
MatrixXd commutation_matrix(Index m, Index n) {
    MatrixXd k = MatrixXd::Zero(m * n, m * n);
    for (Index i = 0; i < m; ++i)
        for (Index j = 0; j < n; ++j) k(j + i * n, i + j * m) = 1.0;
    return k;
}

}  // namespace

// Pass 1: a slot per node the roots need, in topological order, with its concrete shape;
// constants and sizes filled once.
template <class T>
void BasicEvaluator<T>::make_slots(const Context& cx, std::span<const Expr> roots, const Env& env) {
    std::vector<Expr> order = reachable(cx, roots);
    std::vector<std::size_t> slot_of(cx.node_count(), 0);
    slots_.reserve(order.size());
    for (Expr e : order) {
        auto [rows, cols] = concrete_shape(cx, e, env);
        // Whether the value is too large to hold is decided in check_sizes(), once it is
        // known which values are formed at all (a diagonal of (N h)² entries that is only
        // applied is not).
        Slot s;
        s.node = e;
        s.rows = rows;
        s.cols = cols;
        if (e->op->kind == Kind::Commutation) s.commutation_m = concrete_dim(cx.sizes(), e->dim, env);
        // softmax(Z, k), logsumexp(X, k): per column or row, the node's axis (its second argument).
        if (e->op->kind == Kind::Softmax || e->op->kind == Kind::LogSumExp) s.columnwise = e->args.size() == 2;
        if (e->op->kind == Kind::Block) {
            s.top = concrete_dim(cx.sizes(), e->dim, env);
            s.left = concrete_dim(cx.sizes(), e->dim2, env);
            // An index written with symbolic sizes (x[5] of a vector(n)) is checked here,
            // when the values fix n.
            const Slot& whole = slots_[slot_of[e->args[0]->id]];
            if (s.top + rows > whole.rows || s.left + cols > whole.cols)
                throw InputError(fmt::format("an index is out of range: rows {}..{} and columns {}..{} of a {} x {} value",
                                             s.top + 1, s.top + rows, s.left + 1, s.left + cols, whole.rows, whole.cols));
        }
        // (Spans into slot_args_ are set once it stops growing, below.)
        for (Expr a : e->args) slot_args_.push_back(slot_of[a->id]);  // ids are topological
        slot_of[e->id] = slots_.size();
        switch (e->op->kind) {
        case Kind::Variable:
            if constexpr (!std::is_same_v<T, double>) s.buffer.resize(rows, cols);  // the value rounded, per run
            break;
        case Kind::Constant:
            break;  // filled in fill_constants(), once the budget allows it
        case Kind::Size:
            s.buffer = Matrix::Constant(1, 1, static_cast<T>(concrete_dim(cx.sizes(), e->dim, env)));
            break;
        case Kind::Identity: case Kind::Commutation: case Kind::Elementwise: case Kind::MatMul:
        case Kind::Transpose: case Kind::Dot: case Kind::Sum: case Kind::Mean: case Kind::Norm:
        case Kind::Norm1: case Kind::Diag: case Kind::DiagPart: case Kind::Stack: case Kind::Trace:
        case Kind::Det: case Kind::LogDet: case Kind::Inverse: case Kind::LogSumExp: case Kind::Softmax:
        case Kind::Extremum: case Kind::Kron: case Kind::Vec: case Kind::Unvec: case Kind::Block:
            break;  // computed values get their buffers in assign_storage()
        }
        slots_.push_back(std::move(s));
    }
    std::size_t at = 0;
    for (Slot& s : slots_) {
        s.args = std::span<const std::size_t>(slot_args_.data() + at, s.node->args.size());
        at += s.node->args.size();
    }
    for (Expr r : roots) root_slots_.push_back(slot_of[r->id]);
}

// After the passes that leave values implicit: the values that are formed fit.
template <class T>
void BasicEvaluator<T>::check_sizes() const {
    Index total = 0;
    for (const Slot& s : slots_) {
        if (s.implicit) continue;  // applied by its products, never held
        if (s.rows > kMaxEntries / s.cols)
            throw InputError(fmt::format("a value of {} entries ({} × {}) is too large to evaluate", s.rows * s.cols,
                                         s.rows, s.cols));
        total += s.rows * s.cols;
        if (total > kMaxTotalEntries) throw InputError("the values of this expression are too large to evaluate");
    }
}

// Pass 2: which factors are applied, never formed.
template <class T>
void BasicEvaluator<T>::leave_factors_implicit() {
    // A Kronecker product, commutation matrix, identity or diagonal matrix that only ever
    // multiplies is applied by the product instead of being formed (it may be n²×n²
    // where its uses are n×n²).
    std::vector<char> dense(slots_.size(), 0);
    for (std::size_t r : root_slots_) dense[r] = 1;
    for (const Slot& s : slots_) {
        bool product = s.node->op->kind == Kind::MatMul;
        for (std::size_t a : s.args)
            if (!product) dense[a] = 1;
        // At most one implicit factor per product: the other is formed.
        if (product && structured(slots_[s.args[0]].node) && structured(slots_[s.args[1]].node)) dense[s.args[1]] = 1;
    }
    // A transpose that only multiplies is read transposed by its products (Eigen's
    // A.transpose() * B), unless a product applies an implicit structured factor to it.
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i].node->op->kind == Kind::Transpose && !dense[i]) slots_[i].implicit = true;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        Slot& s = slots_[i];
        if (!structured(s.node)) continue;
        if (!dense[i]) s.implicit = true;  // a formed one is filled in fill_constants()
    }
    // An identity inside a Kronecker product that is applied is skipped by multiply()
    // (A ⊗ I acts as X ↦ X Aᵀ): never formed either, unless something else reads it. The
    // I of w wᵀ ⊗ I over a batch of N samples is N×N.
    std::vector<char> read_formed(slots_.size(), 0);
    for (const Slot& s : slots_) {
        const bool applied_kron = s.node->op->kind == Kind::Kron && s.implicit;
        for (std::size_t a : s.args)
            if (!applied_kron && s.node->op->kind != Kind::MatMul) read_formed[a] = 1;
    }
    for (std::size_t r : root_slots_) read_formed[r] = 1;
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i].node->op->kind == Kind::Identity && !read_formed[i] && dense[i]) {
            bool only_in_applied_kron = true;
            for (const Slot& s : slots_)
                for (std::size_t a : s.args)
                    if (a == i && !(s.node->op->kind == Kind::Kron && s.implicit)) only_in_applied_kron = false;
            if (only_in_applied_kron) slots_[i].implicit = true;
        }
    // multiply() applies an implicit structured factor to a formed matrix: a transpose
    // beside one is formed.
    for (const Slot& p : slots_) {
        if (p.node->op->kind != Kind::MatMul) continue;
        for (int k = 0; k < 2; ++k) {
            const Slot& factor = slots_[p.args[k]];
            Slot& other = slots_[p.args[1 - k]];
            if (factor.implicit && structured(factor.node) && other.node->op->kind == Kind::Transpose)
                other.implicit = false;
        }
    }
}

// Pass 3: scaled products computed as one GEMM.
template <class T>
void BasicEvaluator<T>::fuse_scaled_products() {
    // s ⊙ (A B) with a scalar s and a product used nowhere else: one scaled product (the
    // 1/B of a gradient averaged over the batch costs no pass of its own).
    std::vector<std::size_t> uses(slots_.size(), 0);
    for (const Slot& s : slots_)
        for (std::size_t a : s.args) ++uses[a];
    for (std::size_t r : root_slots_) ++uses[r];  // the caller reads the roots
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        Slot& s = slots_[i];
        if (s.node->op->id != Op::Hadamard) continue;
        for (int k = 0; k < 2; ++k) {
            const std::size_t scale = s.args[k], p = s.args[1 - k];
            Slot& P = slots_[p];
            const bool scalar = slots_[scale].rows == 1 && slots_[scale].cols == 1;
            if (!scalar || P.node->op->kind != Kind::MatMul || uses[p] != 1 || P.rows != s.rows ||
                P.cols != s.cols)
                continue;
            if ((slots_[P.args[0]].implicit && !implicit_transpose(P.args[0])) ||
                (slots_[P.args[1]].implicit && !implicit_transpose(P.args[1])))
                continue;  // multiply() applies a structured factor
            P.implicit = true;
            s.fused = p;
            break;
        }
    }
}

// Pass 5 (a check): elementwise arguments broadcast to the result as the shape rules promise.
template <class T>
void BasicEvaluator<T>::check_broadcasts() const {
    for (const Slot& s : slots_) {
        if (s.node->op->kind != Kind::Elementwise) continue;
        for (std::size_t a : s.args) {
            const Slot& arg = slots_[a];
            bool rows_ok = arg.rows == s.rows || arg.rows == 1;
            bool cols_ok = arg.cols == s.cols || arg.cols == 1;
            if (!rows_ok || !cols_ok || (s.args.size() == 1 && (arg.rows != s.rows || arg.cols != s.cols)))
                throw std::logic_error(fmt::format("evaluator: {} argument of shape {} does not broadcast to {}",
                                                   s.node->op->name, describe_dims(arg.rows, arg.cols),
                                                   describe_dims(s.rows, s.cols)));
        }
    }
}


template <class T>
std::size_t BasicEvaluator<T>::log_softmax_source(const Slot& s) const {
    if (s.node->op->id != Op::Log || s.args.size() != 1) return Slot::npos;
    const Slot& softmax = slots_[s.args[0]];
    return softmax.node->op->kind == Kind::Softmax ? softmax.args[0] : Slot::npos;
}

template <class T>
void BasicEvaluator<T>::fill_constants() {
    for (Slot& s : slots_) {
        switch (s.node->op->kind) {
        case Kind::Constant: s.buffer = Matrix::Constant(s.rows, s.cols, static_cast<T>(s.node->value)); break;
        case Kind::Commutation:
            if (!s.implicit) s.buffer = commutation_matrix(s.commutation_m, s.rows / s.commutation_m).template cast<T>();
            break;
        case Kind::Identity:
            if (!s.implicit) s.buffer = Matrix::Identity(s.rows, s.cols);
            break;
        case Kind::Variable: case Kind::Size: case Kind::Elementwise: case Kind::MatMul:
        case Kind::Transpose: case Kind::Dot: case Kind::Sum: case Kind::Mean: case Kind::Norm:
        case Kind::Norm1: case Kind::Diag: case Kind::DiagPart: case Kind::Stack: case Kind::Trace:
        case Kind::Det: case Kind::LogDet: case Kind::Inverse: case Kind::LogSumExp: case Kind::Softmax:
        case Kind::Extremum: case Kind::Kron: case Kind::Vec: case Kind::Unvec: case Kind::Block:
            break;  // Kron, Diag: computed by step()
        }
    }
}

template <class T>
BasicEvaluator<T>::BasicEvaluator(const Context& cx, std::span<const Expr> roots, const Env& env) {
    make_slots(cx, roots, env);
    leave_factors_implicit();
    fuse_scaled_products();
    fuse_elementwise();
    find_symmetric_products();
    check_sizes();
    check_budget();    // before anything large is allocated or computed
    fill_constants();
    assign_storage();  // pass 4: output buffers, shared where values are dead
    check_broadcasts();
}

namespace {

// Computed by step() into an output buffer (the others are variables, or filled once).
bool computed(Kind k) {
    return k != Kind::Variable && k != Kind::Constant && k != Kind::Size && k != Kind::Identity &&
           k != Kind::Commutation;
}

}  // namespace

template <class T>
void BasicEvaluator<T>::assign_storage() {
    const std::size_t n = slots_.size();
    // The last slot that reads each value; what an implicit slot reads is read where the
    // implicit slot is used (a transposed factor by its product, a fused product by its
    // scaling), and so on down.
    std::vector<std::size_t> last_use(n, 0);
    auto read = [&](std::size_t a, std::size_t i, auto& self) -> void {
        last_use[a] = i;
        if (slots_[a].implicit)
            for (std::size_t b : slots_[a].args) self(b, i, self);
    };
    for (std::size_t i = 0; i < n; ++i) {
        // An implicit slot's reads are made by its reader, later: walking them here too
        // would walk a fused group's chain once per member (quadratic in its length).
        if (slots_[i].implicit) continue;
        for (std::size_t a : slots_[i].args) read(a, i, read);
        if (std::size_t z = log_softmax_source(slots_[i]); z != Slot::npos) read(z, i, read);
    }
    for (std::size_t r : root_slots_) last_use[r] = n;  // the caller reads the roots
    std::map<std::pair<Index, Index>, std::vector<Matrix*>> free;
    std::vector<char> released(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        Slot& s = slots_[i];
        if (!computed(s.node->op->kind) || s.implicit) {
            if (s.node->op->kind != Kind::Variable) s.out = &s.buffer;
        } else {
            auto& pool = free[{s.rows, s.cols}];
            if (pool.empty()) {
                s.out = &storage_.emplace_back(s.rows, s.cols);
            } else {
                s.out = pool.back();
                pool.pop_back();
            }
        }
        if (s.out) s.value = s.out;
        auto release = [&](std::size_t a, auto& self) -> void {
            Slot& arg = slots_[a];
            if (arg.implicit) {
                for (std::size_t b : arg.args) self(b, self);
                return;
            }
            if (released[a] || last_use[a] != i || !computed(arg.node->op->kind)) return;
            released[a] = 1;
            free[{arg.rows, arg.cols}].push_back(arg.out);
        };
        if (!s.implicit) {
            for (std::size_t a : s.args) release(a, release);
            if (std::size_t z = log_softmax_source(s); z != Slot::npos) release(z, release);
        }
        // The scratch matrices of a product with an implicit Kronecker factor.
        if (s.node->op->kind != Kind::MatMul) continue;
        const bool left = slots_[s.args[0]].implicit;
        const Slot& factor = slots_[s.args[left ? 0 : 1]];
        if (!factor.implicit || factor.node->op->kind != Kind::Kron) continue;
        const Slot& A = slots_[factor.args[0]];
        const Slot& B = slots_[factor.args[1]];
        s.kron = std::make_unique<typename Slot::KronScratch>();
        if (left) {
            s.kron->x.resize(B.cols, A.cols);
            s.kron->t.resize(B.rows, A.cols);
            s.kron->y.resize(B.rows, A.rows);
        } else {
            s.kron->x.resize(B.rows, A.rows);
            s.kron->t.resize(B.cols, A.rows);
            s.kron->y.resize(B.cols, A.cols);
        }
    }
}

template <class T>
std::vector<std::string> BasicEvaluator<T>::variables() const {
    std::vector<std::string> names;
    for (const Slot& s : slots_)
        if (s.node->op->kind == Kind::Variable) names.push_back(s.node->name);
    return names;
}

template <class T>
std::size_t BasicEvaluator<T>::find_variable(const std::string& name) const {
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i].node->op->kind == Kind::Variable && slots_[i].node->name == name) return i;
    return npos;
}

template <class T>
void BasicEvaluator<T>::bind(std::size_t variable, const Matrix& value) {
    Slot& s = slots_.at(variable);
    if (value.rows() != s.rows || value.cols() != s.cols)
        throw InputError(fmt::format("the value of '{}' is {}, but '{}' is {} here", s.node->name,
                                     describe_dims(value.rows(), value.cols()), s.node->name,
                                     describe_dims(s.rows, s.cols)));
    s.bound = &value;
}

template <class T>
void BasicEvaluator<T>::run(const Env& env) {
    for (Slot& s : slots_) {
        switch (s.node->op->kind) {
        case Kind::Variable: {
            if (s.bound) {
                s.value = s.bound;
                break;
            }
            auto it = env.values.find(s.node->name);
            if (it == env.values.end()) throw InputError(fmt::format("no value for '{}'", s.node->name));
            if (it->second.rows() != s.rows || it->second.cols() != s.cols)
                throw InputError(fmt::format("the value of '{}' is {}, but '{}' is {} here", s.node->name,
                                             describe_dims(it->second.rows(), it->second.cols()), s.node->name,
                                             describe_dims(s.rows, s.cols)));
            if constexpr (std::is_same_v<T, double>) {
                s.value = &it->second;
            } else {
                s.buffer = it->second.template cast<T>();  // allocated when compiled: same shape
                s.value = &s.buffer;
            }
            break;
        }
        case Kind::Constant:
        case Kind::Identity:
        case Kind::Size:
        case Kind::Commutation:
            break;  // filled when compiled
        case Kind::Elementwise: case Kind::MatMul: case Kind::Transpose: case Kind::Dot: case Kind::Sum:
        case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::Diag: case Kind::DiagPart:
        case Kind::Stack: case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::Inverse:
        case Kind::LogSumExp: case Kind::Softmax: case Kind::Extremum: case Kind::Kron: case Kind::Vec:
        case Kind::Unvec: case Kind::Block:
            if (!s.implicit) step(s);
        }
    }
}

template <class T>
void BasicEvaluator<T>::step(Slot& s) {
    Matrix& out = *s.out;
    auto arg = [&](std::size_t i) -> const Matrix& { return *slots_[s.args[i]].value; };
    const OpInfo& op = *s.node->op;
    switch (op.kind) {
    case Kind::Elementwise: {
        if (s.fused != Slot::npos) {
            const std::size_t scale = s.args[0] == s.fused ? s.args[1] : s.args[0];
            product(slots_[s.fused], out, (*slots_[scale].value)(0, 0));
            break;
        }
        // log(softmax(Z, k)) = Z − logsumexp(Z, k), from the softmax's argument: finite
        // where the softmax underflows to 0 (logits of scale 1000).
        if (const std::size_t zs = log_softmax_source(s); zs != Slot::npos) {
            const Matrix& Z = *slots_[zs].value;
            const Slot& softmax = slots_[s.args[0]];
            auto log_softmax = [](const auto& v, auto&& o) {
                const T top = v.maxCoeff();
                o = (v.array() - (top + std::log((v.array() - top).exp().sum()))).matrix();
            };
            if (!softmax.columnwise) log_softmax(Z, out);
            else if (softmax.node->args[1]->value == 2.0)
                for (Index i = 0; i < Z.rows(); ++i) log_softmax(Z.row(i), out.row(i));
            else
                for (Index j = 0; j < Z.cols(); ++j) log_softmax(Z.col(j), out.col(j));
            break;
        }
        if (s.group) {
            run_fused(s);
            break;
        }
        // The table's kernel over whole arrays: a 1×1 argument with stride 0, a row or a
        // column broadcast one column of the result at a time (column-major data).
        const ArrayKernel<T> kernel = array_kernel<T>(op);
        const Index n = out.size(), rows = out.rows();
        T* o = out.data();
        const Matrix& A = arg(0);
        const Matrix& B = s.args.size() == 2 ? arg(1) : A;
        auto whole = [&](const Matrix& M) { return M.size() == n || M.size() == 1; };
        if (whole(A) && whole(B)) {
            kernel(A.data(), A.size() == 1 ? 0 : 1, B.data(), B.size() == 1 ? 0 : 1, o, n);
        } else {
            const Index ar = A.rows() == 1 ? 0 : 1, ac = A.cols() == 1 ? 0 : A.rows();
            const Index br = B.rows() == 1 ? 0 : 1, bc = B.cols() == 1 ? 0 : B.rows();
            for (Index c = 0; c < out.cols(); ++c)
                kernel(A.data() + c * ac, ar, B.data() + c * bc, br, o + c * rows, rows);
        }
        break;
    }
    case Kind::MatMul:
        if ((slots_[s.args[0]].implicit && !implicit_transpose(s.args[0])) ||
            (slots_[s.args[1]].implicit && !implicit_transpose(s.args[1])))
            multiply(s);
        else
            product(s, out, T(1));
        break;
    case Kind::Kron: {
        const Matrix& A = arg(0);
        const Matrix& B = arg(1);
        for (Index j = 0; j < A.cols(); ++j)
            for (Index i = 0; i < A.rows(); ++i)
                out.block(i * B.rows(), j * B.cols(), B.rows(), B.cols()) = A(i, j) * B;
        break;
    }
    case Kind::Vec:
        out = arg(0).reshaped();
        break;
    case Kind::Unvec:
        out = arg(0).reshaped(out.rows(), out.cols());
        break;
    case Kind::Block:
        out = arg(0).block(s.top, s.left, out.rows(), out.cols());
        break;
    case Kind::Transpose:
        out = arg(0).transpose();
        break;
    case Kind::Dot:
        out(0, 0) = arg(0).reshaped().dot(arg(1).reshaped());
        break;
    case Kind::Sum:
        out(0, 0) = arg(0).sum();
        break;
    case Kind::Mean:
        out(0, 0) = arg(0).mean();
        break;
    case Kind::Norm:
        out(0, 0) = arg(0).norm();
        break;
    case Kind::Norm1:
        out(0, 0) = arg(0).cwiseAbs().sum();
        break;
    case Kind::Diag:
        out.setZero();
        out.diagonal() = arg(0).reshaped();
        break;
    case Kind::DiagPart:
        out = arg(0).diagonal();
        break;
    case Kind::Trace:
        out(0, 0) = arg(0).trace();
        break;
    case Kind::Det:
        out(0, 0) = arg(0).determinant();
        break;
    case Kind::LogDet:
        out(0, 0) = std::log(arg(0).determinant());  // NaN unless the determinant is positive
        break;
    case Kind::Inverse:
        out = arg(0).inverse();
        break;
    case Kind::LogSumExp: {
        const Matrix& A = arg(0);
        // Shifted by the largest entry, so that exp cannot overflow.
        auto lse = [](const auto& v) -> T {
            const T top = v.maxCoeff();
            return top + std::log((v.array() - top).exp().sum());
        };
        if (!s.columnwise) out(0, 0) = lse(A);
        else if (s.node->args[1]->value == 2.0)
            for (Index i = 0; i < A.rows(); ++i) out(i, 0) = lse(A.row(i));
        else
            for (Index j = 0; j < A.cols(); ++j) out(0, j) = lse(A.col(j));
        break;
    }
    case Kind::Extremum:
        out(0, 0) = s.node->op->id == Op::MaxEntry ? arg(0).maxCoeff() : arg(0).minCoeff();
        break;
    case Kind::Softmax: {  // of a vector, or of a matrix column by column or row by row (s.columnwise)
        const Matrix& A = arg(0);
        auto softmax = [](const auto& v, auto&& o) {  // shifted by the largest entry
            const T top = v.maxCoeff();
            o = (v.array() - top).exp().matrix();
            o /= o.sum();
        };
        if (!s.columnwise) softmax(A, out);
        else if (s.node->args[1]->value == 2.0)
            for (Index i = 0; i < A.rows(); ++i) softmax(A.row(i), out.row(i));
        else
            for (Index j = 0; j < A.cols(); ++j) softmax(A.col(j), out.col(j));
        break;
    }
    case Kind::Stack: {
        const std::size_t per_row = static_cast<std::size_t>(s.node->param);
        Index top = 0;
        for (std::size_t first = 0; first < s.args.size(); first += per_row) {
            Index left = 0;
            for (std::size_t j = first; j < first + per_row; ++j) {
                const Matrix& block = arg(j);
                out.block(top, left, block.rows(), block.cols()) = block;
                left += block.cols();
            }
            top += arg(first).rows();
        }
        break;
    }
    case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size: case Kind::Commutation:
        throw std::logic_error(fmt::format("evaluator: no rule for {}", op.name));
    }
}

template class BasicEvaluator<double>;
template class BasicEvaluator<float>;

}  // namespace matcalc
