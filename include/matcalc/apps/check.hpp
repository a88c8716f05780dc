// `matcalc check`: each symbolic Jacobian against central finite differences at random
// points (seeded). Points where a piecewise function sits near its kink, or where the
// function is not finite, are drawn again.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"

namespace matcalc {

struct CheckOptions {
    int points = 5;
    std::uint64_t seed = 1;
    double tolerance = 1e-6;
    bool extreme = false;  // check --extreme: also check_extremes()
};

// The finite-difference step for an entry x_j: kFiniteDifferenceStep · max(1, |x_j|).
inline constexpr double kFiniteDifferenceStep = 1e-6;

// The error of one Jacobian entry J against its central difference J_fd, whose rounding
// error is estimated as `noise` (64 u ‖f(x ± h)‖∞ / h, u = 2⁻⁵³):
//   |J − J_fd| / max(|J_fd|, noise / kResolution).
// It is relative wherever central differences resolve the entry to kResolution of itself
// (a gradient entry of 1e-5 is checked to 1e-6 of 1e-5, not to 1e-6 absolutely, as
// before), and below that scale it is the difference measured against the noise floor, so
// an entry smaller than what the differences can measure is not declared wrong.
inline constexpr double kResolution = 1e-6;
double check_error(double symbolic, double numeric, double noise);

struct CheckResult {
    std::string wrt;
    double max_error = 0.0;  // the largest check_error over points and entries
    int point = 0;           // where the largest error was (0-based)
    Eigen::Index row = 0, col = 0;
    double symbolic = 0.0, numeric = 0.0;
    double absolute_error = 0.0;  // there: |J − J_fd|
    double relative_error = 0.0;  // there: |J − J_fd| / |J_fd| (0 when equal)
    bool ok = true;
};

// A random point as `check` draws it, and the values of the roots there.
struct DrawnPoint {
    Env env;
    std::vector<Eigen::MatrixXd> values;  // one per root, in order
};

// `options.points` random points (seeded by `options.seed`) where every root is finite
// and no piecewise function among them is near its kink; roots[0] is the function. Sizes
// not fixed by `at` are drawn from 2..4 (more where an index needs it); every declared
// variable gets standard normal entries (then entries in (0.1, 0.9) after 100 tries), but
// those `at` gives that are not in `wrt`. With `at`, the first point is `at` itself.
// Shared by check_derivatives and compare (compare.hpp), so both draw the same points.
std::vector<DrawnPoint> draw_points(Model& model, std::span<const Expr> roots, const std::vector<Expr>& wrt,
                                    const Env* at, const CheckOptions& options);

// The Jacobian numel(f) × numel(x) (entries of matrices in vec order) from the value of
// the numerator-layout derivative (docs/language.md, Derivatives: a gradient for matrix x).
Eigen::MatrixXd jacobian_matrix(const Context& cx, Expr f, Expr x, const Eigen::MatrixXd& derivative_value);

// Checks ∂f/∂x for every x in `wrt` (variables) with their numerator-layout derivatives
// `derivatives`. With `at`, the first point is `at` and its sizes are used throughout;
// sizes not fixed by `at` are drawn from 2..4.
std::vector<CheckResult> check_derivatives(Model& model, Expr f, const std::vector<Expr>& wrt,
                                           const std::vector<Expr>& derivatives, const Env* at,
                                           const CheckOptions& options);

// check --extreme: the function and each derivative at `options.points` points per scale,
// every variable's entries drawn as scale · N(0, 1) for the scales kExtremeScales (large
// and tiny; the variables --at gives other than the wrt ones keep their values). A
// derivative that is NaN or infinite at a point where the function is finite is a finding
// (the first per derivative); points where the function is not finite are counted, not
// used.
inline constexpr double kExtremeScales[] = {1e3, 1e8, 1e-8};
struct ExtremeResult {
    std::string wrt;
    bool ok = true;
    int points = 0, skipped = 0;  // used, and skipped (function not finite)
    double scale = 0;             // the first finding: its scale, point and entry
    int point = 0;
    Eigen::Index row = 0, col = 0;
    double derivative = 0;        // its value there (NaN or ±inf)
};
std::vector<ExtremeResult> check_extremes(Model& model, Expr f, const std::vector<Expr>& wrt,
                                          const std::vector<Expr>& derivatives, const Env* at,
                                          const CheckOptions& options);

}  // namespace matcalc
