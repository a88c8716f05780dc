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
// for other operations.
ArrayKernel<float> vectorised_kernel32(Op id);

// In double, tanh's (vectorised_tanh.cpp; Eigen 3.4 has none for double); nullptr for the
// other operations, whose table kernels are the numbers the tests and codegen reproduce.
ArrayKernel<double> vectorised_kernel64(Op id);

// out[i] = tanh(x[i]) for i < n, a vector register at a time, within 2 units in the last
// place (vectorised_tanh.cpp). out may be x.
void tanh_array(const double* x, double* out, std::ptrdiff_t n);

// The kernel of an elementwise operation over arrays of T: the table's, or one that uses
// the vector units.
template <class T>
ArrayKernel<T> array_kernel(const OpInfo& op) {
    if constexpr (std::is_same_v<T, double>) {
        if (ArrayKernel<double> k = vectorised_kernel64(op.id)) return k;
        return op.kernel1 ? op.kernel1.array64 : op.kernel2.array64;
    } else {
        if (ArrayKernel<float> k = vectorised_kernel32(op.id)) return k;
        return op.kernel1 ? op.kernel1.array32 : op.kernel2.array32;
    }
}

// "3×4".
std::string describe_dims(Eigen::Index rows, Eigen::Index cols);

}  // namespace matcalc
