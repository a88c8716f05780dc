// `matcalc compare`: is a claimed derivative right? A claim is an expression over the
// model's names read as ∂f/∂x (docs/compare.md):
//
//   Expr claim = bind_claim(model, Source{"--claim", "2(w·x + b − y) x'"});
//   CompareResult r = compare_claim(model, f, x, claim, {});
//   r.equal, r.compared_as, r.diagnosis ("the wrong sign", ...), r.max_error
//
// The claim is compared with the numerator-layout Jacobian when it has its shape, with the
// gradient (shaped like x) when f is a scalar and the claim is shaped like x; a claim
// shaped like the transpose of either is compared transposed and unequal all the same
// ("the other layout", "transposed"). Any other shape is an InputError naming both.
// Equality is decided by the simplifier when claim − derivative simplifies to zero, else
// numerically at the points `check` draws (draw_points in check.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "matcalc/apps/check.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/values.hpp"

namespace matcalc {

struct CompareOptions {
    int points = 5;
    std::uint64_t seed = 1;
    double tolerance = 1e-6;
};

enum class ComparedAs { Jacobian, Gradient };
const char* compared_as_name(ComparedAs as);  // "jacobian", "gradient"

struct CompareResult {
    bool equal = false;
    bool symbolic = false;  // decided by the simplifier (no numbers)
    ComparedAs compared_as = ComparedAs::Jacobian;
    bool transposed_shape = false;  // the claim is shaped like the transpose
    std::optional<std::string> diagnosis;
    double max_error = 0.0;  // the largest entry error (compare_error) over the points
    int points = 0;          // points evaluated (0 when decided symbolically)
    Expr derivative = nullptr;  // the right one, as compared (Jacobian or gradient), simplified
    // When not equal: the point where the largest error is (values of the declared
    // variables) and both values there: the claim's in its own shape, the derivative's
    // in the compared form's.
    Env point;
    Eigen::MatrixXd claimed, expected;
};

// The error of one entry: |c − t| / max(|t|, 10⁻³ max(‖t‖∞, ‖c‖∞), 10⁻⁹). Relative where
// the entry is not small next to the others, so rounding in entries that are zero does
// not count, and a claim of 0 for a derivative of 1e-5 is not right.
double compare_error(const Eigen::MatrixXd& claimed, const Eigen::MatrixXd& expected);

// Binds `claim` (its own text, e.g. Source{"--claim", text}) in the model's scope: the
// declared and defined names, the model's functions. InputError located in the claim.
Expr bind_claim(Model& model, const Source& claim);

// Compares the claim with ∂f/∂x. InputError when the claim's shape is neither the
// derivative's nor its transpose's, or when no point can be drawn.
CompareResult compare_claim(Model& model, const Symbol& f, const Symbol& x, Expr claim, const CompareOptions& options);

// "1 × n (the Jacobian) or n × 1 (the gradient)": the shapes a claim may have.
std::string expected_shapes(const Model& model, const Symbol& f, const Symbol& x);

}  // namespace matcalc
