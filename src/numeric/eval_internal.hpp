// Shared by eval.cpp, evaluator.cpp and values_json.cpp (not installed): concrete sizes under an Env and
// the limits of one evaluation.
#pragma once

#include <string>

#include <Eigen/Core>

#include "matcalc/numeric/evaluator.hpp"

namespace matcalc {

// Total entries of all buffers of one evaluation.
inline constexpr Eigen::Index kMaxTotalEntries = kMaxEntries * 4;

// The integer value of the size d under env (products and sums from their parts).
// InputError when it is not known or too large.
Eigen::Index concrete_dim(const SizeTable& sizes, Dim d, const Env& env);

// "3×4".
std::string describe_dims(Eigen::Index rows, Eigen::Index cols);

}  // namespace matcalc
