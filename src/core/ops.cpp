// THE operation table. One row per operation; adding an elementwise function means adding
// one row here (spellings, printing, kernel as a generic lambda, its C++ and NumPy formulas
// for codegen, partial derivatives) and a line to the table-driven test. Partial
// derivatives are written with the Context's builders so they read like the formulas:
// tanh' = 1 − out², σ' = out ⊙ (1 − out).
#include "matcalc/core/ops.hpp"

#include <cmath>
#include <algorithm>
#include <deque>
#include <unordered_map>
#include <stdexcept>
#include <string>

// Rows name only the fields they need; the rest keep their defaults. GCC 12 warns about
// every omitted field of a designated initializer, which is the point of using them here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace matcalc {

namespace {


// Kernels are generic lambdas: in float on float arrays (Kernel1, Kernel2 in ops.hpp).
constexpr auto indicator = [](auto x) { return x > 0 ? 1.0 : 0.0; };  // step(0) = 0: the kink value (docs/language.md, "Derivatives")
// heaviside(0) = ½ (ties split), NaN stays NaN (as NumPy's heaviside(x, 0.5)).
constexpr auto half_maximum = [](auto x) { return x > 0 ? 1.0 : x < 0 ? 0.0 : x == 0 ? 0.5 : static_cast<double>(x); };
constexpr auto signum = [](auto x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); };

const char* const kElementwiseBinary = "elementwise binary operator";
const char* const kElementwiseFunction = "unary elementwise function";

std::vector<OpInfo> make_table() {
    std::vector<OpInfo> t;
    // ---- leaves -------------------------------------------------------------------------
    t.push_back({.id = Op::Variable, .kind = Kind::Variable, .min_args = 0, .max_args = 0,
                 .notation = Notation::Leaf, .rule = "identity"});
    t.push_back({.id = Op::Constant, .call_names = {"ones", "zeros", "vector", "matrix"},
                 .kind = Kind::Constant, .min_args = 0, .max_args = 0, .notation = Notation::Leaf,
                 .rule = "constant", .doc = {"constant arrays: ones(n), ones(m, n), zeros(m, n); vector(c) and matrix(c) hold c in every entry and take their size from where they are used; 𝟏 (bold one) alone is the ones vector sized by context, as results print it", "sizes, or one value", "as given, or from context", "x : vector(n); f = x + vector(1)"}});
    t.push_back({.id = Op::Eye, .call_names = {"eye"}, .kind = Kind::Identity, .min_args = 0,
                 .max_args = 0, .notation = Notation::Leaf, .ascii = "eye", .unicode = "I",
                 .latex = "I", .rule = "constant", .doc = {"the identity matrix; eye(n), or bare eye (or I, unless the model names I) sized by context", "0–1 (a size)", "n × n", "x : vector(n); f = eye(n) * x"}});
    t.push_back({.id = Op::Commutation, .kind = Kind::Commutation, .min_args = 0, .max_args = 0,
                 .notation = Notation::Leaf, .ascii = "K", .unicode = "K", .latex = "K",
                 .rule = "commutation matrix"});
    t.push_back({.id = Op::Size, .kind = Kind::Size, .min_args = 0, .max_args = 0,
                 .notation = Notation::Leaf, .rule = "constant"});

    // ---- elementwise arithmetic (broadcasting: docs/language.md, "Shapes") ------------------------------
    t.push_back({.id = Op::Add, .spellings = {"+"}, .min_args = 2, .max_args = 2,
                 .notation = Notation::Infix, .ascii = "+", .unicode = "+", .latex = "+",
                 .precedence = 1, .kernel2 = [](auto a, auto b) { return a + b; },
                 .partials = {"1", "1"},
                 .rule = kElementwiseBinary, .cpp = "a + b", .numpy = "a + b", .doc = {"elementwise sum; a scalar broadcasts, a row 1×n over the rows of k×n, a column over the columns", "", "the broadcast shape", "x, y : vector(n); f = x + y\nx : vector(n); s : scalar; f = x + s"}});
    t.push_back({.id = Op::Sub, .spellings = {"-", "−"}, .min_args = 2, .max_args = 2,
                 .notation = Notation::Infix, .ascii = "-", .unicode = "−", .latex = "-",
                 .precedence = 1, .kernel2 = [](auto a, auto b) { return a - b; },
                 .partials = {"1", "-1"},
                 .rule = kElementwiseBinary, .cpp = "a - b", .numpy = "a - b", .doc = {"elementwise difference, broadcasting as +", "", "the broadcast shape", "x, y : vector(n); f = x - y"}});
    t.push_back({.id = Op::Hadamard, .spellings = {".*", "⊙", "∘", "⊗"}, .min_args = 2,
                 .max_args = 2, .notation = Notation::Infix, .ascii = ".*", .unicode = "⊙",
                 .latex = "\\odot", .precedence = 2,
                 .kernel2 = [](auto a, auto b) { return a * b; },
                 .partials = {"b", "a"},
                 .rule = kElementwiseBinary, .cpp = "a * b", .numpy = "a * b", .doc = {"elementwise (Hadamard) product, broadcasting as +; ⊗ is the lecture's symbol for it (the Kronecker product is kron)", "", "the broadcast shape", "x, y : vector(n); f = x ⊙ y"}});
    t.push_back({.id = Op::Div, .spellings = {"/", "./", "⊘"}, .min_args = 2, .max_args = 2,
                 .notation = Notation::Infix, .ascii = "./", .unicode = "⊘",
                 .latex = "\\oslash", .precedence = 2,
                 .kernel2 = [](auto a, auto b) { return a / b; },
                 .partials = {"1 / b", "-(out / b)"},
                 .rule = kElementwiseBinary, .cpp = "a / b", .numpy = "a / b", .doc = {"elementwise division, broadcasting as +", "", "the broadcast shape", "x, y : vector(n); f = x / y"}});
    t.push_back({.id = Op::Pow, .spellings = {"^", ".^"}, .min_args = 2, .max_args = 2,
                 .notation = Notation::Infix, .ascii = "^", .unicode = "^", .latex = "^",
                 // A square multiplied: std::pow costs ~20× a product, and the correctly
                 // rounded pow(a, 2) is the same number as a·a.
                 .precedence = 4, .kernel2 = [](auto a, auto p) {
                     if (p == 2) return a * a;
                     if (p == 1) return a;
                     return std::pow(a, p);
                 },
                 .partials = {"b ⊙ a ^ (b - 1)", "out ⊙ log(a)"},
                 .rule = "power rule", .cpp = "std::pow(a, b)", .numpy = "np.power(a, b)", .doc = {"elementwise power with a scalar exponent; right-associative, tighter than unary minus (-x^2 is -(x^2))", "", "the base's shape", "x : vector(n); f = x^3\nx, p : scalar; f = x^p"}});
    t.push_back({.id = Op::Neg, .spellings = {"-", "−"}, .notation = Notation::Prefix,
                 .ascii = "-", .unicode = "−", .latex = "-", .precedence = 3,
                 .kernel1 = [](auto a) { return -a; },
                 .partials = {"-1"},
                 .rule = "negation", .cpp = "-a", .numpy = "-a", .doc = {"negation", "", "the argument's shape", "x : vector(n); f = -x"}});

    // ---- elementwise functions -----------------------------------------------------------
    // A function of one argument, entry by entry; documented with `summary` and the
    // example f = name(x) of a scalar x.
    static std::deque<std::string> examples;  // the rows' Doc::examples point here
    auto fn = [&](Op id, std::vector<std::string_view> names, std::string_view summary,
                  std::string_view unicode, std::string_view latex, Kernel1 kernel,
                  std::string_view cpp, std::string_view numpy, std::string_view partial,
                  double (*kink)(double, double) = nullptr) {
        const std::string_view name = op_name(id);
        const std::string& example = examples.emplace_back("x : scalar; f = " + std::string(name) + "(x)");
        t.push_back({.id = id, .call_names = std::move(names), .ascii = name,
                     .unicode = unicode, .latex = latex, .kernel1 = kernel,
                     .partials = {partial, {}}, .kink_distance = kink,
                     .rule = kElementwiseFunction, .cpp = cpp, .numpy = numpy,
                     .doc = {summary, "", "the argument's shape", example}});
    };
    auto at_zero = [](double a, double) { return std::abs(a); };
    fn(Op::Exp, {"exp"}, "eˣ, entry by entry", "exp", "\\exp", [](auto x) { return std::exp(x); }, "std::exp(a)", "np.exp(a)",
       "out");
    fn(Op::Log, {"log", "ln"}, "natural logarithm, entry by entry", "ln", "\\ln", [](auto x) { return std::log(x); }, "std::log(a)", "np.log(a)",
       "1 / a");
    fn(Op::Sin, {"sin"}, "sine, entry by entry", "sin", "\\sin", [](auto x) { return std::sin(x); }, "std::sin(a)", "np.sin(a)",
       "cos(a)");
    fn(Op::Cos, {"cos"}, "cosine, entry by entry", "cos", "\\cos", [](auto x) { return std::cos(x); }, "std::cos(a)", "np.cos(a)",
       "-sin(a)");
    fn(Op::Tan, {"tan"}, "tangent, entry by entry", "tan", "\\tan", [](auto x) { return std::tan(x); }, "std::tan(a)", "np.tan(a)",
       "1 + out ^ 2");
    fn(Op::Asin, {"asin", "arcsin"}, "inverse sine, entry by entry", "arcsin", "\\arcsin", [](auto x) { return std::asin(x); }, "std::asin(a)",
       "np.arcsin(a)",
       "1 / sqrt(1 - a ^ 2)");
    fn(Op::Acos, {"acos", "arccos"}, "inverse cosine, entry by entry", "arccos", "\\arccos", [](auto x) { return std::acos(x); }, "std::acos(a)",
       "np.arccos(a)",
       "-(1 / sqrt(1 - a ^ 2))");
    fn(Op::Atan, {"atan", "arctan"}, "inverse tangent, entry by entry", "arctan", "\\arctan", [](auto x) { return std::atan(x); }, "std::atan(a)",
       "np.arctan(a)",
       "1 / (1 + a ^ 2)");
    fn(Op::Tanh, {"tanh"}, "hyperbolic tangent, entry by entry", "tanh", "\\tanh", [](auto x) { return std::tanh(x); }, "std::tanh(a)", "np.tanh(a)",
       "1 - out ^ 2");
    fn(Op::Sigmoid, {"sigmoid", "σ"}, "the logistic function 1 / (1 + e⁻ˣ), entry by entry", "σ", "\\sigma",
       [](auto x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); },
       "(a >= 0 ? 1 / (1 + std::exp(-a)) : std::exp(a) / (1 + std::exp(a)))",
       // e^−|a| is e^−a where a ≥ 0 and e^a elsewhere: the kernel's two branches, neither overflowing
       "np.where(a >= 0, 1.0, np.exp(-np.abs(a))) / (1 + np.exp(-np.abs(a)))",
       "out ⊙ (1 - out)");
    fn(Op::Softplus, {"softplus"}, "log(1 + eˣ), entry by entry, without overflow", "softplus", "\\operatorname{softplus}",
       [](auto x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); },
       "(a > 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a)))",
       "np.where(a > 0, a, 0.0) + np.log1p(np.exp(-np.abs(a)))",
       "σ(a)");
    fn(Op::Sqrt, {"sqrt", "√"}, "square root, entry by entry; √a and √(a) too", "√", "\\sqrt", [](auto x) { return std::sqrt(x); }, "std::sqrt(a)", "np.sqrt(a)",
       "1 / (2 ⊙ out)");
    fn(Op::Abs, {"abs"}, "absolute value, entry by entry; derivative sign(x), 0 at 0", "abs", "\\operatorname{abs}", [](auto x) { return std::abs(x); }, "std::abs(a)", "np.abs(a)",
       "sign(a)", at_zero);
    fn(Op::Relu, {"relu"}, "max(0, x), entry by entry; derivative step(x), 0 at the kink", "relu", "\\operatorname{relu}", [](auto x) { return x > 0 ? x : 0.0; }, "(a > 0 ? a : 0.0)",
       "np.where(a > 0, a, 0.0)",
       "step(a)", at_zero);
    fn(Op::Step, {"step"}, "1 where x > 0, else 0 (Heaviside with step(0) = 0); derivative 0", "step", "\\operatorname{step}", indicator, "(a > 0 ? 1.0 : 0.0)",
       "np.where(a > 0, 1.0, 0.0)",
       "0", at_zero);
    // An exact 0 is no kink for check: heaviside comes from ties of max and min, where the
    // function's own max or min node decides (OpInfo::split_ties).
    fn(Op::Heaviside, {"heaviside"}, "1 where x > 0, ½ at 0, 0 below: the derivative of max and min where both arguments vary (a tie splits evenly); derivative 0", "heaviside", "\\operatorname{heaviside}", half_maximum,
       "(a > 0 ? 1.0 : (a < 0 ? 0.0 : (a == 0 ? 0.5 : a)))", "np.heaviside(a, 0.5)",
       "0",
       [](double a, double) { return a == 0 ? INFINITY : std::abs(a); });
    fn(Op::Sign, {"sign"}, "−1, 0 or 1, entry by entry; derivative 0", "sign", "\\operatorname{sign}", signum, "(a > 0 ? 1.0 : (a < 0 ? -1.0 : 0.0))",
       "np.where(a > 0, 1.0, np.where(a < 0, -1.0, 0.0))",
       "0", at_zero);

    fn(Op::Sinh, {"sinh"}, "hyperbolic sine, entry by entry", "sinh", "\\sinh", [](auto x) { return std::sinh(x); }, "std::sinh(a)", "np.sinh(a)",
       "cosh(a)");
    fn(Op::Cosh, {"cosh"}, "hyperbolic cosine, entry by entry", "cosh", "\\cosh", [](auto x) { return std::cosh(x); }, "std::cosh(a)", "np.cosh(a)",
       "sinh(a)");
    // NumPy has no erf (SciPy has, but generated code needs NumPy only): Python's math.erf
    // is the C library's erf, the kernel's number; the generator imports math for it.
    // erf' = (2/√π) e^(−x²), the constant written out (the language has no π).
    fn(Op::Erf, {"erf"}, "the error function (2/√π) ∫₀ˣ e^(−t²) dt, entry by entry", "erf", "\\operatorname{erf}", [](auto x) { return std::erf(x); }, "std::erf(a)",
       "np.vectorize(math.erf, otypes=[float])(a)",
       "1.1283791670955126 ⊙ exp(-(a ^ 2))");
    fn(Op::Log1p, {"log1p"}, "log(1 + x), entry by entry, accurate for small x", "log1p", "\\operatorname{log1p}", [](auto x) { return std::log1p(x); }, "std::log1p(a)", "np.log1p(a)",
       "1 / (1 + a)");
    fn(Op::Expm1, {"expm1"}, "eˣ − 1, entry by entry, accurate for small x", "expm1", "\\operatorname{expm1}", [](auto x) { return std::expm1(x); }, "std::expm1(a)", "np.expm1(a)",
       "exp(a)");

    // ---- elementwise functions of two arguments -----------------------------------------
    // max(x) and min(x) with one argument are the reductions MaxEntry and MinEntry (one
    // spelling, two operations: Context::apply redirects). The default second argument is
    // NaN so that no printer or pattern ever takes max(x, c) for max(x).
    t.push_back({.id = Op::Max, .call_names = {"max"}, .min_args = 1, .max_args = 2,
                 .ascii = "max", .unicode = "max", .latex = "\\max",
                 .kernel2 = [](auto a, auto b) { return a > b ? a : b; },
                 .partials = {"step(a - b)", "step(b - a)"},
                 .kink_distance = [](double a, double b) { return std::abs(a - b); },
                 .split_ties = true, .tie_partials = {"heaviside(a - b)", "heaviside(b - a)"},
                 .default_second = NAN, .one_argument = Op::MaxEntry, .rule = "piecewise function (max)",
                 .cpp = "(a > b ? a : b)", .numpy = "np.where(a > b, a, b)", .doc = {"the larger of two arguments, elementwise and broadcasting: max(0, z) is ReLU. At a tie the derivative is 0 where one argument is constant (step), and splits evenly where both vary (heaviside). max(x) with one argument is the largest entry, a scalar; its derivative is the indicator of the largest entry, split evenly among tied entries", "1 or 2", "the broadcast shape; scalar with one argument", "z : scalar; f = max(0, z)\nx, y : vector(n); f = max(x, y)\nx : vector(n); f = max(x)"}});
    t.push_back({.id = Op::Min, .call_names = {"min"}, .min_args = 1, .max_args = 2,
                 .ascii = "min", .unicode = "min", .latex = "\\min",
                 .kernel2 = [](auto a, auto b) { return a < b ? a : b; },
                 .partials = {"step(b - a)", "step(a - b)"},
                 .kink_distance = [](double a, double b) { return std::abs(a - b); },
                 .split_ties = true, .tie_partials = {"heaviside(b - a)", "heaviside(a - b)"},
                 .default_second = NAN, .one_argument = Op::MinEntry, .rule = "piecewise function (min)",
                 .cpp = "(a < b ? a : b)", .numpy = "np.where(a < b, a, b)", .doc = {"the smaller of two arguments, elementwise and broadcasting; ties as max. min(x) with one argument is the smallest entry, ties as max(x)", "1 or 2", "the broadcast shape; scalar with one argument", "z : scalar; f = min(z, 1)\nx, y : vector(n); f = min(x, y)\nx : vector(n); f = min(x)"}});
    t.push_back({.id = Op::LeakyRelu, .call_names = {"leaky_relu"}, .min_args = 1, .max_args = 2,
                 .ascii = "leaky_relu", .unicode = "leaky_relu",
                 .latex = "\\operatorname{leaky\\_relu}",
                 .kernel2 = [](auto z, auto alpha) { return z > 0 ? z : alpha * z; },
                 .partials = {"b + (1 - b) ⊙ step(a)", "(1 - step(a)) ⊙ a"},
                 .kink_distance = [](double z, double) { return std::abs(z); },
                 .default_second = 0.01, .rule = "piecewise function (leaky ReLU)",
                 .cpp = "(a > 0 ? a : b * a)", .numpy = "np.where(a > 0, a, b * a)", .doc = {"z where z > 0, else α z; α = 0.01 unless given", "", "the shape of z", "z : scalar; f = leaky_relu(z)\nz, a : scalar; f = leaky_relu(z, a)"}});
    // elu'(z) = 1 above 0 and α eᶻ = out + α below; at 0 the left side (step(0) = 0), which
    // is 1 for the default α = 1 (the function is then smooth to first order there).
    t.push_back({.id = Op::Elu, .call_names = {"elu"}, .min_args = 1, .max_args = 2,
                 .ascii = "elu", .unicode = "elu", .latex = "\\operatorname{elu}",
                 .kernel2 = [](auto z, auto alpha) { return z > 0 ? z : alpha * std::expm1(z); },
                 .partials = {"step(a) + (1 - step(a)) ⊙ (out + b)", "(1 - step(a)) ⊙ expm1(a)"},
                 .kink_distance = [](double z, double) { return std::abs(z); },
                 .default_second = 1.0, .rule = "piecewise function (ELU)",
                 .cpp = "(a > 0 ? a : b * std::expm1(a))",
                 // expm1 of the negative part only: no overflow warning from the branch not taken
                 .numpy = "np.where(a > 0, a, b * np.expm1(np.minimum(a, 0.0)))",
                 .doc = {"z where z > 0, else α (eᶻ − 1); α = 1 unless given", "1 or 2 (z, α)", "the shape of z", "z : scalar; f = elu(z)\nz, a : scalar; f = elu(z, a)"}});
    t.push_back({.id = Op::Bce, .call_names = {"bce"}, .min_args = 2, .max_args = 2,
                 .ascii = "bce", .unicode = "bce", .latex = "\\operatorname{bce}",
                 // With 0 log 0 = 0: a term whose weight is 0 is 0, so bce(1, 1) = bce(0, 0) = 0
                 // (σ rounds to exactly 1 from z ≈ 37 in double, 17 in float, where the plain
                 // formula gives 0 · (−∞) = NaN and training would stop as diverged). 0 − s
                 // rather than −s: the same number, but +0 for a zero loss.
                 .kernel2 = [](auto p, auto y) {
                     using T = decltype(p);
                     return T(0) - (y * std::log(y == 0 ? T(1) : p) + (1 - y) * std::log(y == 1 ? T(1) : 1 - p));
                 },
                 .partials = {"(a - b) / (a ⊙ (1 - a))", "log(1 - a) - log(a)"},
                 .rule = "binary cross-entropy",
                 .cpp = "0.0 - (b * std::log(b == 0 ? 1.0 : a) + (1 - b) * std::log(b == 1 ? 1.0 : 1 - a))",
                 .numpy = "0.0 - (b * np.log(np.where(b == 0, 1.0, a)) + (1 - b) * np.log(np.where(b == 1, 1.0, 1 - a)))", .doc = {"binary cross-entropy −(y log p + (1 − y) log(1 − p)), elementwise, with 0 log 0 = 0", "2 (p, y)", "the broadcast shape", "p, y : scalar; f = bce(p, y)\nz, y : scalar; f = bce(σ(z), y)"}});

    // ---- structural operations (hand-written rules in derive.cpp, evaluator.cpp) ---------
    t.push_back({.id = Op::MatMul, .spellings = {"*"}, .kind = Kind::MatMul, .min_args = 2,
                 .max_args = 2, .notation = Notation::Infix, .ascii = "*", .unicode = " ",
                 .latex = " ", .precedence = 2, .rule = "matrix product", .doc = {"matrix product, or scaling when either side is a scalar; x * y of two columns is an error (did you mean x·y, x ⊙ y or x * y')", "", "rows of the left × columns of the right", "A : matrix(m, n); x : vector(n); f = A * x"}});
    t.push_back({.id = Op::Transpose, .spellings = {"'", "ᵀ"}, .call_names = {"transpose"},
                 .kind = Kind::Transpose, .notation = Notation::Postfix, .ascii = "'",
                 .unicode = "ᵀ", .latex = "^\\top", .precedence = 5, .rule = "transpose", .doc = {"transpose", "", "columns × rows", "A : matrix(m, n); f = A'\nx : vector(n); f = x'"}});
    t.push_back({.id = Op::Dot, .spellings = {"·"}, .call_names = {"dot"}, .kind = Kind::Dot,
                 .min_args = 2, .max_args = 2, .notation = Notation::Infix, .ascii = "dot",
                 .unicode = "·", .latex = "\\cdot", .precedence = 2, .rule = "dot product", .doc = {"inner product of two vectors (rows or columns) of equal length", "", "scalar", "w, x : vector(n); f = w·x"}});
    // With an axis (docs/language.md, "Axes") sum and mean are products with a vector of
    // ones (1ᵀ X, X 1), built by the shape rule: their derivatives are the product's.
    t.push_back({.id = Op::Sum, .call_names = {"sum"}, .kind = Kind::Sum, .max_args = 2, .ascii = "sum",
                 .unicode = "sum", .latex = "\\operatorname{sum}", .axis_argument = true, .rule = "sum reduction", .doc = {"the sum of every entry; sum(X, 1) sums each column (a row 1×n), sum(X, 2) each row (a column m×1)", "1 or 2 (X, axis)", "scalar; with an axis, 1×n or m×1", "x : vector(n); f = sum(x)\nX : matrix(m, n); f = sum(X)\nX : matrix(m, n); w : vector(m); f = sum(X, 2)·w"}});
    t.push_back({.id = Op::Mean, .call_names = {"mean"}, .kind = Kind::Mean, .max_args = 2, .ascii = "mean",
                 .unicode = "mean", .latex = "\\operatorname{mean}", .axis_argument = true, .rule = "mean reduction", .doc = {"the mean of every entry; mean(X, 1) of each column, mean(X, 2) of each row", "1 or 2 (X, axis)", "scalar; with an axis, 1×n or m×1", "x : vector(n); f = mean(x)\nX : matrix(m, n); w : vector(n); f = mean(X, 1)·w"}});
    t.push_back({.id = Op::Norm, .call_names = {"norm", "norm2", "‖"}, .kind = Kind::Norm,
                 .notation = Notation::Special, .ascii = "norm", .unicode = "‖",
                 .latex = "\\left\\|", .rule = "Euclidean norm", .doc = {"Euclidean norm of a vector, Frobenius norm of a matrix; also written ‖a‖", "", "scalar", "x : vector(n); f = norm(x)\nx : vector(n); f = ‖x‖^2"}});
    t.push_back({.id = Op::Norm1, .call_names = {"norm1"}, .kind = Kind::Norm1, .ascii = "norm1",
                 .unicode = "norm1", .latex = "\\|", .rule = "1-norm", .doc = {"the sum of the absolute values of the entries", "", "scalar", "x : vector(n); f = norm1(x)"}});
    t.push_back({.id = Op::Diag, .call_names = {"diag"}, .kind = Kind::Diag, .ascii = "diag",
                 .unicode = "diag", .latex = "\\operatorname{diag}", .rule = "diagonal matrix", .doc = {"diag(v): the diagonal matrix of a vector; diag(A): the diagonal of a square matrix, a column", "", "n × n from a vector(n); vector(n) from n × n", "x, y : vector(n); f = diag(x) * y\nA : matrix(n, n); f = sum(diag(A))"}});
    t.push_back({.id = Op::DiagPart, .kind = Kind::DiagPart, .ascii = "diag", .unicode = "diag",
                 .latex = "\\operatorname{diag}", .rule = "diagonal of a matrix"});
    t.push_back({.id = Op::Trace, .call_names = {"tr", "trace"}, .kind = Kind::Trace, .ascii = "tr",
                 .unicode = "tr", .latex = "\\operatorname{tr}", .rule = "trace", .doc = {"trace of a square matrix", "", "scalar", "A, X : matrix(n, n); f = tr(A * X)"}});
    t.push_back({.id = Op::Det, .call_names = {"det"}, .kind = Kind::Det, .ascii = "det", .unicode = "det",
                 .latex = "\\det", .rule = "determinant", .doc = {"determinant of a square matrix", "", "scalar", "X : matrix(n, n); f = det(X)"}});
    t.push_back({.id = Op::LogDet, .call_names = {"logdet"}, .kind = Kind::LogDet, .ascii = "logdet",
                 .unicode = "logdet", .latex = "\\operatorname{logdet}", .rule = "log-determinant", .doc = {"log of the determinant of a square matrix", "", "scalar", "X : matrix(n, n); f = logdet(X)"}});
    t.push_back({.id = Op::Inverse, .call_names = {"inv"}, .kind = Kind::Inverse, .ascii = "inv", .unicode = "⁻¹",
                 .latex = "^{-1}", .superscript_outside_ascii = true, .rule = "matrix inverse", .doc = {"inverse of a square matrix, printed X⁻¹", "", "the argument's shape", "X : matrix(n, n); f = inv(X)"}});
    // A node with an axis is always of a matrix; the shape rule writes the axis of a
    // vector as the vector's own function (or its trivial value).
    t.push_back({.id = Op::LogSumExp, .call_names = {"logsumexp"}, .kind = Kind::LogSumExp, .max_args = 2, .ascii = "logsumexp",
                 .unicode = "logsumexp", .latex = "\\operatorname{logsumexp}", .axis_argument = true, .rule = "log-sum-exp", .doc = {"log Σ exp(aᵢ) over every entry, computed shifted by the largest; logsumexp(X, 1) of each column (a row 1×n), logsumexp(X, 2) of each row (a column m×1), each shifted by its own largest entry", "1 or 2 (X, axis)", "scalar; with an axis, 1×n or m×1", "x : vector(n); f = logsumexp(x)\nX : matrix(m, n); f = sum(logsumexp(X, 1))"}});
    t.push_back({.id = Op::Softmax, .call_names = {"softmax"}, .kind = Kind::Softmax, .max_args = 2, .ascii = "softmax",
                 .unicode = "softmax", .latex = "\\operatorname{softmax}", .axis_argument = true, .rule = "softmax", .doc = {"exp(v) / sum(exp(v)) of a vector, shifted by the largest entry; of a matrix the axis is needed: softmax(Z, 1) makes each column sum to 1, softmax(Z, 2) each row", "1 or 2 (Z, axis)", "the argument's shape", "x : vector(n); f = softmax(x)\nZ : matrix(m, n); y : vector(m); f = sum(y' * log(softmax(Z, 1)))"}});
    // Never a node: z − logsumexp(z), with the axis as logsumexp's (the shape rule), so
    // that it is stable and its derivatives are those of its parts.
    t.push_back({.id = Op::LogSoftmax, .call_names = {"log_softmax"}, .kind = Kind::Softmax, .max_args = 2, .ascii = "log_softmax",
                 .unicode = "log_softmax", .latex = "\\operatorname{log\\_softmax}", .axis_argument = true, .rule = "log-softmax", .doc = {"log(softmax(v)) computed stably as v − logsumexp(v); of a matrix with the axis as softmax: log_softmax(Z, 1) down each column, log_softmax(Z, 2) along each row", "1 or 2 (Z, axis)", "the argument's shape", "x, y : vector(n); f = y·log_softmax(x)\nZ : matrix(m, n); f = sum(log_softmax(Z, 2))"}});
    t.push_back({.id = Op::MaxEntry, .kind = Kind::Extremum, .ascii = "max", .unicode = "max", .latex = "\\max",
                 .rule = "largest entry"});
    t.push_back({.id = Op::MinEntry, .kind = Kind::Extremum, .ascii = "min", .unicode = "min", .latex = "\\min",
                 .rule = "smallest entry"});
    // kron(A, B) prints as A ⊗ B outside ASCII, where the input's ⊗ is the Hadamard
    // product (docs/language.md): the printers write it as a call when ⊗ means Hadamard.
    t.push_back({.id = Op::Kron, .call_names = {"kron"}, .kind = Kind::Kron, .min_args = 2, .max_args = 2,
                 .notation = Notation::Infix, .ascii = "kron", .unicode = "⊗", .latex = "\\otimes",
                 .precedence = 2, .rule = "Kronecker product", .doc = {"Kronecker product, printed A ⊗ B in LaTeX and kron(A, B) in text and Unicode (where ⊗ is the Hadamard product)", "", "(rows·rows) × (columns·columns)", "x : vector(n); y : vector(m); f = kron(x, y)"}});
    // vec(A) appears in Jacobians with respect to matrices; it is not part of the input
    // language (`vec` is a type name there).
    t.push_back({.id = Op::Vec, .kind = Kind::Vec, .ascii = "vec", .unicode = "vec",
                 .latex = "\\operatorname{vec}", .rule = "vectorisation"});
    // vec⁻¹: a column read back as a matrix (the adjoint of an argument of kron).
    t.push_back({.id = Op::Unvec, .kind = Kind::Unvec, .ascii = "unvec", .unicode = "vec⁻¹",
                 .latex = "\\operatorname{vec}^{-1}", .rule = "vectorisation undone"});
    // A block of a matrix, written x[2:3] or A[1:2, 2:4] (1-based, inclusive): the gradient
    // of a stacked block is the matching block of the stack's adjoint. Not in the input
    // language either.
    t.push_back({.id = Op::Block, .kind = Kind::Block, .notation = Notation::Postfix, .precedence = 5,
                 .rule = "block of a stacked matrix"});
    t.push_back({.id = Op::Stack, .kind = Kind::Stack, .min_args = 1, .max_args = 1 << 20,
                 .notation = Notation::Special, .rule = "stacking"});
    return t;
}

}  // namespace

const std::vector<OpInfo>& op_table() {
    static const std::vector<OpInfo> table = [] {
        std::vector<OpInfo> t = make_table();
        // One row per entry of op_list.hpp, in its order: info(Op) is an index.
        if (t.size() != kOpCount) throw std::logic_error("the operation table and op_list.hpp differ in length");
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (static_cast<std::size_t>(t[i].id) != i)
                throw std::logic_error("operation table row " + std::to_string(i) + " is out of op_list.hpp's order");
            t[i].name = kOpNames[i];
        }
        return t;
    }();
    return table;
}

const OpInfo& info(Op op) { return op_table()[static_cast<std::size_t>(op)]; }

const OpInfo& op_of(Kind kind) {
    for (const OpInfo& op : op_table())
        if (op.kind == kind) return op;
    throw std::logic_error("no operation of this kind");
}

namespace {

// The spellings of the table, indexed once: every name and symbol people write.
struct Spellings {
    std::unordered_map<std::string_view, const OpInfo*> functions;
    std::unordered_map<std::string_view, const OpInfo*> operators[3];  // Infix, Prefix, Postfix
    Spellings() {
        for (const OpInfo& op : op_table()) {
            for (std::string_view s : op.call_names) functions.emplace(s, &op);
            int slot = op.notation == Notation::Infix ? 0 : op.notation == Notation::Prefix ? 1
                       : op.notation == Notation::Postfix ? 2 : -1;
            if (slot >= 0)
                for (std::string_view s : op.spellings) operators[slot].emplace(s, &op);
        }
    }
};

const Spellings& spellings() {
    static const Spellings s;
    return s;
}

}  // namespace

const OpInfo* find_operator(std::string_view symbol, Notation notation) {
    int slot = notation == Notation::Infix ? 0 : notation == Notation::Prefix ? 1 : notation == Notation::Postfix ? 2 : -1;
    if (slot < 0) return nullptr;
    const auto& m = spellings().operators[slot];
    auto it = m.find(symbol);
    return it == m.end() ? nullptr : it->second;
}

const OpInfo* find_function(std::string_view name) {
    const auto& m = spellings().functions;
    auto it = m.find(name);
    return it == m.end() ? nullptr : it->second;
}

std::vector<std::string_view> operator_spellings(Notation notation, int precedence) {
    std::vector<std::string_view> out;
    for (const OpInfo& op : op_table())
        if (op.notation == notation && (precedence == 0 || op.precedence == precedence))
            for (std::string_view s : op.spellings) out.push_back(s);
    // Longest first, so that a parser trying them in order reads "./" before "/".
    std::stable_sort(out.begin(), out.end(), [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
    return out;
}

}  // namespace matcalc
