// The printers: exact text in the three styles, parenthesisation, constants, names,
// deep expressions, and the ASCII round trip through the parser and binder.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/print/print.hpp"

using namespace matcalc;

namespace {

struct Fixture {
    Context cx;
    Dim n = cx.sizes().symbol("n");
    Dim m = cx.sizes().symbol("m");
    Expr x = cx.variable("x", {n, 1});
    Expr w = cx.variable("w", {n, 1});
    Expr y = cx.variable("y", {m, 1});
    Expr yhat = cx.variable("yhat", {m, 1});
    Expr b = cx.variable("b", kScalarShape);
    Expr z = cx.variable("z", kScalarShape);
    Expr W = cx.variable("W", {m, n});
    Expr W1 = cx.variable("W1", {m, n});
    Expr A = cx.variable("A", {n, n});

    Expr num(double v) { return cx.constant(v); }
    std::string ascii(Expr e) { return print(cx, e, {Style::Ascii}); }
    std::string unicode(Expr e) { return print(cx, e, {Style::Unicode}); }
    std::string latex(Expr e) { return print(cx, e, {Style::Latex}); }
};

#define CHECK_PRINTS(e, a, u, l)          \
    do {                                  \
        Expr e_ = (e);                    \
        CHECK(f.ascii(e_) == (a));        \
        CHECK(f.unicode(e_) == (u));      \
        CHECK(f.latex(e_) == (l));        \
    } while (false)

}  // namespace

TEST_CASE("print: the lecture's neuron and its derivatives", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    Expr affine = cx.add(cx.dot(f.w, f.x), f.b);
    CHECK_PRINTS(affine, "dot(w, x) + b", "w·x + b", "\\mathbf{w} \\cdot \\mathbf{x} + b");
    CHECK_PRINTS(cx.apply(Op::Max, f.num(0), affine), "max(0, dot(w, x) + b)", "max(0, w·x + b)",
                 "\\max\\left(0, \\mathbf{w} \\cdot \\mathbf{x} + b\\right)");
    CHECK_PRINTS(cx.mul(cx.apply(Op::Step, f.z), cx.transpose(f.x)), "step(z) * x'", "step(z) xᵀ",
                 "\\operatorname{step}\\left(z\\right) \\mathbf{x}^\\top");
    CHECK_PRINTS(cx.mul(cx.mul(f.num(2), f.z), cx.apply(Op::Cos, cx.pow(f.z, f.num(2)))), "2 * z * cos(z^2)",
                 "2 z cos(z²)", "2 z \\cos\\left(z^{2}\\right)");
    CHECK_PRINTS(cx.apply(Op::Sigmoid, cx.matmul(f.W1, f.x)), "sigmoid(W1 * x)", "σ(W1 x)",
                 "\\sigma\\left(W_{1} \\mathbf{x}\\right)");
    CHECK_PRINTS(cx.mul(f.z, cx.identity(f.n)), "z * eye(n)", "z I", "z I");
}

TEST_CASE("print: infix operators and their spellings", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    CHECK_PRINTS(cx.sub(f.x, f.w), "x - w", "x − w", "\\mathbf{x} - \\mathbf{w}");
    CHECK_PRINTS(cx.mul(f.x, f.w), "x .* w", "x ⊙ w", "\\mathbf{x} \\odot \\mathbf{w}");
    CHECK_PRINTS(cx.mul(f.z, f.b), "z * b", "z b", "z b");
    CHECK_PRINTS(cx.div(f.x, f.w), "x ./ w", "x ⊘ w", "\\mathbf{x} \\oslash \\mathbf{w}");
    CHECK_PRINTS(cx.div(f.num(1), f.x), "1 / x", "1 ⊘ x", "1 \\oslash \\mathbf{x}");
    CHECK_PRINTS(cx.div(f.z, f.b), "z / b", "z / b", "\\frac{z}{b}");
    CHECK_PRINTS(cx.div(cx.add(f.z, f.b), cx.mul(f.z, f.b)), "(z + b) / (z * b)", "(z + b) / (z b)",
                 "\\frac{z + b}{z b}");
    CHECK_PRINTS(cx.matmul(f.W, f.x), "W * x", "W x", "W \\mathbf{x}");
    CHECK_PRINTS(cx.matmul(cx.transpose(f.x), f.A), "x' * A", "xᵀ A", "\\mathbf{x}^\\top A");
    CHECK_PRINTS(cx.transpose(cx.matmul(f.W, f.x)), "(W * x)'", "(W x)ᵀ",
                 "\\left(W \\mathbf{x}\\right)^\\top");
    CHECK_PRINTS(cx.transpose(cx.transpose(f.x)), "x''", "(xᵀ)ᵀ", "\\left(\\mathbf{x}^\\top\\right)^\\top");
    CHECK_PRINTS(cx.neg(f.x), "-x", "−x", "-\\mathbf{x}");
    CHECK_PRINTS(cx.dot(cx.matmul(f.W, f.x), f.yhat), "dot(W * x, yhat)", "(W x)·yhat",
                 "\\left(W \\mathbf{x}\\right) \\cdot \\hat{\\mathbf{y}}");
    CHECK_PRINTS(cx.mul(cx.dot(f.x, f.w), f.x), "dot(x, w) * x", "(x·w) x",
                 "\\left(\\mathbf{x} \\cdot \\mathbf{w}\\right) \\mathbf{x}");
}

TEST_CASE("print: the Hadamard product may be written ⊗", "[print]") {
    Fixture f;
    Expr e = f.cx.mul(f.x, f.w);
    PrintOptions o;
    o.hadamard_as_otimes = true;
    CHECK(print(f.cx, e, o) == "x ⊗ w");
    o.style = Style::Latex;
    CHECK(print(f.cx, e, o) == "\\mathbf{x} \\otimes \\mathbf{w}");
    o.style = Style::Ascii;
    CHECK(print(f.cx, e, o) == "x .* w");
}

TEST_CASE("print: precedence and associativity", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    Expr a = f.z, b = f.b;
    // Left associative: the right operand of equal precedence gets parentheses in ASCII;
    // Unicode and LaTeX drop them around chains of one associative operator.
    CHECK_PRINTS(cx.add(cx.add(a, b), a), "z + b + z", "z + b + z", "z + b + z");
    CHECK_PRINTS(cx.add(a, cx.add(b, a)), "z + (b + z)", "z + b + z", "z + b + z");
    CHECK_PRINTS(cx.sub(a, cx.sub(b, a)), "z - (b - z)", "z − (b − z)", "z - \\left(b - z\\right)");
    CHECK_PRINTS(cx.sub(cx.sub(a, b), a), "z - b - z", "z − b − z", "z - b - z");
    CHECK_PRINTS(cx.add(a, cx.sub(b, a)), "z + (b - z)", "z + (b − z)", "z + \\left(b - z\\right)");
    CHECK_PRINTS(cx.mul(f.x, cx.mul(f.w, f.x)), "x .* (w .* x)", "x ⊙ w ⊙ x",
                 "\\mathbf{x} \\odot \\mathbf{w} \\odot \\mathbf{x}");
    CHECK_PRINTS(cx.matmul(f.W, cx.matmul(f.A, f.x)), "W * (A * x)", "W A x", "W A \\mathbf{x}");
    CHECK_PRINTS(cx.mul(cx.add(a, b), a), "(z + b) * z", "(z + b) z", "\\left(z + b\\right) z");
    CHECK_PRINTS(cx.div(f.x, cx.mul(f.w, f.x)), "x ./ (w .* x)", "x ⊘ (w ⊙ x)",
                 "\\mathbf{x} \\oslash \\left(\\mathbf{w} \\odot \\mathbf{x}\\right)");
    // Mixed multiplicative operators are parenthesised in Unicode; juxtaposition binds tighter.
    CHECK_PRINTS(cx.div(cx.mul(f.x, f.w), f.x), "x .* w ./ x", "(x ⊙ w) ⊘ x",
                 "\\left(\\mathbf{x} \\odot \\mathbf{w}\\right) \\oslash \\mathbf{x}");
    CHECK_PRINTS(cx.mul(f.y, cx.matmul(f.W, f.x)), "y .* (W * x)", "y ⊙ W x",
                 "\\mathbf{y} \\odot W \\mathbf{x}");
    CHECK_PRINTS(cx.matmul(f.W, cx.mul(f.x, f.w)), "W * (x .* w)", "W (x ⊙ w)",
                 "W \\left(\\mathbf{x} \\odot \\mathbf{w}\\right)");
    // Unary minus sits between multiplication and power: -x^2 is -(x^2).
    CHECK_PRINTS(cx.neg(cx.pow(f.x, f.num(2))), "-x^2", "−x²", "-\\mathbf{x}^{2}");
    CHECK_PRINTS(cx.pow(cx.neg(f.x), f.num(2)), "(-x)^2", "(−x)²", "\\left(-\\mathbf{x}\\right)^{2}");
    CHECK_PRINTS(cx.mul(cx.neg(a), b), "-z * b", "−z b", "-z b");
    // −(z b) = (−z) b in value: Unicode and LaTeX drop the parentheses, ASCII keeps the tree.
    CHECK_PRINTS(cx.neg(cx.mul(a, b)), "-(z * b)", "−z b", "-z b");
    CHECK_PRINTS(cx.neg(cx.neg(a)), "-(-z)", "−(−z)", "-\\left(-z\\right)");
    CHECK_PRINTS(cx.sub(a, cx.neg(b)), "z - (-b)", "z − (−b)", "z - \\left(-b\\right)");
    CHECK_PRINTS(cx.mul(a, cx.neg(b)), "z * (-b)", "z (−b)", "z \\left(-b\\right)");
    // Power is right associative.
    CHECK_PRINTS(cx.pow(a, cx.pow(b, a)), "z^b^z", "z^b^z", "z^{b^{z}}");
    CHECK_PRINTS(cx.pow(cx.pow(a, b), a), "(z^b)^z", "(z^b)^z", "\\left(z^{b}\\right)^{z}");
    CHECK_PRINTS(cx.pow(cx.add(a, b), f.num(3)), "(z + b)^3", "(z + b)³", "\\left(z + b\\right)^{3}");
    CHECK_PRINTS(cx.pow(a, cx.add(a, b)), "z^(z + b)", "z^(z + b)", "z^{z + b}");
    CHECK_PRINTS(cx.pow(cx.transpose(f.x), f.num(2)), "x'^2", "(xᵀ)²", "\\left(\\mathbf{x}^\\top\\right)^{2}");
    CHECK_PRINTS(cx.pow(cx.div(a, b), f.num(2)), "(z / b)^2", "(z / b)²", "\\left(\\frac{z}{b}\\right)^{2}");
    // A number after a juxtaposed product is put in parentheses.
    CHECK_PRINTS(cx.mul(f.num(2), cx.mul(f.num(3), f.x)), "2 * (3 * x)", "2 (3 x)",
                 "2 \\left(3 \\mathbf{x}\\right)");
}

TEST_CASE("print: scaling is written scalar first in Unicode and LaTeX", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    CHECK_PRINTS(cx.mul(f.x, f.z), "x * z", "z x", "z \\mathbf{x}");
    CHECK_PRINTS(cx.mul(cx.mul(f.x, f.z), f.b), "x * z * b", "b z x", "b z \\mathbf{x}");
    CHECK_PRINTS(cx.mul(cx.transpose(f.x), cx.apply(Op::Step, f.z)), "x' * step(z)", "step(z) xᵀ",
                 "\\operatorname{step}\\left(z\\right) \\mathbf{x}^\\top");
    CHECK_PRINTS(cx.mul(cx.ones({f.n, 1}), f.z), "ones(n) * z", "z 𝟏", "z \\mathbf{1}");
    CHECK_PRINTS(cx.matmul(cx.mul(f.z, cx.ones({f.n, 1})), cx.ones({1, f.n})), "z * ones(n) * ones(1, n)",
                 "z 𝟏 𝟏ᵀ", "z \\mathbf{1} \\mathbf{1}^\\top");
    CHECK_PRINTS(cx.mul(f.z, cx.mul(f.b, f.num(2))), "z * (b * 2)", "z (2 b)", "z \\left(2 b\\right)");
}

TEST_CASE("print: output of a huge DAG is cut at max_length", "[print]") {
    Fixture f;
    Expr e = f.x;
    for (int i = 0; i < 60; ++i) e = f.cx.add(e, f.cx.mul(e, f.x));  // 2^60 leaves as a tree
    PrintOptions o;
    o.max_length = 1000;
    std::string s = print(f.cx, e, o);
    CHECK(s.size() <= 1003);
    CHECK(s.ends_with("..."));
}

TEST_CASE("print: numbers", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    CHECK_PRINTS(f.num(0.1), "0.1", "0.1", "0.1");
    CHECK_PRINTS(f.num(-3.5), "-3.5", "−3.5", "-3.5");
    CHECK_PRINTS(f.num(1e-5), "1e-5", "1×10⁻⁵", "1 \\times 10^{-5}");
    CHECK_PRINTS(f.num(2.5e20), "2.5e20", "2.5×10²⁰", "2.5 \\times 10^{20}");
    CHECK(f.ascii(f.num(1.0 / 3)) == "0.3333333333333333");
    CHECK(f.ascii(f.num(0.1 + 0.2)) == "0.30000000000000004");
    // A scaling by a number is written number first in Unicode and LaTeX.
    CHECK_PRINTS(cx.mul(f.x, f.num(2)), "x * 2", "2 x", "2 \\mathbf{x}");
    CHECK_PRINTS(cx.mul(f.x, f.num(-2)), "x * (-2)", "−2 x", "-2 \\mathbf{x}");
    CHECK_PRINTS(cx.pow(f.num(-2), f.z), "(-2)^z", "(−2)^z", "\\left(-2\\right)^{z}");
    CHECK_PRINTS(cx.pow(f.z, f.num(-1)), "z^(-1)", "z⁻¹", "z^{-1}");
    CHECK_PRINTS(cx.pow(f.z, f.num(0.5)), "z^0.5", "z^0.5", "z^{0.5}");
    CHECK_PRINTS(cx.pow(f.z, f.num(12)), "z^12", "z¹²", "z^{12}");
    CHECK_PRINTS(cx.add(f.z, f.num(-2)), "z + (-2)", "z + (−2)", "z + \\left(-2\\right)");
    CHECK_PRINTS(cx.mul(f.num(1e-3), f.x), "0.001 * x", "0.001 x", "0.001 \\mathbf{x}");
}

TEST_CASE("print: structured constants, identity and sizes", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    CHECK_PRINTS(cx.ones({f.n, 1}), "ones(n)", "𝟏", "\\mathbf{1}");
    CHECK_PRINTS(cx.ones({1, f.n}), "ones(1, n)", "𝟏ᵀ", "\\mathbf{1}^\\top");
    CHECK_PRINTS(cx.ones({f.m, f.n}), "ones(m, n)", "𝟏 𝟏ᵀ", "\\mathbf{1}");
    CHECK_PRINTS(cx.zeros({f.n, 1}), "zeros(n)", "0", "\\mathbf{0}");
    CHECK_PRINTS(cx.zeros({f.m, f.n}), "zeros(m, n)", "0", "\\mathbf{0}");
    CHECK_PRINTS(cx.constant(3, {f.n, 1}), "3*ones(n)", "3 𝟏", "3 \\mathbf{1}");
    // In a sum beside an operand of its shape, the number alone (it broadcasts): x − 0.5.
    CHECK_PRINTS(cx.sub(f.x, cx.constant(0.5, {f.n, 1})), "x - 0.5*ones(n)", "x − 0.5", "\\mathbf{x} - 0.5");
    CHECK_PRINTS(cx.add(cx.constant(-2, {f.n, 1}), f.x), "-2*ones(n) + x", "−2 + x", "-2 + \\mathbf{x}");
    CHECK_PRINTS(cx.constant(0.5, {3, 1}), "0.5*ones(3)", "0.5 𝟏", "0.5 \\mathbf{1}");
    CHECK_PRINTS(cx.transpose(cx.ones({f.n, 1})), "ones(n)'", "𝟏ᵀ", "\\mathbf{1}^\\top");
    CHECK_PRINTS(cx.sub(cx.ones({f.n, 1}), f.x), "ones(n) - x", "1 − x", "1 - \\mathbf{x}");
    CHECK_PRINTS(cx.identity(f.n), "eye(n)", "I", "I");
    CHECK_PRINTS(cx.identity(4), "eye(4)", "I", "I");
    CHECK_PRINTS(cx.size(f.n), "n", "n", "n");
    CHECK_PRINTS(cx.div(cx.sum(f.x), cx.size(f.n)), "sum(x) / n", "sum(x) / n",
                 "\\frac{\\operatorname{sum}\\left(\\mathbf{x}\\right)}{n}");
    // Sizes that never got resolved print as the language's context-sized constants.
    Dim r = cx.sizes().fresh(), c = cx.sizes().fresh();
    CHECK(f.ascii(cx.constant(2, {r, 1})) == "vector(2)");
    CHECK(f.ascii(cx.constant(1, {1, r})) == "vector(1)'");
    CHECK(f.ascii(cx.constant(0, {r, c})) == "matrix(0)");
    CHECK(f.ascii(cx.identity(r)) == "eye");
    // Once unified, a flexible size prints as the size it stands for.
    Dim k = cx.sizes().fresh();
    Expr v = cx.constant(1, {k, 1});
    REQUIRE(cx.sizes().unify(k, f.n));
    CHECK(f.ascii(v) == "ones(n)");
}

TEST_CASE("print: functions, reductions and stacks", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    CHECK_PRINTS(cx.apply(Op::Sqrt, f.z), "sqrt(z)", "√(z)", "\\sqrt{z}");
    CHECK_PRINTS(cx.apply(Op::Norm, f.x), "norm(x)", "‖x‖", "\\left\\| \\mathbf{x} \\right\\|");
    CHECK_PRINTS(cx.apply(Op::Norm1, f.x), "norm1(x)", "norm1(x)", "\\left\\| \\mathbf{x} \\right\\|_{1}");
    CHECK_PRINTS(cx.apply(Op::Log, f.x), "log(x)", "ln(x)", "\\ln\\left(\\mathbf{x}\\right)");
    CHECK_PRINTS(cx.apply(Op::Asin, f.z), "asin(z)", "arcsin(z)", "\\arcsin\\left(z\\right)");
    CHECK_PRINTS(cx.apply(Op::LeakyRelu, f.x), "leaky_relu(x)", "leaky_relu(x)",
                 "\\operatorname{leaky\\_relu}\\left(\\mathbf{x}\\right)");
    CHECK_PRINTS(cx.apply(Op::LeakyRelu, f.x, f.num(0.2)), "leaky_relu(x, 0.2)", "leaky_relu(x, 0.2)",
                 "\\operatorname{leaky\\_relu}\\left(\\mathbf{x}, 0.2\\right)");
    CHECK_PRINTS(cx.apply(Op::Min, f.x, f.w), "min(x, w)", "min(x, w)",
                 "\\min\\left(\\mathbf{x}, \\mathbf{w}\\right)");
    CHECK_PRINTS(cx.apply(Op::Bce, cx.apply(Op::Sigmoid, f.yhat), f.y), "bce(sigmoid(yhat), y)", "bce(σ(yhat), y)",
                 "\\operatorname{bce}\\left(\\sigma\\left(\\hat{\\mathbf{y}}\\right), \\mathbf{y}\\right)");
    CHECK_PRINTS(cx.sum(f.x), "sum(x)", "sum(x)", "\\operatorname{sum}\\left(\\mathbf{x}\\right)");
    CHECK_PRINTS(cx.apply(Op::Mean, f.x), "mean(x)", "mean(x)", "\\operatorname{mean}\\left(\\mathbf{x}\\right)");
    CHECK_PRINTS(cx.diag(f.x), "diag(x)", "diag(x)", "\\operatorname{diag}\\left(\\mathbf{x}\\right)");
    Expr part = cx.diag(f.A);
    CHECK(part->op->kind == Kind::DiagPart);
    CHECK_PRINTS(part, "diag(A)", "diag(A)", "\\operatorname{diag}\\left(A\\right)");
    Expr col[] = {f.z, f.b};
    CHECK_PRINTS(cx.stack(col, 1), "[z; b]", "[z; b]", "\\begin{bmatrix} z \\\\ b \\end{bmatrix}");
    Expr grid[] = {f.z, f.b, cx.neg(f.b), f.num(1)};
    CHECK_PRINTS(cx.stack(grid, 2), "[z, b; -b, 1]", "[z, b; −b, 1]",
                 "\\begin{bmatrix} z & b \\\\ -b & 1 \\end{bmatrix}");
}

TEST_CASE("print: every elementwise function through its table row", "[print]") {
    Fixture f;
    for (const OpInfo& op : op_table()) {
        if (op.kind != Kind::Elementwise || op.notation != Notation::Call) continue;
        INFO(op.name);
        std::vector<Expr> args = {f.x};
        if (op.min_args == 2) args.push_back(f.w);
        Expr e = f.cx.apply(op, args);
        std::string tail = op.min_args == 2 ? "(x, w)" : "(x)";
        CHECK(f.ascii(e) == std::string(op.ascii) + tail);
        CHECK(f.unicode(e) == std::string(op.unicode) + tail);
        std::string l = f.latex(e);
        CHECK(l.starts_with(std::string(op.latex)));
        CHECK(l.find("\\mathbf{x}") != std::string::npos);
    }
}

TEST_CASE("print: definition names replace their subexpressions", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    Expr zdef = cx.add(cx.dot(f.w, f.x), f.b);
    Expr h = cx.matmul(f.A, f.x);
    std::unordered_map<Expr, std::string> names = {{zdef, "z1"}, {h, "h"}};
    Expr e = cx.add(cx.mul(cx.apply(Op::Step, zdef), cx.transpose(f.x)), cx.transpose(cx.apply(Op::Relu, h)));
    PrintOptions o;
    o.names = &names;
    o.style = Style::Ascii;
    CHECK(print(cx, e, o) == "step(z1) * x' + relu(h)'");
    o.style = Style::Unicode;
    CHECK(print(cx, e, o) == "step(z1) xᵀ + relu(h)ᵀ");
    o.style = Style::Latex;
    CHECK(print(cx, e, o) ==
          "\\operatorname{step}\\left(z_{1}\\right) \\mathbf{x}^\\top + "
          "\\operatorname{relu}\\left(\\mathbf{h}\\right)^\\top");
    // A named product is an atom: no parentheses where the product would need them.
    o.style = Style::Ascii;
    CHECK(print(cx, cx.transpose(h), o) == "h'");
    CHECK(print(cx, h, o) == "h");
}

TEST_CASE("print: LaTeX names", "[print]") {
    Context cx;
    const SizeTable& s = cx.sizes();
    Dim n = cx.sizes().symbol("n");
    Shape vec{n, 1}, row{1, n}, mat{n, n};
    CHECK(latex_name("x", vec, s) == "\\mathbf{x}");
    CHECK(latex_name("x", row, s) == "\\mathbf{x}");
    CHECK(latex_name("W", mat, s) == "W");
    CHECK(latex_name("b", kScalarShape, s) == "b");
    CHECK(latex_name("W1", mat, s) == "W_{1}");
    CHECK(latex_name("b2", vec, s) == "\\mathbf{b}_{2}");
    CHECK(latex_name("x12", kScalarShape, s) == "x_{12}");
    CHECK(latex_name("yhat", vec, s) == "\\hat{\\mathbf{y}}");
    CHECK(latex_name("yhat", kScalarShape, s) == "\\hat{y}");
    CHECK(latex_name("y_hat", kScalarShape, s) == "\\hat{y}");
    CHECK(latex_name("xbar", vec, s) == "\\bar{\\mathbf{x}}");
    CHECK(latex_name("gamma", kScalarShape, s) == "\\gamma");
    CHECK(latex_name("eta", kScalarShape, s) == "\\eta");
    CHECK(latex_name("beta", kScalarShape, s) == "\\beta");
    CHECK(latex_name("σ", kScalarShape, s) == "\\sigma");
    CHECK(latex_name("alpha", vec, s) == "\\boldsymbol{\\alpha}");
    CHECK(latex_name("Sigma", mat, s) == "\\Sigma");
    CHECK(latex_name("loss", kScalarShape, s) == "\\mathrm{loss}");
    CHECK(latex_name("delta1", vec, s) == "\\boldsymbol{\\delta}_{1}");
    CHECK(latex_name("W_out", mat, s) == "W_{\\mathrm{out}}");
    CHECK(latex_name("x_i", vec, s) == "\\mathbf{x}_{i}");
    CHECK(latex_name("what", kScalarShape, s) == "\\hat{w}");
    CHECK(latex_name("foobar", kScalarShape, s) == "\\mathrm{foobar}");
}

TEST_CASE("print: LaTeX braces stay balanced", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    Expr e = cx.sub(cx.apply(Op::Sqrt, cx.div(cx.pow(f.z, f.num(2)), cx.add(f.b, f.num(1)))),
                    cx.dot(cx.apply(Op::LeakyRelu, cx.matmul(f.W1, f.x)), f.yhat));
    std::string l = f.latex(e);
    int depth = 0, lr = 0;
    for (std::size_t i = 0; i < l.size(); ++i) {
        if (l[i] == '\\' && i + 1 < l.size() && (l[i + 1] == '{' || l[i + 1] == '}')) { ++i; continue; }
        if (l[i] == '{') ++depth;
        if (l[i] == '}') --depth;
        REQUIRE(depth >= 0);
        if (l.compare(i, 5, "\\left") == 0) ++lr;
        if (l.compare(i, 6, "\\right") == 0) --lr;
    }
    CHECK(depth == 0);
    CHECK(lr == 0);
    CHECK(l == "\\sqrt{\\frac{z^{2}}{b + 1}} - \\operatorname{leaky\\_relu}\\left(W_{1} \\mathbf{x}\\right) "
               "\\cdot \\hat{\\mathbf{y}}");
}

TEST_CASE("print: deep expressions do not overflow the stack", "[print]") {
    Fixture f;
    auto& cx = f.cx;
    constexpr int kDepth = 10000;
    Expr left = f.z, right = f.z, neg = f.z, pw = f.z;
    for (int i = 0; i < kDepth; ++i) {
        Expr leaf = i % 2 ? f.z : f.b;
        left = cx.add(left, leaf);
        right = cx.add(leaf, right);
        neg = cx.neg(cx.mul(neg, leaf));
        pw = cx.pow(leaf, pw);
    }
    std::string a = f.ascii(left);
    CHECK(a.size() == 4u * kDepth + 1);
    CHECK(a.starts_with("z + b + z + b"));
    std::string r = f.ascii(right);
    CHECK(r.size() == 6u * kDepth - 1);
    CHECK(r.ends_with(std::string(kDepth - 1, ')')));
    std::string u = f.unicode(right);
    CHECK(u.starts_with("z + b + z + b"));
    CHECK(u.find('(') == std::string::npos);
    CHECK(f.latex(neg).size() > 3u * kDepth);  // -z b - ... : a minus needs no parentheses before a product
    CHECK(f.unicode(pw).size() > 2u * kDepth);
    // Far deeper than any call stack could follow: right operands whose parentheses
    // depend on how they begin (a minus sign) are examined without recursion too.
    Expr deep = f.z;
    for (int i = 0; i < 200000; ++i) deep = cx.pow(i % 2 ? f.b : cx.neg(f.z), deep);
    std::string d = f.ascii(deep);
    CHECK(d.starts_with("b^(-z)^b^(-z)^"));
    CHECK(f.latex(deep).size() > 200000u);
}

TEST_CASE("print: ASCII parses back to the same node", "[print][roundtrip]") {
    Model m = load_model(Source{"t", "w, x : vector(n); b, z : scalar; X : matrix(N, n); A : matrix(n, n); f = 0"});
    const char* const texts[] = {
        "w·x + b", "max(0, w·x + b)", "step(z) * x'", "2 * z * cos(z^2)", "sigmoid(X * w)",
        "x - w", "x ⊙ w", "x .* w .* x", "x .* (w .* x)", "x ./ w", "1 ./ x", "x / 2", "z / b",
        "(z + b) / (z * b)", "X * w", "x' * A", "(X * w)'", "x''", "-x", "-x^2", "(-x)^2", "-z * b",
        "-(z * b)", "--z", "z - -b", "z * -b", "z^b^z", "(z^b)^z", "(z + b)^3", "z^(z + b)", "x'^2",
        "(z / b)^2", "2 * (3 * x)", "0.1", "-3.5", "1e-5", "2.5e20", "1/3", "0.1 + 0.2", "x * 2",
        "x * -2", "(-2)^z", "z^-1", "z^0.5", "z + -2", "0.001 * x", "ones(n)", "ones(n)'",
        "ones(1, n)", "zeros(N, n)", "3 * ones(n)", "ones(n) - x", "eye(n)", "eye(4)", "z * eye(n)",
        "eye(n) * x", "N", "sum(X * w) / N", "sqrt(z)", "√(z)", "‖x‖", "norm(x)", "norm1(x)", "log(x)",
        "ln(x)", "asin(z)", "arccos(z)", "atan(z)", "exp(-x)", "sin(x) + cos(x) + tan(x)", "tanh(x)",
        "σ(x)", "softplus(x)", "abs(x)", "relu(x)", "sign(x)", "leaky_relu(x)", "leaky_relu(x, 0.2)",
        "min(x, w)", "max(x, 1)", "bce(sigmoid(x), w)", "sum(x)", "mean(x)", "diag(x)", "diag(A)",
        "diag(X' * X)", "[b; z]", "[b, z; -z, 1]", "dot(x, w) * x", "x' * w * z",
        "(x' * w) * (w' * x)", "x * w'", "A * (A * x)", "exp(-x .* (A * w)) + ones(n)",
        "tanh(X * w)' * (X * w)", "norm(x - w)^2 / 2", "-(1 - 2)", "3x^2", "2(x + w)",
        "z - (b - z) + (z - b)", "b * (z + 1) * (b - 1)", "-sum(log(sigmoid(x)))",
    };
    for (const char* text : texts) {
        INFO(text);
        Expr e = m.bind_expression(text);
        std::string printed = print(m.cx(), e, {Style::Ascii});
        INFO(printed);
        CHECK(m.bind_expression(printed) == e);
    }
}

TEST_CASE("print: every table operation prints and round-trips", "[print][roundtrip]") {
    Model m = load_model(Source{"t", "x, w : vector(n); z : scalar; A : matrix(n, n); f = 0"});
    Context& cx = m.cx();
    Expr x = m.find("x")->expr, w = m.find("w")->expr, z = m.find("z")->expr, A = m.find("A")->expr;
    Dim n = cx.sizes().find("n");
    std::set<std::string_view> seen;
    for (const OpInfo& op : op_table()) {
        INFO(op.name);
        if (op.id == Op::LogSoftmax) {  // never a node of its own: z − logsumexp(z)
            CHECK(cx.apply(op, std::span<const Expr>(&x, 1)) == cx.sub(x, cx.apply(Op::LogSumExp, x)));
            seen.insert(op.name);
            continue;
        }
        Expr e = nullptr;
        switch (op.kind) {
        case Kind::Variable: e = x; break;
        case Kind::Constant: e = cx.constant(2, {n, 1}); break;
        case Kind::Identity: e = cx.identity(n); break;
        case Kind::Size: e = cx.size(n); break;
        case Kind::Commutation: e = cx.commutation(n, cx.sizes().symbol("m")); break;
        case Kind::Vec: e = cx.vec(A); break;
        case Kind::Unvec: e = cx.unvec(cx.variable("v4", {4, 1}), {2, 2}); break;
        case Kind::Block: e = cx.block(A, 0, 0, {1, 1}); break;
        case Kind::MatMul: e = cx.matmul(A, x); break;
        case Kind::DiagPart: e = cx.diag(A); break;
        case Kind::Trace:
        case Kind::Det:
        case Kind::LogDet:
        case Kind::Inverse: e = cx.apply(op, std::span<const Expr>(&A, 1)); break;
        case Kind::Stack: {
            Expr blocks[] = {z, cx.neg(z)};
            e = cx.stack(blocks, 1);
            break;
        }
        default: {
            // max and min with one argument are max_entry and min_entry (their own rows).
            const int count = op.one_argument != Op::Variable ? 2 : op.min_args;
            std::vector<Expr> args(static_cast<std::size_t>(count), x);
            if (count == 2) args[1] = w;
            e = cx.apply(op, args);
        }
        }
        REQUIRE(e->op == &op);
        seen.insert(op.name);
        for (Style s : {Style::Ascii, Style::Unicode, Style::Latex}) CHECK(!print(cx, e, {s}).empty());
        // vec and K are notation of Jacobians with respect to matrices, not of the input.
        if (op.kind == Kind::Commutation || op.kind == Kind::Vec || op.kind == Kind::Block || op.kind == Kind::Unvec)
            continue;
        CHECK(m.bind_expression(print(cx, e, {Style::Ascii})) == e);
    }
    CHECK(seen.size() == op_table().size());
}
