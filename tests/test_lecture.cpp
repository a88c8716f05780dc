// Every derivation of the lecture (examples/lecture/README.md lists its slides), through the
// command line on the files in examples/lecture/: the symbolic form where the slide fixes
// it, and the numbers against finite differences always.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <regex>

#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

struct Slide {
    const char* file;
    const char* wrt;
    const char* unicode;  // nullptr: numbers only
};

const Slide kSlides[] = {
    {"linear.mc", "w", "xᵀ"},
    {"affine.mc", "w", "xᵀ"},
    {"perceptron.mc", "w", "0ᵀ"},  // the step's derivative is zero almost everywhere
    {"sigmoid.mc", "z", "σ(z) (1 − σ(z))"},
    {"tanh.mc", "x", "1 − tanh(x)²"},
    {"relu.mc", "x", "step(x)"},
    {"relu_broadcast.mc", "x", "diag(step(x))"},
    {"leaky_relu.mc", "x", "0.01 + 0.99 step(x)"},
    {"bce.mc", "yhat", nullptr},
    {"bce_sigmoid.mc", "z", "yhat − y"},  // the lecture's "beautiful result"
    {"jacobian_fg.mc", "x", nullptr},
    {"identity.mc", "x", "I"},
    {"ew_add.mc", "w", "I"},
    {"ew_sub.mc", "x", "−I"},
    {"ew_hadamard.mc", "w", "diag(x)"},
    {"ew_divide.mc", "w", "diag(1 ⊘ x)"},
    {"vs_add.mc", "z", "𝟏"},
    {"vs_mul.mc", "x", "z I"},
    {"vs_mul.mc", "z", "x"},
    {"sum_reduction.mc", "x", "𝟏ᵀ"},
    {"sum_xz.mc", "x", nullptr},
    {"chain_sin.mc", "x", nullptr},
    {"total_derivative.mc", "x", "3 u1"},  // ∂(x u1)/∂x + ∂(x u1)/∂u1 ∂u1/∂x = u1 + 2x² = 3x²
    {"vector_chain.mc", "x", "[2 / x; 3 cos(g2)]"},
    {"neuron_sum.mc", "w", "xᵀ"},
    {"relu_neuron.mc", "w", "step(z) xᵀ"},
    {"relu_neuron.mc", "b", "step(z)"},
    {"relu_neuron.mc", "x", "step(z) wᵀ"},
    {"relu_neuron_inline.mc", "w", "step(w·x + b) xᵀ"},
    {"relu_mse.mc", "w", nullptr},
    {"relu_mse.mc", "b", nullptr},
    {"output_neuron.mc", "w", "(yhat − y) aᵀ"},
    {"bce_sigmoid_written.mc", "z", "yhat − y"},  // the slide's formula, multiplied out
    {"mlp_1231.mc", "W1", nullptr},
    {"mlp_1231.mc", "b2", nullptr},
    {"mlp_1231.mc", "W3", "(yhat − y) a2ᵀ"},
};

}  // namespace

TEST_CASE("every lecture derivation: symbolic form and finite differences", "[lecture]") {
    for (const Slide& s : kSlides) {
        std::string path = example("lecture/") + s.file;
        INFO(s.file << " --wrt " << s.wrt);
        if (s.unicode) CHECK(derive({path, "--wrt", s.wrt}).unicode == s.unicode);
        Run check = run({"check", path, "--wrt", s.wrt, "--points", "4"});
        CHECK(check.code == 0);
        CHECK(check.err.empty());
        // A scalar function's Hessian, against differences of its gradient.
        Run hessian = run({"check", path, "--wrt", s.wrt, "--points", "3", "--hessian"});
        INFO("--hessian: " << hessian.out << hessian.err);
        if (hessian.err.find("needs a scalar function") == std::string::npos) CHECK(hessian.code == 0);
    }
}

TEST_CASE("the mean-squared ReLU loss reads as the lecture's vectorised result", "[lecture]") {
    // ∂C/∂w = (2/N) Σ eᵢ xᵢᵀ over the active samples, e = Xw + b − y: here as
    // −(2/N) ((y − u) ⊙ step(z))ᵀ X with the lecture's intermediate names.
    std::string path = example("lecture/relu_mse_steps.mc");
    CHECK(derive({path, "--wrt", "w"}).unicode == "−(2 / N) (v ⊙ step(z))ᵀ X");
    CHECK(derive({path, "--wrt", "b"}).unicode == "−(2 / N) sum(v ⊙ step(z))");
}

TEST_CASE("the 1-2-3-1 network reproduces every golden gradient to 1e-12", "[lecture][golden]") {
    json::Value golden = parse_json(read_file(std::string(MATCALC_SOURCE_DIR) + "/tests/golden/lecture_mlp.json"));
    const json::Value& gradients = *golden.find("gradients");
    std::string model = example("lecture/mlp_1231.mc");
    std::string values = example("lecture/mlp_1231.json");
    std::vector<std::string> args{"derive", model, "--at", values, "--format", "json"};
    for (const char* p : {"W1", "b1", "W2", "b2", "W3", "b3", "z1", "a1", "z2", "a2", "z3", "yhat"})
        args.insert(args.end(), {"--wrt", p});
    Run r = run(args);
    REQUIRE(r.code == 0);
    json::Value out = parse_json(r.out);
    CHECK(std::abs(out.find("value")->as_number() - golden.find("forward")->find("loss")->as_number()) < 1e-12);
    int compared = 0;
    for (const json::Value& d : out.find("derivatives")->items()) {
        std::string name = d.find("wrt")->as_string();
        const json::Value* expected = gradients.find("dL/d" + name);
        if (!expected) continue;
        // Flatten both (row-major lists of rows, or flat lists) and compare entry by entry.
        auto flatten = [](const json::Value& v) {
            std::vector<double> out;
            if (v.is_number()) out.push_back(v.as_number());
            else
                for (const json::Value& item : v.items()) {
                    if (item.is_number()) out.push_back(item.as_number());
                    else
                        for (const json::Value& x : item.items()) out.push_back(x.as_number());
                }
            return out;
        };
        std::vector<double> got = flatten(*d.find("gradient")), want = flatten(*expected);
        INFO("dL/d" << name);
        REQUIRE(got.size() == want.size());
        for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::abs(got[i] - want[i]) < 1e-12);
        // Vectors and weight matrices come back as lists (of rows), like the golden file;
        // z3 is 1×1, a scalar (docs/language.md), where the golden file has a list of one.
        if (want.size() > 1) CHECK(d.find("gradient")->is_array());
        ++compared;
    }
    CHECK(compared == 11);  // 6 parameters and z1, a1, z2, a2, z3
}

TEST_CASE("the 1-2-3-1 network's forward values match the golden file", "[lecture][golden]") {
    json::Value golden = parse_json(read_file(std::string(MATCALC_SOURCE_DIR) + "/tests/golden/lecture_mlp.json"));
    const json::Value& forward = *golden.find("forward");
    for (const char* name : {"z1", "a1", "z2", "a2", "z3", "yhat"}) {
        Run r = run({"eval", example("lecture/mlp_1231.mc"), "--of", name, "--at", example("lecture/mlp_1231.json"), "--format", "json"});
        REQUIRE(r.code == 0);
        json::Value v = *parse_json(r.out).find("value");
        const json::Value& want = *forward.find(name);
        std::vector<double> got;
        if (v.is_number()) got.push_back(v.as_number());
        else
            for (const auto& x : v.items()) got.push_back(x.as_number());
        INFO(name);
        REQUIRE(got.size() == want.items().size());
        for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::abs(got[i] - want.items()[i].as_number()) < 1e-15);
    }
}
