// The reference MLP (tests/support/reference_mlp.hpp): its gradients against central
// finite differences for every activation and loss, the lecture's 1-2-3-1 network against
// tests/golden/lecture_mlp.json (made by tests/golden/lecture_mlp.py), and the optimizers against two
// steps computed by hand (PyTorch is not installed here; the numbers come from a separate
// pure-Python transcription of the formulas, quoted next to them).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference_mlp.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::reference;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

const char* name(Activation f) {
    switch (f) {
    case Activation::Identity: return "Identity";
    case Activation::Sigmoid: return "Sigmoid";
    case Activation::Tanh: return "Tanh";
    case Activation::ReLU: return "ReLU";
    case Activation::LeakyReLU: return "LeakyReLU";
    }
    return "?";
}
const char* name(Loss loss) { return loss == Loss::BCE ? "BCE" : loss == Loss::SoftmaxCE ? "SoftmaxCE" : "MSE"; }

const Activation kAll[] = {Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::ReLU,
                           Activation::LeakyReLU};

MatrixXd uniform(Eigen::Index rows, Eigen::Index cols, double lo, double hi, std::mt19937& rng) {
    std::uniform_real_distribution<double> u(lo, hi);
    MatrixXd m(rows, cols);
    for (double& v : m.reshaped()) v = u(rng);
    return m;
}

// A random net with layer sizes `sizes` (input first) and one activation per layer.
std::vector<Layer> random_layers(const std::vector<int>& sizes, const std::vector<Activation>& f, std::mt19937& rng) {
    std::vector<Layer> layers;
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l)
        layers.push_back({uniform(sizes[l + 1], sizes[l], -1, 1, rng), uniform(sizes[l + 1], 1, -1, 1, rng), f[l]});
    return layers;
}

MatrixXd random_targets(Loss loss, Eigen::Index rows, Eigen::Index B, std::mt19937& rng) {
    // SoftmaxCE: nonnegative weights that do NOT sum to 1, to exercise softmax·Σy − y.
    if (loss == Loss::MSE) return uniform(rows, B, -1, 1, rng);
    return uniform(rows, B, 0.05, 0.95, rng);
}

// The smallest |z| over the layers whose activation has a kink (ReLU, leaky ReLU).
double kink_distance(const MLP& net) {
    double nearest = INFINITY;
    for (std::size_t l = 0; l < net.layers().size(); ++l) {
        const Activation f = net.layers()[l].activation;
        if (f == Activation::ReLU || f == Activation::LeakyReLU)
            nearest = std::min(nearest, net.pre_activations()[l].cwiseAbs().minCoeff());
    }
    return nearest;
}

// max over entries of |g − fd| / max(|fd|, 1e-3): relative, with a floor so that entries
// near zero are held to the finite difference's own absolute accuracy (~1e-10).
template <class Param>
double fd_error(MLP& net, Param& p, const Param& g, const MatrixXd& X, const MatrixXd& Y) {
    const double h = 1e-5;
    double worst = 0;
    for (Eigen::Index i = 0; i < p.size(); ++i) {
        const double saved = p(i);
        p(i) = saved + h;
        const double up = net.loss(X, Y);
        p(i) = saved - h;
        const double down = net.loss(X, Y);
        p(i) = saved;
        const double fd = (up - down) / (2 * h);
        worst = std::max(worst, std::abs(g(i) - fd) / std::max(std::abs(fd), 1e-3));
    }
    return worst;
}

void check_gradients(const std::vector<int>& sizes, const std::vector<Activation>& f, Loss loss, unsigned seed) {
    std::mt19937 rng(seed);
    for (int attempt = 0;; ++attempt) {
        REQUIRE(attempt < 50);
        MLP net(random_layers(sizes, f, rng), loss);
        const MatrixXd X = uniform(sizes.front(), 5, -2, 2, rng);
        const MatrixXd Y = random_targets(loss, sizes.back(), 5, rng);
        net.forward_backward(X, Y);
        if (kink_distance(net) < 1e-3) continue;  // a finite difference would straddle the kink
        const std::vector<MatrixXd> gW = net.grad_W();
        const std::vector<VectorXd> gb = net.grad_b();
        for (std::size_t l = 0; l < sizes.size() - 1; ++l) {
            INFO("layer " << l + 1);
            CHECK(fd_error(net, net.layers()[l].W, gW[l], X, Y) < 1e-6);
            CHECK(fd_error(net, net.layers()[l].b, gb[l], X, Y) < 1e-6);
        }
        return;
    }
}

bool close(const MatrixXd& actual, const MatrixXd& expected, double tol) {
    return actual.rows() == expected.rows() && actual.cols() == expected.cols() &&
           (actual - expected).cwiseAbs().maxCoeff() <= tol;
}

// Values-file layouts (README, Commands): a flat list is a column, a list of lists is rows.
MatrixXd from_json(const json::Value& v) {
    const auto& items = v.items();
    if (!items.at(0).is_array()) {
        VectorXd c(static_cast<Eigen::Index>(items.size()));
        for (std::size_t i = 0; i < items.size(); ++i) c(static_cast<Eigen::Index>(i)) = items[i].as_number();
        return c;
    }
    MatrixXd m(static_cast<Eigen::Index>(items.size()), static_cast<Eigen::Index>(items[0].size()));
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            m(r, c) = items[static_cast<std::size_t>(r)].items().at(static_cast<std::size_t>(c)).as_number();
    return m;
}

}  // namespace

TEST_CASE("reference: gradients of every activation and loss against finite differences", "[reference]") {
    unsigned seed = 1;
    for (Activation hidden : kAll) {
        for (Loss loss : {Loss::BCE, Loss::SoftmaxCE, Loss::MSE}) {
            // BCE and SoftmaxCE fix the output activation; MSE takes any.
            std::vector<Activation> outputs{loss == Loss::BCE ? Activation::Sigmoid : Activation::Identity};
            if (loss == Loss::MSE) outputs.assign(std::begin(kAll), std::end(kAll));
            for (Activation out : outputs) {
                INFO("3-4-2, hidden " << name(hidden) << ", output " << name(out) << ", " << name(loss));
                check_gradients({3, 4, 2}, {hidden, out}, loss, seed++);
            }
        }
    }
    // Deeper, so that δ passes through several different derivatives.
    for (Loss loss : {Loss::BCE, Loss::SoftmaxCE, Loss::MSE}) {
        INFO("3-5-4-3-2, " << name(loss));
        const Activation out = loss == Loss::BCE ? Activation::Sigmoid : Activation::Identity;
        check_gradients({3, 5, 4, 3, 2}, {Activation::Tanh, Activation::LeakyReLU, Activation::Sigmoid, out}, loss, seed++);
    }
}

TEST_CASE("reference: the batch loss and its gradients are means over the columns", "[reference]") {
    std::mt19937 rng(7);
    for (Loss loss : {Loss::BCE, Loss::SoftmaxCE, Loss::MSE}) {
        INFO(name(loss));
        const Activation out = loss == Loss::BCE ? Activation::Sigmoid : Activation::Identity;
        MLP net(random_layers({3, 4, 2}, {Activation::Tanh, out}, rng), loss);
        const MatrixXd X = uniform(3, 4, -2, 2, rng), Y = random_targets(loss, 2, 4, rng);
        double mean = 0;
        MatrixXd gW = MatrixXd::Zero(4, 3);
        for (Eigen::Index j = 0; j < 4; ++j) {
            mean += net.forward_backward(X.col(j), Y.col(j)) / 4;
            gW += net.grad_W()[0] / 4;
        }
        CHECK(net.forward_backward(X, Y) == Approx(mean).epsilon(1e-14));
        CHECK(close(net.grad_W()[0], gW, 1e-15));
    }
}

TEST_CASE("reference: the lecture's 1-2-3-1 network matches the golden file to 1e-12", "[reference]") {
    const json::Value golden = testing::parse_json(testing::read_file(MATCALC_SOURCE_DIR "/tests/golden/lecture_mlp.json"));
    const json::Value& setup = *golden.find("setup");
    const json::Value& initial = *golden.find("initial_weights");
    const json::Value& forward = *golden.find("forward");
    const json::Value& gradients = *golden.find("gradients");
    const json::Value& updated = *golden.find("updated_weights");
    const json::Value& after = *golden.find("after_step");
    auto layer = [&](const json::Value& weights, int l) {
        return Layer{from_json(*weights.find("W" + std::to_string(l))), from_json(*weights.find("b" + std::to_string(l))),
                     Activation::Sigmoid};
    };
    MLP net({layer(initial, 1), layer(initial, 2), layer(initial, 3)}, Loss::BCE);
    const MatrixXd x = MatrixXd::Constant(1, 1, setup.find("x")->as_number());
    const MatrixXd y = MatrixXd::Constant(1, 1, setup.find("y")->as_number());
    auto expect = [](const json::Value& where, const std::string& key, const MatrixXd& actual) {
        INFO(key << " = " << actual.transpose());
        CHECK(close(actual, from_json(*where.find(key)), 1e-12));
    };

    const OptimizerSettings sgd{.kind = OptimizerKind::SGD, .lr = setup.find("lr")->as_number()};
    const double loss = net.train_step(x, y, sgd);  // the loss before the update
    CHECK(std::abs(loss - forward.find("loss")->as_number()) <= 1e-12);
    for (int l = 1; l <= 3; ++l) {
        const auto i = static_cast<std::size_t>(l - 1);
        const std::string n = std::to_string(l);
        expect(forward, "z" + n, net.pre_activations()[i]);
        expect(forward, l == 3 ? "yhat" : "a" + n, net.activations()[i]);
        expect(gradients, "dL/dz" + n, net.deltas()[i]);
        if (l < 3)  // ∂L/∂a_l = W_{l+1}ᵀ δ_{l+1}, with the weights before the step
            expect(gradients, "dL/da" + n, from_json(*initial.find("W" + std::to_string(l + 1))).transpose() * net.deltas()[l]);
        expect(gradients, "dL/dW" + n, net.grad_W()[i]);
        expect(gradients, "dL/db" + n, net.grad_b()[i]);
        expect(updated, "W" + n, net.layers()[i].W);
        expect(updated, "b" + n, net.layers()[i].b);
    }

    CHECK(std::abs(net.loss(x, y) - after.find("new_loss")->as_number()) <= 1e-12);
    expect(after, "new_a1", net.activations()[0]);
    expect(after, "new_a2", net.activations()[1]);
    expect(after, "new_z3", net.pre_activations()[2]);
    expect(after, "new_yhat", net.predict(x));
}

// The tiny net of the optimizer tests: p = w·x + b (identity), MSE, one sample
// x = [1, 2], y = 0.4, starting from w = [0.5, −0.3], b = 0.1. Step 1: p = 0,
// ∂L/∂p = 2(p − y) = −0.8, so G = (∇w, ∇b) = ([−0.8, −1.6], −0.8).
MLP tiny_net() {
    return MLP({Layer{(MatrixXd(1, 2) << 0.5, -0.3).finished(), VectorXd::Constant(1, 0.1), Activation::Identity}},
               Loss::MSE);
}
const MatrixXd kTinyX = (MatrixXd(2, 1) << 1, 2).finished();
const MatrixXd kTinyY = MatrixXd::Constant(1, 1, 0.4);

TEST_CASE("reference: momentum, two steps by hand", "[reference]") {
    MLP net = tiny_net();
    const OptimizerSettings momentum{.kind = OptimizerKind::Momentum, .lr = 0.1, .momentum = 0.9};
    // Step 1: V = G; w = [0.5 + 0.08, −0.3 + 0.16] = [0.58, −0.14], b = 0.18.
    CHECK(net.train_step(kTinyX, kTinyY, momentum) == Approx(0.16).epsilon(1e-15));
    CHECK(close(net.layers()[0].W, (MatrixXd(1, 2) << 0.58, -0.14).finished(), 1e-15));
    CHECK(net.layers()[0].b(0) == Approx(0.18).epsilon(1e-15));
    // Step 2: p = 0.48, G = ([0.16, 0.32], 0.16); V = 0.9 V + G = ([−0.56, −1.12], −0.56);
    // w = [0.636, −0.028], b = 0.236.
    CHECK(net.train_step(kTinyX, kTinyY, momentum) == Approx(0.0064).epsilon(1e-12));
    CHECK(close(net.layers()[0].W, (MatrixXd(1, 2) << 0.636, -0.028).finished(), 1e-15));
    CHECK(net.layers()[0].b(0) == Approx(0.236).epsilon(1e-15));
    CHECK(net.steps_taken() == 2);
}

TEST_CASE("reference: Adam, two steps by hand", "[reference]") {
    MLP net = tiny_net();
    const OptimizerSettings adam{.kind = OptimizerKind::Adam, .lr = 0.05};  // β1 0.9, β2 0.999, eps 1e-8
    // Step 1 (t = 1): M̂ = G, Ŝ = G², so each parameter moves by lr·G/(|G| + eps) — lr
    // against the sign of its gradient, less lr·eps/|G|.
    net.train_step(kTinyX, kTinyY, adam);
    CHECK(close(net.layers()[0].W, (MatrixXd(1, 2) << 0.5 + 0.05 * 0.8 / (0.8 + 1e-8), -0.3 + 0.05 * 1.6 / (1.6 + 1e-8)).finished(), 1e-15));
    CHECK(std::abs(net.layers()[0].b(0) - 0.149999999375) <= 1e-15);
    // Step 2 (t = 2): p = 0.399999998125, G = 2(p − y)(x, 1) = ([−0.40000000375, −0.8000000075], −0.40000000375);
    // for w1: M = 0.9·(−0.08) + 0.1·G = −0.112000000375, S = 0.999·0.00064 + 0.001·G²,
    // w1 −= 0.05·(M/0.19)/(√(S/0.001999) + 1e-8). Values from the pure-Python transcription:
    CHECK(net.train_step(kTinyX, kTinyY, adam) == Approx(0.04000000074999998).epsilon(1e-14));
    CHECK(close(net.layers()[0].W, (MatrixXd(1, 2) << 0.5966089806471019, -0.20339101867186646).finished(), 1e-15));
    CHECK(std::abs(net.layers()[0].b(0) - 0.19660898064710186) <= 1e-15);

    // reset_optimizer(): the next step is step 1 again, from zero state.
    net.reset_optimizer();
    MLP fresh = tiny_net();
    fresh.layers() = net.layers();
    net.train_step(kTinyX, kTinyY, adam);
    fresh.train_step(kTinyX, kTinyY, adam);
    CHECK(close(net.layers()[0].W, fresh.layers()[0].W, 0));
}

TEST_CASE("reference: SoftmaxCE keeps the Σy factor (y need not sum to 1)", "[reference]") {
    // One identity layer with W = 0, b = 0: z = 0, softmax = 1/3 each. With y = [1, 2, 0]
    // (Σy = 3): L = −Σ y_k log(1/3) = 3 log 3, ∂L/∂z = softmax·Σy − y = [0, −1, 1].
    MLP net({Layer{MatrixXd::Zero(3, 2), VectorXd::Zero(3), Activation::Identity}}, Loss::SoftmaxCE);
    const MatrixXd x = MatrixXd::Ones(2, 1), y = (MatrixXd(3, 1) << 1, 2, 0).finished();
    CHECK(net.forward_backward(x, y) == Approx(3 * std::log(3.0)).epsilon(1e-15));
    CHECK(close(net.grad_b()[0], (VectorXd(3) << 0, -1, 1).finished(), 1e-15));
}

TEST_CASE("reference: ReLU and leaky ReLU take the left derivative at z = 0", "[reference]") {
    // z1 = 0 exactly; output p = 1·a1 + 0, MSE with y = 1: δ2 = 2(p − 1) = −2 (a1 = 0).
    for (Activation f : {Activation::ReLU, Activation::LeakyReLU}) {
        INFO(name(f));
        MLP net({Layer{MatrixXd::Zero(1, 1), VectorXd::Zero(1), f},
                 Layer{MatrixXd::Ones(1, 1), VectorXd::Zero(1), Activation::Identity}},
                Loss::MSE);
        net.forward_backward(MatrixXd::Ones(1, 1), MatrixXd::Ones(1, 1));
        CHECK(net.grad_b()[0](0) == (f == Activation::ReLU ? 0.0 : -2 * kLeakySlope));
    }
}

TEST_CASE("reference: predict's shapes, and softmax columns that sum to 1", "[reference]") {
    std::mt19937 rng(11);
    for (Loss loss : {Loss::BCE, Loss::SoftmaxCE, Loss::MSE}) {
        INFO(name(loss));
        const Activation out = loss == Loss::BCE ? Activation::Sigmoid : Activation::Identity;
        MLP net(random_layers({3, 4, 5}, {Activation::ReLU, out}, rng), loss);
        const MatrixXd X = uniform(3, 7, -2, 2, rng);
        const MatrixXd p = net.predict(X);
        CHECK(p.rows() == 5);
        CHECK(p.cols() == 7);
        if (loss != Loss::MSE) CHECK(((p.array() > 0) && (p.array() < 1)).all());
        if (loss == Loss::SoftmaxCE)
            for (Eigen::Index j = 0; j < p.cols(); ++j) CHECK(std::abs(p.col(j).sum() - 1) <= 1e-15);
    }
    // Logits in the thousands: the shifted softmax and log-softmax stay finite.
    MLP big({Layer{(MatrixXd(2, 1) << 1000, -1000).finished(), VectorXd::Zero(2), Activation::Identity}}, Loss::SoftmaxCE);
    const MatrixXd x = MatrixXd::Ones(1, 1), y = (MatrixXd(2, 1) << 0, 1).finished();
    CHECK(close(big.predict(x), (MatrixXd(2, 1) << 1, 0).finished(), 0));
    CHECK(big.forward_backward(x, y) == Approx(2000));
    CHECK(close(big.grad_b()[0], (VectorXd(2) << 1, -1).finished(), 0));
}

TEST_CASE("reference: malformed nets, batches and calls are rejected", "[reference]") {
    const Layer a{MatrixXd::Ones(4, 3), VectorXd::Ones(4), Activation::Tanh};
    const Layer sig{MatrixXd::Ones(2, 4), VectorXd::Ones(2), Activation::Sigmoid};
    const Layer id{MatrixXd::Ones(2, 4), VectorXd::Ones(2), Activation::Identity};
    CHECK_THROWS_AS(MLP({}, Loss::MSE), std::invalid_argument);
    CHECK_THROWS_AS(MLP({a, Layer{MatrixXd::Ones(2, 3), VectorXd::Ones(2), Activation::Identity}}, Loss::MSE),
                    std::invalid_argument);  // 3 inputs, but layer 1 gives 4
    CHECK_THROWS_AS(MLP({a, Layer{MatrixXd::Ones(2, 4), VectorXd::Ones(3), Activation::Identity}}, Loss::MSE),
                    std::invalid_argument);  // b's size
    CHECK_THROWS_AS(MLP({a, id}, Loss::BCE), std::invalid_argument);
    CHECK_THROWS_AS(MLP({a, sig}, Loss::SoftmaxCE), std::invalid_argument);

    MLP net({a, id}, Loss::MSE);
    CHECK_THROWS_AS(net.step({}), std::logic_error);  // no gradients yet
    CHECK_THROWS_AS(net.loss(MatrixXd::Ones(2, 5), MatrixXd::Ones(2, 5)), std::invalid_argument);
    CHECK_THROWS_AS(net.loss(MatrixXd::Ones(3, 5), MatrixXd::Ones(2, 4)), std::invalid_argument);
    CHECK_THROWS_AS(net.loss(MatrixXd::Ones(3, 0), MatrixXd::Ones(2, 0)), std::invalid_argument);
    CHECK_NOTHROW(net.loss(MatrixXd::Ones(3, 5), MatrixXd::Ones(2, 5)));
}
