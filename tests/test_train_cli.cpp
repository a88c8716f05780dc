// `matcalc train` through the command line (issue 5): the lecture's worked example saves the
// golden updated weights, the perceptron cannot learn xor while a 2-layer MLP does, iris to
// a held-out accuracy, divergence, the log, --init, and bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;
namespace fs = std::filesystem;

namespace {

struct Scratch {
    fs::path dir;
    Scratch() {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("matcalc_train_" + std::to_string(rd()));
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string file(const std::string& name, const std::string& text = "") const {
        std::string p = (dir / name).string();
        if (!text.empty()) std::ofstream(p) << text;
        return p;
    }
};

// The numbers after "loss " and "accuracy " on the last line starting with `prefix`.
double last_value(const std::string& out, const std::string& prefix, const std::string& key) {
    std::size_t line = out.rfind("\n" + prefix);
    std::size_t at = out.find(key + " ", line == std::string::npos ? 0 : line);
    REQUIRE(at != std::string::npos);
    return std::stod(out.substr(at + key.size() + 1));
}

}  // namespace

TEST_CASE("train: the lecture's worked example, one SGD step, saves the golden weights", "[train][cli]") {
    Scratch s;
    std::string data = s.file("one.csv", "x,y\n2.0,1\n"), saved = s.file("w.json");
    Run r = run({"train", example("lecture/mlp_1231.mc"), "--data", data, "--epochs", "1", "--batch", "1", "--lr", "0.1",
                 "--optimizer", "sgd", "--save", saved});
    INFO(r.err);
    REQUIRE(r.code == 0);
    json::Value golden = parse_json(read_file(std::string(MATCALC_SOURCE_DIR) + "/tests/golden/lecture_mlp.json"));
    CHECK(last_value(r.out, "epoch", "loss") == Approx(golden.find("after_step")->find("new_loss")->as_number()).epsilon(1e-6));
    json::Value w = parse_json(read_file(saved));
    for (const json::Member& m : golden.find("updated_weights")->members()) {
        INFO(m.key);
        std::vector<double> expected, got;
        auto flatten = [](const json::Value& v, std::vector<double>& out, auto& self) -> void {
            if (v.is_number()) out.push_back(v.as_number());
            else for (const json::Value& e : v.items()) self(e, out, self);
        };
        flatten(m.value, expected, flatten);
        flatten(*w.find(m.key), got, flatten);
        REQUIRE(got.size() == expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::abs(got[i] - expected[i]) < 1e-12);
    }
    // Nothing half-written is left beside it; and the saved values read back as --init.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(s.dir)) ++files;
    CHECK(files == 2);
    Run again = run({"train", example("lecture/mlp_1231.mc"), "--data", data, "--epochs", "1", "--batch", "1",
                     "--init", saved});
    CHECK(again.code == 0);
    CHECK(last_value(again.out, "epoch", "loss") < last_value(r.out, "epoch", "loss"));
}

TEST_CASE("train: the perceptron cannot learn xor, a 2-layer MLP does", "[train][cli]") {
    Run perceptron = run({"train", example("train/perceptron_xor.mc"), "--data", "xor", "--samples", "4", "--noise", "0",
                          "--epochs", "100", "--batch", "4"});
    REQUIRE(perceptron.code == 0);
    // step's derivative is zero: the loss never moves from its first value.
    std::size_t first = perceptron.out.find("loss ");
    CHECK(std::stod(perceptron.out.substr(first + 5)) == last_value(perceptron.out, "epoch", "loss"));
    CHECK(last_value(perceptron.out, "epoch", "accuracy") < 1.0);
    Run mlp = run({"train", example("train/mlp_xor.mc"), "--data", "xor", "--samples", "4", "--noise", "0", "--epochs",
                   "300", "--batch", "4", "--optimizer", "adam", "--lr", "0.05"});
    REQUIRE(mlp.code == 0);
    CHECK(last_value(mlp.out, "epoch", "accuracy") == 1.0);
    CHECK(last_value(mlp.out, "epoch", "loss") < 0.01);
}

TEST_CASE("train and eval in single precision (--precision float32)", "[train][cli]") {
    Run mlp = run({"train", example("train/mlp_xor.mc"), "--data", "xor", "--samples", "4", "--noise", "0", "--epochs",
                   "300", "--batch", "4", "--optimizer", "adam", "--lr", "0.05", "--precision", "float32"});
    REQUIRE(mlp.code == 0);
    CHECK(last_value(mlp.out, "epoch", "accuracy") == 1.0);
    CHECK(last_value(mlp.out, "epoch", "loss") < 0.01);
    // eval: float's rounding, not double's.
    Scratch s;
    std::string at = s.file("at.json", "{\"x\": [0.1, 0.2, 0.3]}");
    const std::string model = "x : vector(3); f = sum(tanh(x) .* exp(x))";
    Run f64 = run({"eval", "-e", model, "--at", at, "--format", "json"});
    Run f32 = run({"eval", "-e", model, "--at", at, "--format", "json", "--precision", "float32"});
    REQUIRE(f64.code == 0);
    REQUIRE(f32.code == 0);
    const double exact = std::tanh(0.1) * std::exp(0.1) + std::tanh(0.2) * std::exp(0.2) + std::tanh(0.3) * std::exp(0.3);
    auto value = [](const std::string& json) { return std::stod(json.substr(json.find("\"value\": ") + 9)); };
    CHECK(std::abs(value(f64.out) - exact) < 1e-15);
    const double single = value(f32.out);
    CHECK(std::abs(single - exact) < 1e-6);
    CHECK(std::abs(single - exact) > 1e-12);
}

TEST_CASE("train: iris to a held-out accuracy, with a log", "[train][cli]") {
    Scratch s;
    std::string log = s.file("log.csv");
    Run r = run({"train", example("train/iris.mc"), "--data", example("train/iris_train.csv"), "--target", "species",
                 "--test", example("train/iris_test.csv"), "--epochs", "200", "--batch", "16", "--optimizer", "adam",
                 "--lr", "0.01", "--log", log});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(last_value(r.out, "test", "accuracy") >= 0.95);
    std::string text = read_file(log);
    CHECK(text.rfind("epoch,loss,accuracy\n1,", 0) == 0);
    CHECK(std::count(text.begin(), text.end(), '\n') == 201);
}

TEST_CASE("train: a diverging run stops with the epoch and the parameter", "[train][cli]") {
    Scratch s;
    std::string data = s.file("line.csv", "x,y\n1,2\n2,4\n3,6\n4,8\n");
    Run r = run({"train", "-e", "input x : scalar; target y : scalar; param w : scalar = 0; L = (w*x - y)^2", "--data",
                 data, "--lr", "10", "--epochs", "1000", "--batch", "4"});
    CHECK(r.code == 1);
    CHECK(r.err.find("training diverged: epoch ") != std::string::npos);
    CHECK((r.err.find("the parameter 'w'") != std::string::npos || r.err.find("the loss is") != std::string::npos));
    // A learning rate that suits it converges to w = 2.
    std::string saved = s.file("w.json");
    Run ok = run({"train", "-e", "input x : scalar; target y : scalar; param w : scalar = 0; L = (w*x - y)^2", "--data",
                  data, "--lr", "0.02", "--epochs", "200", "--batch", "4", "--save", saved});
    REQUIRE(ok.code == 0);
    CHECK(parse_json(read_file(saved)).find("w")->as_number() == Approx(2.0).epsilon(1e-9));
}

TEST_CASE("train: bad input is exit code 2 with a message", "[train][cli][bad_input]") {
    Scratch s;
    const std::string model = "input x : vector(2); target y : scalar; param w : vector(2) ~ zeros; L = (w·x - y)^2";
    auto fails = [&](std::vector<std::string> args, const std::string& message) {
        Run r = run(args);
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find(message) != std::string::npos);
    };
    fails({"train", "-e", model}, "train needs --data");
    fails({"train", "-e", model, "--data", "spiral"}, "cannot read 'spiral'");
    fails({"train", "-e", model, "--data", "xor", "--optimizer", "rmsprop"}, "unknown optimizer 'rmsprop'");
    fails({"train", "-e", model, "--data", "xor", "--lr", "-1"}, "--lr expects a positive number");
    fails({"train", "-e", "input x : scalar; target y : scalar; param w : scalar ~ zeros; L = (w*x - y)^2", "--data", "xor"},
          "the data has 2 input columns and 1 target column; the model takes 1 and 1");
    fails({"train", "-e", "input x : vector(2); target y : scalar; L = sum(x) - y", "--data", "xor"},
          "no parameters to train");
    fails({"train", "-e", "input x : vector(2); target y : scalar; param w : vector(2); L = (w·x - y)^2", "--data", "xor"},
          "has no initial value");
    fails({"train", "-e", model, "--data", s.file("bad.csv", "a,b,y\n1,2,3\n4,x,6\n")}, "bad.csv:3:3: error:");
    fails({"train", "-e", model, "--data", "xor", "--output", "nothing"}, "no definition named 'nothing'");
    fails({"train", "-e", model, "--data", "xor", "--precision", "float16"}, "unknown precision 'float16'");
}

TEST_CASE("train: --init alone gives parameters declared without initial values", "[train][cli]") {
    // The lecture's network with bare `param` declarations: the values file is enough, and
    // one SGD step from it gives the golden updated weights, as the model with `= ...` does.
    Scratch s;
    const std::string bare =
        "input x : scalar; target y : scalar\n"
        "param W1 : matrix(2, 1); param b1 : vector(2); param W2 : matrix(3, 2); param b2 : vector(3)\n"
        "param W3 : matrix(1, 3); param b3 : vector(1)\n"
        "a1 = σ(W1*x + b1); a2 = σ(W2*a1 + b2); yhat = σ(W3*a2 + b3); L = bce(yhat, y)";
    const std::string init = s.file("init.json",
                                    R"({"W1": [[0.1], [0.1]], "b1": [0.1, 0.2], "W2": [[0.2, 0.1], [0.3, 0.2], [0.1, 0.3]],)"
                                    R"( "b2": [0.3, 0.1, 0.2], "W3": [[0.4, 0.2, 0.6]], "b3": [0.5]})");
    const std::string data = s.file("one.csv", "x,y\n2.0,1\n"), saved = s.file("w.json");
    Run r = run({"train", "-e", bare, "--data", data, "--init", init, "--epochs", "1", "--batch", "1", "--lr", "0.1",
                 "--save", saved});
    INFO(r.err);
    REQUIRE(r.code == 0);
    json::Value golden = parse_json(read_file(std::string(MATCALC_SOURCE_DIR) + "/tests/golden/lecture_mlp.json"));
    CHECK(last_value(r.out, "epoch", "loss") ==
          Approx(golden.find("after_step")->find("new_loss")->as_number()).epsilon(1e-6));
    json::Value w = parse_json(read_file(saved));
    const json::Value& b3 = *golden.find("updated_weights")->find("b3");
    CHECK(std::abs(w.find("b3")->items()[0].as_number() - b3.items()[0].as_number()) < 1e-12);

    // A values file that lacks one of them names it (and the file), exit 2.
    const std::string partial = s.file("partial.json", R"({"W1": [[0.1], [0.1]], "b1": [0.1, 0.2], "W2": [[0.2, 0.1], [0.3, 0.2], [0.1, 0.3]], "b2": [0.3, 0.1, 0.2], "W3": [[0.4, 0.2, 0.6]]})");
    Run missing = run({"train", "-e", bare, "--data", data, "--init", partial});
    CHECK(missing.code == 2);
    INFO(missing.err);
    CHECK(missing.err.rfind(partial + ": error: the values file gives no value for the parameter 'b3'", 0) == 0);
    // A parameter with an initializer of its own may be left out of the file.
    Run mixed = run({"train", "-e", "input x : vector(2); target y : scalar; param w : vector(2); param c : scalar ~ zeros; "
                                    "L = (w·x + c - y)^2",
                     "--data", "xor", "--init", R"({"w": [0.5, -0.5]})", "--epochs", "1"});
    INFO(mixed.err);
    CHECK(mixed.code == 0);
}
