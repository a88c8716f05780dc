// Tests of values files (README, Commands, include/matcalc/numeric/values.hpp: load_values, initial
// values, JSON output) and of models read from text, evaluated.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "eval_support.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"

using namespace matcalc;
using namespace matcalc::testing::eval;
using Eigen::MatrixXd;

// ------------------------------------------------------------------ values files

namespace {

// w, x : vector(n); b : scalar; W : matrix(m, n); A : matrix(2, 3); r : matrix(1, n);
// S : matrix(k, k); f = w·x + b
struct ValuesModel : TestModel {
    ValuesModel()
        : TestModel("w, x : vector(n)\nb : scalar\nW : matrix(m, n)\nA : matrix(2, 3)\nr : matrix(1, n)\n"
                    "S : matrix(k, k)\nf = w·x + b\n") {
        Dim n = size("n"), m = size("m"), k = size("k");
        w = declare("w", {n, 1});
        x = declare("x", {n, 1});
        b = declare("b", kScalarShape);
        W = declare("W", {m, n});
        A = declare("A", {2, 3});
        r = declare("r", {1, n});
        S = declare("S", {k, k});
        f = define("f", cx().add(cx().dot(w, x), b));
    }
    Env load(const std::string& text) { return load_values(model, Source{"at.json", text}); }
    Expr w, x, b, W, A, r, S, f;
};

struct ValuesErrorCase {
    std::string text;     // the values file
    std::string message;  // a part of the message
    std::string at;       // the text the error points at (its first occurrence from `from`)
    std::size_t from = 0;
};

}  // namespace

TEST_CASE("values: well-formed files", "[values]") {
    ValuesModel t;
    const SizeTable& sizes = t.cx().sizes();

    Env env = t.load(R"({"w": [1, 2, 3], "x": [[4], [5], [6]], "b": 0.5,
                         "W": [[1, 2, 3], [4, 5, 6]], "A": [[1, 2, 3], [4, 5, 6]],
                         "r": [7, 8, 9], "S": [[2]]})");
    CHECK_SAME(env.values.at("w"), col({1, 2, 3}));
    CHECK_SAME(env.values.at("x"), col({4, 5, 6}));  // a column as a list of rows
    CHECK_SAME(env.values.at("b"), num(0.5));
    CHECK_SAME(env.values.at("W"), rows({{1, 2, 3}, {4, 5, 6}}));
    CHECK_SAME(env.values.at("r"), rows({{7, 8, 9}}));  // a flat list for a row vector
    CHECK_SAME(env.values.at("S"), num(2));
    CHECK(env.sizes.at(sizes.find("n")) == 3);
    CHECK(env.sizes.at(sizes.find("m")) == 2);
    CHECK(env.sizes.at(sizes.find("k")) == 1);
    require_values(t.model, t.f, env);
    CHECK_SAME(evaluate(t.cx(), t.f, env), num(32.5));

    // A one-entry list is a scalar; a scalar is a vector(1); sizes may be given directly.
    Env one = t.load(R"({"b": [0.25], "w": 2, "n": 1})");
    CHECK_SAME(one.values.at("b"), num(0.25));
    CHECK_SAME(one.values.at("w"), num(2));
    Env direct = t.load(R"({"n": 4, "m": 1})");
    CHECK(direct.sizes.at(sizes.find("n")) == 4);
    CHECK_SAME(evaluate(t.cx(), t.cx().numel({sizes.find("m"), sizes.find("n")}), direct), num(4));

    // An empty object is a file with no values.
    CHECK(t.load("{}").values.empty());
}

TEST_CASE("values: malformed or inconsistent files", "[values]") {
    const std::vector<ValuesErrorCase> cases = {
        {R"([1, 2])", "a values file is a JSON object from names to values, not an array", "[1, 2]"},
        {R"({"wx": [1, 2]})", "the model has no variable named 'wx'", "\"wx\""},
        {R"({"w": [1, 2, 3], "x": [1, 2, 3, 4]})", "n is 3 for 'w' but 4 for 'x'", "[1, 2, 3, 4]"},
        {R"({"W": [[1, 2, 3]], "x": [1, 2]})", "n is 3 for 'W' but 2 for 'x'", "[1, 2]"},
        {R"({"n": 3, "w": [1, 2]})", "n is 3 as given but 2 for 'w'", "[1, 2]"},
        {R"({"w": [1, 2], "n": 3})", "n is 2 for 'w' but 3 as given", "3"},
        {R"({"W": [[1, 2], [3]]})", "row 2 of the value of 'W' has 1 number, but row 1 has 2", "[3]"},
        {R"({"W": [[1, 2], 3]})", "row 2 of the value of 'W' is a number, but row 1 is a list", "3"},
        {R"({"w": [1, "2"]})", "expected a number in the value of 'w', found a string", "\"2\""},
        {R"({"b": "0.5"})", "the value of 'b' must be a number or a list, not a string", "\"0.5\""},
        {R"({"b": null})", "the value of 'b' must be a number or a list, not null", "null"},
        {R"({"b": true})", "the value of 'b' must be a number or a list, not a boolean", "true"},
        {R"({"W": [[[1]]]})", "the value of 'W' is nested too deeply", "[1]", 7},
        {R"({"w": [1, [2]]})", "the value of 'w' is nested too deeply", "[2]"},
        {R"({"b": 1e999})", "number '1e999' is too large for a double", "1e999"},
        {R"({"W": [1, 2, 3, 4]})", "'W' is declared matrix(m, n), so its value is a list of rows, not a list of 4 numbers",
         "[1, 2, 3, 4]"},
        {R"({"w": []})", "the value of 'w' is an empty list", "[]"},
        {R"({"W": [[]]})", "row 1 of the value of 'W' is empty", "[]"},
        {R"({"A": [[1, 2], [3, 4]]})", "'A' is declared matrix(2, 3), but its value is a list of 2 rows of 2 numbers",
         "[[1, 2], [3, 4]]"},
        {R"({"b": [1, 2]})", "'b' is declared scalar, but its value is a list of 2 numbers", "[1, 2]"},
        {R"({"S": [[1, 2, 3], [4, 5, 6]]})", "'S' is declared matrix(k, k), but its value is a list of 2 rows of 3 numbers",
         "[[1, 2, 3], [4, 5, 6]]"},
        {R"({"r": [[1, 2], [3, 4]]})", "'r' is declared row vector(n), but its value is a list of 2 rows of 2 numbers",
         "[[1, 2], [3, 4]]"},
        {R"({"f": 1})", "'f' is defined by the model (line 7); only declared variables take values", "\"f\""},
        {R"({"n": 2.5})", "'n' is a size: its value must be a positive integer", "2.5"},
        {R"({"n": 0})", "'n' is a size: its value must be a positive integer", "0"},
        {R"({"b": 1, "b": 2})", "duplicate key \"b\"", "\"b\"", 9},
        {R"({"w": [1, 2,]})", "trailing comma", "]"},
        {R"({"b": NaN})", "JSON has no NaN", "NaN"},
        {"", "empty input", ""},
    };
    for (const ValuesErrorCase& c : cases) {
        INFO("values file: " << c.text);
        ValuesModel t;
        try {
            t.load(c.text);
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK_THAT(e.what(), Catch::Contains(c.message));
            REQUIRE(e.where().has_value());
            std::size_t at = c.text.find(c.at, c.from);
            CHECK(e.where()->begin == at);
            if (!c.at.empty()) CHECK(e.where()->end == at + c.at.size());
        }
    }
}

TEST_CASE("values: unknown names suggest a declared one", "[values]") {
    ValuesModel t;
    try {
        t.load(R"({"ww": 1})");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        REQUIRE(e.notes().size() == 1);
        CHECK(e.notes()[0] == "did you mean 'w'?");
    }
    try {
        t.load(R"({"zzzzzz": 1})");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.notes().empty());
    }
}

TEST_CASE("values: a missing value is reported at its declaration", "[values]") {
    ValuesModel t;
    Env env = t.load(R"({"w": [1, 2], "b": 0})");
    try {
        require_values(t.model, t.f, env);
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "no value for 'x'");
        REQUIRE(e.where().has_value());
        CHECK(e.where()->begin == t.model.source().text.find("x :"));
    }
    // Everything present but a size: x's size comes from w here, so that is fine.
    env.values["x"] = col({3, 4});
    require_values(t.model, t.f, env);
    CHECK_SAME(evaluate(t.cx(), t.f, env), num(11));
}

// ------------------------------------------------------------------ JSON output

TEST_CASE("values: JSON output shaped like the symbol", "[values]") {
    CHECK(value_json(num(0.5)) == "0.5");
    CHECK(value_json(col({1, 2.5})) == "[1, 2.5]");
    CHECK(value_json(rows({{1, 2}})) == "[1, 2]");
    CHECK(value_json(rows({{1, 2}, {3, 4}})) == "[[1, 2], [3, 4]]");
    CHECK(vec_order(rows({{1, 2}, {3, 4}})) == std::vector<double>{1, 3, 2, 4});

    ValuesModel t;
    const SizeTable& sizes = t.cx().sizes();
    auto shaped = [&](const MatrixXd& m, Expr symbol) {
        json::Writer out;
        write_value(out, m, sizes, symbol->shape);
        return out.str();
    };
    CHECK(shaped(rows({{1, 2, 3}}), t.W) == "[[1, 2, 3]]");  // matrix(m, n) with m = 1
    CHECK(shaped(num(4), t.w) == "[4]");                      // vector(n) with n = 1
    CHECK(shaped(num(4), t.b) == "4");
    CHECK(shaped(rows({{1, 2}}), t.r) == "[1, 2]");
    json::Writer jac;
    write_rows(jac, rows({{1, 2}}));
    CHECK(jac.str() == "[[1, 2]]");

    // What is written reads back.
    json::Writer out;
    out.begin_object();
    out.key("W");
    write_value(out, rows({{1, 2, 3}}), sizes, t.W->shape);
    out.key("w");
    write_value(out, col({1, 2, 3}), sizes, t.w->shape);
    out.key("b");
    write_value(out, num(-0.5), sizes, t.b->shape);
    out.end_object();
    Env env = t.load(out.str());
    CHECK_SAME(env.values.at("W"), rows({{1, 2, 3}}));
    CHECK_SAME(env.values.at("w"), col({1, 2, 3}));
    CHECK_SAME(env.values.at("b"), num(-0.5));
}

// ------------------------------------------------------------------ models from text

namespace {

Env load(Model& model, const std::string& values) { return load_values(model, Source{"at.json", values}); }

}  // namespace

TEST_CASE("values: a model from text", "[values][model]") {
    Model model = load_model(Source{"m.mc", "w, x : vector(n); b : scalar; f = relu(w·x + b)"});
    Expr f = model.function(std::nullopt).expr;
    Env env = load(model, R"({"w": [1, -2, 0.5], "x": [2, 1, 4], "b": -1})");
    require_values(model, f, env);
    CHECK_SAME(evaluate(model.cx(), f, env), num(1));
    env.values["b"] = num(-3);
    CHECK_SAME(evaluate(model.cx(), f, env), num(0));

    // The error of a values file renders against that file, with a caret under the value.
    const Source at{"at.json", "{\"w\": [1, 2],\n \"x\": [1, 2, 3]}"};
    try {
        load_values(model, at);
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(render_error(at, e).rfind("at.json:2:7: error: n is 2 for 'w' but 3 for 'x'", 0) == 0);
    }
}

TEST_CASE("values: initial values in the model", "[values][model]") {
    Model model = load_model(Source{"m.mc",
                                    "param W : matrix(2, 1) = [0.1; 0.2]\n"
                                    "param c : vector(n) = vector(0.5)\n"
                                    "x : vector(n)\n"
                                    "param s : scalar = 2 * 3\n"
                                    "f = sum(c ⊙ x) + s"});
    Expr f = model.function(std::nullopt).expr;

    Env init = initial_values(model);
    CHECK_SAME(init.values.at("W"), col({0.1, 0.2}));
    CHECK_SAME(init.values.at("s"), num(6));
    CHECK(init.values.count("c") == 0);  // its size n is not known without a file
    CHECK_THROWS_WITH(require_values(model, f, init), "no value for 'c'");  // the first one the function uses

    Env env = load(model, R"({"x": [1, 2, 3]})");
    CHECK_SAME(env.values.at("c"), col({0.5, 0.5, 0.5}));
    CHECK_SAME(evaluate(model.cx(), f, env), num(9));

    // A value in the file overrides the initial value.
    Env over = load(model, R"({"x": [1, 2], "c": [1, 1], "s": 0, "W": [[1], [2]]})");
    CHECK_SAME(over.values.at("c"), col({1, 1}));
    CHECK_SAME(over.values.at("W"), col({1, 2}));
    CHECK_SAME(evaluate(model.cx(), f, over), num(3));
}

TEST_CASE("values: a definition cut into a variable takes its expression's value", "[values][model]") {
    BindOptions cut;
    cut.free_definitions = {"z"};
    Model model = load_model(Source{"m.mc", "w, x : vector(n); b : scalar; z = w·x + b; L = relu(z)^2"}, cut);
    Env env = load(model, R"({"w": [1, 2], "x": [3, 4], "b": -1})");
    CHECK_SAME(env.values.at("z"), num(10));
    CHECK_SAME(evaluate(model.cx(), model.function(std::nullopt).expr, env), num(100));
    Env given = load(model, R"({"z": -2})");  // given directly, no w, x, b needed
    CHECK_SAME(evaluate(model.cx(), model.function(std::nullopt).expr, given), num(0));
}

TEST_CASE("eval: the lecture's network written as a model", "[eval][golden][model]") {
    std::ifstream in(std::string(MATCALC_SOURCE_DIR) + "/tests/golden/lecture_mlp.json");
    REQUIRE(in);
    std::stringstream buf;
    buf << in.rdbuf();
    const json::Value golden = json::parse(Source{"lecture_mlp.json", buf.str()});
    Model model = load_model(Source{"mlp.mc",
                                    "input x : scalar\n"
                                    "target y : scalar\n"
                                    "param W1 : matrix(2, 1); param b1 : vector(2)\n"
                                    "param W2 : matrix(3, 2); param b2 : vector(3)\n"
                                    "param W3 : matrix(1, 3); param b3 : scalar\n"
                                    "z1 = W1*x + b1\n"
                                    "a1 = σ(z1)\n"
                                    "z2 = W2*a1 + b2\n"
                                    "a2 = σ(z2)\n"
                                    "z3 = W3*a2 + b3\n"
                                    "yhat = σ(z3)\n"
                                    "loss = bce(yhat, y)\n"});
    json::Writer w;
    w.begin_object();
    for (const json::Member& m : golden.find("initial_weights")->members()) w.key(m.key).value(m.value);
    w.key("x").number(2).key("y").number(1).end_object();
    Env env = load(model, w.str());
    const json::Value& forward = *golden.find("forward");
    for (const json::Member& m : forward.members()) {
        INFO(m.key);
        Expr e = model.find(m.key)->expr;
        require_values(model, e, env);
        MatrixXd v = evaluate(model.cx(), e, env);
        REQUIRE(v.size() == static_cast<Eigen::Index>(m.value.is_array() ? m.value.size() : 1));
        for (Eigen::Index k = 0; k < v.size(); ++k) {
            double g = m.value.is_array() ? m.value.items()[static_cast<std::size_t>(k)].as_number() : m.value.as_number();
            CHECK(std::abs(v(k) - g) <= 1e-15);
        }
    }
}

TEST_CASE("values: random files fail only with input errors", "[values][fuzz]") {
    // Token soup over the values grammar: every outcome is a value or an InputError.
    const char* const tokens[] = {"{", "}", "[", "]", ",", ":", "\"w\"", "\"x\"", "\"W\"", "\"S\"", "\"n\"", "\"b\"",
                                  "\"f\"", "\"q\"", "1", "-2.5", "0", "1e999", "1e-400", "null", "true", "\"s\"", " "};
    std::uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>(state >> 33);
    };
    ValuesModel t;
    int accepted = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string text = "{";
        const std::size_t length = next() % 24;
        for (std::size_t k = 0; k < length; ++k) text += tokens[next() % std::size(tokens)];
        if (next() % 2) text += "}";
        INFO(text);
        try {
            Env env = t.load(text);
            ++accepted;
            for (const auto& [name, value] : env.values) CHECK(value.allFinite());
        } catch (const InputError& e) {
            if (e.where()) CHECK(e.where()->end <= text.size());
        }
    }
    // Well-formed JSON of random structure: names, nesting and lengths at random.
    const char* const names[] = {"w", "x", "b", "W", "A", "r", "S", "n", "m", "k", "f", "ww"};
    std::function<std::string(int)> value = [&](int depth) -> std::string {
        if (depth > 3 || next() % 3 == 0) return std::to_string(static_cast<int>(next() % 5) - 1);
        std::string v = "[";
        const std::size_t n = next() % 4;
        for (std::size_t k = 0; k < n; ++k) v += (k ? ", " : "") + value(depth + 1);
        return v + "]";
    };
    for (int i = 0; i < 3000; ++i) {
        std::string text = "{";
        const std::size_t count = 1 + next() % 3;
        std::vector<std::string> used;
        for (std::size_t k = 0; k < count; ++k) {
            std::string name = names[next() % std::size(names)];
            if (std::find(used.begin(), used.end(), name) != used.end()) continue;
            used.push_back(name);
            text += (k ? ", \"" : "\"") + name + "\": " + value(0);
        }
        text += "}";
        INFO(text);
        try {
            Env env = t.load(text);
            ++accepted;
            for (const auto& [name, v] : env.values) {
                const Symbol* s = t.model.find(name);
                REQUIRE(s);
                auto [rows, cols] = concrete_shape(t.cx(), s->expr, env);
                CHECK(v.rows() == rows);
                CHECK(v.cols() == cols);
            }
        } catch (const InputError& e) {
            if (e.where()) CHECK(e.where()->end <= text.size());
        }
    }
    CHECK(accepted > 100);
}
