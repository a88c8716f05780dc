// One training step (forward, every gradient, SGD update), one thread, side by side in one
// run: the program compiled from the derived expressions (matcalc::Trainer, a per-sample
// model lifted to the batch); the project's hand-written reference backprop
// (tests/support/reference_mlp.cpp, built with the engine's flags); and an independent
// hand-written Eigen program (bench/anchor/, -O3 -march=native, no code of the project).
// At 2-16-1 (tanh) batch 32, 64-32-10 (ReLU) batch 32, 784-128-10 (ReLU) batch 256 and
// 784-512-512-10 (ReLU) batch 256, sigmoid outputs with binary cross-entropy summed over the
// outputs. The same data, initial values and batch. In float64, and in float32 (the derived
// program with --precision float32, the anchor in float; the reference is double only).
// bench/compare_train.py runs it and prints the ratios per size.
#include <benchmark/benchmark.h>

#include <random>

#include "anchor_mlp.hpp"
#include "matcalc/apps/train.hpp"
#include "matcalc/frontend/model.hpp"
#include "reference_mlp.hpp"

using namespace matcalc;
using Eigen::MatrixXd;

namespace {

struct Size {
    std::vector<int> widths;  // input, hidden..., output
    int batch;
    const char* activation;   // of the hidden layers: tanh or relu
};

// Zero: every step computes and applies its update (P −= 0·G costs what any update costs)
// but the parameters stay, so each of the hundred thousand steps of a run times the same
// numbers; a run that trained one batch for that long would saturate σ (float32 at once).
constexpr double kLearningRate = 0.0;

const Size kSizes[] = {{{2, 16, 1}, 32, "tanh"},
                       {{64, 32, 10}, 32, "relu"},
                       {{784, 128, 10}, 256, "relu"},
                       {{784, 512, 512, 10}, 256, "relu"}};

std::string model_text(const Size& s) {
    const std::size_t layers = s.widths.size() - 1;
    std::string text = "input x : vector(" + std::to_string(s.widths.front()) + "); target y : vector(" +
                       std::to_string(s.widths.back()) + ")\n";
    for (std::size_t l = 1; l <= layers; ++l) {
        const std::string k = std::to_string(l);
        text += "param W" + k + " : matrix(" + std::to_string(s.widths[l]) + ", " + std::to_string(s.widths[l - 1]) +
                ") ~ glorot\nparam b" + k + " : vector(" + std::to_string(s.widths[l]) + ") ~ zeros\n";
    }
    std::string below = "x";
    for (std::size_t l = 1; l < layers; ++l) {
        const std::string k = std::to_string(l), z = "W" + k + "*" + below + " + b" + k;
        text += "h" + k + " = " + (std::string(s.activation) == "tanh" ? "tanh(" + z + ")" : "max(0, " + z + ")") + "\n";
        below = "h" + k;
    }
    const std::string k = std::to_string(layers);
    return text + "yhat = σ(W" + k + "*" + below + " + b" + k + ")\nL = sum(bce(yhat, y))\n";
}

struct Fixture {
    Model model;
    std::unique_ptr<Trainer> trainer;
    std::map<std::string, MatrixXd> init;
    MatrixXd X, Y;
    explicit Fixture(const Size& s, Precision precision = Precision::Float64)
        : model(load_model(Source{"bench.mc", model_text(s)})) {
        trainer = std::make_unique<Trainer>(model, model.function(std::nullopt),
                                            OptimizerSettings{OptimizerKind::SGD, kLearningRate}, precision);
        init = initial_parameters(model, 1, Env{});
        trainer->set_parameters(init);
        std::mt19937_64 rng(5);
        std::normal_distribution<double> normal;
        X.resize(s.widths.front(), s.batch);
        Y.resize(s.widths.back(), s.batch);
        for (Eigen::Index i = 0; i < X.size(); ++i) X(i) = normal(rng);
        for (Eigen::Index i = 0; i < Y.size(); ++i) Y(i) = static_cast<double>(rng() & 1);
    }
    std::size_t layers() const { return init.size() / 2; }
    const MatrixXd& W(std::size_t l) const { return init.at("W" + std::to_string(l + 1)); }
    Eigen::VectorXd b(std::size_t l) const { return init.at("b" + std::to_string(l + 1)).reshaped(); }
};

std::string label(const Size& s) {
    std::string out;
    for (int w : s.widths) out += (out.empty() ? "" : "-") + std::to_string(w);
    return out + "/b" + std::to_string(s.batch);
}

void derived(benchmark::State& state, Precision precision) {
    Fixture f(kSizes[state.range(0)], precision);
    if (!f.trainer->lifted()) state.SkipWithError("not lifted");
    // One step untimed, as the anchor's: the first compiles the program for this batch size
    // and touches its buffers, which a run of 0.2 s at 784-512-512-10 (a dozen steps)
    // would otherwise count.
    f.trainer->step(f.X, f.Y);
    for (auto _ : state) benchmark::DoNotOptimize(f.trainer->step(f.X, f.Y));
    state.SetLabel(label(kSizes[state.range(0)]));
}
void derived(benchmark::State& state) { derived(state, Precision::Float64); }
void derived_float32(benchmark::State& state) { derived(state, Precision::Float32); }

// The project's reference (double only).
void hand_written(benchmark::State& state) {
    const Size& s = kSizes[state.range(0)];
    Fixture f(s);
    const reference::Activation hidden =
        std::string(s.activation) == "tanh" ? reference::Activation::Tanh : reference::Activation::ReLU;
    std::vector<reference::Layer> layers;
    for (std::size_t l = 0; l < f.layers(); ++l)
        layers.push_back({f.W(l), f.b(l), l + 1 == f.layers() ? reference::Activation::Sigmoid : hidden});
    reference::MLP mlp(layers, reference::Loss::BCE);
    OptimizerSettings sgd;
    sgd.lr = kLearningRate;
    mlp.train_step(f.X, f.Y, sgd);  // untimed, as the others: its buffers allocated
    for (auto _ : state) benchmark::DoNotOptimize(mlp.train_step(f.X, f.Y, sgd));
    state.SetLabel(label(s));
}

// The independent anchor, in T.
template <class T>
void anchor_step(benchmark::State& state) {
    const Size& s = kSizes[state.range(0)];
    Fixture f(s);
    const anchor::Act hidden = std::string(s.activation) == "tanh" ? anchor::Act::Tanh : anchor::Act::ReLU;
    std::vector<anchor::LayerInit> layers;
    for (std::size_t l = 0; l < f.layers(); ++l)
        layers.push_back({f.W(l), f.b(l), l + 1 == f.layers() ? anchor::Act::Sigmoid : hidden});
    anchor::MLP<T> mlp(layers);
    mlp.set_batch(f.X, f.Y);
    // The same loss as the derived program's, or the comparison is not of one computation.
    const double ours = f.trainer->loss(f.X, f.Y), theirs = mlp.step(0.0);
    if (std::abs(ours - theirs) > 1e-4 * std::max(1.0, std::abs(ours))) state.SkipWithError("the anchor's loss differs");
    for (auto _ : state) benchmark::DoNotOptimize(mlp.step(kLearningRate));
    state.SetLabel(label(s));
}
void anchor64(benchmark::State& state) { anchor_step<double>(state); }
void anchor32(benchmark::State& state) { anchor_step<float>(state); }

}  // namespace

// bench/compare_train.py interleaves the repetitions of all of them at random.
BENCHMARK(derived)->DenseRange(0, 3);
BENCHMARK(hand_written)->DenseRange(0, 3);
BENCHMARK(anchor64)->Name("anchor")->DenseRange(0, 3);
BENCHMARK(derived_float32)->DenseRange(0, 3);
BENCHMARK(anchor32)->Name("anchor_float32")->DenseRange(0, 3);

BENCHMARK_MAIN();
