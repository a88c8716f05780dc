// `matcalc derive --steps`: a derivative derived the way the lecture derives it.
//
//   1. Intermediate variables, one per operation on the path from the variable to the
//      function, named as the model names them (z = w·x + b) or fresh (u, v, … for
//      vectors and matrices, γ, δ, … for scalars; u1, u2, … when everything is scalar).
//      A dot product of vectors is first rephrased as sum(w ⊙ x), as the lecture does.
//   2. Each local partial derivative ∂v/∂u of one intermediate with respect to one of its
//      arguments, holding the others fixed, with the rule that gives it (diagonal Jacobian
//      of an elementwise operator, vector–scalar expansion, sum reduction, ...).
//   3. The vector chain rule forward from the variable: ∂v/∂x = Σ_u ∂v/∂u ∂u/∂x (one term:
//      the chain rule; several: the total derivative), each product simplified one named
//      rewrite at a time.
//   4. The intermediate variables substituted back, and the result as `derive` prints it
//      (layout, gradient shape), with its shape.
//
// Every Jacobian here is numerator layout and ∂vec(F)/∂vec(X) for matrices (docs/language.md, Derivatives).
// The steps are built from the same engine as `derive`: local partials are the Jacobians
// of one operation with respect to a fresh variable standing for its argument, so each
// step can be checked numerically (tests/test_steps.cpp does, at random points).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "matcalc/core/expr.hpp"
#include "matcalc/print/print.hpp"

namespace matcalc {

class Model;
struct Symbol;

// An expression after one rewrite, and the rule that made it.
struct Rewritten {
    Expr expr;
    std::string rule;
};

struct Intermediate {
    std::string name;
    bool fresh = false;       // named by the steps, not by the model
    Expr node = nullptr;      // what it stands for, in the model's variables
    Expr symbol = nullptr;    // a variable standing for it in the steps
    Expr definition = nullptr;  // node with its intermediate arguments as their symbols
    // The dot product w·x that this product w ⊙ x rephrases (as sum(w ⊙ x)), or null.
    Expr rephrased = nullptr, rephrased_as = nullptr;
    std::string written;  // a call of the model's own function that it is, as written: g(x)
};

struct LocalPartial {
    std::size_t of = 0;       // ∂ intermediates[of] / ∂ wrt
    Expr wrt = nullptr;       // an intermediate's symbol, or the variable itself
    Expr jacobian = nullptr;  // numel(of) × numel(wrt), simplified
    std::string rule;
};

struct ChainStep {
    std::size_t of = 0;                  // ∂ intermediates[of] / ∂x
    std::vector<std::size_t> terms;      // local partials, one per argument that depends on x
    std::string rule;                    // chain rule, vector chain rule or total derivative
    Expr product = nullptr;              // Σ ∂of/∂u ∂u/∂x with the known factors, unsimplified
    std::vector<Rewritten> simplified;   // one entry per visible rewrite
    Expr result = nullptr;               // the product simplified
};

// Backpropagation (derive --steps backward): ∂f/∂v of a scalar f for one intermediate v
// (or the variable), shaped like v (a gradient), from the ones of the intermediates that use v.
struct Adjoint {
    std::size_t of = 0;        // an index of intermediates; intermediates.size(): the variable
    Expr symbol = nullptr;     // a variable standing for ∂f/∂v in the lines below it
    Expr formula = nullptr;    // Σ_u (∂u/∂v)ᵀ ∂f/∂u in the symbols, simplified
    std::vector<std::size_t> from;  // the adjoints (indices of `backward`) it is made from
    std::string rule;          // the local rule (one user) or "total derivative"
};

struct Derivation {
    const Symbol* function = nullptr;
    const Symbol* variable = nullptr;
    std::vector<Intermediate> intermediates;  // in order of evaluation; the last is the function
    std::vector<LocalPartial> partials;
    std::vector<ChainStep> chain;             // for intermediates with an intermediate argument
    Expr chain_result = nullptr;              // ∂f/∂x in the intermediate variables
    Expr substituted = nullptr;               // with the fresh ones substituted back
    std::vector<Rewritten> back_simplified;   // its simplification, rewrite by rewrite
    Expr result = nullptr;                    // as `derive` prints it
    std::string result_note;                  // the layout, or "the gradient, shaped like X"
    std::vector<Adjoint> backward;            // with derive_backward: from f down to the variable
};

// At most this many intermediate variables (an InputError beyond).
inline constexpr std::size_t kMaxIntermediates = 200;

// The operations between the variable and the function, one step each, in evaluation
// order: the nodes that depend on the variable (one linear pass over the DAG).
std::vector<Expr> steps_path(const Context& cx, Expr function, Expr variable);

// The InputError of a path longer than kMaxIntermediates. derive_steps checks it; callers
// check it before they derive, so that a long program is refused in the time it takes to
// read it (a 20 000-line chain: 0.8 s, not the 3 s of its derivative).
void check_steps_length(const Context& cx, const Symbol& function, const Symbol& variable);

// The derivation of ∂function/∂variable. `result` is the derivative `derive` prints (in the
// requested layout); with `keep_names` the substituted-back form is simplified keeping the
// model's definitions whole, as derive does without --expand.
Derivation derive_steps(Model& model, const Symbol& function, const Symbol& variable, Expr result,
                        std::string result_note, bool keep_names = true);

// Adds the backward form to a derivation of a scalar function: the adjoint of every
// intermediate, from the function down to the variable (the lecture's backpropagation:
// δ of each layer from the one above, ∂L/∂W = δ aᵀ). InputError for a function that is
// not a scalar.
void derive_backward(Model& model, Derivation& d);

// How a derivation is written.
enum class StepsFormat { Text, Latex, Markdown };

// Which derivation: forward (intermediates, local partials, the chain rule forward,
// substitution back), backward (intermediates, then backpropagation), or brief (one line
// per intermediate: the backward lines of a scalar function, else the forward chain's
// results, each with its shape and rule).
enum class StepsMode { Forward, Backward, Brief };

struct StepsPrintOptions {
    StepsFormat format = StepsFormat::Text;
    PrintOptions print;  // style (Ascii/Unicode for Text; Latex otherwise), names, ⊗
    // LaTeX/Markdown: the result in `cases` form (--piecewise cases), when not empty.
    std::string result_cases;
    StepsMode mode = StepsMode::Forward;
    // With --at: the value of expressions of the derivation at the point, as text
    // (values_of_steps in the command line computes them); a line whose right-hand side
    // has one ends with "= value". Forward mode with values of adjoints adds a section
    // "Backpropagation at the point".
    const std::unordered_map<Expr, std::string>* values = nullptr;
};

// One written line of a derivation: `lhs = rhs` (lhs empty for a continuation line) and
// the rule or remark that justifies it.
struct StepLine {
    std::string section;  // "Intermediate variables", "Local partial derivatives", ...
    std::string lhs, rhs, note;
    std::string math_note;  // a remark that is a formula (w·x = sum(w ⊙ x)), in the line's style
};

std::vector<StepLine> step_lines(const Model& model, const Derivation& d, const StepsPrintOptions& options);

// The derivation written out: text lines, a LaTeX align* environment, or Markdown with
// $$ blocks.
std::string format_steps(const Model& model, const Derivation& d, const StepsPrintOptions& options);

// A complete LaTeX document (article, amsmath): a title naming `function`, the model's
// symbols with their shapes and definitions, then `body` (LaTeX text: display math,
// align* environments).
std::string latex_document(const Model& model, const std::string& function, const std::string& body);

// A shape as the steps write it: "1 × n", "n × n", "1 × 1" (ASCII "1 x n").
std::string shape_text(const SizeTable& sizes, Shape shape, Style style);

}  // namespace matcalc
