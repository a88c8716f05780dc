// Hostile input through the whole command line, in-process (matcalc::run_cli): every
// case must end with exit code 2 and a diagnostic in the compiler form of README, Commands
// ("-e:LINE:COL: error: ..." with the source line and a caret for model text,
// "VALUES.json:LINE:COL: error: ..." for values files, "matcalc: error: ..." for the
// command line), never with exit code 3 (an exception that escaped: "internal error"),
// a crash, a hang or memory exhaustion.
//
// Each run happens on a thread with a 1 GiB stack, as src/cli/main.cpp runs the command, and
// is time-boxed: a run that takes longer than its budget fails the test (the thread is
// left behind, the process ends with the test run).
//
// Regressions found by the fuzzer (fuzz/fuzz_pipeline.cpp) are at the end.
#include "bad_input_support.hpp"

using namespace matcalc::testing::bad_input;

// ------------------------------------------------------------------ malformed syntax

TEST_CASE("bad input: unclosed parenthesis", "[bad_input][syntax]") {
    model_error("x : scalar; f = (x + 1", {"expected ')'", "'('"});
}

TEST_CASE("bad input: a two-argument call with a blank before its parenthesis", "[bad_input][syntax]") {
    // `sin (x)` reads as the call; `max (x, 1)` is a product with a parenthesis, which
    // holds one expression: the hint says to close the gap (not for a number before it).
    model_error("x : scalar; f = max (x, 1)", {"expected ')'", "max(…), not max (…)"});
    model_error("x : scalar; f = σ (x, 1)", {"expected ')'", "σ(…), not σ (…)"});
    // Not after a number or a variable, which are not called.
    for (const char* model : {"x : scalar; f = 2 (x, 1)", "x : scalar; f = x (x, 1)"}) {
        Run r = model_error(model, {"expected ')'"});
        CHECK_FALSE(contains(r.err, "touches the function's name"));
    }
}

TEST_CASE("bad input: operator without right operand", "[bad_input][syntax]") {
    model_error("x : scalar; f = x +", {"expected an expression", "'+'"});
}

TEST_CASE("bad input: ** for a power suggests ^", "[bad_input][syntax]") {
    model_error("x : scalar; f = x ** 2", {"expected an expression", "'^'"});
}

TEST_CASE("bad input: two column vectors side by side, as two multiplied with *", "[bad_input][syntax]") {
    // Juxtaposition is multiplication (x x is x² for a scalar), so two column vectors
    // side by side get the same error and hints as w * x.
    model_error("w, x : vector(n); f = w x", {"cannot multiply vector(n) by vector(n)", "w·x", "w ⊙ x", "w * x'"});
}

TEST_CASE("bad input: two numbers side by side", "[bad_input][syntax]") {
    Run r = model_error("f = [1 2; 3 4]", {"two numbers side by side", "[1, 2]"});
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(col == 8);  // the 2
}

TEST_CASE("bad input: unclosed bracket", "[bad_input][syntax]") {
    model_error("x : scalar; f = [x; x", {"expected ']'", "'['"});
}

TEST_CASE("bad input: ragged matrix literal", "[bad_input][syntax]") {
    model_error("x : scalar; f = [x, x; x]", {"every row", "2 entries"});
}

TEST_CASE("bad input: closing parenthesis without an opening one", "[bad_input][syntax]") {
    model_error("x : scalar; f = x)", {"unexpected ')'"});
}

TEST_CASE("bad input: malformed number", "[bad_input][syntax]") {
    model_error("x : scalar; f = 1.2.3", {"malformed number '1.2.3'"});
}

TEST_CASE("bad input: stray character", "[bad_input][syntax]") {
    Run r = model_error("x : scalar; f = @x", {"expected an expression"});
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(line == 1);
    CHECK(col == 17);  // the '@'
}

TEST_CASE("bad input: declaration without a type", "[bad_input][syntax]") {
    model_error("x : ; f = x", {"expected a type", "scalar"});
}

TEST_CASE("bad input: vector() without a size", "[bad_input][syntax]") {
    model_error("x : vector(); f = x", {"expected a size"});
}

TEST_CASE("bad input: size zero", "[bad_input][syntax]") {
    model_error("x : vector(0); f = x", {"invalid size '0'", "positive integer"});
}

TEST_CASE("bad input: unknown type name", "[bad_input][syntax]") {
    model_error("x : tensor(3); f = x", {"expected a type", "vector(n)"});
}

TEST_CASE("bad input: statement starting with =", "[bad_input][syntax]") {
    model_error("x : scalar; = x", {"unexpected '='", "statement"});
}

TEST_CASE("bad input: error on a later line points at that line", "[bad_input][syntax]") {
    Run r = model_error("x : scalar\n\nf = x +* 2", {"expected an expression"});
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(line == 3);
    CHECK(contains(r.err, "f = x +* 2"));
}

// ------------------------------------------------------------- names and arity

TEST_CASE("bad input: unknown name with did-you-mean", "[bad_input][names]") {
    model_error("alpha : scalar; f = alpah + alpha", {"unknown name 'alpah'", "did you mean 'alpha'", "declare it, e.g. alpah : scalar"});
}

TEST_CASE("bad input: unknown function with did-you-mean", "[bad_input][names]") {
    model_error("x : scalar; f = exq(x)", {"unknown function 'exq'", "did you mean 'exp'"});
}

TEST_CASE("bad input: one-argument function given two", "[bad_input][names]") {
    model_error("x : scalar; f = sin(x, x)", {"sin takes 1 argument, not 2"});
}

TEST_CASE("bad input: two-argument function given one", "[bad_input][names]") {
    model_error("x : scalar; f = bce(x)", {"bce takes 2 arguments, not 1"});
}

TEST_CASE("bad input: function called without arguments", "[bad_input][names]") {
    model_error("x : scalar; f = sin()", {"sin takes 1 argument, not 0"});
}

TEST_CASE("bad input: a name defined twice", "[bad_input][names]") {
    Run r = model_error("x : scalar; f = x; f = x + 1", {"'f' is already defined"});
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(col == 20);  // the second f
}

TEST_CASE("bad input: defining a declared name", "[bad_input][names]") {
    model_error("x : scalar; x = 2", {"'x' is already declared"});
}

TEST_CASE("bad input: a name declared twice", "[bad_input][names]") {
    model_error("x : scalar; x : vector(n); f = x", {"'x' is already declared"});
}

TEST_CASE("bad input: a name used before its definition", "[bad_input][names]") {
    // Definitions may use earlier names only (docs/language.md).
    Run r = model_error("x : scalar; f = g + x; g = x", {"'g'"});
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(col == 17);  // the use of g
}

TEST_CASE("bad input: a definition that uses itself", "[bad_input][names]") {
    model_error("x : scalar; f = f + x", {"'f'"});
}

// -------------------------------------------------------------------- sizes

TEST_CASE("bad input: vector(n) + vector(m)", "[bad_input][sizes]") {
    model_error("x : vector(n); y : vector(m); f = x + y", {"cannot add", "vector(n)", "vector(m)"});
}

TEST_CASE("bad input: W*x with integer sizes that disagree", "[bad_input][sizes]") {
    model_error("W : matrix(3, 4); x : vector(5); f = W*x", {"cannot multiply", "matrix(3, 4)", "vector(5)"});
}

TEST_CASE("bad input: w * x on two column vectors suggests w·x, w ⊙ x, w * x'", "[bad_input][sizes]") {
    Run r = model_error("w, x : vector(n); b : scalar; f = w * x + b",
                        {"cannot multiply vector(n) by vector(n)", "w·x", "w ⊙ x", "w * x'"});
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(col == 37);  // the '*'
}

TEST_CASE("bad input: a symbolic size unified with two different integers", "[bad_input][sizes]") {
    model_error("A : matrix(2, 3); B : matrix(3, 4); x : vector(n); f = sum(A*x) + sum(B*x)", {"cannot multiply"});
}

TEST_CASE("bad input: absurd size", "[bad_input][sizes]") {
    model_error("x : vector(999999999999); f = sum(x)", {"too large"});
}

TEST_CASE("bad input: sizes over the binder's limit say so", "[bad_input][sizes]") {
    model_error("x : vector(2000000000); f = sum(x)", {"too large", "1000000000"});
    model_error("A : matrix(3, 2147483647); f = sum(A)", {"too large"});
    model_error("x : scalar; f = x * sum(ones(2000000000, 2))", {"too large"});
}

TEST_CASE("bad input: size beyond 64 bits", "[bad_input][sizes]") {
    model_error("x : vector(99999999999999999999999999); f = sum(x)", {"too large"});
}

// ------------------------------------------------------------- bytes and size

TEST_CASE("bad input: invalid UTF-8", "[bad_input][bytes]") {
    Run r = model_error("x : scalar\nf = x \xff + 1", {"invalid UTF-8", "0xFF"});
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(line == 2);
    CHECK(col == 7);
}

TEST_CASE("bad input: truncated UTF-8 sequence", "[bad_input][bytes]") {
    model_error("x : scalar\nf = x \xe2\x8a + 1", {"invalid UTF-8"});
}

TEST_CASE("bad input: overlong UTF-8 encoding and a lone surrogate", "[bad_input][bytes]") {
    model_error("x : scalar\nf = x \xc0\xaf 1", {"invalid UTF-8"});
    model_error("x : scalar\nf = x \xed\xa0\x80 1", {"invalid UTF-8"});
}

TEST_CASE("bad input: NUL byte", "[bad_input][bytes]") {
    using namespace std::string_literals;
    model_error("x : scalar\nf = x \0 + 1"s, {"NUL"});
}

TEST_CASE("bad input: empty input", "[bad_input][bytes]") {
    model_error_unpositioned("", {"defines no function"});
}

TEST_CASE("bad input: only comments and blank lines", "[bad_input][bytes]") {
    model_error_unpositioned("# nothing here\n\n   # still nothing\n", {"defines no function"});
}

TEST_CASE("bad input: only declarations", "[bad_input][bytes]") {
    model_error_unpositioned("x : scalar; w : vector(n)", {"defines no function"});
}

TEST_CASE("bad input: input larger than the limit (9 MB)", "[bad_input][bytes][large]") {
    std::string text = "x : scalar\nf = " + repeat("x+", 4500000) + "x";
    model_error_unpositioned(text, {"too large"});
}

// ------------------------------------------------------------------- nesting

TEST_CASE("bad input: 100000 nested parentheses", "[bad_input][nesting]") {
    model_error("x : scalar; f = " + repeat("(", 100000) + "x" + repeat(")", 100000), {"nested"});
}

TEST_CASE("bad input: 100000 nested brackets", "[bad_input][nesting]") {
    model_error("x : scalar; f = " + repeat("[", 100000) + "x" + repeat("]", 100000), {"nested"});
}

TEST_CASE("bad input: 100000 nested calls, norms and roots", "[bad_input][nesting]") {
    model_error("x : scalar; f = " + repeat("sin(", 100000) + "x" + repeat(")", 100000), {"nested"});
    model_error("x : scalar; f = " + repeat("‖", 100000) + "x" + repeat("‖", 100000), {"nested"});
    model_error("x : scalar; f = " + repeat("√(", 100000) + "x" + repeat(")", 100000), {"nested"});
}

TEST_CASE("bad input: 100000 unary minus signs", "[bad_input][nesting]") {
    model_error("x : scalar; f = " + repeat("-", 100000) + "x", {"unary"});
    model_error("x : scalar; f = " + repeat("-(", 100000) + "x" + repeat(")", 100000), {"nested"});
}

TEST_CASE("bad input: a power chain 100000 long", "[bad_input][nesting]") {
    model_error("x : scalar; f = x" + repeat("^x", 100000), {"nested too deeply"});
    model_error("x : scalar; f = x" + repeat("^-x", 100000), {"nested too deeply"});
}

TEST_CASE("bad input: 100000 transposes", "[bad_input][nesting]") {
    model_error("x : vector(n); f = sum(x" + repeat("'", 100000) + ")", {"nested too deeply"});
    model_error("x : vector(n); f = sum(x" + repeat("ᵀ", 100000) + ")", {"nested too deeply"});
}

TEST_CASE("bad input: 4 MB of x+", "[bad_input][nesting][large]") {
    // Ends in a dangling '+': whichever limit is met first, the answer is a clean error.
    Run r = cli({"derive", "-e", "x : scalar\nf = " + repeat("x+", 2000000), "--wrt", "x"}, 10000ms);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(positioned(r.err, "-e"));
    CHECK(has_caret_line(r.err));
    // The shown source line is cut around the column, not 4 MB long.
    CHECK(r.err.size() < 2000);
}

TEST_CASE("bad input: a 200000-term sum works or is a clean error", "[bad_input][nesting][large]") {
    Run r = cli({"derive", "-e", "x : scalar\nf = " + repeat("x+", 199999) + "x", "--wrt", "x"}, 10000ms);
    INFO("stderr:\n" << r.err.substr(0, 2000));
    REQUIRE(r.code != 3);
    if (r.code == 0) {
        CHECK(contains(r.out, "200000"));
    } else {
        // As of writing: "expression nested too deeply (more than 1000 levels of operations)".
        expect_bad_input(r);
        CHECK(positioned(r.err, "-e"));
        CHECK(has_caret_line(r.err));
        CHECK(contains(r.err, "nested too deeply"));
    }
}

// A chain of definitions, each using the previous one twice: the expression tree is
// 2^2000 nodes, the hash-consed DAG about 2000. Derivative and printing (with definition
// names) must stay small and fast; eval works too.
TEST_CASE("hostile input: a 2000-definition doubling chain", "[bad_input][dag][large]") {
    std::string text = "x : scalar\na1 = x\n";
    for (int i = 2; i <= 2000; ++i)
        text += "a" + std::to_string(i) + " = a" + std::to_string(i - 1) + " + a" + std::to_string(i - 1) + "\n";
    // The derivative is the constant 2^1999 (a double overflows to inf). As of writing,
    // with names it prints that constant at some commits and at others (bounded walks in
    // the normal forms) stops with "the result is too large to print": both are fine, a
    // crash, exit 3 or a hang is not.
    auto small_or_clean_error = [](const Run& r) {
        INFO("stderr:\n" << r.err.substr(0, 2000) << "\nseconds: " << r.seconds);
        REQUIRE(r.code != 3);
        if (r.code == 0) {
            // With named quantities (δ₁ = 8.99×10³⁰⁷ + …, δ₂ = δ₁ + δ₁, …) about 45 bytes a
            // definition of the DAG: linear, not the tree's 2^1999 terms.
            CHECK(r.out.size() < 200000);
        } else {
            expect_bad_input(r);
            CHECK(contains(r.err, "too large"));
        }
    };
    SECTION("derive") {
        Run r = cli({"derive", "-e", text, "--wrt", "x"}, 10000ms);
        small_or_clean_error(r);
        if (r.code == 0) CHECK(contains(r.out, "∂a2000/∂x"));
    }
    SECTION("derive --expand") {
        small_or_clean_error(cli({"derive", "-e", text, "--wrt", "x", "--expand", "--format", "latex"}, 10000ms));
    }
    SECTION("eval") {
        std::string path = temp().write("chain.json", R"({"x": 1})");
        Run r = cli({"eval", "-e", text, "--at", path}, 10000ms);
        INFO("stderr:\n" << r.err.substr(0, 2000));
        REQUIRE(r.code == 0);
        // 2^1999 overflows a double: the value is written, whatever it is, without a crash.
        CHECK(contains(r.out, "a2000 = "));
    }
}

TEST_CASE("hostile input: a 2000-definition chain through a nonlinear function", "[bad_input][dag][large]") {
    // The derivative is not a constant here: the printed derivative needs the names.
    std::string text = "x : scalar\na1 = x\n";
    for (int i = 2; i <= 2000; ++i)
        text += "a" + std::to_string(i) + " = sin(a" + std::to_string(i - 1) + ") * a" + std::to_string(i - 1) + "\n";
    Run r = cli({"derive", "-e", text, "--wrt", "x"}, 10000ms);
    INFO("stderr:\n" << r.err.substr(0, 2000) << "\nseconds: " << r.seconds);
    REQUIRE(r.code != 3);
    if (r.code == 0) {
        CHECK(r.out.size() < (std::size_t{64} << 20) + 1000);
    } else {
        expect_bad_input(r);
    }
}

// Known problem (hidden: run with "[known_slow]"): with --expand no definition is kept
// whole, and the normal form of products flattens the whole chain at every level
// (src/simplify/simplify_normal_forms.cpp, ProductFlattener::add with its linear factor search):
// about cubic in the chain length. 400 definitions take ~9 s (release build), 2000
// more than 10 minutes. It should be a clean result or a clean error within seconds.
TEST_CASE("hostile input: a 2000-definition nonlinear chain with --expand", "[.][known_slow]") {
    std::string text = "x : scalar\na1 = x\n";
    for (int i = 2; i <= 2000; ++i)
        text += "a" + std::to_string(i) + " = sin(a" + std::to_string(i - 1) + ") * a" + std::to_string(i - 1) + "\n";
    Run r = cli({"derive", "-e", text, "--wrt", "x", "--expand"}, 10000ms);
    REQUIRE(r.code != 3);
    CHECK((r.code == 0 || r.code == 2));
}
