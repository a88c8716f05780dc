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
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "matcalc/cli/cli.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Run {
    int code = -1;
    std::string out, err;
    double seconds = 0;
};

// Shared between the test and the thread running the command, so a run that overruns its
// budget can be abandoned safely.
struct Job {
    std::vector<std::string> args;
    Run result;
    bool done = false;
    std::mutex m;
    std::condition_variable cv;
};

void* run_job(void* p) {
    auto* holder = static_cast<std::shared_ptr<Job>*>(p);
    std::shared_ptr<Job> job = *holder;
    delete holder;
    std::ostringstream out, err;
    auto t0 = std::chrono::steady_clock::now();
    int code = matcalc::run_cli(job->args, out, err);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::lock_guard<std::mutex> lock(job->m);
    job->result = Run{code, out.str(), err.str(), s};
    job->done = true;
    job->cv.notify_all();
    return nullptr;
}

// Sanitizer builds (Debug, ASan + UBSan) run several times slower: budgets scale.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kSlowdown = 8;
#else
constexpr int kSlowdown = 1;
#endif

// Runs `matcalc ARGS...` in-process on a big stack, within `budget`.
Run cli(std::vector<std::string> args, std::chrono::milliseconds budget = 5000ms) {
    budget *= kSlowdown;
    auto job = std::make_shared<Job>();
    job->args = std::move(args);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::size_t{1} << 30);
    pthread_t thread;
    auto* holder = new std::shared_ptr<Job>(job);
    int rc = pthread_create(&thread, &attr, run_job, holder);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        run_job(holder);
    } else {
        std::unique_lock<std::mutex> lock(job->m);
        if (!job->cv.wait_for(lock, budget, [&] { return job->done; })) {
            lock.unlock();
            pthread_detach(thread);
            FAIL("matcalc did not finish within " << budget.count() << " ms (a hang on hostile input)");
        }
        lock.unlock();
        pthread_join(thread, nullptr);
    }
    return job->result;
}

// A temporary directory for values files and models, removed at exit.
struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("matcalc_bad_input_" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        fs::path p = path / name;
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
};

const TempDir& temp() {
    static TempDir dir;
    return dir;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// The line after the first one that has a caret, or "" if there is none.
bool has_caret_line(const std::string& err) {
    std::istringstream in(err);
    std::string line;
    std::getline(in, line);  // the "file:line:col: error:" line
    while (std::getline(in, line)) {
        std::size_t first = line.find_first_not_of(' ');
        if (first != std::string::npos && line[first] == '^') return true;
    }
    return false;
}

// "NAME:LINE:COL: error: " at the start of err, for a given NAME.
bool positioned(const std::string& err, const std::string& name, int* line = nullptr, int* col = nullptr) {
    if (!starts_with(err, name + ":")) return false;
    int l = 0, c = 0;
    char tail[16] = {};
    if (std::sscanf(err.c_str() + name.size() + 1, "%d:%d: %8[a-z]:", &l, &c, tail) != 3) return false;
    if (std::string(tail) != "error") return false;
    if (line) *line = l;
    if (col) *col = c;
    return l >= 1 && c >= 1;
}

void expect_bad_input(const Run& r) {
    INFO("stderr:\n" << r.err);
    INFO("stdout:\n" << r.out.substr(0, 2000));
    REQUIRE(r.code != 3);  // nothing may escape run_cli as an internal error
    REQUIRE(r.code == matcalc::kExitBadInput);
    CHECK_FALSE(contains(r.err, "internal error"));
}

void expect_words(const Run& r, const std::vector<std::string>& words) {
    INFO("stderr:\n" << r.err);
    for (const std::string& w : words) CHECK(contains(r.err, w));
}

// A model error at a position: "-e:LINE:COL: error: ..." + source line + caret.
Run model_error(const std::string& text, const std::vector<std::string>& words, std::vector<std::string> extra = {},
                std::chrono::milliseconds budget = 5000ms) {
    std::vector<std::string> args = {"derive", "-e", text, "--wrt", "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r = cli(args, budget);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(positioned(r.err, "-e"));
    CHECK(has_caret_line(r.err));
    expect_words(r, words);
    return r;
}

// A model error without a position (the whole model): "-e: error: ...".
Run model_error_unpositioned(const std::string& text, const std::vector<std::string>& words,
                             std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"derive", "-e", text, "--wrt", "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r = cli(args);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(starts_with(r.err, "-e: error: "));
    expect_words(r, words);
    return r;
}

// A command-line problem: "matcalc: error: ...".
Run usage_error(std::vector<std::string> args, const std::vector<std::string>& words) {
    Run r = cli(std::move(args));
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(starts_with(r.err, "matcalc: error: "));
    expect_words(r, words);
    return r;
}

// A values-file problem: "VALUES.json:LINE:COL: error: ..." + the JSON line + caret.
Run values_error(const std::string& model, const std::string& values, const std::vector<std::string>& words,
                 const std::string& command = "eval") {
    static int counter = 0;
    std::string name = "values" + std::to_string(++counter) + ".json";
    std::string path = temp().write(name, values);
    std::vector<std::string> args = {command, "-e", model, "--at", path};
    if (command != "eval") args.insert(args.end(), {"--wrt", "x"});
    Run r = cli(args);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(positioned(r.err, path));
    CHECK(has_caret_line(r.err));
    expect_words(r, words);
    return r;
}

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

// ------------------------------------------------------------------ malformed syntax

TEST_CASE("bad input: unclosed parenthesis", "[bad_input][syntax]") {
    model_error("x : scalar; f = (x + 1", {"expected ')'", "'('"});
}

TEST_CASE("bad input: operator without right operand", "[bad_input][syntax]") {
    model_error("x : scalar; f = x +", {"expected an expression", "'+'"});
}

TEST_CASE("bad input: ** for a power suggests ^", "[bad_input][syntax]") {
    model_error("x : scalar; f = x ** 2", {"expected an expression", "'^'"});
}

TEST_CASE("bad input: two operands without an operator", "[bad_input][syntax]") {
    model_error("x : scalar; f = x x", {"unexpected 'x'", "operator"});
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
    model_error("x : scalar; f = 1.2.3", {"unexpected", ".3"});
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
    model_error("x : scalar; f = y + x", {"unknown name 'y'", "did you mean 'x'"});
}

TEST_CASE("bad input: unknown function with did-you-mean", "[bad_input][names]") {
    model_error("x : scalar; f = exq(x)", {"unknown function 'exq'", "did you mean 'exp'"});
}

TEST_CASE("bad input: one-argument function given two", "[bad_input][names]") {
    model_error("x : scalar; f = sin(x, x)", {"sin takes 1 argument, not 2"});
}

TEST_CASE("bad input: two-argument function given one", "[bad_input][names]") {
    model_error("x : scalar; f = max(x)", {"max takes 2 arguments, not 1"});
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
            CHECK(r.out.size() < 10000);
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

// -------------------------------------------------------------- command line

TEST_CASE("bad input: --wrt naming nothing", "[bad_input][cli]") {
    Run r = model_error_unpositioned("x : vector(n); f = sum(x)", {"--wrt y", "no symbol named 'y'", "x, f"},
                                     {"--wrt", "y"});
}

TEST_CASE("bad input: --of naming nothing", "[bad_input][cli]") {
    model_error_unpositioned("x : vector(n); f = sum(x)", {"--of g", "no definition named 'g'"}, {"--of", "g"});
}

TEST_CASE("bad input: --wrt the function itself", "[bad_input][cli]") {
    Run r = cli({"derive", "-e", "x : scalar; f = x", "--wrt", "f"});
    expect_bad_input(r);
    expect_words(r, {"--wrt f", "the function"});
}

TEST_CASE("bad input: unknown option", "[bad_input][cli]") {
    usage_error({"derive", "-e", "x : scalar; f = x", "--wrt", "x", "--bogus"}, {"unknown option '--bogus' for derive"});
}

TEST_CASE("bad input: option missing its value", "[bad_input][cli]") {
    usage_error({"derive", "-e", "x : scalar; f = x", "--wrt"}, {"--wrt needs a value"});
    usage_error({"derive", "-e", "x : scalar; f = x", "--wrt", "x", "--format"}, {"--format needs a value"});
    usage_error({"derive", "-e"}, {"-e needs a value"});
}

TEST_CASE("bad input: unknown --format", "[bad_input][cli]") {
    usage_error({"derive", "-e", "x : scalar; f = x", "--wrt", "x", "--format", "xml"},
                {"unknown format 'xml'", "latex"});
}

TEST_CASE("bad input: unknown --layout", "[bad_input][cli]") {
    usage_error({"derive", "-e", "x : scalar; f = x", "--wrt", "x", "--layout=diagonal"},
                {"unknown layout 'diagonal'", "denominator"});
}

TEST_CASE("bad input: bad --points", "[bad_input][cli]") {
    usage_error({"check", "-e", "x : scalar; f = x", "--wrt", "x", "--points", "0"}, {"--points", "'0'"});
    usage_error({"check", "-e", "x : scalar; f = x", "--wrt", "x", "--points", "many"}, {"--points", "'many'"});
    usage_error({"check", "-e", "x : scalar; f = x", "--wrt", "x", "--points", "99999999999999999999999"},
                {"--points"});
    usage_error({"check", "-e", "x : scalar; f = x", "--wrt", "x", "--tol", "nan"}, {"--tol"});
}

TEST_CASE("bad input: no command, unknown command, no model, missing file", "[bad_input][cli]") {
    usage_error({}, {"no command"});
    usage_error({"frobnicate"}, {"unknown command 'frobnicate'"});
    usage_error({"derive", "--wrt", "x"}, {"no model"});
    usage_error({"derive", "-e", "x : scalar; f = x"}, {"--wrt"});
    usage_error({"derive", (temp().path / "no_such_model.mc").string(), "--wrt", "x"}, {"cannot read"});
    usage_error({"eval", "-e", "x : scalar; f = x", "--at", (temp().path / "no_such.json").string()},
                {"cannot read"});
}

TEST_CASE("bad input: a model or values file that never ends, or is a directory", "[bad_input][cli]") {
    // Reading /dev/zero to the end would never finish (and exhaust memory).
    usage_error({"derive", "/dev/zero", "--wrt", "x"}, {"/dev/zero", "larger than the limit"});
    usage_error({"eval", "-e", "x : scalar; f = x", "--at", "/dev/zero"}, {"/dev/zero", "larger than the limit"});
    usage_error({"derive", temp().path.string(), "--wrt", "x"}, {"directory"});
    usage_error({"eval", "-e", "x : scalar; f = x", "--at", temp().path.string()}, {"directory"});
}

TEST_CASE("bad input: a model file over the 8 MiB limit", "[bad_input][cli][large]") {
    std::string path = temp().write("huge.mc", "x : scalar\nf = x\n" + repeat("# padding padding padding\n", 400000));
    usage_error({"derive", path, "--wrt", "x"}, {"larger than the limit"});
}

TEST_CASE("bad input: a model file with an error names the file", "[bad_input][cli]") {
    std::string path = temp().write("broken.mc", "x : scalar\nf = x +\n");
    Run r = cli({"derive", path, "--wrt", "x"});
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(positioned(r.err, path));
    CHECK(has_caret_line(r.err));
}

// --------------------------------------------------------------- values files

TEST_CASE("bad values: not JSON", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", "not json", {"unknown word 'not'"});
}

TEST_CASE("bad values: empty file", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", "", {"empty input"});
}

TEST_CASE("bad values: a list instead of an object", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", "[1, 2]", {"JSON object"});
}

TEST_CASE("bad values: trailing comma and duplicate key", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", R"({"w": [1,2,3], "x": [1,2,3],})", {"trailing comma"});
    values_error("w, x : vector(n); f = w·x", R"({"w": [1,2,3], "w": [1,2,3], "x": [1,2,3]})",
                 {"duplicate key", "\"w\""});
}

TEST_CASE("bad values: wrong types", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", R"({"w": "abc", "x": [1,2,3]})", {"'w'", "a string"});
    values_error("w, x : vector(n); f = w·x", R"({"w": [1,2,null], "x": [1,2,3]})", {"'w'", "null"});
    values_error("w, x : vector(n); f = w·x", R"({"w": [[1,2,3]], "x": [1,2,3]})", {"'w'", "vector(n)"});
    values_error("w, x : vector(n); f = w·x", R"({"w": [], "x": []})", {"'w'", "empty list"});
}

TEST_CASE("bad values: ragged rows", "[bad_input][values]") {
    values_error("W : matrix(m, n); f = sum(W)", R"({"W": [[1, 2], [3]]})", {"row 2", "'W'", "row 1 has 2"});
}

TEST_CASE("bad values: size conflict between two variables", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", R"({"w": [1,2,3], "x": [1,2,3,4]})", {"n is 3", "'w'", "4 for 'x'"});
}

TEST_CASE("bad values: value disagrees with a declared integer size", "[bad_input][values]") {
    values_error("x : vector(3); f = sum(x)", R"({"x": [1, 2]})", {"'x'", "vector(3)"});
}

TEST_CASE("bad values: unknown name", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", R"({"w": [1,2,3], "x": [1,2,3], "q": 1})", {"no variable named 'q'"});
}

TEST_CASE("bad values: a number too large for a double", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", R"({"w": [1e999, 2, 3], "x": [1, 2, 3]})", {"1e999", "too large"});
}

TEST_CASE("bad values: sizes given directly must be positive integers", "[bad_input][values]") {
    values_error("x : vector(n); f = sum(x)", R"({"n": -3})", {"'n'", "positive integer"});
    values_error("x : vector(n); f = sum(x)", R"({"n": 2.5})", {"'n'", "positive integer"});
    values_error("x : vector(n); f = sum(x)", R"({"n": 1e12})", {"'n'"});
}

TEST_CASE("bad values: JSON nested 100000 deep", "[bad_input][values][nesting]") {
    values_error("x : scalar; f = x", "{\"x\": " + repeat("[", 100000) + repeat("]", 100000) + "}", {"nesting"});
}

TEST_CASE("bad values: invalid UTF-8 and NUL in the JSON text", "[bad_input][values][bytes]") {
    using namespace std::string_literals;
    values_error("x : scalar; f = x", "{\"x\xff\": 1}", {"UTF-8"});
    values_error("x : scalar; f = x", "{\"x\": 1\0}"s, {"error"});
}

TEST_CASE("bad values: a variable without a value points at its declaration", "[bad_input][values]") {
    std::string path = temp().write("missing.json", R"({"w": [1, 2, 3]})");
    Run r = cli({"eval", "-e", "w, x : vector(n); f = w·x", "--at", path});
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    int line = 0, col = 0;
    REQUIRE(positioned(r.err, "-e", &line, &col));
    CHECK(col == 4);  // x in the declaration
    CHECK(has_caret_line(r.err));
    expect_words(r, {"no value for 'x'"});
}

TEST_CASE("bad values: the same problems through derive --at", "[bad_input][values]") {
    values_error("w, x : vector(n); f = w·x", R"({"w": [1,2,3], "x": [1,2]})", {"n is 3"}, "derive");
    values_error("w, x : vector(n); f = w·x", R"({"w": [1,2,3], "x": [1,2]})", {"n is 3"}, "check");
}

// ------------------------------------------------------------- huge memory

TEST_CASE("bad input: a value that would need 80 GB", "[bad_input][memory]") {
    std::string path = temp().write("one.json", R"({"x": 1})");
    for (const char* command : {"eval", "derive", "check"}) {
        std::vector<std::string> args = {command, "-e", "x : scalar; f = sum(x * ones(100000, 100000))", "--at",
                                         path};
        if (std::string(command) != "eval") args.insert(args.end(), {"--wrt", "x"});
        Run r = cli(args);
        expect_bad_input(r);
        expect_words(r, {"too large"});
    }
}

TEST_CASE("bad input: an outer product of a 100000-vector with itself", "[bad_input][memory]") {
    std::string list = "1";
    for (int i = 1; i < 100000; ++i) list += ",1";
    std::string path = temp().write("big_x.json", "{\"x\": [" + list + "]}");
    Run r = cli({"eval", "-e", "x : vector(100000); f = sum(x*x')", "--at", path});
    expect_bad_input(r);
    expect_words(r, {"too large"});
}

TEST_CASE("bad input: matrix(100000, 100000) declared, no value", "[bad_input][memory]") {
    std::string path = temp().write("empty_object.json", "{}");
    Run r = cli({"eval", "-e", "W : matrix(100000, 100000); f = sum(W)", "--at", path});
    expect_bad_input(r);
    expect_words(r, {"no value for 'W'"});
}

TEST_CASE("bad input: check on a 10^10-entry matrix variable", "[bad_input][memory]") {
    // check draws its own values: they must not be allocated.
    Run r = cli({"check", "-e", "W : matrix(100000, 100000); f = sum(W)", "--wrt", "W"});
    expect_bad_input(r);
}

// ------------------------------------------------------------ fuzzer findings

// fuzz/artifacts/timeout-14eb7f67…: a 99-layer network (z_i = W*relu(z_{i-1}) + x). It
// timed out in the fuzz target because the target re-parsed the unnamed ASCII derivative
// (a megabyte of text); the command line prints with names and must stay fast.
TEST_CASE("fuzz regression: a 99-layer chain of W*relu(z) + x", "[bad_input][fuzz][dag]") {
    std::string text = "w, x : vector(n)\nW : matrix(n, n)\nz1 = W*x\n";
    for (int i = 2; i < 100; ++i)
        text += "z" + std::to_string(i) + " = W*relu(z" + std::to_string(i - 1) + ") + x\n";
    text += "L = sum(z99)\n";
    for (const char* wrt : {"x", "W", "w"}) {
        Run r = cli({"derive", "-e", text, "--wrt", wrt, "--format", "json"}, 10000ms);
        INFO("stderr:\n" << r.err.substr(0, 2000));
        REQUIRE(r.code == 0);
    }
}

// ------------------------------------------------------------ Kronecker sizes, Hessians

TEST_CASE("bad input: Kronecker products whose sizes overflow", "[bad_input][kronecker]") {
    model_error("x : vector(200000000); f = kron(x, kron(x, x))", {"sizes here are too large"});
    model_error_unpositioned("x : matrix(2000000, 2000000); f = x'", {"∂f/∂x", "too large"});
}

TEST_CASE("bad input: the Jacobian of a huge matrix function is not evaluated", "[bad_input][kronecker][memory]") {
    // ∂vec(X')/∂vec(X) is 10^8 × 10^8: the symbolic answer is fine, its numbers are refused.
    std::string path = temp().write("big_x.json", "{}");
    Run r = cli({"derive", "-e", "X : matrix(10000, 10000); f = X'", "--wrt", "X", "--at", path});
    expect_bad_input(r);
}

TEST_CASE("bad input: --hessian of a vector function", "[bad_input][hessian]") {
    model_error_unpositioned("x : vector(n); f = sin(x)", {"--hessian needs a scalar function"}, {"--hessian"});
}
