// Results that read like the textbook (docs/language.md, "How results are written"): the
// exact printed forms of the cases that used to read badly, each also checked against
// finite differences; named quantities for repeated subexpressions, whose definitions parse
// back and give the same numbers; and a scan of every printed result of the examples for
// forms a person would not write (`/ 1`, `·1`, `sum(… ⊙ I)`).
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include <Eigen/Dense>

#include "matcalc/calculus/derive.hpp"
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

// The Gaussian process's negative log marginal likelihood in the noise variance s: with
// dK/ds = I, ∂L/∂s = ½ (tr(K⁻¹) − yᵀK⁻²y) and ∂²L/∂s² = yᵀK⁻³y − ½ tr(K⁻²) (K need not be
// symmetric: I commutes with K⁻¹). It printed as vec(I)ᵀ ((kron(δ₁ δ₂, I) + kron(I, δ₃))
// K(n,n) − K(n,n)) vec(δ₁ δ₁) where δ₁ = K⁻¹, …
const char* const kGaussianProcess =
    "Kf : matrix(n, n); y : vector(n); s : scalar; K = Kf + s*eye(n); L = 0.5*y'*inv(K)*y + 0.5*logdet(K)";

TEST_CASE("the GP noise Hessian in closed form: traces and quadratic forms of K⁻¹", "[readable]") {
    Run r = run({"derive", "-e", kGaussianProcess, "--wrt", "s", "--hessian"});
    REQUIRE(r.code == 0);
    CHECK(r.out ==
          "∂L/∂s = 0.5 (tr(K⁻¹) − yᵀ K⁻¹ K⁻¹ y)\n"
          "∂²L/∂s² = −0.5 (tr(K⁻¹ K⁻¹) − 2 yᵀ K⁻¹ K⁻¹ K⁻¹ y)\n");
    Run latex = run({"derive", "-e", kGaussianProcess, "--wrt", "s", "--hessian", "--format", "latex"});
    CHECK(latex.out.find("-0.5 \\left(\\operatorname{tr}\\left(K^{-1} K^{-1}\\right) - 2 \\mathbf{y}^\\top K^{-1} K^{-1} "
                         "K^{-1} \\mathbf{y}\\right)") != std::string::npos);
    // --steps reach vec(K⁻ᵀ)ᵀ vec(I) = tr(K⁻¹) (the rule vec-inner) and end at the same form.
    Run steps = run({"derive", "-e", kGaussianProcess, "--wrt", "s", "--steps"});
    CHECK(steps.out.find("\n        = 0.5 (tr(K⁻¹) − yᵀ K⁻¹ K⁻¹ y)    ") != std::string::npos);
    CHECK(steps.out.find("vec(", steps.out.find("Substituting back")) == std::string::npos);
    Run check = run({"check", "-e", kGaussianProcess, "--wrt", "s", "--hessian", "--points", "3"});
    CHECK(check.code == 0);
    CHECK(check.out.find("ok:") != std::string::npos);
    // The closed forms by hand, at one point: K = Kf + s I.
    const char* at = R"({"n": 2, "Kf": [[2, 0.3], [0.1, 1.5]], "y": [1, -2], "s": 0.7})";
    Eigen::Matrix2d k;
    k << 2.7, 0.3, 0.1, 2.2;
    Eigen::Vector2d y(1, -2);
    Eigen::Matrix2d ki = k.inverse();
    double gradient = 0.5 * (ki.trace() - y.dot(ki * ki * y));
    double hessian = y.dot(ki * ki * ki * y) - 0.5 * (ki * ki).trace();
    Derivative d = derive({"-e", kGaussianProcess, "--wrt", "s", "--hessian", "--at", at});
    CHECK(d.object.find("gradient")->as_number() == Approx(gradient).epsilon(1e-12));
    CHECK(d.object.find("hessian")->items()[0].items()[0].as_number() == Approx(hessian).epsilon(1e-12));
}

TEST_CASE("the ridge closed form's ∂w/∂λ is −(XᵀX + λI)⁻¹ w, w by its name", "[readable]") {
    const char* ridge = "X : matrix(N, n); y : vector(N); λ : scalar; w = inv(X'*X + λ*eye(n))*X'*y";
    check_case({ridge, "λ", "−(Xᵀ X + λ I)⁻¹ w"});
    CHECK(derive({"-e", ridge, "--wrt", "λ"}).latex == "-\\left(X^\\top X + \\lambda I\\right)^{-1} \\mathbf{w}");
    // --steps end at the same form.
    Run steps = run({"derive", "-e", ridge, "--wrt", "λ", "--steps"});
    CHECK(std::regex_search(steps.out, std::regex("\n += −\\(Xᵀ X \\+ λ I\\)⁻¹ w +a defined product by its name\n")));
    // The function is named only where its derivative contains it: ∂w/∂y has no w.
    check_case({ridge, "y", "(Xᵀ X + λ I)⁻¹ Xᵀ"});
    // A definition that is a product is found inside a chain the same way.
    check_case({"A : matrix(n, n); b, c : vector(n); s : scalar; u = inv(A + s*eye(n))*b; f = c·u", "s",
                "−cᵀ (A + s I)⁻¹ u"});
}

TEST_CASE("batch norm's ∂L/∂X divides by √(v + ε), with no 1 ⊙ (1 ⊘ …)", "[readable]") {
    // Normalising each row of X over the batch (the columns).
    const std::string bn = "X, G : matrix(n, N); mu = mean(X, 2); D = X - mu; v = mean(D ⊙ D, 2); "
                           "Xh = D ⊘ sqrt(v + 0.00001); ";
    Run r = run({"derive", "-e", bn + "L = sum(G ⊙ Xh)", "--wrt", "X"});
    REQUIRE(r.code == 0);
    CHECK(r.out ==
          "∂L/∂X = δ₂ − (1 / N) δ₂ 𝟏 𝟏ᵀ\n"
          "  where δ₁ = √(v + 1×10⁻⁵)\n"
          "        δ₂ = G ⊘ δ₁ − (1 / N) (((G ⊙ (Xh ⊘ δ₁)) 𝟏 ⊘ δ₁) 𝟏ᵀ ⊙ D)\n");
    CHECK(run({"check", "-e", bn + "L = sum(G ⊙ Xh)", "--wrt", "X", "--points", "3"}).code == 0);
    // Through sum(X̂): the column 1 ⊘ δ₁ in every column, (1 ⊘ δ₁) 𝟏ᵀ, not 𝟏 𝟏ᵀ ⊙ (1 ⊘ δ₁).
    Run ones = run({"derive", "-e", bn + "L = sum(Xh)", "--wrt", "X"});
    CHECK(ones.out.find("δ₂ = (1 ⊘ δ₁) 𝟏ᵀ − (1 / N)") != std::string::npos);
    for (const char* loss : {"L = sum(Xh)", "L = norm(Xh - G)^2", "L = sum(G ⊙ Xh)"}) {
        Run text = run({"derive", "-e", bn + loss, "--wrt", "X"});
        INFO(text.out);
        CHECK(text.out.find("⊙ (1 ⊘") == std::string::npos);
        CHECK(text.out.find("𝟏 𝟏ᵀ ⊙") == std::string::npos);
    }
    CHECK(run({"check", "-e", bn + "L = norm(Xh - G)^2", "--wrt", "X", "--points", "3"}).code == 0);
}

TEST_CASE("σ and tanh written with exponentials are recognised on every path that differentiates", "[readable]") {
    const std::string model = "x, y : scalar; f = y*(exp(x) - exp(-x))/(exp(x) + exp(-x)) + 1/(1 + exp(-x))";
    // derive, with and without other variables swept together.
    CHECK(derive({"-e", model, "--wrt", "x"}).unicode == "σ(x) (1 − σ(x)) + y (1 − tanh(x)²)");
    Run both = run({"derive", "-e", model, "--wrt", "x", "--wrt", "y"});
    CHECK(both.out == "∂f/∂x = σ(x) (1 − σ(x)) + y (1 − tanh(x)²)\n∂f/∂y = tanh(x)\n");
    // The Hessian.
    Run h = run({"derive", "-e", "x : scalar; f = 1/(1 + exp(-x))", "--wrt", "x", "--hessian"});
    CHECK(h.out.find("exp") == std::string::npos);
    // --steps derive from the written form (the slide's derivation) and end at the same result.
    Run steps = run({"derive", "-e", "x : scalar; f = (exp(x) - exp(-x))/(exp(x) + exp(-x))", "--wrt", "x", "--steps"});
    CHECK(std::regex_search(steps.out, std::regex("\n += 1 − tanh\\(x\\)² +\\(eᶻ − e⁻ᶻ\\)² / \\(eᶻ \\+ e⁻ᶻ\\)² = tanh\\(z\\)²\n")));
    CHECK(steps.out.find("∂f/∂x = 1 − tanh(x)²    scalar") != std::string::npos);
    // codegen: the gradient computed through tanh and the sigmoid, not the quotient rule.
    Run cpp = run({"codegen", "-e", model, "--wrt", "x"});
    REQUIRE(cpp.code == 0);
    CHECK(cpp.out.find("tanh(") != std::string::npos);
    Run numpy = run({"codegen", "-e", model, "--wrt", "x", "--lang", "numpy"});
    REQUIRE(numpy.code == 0);
    CHECK(numpy.out.find("np.tanh(") != std::string::npos);
    // compare: the claim in σ form is equal symbolically.
    Run cmp = run({"compare", "-e", "x : scalar; f = 1/(1 + exp(-x))", "--wrt", "x", "--claim", "σ(x) (1 - σ(x))"});
    CHECK(cmp.code == 0);
    // Not across a definition inside the form: u = e⁻ˣ is a variable of its own.
    check_case({"x : scalar; u = exp(-x); f = 1/(1 + u)", "u", "−1 / (1 + u)²"});
    check_case({"x : scalar; s = 1/(1 + exp(-x)); f = s^2", "s", "2 s"});
    // Every recognised form is a rule of rules.txt, which the simplifier's test checks
    // numerically.
    std::string rules = read_file(std::string(MATCALC_SOURCE_DIR) + "/src/simplify/rules.txt");
    for (const auto& [lhs, rhs] : recognised_forms()) {
        INFO(lhs << " => " << rhs);
        CHECK(rules.find(": " + std::string(lhs) + " => " + std::string(rhs) + "\n") != std::string::npos);
    }
}

TEST_CASE("K(m,n)ᵀ = K(n,m)", "[readable][simplify]") {
    Context cx;
    Dim m = cx.sizes().symbol("m"), n = cx.sizes().symbol("n");
    Expr k = cx.commutation(m, n);
    CHECK(simplify(cx, cx.transpose(k)) == cx.commutation(n, m));
    CHECK(print(cx, simplify(cx, cx.transpose(k))) == "K(n,m)");
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

TEST_CASE("the scan for unreadable forms finds them, and only them", "[readable][scan]") {
    for (const char* bad : {"x / 1", "(a / 1) x", "x·1", "0.79·1ᵀ", "sum(M ⊙ I)", "sum(S T ⊙ I)", "sum(S * T .* eye(n))",
                            "\\frac{x}{1}", "x \\cdot 1"}) {
        INFO(bad);
        CHECK_FALSE(unreadable_form(bad).empty());
    }
    for (const char* good : {"1 / 10", "x / 1.5", "x / 1e-5", "x / 1×10⁻⁵", "x·10", "tr(M ⊙ I)",
                             "sum((M ⊙ I) x)", "sum(M .* eye(n) * x)", "\\frac{1}{x}", "x \\cdot 10"}) {
        INFO(good);
        CHECK(unreadable_form(good).empty());
    }
}

TEST_CASE("no printed result of the examples contains / 1, ·1 or sum(… ⊙ I)", "[readable][scan]") {
    // Every derivative of every example, in every format (JSON carries the text, Unicode and
    // LaTeX forms and the named quantities), with the Hessian where the function is scalar.
    // Each derive the suite runs through the command line is scanned too (support.hpp).
    const std::regex declaration(R"(^\s*(?:param |input |target )?([A-Za-z_][A-Za-z0-9_, ]*):)");
    int results = 0, hessians = 0;
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
            CHECK(unreadable_form(r.out).empty());
            for (const char* format : {"text", "latex"})
                CHECK(unreadable_form(run({"derive", entry.path().string(), "--wrt", v, "--format", format}).out).empty());
            Run h = run({"derive", entry.path().string(), "--wrt", v, "--hessian", "--format", "json"});
            if (h.code != 0) continue;  // not a scalar function
            ++hessians;
            CHECK(unreadable_form(h.out).empty());
        }
    }
    CHECK(results > 50);
    CHECK(hessians > 20);
    // And the golden files of the tests (steps, in text and LaTeX).
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(MATCALC_SOURCE_DIR) + "/tests/golden")) {
        if (!entry.is_regular_file()) continue;
        INFO(entry.path().string());
        CHECK(unreadable_form(read_file(entry.path().string())).empty());
    }
}
