// The operations of matcalc, one per line: the enum Op and each operation's canonical
// name come from this list, and the operation table (ops.cpp) holds one row per entry, in
// this order, with everything else about it (spellings, arity, shape rule, printing,
// kernel, partial derivatives, documentation). Nothing else names an operation: code
// says Op::Sigmoid, never "sigmoid".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

// X(Id, "canonical ASCII name")
#define MATCALC_OPERATIONS(X)                                                                   \
    /* leaves */                                                                                \
    X(Variable, "variable") X(Constant, "constant") X(Eye, "eye") X(Commutation, "commutation") \
    X(Size, "size")                                                                             \
    /* elementwise arithmetic */                                                                \
    X(Add, "add") X(Sub, "sub") X(Hadamard, "hadamard") X(Div, "div") X(Pow, "pow")            \
    X(Neg, "neg")                                                                               \
    /* elementwise functions of one argument */                                                 \
    X(Exp, "exp") X(Log, "log") X(Sin, "sin") X(Cos, "cos") X(Tan, "tan") X(Asin, "asin")      \
    X(Acos, "acos") X(Atan, "atan") X(Tanh, "tanh") X(Sigmoid, "sigmoid")                       \
    X(Softplus, "softplus") X(Sqrt, "sqrt") X(Abs, "abs") X(Relu, "relu") X(Step, "step")      \
    X(Heaviside, "heaviside") X(Sign, "sign") X(Sinh, "sinh") X(Cosh, "cosh") X(Erf, "erf")    \
    X(Log1p, "log1p") X(Expm1, "expm1")                                                         \
    /* elementwise functions of two arguments */                                                \
    X(Max, "max") X(Min, "min") X(LeakyRelu, "leaky_relu") X(Elu, "elu") X(Bce, "bce")          \
    /* structural operations */                                                                 \
    X(MatMul, "matmul") X(Transpose, "transpose") X(Dot, "dot") X(Sum, "sum") X(Mean, "mean")  \
    X(Norm, "norm") X(Norm1, "norm1") X(Diag, "diag") X(DiagPart, "diag_part") X(Trace, "tr")  \
    X(Det, "det") X(LogDet, "logdet") X(Inverse, "inv") X(LogSumExp, "logsumexp")               \
    X(Softmax, "softmax") X(LogSoftmax, "log_softmax") X(MaxEntry, "max_entry")                 \
    X(MinEntry, "min_entry") X(Kron, "kron") X(Vec, "vec") X(Unvec, "unvec") X(Block, "block")    \
    X(Stack, "stack")

namespace matcalc {

enum class Op : std::uint8_t {
#define MATCALC_OP_ID(id, name) id,
    MATCALC_OPERATIONS(MATCALC_OP_ID)
#undef MATCALC_OP_ID
};

inline constexpr std::array kOpNames = {
#define MATCALC_OP_NAME(id, name) std::string_view(name),
    MATCALC_OPERATIONS(MATCALC_OP_NAME)
#undef MATCALC_OP_NAME
};

inline constexpr std::size_t kOpCount = kOpNames.size();

// After a switch that lists every value of an enumeration (no `default:`, so that a new
// value that a switch forgets is a compile error): for the compiler, which cannot know.
[[noreturn]] inline void unreachable() { throw std::logic_error("an enumeration value outside its list"); }

// The canonical name of an operation ("sigmoid"): for messages and the text printer.
constexpr std::string_view op_name(Op op) { return kOpNames[static_cast<std::size_t>(op)]; }

}  // namespace matcalc
