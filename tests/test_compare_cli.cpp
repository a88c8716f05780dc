// `matcalc compare` on the lecture's derivations: right claims in several spellings and
// both layouts (exit 0), wrong ones with the slip they are (exit 1, the diagnosis), and
// malformed or misshapen ones (exit 2, located in the claim).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

struct Case {
    const char* model;  // examples/lecture/<model>.mc, or `-e` text when it has a ';'
    const char* wrt;
    const char* claim;
    int code;               // 0 equal, 1 not equal, 2 bad input
    const char* diagnosis;  // exit 1: the expected diagnosis (exactly); nullptr: none
    const char* as = nullptr;  // "jacobian" or "gradient" when it matters
};

std::vector<std::string> args_of(const Case& c, const char* format = "json") {
    std::vector<std::string> a{"compare"};
    std::string model = c.model;
    if (model.find(';') != std::string::npos) {
        a.push_back("-e");
        a.push_back(model);
    } else {
        a.push_back(example("lecture/" + model + ".mc"));
    }
    a.insert(a.end(), {"--wrt", c.wrt, "--claim", c.claim, "--format", format});
    return a;
}

const char* kProduct = "x : scalar; f = x*sin(x)";

// Right claims: each exits 0.
const Case kRight[] = {
    {"affine", "w", "x'", 0, nullptr, "jacobian"},
    {"affine", "w", "xᵀ", 0, nullptr, "jacobian"},
    {"affine", "w", "x^T", 0, nullptr, "jacobian"},
    {"affine", "w", "transpose(x)", 0, nullptr, "jacobian"},
    {"affine", "w", "x", 0, nullptr, "gradient"},
    {"affine", "b", "1", 0, nullptr},
    {"linear", "x", "w'", 0, nullptr, "jacobian"},
    {"linear", "x", "w", 0, nullptr, "gradient"},
    {"ew_hadamard", "x", "diag(w)", 0, nullptr, "jacobian"},
    {"ew_hadamard", "x", "diag(w)'", 0, nullptr, "jacobian"},
    {"vs_add", "z", "ones(n)", 0, nullptr, "jacobian"},
    {"vs_mul", "z", "x", 0, nullptr, "jacobian"},
    {"bce_sigmoid", "z", "yhat - y", 0, nullptr},
    {"bce_sigmoid", "z", "σ(z) - y", 0, nullptr},
    {"bce_sigmoid", "z", "-y(1 - σ(z)) + (1 - y)σ(z)", 0, nullptr},
    {"bce", "yhat", "-y/yhat + (1 - y)/(1 - yhat)", 0, nullptr},
    {"sigmoid", "z", "σ(z)(1 − σ(z))", 0, nullptr},
    {"sigmoid", "z", "yhat (1 - yhat)", 0, nullptr},
    {"sigmoid", "z", "e^{-z} / (1 + e^{-z})^2", 0, nullptr},
    {"sigmoid", "z", "1/(4 cosh(z/2)^2)", 0, nullptr},
    {"tanh", "x", "1 - tanh(x)^2", 0, nullptr},
    {"tanh", "x", "1 − a²", 0, nullptr},
    {"chain_sin", "x", "cos(x^2) 2x", 0, nullptr},
    {"chain_sin", "x", "2x cos(u)", 0, nullptr},
    {"total_derivative", "x", "3x²", 0, nullptr},
    {"total_derivative", "x", "u1 + x (2x)", 0, nullptr},
    {"jacobian_fg", "x", "[6x*y; 2]", 0, nullptr, "jacobian"},
    {"output_neuron", "w", "(yhat - y) a'", 0, nullptr, "jacobian"},
    {"output_neuron", "w", "(yhat - y) a", 0, nullptr, "gradient"},
    {"output_neuron", "w", "(σ(w·a + w0) − y) aᵀ", 0, nullptr, "jacobian"},
    {"relu_neuron", "w", "step(z) x'", 0, nullptr, "jacobian"},
    {"relu_neuron", "w", "step(w·x + b) x", 0, nullptr, "gradient"},
    {"relu_mse", "w", "-(2/N) X' ((y - max(0, X w + b)) ⊙ step(X w + b))", 0, nullptr, "gradient"},
    {"relu_mse_steps", "b", "-(2/N) sum(v ⊙ step(z))", 0, nullptr},
    {"mlp_1231", "W3", "(yhat - y) a2'", 0, nullptr, "gradient"},
    {"mlp_1231", "b3", "yhat - y", 0, nullptr},
    {"mlp_1231", "W2", "((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2)) a1'", 0, nullptr, "gradient"},
    {"mlp_1231", "W1", "((W2' ((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2))) ⊙ a1 ⊙ (1 - a1)) x", 0, nullptr, "gradient"},
    {"mlp_1231", "W1", "((W2' ((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2))) ⊙ a1 ⊙ (1 - a1)) x'", 0, nullptr, "gradient"},  // x is a scalar
    {"mlp_1231", "b1", "(W2' ((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2))) ⊙ a1 ⊙ (1 - a1)", 0, nullptr, "gradient"},
    {"mlp_1231", "b1", "((W2' ((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2))) ⊙ a1 ⊙ (1 - a1))'", 0, nullptr, "jacobian"},
    {"mlp_1231", "z3", "yhat - y", 0, nullptr},
    {kProduct, "x", "sin(x) + x cos(x)", 0, nullptr},
    {"ew_divide", "w", "diag(1 ⊘ x)", 0, nullptr, "jacobian"},
    {"ew_divide", "x", "diag(-w ./ x.^2)", 0, nullptr, "jacobian"},
    {"ew_sub", "x", "-eye(n)", 0, nullptr, "jacobian"},
    {"ew_add", "w", "eye(n)", 0, nullptr, "jacobian"},
    {"sum_reduction", "x", "ones(n)'", 0, nullptr, "jacobian"},
    {"sum_reduction", "x", "ones(n)", 0, nullptr, "gradient"},
    {"sum_xz", "z", "sum(x)", 0, nullptr},
    {"sum_xz", "z", "ones(n)·x", 0, nullptr},
    {"sum_xz", "x", "z ones(n)ᵀ", 0, nullptr, "jacobian"},
    {"linear_scalar", "w", "x", 0, nullptr},
    {"neuron_sum", "w", "x'", 0, nullptr, "jacobian"},
    {"leaky_relu", "x", "0.01 + 0.99 step(x)", 0, nullptr},
    {"relu", "x", "step(x)", 0, nullptr},
    {"relu_broadcast", "x", "diag(step(x))", 0, nullptr, "jacobian"},
    {"vector_chain", "x", "[2/x; 3cos(3x)]", 0, nullptr, "jacobian"},
    {"vector_chain", "x", "[2x / x^2; 3 cos(g2)]", 0, nullptr, "jacobian"},
    {"relu_mse", "b", "-(2/N) sum((y - max(0, X w + b)) ⊙ step(X w + b))", 0, nullptr},
    // A number in every entry, as matcalc prints 1 for a vector of ones and 0ᵀ for zeros.
    {"vs_add", "z", "1", 0, nullptr, "jacobian"},
    {"perceptron", "w", "0", 0, nullptr, "jacobian"},
    {"sum_reduction", "x", "1", 0, nullptr, "jacobian"},
};

// Wrong claims: each exits 1 with its diagnosis.
const Case kWrong[] = {
    {"affine", "w", "-x'", 1, "the wrong sign"},
    {"affine", "w", "2x", 1, "off by a constant factor: 2 times the derivative"},
    {"affine", "b", "-1", 1, "the wrong sign"},
    {"linear", "x", "-w", 1, "the wrong sign"},
    {"linear", "x", "x", 1, nullptr},
    {"ew_hadamard", "x", "-diag(w)", 1, "the wrong sign"},
    {"ew_hadamard", "x", "diag(x)", 1, nullptr},
    {"vs_add", "z", "ones(n)'", 1, "the other layout"},
    {"vs_mul", "z", "x/2", 1, "off by a constant factor: 1/2 times the derivative"},
    {"jacobian_fg", "x", "[6x*y, 2]", 1, "the other layout"},
    {"jacobian_fg", "x", "[-6x y; -2]", 1, "the wrong sign"},
    {"bce_sigmoid", "z", "y - yhat", 1, "the wrong sign"},
    {"output_neuron", "w", "(y - yhat) a", 1, "the wrong sign"},
    {"output_neuron", "w", "yhat (1 - yhat) (yhat - y) a", 1, nullptr},
    {"chain_sin", "x", "-2x cos(u)", 1, "the wrong sign"},
    {"chain_sin", "x", "x cos(u)", 1, "off by a constant factor: 1/2 times the derivative"},
    // a = tanh(x) is the function: the derivative's terms are written without its name.
    {"tanh", "x", "1", 1, "a term missing: −tanh(x)²"},
    {"tanh", "x", "1 + a^2", 1, "a term with the wrong sign: −tanh(x)²"},
    {kProduct, "x", "x cos(x)", 1, "a term missing: sin(x)"},
    {kProduct, "x", "sin(x)", 1, "a term missing: x cos(x)"},
    {kProduct, "x", "sin(x) + x cos(x) + cos(x)", 1, "an extra term: cos(x)"},
    {kProduct, "x", "sin(x) - x cos(x)", 1, "a term with the wrong sign: x cos(x)"},
    {"relu_mse", "w", "-(1/N) X' ((y - max(0, X w + b)) ⊙ step(X w + b))", 1,
     "off by a constant factor: 1/2 times the derivative"},
    {"mlp_1231", "W3", "(yhat - y) a2", 1, "transposed"},
    {"mlp_1231", "W2", "a1 * ((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2))'", 1, "transposed"},
    {"mlp_1231", "W2", "((W3' (y - yhat)) ⊙ a2 ⊙ (1 - a2)) a1'", 1, "the wrong sign"},
    {"mlp_1231", "W1", "((W2' ((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2))) ⊙ a1 ⊙ (1 - a1))' x", 1, "transposed"},
    {"mlp_1231", "b1", "(W2' ((W3' (yhat - y)) ⊙ a2 ⊙ (1 - a2))) ⊙ a1", 1, nullptr},
    {"mlp_1231", "z3", "2(yhat - y)", 1, "off by a constant factor: 2 times the derivative"},
    {"ew_divide", "x", "diag(w ./ x.^2)", 1, "the wrong sign"},
    {"ew_divide", "x", "diag(-w ./ x)", 1, nullptr},
    {"ew_sub", "x", "eye(n)", 1, "the wrong sign"},
    {"sum_xz", "x", "-z ones(n)", 1, "the wrong sign"},
    {"sum_xz", "z", "n", 1, nullptr},
    {"leaky_relu", "x", "0.99 step(x)", 1, "a term missing: 0.01"},
    {"leaky_relu", "x", "step(x)", 1, nullptr},
    {"relu", "x", "-step(x)", 1, "the wrong sign"},
    {"vector_chain", "x", "[2/x, 3cos(g2)]", 1, "the other layout"},
    {"vector_chain", "x", "[1/x; 3cos(g2)]", 1, nullptr},
    {"relu_mse", "b", "(2/N) sum((y - max(0, X w + b)) ⊙ step(X w + b))", 1, "the wrong sign"},
    {"sum_reduction", "x", "2", 1, "off by a constant factor: 2 times the derivative"},
    {"ew_add", "w", "1", 1, nullptr},  // ones everywhere for the identity
};

}  // namespace

TEST_CASE("compare: right claims in several spellings and both layouts are equal", "[compare]") {
    for (const Case& c : kRight) {
        Run r = run(args_of(c));
        INFO(c.model << " --wrt " << c.wrt << " --claim '" << c.claim << "'\n" << r.out << r.err);
        REQUIRE(r.code == 0);
        json::Value v = parse_json(r.out);
        CHECK(v.find("equal")->as_bool());
        CHECK(v.find("diagnosis")->is_null());
        CHECK(v.find("point") == nullptr);
        if (c.as) CHECK(v.find("compared_as")->as_string() == c.as);
    }
}

TEST_CASE("compare: wrong claims are unequal, with the slip they are", "[compare]") {
    for (const Case& c : kWrong) {
        Run r = run(args_of(c));
        INFO(c.model << " --wrt " << c.wrt << " --claim '" << c.claim << "'\n" << r.out << r.err);
        REQUIRE(r.code == 1);
        json::Value v = parse_json(r.out);
        CHECK_FALSE(v.find("equal")->as_bool());
        if (c.diagnosis) {
            REQUIRE(v.find("diagnosis")->is_string());
            CHECK(v.find("diagnosis")->as_string() == c.diagnosis);
        } else {
            CHECK(v.find("diagnosis")->is_null());
        }
        // A claim in the other shape is compared transposed: its error is that comparison's.
        const std::string d = c.diagnosis ? c.diagnosis : "";
        if (d != "transposed" && d != "the other layout") CHECK(v.find("max_error")->as_number() > 1e-6);
        REQUIRE(v.find("point") != nullptr);
        CHECK(v.find("point")->is_object());
    }
}

TEST_CASE("compare: the point where they differ holds both values, and they differ there", "[compare]") {
    // f = x sin x, claim x cos x: at the reported point, claim = x cos x and ∂f/∂x = sin x + x cos x.
    Run r = run({"compare", "-e", kProduct, "--wrt", "x", "--claim", "x cos(x)", "--format", "json"});
    REQUIRE(r.code == 1);
    json::Value v = parse_json(r.out);
    const double x = v.find("point")->find("x")->as_number();
    CHECK(v.find("claimed")->as_number() == Approx(x * std::cos(x)).epsilon(1e-12));
    CHECK(v.find("expected")->as_number() == Approx(std::sin(x) + x * std::cos(x)).epsilon(1e-12));
    CHECK(v.find("compared_as")->as_string() == "jacobian");
    // The text form says the same.
    Run t = run({"compare", "-e", kProduct, "--wrt", "x", "--claim", "x cos(x)"});
    CHECK(t.code == 1);
    CHECK(t.out.find("not equal") == 0);
    CHECK(t.out.find("diagnosis: a term missing: sin(x)") != std::string::npos);
    CHECK(t.out.find("    x = ") != std::string::npos);
}

TEST_CASE("compare: symbolic equality needs no points; numeric equality reports them", "[compare]") {
    Run s = run({"compare", example("lecture/affine.mc"), "--wrt", "w", "--claim", "x'", "--format", "json"});
    REQUIRE(s.code == 0);
    json::Value v = parse_json(s.out);
    CHECK(v.find("symbolic")->as_bool());
    CHECK(v.find("max_error")->as_number() == 0);
    // σ(z) σ(−z) = σ(z) (1 − σ(z)): the simplifier does not see it, the numbers do.
    Run n = run({"compare", example("lecture/sigmoid.mc"), "--wrt", "z", "--claim", "σ(z) σ(-z)", "--points", "7",
                 "--format", "json"});
    REQUIRE(n.code == 0);
    json::Value w = parse_json(n.out);
    CHECK_FALSE(w.find("symbolic")->as_bool());
    CHECK(w.find("points")->as_number() == 7);
    CHECK(w.find("max_error")->as_number() < 1e-6);
    Run t = run({"compare", example("lecture/sigmoid.mc"), "--wrt", "z", "--claim", "1/(2 + exp(z) + exp(-z))"});
    CHECK(t.out.find("equal: the claim is ∂yhat/∂z (compared as the Jacobian): numerically, at 5 points") == 0);
}

TEST_CASE("compare: malformed claims exit 2, located in the claim", "[compare]") {
    struct Bad {
        const char* model;
        const char* wrt;
        const char* claim;
        const char* located;  // the start of the diagnostic
        const char* says;     // a part of it
    };
    const Bad bad[] = {
        {"affine", "w", "x +", "--claim:1:", "error:"},
        {"affine", "w", "q'", "--claim:1:1: error:", "q"},
        {"affine", "w", "2 * (x'", "--claim:1:", "error:"},
        {"affine", "w", "w * x", "--claim:1:3: error: cannot multiply", "w·x"},
        {"affine", "w", "[x; x]", "--claim: error: the claim is", "1 × n (the Jacobian) or n × 1 (the gradient)"},
        {"mlp_1231", "W2", "a2", "--claim: error: the claim is", "3 × 2 (the gradient)"},
        {"jacobian_fg", "x", "x", "--claim: error: the claim is scalar", "2 × 1 (the Jacobian)"},
        {"affine", "w", "b", "--claim: error: the claim is scalar", "1 × n (the Jacobian)"},
        {"affine", "w", "", "--claim:1:", "error:"},
        // The elementwise derivative for the Jacobian of an elementwise function: a shape error.
        {"relu_broadcast", "x", "step(x)", "--claim: error: the claim is n × 1", "n × n (the Jacobian)"},
    };
    for (const Bad& b : bad) {
        Run r = run({"compare", example(std::string("lecture/") + b.model + ".mc"), "--wrt", b.wrt, "--claim", b.claim});
        INFO(b.claim << "\n" << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.rfind(b.located, 0) == 0);
        CHECK(r.err.find(b.says) != std::string::npos);
        CHECK(r.out.empty());
    }
}

TEST_CASE("compare: bad command lines and models exit 2", "[compare]") {
    const std::string affine = example("lecture/affine.mc");
    const std::vector<std::vector<std::string>> lines = {
        {"compare", affine, "--claim", "x'"},                                   // no --wrt
        {"compare", affine, "--wrt", "w"},                                       // no claim
        {"compare", affine, "--wrt", "w", "--wrt", "b", "--claim", "x'"},        // two --wrt
        {"compare", affine, "--wrt", "q", "--claim", "x'"},                      // no such symbol
        {"compare", affine, "--wrt", "y", "--claim", "x'"},                      // the function itself
        {"compare", affine, "--wrt", "w", "--claim", "x'", "--format", "yaml"},  // unknown format
        {"compare", affine, "--wrt", "w", "--claim", "x'", "--points", "0"},
        {"compare", affine, "--wrt", "w", "--claim", "x'", "--hessian"},         // not compare's option
        {"compare", affine, "--wrt", "w", "--claim", "x'", "--report", "r.csv"}, // --report needs --claims
        {"compare", "-e", "w : vector(n); f = w * w", "--wrt", "w", "--claim", "w"},  // the model is bad
    };
    for (const auto& a : lines) {
        Run r = run(a);
        INFO(a.back() << "\n" << r.err);
        CHECK(r.code == 2);
        CHECK_FALSE(r.err.empty());
    }
    // The model's own error is located in the model.
    Run m = run({"compare", "-e", "w : vector(n); f = w * w", "--wrt", "w", "--claim", "w"});
    CHECK(m.err.rfind("-e:1:", 0) == 0);
}

TEST_CASE("compare: help lists its options", "[compare]") {
    for (const std::vector<std::string>& a : {std::vector<std::string>{"help", "compare"}, {"compare", "--help"}}) {
        Run r = run(a);
        CHECK(r.code == 0);
        for (const char* option : {"--wrt", "--claim", "--claims", "--report", "--of", "--points", "--seed", "--tol", "--format"})
            CHECK(r.out.find(option) != std::string::npos);
    }
    CHECK(run({"help"}).out.find("compare") != std::string::npos);
}

TEST_CASE("compare: --of picks the function, and LaTeX output", "[compare]") {
    // jacobian_fg: f = 3x²y, ∂f/∂y = 3x².
    Run r = run({"compare", example("lecture/jacobian_fg.mc"), "--of", "f", "--wrt", "y", "--claim", "3x^2"});
    CHECK(r.code == 0);
    Run l = run({"compare", example("lecture/affine.mc"), "--wrt", "w", "--claim", "-x'", "--format", "latex"});
    CHECK(l.code == 1);
    CHECK(l.out == "\\frac{\\partial y}{\\partial \\mathbf{w}} \\neq -\\mathbf{x}^\\top \\quad \\text{(the wrong sign)}\n");
}

TEST_CASE("compare --claims grades a file: a table, a CSV report, invalid claims graded", "[compare]") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "matcalc_test_compare_claims";
    std::filesystem::create_directories(dir);
    const std::string claims = (dir / "claims.csv").string(), report = (dir / "report.csv").string();
    {
        std::ofstream f(claims);
        f << "id,claim\n"
             "alice,\"(yhat - y) a2'\"\n"
             "bob,(yhat - y) a2\n"
             "carol,(y - yhat) a2'\n"
             "dave,(yhat - y) a2' +\n"
             "erin,a2 a2'\n";
    }
    Run r = run({"compare", example("lecture/mlp_1231.mc"), "--wrt", "W3", "--claims", claims, "--report", report});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out ==
          "id     equal    diagnosis\n"
          "alice  yes\n"
          "bob    no       transposed\n"
          "carol  no       the wrong sign\n"
          "dave   invalid  column 17: expected an expression after '+'\n"
          "erin   invalid  the claim is 3 × 3, but ∂L/∂W3 is 1 × 3 (the gradient)\n"
          "1 of 5 equal\n");
    const std::string csv = read_file(report);
    CHECK(csv.rfind("id,equal,diagnosis,max_error,claim\nalice,yes,,0,(yhat - y) a2'\nbob,no,transposed,", 0) == 0);
    CHECK(csv.find("\ndave,invalid,column 17: expected an expression after '+',,(yhat - y) a2' +\n") != std::string::npos);

    // One claim per line, ids are line numbers; all right: exit 0.
    {
        std::ofstream f(claims);
        f << "# W3's gradient\n(yhat - y) a2'\n\n(σ(z3) - y) a2ᵀ\n";
    }
    Run l = run({"compare", example("lecture/mlp_1231.mc"), "--wrt", "W3", "--claims", claims});
    CHECK(l.code == 0);
    CHECK(l.out == "id  equal    diagnosis\n2   yes\n4   yes\n2 of 2 equal\n");
    std::filesystem::remove_all(dir);
}
