// Shared by the numeric stage's sources (not installed): concrete sizes under an Env, the
// limits of one evaluation, the elementwise kernels.
#pragma once

#include <string>

#include <Eigen/Core>

#include "matcalc/core/ops.hpp"
#include "matcalc/numeric/evaluator.hpp"

namespace matcalc {

// Total entries of all buffers of one evaluation.
inline constexpr Eigen::Index kMaxTotalEntries = kMaxEntries * 4;

// The integer value of the size d under env (products and sums from their parts).
// InputError when it is not known or too large.
Eigen::Index concrete_dim(const SizeTable& sizes, Dim d, const Env& env);

// For exp, log, tanh, σ and √ in float: the kernel over contiguous arrays with Eigen's
// vectorised functions (the table's generic lambda calls std::tanh(float) per entry, which
// the compiler cannot vectorise); a strided argument goes to the table's kernel. Eigen's
// are at most 4.5 units in the last place from the exact value (tanh; README, Precision). nullptr
// for other operations. In double the table's kernels stay: Eigen has no vectorised tanh
// for double, and the table's are the numbers the tests and codegen reproduce.
ArrayKernel<float> vectorised_kernel32(Op id);

// The kernel of an elementwise operation over arrays of T: the table's, or in float one
// Eigen vectorises.
template <class T>
ArrayKernel<T> array_kernel(const OpInfo& op) {
    if constexpr (std::is_same_v<T, double>) {
        return op.kernel1 ? op.kernel1.array64 : op.kernel2.array64;
    } else {
        if (ArrayKernel<float> k = vectorised_kernel32(op.id)) return k;
        return op.kernel1 ? op.kernel1.array32 : op.kernel2.array32;
    }
}

// "3×4".
std::string describe_dims(Eigen::Index rows, Eigen::Index cols);

}  // namespace matcalc
