// The hostile-input suite, continued: work, memory and output too large for the limits
// (README, Limits), each refused before it is computed, quickly, with what and how big.
#include "bad_input_support.hpp"

using namespace matcalc::testing::bad_input;

namespace {

std::string numbers(int n) {
    std::string s = "{\"x\": [";
    for (int i = 0; i < n; ++i) s += (i ? ", " : "") + std::to_string(0.001 * i);
    return s + "]}";
}

Run refused(std::vector<std::string> args, const std::vector<std::string>& words) {
    Run r = cli(std::move(args), 2000ms);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(starts_with(r.err, "-e: error: "));
    expect_words(r, words);
    CHECK(r.out.empty());
    return r;
}

}  // namespace

TEST_CASE("bad input: work beyond --max-work is refused before it is done", "[bad_input][limits]") {
    refused({"eval", "-e", "f = det(eye(8000))", "--at", "{}"},
            {"5.1e+11 multiply-adds", "limit of 2e+10 (--max-work)", "det of a 8000×8000 matrix"});
    refused({"eval", "-e", "f = sum(ones(8000,8000) * ones(8000,8000))", "--at", "{}"},
            {"--max-work", "a matrix product 8000×8000 times 8000×8000"});
    refused({"eval", "-e", "f = sum(inv(eye(5000)))", "--at", "{}"}, {"--max-work", "inv of a 5000×5000 matrix"});
    // The option: a 3×3 product is 27 multiply-adds, refused under 20, computed with the default.
    const std::vector<std::string> product = {"eval", "-e", "A : matrix(3,3); f = A*A", "--at",
                                              "{\"A\": [[1,2,3],[4,5,6],[7,8,9]]}"};
    std::vector<std::string> tight = product;
    tight.insert(tight.end(), {"--max-work", "20"});
    refused(tight, {"about 27 multiply-adds", "limit of 20 (--max-work)", "a matrix product 3×3 times 3×3"});
    Run ok = cli(product);
    CHECK(ok.code == 0);
    CHECK(ok.out == "f = [[30, 36, 42], [66, 81, 96], [102, 126, 150]]\n");
}

TEST_CASE("bad input: memory beyond --max-memory is refused before it is allocated", "[bad_input][limits]") {
    refused({"eval", "-e", "f = sum(ones(8000,8000) + 2*ones(8000,8000) + exp(ones(8000,8000)))", "--at", "{}"},
            {"GiB of values", "limit of 768 MiB (--max-memory)", "8000×8000 constant"});
}

TEST_CASE("bad input: numbers beyond --max-output are refused before they are computed", "[bad_input][limits]") {
    // The 64-million-entry Jacobian of x xᵀ at n = 400 (2.4 GB of JSON).
    refused({"derive", "-e", "x : vector(n); f = x*x'", "--wrt", "x", "--at", numbers(400), "--format", "json"},
            {"122 MiB of text", "160000 × 400", "limit of 16 MiB of output (--max-output)", "`eval` a reduction"});
    // The Hessian of x·x at n = 8000 (832 MB of JSON).
    refused({"derive", "-e", "x : vector(n); f = x·x", "--wrt", "x", "--hessian", "--at", numbers(8000)},
            {"the Hessian is 8000 × 8000", "--max-output"});
    refused({"eval", "-e", "x : vector(n); f = x*x'", "--at", numbers(4000)}, {"the value is 4000 × 4000"});
    // Within the limit, then over it after a smaller --max-output: checked on the text too.
    Run ok = cli({"derive", "-e", "x : vector(n); f = x*x'", "--wrt", "x", "--at", numbers(40), "--format", "json"});
    CHECK(ok.code == 0);
    CHECK(contains(ok.out, "\"jacobian\""));
    refused({"eval", "-e", "x : vector(n); f = x*x'", "--at", numbers(500), "--max-output", "1"},
            {"more than", "bytes of text", "limit of 1 MiB"});
    // Code too: 3 000 lines generate about 1.2 MiB of C++, refused under --max-output 1.
    std::string chain = "x : scalar\na0 = x\n";
    for (int i = 1; i < 3000; ++i)
        chain += "a" + std::to_string(i) + " = sin(a" + std::to_string(i - 1) + ") + 0.5*a" + std::to_string(i - 1) + "\n";
    std::string path = temp().write("chain3000.mc", chain);
    Run code = cli({"codegen", path, "--wrt", "x", "--max-output", "1"}, 5000ms);
    expect_bad_input(code);
    expect_words(code, {"the generated code would be 1.", "more than the limit of 1 MiB of output (--max-output)"});
    CHECK(code.out.empty());
    CHECK(cli({"codegen", path, "--wrt", "x"}, 5000ms).code == 0);
}

TEST_CASE("bad input: long programs are refused or derived in linear time", "[bad_input][limits]") {
    // --steps on a 20 000-definition chain: refused by the 200-operation limit after one
    // linear pass (the check came after a quadratic one: 27.7 s).
    std::string chain = "x : scalar\nv0 = x\n";
    for (int i = 1; i < 20000; ++i) chain += "v" + std::to_string(i) + " = sin(v" + std::to_string(i - 1) + ")\n";
    std::string path = temp().write("chain20000.mc", chain);
    Run r = cli({"derive", path, "--wrt", "x", "--steps"}, 10000ms);
    expect_bad_input(r);
    expect_words(r, {"--steps", "goes through 19999 operations", "more than the 200"});
    // A stack of 20 000 definitions: the gradient gives each block its offset in one pass
    // (a sum over the blocks before each one was quadratic: 3.4 s at 10 000).
    std::string stack = "x : scalar\n", cols;
    for (int i = 0; i < 20000; ++i) {
        stack += "x" + std::to_string(i) + " = " + std::to_string(i + 1) + "*x\n";
        cols += (i ? ", x" : "x") + std::to_string(i);
    }
    stack += "v = [" + cols + "]\nf = sum(v)\n";
    std::string stack_path = temp().write("stack20000.mc", stack);
    Run s = cli({"derive", stack_path, "--wrt", "x", "--at", "{\"x\": 1}"}, 10000ms);
    INFO(s.err);
    CHECK(s.code == 0);
    CHECK(s.out == "  f = 200010000\n∂f/∂x = 200010000\n  at --at: 200010000\n");
    // The Hessian of a 10 000-line chain (29 s and 20 MB of formula): refused at once, by
    // derive and by codegen.
    std::string chain10k = "x : scalar\na0 = x\n";
    for (int i = 1; i < 10000; ++i)
        chain10k += "a" + std::to_string(i) + " = sin(a" + std::to_string(i - 1) + ") + 0.5*a" + std::to_string(i - 1) + "\n";
    std::string chain_path = temp().write("chain10k.mc", chain10k);
    for (std::vector<std::string> args : {std::vector<std::string>{"derive", chain_path, "--wrt", "x", "--hessian"},
                                          {"codegen", chain_path, "--wrt", "x", "--hessian", "--lang", "numpy"}}) {
        Run h = cli(args, 10000ms);
        expect_bad_input(h);
        expect_words(h, {"the Hessian: the function has 29997 operations, more than the 2000", "`check`"});
    }
}
