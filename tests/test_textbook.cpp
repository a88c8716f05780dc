// Textbook notation (docs/language.md, "Textbook notation"): formulas as slides and papers
// write them — juxtaposition, x^T, e^x, π, superscripts — mean what they mean there. Each
// case is a textbook form and the plain form it stands for, evaluated at the same random
// values (an independent reading: the plain forms are the language as it was before).
// Every ambiguity is tested both ways: with and without a model name T, e, pi.
#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>
#include <random>
#include <string>

#include <fmt/format.h>

#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

// Random values for the names of a declaration list such as "w, x : vector(3); A : matrix(3, 3)".
std::string values_for(const std::string& declarations, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.5, 1.5);
    std::string json;
    std::size_t start = 0;
    while (start < declarations.size()) {
        std::size_t end = declarations.find(';', start);
        if (end == std::string::npos) end = declarations.size();
        std::string decl = declarations.substr(start, end - start);
        start = end + 1;
        std::size_t colon = decl.find(':');
        if (colon == std::string::npos) continue;
        std::string type = decl.substr(colon + 1);
        int rows = 1, cols = 1;
        bool vector = false, matrix = false;
        if (type.find("vector(") != std::string::npos) {
            vector = true;
            rows = std::stoi(type.substr(type.find('(') + 1));
        } else if (type.find("matrix(") != std::string::npos) {
            matrix = true;
            rows = std::stoi(type.substr(type.find('(') + 1));
            cols = std::stoi(type.substr(type.find(',') + 1));
        }
        std::string names = decl.substr(0, colon);
        std::size_t p = 0;
        while (p < names.size()) {
            std::size_t q = names.find(',', p);
            if (q == std::string::npos) q = names.size();
            std::string name = names.substr(p, q - p);
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            p = q + 1;
            std::string value;
            if (vector) {
                for (int i = 0; i < rows; ++i) value += fmt::format("{}{}", i ? ", " : "", u(rng));
                value = "[" + value + "]";
            } else if (matrix) {
                for (int i = 0; i < rows; ++i) {
                    std::string row;
                    for (int j = 0; j < cols; ++j) row += fmt::format("{}{}", j ? ", " : "", u(rng) + (i == j ? 2.0 : 0.0));
                    value += fmt::format("{}[{}]", i ? ", " : "", row);
                }
                value = "[" + value + "]";
            } else {
                value = fmt::format("{}", u(rng));
            }
            json += fmt::format("{}\"{}\": {}", json.empty() ? "" : ", ", name, value);
        }
    }
    return "{" + json + "}";
}

// The value of f as `eval --format json` prints it (flattened).
std::vector<double> value_of(const std::string& model, const std::string& values) {
    Run r = run({"eval", "-e", model, "--at", values, "--format", "json"});
    INFO(model << "\n" << r.err);
    REQUIRE(r.code == 0);
    json::Value v = parse_json(r.out);
    const json::Value& value = *v.find("value");
    std::vector<double> out;
    if (value.is_array()) {
        for (const json::Value& a : value.items()) {
            if (a.is_array())
                for (const json::Value& b : a.items()) out.push_back(b.as_number());
            else
                out.push_back(a.as_number());
        }
    } else {
        out.push_back(value.as_number());
    }
    return out;
}

void same_function(const std::string& declarations, const std::string& textbook, const std::string& plain) {
    INFO(declarations << "; f = " << textbook << "   vs   f = " << plain);
    for (unsigned seed = 1; seed <= 3; ++seed) {
        std::string values = values_for(declarations, seed);
        std::vector<double> a = value_of(declarations + "; f = " + textbook, values);
        std::vector<double> b = value_of(declarations + "; f = " + plain, values);
        REQUIRE(a.size() == b.size());
        for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == Approx(b[i]).epsilon(1e-13));
    }
}

// Each model is exit 2 with `words` in the message, located at column `column` of line 1.
struct ErrorCase {
    const char* model;
    const char* words;
    int column;
};

void expect_errors(std::initializer_list<ErrorCase> cases) {
    for (const ErrorCase& c : cases) {
        INFO(c.model);
        Run r = run({"derive", "-e", c.model, "--wrt", "x"});
        CHECK(r.code == 2);
        CHECK(r.err.find(c.words) != std::string::npos);
        CHECK(r.err.find(fmt::format("-e:1:{}:", c.column)) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("textbook notation: juxtaposition is multiplication", "[parser][textbook]") {
    const std::string vw = "w, x : vector(3); b : scalar";
    same_function(vw, "wᵀx + b", "w'*x + b");
    same_function(vw, "w'x + b", "dot(w, x) + b");
    same_function(vw, "x'x", "x'*x");
    same_function("x : vector(3); A : matrix(3, 3)", "x'A x", "x'*A*x");
    same_function("x, b : vector(3); W : matrix(3, 3)", "W x + b", "W*x + b");
    same_function("z : scalar", "σ(z)(1 − σ(z))", "sigmoid(z)*(1 - sigmoid(z))");
    same_function("x : scalar", "2 x", "2*x");
    same_function("x, y : scalar", "x y / 2 x", "((x*y)/2)*x");  // left to right, as *
    same_function("a, b, c : scalar", "a(b + c)", "a*(b + c)");
    same_function("x, y : vector(3)", "‖x‖ ‖y‖", "norm(x)*norm(y)");
    same_function("x : vector(3)", "2‖x‖", "2*norm(x)");
    same_function("x : scalar", "-x x", "(-x)*x");
    same_function("x : scalar", "x -x", "x - x");  // a sign never starts a product's operand
}

TEST_CASE("textbook notation: x^T, e^x, pi and superscripts", "[parser][textbook]") {
    const std::string vw = "w, x : vector(3)";
    same_function(vw, "w^T x", "w'*x");
    same_function(vw, "w^{T} x", "w'*x");
    same_function(vw, "w^⊤ x", "w'*x");
    same_function("x : scalar", "1/(1 + e^(-x))", "sigmoid(x)");
    same_function("x : scalar", "e^{-x}", "exp(-x)");
    same_function("x : scalar", "e^x e", "exp(x)*exp(1)");
    same_function("x : scalar", "π x + pi", "3.141592653589793*x + 3.141592653589793");
    same_function("x : scalar", "x² + x⁻² + x³", "x^2 + x^-2 + x^3");
    same_function("x : scalar", "x⁻¹", "1/x");
    same_function("x : vector(3)", "x²", "x.^2");
    same_function("X : matrix(3, 3)", "tr(X⁻¹)", "tr(inv(X))");
    same_function("X : matrix(3, 3)", "X⁻ᵀ", "inv(X)'");
    same_function("X : matrix(3, 3)", "X⁻¹ X", "inv(X)*X");
}

TEST_CASE("textbook notation: the model's own names T, e and pi keep their meaning", "[parser][textbook]") {
    // e declared: e^x is a power of the model's e.
    same_function("x, e : scalar", "e^x", "exp(x*log(e))");
    same_function("x, pi : scalar", "pi x", "pi*x");
    // T declared: x^T is refused, x ^ (T) is the power.
    Run r = run({"derive", "-e", "x, T : scalar; f = x^T", "--wrt", "x"});
    CHECK(r.code == 2);
    CHECK(r.err.find("-e:1:22: error: 'T' is a name of the model") != std::string::npos);
    CHECK(r.err.find("write x' or xᵀ") != std::string::npos);
    same_function("x, T : scalar", "x ^ (T)", "exp(T*log(x))");
}

TEST_CASE("textbook notation: what stays an error", "[parser][textbook]") {
    Run r = run({"derive", "-e", "w, x : vector(n); f = w x", "--wrt", "w"});
    CHECK(r.code == 2);
    CHECK(r.err.find("cannot multiply vector(n) by vector(n)") != std::string::npos);
    CHECK(r.err.find("did you mean w·x (inner product), w ⊙ x (elementwise) or w * x' (outer product)?") != std::string::npos);
    r = run({"derive", "-e", "x : scalar; f = x T", "--wrt", "x"});
    CHECK(r.code == 2);
    CHECK(r.err.find("'T' stands for the transpose only as an exponent") != std::string::npos);
    r = run({"derive", "-e", "a, b : scalar; f = a(b, b)", "--wrt", "a"});
    CHECK(r.code == 2);
    CHECK(r.err.find("'a' is a name of the model, not a function") != std::string::npos);
    // An unclosed call does not run on into the next line's statement.
    r = run({"derive", "-e", "x, b : scalar\nh = tanh(x + b\nf = h", "--wrt", "x"});
    CHECK(r.code == 2);
    CHECK(r.err.find("-e:2:15: error: expected ')' to close '(' opened at 2:9") != std::string::npos);
}

TEST_CASE("textbook notation: hints for undeclared names and misspelt functions", "[parser][textbook]") {
    // The declaration proposed is the one the name's uses imply (W x with x : vector(n)).
    Run r = run({"derive", "-e", "x : vector(n); f = W x", "--wrt", "x"});
    CHECK(r.code == 2);
    CHECK(r.err.find("-e:1:20: error: unknown name 'W'") != std::string::npos);
    CHECK(r.err.find("declare it, e.g. W : matrix(m, n)") != std::string::npos);
    CHECK(r.err.find("did you mean 'x'") == std::string::npos);  // one letter is no near miss
    r = run({"derive", "-e", "y = w*x + b", "--wrt", "w"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown name 'w'") != std::string::npos);
    CHECK(r.err.find("declare it, e.g. w : vector(n) (or use --infer") != std::string::npos);
    r = run({"derive", "-e", "x : scalar; f = ReLU(x)", "--wrt", "x"});
    CHECK(r.code == 2);
    CHECK(r.err.find("did you mean 'relu'? (names are case-sensitive)") != std::string::npos);
    r = run({"derive", "-e", "x : scalar; f = Tanh(x) + SIGMOID(x)", "--wrt", "x"});
    CHECK(r.err.find("did you mean 'tanh'?") != std::string::npos);
}

TEST_CASE("the --infer option: undeclared names by convention, sizes from their uses, and a note", "[parser][textbook][cli]") {
    Run r = run({"derive", "-e", "f = w^T x + b", "--wrt", "w", "--infer"});
    CHECK(r.code == 0);
    CHECK(r.out == "∂f/∂w = xᵀ\n");
    CHECK(r.err == "matcalc: note: --infer assumed w, x : vector(n); b : scalar\n");
    r = run({"derive", "-e", "f = x^T A x", "--wrt", "x", "--infer"});
    CHECK(r.out == "∂f/∂x = xᵀ (A + Aᵀ)\n");
    CHECK(r.err == "matcalc: note: --infer assumed x : vector(n); A : matrix(n, n)\n");
    // Declared names keep their declarations; sizes already named are not reused.
    r = run({"derive", "-e", "x : vector(n); f = W x", "--wrt", "W", "--infer", "--format", "json"});
    CHECK(r.code == 0);
    CHECK(r.err == "matcalc: note: --infer assumed W : matrix(m, n)\n");
    // eval with values that fix the sizes.
    r = run({"eval", "-e", "f = a x", "--infer", "--at", "{\"a\": 2, \"x\": [1, 2]}"});
    CHECK(r.code == 0);
    CHECK(r.out == "f = [2, 4]\n");
    // What cannot be assumed is still an error, with the note of what was.
    r = run({"derive", "-e", "f = w x", "--wrt", "w", "--infer"});
    CHECK(r.code == 2);
    CHECK(r.err.find("cannot multiply") != std::string::npos);
}

TEST_CASE("indexing: x[i], X[i, j], ranges and ':' select entries, 1-based", "[parser][textbook][indexing]") {
    same_function("x : vector(5)", "x[2]", "[0, 1, 0, 0, 0] * x");
    same_function("x : vector(5)", "x[2:4]", "[0, 1, 0, 0, 0; 0, 0, 1, 0, 0; 0, 0, 0, 1, 0] * x");
    same_function("X : matrix(3, 3)", "X[2, 3]", "[0, 1, 0] * X * [0; 0; 1]");
    same_function("X : matrix(3, 3)", "X[:, 2]", "X * [0; 1; 0]");
    same_function("X : matrix(3, 3)", "X[1, :]", "[1, 0, 0] * X");
    same_function("X : matrix(3, 3)", "X[1:2, 2:3]", "[1, 0, 0; 0, 1, 0] * X * [0, 0; 1, 0; 0, 1]");
    same_function("x : vector(3)", "x'[3]", "x'*[0; 0; 1]");
    // `W [x; 1]` with a blank is a product with a stacked column, not an index.
    same_function("x : vector(2); W : matrix(2, 3)", "W [x; 1]", "W * [x; 1]");
    // Printed ranges read back: z[n+1:n+m] of z = [x; y] is y.
    Derivative d = derive({"-e", "x : vector(n); y : vector(m); z = [x; y]; f = sum(z[n+1:n+m])", "--wrt", "y"});
    CHECK(d.unicode == "𝟏ᵀ");
}

TEST_CASE("indexing: derivatives through an index agree with finite differences", "[textbook][indexing]") {
    const std::pair<const char*, const char*> cases[] = {
        {"x : vector(n); f = x[2]^2 + sum(x[1:2])", "x"},
        {"X : matrix(3, 4); f = sum(X[:, 2]) + X[1, 3]^2", "X"},
        {"X : matrix(m, n); w : vector(n); f = sum(tanh(X[2:3, :] * w))", "X"},  // check draws m ≥ 3
    };
    for (const auto& [model, wrt] : cases) {
        INFO(model);
        Run r = run({"check", "-e", model, "--wrt", wrt});
        CHECK(r.code == 0);
        CHECK(r.out.find("  ok: ") != std::string::npos);
    }
    Run r = run({"check", "-e", "X : matrix(m, n); w : vector(n); f = sum(tanh(X[2:3, :] * w))", "--wrt", "w"});
    CHECK(r.code == 0);
}

TEST_CASE("indexing: malformed indices are input errors at the index", "[bad_input][indexing]") {
    expect_errors({
        {"x : vector(3); f = x[5]", "index out of range: x has 3 entries", 22},
        {"x : vector(3); f = x[0]", "indices start at 1", 22},
        {"x : vector(3); f = x[2.5]", "an index is a whole number", 22},
        {"x : vector(3); f = x[3:2]", "the range is empty", 22},
        {"X : matrix(3, 3); f = X[2]", "a matrix takes two indices", 24},
        {"X : matrix(3, 3); f = X[1, 2, 3]", "at most two indices", 24},
        {"x : scalar; f = x[1]", "a scalar has no entries to index", 18},
        {"x : vector(3); y : scalar; f = x[y]", "'y' is not a size", 34},
        {"x : vector(3); f = x[]", "expected an index", 22},
        {"x : vector(3); f = x[1", "expected ']'", 23},
    });
    // With a symbolic size the index is checked against the values.
    Run r = run({"eval", "-e", "x : vector(n); f = x[5]", "--at", "{\"x\": [1, 2, 3]}"});
    CHECK(r.code == 2);
    CHECK(r.err.find("an index is out of range") != std::string::npos);
}

TEST_CASE("functions of the model: defined once, used with the arguments' shapes", "[parser][textbook][functions]") {
    same_function("W : matrix(3, 3); x : vector(3); swish2(t) = t ⊙ σ(t)", "swish2(W x)", "(W*x) .* sigmoid(W*x)");
    // (a model function is a statement: the helper's `f = ...` follows it)
    for (unsigned seed = 1; seed <= 2; ++seed) {
        std::string values = values_for("x, y : scalar; v : vector(3)", seed);
        std::vector<double> a = value_of("x, y : scalar; v : vector(3); g(a, b) = a^2 b; f = g(x, y) + g(y, x) + sum(g(v, x))", values);
        std::vector<double> b = value_of("x, y : scalar; v : vector(3); f = x^2*y + y^2*x + sum(v.^2*x)", values);
        REQUIRE(a.size() == 1);
        CHECK(a[0] == Approx(b[0]).epsilon(1e-13));
    }
    Derivative d = derive({"-e", "x, y : scalar; g(a, b) = a^2 b; f = g(x, y) + g(y, x)", "--wrt", "x"});
    CHECK(d.unicode == "y² + 2 y x");
    Run r = run({"check", "-e", "W : matrix(m, n); x : vector(n); act(t) = t ⊙ σ(t); f = sum(act(W x))", "--wrt", "W"});
    CHECK(r.code == 0);
}

TEST_CASE("functions of the model: the steps show a call as the model wrote it", "[steps][textbook][functions]") {
    Run r = run({"derive", "-e", "x : vector(n); W : matrix(n, n); act(t) = t ⊙ σ(t); f = sum(act(W x))", "--wrt", "x",
                 "--steps"});
    REQUIRE(r.code == 0);
    // The intermediate that the call expanded to carries the call, as written.
    CHECK(r.out.find("  p = u ⊙ v     act(W x) in the model\n") != std::string::npos);
    // A call inside another function's body is not one the model wrote: no note names it.
    r = run({"derive", "-e", "x : vector(n); g(t) = σ(t); h(t) = t ⊙ g(t); f = sum(h(x))", "--wrt", "x", "--steps"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("h(x) in the model") != std::string::npos);
    CHECK(r.out.find("g(t)") == std::string::npos);
}

TEST_CASE("functions of the model: malformed definitions and calls", "[bad_input][functions]") {
    expect_errors({
        {"x : scalar; g(a) = g(a) + 1; f = g(x)", "the function 'g' calls itself", 20},
        {"x : scalar; g(a, b) = a b; f = g(x)", "g takes 2 arguments, not 1", 32},
        {"x : scalar; g(a, a) = a; f = g(x, x)", "the parameter 'a' is named twice", 18},
        {"x : scalar; g(a) = a + q; f = g(x)", "unknown name 'q'", 24},
        {"x : scalar; g(a) = a; g(b) = b; f = g(x)", "'g' is the name of a function", 23},
        {"x : scalar; exp(a) = a; f = exp(x)", "'exp' is the name of a function", 13},
        {"x : vector(n); g(a) = a * a; f = g(x)", "in g(...) called at line 1", 25},
    });
}

TEST_CASE("sizes may be sums and products of sizes and integers", "[parser][textbook][sizes]") {
    // vector(p + 1) and matrix(n, 2n) are sizes of their own, equal where they meet.
    Derivative d = derive({"-e", "x : vector(n); y : vector(m); z : vector(n + m); f = [x; y]·z", "--wrt", "z"});
    CHECK(d.unicode == "[x; y]ᵀ");
    d = derive({"-e", "W : matrix(n, 2n); y : vector(2*n); f = sum(W*y)", "--wrt", "y"});
    CHECK(d.unicode == "𝟏ᵀ W");
    Run r = run({"eval", "-e", "x : vector(3 * 4 + 1); f = sum(x)", "--at",
                 "{\"x\": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}"});
    CHECK(r.code == 0);
    CHECK(r.out == "f = 13\n");
    r = run({"eval", "-e", "x : vector(p + 1); f = sum(x)", "--at", "{\"x\": [1, 2, 3, 4], \"p\": 3}"});
    CHECK(r.out == "f = 10\n");
    // Sizes that disagree are still an error: vector(n + 1) is not vector(n).
    r = run({"derive", "-e", "x : vector(n); y : vector(n + 1); f = x·y", "--wrt", "x"});
    CHECK(r.code == 2);
    // Malformed sizes, at the size.
    expect_errors({
        {"x : vector(n +); f = sum(x)", "expected a size after '+'", 15},
        {"x : vector(2 *); f = sum(x)", "expected a size after '*'", 15},
        {"x : vector(0 + n); f = sum(x)", "invalid size '0'", 12},
        {"x : vector(2.5n); f = sum(x)", "invalid size '2.5'", 12},
        {"x : scalar; y : vector(x + 1); f = sum(y)", "'x' names a variable, not a size", 24},
    });
}
