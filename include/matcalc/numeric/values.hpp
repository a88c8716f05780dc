// Values files (`--at`, `--init`; docs/language.md, "Values files") and the JSON form of
// values in matcalc's output.
//
//   Env env = load_values(model, Source{"at.json", text});   // sizes inferred, checked
//   require_values(model, f, env);                           // "no value for 'x'"
//   Eigen::MatrixXd v = evaluate(model.cx(), f, env);        // evaluator.hpp
//
// Where errors point: load_values throws InputError whose range is a byte range of the
// values file (render it against `values_json`, not the model). require_values throws
// InputError pointing at a declaration in the model, or without a range.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

#include "matcalc/io/diagnostics.hpp"
#include "matcalc/io/json.hpp"
#include "matcalc/numeric/evaluator.hpp"

namespace matcalc {

class Model;

// Reads a values file (README, Commands): a JSON object from names to numbers. A scalar is a
// number, a column vector a flat list (also accepted for a row vector `matrix(1, n)`), a
// matrix a list of rows (numpy tolist()); a list of rows is accepted for any shape whose
// rows and columns match. A size symbol may be given directly (`"n": 3`). Sizes are
// inferred from the values and must agree with the declarations and with each other.
// Names the file does not give take the model's initial values
// (`param b : vector(2) = [0.1; 0.2]`); a definition cut into a variable
// (BindOptions::free_definitions) takes the value of its expression. Throws InputError
// pointing into `values_json` (or without a position, for a problem with an initial value).
Env load_values(Model& model, const Source& values_json);

// Values from the model's initial values (and cut definitions) only, without a file.
// Those whose sizes or inputs are unknown are left out (require_values reports them).
Env initial_values(Model& model);
// The same into `env`, for the symbols it has no value for, with its sizes.
void fill_initial_values(Model& model, Env& env);

// Checks that every variable `e` depends on has a value and every size it needs is known.
// InputError "no value for 'x'" (pointing at x's declaration) otherwise.
void require_values(const Model& model, Expr e, const Env& env);

// ---------------------------------------------------------------- JSON output

// A value shaped like its symbol: scalar → number, column or row vector → flat list,
// matrix → list of rows. `symbolic` is the symbol's shape in `sizes`, so a matrix(m, n)
// whose m is 1 at these values is still written as a list of rows (and reads back).
void write_value(json::Writer& out, const Eigen::MatrixXd& m, const SizeTable& sizes, Shape symbolic);
// The same, deciding by the concrete shape only (1×1 → number, one row or column → list).
void write_value(json::Writer& out, const Eigen::MatrixXd& m);
// Always a list of rows (Jacobians, Hessians).
void write_rows(json::Writer& out, const Eigen::MatrixXd& m);
// The entries in vec order (column-major: the columns stacked).
std::vector<double> vec_order(const Eigen::MatrixXd& m);
// write_value into a compact JSON text.
std::string value_json(const Eigen::MatrixXd& m);

}  // namespace matcalc
