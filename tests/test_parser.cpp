// Tests of the grammar (grammar/) and of diagnostics rendering (src/io/diagnostics.cpp).
//
// Golden diagnostics: every tests/parser_errors/NAME.input must fail to parse with the
// rendered error text in NAME.expect. Set MATCALC_UPDATE_GOLDEN=1 to (re)write the
// .expect files, then review them with `git diff`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "matcalc/io/diagnostics.hpp"
#include "matcalc/frontend/parser.hpp"

using namespace matcalc;
using ast::ExprKind;

namespace {

// An S-expression of the tree: (+ a b), (u- a), (t' a), (call f a b), [a b; c d].
std::string sx(const ast::Expr& e) {
    std::string out;
    switch (e.kind) {
        case ExprKind::Number:
        case ExprKind::Name:
            return e.text;
        case ExprKind::Call:
            out = "(call " + e.text;
            for (const auto& a : e.args) out += " " + sx(a);
            return out + ")";
        case ExprKind::Unary:
            return "(u" + e.text + " " + sx(e.args.at(0)) + ")";
        case ExprKind::Binary:
            return "(" + e.text + " " + sx(e.args.at(0)) + " " + sx(e.args.at(1)) + ")";
        case ExprKind::Transpose:
            return "(t" + e.text + " " + sx(e.args.at(0)) + ")";
        case ExprKind::Matrix:
            out = "[";
            for (std::size_t r = 0; r < e.rows.size(); ++r) {
                if (r) out += ";";
                for (std::size_t c = 0; c < e.rows[r].size(); ++c) out += (c || r ? " " : "") + sx(e.rows[r][c]);
            }
            return out + "]";
        case ExprKind::Index:
            out = "(index " + sx(e.args.at(0));
            for (const auto& item : e.rows) {
                out += item.empty() ? " :" : " " + sx(item.front());
                if (item.size() == 2) out += ":" + sx(item.back());
            }
            return out + ")";
    }
    return "?";
}

ast::Program parse(const std::string& text) { return parse_program(Source{"test.mc", text}); }

// The value of the definition in `f = TEXT`.
ast::Expr expr_of(const std::string& text) {
    ast::Program p = parse("f = " + text);
    REQUIRE(p.statements.size() == 1);
    return std::get<ast::Definition>(p.statements[0]).value;
}

std::string tree(const std::string& text) { return sx(expr_of(text)); }

// The rendered error for TEXT, or "" when it parses.
std::string error_of(const std::string& text, const std::string& name = "test.mc") {
    const Source source{name, text};
    try {
        parse_program(source);
    } catch (const InputError& e) {
        return render_error(source, e);
    }
    return "";
}

std::string slice(const std::string& text, SourceRange r) { return text.substr(r.begin, r.end - r.begin); }

// Every range lies in the text and contains its children's ranges.
void check_ranges(const ast::Expr& e, const std::string& text) {
    REQUIRE(e.range.begin <= e.range.end);
    REQUIRE(e.range.end <= text.size());
    REQUIRE(e.op_range.begin <= e.op_range.end);
    REQUIRE(e.op_range.begin >= e.range.begin);
    REQUIRE(e.op_range.end <= e.range.end);
    auto child = [&](const ast::Expr& c) {
        REQUIRE(c.range.begin >= e.range.begin);
        REQUIRE(c.range.end <= e.range.end);
        check_ranges(c, text);
    };
    for (const auto& a : e.args) child(a);
    for (const auto& row : e.rows)
        for (const auto& a : row) child(a);
}

std::filesystem::path golden_dir() {
#ifdef MATCALC_SOURCE_DIR
    return std::filesystem::path(MATCALC_SOURCE_DIR) / "tests" / "parser_errors";
#else
    return std::filesystem::path(__FILE__).parent_path() / "parser_errors";
#endif
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

// ---------------------------------------------------------------- precedence

TEST_CASE("binary operators associate to the left", "[parser]") {
    CHECK(tree("a - b - c") == "(- (- a b) c)");
    CHECK(tree("a / b / c") == "(/ (/ a b) c)");
    CHECK(tree("a * b · c ⊙ d") == "(⊙ (· (* a b) c) d)");
    CHECK(tree("a + b * c") == "(+ a (* b c))");
    CHECK(tree("a * b + c") == "(+ (* a b) c)");
}

TEST_CASE("every operator spelling is kept as written", "[parser]") {
    CHECK(tree("a − b") == "(− a b)");
    CHECK(tree("a ./ b ⊘ c") == "(⊘ (./ a b) c)");
    CHECK(tree("a .* b ∘ c ⊗ d") == "(⊗ (∘ (.* a b) c) d)");
    CHECK(tree("a .^ b") == "(.^ a b)");
    CHECK(tree("aᵀ") == "(tᵀ a)");
    CHECK(tree("−a") == "(u− a)");
    CHECK(tree("+a") == "(u+ a)");
}

TEST_CASE("power is right-associative and binds tighter than unary minus", "[parser]") {
    CHECK(tree("a ^ b ^ c") == "(^ a (^ b c))");
    CHECK(tree("-x^2") == "(u- (^ x 2))");
    CHECK(tree("x^-2") == "(^ x (u- 2))");
    CHECK(tree("x^-y^2") == "(^ x (u- (^ y 2)))");
    CHECK(tree("2^3^4") == "(^ 2 (^ 3 4))");
    CHECK(tree("x'^2") == "(^ (t' x) 2)");
    CHECK(tree("--x") == "(u- (u- x))");
    CHECK(tree("a - -b") == "(- a (u- b))");
    CHECK(tree("a * -b") == "(* a (u- b))");
}

TEST_CASE("implicit products", "[parser]") {
    CHECK(tree("3x") == "(* 3 x)");
    CHECK(tree("3x^2") == "(* 3 (^ x 2))");
    CHECK(tree("2(x + y)") == "(* 2 (+ x y))");
    CHECK(tree("0.5σ(z)") == "(* 0.5 (call σ z))");
    CHECK(tree("2x'") == "(* 2 (t' x))");
    CHECK(tree("-3x") == "(* (u- 3) x)");
    CHECK(tree("a/2x") == "(/ a (* 2 x))");
    CHECK(tree("2√x") == "(* 2 (call √ x))");
    CHECK(tree("2e3x") == "(* 2e3 x)");
    CHECK(tree("2e") == "(* 2 e)");
    CHECK(tree("1 - 2x⊙y") == "(- 1 (⊙ (* 2 x) y))");
    auto e = expr_of("3x");
    CHECK(e.op_range.begin == e.op_range.end);  // no operator token
    CHECK(e.op_range.begin == 5);
}

TEST_CASE("transpose", "[parser]") {
    CHECK(tree("x''") == "(t' (t' x))");
    CHECK(tree("xᵀ'") == "(t' (tᵀ x))");
    CHECK(tree("(a + b)'") == "(t' (+ a b))");
    CHECK(tree("a'*x") == "(* (t' a) x)");
    CHECK(tree("x' * A * x") == "(* (* (t' x) A) x)");
    CHECK(tree("f(x)ᵀ") == "(tᵀ (call f x))");
}

TEST_CASE("calls, norms, roots", "[parser]") {
    CHECK(tree("max(0, w·x + b)") == "(call max 0 (+ (· w x) b))");
    CHECK(tree("f()") == "(call f)");
    // A call's parenthesis touches the name; apart, a juxtaposition (`δ₂ (x)ᵀ` is δ₂ times
    // (x)ᵀ), which the binder reads as the call when the name is a function's.
    CHECK(tree("f (x)") == "(* f x)");
    CHECK(tree("f (x)'") == "(* f (t' x))");
    CHECK(tree("σ(z)") == "(call σ z)");
    CHECK(tree("‖a - b‖") == "(call ‖ (- a b))");
    CHECK(tree("‖a‖^2") == "(^ (call ‖ a) 2)");
    CHECK(tree("√(a + b)") == "(call √ (+ a b))");
    CHECK(tree("√a") == "(call √ a)");
    CHECK(tree("√x^2") == "(^ (call √ x) 2)");
    CHECK(tree("√√x") == "(call √ (call √ x))");
    CHECK(tree("vector(1)") == "(call vector 1)");
    CHECK(tree("exp(-y.*(X*w)) + vector(1)") == "(+ (call exp (.* (u- y) (* X w))) (call vector 1))");
    CHECK(tree("leaky_relu(z, 0.2)") == "(call leaky_relu z 0.2)");
    CHECK(tree("f(g(h(x)))") == "(call f (call g (call h x)))");
}

TEST_CASE("matrix literals", "[parser]") {
    CHECK(tree("[a; b; c]") == "[a; b; c]");
    CHECK(tree("[a, b; c, d]") == "[a b; c d]");
    CHECK(tree("[1, -2]") == "[1 (u- 2)]");
    CHECK(tree("[a - b]") == "[(- a b)]");
    CHECK(tree("[A, b; c', d]") == "[A b; (t' c) d]");
    CHECK(tree("[[1; 2], [3; 4]]") == "[[1; 2] [3; 4]]");
    auto m = expr_of("[0.1; 0.2]");
    CHECK(m.kind == ExprKind::Matrix);
    REQUIRE(m.rows.size() == 2);
    CHECK(m.rows[0].size() == 1);
    CHECK(m.rows[1][0].number == Approx(0.2));
}

TEST_CASE("numbers", "[parser]") {
    CHECK(expr_of("2").number == 2.0);
    CHECK(expr_of("0.5").number == 0.5);
    CHECK(expr_of("1e-3").number == Approx(1e-3));
    CHECK(expr_of("1E+3").number == 1000.0);
    CHECK(expr_of(".5").number == 0.5);
    CHECK(expr_of("1e-400").number == 0.0);  // underflow is zero
    CHECK(expr_of("0.1").text == "0.1");
    CHECK(tree("2.*x") == "(.* 2 x)");
    CHECK(tree("2./x") == "(./ 2 x)");
    CHECK(tree("2.^x") == "(.^ 2 x)");
    CHECK(tree("x.^.5") == "(.^ x .5)");
}

TEST_CASE("names", "[parser]") {
    CHECK(tree("x_1 + W2") == "(+ x_1 W2)");
    CHECK(tree("σ + γ + η + ŷ") == "(+ (+ (+ σ γ) η) ŷ)");
    CHECK(tree("x₁ + x₂") == "(+ x₁ x₂)");
    CHECK(tree("y\xCC\x82") == "y\xCC\x82");  // y + combining circumflex
    CHECK(tree("_tmp") == "_tmp");
    CHECK(tree("ℓ") == "ℓ");
    CHECK(tree("xᵀ") == "(tᵀ x)");  // ᵀ is never part of a name
    CHECK(tree("scalar + vector + param") == "(+ (+ scalar vector) param)");
}

TEST_CASE("ranges point at the source", "[parser]") {
    const std::string text = "f = max(0, w·x + b)";
    auto p = parse(text);
    const auto& d = std::get<ast::Definition>(p.statements.at(0));
    CHECK(slice(text, d.range) == text);
    CHECK(slice(text, d.name.range) == "f");
    const auto& call = d.value;
    CHECK(slice(text, call.range) == "max(0, w·x + b)");
    CHECK(slice(text, call.op_range) == "max");
    const auto& sum = call.args.at(1);
    CHECK(slice(text, sum.range) == "w·x + b");
    CHECK(slice(text, sum.op_range) == "+");
    CHECK(slice(text, sum.args.at(0).op_range) == "·");
    check_ranges(call, text);

    const std::string t2 = "f = -(a + b)ᵀ .^ 2 + ‖x‖ + √(y) + [1, 2]";
    auto e = std::get<ast::Definition>(parse(t2).statements.at(0)).value;
    check_ranges(e, t2);
    CHECK(slice(t2, e.range) == "-(a + b)ᵀ .^ 2 + ‖x‖ + √(y) + [1, 2]");
    const auto& neg = e.args[0].args[0].args[0];
    CHECK(slice(t2, neg.range) == "-(a + b)ᵀ .^ 2");
    CHECK(slice(t2, neg.op_range) == "-");
    CHECK(slice(t2, neg.args[0].op_range) == ".^");
    CHECK(slice(t2, neg.args[0].args[0].range) == "(a + b)ᵀ");
    CHECK(slice(t2, neg.args[0].args[0].op_range) == "ᵀ");
    CHECK(slice(t2, e.args[0].args[0].args[1].range) == "‖x‖");
    CHECK(slice(t2, e.args[0].args[0].args[1].op_range) == "‖");
    CHECK(slice(t2, e.args[0].args[1].range) == "√(y)");
    CHECK(slice(t2, e.args[0].args[1].op_range) == "√");
    CHECK(slice(t2, e.args[1].range) == "[1, 2]");
}

// ---------------------------------------------------------------- statements

TEST_CASE("declarations", "[parser]") {
    auto p = parse("w, x : vector(n)\nb : scalar\nW : matrix(m, n)\nX : mat(N, 3)\ny : real\nv : vec(4)");
    REQUIRE(p.statements.size() == 6);
    const auto& d0 = std::get<ast::Declaration>(p.statements[0]);
    REQUIRE(d0.names.size() == 2);
    CHECK(d0.names[0].name == "w");
    CHECK(d0.names[1].name == "x");
    CHECK(d0.role.empty());
    CHECK(d0.type.kind == ast::TypeSpec::Kind::Vector);
    CHECK(d0.type.spelling == "vector");
    REQUIRE(d0.type.sizes.size() == 1);
    CHECK(d0.type.sizes[0].symbol == "n");
    const auto& d3 = std::get<ast::Declaration>(p.statements[3]);
    CHECK(d3.type.kind == ast::TypeSpec::Kind::Matrix);
    CHECK(d3.type.spelling == "mat");
    CHECK(d3.type.sizes[0].symbol == "N");
    CHECK(d3.type.sizes[1].symbol.empty());
    CHECK(d3.type.sizes[1].value == 3);
    CHECK(std::get<ast::Declaration>(p.statements[4]).type.kind == ast::TypeSpec::Kind::Scalar);
    CHECK(std::get<ast::Declaration>(p.statements[5]).type.sizes[0].value == 4);
}

TEST_CASE("roles, initial values and initializers", "[parser]") {
    const std::string text =
        "param W1 : matrix(8, 2) ~ glorot\n"
        "param b1 : vector(8) ~ zeros\n"
        "param w : vector(2) = [0.1; 0.2]\n"
        "param W2 : matrix(1, 8) ~ normal(0, 0.1)\n"
        "input x : vector(2)\n"
        "target y : scalar\n";
    auto p = parse(text);
    REQUIRE(p.statements.size() == 6);
    const auto& d0 = std::get<ast::Declaration>(p.statements[0]);
    CHECK(d0.role == "param");
    REQUIRE(d0.initializer);
    CHECK(sx(*d0.initializer) == "glorot");
    CHECK(!d0.initial_value);
    CHECK(slice(text, d0.range) == "param W1 : matrix(8, 2) ~ glorot");
    CHECK(slice(text, d0.type.range) == "matrix(8, 2)");
    CHECK(slice(text, d0.type.sizes[1].range) == "2");
    const auto& d2 = std::get<ast::Declaration>(p.statements[2]);
    REQUIRE(d2.initial_value);
    CHECK(sx(*d2.initial_value) == "[0.1; 0.2]");
    const auto& d3 = std::get<ast::Declaration>(p.statements[3]);
    CHECK(sx(*d3.initializer) == "(call normal 0 0.1)");
    CHECK(std::get<ast::Declaration>(p.statements[4]).role == "input");
    CHECK(std::get<ast::Declaration>(p.statements[5]).role == "target");
}

TEST_CASE("role keywords are names elsewhere", "[parser]") {
    auto p = parse("param : scalar\ninput = 3\ntarget, x : vector(n)\nf = param + input");
    REQUIRE(p.statements.size() == 4);
    CHECK(std::get<ast::Declaration>(p.statements[0]).names[0].name == "param");
    CHECK(std::get<ast::Declaration>(p.statements[0]).role.empty());
    CHECK(std::get<ast::Definition>(p.statements[1]).name.name == "input");
    CHECK(std::get<ast::Declaration>(p.statements[2]).names.size() == 2);
    CHECK(sx(std::get<ast::Definition>(p.statements[3]).value) == "(+ param input)");
    auto q = parse("param param : scalar");
    CHECK(std::get<ast::Declaration>(q.statements[0]).role == "param");
    CHECK(std::get<ast::Declaration>(q.statements[0]).names[0].name == "param");
}

TEST_CASE("separators, comments, blank lines", "[parser]") {
    CHECK(parse("").statements.empty());
    CHECK(parse("\n\n  # only a comment\n\t\n").statements.empty());
    CHECK(parse(";;").statements.empty());
    auto p = parse("x : scalar; f = x^2 # square\n\n# comment\ng = f ; h = g;");
    REQUIRE(p.statements.size() == 4);
    CHECK(std::get<ast::Definition>(p.statements[3]).name.name == "h");
    CHECK(parse("b : scalar\r\nf = b + 1\r\n").statements.size() == 2);  // CRLF
    CHECK(parse("\xEF\xBB\xBF" "f = 1").statements.size() == 1);            // byte order mark
    CHECK(parse("f = 1\xC2\xA0+ 2").statements.size() == 1);                 // no-break space
    CHECK(parse("f = 1").statements.size() == 1);  // no final newline
}

TEST_CASE("newlines inside brackets are blanks", "[parser]") {
    auto p = parse("W = [1, 2;   # first row\n     3, 4]\nf = max(0,\n  W * x)\ng = (a\n + b)");
    REQUIRE(p.statements.size() == 3);
    CHECK(sx(std::get<ast::Definition>(p.statements[0]).value) == "[1 2; 3 4]");
    CHECK(sx(std::get<ast::Definition>(p.statements[1]).value) == "(call max 0 (* W x))");
    CHECK(sx(std::get<ast::Definition>(p.statements[2]).value) == "(+ a b)");
    // A newline outside brackets ends the statement.
    CHECK_FALSE(error_of("f = a\n+ b").empty());
}

TEST_CASE("the lecture's models parse", "[parser][corpus]") {
    const char* models[] = {
        "w, x : vector(n)\nb : scalar\nf = max(0, w·x + b)\n",
        "w, x : vector(n); b, y : scalar\nz = w·x + b\nloss = (max(0, z) - y)^2\n",
        "x : vector(2)\nW1 : matrix(3, 2); b1 : vector(3)\nW2 : matrix(1, 3); b2 : scalar\n"
        "h = σ(W1*x + b1)\nŷ = σ(W2*h + b2)\n",
        "X : matrix(N, 3); w : vector(3); y : vector(N)\n"
        "loss = sum(log(vector(1) + exp(-y.*(X*w))))\n",
        "A : matrix(n, n); x : vector(n)\nq = x'*A*x\nr = xᵀ A x\n",
        "x : vector(n)\nf = ‖x‖^2 + √(x·x) + tr(x*x') + det(eye(n)) + logsumexp(x)\n",
        "p, y : vector(n)\nL = mean(bce(p, y))\nL2 = -(y⊙log(p) + (1-y)⊙log(1-p))\n",
        "param W1 : matrix(8, 2) ~ glorot\nparam b1 : vector(8) ~ zeros\n"
        "param W2 : matrix(1, 8) ~ normal(0, 0.1)\nparam b2 : scalar = 0\n"
        "input x : vector(2)\ntarget y : scalar\n"
        "h = tanh(W1*x + b1)\np = sigmoid(W2*h + b2)\nloss = bce(p, y)\n",
        "z : vector(n)\nf = leaky_relu(z, 0.2) + softplus(z) + step(z) ⊘ (1 + abs(z))\n",
        "x : vector(3)\nf = [1, 2, 3; 4, 5, 6] * x + 0.5x⊙x - 1e-3 * x.^2\n",
    };
    for (const char* m : models) {
        INFO(m);
        const std::string err = error_of(m);
        CHECK(err.empty());
        if (err.empty()) {
            auto p = parse(m);
            for (const auto& s : p.statements)
                if (const auto* d = std::get_if<ast::Definition>(&s)) check_ranges(d->value, m);
        }
    }
}

TEST_CASE("files under examples/ parse", "[parser][corpus]") {
    const auto root = golden_dir().parent_path().parent_path() / "examples";
    if (!std::filesystem::exists(root)) return;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".mc") continue;
        INFO(entry.path().string());
        CHECK(error_of(read_file(entry.path()), entry.path().filename().string()).empty());
    }
}

// ---------------------------------------------------------------- errors

TEST_CASE("golden diagnostics", "[parser][golden]") {
    const auto dir = golden_dir();
    REQUIRE(std::filesystem::is_directory(dir));
    const bool update = std::getenv("MATCALC_UPDATE_GOLDEN") != nullptr;
    std::size_t count = 0;
    std::vector<std::filesystem::path> inputs;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().extension() == ".input") inputs.push_back(entry.path());
    std::sort(inputs.begin(), inputs.end());
    for (const auto& input : inputs) {
        const std::string name = input.stem().string();
        INFO("golden file " << input.string());
        const std::string rendered = error_of(read_file(input), name + ".mc");
        CHECK_FALSE(rendered.empty());
        auto expect_path = input;
        expect_path.replace_extension(".expect");
        if (update) {
            std::ofstream(expect_path, std::ios::binary) << rendered;
        } else {
            REQUIRE(std::filesystem::exists(expect_path));
            CHECK(rendered == read_file(expect_path));
        }
        ++count;
    }
    CHECK(count >= 25);
}

TEST_CASE("deep nesting is an error, not a stack overflow", "[parser][limits]") {
    const std::size_t n = 100000;
    SECTION("parentheses") {
        const std::string text = "f = " + std::string(n, '(') + "x" + std::string(n, ')');
        const std::string err = error_of(text);
        CHECK(err.rfind("test.mc:1:205: error: too deeply nested: more than 200 levels", 0) == 0);
    }
    SECTION("unary minus") {
        const std::string err = error_of("f = " + std::string(n, '-') + "x");
        CHECK(err.rfind("test.mc:1:205: error: too many unary signs in a row", 0) == 0);
    }
    SECTION("power chain") {
        std::string text = "f = x";
        for (std::size_t i = 0; i < n; ++i) text += "^x";
        CHECK(error_of(text).find("error: expression nested too deeply") != std::string::npos);
    }
    SECTION("calls, brackets, norms, roots") {
        std::string calls = "f = ", brackets = "f = ", norms = "f = ", roots = "f = ";
        for (std::size_t i = 0; i < n; ++i) {
            calls += "g(";
            brackets += "[";
            norms += "‖";
            roots += "√";
        }
        for (const auto& text : {calls, brackets, norms, roots})
            CHECK(error_of(text + "x").find("error: too deeply nested") != std::string::npos);
    }
    SECTION("transposes") {
        CHECK(error_of("f = x" + std::string(n, '\'')).find("nested too deeply") != std::string::npos);
    }
    SECTION("the limits themselves are accepted") {
        const std::size_t k = kMaxNesting;
        CHECK(error_of("f = " + std::string(k, '(') + "x" + std::string(k, ')')).empty());
        CHECK(error_of("f = " + std::string(k, '-') + "x").empty());
        std::string calls = "f = ";
        for (std::size_t i = 0; i < k; ++i) calls += "g(";
        CHECK(error_of(calls + "x" + std::string(k, ')')).empty());
        std::string sum = "f = x";
        for (int i = 0; i < 999; ++i) sum += "+x";
        CHECK(error_of(sum).empty());
        CHECK_FALSE(error_of(sum + "+x").empty());
    }
}

TEST_CASE("large inputs", "[parser][limits]") {
    SECTION("3 MB of x+x+... is too deep, and fails fast") {
        std::string text = "f = x";
        while (text.size() < 3'000'000) text += "+x";
        const std::string err = error_of(text);
        CHECK(err.rfind("test.mc:1:2004: error: expression nested too deeply (more than 1000 levels", 0) == 0);
        // The 3 MB line is shown as a window around the column.
        std::istringstream lines(err);
        std::string line;
        std::getline(lines, line);
        std::getline(lines, line);
        CHECK(line.size() < 200);
        CHECK(line.rfind("  ...+x+x", 0) == 0);
        std::getline(lines, line);
        CHECK(line == std::string(65, ' ') + "^");
    }
    SECTION("many statements") {
        std::string text;
        for (int i = 0; i < 100000; ++i) text += "x" + std::to_string(i) + " = 2x + 1\n";
        CHECK(parse(text).statements.size() == 100000);
    }
    SECTION("a large matrix literal") {
        std::string text = "W = [";
        for (int r = 0; r < 300; ++r) {
            if (r) text += ";\n";
            for (int c = 0; c < 300; ++c) text += (c ? ", " : "") + std::to_string(r * c);
        }
        text += "]";
        const auto e = std::get<ast::Definition>(parse(text).statements[0]).value;
        CHECK(e.rows.size() == 300);
        CHECK(e.rows[299].size() == 300);
    }
    SECTION("more than kMaxInputBytes") {
        const std::string text(kMaxInputBytes + 1, ' ');
        CHECK(error_of(text) == "test.mc: error: input too large: 8388609 bytes (the limit is 8388608)\n");
    }
}

TEST_CASE("random input never crashes", "[parser][fuzz]") {
    const char* pieces[] = {"x", "y1", "σ", "ŷ", "2", "0.5", "1e-3", ".5", "+", "-", "−", "*", "/",
                            "./", "·", "⊙", ".*", "∘", "⊗", "⊘", "^", ".^", "'", "ᵀ", "(", ")", "[",
                            "]", ",", ";", "‖", "√", ":", "=", "~", "\n", " ", "#c\n", "f(", "max(",
                            "scalar", "vector(", "matrix(", "param ", "input ", "n", "3", "0", "\t",
                            "\xff", "\xce", "|", "$", "`", "\"", "\\"};
    std::mt19937 rng(12345);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(1, 40);
    int parsed = 0;
    for (int i = 0; i < 5000; ++i) {
        std::string text;
        for (int k = length(rng); k > 0; --k) text += pieces[pick(rng)];
        const Source source{"fuzz.mc", text};
        try {
            auto p = parse_program(source);
            ++parsed;
            for (const auto& s : p.statements)
                if (const auto* d = std::get_if<ast::Definition>(&s)) check_ranges(d->value, text);
        } catch (const InputError& e) {
            const std::string out = render_error(source, e);
            CHECK(out.rfind("fuzz.mc", 0) == 0);
            if (e.where()) CHECK(e.where()->end <= text.size());
        }
    }
    CHECK(parsed > 0);
    // Random bytes.
    std::uniform_int_distribution<int> byte(0, 255);
    for (int i = 0; i < 2000; ++i) {
        std::string text;
        for (int k = length(rng); k > 0; --k) text += static_cast<char>(byte(rng));
        const Source source{"bytes.mc", text};
        try {
            parse_program(source);
        } catch (const InputError& e) {
            CHECK_FALSE(render_error(source, e).empty());
        }
    }
}

// ---------------------------------------------------------------- diagnostics

TEST_CASE("line_column counts lines and code points", "[diagnostics]") {
    const std::string text = "ab\nσ·x\n\nz";
    CHECK(line_column(text, 0).line == 1);
    CHECK(line_column(text, 0).column == 1);
    CHECK(line_column(text, 2).column == 3);       // the newline itself
    CHECK(line_column(text, 3).line == 2);
    CHECK(line_column(text, 3).column == 1);
    CHECK(line_column(text, 5).column == 2);       // after σ (2 bytes)
    CHECK(line_column(text, 7).column == 3);       // after · (2 bytes)
    CHECK(line_column(text, 10).line == 4);
    CHECK(line_column(text, 999).line == 4);       // clamped
    CHECK(line_column(text, 999).column == 2);
}

TEST_CASE("render_error", "[diagnostics]") {
    const Source source{"model.mc", "w, x : vector(n)\nb : scalar\nf = w * x + b\n"};
    InputError e("cannot multiply vector(n) by vector(n)", SourceRange{32, 37},
                 {"did you mean w·x (inner product), w ⊙ x (elementwise) or w * x' (outer product)?"});
    CHECK(render_error(source, e) ==
          "model.mc:3:5: error: cannot multiply vector(n) by vector(n)\n"
          "  f = w * x + b\n"
          "      ^~~~~\n"
          "  did you mean w·x (inner product), w ⊙ x (elementwise) or w * x' (outer product)?\n");
    InputError single("cannot multiply", SourceRange{34, 35});
    CHECK(render_error(source, single) == "model.mc:3:7: error: cannot multiply\n  f = w * x + b\n        ^\n");
    InputError nowhere("unknown option --foo", std::nullopt, {"see matcalc --help"});
    CHECK(render_error(source, nowhere) == "model.mc: error: unknown option --foo\n  see matcalc --help\n");
    // A range running past the end of the line is underlined to the end of the line.
    InputError multi("bad", SourceRange{17, 40});
    CHECK(render_error(source, multi) == "model.mc:2:1: error: bad\n  b : scalar\n  ^" + std::string(9, '~') + "\n");
    // At the very end of the text.
    InputError at_end("expected more", SourceRange{42, 42});
    CHECK(render_error(source, at_end) == "model.mc:4:1: error: expected more\n  \n  ^\n");
    // Unicode columns and tabs.
    const Source u{"u.mc", "σ =\tŷ ⊙ z"};
    InputError ue("here", SourceRange{8, 11});
    CHECK(render_error(u, ue) == "u.mc:1:7: error: here\n  σ =\tŷ ⊙ z\n     \t  ^\n");
}
