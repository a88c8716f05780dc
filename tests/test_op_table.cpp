// One generic test over every row of the operation table: the operation parses from each
// of its spellings, its ASCII print parses back to the same node, and its derivative
// (Jacobian of the vector function, gradient of its sum) agrees with finite differences;
// every elementwise row has its C++ and NumPy formulas (test_codegen*.cpp compare them
// with the kernel). A new elementwise function is covered by adding its table row; nothing
// here changes.
#include <catch2/catch.hpp>

#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/print/print.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

const char* const kDecl = "x, y : vector(n); u : vector(m); s : scalar; A : matrix(m, n); S : matrix(n, n); ";

struct Case {
    std::string function;
    std::vector<std::string> wrt;
};

// Expressions that use the operation `op` written with `spelling`.
std::vector<Case> cases_for(const OpInfo& op) {
    std::vector<Case> out;
    auto add = [&](std::string f, std::vector<std::string> wrt) { out.push_back({std::move(f), std::move(wrt)}); };
    switch (op.kind) {
    case Kind::Elementwise:
        for (std::string_view name : op.call_names) {
            std::string n(name);
            if (n == "‖") continue;
            if (op.max_args == 1) {
                add(n + "(x)", {"x"});
                add("sum(" + n + "(x))", {"x"});
                add(n + "(s)", {"s"});
            } else {
                if (op.min_args == 1) add(n + "(x)", {"x"});
                add(n + "(x, y)", {"x", "y"});
                add("sum(" + n + "(x, s))", {"x", "s"});
            }
        }
        for (std::string_view sym : op.spellings) {
            std::string o(sym);
            if (op.notation == Notation::Prefix) {
                add(o + "x", {"x"});
                add(o + "s", {"s"});
            } else if (op.id == Op::Pow) {
                add("x " + o + " 3", {"x"});
                add("sum(x " + o + " s)", {"x", "s"});
            } else {
                add("x " + o + " y", {"x", "y"});
                add("x " + o + " s", {"x", "s"});
                add("sum(s " + o + " y)", {"s", "y"});
            }
        }
        break;
    case Kind::MatMul:
        add("A * x", {"x"});
        add("sum(A * x)", {"A", "x"});
        add("x' * y", {"x", "y"});
        break;
    case Kind::Transpose:
        for (std::string_view sym : op.spellings) add("sum(A" + std::string(sym) + " * u)", {"u", "A"});
        for (std::string_view sym : op.spellings) add("x" + std::string(sym), {"x"});
        add("transpose(x)", {"x"});
        break;
    case Kind::Dot:
        add("x · y", {"x", "y"});
        add("dot(x, y)", {"x", "y"});
        break;
    case Kind::Diag:
        add("sum(diag(x) * y)", {"x", "y"});
        add("diag(x) * y", {"x", "y"});
        add("diag(x)", {"x"});
        add("diag(A * x)", {"x"});
        break;
    case Kind::DiagPart:
        add("sum(diag(x * y'))", {"x", "y"});
        add("diag(x * y')", {"x"});
        add("diag(S * S)", {"S"});
        add("sum(diag(S * S))", {"S"});
        break;
    case Kind::Stack:
        add("[s; s^2; 3s]", {"s"});
        add("[s, 2s]", {"s"});
        // Gradients through a stack: each block gets its block of the adjoint.
        add("sum(exp([s, s^2; 2s, 1]))", {"s"});
        add("sum(sin([x, y]))", {"x", "y"});
        add("[x, y] * [s; s^2]", {"x", "s"});
        break;
    case Kind::Sum:
    case Kind::Mean:
    case Kind::Norm:
    case Kind::Norm1:
        for (std::string_view name : op.call_names) {
            std::string n(name);
            if (n == "‖") add("‖x ⊙ y‖", {"x", "y"});
            else {
                add(n + "(x ⊙ y)", {"x", "y"});
                add(n + "(A)", {"A"});
            }
        }
        if (op.axis_argument) {  // sum(A, 1): a row of column sums; sum(A, 2): a column
            std::string n(op.call_names.at(0));
            add(n + "(A, 1)", {"A"});
            add(n + "(A, 2)", {"A"});
            add(n + "(A, 1) * x", {"A", "x"});
            add("u' * " + n + "(A, 2)", {"A", "u"});
            add(n + "(x, 1)", {"x"});
            add(n + "(x', 1) * y", {"x", "y"});
        }
        break;
    case Kind::Trace:
        for (std::string_view name : op.call_names) add(std::string(name) + "(S * S')", {"S"});
        add("tr(x * y')", {"x", "y"});
        break;
    case Kind::Det:
        add("det(S)", {"S"});
        add("det(S' * S + eye(n))", {"S"});
        break;
    case Kind::LogDet:
        add("logdet(S' * S + eye(n))", {"S"});
        break;
    case Kind::Inverse:
        add("sum(inv(S' * S + eye(n)) * x)", {"S", "x"});
        add("x' * inv(S * S' + eye(n)) * y", {"x", "S"});
        break;
    case Kind::LogSumExp:
        add("logsumexp(x)", {"x"});
        add("logsumexp(A)", {"A"});
        add("logsumexp(A * x)", {"x", "A"});
        // With an axis: each column (a row of n) or each row (a column of m).
        add("logsumexp(A, 1)", {"A"});
        add("logsumexp(A, 2)", {"A"});
        add("logsumexp(A, 1) * x", {"A", "x"});
        add("u' * logsumexp(A, 2)", {"A", "u"});
        add("logsumexp(x, 1)", {"x"});
        add("logsumexp(x, 2)", {"x"});
        break;
    case Kind::Softmax: {  // softmax and log_softmax
        std::string n(op.call_names.at(0));
        add(n + "(x)", {"x"});
        add(n + "(S * x)", {"x"});
        add(op.id == Op::LogSoftmax ? n + "(x)·y" : "log(" + n + "(x))·y", {"x", "y"});
        add(n + "(A, 1)", {"A"});
        add(n + "(A, 2)", {"A"});
        add("sum(" + n + "(A, 1) ⊙ A)", {"A"});
        add("u' * " + n + "(A, 2) * x", {"A", "u", "x"});
        add(n + "(A' * u, 1)", {"u"});
        add(n + "(x', 2)", {"x"});
        add(n + "(x, 2)", {"x"});
        break;
    }
    case Kind::Extremum:  // max(x), min(x): the largest and smallest entry
        add(std::string(op.ascii) + "(x)", {"x"});
        add(std::string(op.ascii) + "(A * x)", {"A", "x"});
        add(std::string(op.ascii) + "(sin(x)) * y", {"x"});
        break;
    case Kind::Kron:
        add("kron(x, u)", {"x", "u"});
        add("sum(sin(kron(x', y')))", {"x", "y"});
        add("u' * kron(x', A) * kron(y, x)", {"u", "y"});
        add("sum(kron(A, S) * kron(x, y))", {"x"});
        // Kronecker products of matrices: vec(A ⊗ B) = (I ⊗ K ⊗ I)(vec A ⊗ vec B).
        add("kron(A, S)", {"A", "S"});
        add("sum(sin(kron(S, A')))", {"A", "S"});
        add("kron(S, x)", {"S", "x"});
        break;
    default:
        break;  // leaves: tested through the spellings that build them, below
    }
    return out;
}

}  // namespace

TEST_CASE("every operation: parse each spelling, print back, derivative against finite differences", "[ops]") {
    int rows_tested = 0;
    for (const OpInfo& op : op_table()) {
        std::vector<Case> cases = cases_for(op);
        // Leaves, and the notation of Jacobians with respect to matrices (vec, K), which
        // the language has no spelling for: test_kronecker.cpp covers those.
        bool leaf = op.kind == Kind::Variable || op.kind == Kind::Constant || op.kind == Kind::Identity ||
                    op.kind == Kind::Size || op.kind == Kind::Commutation || op.kind == Kind::Vec || op.kind == Kind::Unvec ||
                    op.kind == Kind::Block;
        INFO("operation " << op.name);
        CHECK((leaf || !cases.empty()));
        if (!cases.empty()) ++rows_tested;
        for (const Case& c : cases) {
            std::string model = std::string(kDecl) + "f = " + c.function;
            INFO(model);
            // Parses, and the ASCII form of the function binds back to the same node.
            Model m = load_model(Source{"t.mc", model});
            Expr f = m.function(std::nullopt).expr;
            std::string ascii = print(m.cx(), f, {Style::Ascii});
            INFO("printed: " << ascii);
            CHECK(m.bind_expression(ascii) == f);
            for (const std::string& wrt : c.wrt) {
                INFO("--wrt " << wrt);
                Run r = run({"check", "-e", model, "--wrt", wrt, "--points", "3", "--seed", "7"});
                CHECK(r.code == 0);
                CHECK(r.err.empty());
                if (r.code != 0) FAIL_CHECK(r.out << r.err);
                // A scalar function's Hessian too, against differences of its gradient.
                if (m.cx().is_scalar(f)) {
                    Run h = run({"check", "-e", model, "--wrt", wrt, "--points", "2", "--seed", "7", "--hessian"});
                    INFO("--hessian: " << h.out << h.err);
                    CHECK(h.code == 0);
                }
            }
        }
    }
    CHECK(rows_tested >= 30);
}

TEST_CASE("structured constants from every spelling", "[ops]") {
    const char* exprs[] = {"ones(n)' * x", "sum(zeros(n) + x)", "sum(eye(n) * x)", "sum(x + vector(1))",
                           "sum(A + matrix(2))", "x' * eye * y", "sum(ones(m, n) * x)"};
    for (const char* e : exprs) {
        std::string model = std::string(kDecl) + "f = " + e;
        INFO(model);
        Run r = run({"check", "-e", model, "--wrt", "x", "--points", "2"});
        CHECK(r.code == 0);
        CHECK(r.err.empty());
    }
}

TEST_CASE("every elementwise operation has its C++ and NumPy formulas for codegen", "[ops][codegen]") {
    for (const OpInfo& op : op_table()) {
        INFO(op.name);
        const bool elementwise = op.kind == Kind::Elementwise;
        CHECK(op.cpp.empty() != elementwise);
        CHECK(op.numpy.empty() != elementwise);
    }
}

TEST_CASE("every elementwise operation's array kernels give its scalar kernel's numbers", "[ops][eval]") {
    // The evaluator runs kernel1/kernel2 .array64 and .array32 (ops.hpp): in double they must
    // be the scalar kernel entry by entry, bit for bit (NaN where it is NaN), with both
    // arguments as arrays and either one broadcast (stride 0) or strided; in float the same
    // formula in float arithmetic, to float's accuracy.
    const std::vector<double> points = {-40, -3.5, -1, -0.5, -1e-3, 0, 1e-3, 0.25, 0.5, 0.9, 1, 2, 3.5, 40};
    const std::vector<double> seconds = {0.3, -2, 2, 0.01, 1, 0.5, 0, 0.7, 1.5, -0.2, 3, 2, 0.1, 1};
    const auto n = static_cast<std::ptrdiff_t>(points.size());
    auto same = [](double got, double want) { return std::isnan(want) ? std::isnan(got) : got == want; };
    auto close = [](float got, double want) {
        if (std::isnan(want) || std::isinf(want) || std::abs(want) > 3e38) return true;  // beyond float
        if (std::isnan(got)) return false;
        return std::abs(got - want) <= 1e-5 * std::max(1.0, std::abs(want)) || std::abs(want) < 1e-30;
    };
    int rows = 0;
    for (const OpInfo& op : op_table()) {
        if (op.kind != Kind::Elementwise) continue;
        INFO(op.name);
        ++rows;
        REQUIRE(bool(op.kernel1) != bool(op.kernel2));
        const ArrayKernel<double> k64 = op.kernel1 ? op.kernel1.array64 : op.kernel2.array64;
        const ArrayKernel<float> k32 = op.kernel1 ? op.kernel1.array32 : op.kernel2.array32;
        REQUIRE(k64);
        REQUIRE(k32);
        auto scalar = [&](double a, double b) { return op.kernel1 ? op.kernel1(a) : op.kernel2(a, b); };
        std::vector<double> out(points.size());
        // Both arrays.
        k64(points.data(), 1, seconds.data(), 1, out.data(), n);
        for (std::size_t i = 0; i < points.size(); ++i) CHECK(same(out[i], scalar(points[i], seconds[i])));
        // The second broadcast, then the first, then every other entry (stride 2).
        for (double b : {0.5, 2.0, 1.0}) {
            k64(points.data(), 1, &b, 0, out.data(), n);
            for (std::size_t i = 0; i < points.size(); ++i) CHECK(same(out[i], scalar(points[i], b)));
        }
        for (double a : {0.5, 0.0}) {
            k64(&a, 0, seconds.data(), 1, out.data(), n);
            for (std::size_t i = 0; i < points.size(); ++i) CHECK(same(out[i], scalar(a, seconds[i])));
        }
        k64(points.data(), 2, seconds.data(), 2, out.data(), n / 2);
        for (std::size_t i = 0; i < points.size() / 2; ++i) CHECK(same(out[i], scalar(points[2 * i], seconds[2 * i])));
        // In float.
        std::vector<float> a32(points.begin(), points.end()), b32(seconds.begin(), seconds.end()), out32(points.size());
        k32(a32.data(), 1, b32.data(), 1, out32.data(), n);
        for (std::size_t i = 0; i < points.size(); ++i) {
            INFO(points[i] << ", " << seconds[i] << ": " << out32[i]);
            CHECK(close(out32[i], scalar(a32[i], b32[i])));
        }
    }
    CHECK(rows >= 26);
}

TEST_CASE("constants fold where the result reads as well: short numbers and exact integers", "[ops]") {
    Context cx;
    auto folded = [&](Expr e, double v) { return e->op->kind == Kind::Constant && e->value == v; };
    CHECK(folded(cx.div(cx.constant(1), cx.constant(4)), 0.25));
    // 1/3 would print as 0.3333333333333333: kept as a quotient.
    CHECK(cx.div(cx.constant(1), cx.constant(3))->op->kind != Kind::Constant);
    // Integers past eight digits: sums, differences and products are exact below 2^53 (the
    // gradient of a long stack adds 100 000 of them).
    CHECK(folded(cx.add(cx.constant(99990704), cx.constant(14143)), 100004847));
    CHECK(folded(cx.sub(cx.constant(1), cx.constant(5000050000.0)), -5000049999.0));
    CHECK(folded(cx.mul(cx.constant(123456789), cx.constant(1000003)), 123457159370367.0));
    const Shape column{cx.sizes().symbol("n"), 1};
    CHECK(folded(cx.add(cx.constant(99990704, column), cx.constant(14143, column)), 100004847));
    // Not where a double could have rounded the result: 2^53 + 1 is not a double.
    CHECK(cx.add(cx.constant(9007199254740992.0), cx.constant(1))->op->kind != Kind::Constant);
    CHECK(cx.mul(cx.constant(94906267), cx.constant(94906267))->op->kind != Kind::Constant);
    // Nor integers with a fraction: 0.1 + 123456789 stays a sum.
    CHECK(cx.add(cx.constant(0.1), cx.constant(123456789))->op->kind != Kind::Constant);
}
