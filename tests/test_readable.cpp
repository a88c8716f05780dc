// Results that read like the textbook (docs/language.md, "How results are written"): the
// exact printed forms of the cases that used to read badly, each also checked against
// finite differences; named quantities for repeated subexpressions, whose definitions parse
// back and give the same numbers; and a scan of every printed result of the examples for
// forms a person would not write (`/ 1`, `·1`, `sum(… ⊙ I)`).
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include "matcalc/frontend/model.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

struct Case {
    const char* model;
    const char* wrt;
    const char* unicode;
};

void check_case(const Case& c) {
    INFO(c.model << "  --wrt " << c.wrt);
    Derivative d = derive({"-e", c.model, "--wrt", c.wrt});
    CHECK(d.unicode == c.unicode);
    Run check = run({"check", "-e", c.model, "--wrt", c.wrt, "--points", "3"});
    CHECK(check.code == 0);
    CHECK(check.out.find("ok:") != std::string::npos);
}

// The simplified form of a model's last definition, in Unicode.
std::string simplified(const std::string& model) {
    Model m = load_model(Source{"t.mc", model});
    return print(m.cx(), simplify(m.cx(), m.function(std::nullopt).expr));
}

}  // namespace

TEST_CASE("the written cross-entropy after a sigmoid is the prediction error", "[readable]") {
    const Case cases[] = {
        // The lecture's slide formula, scalar and elementwise: −y (1 − ŷ) + (1 − y) ŷ = ŷ − y.
        {"z, y : scalar; yhat = σ(z); L = -(y*log(yhat) + (1 - y)*log(1 - yhat))", "z", "yhat − y"},
        {"z, y : vector(n); yhat = σ(z); L = -sum(y⊙log(yhat) + (1 - y)⊙log(1 - yhat))", "z", "(yhat − y)ᵀ"},
        {"z, y : vector(n); yhat = σ(z); L = -(y⊙log(yhat) + (1 - y)⊙log(1 - yhat))", "z", "diag(yhat − y)"},
        {"z, y : scalar; L = -(y*log(σ(z)) + (1 - y)*log(1 - σ(z)))", "z", "σ(z) − y"},
        // Products of sums multiplied out only where terms cancel: (a + b)² stays.
        {"a, b : scalar; f = a*(1 - b) + b*(1 + a)", "a", "1"},
        {"a, b : scalar; f = (a + b)^3", "a", "3 (a + b)²"},
    };
    for (const Case& c : cases) check_case(c);
}

TEST_CASE("derive --steps of the written cross-entropy ends with the lecture's algebra, ŷ − y", "[readable][steps]") {
    Run r = run({"derive", "-e", "z, y : scalar; yhat = σ(z); L = -(y*log(yhat) + (1 - y)*log(1 - yhat))",
                 "--wrt", "z", "--steps"});
    REQUIRE(r.code == 0);
    CHECK(std::regex_search(r.out, std::regex("\n += yhat − y +multiply out, terms cancel\n")));
    CHECK(r.out.find("∂L/∂z = yhat − y    scalar, numerator layout") != std::string::npos);
}

TEST_CASE("exponential forms of the sigmoid, positive factors inside indicators", "[readable]") {
    const Case cases[] = {
        {"x : scalar; f = 1/(1 + exp(-x))", "x", "σ(x) (1 − σ(x))"},
        {"x, y : scalar; f = y/(1 + exp(-x))", "y", "σ(x)"},
        {"x, y : scalar; f = y*exp(x)/(1 + exp(x))", "y", "σ(x)"},
        {"x, y : scalar; f = y*(exp(x) - exp(-x))/(exp(x) + exp(-x))", "y", "tanh(x)"},
        // The slide's leaky ReLU: step(0.99 x) is step(x).
        {"x : scalar; f = max(0.01x, x)", "x", "heaviside(x) + 0.01 heaviside(−x)"},
        {"x : scalar; f = max(0, 3x)", "x", "3 step(x)"},
        {"x : scalar; f = abs(2x)", "x", "2 sign(x)"},
    };
    for (const Case& c : cases) check_case(c);
}

TEST_CASE("constants: shortest digits, no c / 1, c 1ᵀ as a product, a number in a sum", "[readable][print]") {
    const Case cases[] = {
        {"x : scalar; f = 0.7978845608028654*x", "x", "0.7978845608028654"},
        {"x : vector(n); f = 0.79*sum(x)", "x", "0.79 𝟏ᵀ"},
        {"x : scalar; f = x/3", "x", "1 / 3"},
    };
    for (const Case& c : cases) check_case(c);
    // A constant vector beside a vector in a sum is the number alone: x − 0.5.
    Model m = load_model(Source{"t.mc", "x : vector(n); f = x - 0.5*ones(n)"});
    Context& cx = m.cx();
    Expr f = m.function(std::nullopt).expr;
    CHECK(print(cx, f) == "x − 0.5");
    CHECK(print(cx, f, {Style::Latex}) == "\\mathbf{x} - 0.5");
    CHECK(print(cx, f, {Style::Ascii}) == "x - 0.5*ones(n)");
    Expr g = cx.add(m.find("x")->expr, cx.constant(-0.5, cx.shape(m.find("x")->expr)));
    CHECK(print(cx, g) == "x + (−0.5)");
}

TEST_CASE("structure: sum(M ⊙ I) = tr(M), softmax sums to 1, Kronecker and commutation algebra", "[readable][simplify]") {
    const std::string decl = "x, w : vector(n); S, T : matrix(n, n); Z : matrix(n, m); ";
    CHECK(simplified(decl + "f = sum(S ⊙ eye(n))") == "tr(S)");
    CHECK(simplified(decl + "f = sum(eye(n) ⊙ (S*T))") == "tr(S T)");
    CHECK(simplified(decl + "f = sum(softmax(S*x)) * w") == "w");
    CHECK(simplified(decl + "f = ones(n)' * softmax(Z, 1)") == "𝟏ᵀ");
    CHECK(simplified(decl + "f = softmax(Z, 2) * ones(m)") == "𝟏");
    CHECK(simplified(decl + "f = kron(S, T)'") == "kron(Sᵀ, Tᵀ)");
    // The matrix factorisation's Hessian: 2 (UᵀU ⊗ I), not 2 (Uᵀ ⊗ I) K(m,n) (I ⊗ U) K(n,k).
    std::string mf = "R : matrix(m, n); U : matrix(m, k); V : matrix(n, k); f = norm(R - U*V')^2";
    Run r = run({"derive", "-e", mf, "--wrt", "V", "--hessian"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("∂²f/∂V² = 2 kron(Uᵀ U, I)") != std::string::npos);
    CHECK(r.out.find("K(") == std::string::npos);
    CHECK(run({"check", "-e", mf, "--wrt", "V", "--hessian", "--points", "2"}).code == 0);
}

TEST_CASE("a repeated subexpression is named once, and the definitions read back", "[readable][names]") {
    // An RNN unrolled 12 steps: ∂L/∂W repeats each step's backpropagated error.
    std::string model = "W : matrix(n, n); U : matrix(n, m); h0, y : vector(n); ";
    for (int t = 1; t <= 12; ++t) model += "x" + std::to_string(t) + " : vector(m); ";
    for (int t = 1; t <= 12; ++t)
        model += "h" + std::to_string(t) + " = tanh(W*h" + std::to_string(t - 1) + " + U*x" + std::to_string(t) + "); ";
    model += "L = sum((h12 - y)^2)";
    Run r = run({"derive", "-e", model, "--wrt", "W"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\n  where δ₁ = ") != std::string::npos);
    CHECK(r.out.size() < 3000);
    // The JSON list of named quantities: the ASCII definitions, followed by the result,
    // form a model that gives the derivative's numbers.
    Derivative d = derive({"-e", model, "--wrt", "W"});
    const json::Value* named = d.object.find("named");
    REQUIRE(named);
    REQUIRE(named->items().size() >= 10);
    std::string defs;
    for (const json::Value& q : named->items()) defs += q.find("name")->as_string() + " = " + q.find("text")->as_string() + "; ";
    CHECK(named->items()[0].find("unicode_name")->as_string() == "δ₁");
    std::string values = "{\"n\": 2, \"m\": 2, \"W\": [[0.3, -0.2], [0.1, 0.4]], \"U\": [[0.5, 0.1], [-0.3, 0.2]], "
                         "\"h0\": [0.1, -0.2], \"y\": [0.3, 0.6]";
    for (int t = 1; t <= 12; ++t) values += ", \"x" + std::to_string(t) + "\": [" + std::to_string(0.1 * t) + ", -0.2]";
    values += "}";
    Derivative at = derive({"-e", model, "--wrt", "W", "--at", values});
    Run back = run({"eval", "-e", model + "; " + defs + "g = " + d.text, "--at", values, "--format", "json"});
    REQUIRE(back.code == 0);
    json::Value v = parse_json(back.out);
    const auto& rows = v.find("value")->items();
    const auto& gradient = at.object.find("gradient")->items();
    REQUIRE(rows.size() == gradient.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < rows[i].items().size(); ++j)
            CHECK(rows[i].items()[j].as_number() == Approx(gradient[i].items()[j].as_number()).epsilon(1e-12));
}

TEST_CASE("no printed result of the examples contains / 1, ·1 or sum(… ⊙ I)", "[readable][scan]") {
    const std::regex bad(R"(/ 1(?![0-9.])|·1(?![0-9.])|sum\([^()]*⊙ I\))");
    const std::regex declaration(R"(^\s*(?:param |input |target )?([A-Za-z_][A-Za-z0-9_, ]*):)");
    int results = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(MATCALC_SOURCE_DIR) + "/examples")) {
        if (entry.path().extension() != ".mc") continue;
        std::string text = read_file(entry.path().string());
        std::istringstream lines(text);
        std::vector<std::string> variables;
        for (std::string line; std::getline(lines, line);) {
            std::smatch m;
            if (!std::regex_search(line, m, declaration)) continue;
            std::string names = m[1];
            for (char& c : names)
                if (c == ',') c = ' ';
            std::istringstream in(names);
            for (std::string v; in >> v;) variables.push_back(v);
        }
        for (const std::string& v : variables) {
            Run r = run({"derive", entry.path().string(), "--wrt", v, "--format", "json"});
            if (r.code != 0) continue;  // a variable the function does not take (a data file's)
            ++results;
            INFO(entry.path().string() << " --wrt " << v << "\n" << r.out);
            CHECK_FALSE(std::regex_search(r.out, bad));
        }
    }
    CHECK(results > 50);
    // And the golden files of the tests (steps, in text and LaTeX).
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(MATCALC_SOURCE_DIR) + "/tests/golden")) {
        if (!entry.is_regular_file()) continue;
        INFO(entry.path().string());
        CHECK_FALSE(std::regex_search(read_file(entry.path().string()), bad));
    }
}
