// Hostile input for the axes and the functions of issue 15 (docs/language.md, "Axes"):
// each malformed form ends with exit 2, the compiler-form diagnostic at the offending
// text (line and column checked) and a hint.
#include "bad_input_support.hpp"

using namespace matcalc::testing::bad_input;

namespace {

// The model's error is at line `line`, column `col` (1-based, in characters).
void at(const Run& r, int line, int col) {
    int l = 0, c = 0;
    INFO(r.err);
    REQUIRE(positioned(r.err, "-e", &l, &c));
    CHECK(l == line);
    CHECK(c == col);
}

const std::string kDecl = "X : matrix(m, n); x : vector(n); k : scalar\n";

}  // namespace

TEST_CASE("bad input: an axis other than 1 or 2", "[bad_input][axes]") {
    for (const char* f : {"sum", "mean", "logsumexp", "softmax", "log_softmax"}) {
        INFO(f);
        Run r = model_error(kDecl + "f = " + f + "(X, 3)",
                            {std::string("the axis of ") + f + " must be 1 or 2, not 3",
                             std::string(f) + "(X, 1) to work down each column or " + f + "(X, 2) along each row"});
        at(r, 2, static_cast<int>(std::string("f = ").size() + std::string(f).size() + 5));  // at the 3
    }
    Run zero = model_error(kDecl + "f = sum(X, 0)", {"must be 1 or 2, not 0"});
    at(zero, 2, 12);
}

TEST_CASE("bad input: an axis that is not an integer literal", "[bad_input][axes]") {
    Run frac = model_error(kDecl + "f = sum(X, 1.5)", {"the axis of sum must be 1 or 2, not 1.5", "sum(X, 1)"});
    at(frac, 2, 12);
    Run var = model_error(kDecl + "f = softmax(X, k)", {"the axis of softmax must be the number 1 or 2, not 'k'", "softmax(X, 2)"});
    at(var, 2, 16);
    Run expr = model_error(kDecl + "f = mean(X, 1 + 1)", {"must be the number 1 or 2, not '1 + 1'"});
    at(expr, 2, 13);
    Run neg = model_error(kDecl + "f = logsumexp(X, -1)", {"must be the number 1 or 2, not '-1'"});
    at(neg, 2, 18);
}

TEST_CASE("bad input: softmax and log_softmax of a matrix without an axis", "[bad_input][axes]") {
    Run s = model_error(kDecl + "f = softmax(X)",
                        {"softmax of a matrix(m, n) needs an axis", "softmax(X, 1) for each column",
                         "softmax(X, 2) for each row"});
    at(s, 2, 5);
    Run z = model_error("Z : matrix(k, B); f = sum(softmax(Z))", {"softmax(Z, 1) for each column (as PyTorch's dim=0)",
                                                                "softmax(Z, 2) for each row (dim=1)"});
    at(z, 1, 27);
    Run l = model_error("W : matrix(m, n); x : vector(n)\ny = W * x\nf = sum(log_softmax(W * x * x'))",
                        {"log_softmax of a matrix(m, n) needs an axis", "log_softmax(W * x * x', 1)",
                         "log_softmax(W * x * x', 2)"});
    at(l, 3, 9);
    // Of a vector no axis is needed.
    Run ok = cli({"derive", "-e", "x : vector(n); f = sum(softmax(x))", "--wrt", "x"});
    CHECK(ok.code == 0);
}

TEST_CASE("bad input: wrong argument counts of the new functions", "[bad_input][axes]") {
    model_error(kDecl + "f = sum(X, 1, 2)", {"sum takes 1 to 2 arguments, not 3"});
    model_error(kDecl + "f = softmax()", {"softmax takes 1 to 2 arguments, not 0"});
    model_error(kDecl + "f = sum(clip(x, 0))", {"clip takes 3 arguments, not 2"});
    model_error(kDecl + "f = sum(elu(x, 1, 2))", {"elu takes 1 to 2 arguments, not 3"});
    model_error(kDecl + "f = sum(gelu(x, 1))", {"gelu takes 1 argument, not 2"});
    model_error(kDecl + "f = sum(erf())", {"erf takes 1 argument, not 0"});
    model_error(kDecl + "f = max(x, x, x)", {"max takes 1 to 2 arguments, not 3"});
    model_error(kDecl + "f = log_softmax(x, 1, 1)", {"log_softmax takes 1 to 2 arguments, not 3"});
}
