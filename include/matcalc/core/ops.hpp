// The operation table: every operation of the language is one row here (src/core/ops.cpp) —
// its spellings, arity, kind (which fixes its shape rule), printing in text, Unicode and
// LaTeX, and for elementwise operations its kernel (one lambda: the scalar formula and the
// array loops the evaluator runs, in double and float), its formula in C++ and NumPy
// (codegen.hpp) and its partial derivative per argument. The parser's names, the printers,
// the generic elementwise chain rule, the evaluator and the table-driven tests are all
// driven from it. Structural operations (matrix product, transpose, reductions, stacking)
// keep hand-written Jacobian rules in derive.cpp, keyed by kind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "matcalc/core/expr.hpp"
#include "matcalc/core/op_list.hpp"

namespace matcalc {

enum class Kind : std::uint8_t {
    // Leaves.
    Variable, Constant, Identity, Size, Commutation,
    // Table-driven elementwise functions of one or two arguments, broadcasting (docs/language.md, "Shapes").
    Elementwise,
    // Structural operations with hand-written rules.
    MatMul, Transpose, Dot, Sum, Mean, Norm, Norm1, Diag, DiagPart, Stack,
    // Matrix functions and the softmax family.
    Trace, Det, LogDet, Inverse, LogSumExp, Softmax,
    // The largest or smallest entry (max(x), min(x) with one argument): a scalar.
    Extremum,
    // Kronecker calculus (∂vec F/∂vec X): kron(A, B) and vec(A), the columns stacked.
    Kron, Vec, Unvec,
    // A block of a matrix at fixed offsets: the adjoint of a stacked block (reverse mode).
    Block,
};

// How an operation is written.
enum class Notation : std::uint8_t {
    Leaf,     // names, numbers, structured constants
    Call,     // exp(x), max(a, b)
    Infix,    // a + b
    Prefix,   // -a
    Postfix,  // aᵀ
    Special,  // [a; b], ‖a‖
};


// An elementwise kernel over arrays: out[i] = f(a[i·sa], b[i·sb]) for i < n, a stride 0
// repeating one entry (a broadcast scalar); one-argument kernels ignore b.
template <class T>
using ArrayKernel = void (*)(const T* a, std::ptrdiff_t sa, const T* b, std::ptrdiff_t sb, T* out, std::ptrdiff_t n);

namespace kernel_detail {
// F is the closure type of a captureless lambda (default-constructible in C++20): its call
// is inlined into the loop, so the evaluator makes no call per entry, and a generic lambda
// computes in float on float arrays.
template <class F, class T>
void map1(const T* a, std::ptrdiff_t sa, const T*, std::ptrdiff_t, T* out, std::ptrdiff_t n) {
    const F f{};
    if (sa == 1)
        for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = static_cast<T>(f(a[i]));
    else
        for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = static_cast<T>(f(a[i * sa]));
}
template <class F, class T>
void map2(const T* a, std::ptrdiff_t sa, const T* b, std::ptrdiff_t sb, T* out, std::ptrdiff_t n) {
    const F f{};
    if (sa == 1 && sb == 1) {
        for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = static_cast<T>(f(a[i], b[i]));
    } else if (sa == 0 && sb == 1) {
        const T a0 = *a;
        for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = static_cast<T>(f(a0, b[i]));
    } else if (sa == 1 && sb == 0) {
        const T b0 = *b;
        for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = static_cast<T>(f(a[i], b0));
    } else {
        for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = static_cast<T>(f(a[i * sa], b[i * sb]));
    }
}
}  // namespace kernel_detail

// An elementwise operation's kernel, made from one captureless lambda (a row of the table
// writes `.kernel1 = [](auto x) { return std::exp(x); }`): the formula for one entry in
// double (`kernel1(x)`, constant folding, finite differences) and the same formula over
// whole arrays in double and in float (the evaluator).
struct Kernel1 {
    double (*scalar)(double) = nullptr;
    ArrayKernel<double> array64 = nullptr;
    ArrayKernel<float> array32 = nullptr;
    Kernel1() = default;
    template <class F>
    Kernel1(F)  // implicit, so that a row reads `.kernel1 = [](auto x) { ... }`
        : scalar([](double x) -> double { return F{}(x); }),
          array64(&kernel_detail::map1<F, double>),
          array32(&kernel_detail::map1<F, float>) {}
    double operator()(double x) const { return scalar(x); }
    explicit operator bool() const { return scalar != nullptr; }
};
struct Kernel2 {
    double (*scalar)(double, double) = nullptr;
    ArrayKernel<double> array64 = nullptr;
    ArrayKernel<float> array32 = nullptr;
    Kernel2() = default;
    template <class F>
    Kernel2(F)  // implicit, as Kernel1
        : scalar([](double a, double b) -> double { return F{}(a, b); }),
          array64(&kernel_detail::map2<F, double>),
          array32(&kernel_detail::map2<F, float>) {}
    double operator()(double a, double b) const { return scalar(a, b); }
    explicit operator bool() const { return scalar != nullptr; }
};

struct OpInfo {
    Op id = Op::Variable;                     // its entry in op_list.hpp
    std::string_view name;                    // canonical ASCII name (op_list.hpp), for messages
    std::vector<std::string_view> spellings;  // operator symbols in its notation ("+", "⊙", "ᵀ")
    std::vector<std::string_view> call_names; // names accepted as a function call ("exp", "σ")
    Kind kind = Kind::Elementwise;
    int min_args = 1;
    int max_args = 1;
    Notation notation = Notation::Call;
    // Printing. For Infix/Prefix/Postfix these are the operator; for Call the function name.
    std::string_view ascii;
    std::string_view unicode;
    std::string_view latex;
    int precedence = 6;  // see print.hpp: 1 additive, 2 multiplicative, 3 unary, 4 power, 5 postfix, 6 atom
    // A call in ASCII written as a superscript in Unicode and LaTeX (`inv(X)` is X⁻¹):
    // then `unicode` and `latex` are the superscripts.
    bool superscript_outside_ascii = false;
    // Elementwise only.
    Kernel1 kernel1;
    Kernel2 kernel2;
    // ∂out/∂a and ∂out/∂b of an elementwise operation: formulas in matcalc's syntax of its
    // arguments a, b and its own value out ("1 - out ^ 2" for tanh), parsed once by the
    // calculus (derive.cpp). Elementwise: one diagonal entry per element.
    std::string_view partials[2] = {};
    // Piecewise functions: the distance of the arguments from a kink (check redraws
    // points closer than a threshold). nullptr for smooth functions.
    double (*kink_distance)(double, double) = nullptr;
    // max and min: where both arguments depend on variables, an exact tie splits the
    // derivative evenly (heaviside) and is no kink for check: central differences there
    // average the two sides, as the split does (docs/language.md, Derivatives).
    bool split_ties = false;
    // max and min: the partials where both arguments depend on variables (a tie splits
    // evenly: heaviside(0) = ½); `partials` where one is constant (step(0) = 0).
    std::string_view tie_partials[2] = {};
    double default_second = 0.0;  // value of an omitted optional second argument
    // sum, mean, logsumexp, softmax, log_softmax: an optional last argument, the axis as in
    // MATLAB (1: down each column, 2: along each row), an integer literal the binder checks.
    bool axis_argument = false;
    // max and min: with one argument, the reduction to the largest (smallest) entry.
    Op one_argument = Op::Variable;
    std::string_view rule;        // how the lecture names its derivative rule
    // Elementwise only: one entry of the result as a C++ expression of the arguments' entries
    // `a` and `b`, computing exactly what the kernel computes (codegen.hpp writes it into
    // the generated code, which must give the evaluator's numbers).
    std::string_view cpp;
    // Elementwise only: the same as a NumPy expression of arrays (or floats) `a` and `b`,
    // entry by entry what the kernel computes, with no floating-point warning the kernel's
    // number does not call for (σ and softplus never overflow in the branch not taken).
    std::string_view numpy;
    // How `matcalc help functions` and docs/language.md describe the row: what it computes,
    // its arguments (when not just a count) and shape rule, and example models (one per
    // line) whose derivatives the reference prints as matcalc derives them. Empty summary:
    // notation of results only (vec, K, blocks), not part of the formula language.
    struct Doc {
        std::string_view summary, arguments, shape, examples;
    } doc;
};

// Every row of the table, in op_list.hpp's order.
const std::vector<OpInfo>& op_table();
// The row of an operation.
const OpInfo& info(Op op);
// The first row of a structural kind (MatMul, Transpose, ...).
const OpInfo& op_of(Kind kind);
// The operation an operator symbol denotes in a notation (Infix, Prefix, Postfix), or nullptr.
const OpInfo* find_operator(std::string_view symbol, Notation notation);
// The operation a function name denotes (`exp`, `ln`, `σ`, `√`, `‖`), or nullptr.
const OpInfo* find_function(std::string_view name);
// Every spelling of the operators in `notation` with this precedence (0: any), longest
// first: the grammar's operator tokens.
std::vector<std::string_view> operator_spellings(Notation notation, int precedence = 0);

// Whether e is the operation `op`.
inline bool is(Expr e, Op op) { return e->op->id == op; }

}  // namespace matcalc
