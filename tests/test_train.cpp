// The trainer (issue 5): the lecture's worked example one SGD step at a time against
// tests/golden/lecture_mlp.json, and parity with the hand-written reference MLP: the
// same networks, data, initial values and batch order, every loss and parameter to 1e-10
// for 20 steps.
#include <catch2/catch.hpp>

#include <random>

#include "matcalc/apps/data.hpp"
#include "reference_mlp.hpp"
#include "matcalc/apps/train.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;
using Eigen::MatrixXd;

namespace {

MatrixXd json_matrix(const json::Value& v) {
    const auto& items = v.items();
    if (items.empty() || !items[0].is_array()) {  // a flat list: a column
        MatrixXd m(static_cast<Eigen::Index>(items.size()), 1);
        for (std::size_t i = 0; i < items.size(); ++i) m(static_cast<Eigen::Index>(i), 0) = items[i].as_number();
        return m;
    }
    MatrixXd m(static_cast<Eigen::Index>(items.size()), static_cast<Eigen::Index>(items[0].items().size()));
    for (std::size_t i = 0; i < items.size(); ++i)
        for (std::size_t j = 0; j < items[i].items().size(); ++j)
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = items[i].items()[j].as_number();
    return m;
}

Model load(const std::string& path) { return load_model(Source{path, read_file(path)}); }

}  // namespace

TEST_CASE("one SGD step of the lecture's 1-2-3-1 network reproduces the golden numbers", "[train][lecture]") {
    json::Value golden = parse_json(read_file(std::string(MATCALC_SOURCE_DIR) + "/tests/golden/lecture_mlp.json"));
    Model m = load(example("lecture/mlp_1231.mc"));
    Trainer t(m, *m.find("L"), OptimizerSettings{OptimizerKind::SGD, 0.1});
    CHECK(t.lifted());
    t.set_parameters(initial_parameters(m, 1, Env{}));
    MatrixXd X(1, 1), Y(1, 1);
    X << 2.0;
    Y << 1.0;
    const double loss = t.step(X, Y);
    CHECK(loss == Approx(golden.find("forward")->find("loss")->as_number()).epsilon(1e-12));
    for (const json::Member& w : golden.find("updated_weights")->members()) {
        const std::string& name = w.key;
        INFO(name);
        MatrixXd expected = json_matrix(w.value);
        const MatrixXd& got = t.parameter_values().at(name);
        REQUIRE(got.size() == expected.size());
        CHECK((got.reshaped() - expected.reshaped()).cwiseAbs().maxCoeff() < 1e-12);
    }
    const json::Value& after = *golden.find("after_step");
    CHECK(std::abs(t.loss(X, Y) - after.find("new_loss")->as_number()) < 1e-12);
    CHECK(std::abs(t.predict("yhat", X)(0, 0) - after.find("new_yhat")->items()[0].as_number()) < 1e-12);
}

namespace {

struct Network {
    const char* name;
    const char* model;  // per-sample, as the lecture writes it
    std::vector<int> sizes;
    std::vector<reference::Activation> activations;
    reference::Loss loss;
    const char* data;   // a generator, or "blobs3" for three classes
    bool lifted = true; // false: no batched form, trained sample by sample
};

// The reference MLP with the trainer's initial values.
reference::MLP reference_of(const Network& n, const std::map<std::string, MatrixXd>& values) {
    std::vector<reference::Layer> layers;
    for (std::size_t l = 0; l + 1 < n.sizes.size(); ++l) {
        std::string i = std::to_string(l + 1);
        layers.push_back({values.at("W" + i), values.at("b" + i).reshaped(), n.activations[l]});
    }
    return reference::MLP(layers, n.loss);
}

}  // namespace

TEST_CASE("trainer and reference MLP agree on every loss and parameter for 20 steps", "[train][parity]") {
    using A = reference::Activation;
    const Network networks[] = {
        {"1-2-3-1 sigmoid/BCE",
         "input x : scalar; target y : scalar; param W1 : matrix(2, 1) ~ glorot; param b1 : vector(2) ~ normal(0, 0.1)\n"
         "param W2 : matrix(3, 2) ~ glorot; param b2 : vector(3) ~ normal(0, 0.1); param W3 : matrix(1, 3) ~ glorot\n"
         "param b3 : scalar ~ normal(0, 0.1)\n"
         "a1 = σ(W1*x + b1); a2 = σ(W2*a1 + b2); yhat = σ(W3*a2 + b3); L = bce(yhat, y)",
         {1, 2, 3, 1}, {A::Sigmoid, A::Sigmoid, A::Sigmoid}, reference::Loss::BCE, "moons"},
        {"2-16-1 tanh/BCE",
         "input x : vector(2); target y : scalar; param W1 : matrix(16, 2) ~ glorot; param b1 : vector(16) ~ zeros\n"
         "param W2 : matrix(1, 16) ~ glorot; param b2 : scalar ~ zeros\n"
         "h = tanh(W1*x + b1); yhat = σ(W2*h + b2); L = bce(yhat, y)",
         {2, 16, 1}, {A::Tanh, A::Sigmoid}, reference::Loss::BCE, "circles"},
        {"2-8-1 leaky ReLU/MSE",
         "input x : vector(2); target y : scalar; param W1 : matrix(8, 2) ~ glorot; param b1 : vector(8) ~ normal(0, 0.1)\n"
         "param W2 : matrix(1, 8) ~ glorot; param b2 : scalar ~ zeros\n"
         "h = leaky_relu(W1*x + b1); yhat = W2*h + b2; L = (yhat - y)^2",
         {2, 8, 1}, {A::LeakyReLU, A::Identity}, reference::Loss::MSE, "xor"},
        // softmax lifts to the softmax of a matrix, column by column.
        {"4-8-3 ReLU/softmax-CE",
         "input x : vector(4); target y : vector(3); param W1 : matrix(8, 4) ~ glorot; param b1 : vector(8) ~ normal(0, 0.1)\n"
         "param W2 : matrix(3, 8) ~ glorot; param b2 : vector(3) ~ zeros\n"
         "h = max(0, W1*x + b1); z = W2*h + b2; L = -y·log(softmax(z))",
         {4, 8, 3}, {A::ReLU, A::Identity}, reference::Loss::SoftmaxCE, "iris"},
        // The same loss through logsumexp, lifted to logsumexp(Z, 1): a row, one per sample.
        {"4-8-3 ReLU/softmax-CE through logsumexp",
         "input x : vector(4); target y : vector(3); param W1 : matrix(8, 4) ~ glorot; param b1 : vector(8) ~ normal(0, 0.1)\n"
         "param W2 : matrix(3, 8) ~ glorot; param b2 : vector(3) ~ zeros\n"
         "h = max(0, W1*x + b1); z = W2*h + b2; L = logsumexp(z) - y·z",
         {4, 8, 3}, {A::ReLU, A::Identity}, reference::Loss::SoftmaxCE, "iris"},
        // With a transpose of a sample, which has no batched form: sample by sample.
        {"4-8-3 ReLU/softmax-CE through a transpose",
         "input x : vector(4); target y : vector(3); param W1 : matrix(8, 4) ~ glorot; param b1 : vector(8) ~ normal(0, 0.1)\n"
         "param W2 : matrix(3, 8) ~ glorot; param b2 : vector(3) ~ zeros\n"
         "h = max(0, W1*x + b1); z = W2*h + b2; L = logsumexp(z) - z' * y",
         {4, 8, 3}, {A::ReLU, A::Identity}, reference::Loss::SoftmaxCE, "iris", false},
    };
    const OptimizerKind kinds[] = {OptimizerKind::SGD, OptimizerKind::Momentum, OptimizerKind::Adam};
    // In float64 to 1e-10; in float32 (the programs, the parameters and their updates in
    // float) to float's accuracy carried through 20 steps.
    const std::pair<Precision, double> precisions[] = {{Precision::Float64, 1e-10}, {Precision::Float32, 2e-5}};
    for (auto [precision, tol] : precisions)
    for (const Network& n : networks)
        for (OptimizerKind kind : kinds) {
            INFO(n.name << ", optimizer " << static_cast<int>(kind) << (precision == Precision::Float32 ? ", float32" : ""));
            Model m = load_model(Source{"net.mc", n.model});
            // The same settings for both (each implements the updates itself).
            const OptimizerSettings o{.kind = kind, .lr = kind == OptimizerKind::Adam ? 0.01 : 0.1};
            Trainer t(m, m.function(std::nullopt), o, precision);
            CHECK(t.lifted() == n.lifted);
            std::map<std::string, MatrixXd> init = initial_parameters(m, 42, Env{});
            t.set_parameters(init);
            reference::MLP ref = reference_of(n, init);
            data::Dataset d = std::string(n.data) == "iris"
                                  ? data::read_csv(Source{"iris.csv", read_file(example("data/iris.csv"))})
                                  : data::generate(n.data, 64, 7, 0.1);
            if (n.sizes[0] == 1) d.X = d.X.col(0).eval();  // one input feature
            double largest = 0;  // difference of the losses
            for (int epoch = 0, steps = 0; steps < 20; ++epoch)
                for (const auto& batch : data::minibatches(d.samples(), 16, 3, epoch, true)) {
                    if (steps++ == 20) break;
                    MatrixXd X = data::columns(d.X, batch), Y = data::columns(d.Y, batch);
                    double mine = t.step(X, Y, epoch + 1);
                    double theirs = ref.train_step(X, Y, o);
                    CHECK(std::abs(mine - theirs) < tol);
                    largest = std::max(largest, std::abs(mine - theirs));
                }
            // A float32 run is really computed in float: it differs by more than double's rounding.
            if (precision == Precision::Float32) CHECK(largest > 1e-10);
            for (std::size_t l = 0; l + 1 < n.sizes.size(); ++l) {
                std::string i = std::to_string(l + 1);
                CHECK((t.parameter_values().at("W" + i) - ref.layers()[l].W).cwiseAbs().maxCoeff() < tol);
                CHECK((t.parameter_values().at("b" + i).reshaped() - ref.layers()[l].b).cwiseAbs().maxCoeff() < tol);
            }
        }
}
