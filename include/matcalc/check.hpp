// `matcalc check`: each symbolic Jacobian against central finite differences at random
// points (seeded). Points where a piecewise function sits near its kink, or where the
// function is not finite, are drawn again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "matcalc/eval.hpp"
#include "matcalc/model.hpp"

namespace matcalc {

struct CheckOptions {
    int points = 5;
    std::uint64_t seed = 1;
    double tolerance = 1e-6;
};

struct CheckResult {
    std::string wrt;
    double max_error = 0.0;  // max over points and entries of |J − J_fd| / max(1, |J_fd|)
    int point = 0;           // where the largest error was (0-based)
    Eigen::Index row = 0, col = 0;
    double symbolic = 0.0, numeric = 0.0;
    bool ok = true;
};

// The Jacobian numel(f) × numel(x) (entries of matrices in vec order) from the value of
// the numerator-layout derivative (design.md §2: a gradient for matrix x).
Eigen::MatrixXd jacobian_matrix(const Context& cx, Expr f, Expr x, const Eigen::MatrixXd& derivative_value);

// Checks ∂f/∂x for every x in `wrt` (variables) with their numerator-layout derivatives
// `derivatives`. With `at`, the first point is `at` and its sizes are used throughout;
// sizes not fixed by `at` are drawn from 2..4.
std::vector<CheckResult> check_derivatives(Model& model, Expr f, const std::vector<Expr>& wrt,
                                           const std::vector<Expr>& derivatives, const Env* at,
                                           const CheckOptions& options);

}  // namespace matcalc
