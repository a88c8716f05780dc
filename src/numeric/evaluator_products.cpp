// The evaluator's matrix products (evaluator.hpp, BasicEvaluator): dense products with
// transposed or scaled factors, and products with a structured factor applied, never
// formed (Kronecker products, commutation matrices, diagonals, identities).
#include <Eigen/Core>

#include "eval_internal.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/numeric/evaluator.hpp"

namespace matcalc {

using Eigen::Index;

template <class T>
bool BasicEvaluator<T>::implicit_transpose(std::size_t slot) const {
    return slots_[slot].implicit && slots_[slot].node->op->kind == Kind::Transpose;
}

template <class T>
void BasicEvaluator<T>::product(const Slot& p, Matrix& out, T scale) {
    const Slot& a = slots_[p.args[0]];
    const Slot& b = slots_[p.args[1]];
    auto ones = [](const Slot& s) { return s.node->op->kind == Kind::Constant && s.node->value == 1.0; };
    auto apply = [&](const auto& A, const auto& B) {
        if (ones(a) && a.rows == 1) {  // 1ᵀ B: the sums of B's columns
            if (scale == T(1)) out.noalias() = B.colwise().sum();
            else out.noalias() = scale * B.colwise().sum();
        } else if (ones(b) && b.cols == 1) {  // A 1: the sums of A's rows
            if (scale == T(1)) out.noalias() = A.rowwise().sum();
            else out.noalias() = scale * A.rowwise().sum();
        } else if (p.symmetric) {
            // Half the multiply-adds (Eigen's triangular GEMM), the other half mirrored.
            if (scale == T(1)) out.template triangularView<Eigen::Lower>() = A * B;
            else out.template triangularView<Eigen::Lower>() = (scale * A) * B;
            for (Index j = 1; j < out.cols(); ++j) out.col(j).head(j) = out.row(j).head(j).transpose();
        } else if (scale == T(1)) {
            out.noalias() = A * B;
        } else if (out.rows() == 1 || out.cols() == 1) {
            out.noalias() = A * B;  // Eigen's matrix–vector product would copy a scaled vector
            out *= scale;
        } else {
            out.noalias() = (scale * A) * B;  // GEMM multiplies by the scale once per entry
        }
    };
    const bool ta = implicit_transpose(p.args[0]), tb = implicit_transpose(p.args[1]);
    const Matrix& A = *slots_[ta ? a.args[0] : p.args[0]].value;
    const Matrix& B = *slots_[tb ? b.args[0] : p.args[1]].value;
    if (ta && tb) apply(A.transpose(), B.transpose());
    else if (ta) apply(A.transpose(), B);
    else if (tb) apply(A, B.transpose());
    else apply(A, B);
}

// Pass 3c: products known to be symmetric from their factors: L R where R is Lᵀ, or is
// diag(v) Lᵀ, or L is L' diag(v) with R = L'ᵀ (whichever association the chain took).
// Gauss–Newton matrices Sᵀ S, the Hessian of logistic regression (1/N) Xᵀ diag(p ⊙ (1 −
// p)) X. Only products computed by product() (no structured factor applied).
template <class T>
void BasicEvaluator<T>::find_symmetric_products() {
    auto kind = [&](std::size_t i) { return slots_[i].node->op->kind; };
    // Whether slot j holds the transpose of slot i's value (one is the other's Transpose node).
    auto transposes = [&](std::size_t i, std::size_t j) {
        return (kind(j) == Kind::Transpose && slots_[j].args[0] == i) ||
               (kind(i) == Kind::Transpose && slots_[i].args[0] == j);
    };
    // For a product slot with a diagonal factor on the given side: the other factor, else npos.
    auto beside_diagonal = [&](std::size_t i, bool diag_left) -> std::size_t {
        if (kind(i) != Kind::MatMul) return Slot::npos;
        const Slot& m = slots_[i];
        return kind(m.args[diag_left ? 0 : 1]) == Kind::Diag ? m.args[diag_left ? 1 : 0] : Slot::npos;
    };
    for (Slot& p : slots_) {
        if (p.node->op->kind != Kind::MatMul || p.rows != p.cols || p.rows < 2) continue;
        const std::size_t a = p.args[0], b = p.args[1];
        if ((slots_[a].implicit && !implicit_transpose(a)) || (slots_[b].implicit && !implicit_transpose(b))) continue;
        const std::size_t right = beside_diagonal(b, true), left = beside_diagonal(a, false);
        p.symmetric = transposes(a, b) || (right != Slot::npos && transposes(a, right)) ||
                      (left != Slot::npos && transposes(left, b));
    }
}

// A product with an implicit factor, never formed: (A ⊗ B) M applies B X Aᵀ to each
// column of M read as a matrix X (vec(B X Aᵀ) = (A ⊗ B) vec X); M (A ⊗ B) does the same
// to the rows; K(m,n) permutes rows, and M K(m,n) columns; a diagonal scales.
template <class T>
void BasicEvaluator<T>::multiply(Slot& s) {
    Matrix& out = *s.out;
    const bool left = slots_[s.args[0]].implicit;
    const Slot& factor = slots_[s.args[left ? 0 : 1]];
    const Matrix& M = *slots_[s.args[left ? 1 : 0]].value;
    switch (factor.node->op->kind) {
    case Kind::Identity:
        out = M;
        return;
    case Kind::Diag: {  // diag(v) M scales the rows, M diag(v) the columns
        // Column by column: Eigen evaluates asDiagonal() products (and a row broadcast) of
        // column-major matrices entry by entry, without vector instructions (a Hessian's
        // Xᵀ diag(p ⊙ (1 − p)) X spent a tenth of its time here).
        const Matrix& d = *slots_[factor.args[0]].value;
        const Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>> v(d.data(), d.size());
        for (Index j = 0; j < M.cols(); ++j) {
            if (left) out.col(j).array() = M.col(j).array() * v;
            else out.col(j) = v(j) * M.col(j);
        }
        return;
    }
    case Kind::Variable: case Kind::Constant: case Kind::Size: case Kind::Commutation: case Kind::Elementwise:
    case Kind::MatMul: case Kind::Transpose: case Kind::Dot: case Kind::Sum: case Kind::Mean: case Kind::Norm:
    case Kind::Norm1: case Kind::DiagPart: case Kind::Stack: case Kind::Trace: case Kind::Det:
    case Kind::LogDet: case Kind::Inverse: case Kind::LogSumExp: case Kind::Softmax: case Kind::Extremum:
    case Kind::Kron: case Kind::Vec: case Kind::Unvec: case Kind::Block:
        break;
    }
    if (factor.node->op->kind == Kind::Commutation) {
        // K(m,n) has a one at row j + i n, column i + j m (i < m, j < n).
        // On the left each column of M, read as an m×n matrix, is transposed (K vec A =
        // vec Aᵀ): a transpose per column rather than a copy of each row across the
        // columns, which strides through memory; on the right whole columns move.
        const Index m = factor.commutation_m, n = factor.rows / m;
        if (left) {
            for (Index c = 0; c < M.cols(); ++c) out.col(c).reshaped(n, m) = M.col(c).reshaped(m, n).transpose();
            return;
        }
        for (Index i = 0; i < m; ++i)
            for (Index j = 0; j < n; ++j) out.col(i + j * m) = M.col(j + i * n);
        return;
    }
    const Slot& a_slot = slots_[factor.args[0]];
    const Slot& b_slot = slots_[factor.args[1]];
    const bool a_identity = a_slot.node->op->kind == Kind::Identity;
    const bool b_identity = b_slot.node->op->kind == Kind::Identity;
    if (a_identity || b_identity) {
        kron_with_identity(s, M, left, a_slot, b_slot);
        return;
    }
    const Matrix& A = *a_slot.value;
    const Matrix& B = *b_slot.value;
    Matrix &X = s.kron->x, &BX = s.kron->t, &Y = s.kron->y;  // a column (row) of M as a matrix, its image
    if (left) {
        for (Index k = 0; k < M.cols(); ++k) {
            X = M.col(k).reshaped(B.cols(), A.cols());
            BX.noalias() = B * X;
            Y.noalias() = BX * A.transpose();
            out.col(k) = Y.reshaped();
        }
    } else {
        // Row r of M (A ⊗ B) is (Aᵀ ⊗ Bᵀ) applied to row r of M.
        for (Index r = 0; r < M.rows(); ++r) {
            X = M.row(r).transpose().reshaped(B.rows(), A.rows());
            BX.noalias() = B.transpose() * X;
            Y.noalias() = BX * A;
            out.row(r) = Y.reshaped().transpose();
        }
    }
}

// (A ⊗ B) M or M (A ⊗ B) where A or B is an identity, from the other factor alone:
// (I ⊗ B) M is B times each column of M read as a t×q matrix, and those side by side are
// one matrix B [X₁ X₂ …] = B M.reshaped(t, q·k), a single product; (A ⊗ I) M applies Aᵀ
// from the right to each X. On the right, M (I ⊗ B) is each row of M read as a matrix
// times B, M (A ⊗ I) each such matrix times A. Never the identity's own entries: their
// product with X is X.
template <class T>
void BasicEvaluator<T>::kron_with_identity(Slot& s, const Matrix& M, bool left, const Slot& a, const Slot& b) {
    Matrix& out = *s.out;
    const bool a_identity = a.node->op->kind == Kind::Identity;
    const bool b_identity = b.node->op->kind == Kind::Identity;
    if (a_identity && b_identity) {
        out = M;
        return;
    }
    if (left) {
        if (a_identity) {  // (I_q ⊗ B): B [X₁ … X_k] at once
            const Matrix& B = *b.value;
            out.reshaped(B.rows(), out.size() / B.rows()).noalias() = B * M.reshaped(B.cols(), M.size() / B.cols());
            return;
        }
        const Matrix& A = *a.value;  // (A ⊗ I_t): X Aᵀ, X = column k of M as t×q
        const Index t = b.rows;
        for (Index k = 0; k < M.cols(); ++k)
            out.col(k).reshaped(t, A.rows()).noalias() = M.col(k).reshaped(t, A.cols()) * A.transpose();
        return;
    }
    // Row r of M (A ⊗ B) is (Aᵀ ⊗ Bᵀ) applied to row r of M read as a (B.rows × A.rows) matrix.
    if (a_identity) {
        const Matrix& B = *b.value;
        for (Index r = 0; r < M.rows(); ++r) {
            s.kron->x = M.row(r).transpose().reshaped(B.rows(), a.rows);
            s.kron->y.noalias() = B.transpose() * s.kron->x;
            out.row(r) = s.kron->y.reshaped().transpose();
        }
        return;
    }
    const Matrix& A = *a.value;
    const Index t = b.rows;
    for (Index r = 0; r < M.rows(); ++r) {
        s.kron->x = M.row(r).transpose().reshaped(t, A.rows());
        s.kron->y.noalias() = s.kron->x * A;
        out.row(r) = s.kron->y.reshaped().transpose();
    }
}

template void BasicEvaluator<double>::find_symmetric_products();
template void BasicEvaluator<float>::find_symmetric_products();
template bool BasicEvaluator<double>::implicit_transpose(std::size_t) const;
template bool BasicEvaluator<float>::implicit_transpose(std::size_t) const;
template void BasicEvaluator<double>::product(const Slot&, Matrix&, double);
template void BasicEvaluator<float>::product(const Slot&, Matrix&, float);
template void BasicEvaluator<double>::multiply(Slot&);
template void BasicEvaluator<float>::multiply(Slot&);
template void BasicEvaluator<double>::kron_with_identity(Slot&, const Matrix&, bool, const Slot&, const Slot&);
template void BasicEvaluator<float>::kron_with_identity(Slot&, const Matrix&, bool, const Slot&, const Slot&);

}  // namespace matcalc
