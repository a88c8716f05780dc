// Code generation (README, Commands, `matcalc codegen MODEL --wrt VAR ... --lang cpp|numpy`): a
// model's function and its gradients (scalar function) or Jacobians (vector function) as
// one self-contained C++ function over Eigen (generate_cpp) or one Python function over
// NumPy (generate_numpy), computed from the simplified derivative DAG: one statement per
// computed node in topological order (node id), so a subexpression shared by the value
// and the derivatives is computed once; temporaries named after the model's definitions,
// each statement under a comment with its formula.
//
//   Model model = load_model(source);
//   std::string header = generate_cpp(model, model.function(std::nullopt), {"W1", "b1"});
//   std::string module = generate_numpy(model, model.function(std::nullopt), {"W1", "b1"});
//
// Elementwise operations come from the operation table's `cpp` and `numpy` fields (the
// same formula as the evaluator's kernel, so the generated code gives the evaluator's
// numbers); broadcasting, products with diagonal and identity factors, and the
// numerically careful log-sum-exp and softmax follow src/numeric/evaluator.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace matcalc {

class Model;
struct Symbol;

struct CodegenOptions {
    std::string source_name;  // the model's file (or "-e"), named in the header's first comment
    bool expand = false;      // temporaries not named after the model's definitions (--expand)
    // --hessian: also the Hessian of a scalar function with respect to each --wrt variable,
    // `h_<var>`, numel(var) × numel(var) over vec(var) (as derive --hessian): an InputError
    // for a vector function.
    bool hessian = false;
};

// The header text: `struct <f>_result { value; d_<var>...; }` and
// `inline <f>_result <f>_and_gradients(<the model's variables>)`. Each --wrt name must be
// a declared variable of the model. Throws InputError ("codegen: ...") for what cannot be
// generated: a definition as --wrt, a derivative the engine cannot take, a size no
// argument fixes.
std::string generate_cpp(Model& model, const Symbol& function, const std::vector<std::string>& wrt,
                         const CodegenOptions& options = {});

// A valid C++ identifier for a model's name: Greek letters spelled out (γ → gamma), hats,
// bars and tildes as suffixes (ŷ → yhat), subscript digits as digits (W₁ → W1), other
// characters as u<hex>; a C++ keyword or a name the generated code uses (std, Eigen)
// gets a trailing underscore.
std::string cpp_identifier(std::string_view name);

// A C++ double literal that reads back as exactly v ("0.5", "2.0", "(-1.0)", "HUGE_VAL").
std::string cpp_number(double v);

// A Python 3 module (NumPy and the standard library only): `class <f>_result(NamedTuple)`
// with `value` and `d_<var>...`, and `def <f>_and_gradients(<the model's variables>)`,
// the arguments as generate_cpp names them. Scalars are floats; vectors 1-D arrays (an
// n × 1 column is accepted too), matrices 2-D arrays; gradients come back shaped like their
// variable, Jacobians as 2-D arrays numel(f) × numel(var). Sizes are read from the
// arguments and checked (ValueError). Throws InputError as generate_cpp does.
std::string generate_numpy(Model& model, const Symbol& function, const std::vector<std::string>& wrt,
                           const CodegenOptions& options = {});

// The NumPy module, and a function `<f>(...)` for PyTorch with the same arguments as
// `<f>_and_gradients`: it returns f as a tensor whose backward evaluates the derived
// gradients (a torch.autograd.Function; autograd does not differentiate the forward), so
// torch.autograd.gradcheck holds in float64. Throws InputError as generate_cpp does.
std::string generate_torch(Model& model, const Symbol& function, const std::vector<std::string>& wrt,
                           const CodegenOptions& options = {});

// cpp_identifier's name, with a trailing underscore where that is a Python keyword or a
// name the generated module uses (np, float, ValueError): "λ" → "lambda_", "int" → "int_".
std::string python_identifier(std::string_view name);

// A Python float literal that reads back as exactly v ("0.5", "2.0", "(-1.0)", "np.inf").
std::string python_number(double v);

// An elementwise operation's formula (OpInfo::cpp or OpInfo::numpy) with its placeholders
// `a` and `b` replaced by these texts where given (nullptr: left as they are), in
// parentheses unless they are names, numbers or calls: fill_formula("a + b", "z", "b3(0)")
// is "z + b3(0)".
std::string fill_formula(std::string_view formula, const std::string* a, const std::string* b);

}  // namespace matcalc
