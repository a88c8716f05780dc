// Code generation (design.md §3, `matcalc codegen MODEL --wrt VAR ... --lang cpp`): a
// model's function and its gradients (scalar function) or Jacobians (vector function) as
// one self-contained inline C++ function over Eigen, computed from the simplified
// derivative DAG: one statement per computed node in topological order (node id), so a
// subexpression shared by the value and the derivatives is computed once; temporaries
// named after the model's definitions, each statement under a comment with its formula.
//
//   Model model = load_model(source);
//   std::string header = generate_cpp(model, model.function(std::nullopt), {"W1", "b1"});
//
// Elementwise operations come from the operation table's `cpp` field (the same formula
// as the evaluator's kernel, so the generated code gives the evaluator's numbers);
// broadcasting, products with diagonal and identity factors, and the numerically careful
// log-sum-exp and softmax follow src/eval.cpp.
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

// An elementwise operation's C++ formula (OpInfo::cpp) with its placeholders `a` and `b`
// replaced by these texts where given (nullptr: left as they are), in parentheses unless
// they are names, numbers or calls: cpp_formula("a + b", "z", "b3(0)") is "z + b3(0)".
std::string cpp_formula(std::string_view formula, const std::string* a, const std::string* b);

}  // namespace matcalc
