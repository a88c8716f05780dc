// One training step (forward, every gradient, SGD update), float64, one thread, side by
// side: the program compiled from the derived expressions (matcalc::Trainer, a per-sample
// model lifted to the batch) against the hand-written Eigen backprop of the reference MLP,
// at 2-16-1 (tanh) batch 32, 64-32-10 (ReLU) batch 32 and 784-128-10 (ReLU) batch 256,
// sigmoid outputs with binary cross-entropy summed over the outputs (the reference's BCE).
// The same data, initial values and batch. bench/compare_train.py runs it and prints the
// ratio per size. derived_float32: the derived program with --precision float32.
#include <benchmark/benchmark.h>

#include <random>

#include "matcalc/frontend/model.hpp"
#include "reference_mlp.hpp"
#include "matcalc/apps/train.hpp"

using namespace matcalc;
using Eigen::MatrixXd;

namespace {

struct Size {
    int in, hidden, out, batch;
    const char* activation;  // tanh or relu
};

// Zero: every step computes and applies its update (P −= 0·G costs what any update costs)
// but the parameters stay, so each of the hundred thousand steps of a run times the same
// numbers; a run that trained one batch for that long would saturate σ (float32 at once).
constexpr double kLearningRate = 0.0;

const Size kSizes[] = {{2, 16, 1, 32, "tanh"}, {64, 32, 10, 32, "relu"}, {784, 128, 10, 256, "relu"}};

std::string model_text(const Size& s) {
    std::string act = std::string(s.activation) == "tanh" ? "tanh(W1*x + b1)" : "max(0, W1*x + b1)";
    return "input x : vector(" + std::to_string(s.in) + "); target y : vector(" + std::to_string(s.out) + ")\n" +
           "param W1 : matrix(" + std::to_string(s.hidden) + ", " + std::to_string(s.in) + ") ~ glorot\n" +
           "param b1 : vector(" + std::to_string(s.hidden) + ") ~ zeros\n" +
           "param W2 : matrix(" + std::to_string(s.out) + ", " + std::to_string(s.hidden) + ") ~ glorot\n" +
           "param b2 : vector(" + std::to_string(s.out) + ") ~ zeros\n" + "h = " + act + "\n" +
           "yhat = σ(W2*h + b2)\nL = sum(bce(yhat, y))\n";
}

struct Fixture {
    Model model;
    std::unique_ptr<Trainer> trainer;
    std::unique_ptr<reference::MLP> reference;
    MatrixXd X, Y;
    explicit Fixture(const Size& s, Precision precision = Precision::Float64)
        : model(load_model(Source{"bench.mc", model_text(s)})) {
        trainer = std::make_unique<Trainer>(model, model.function(std::nullopt),
                                            OptimizerSettings{OptimizerKind::SGD, kLearningRate}, precision);
        std::map<std::string, MatrixXd> init = initial_parameters(model, 1, Env{});
        trainer->set_parameters(init);
        reference::Activation a = std::string(s.activation) == "tanh" ? reference::Activation::Tanh
                                                                      : reference::Activation::ReLU;
        std::vector<reference::Layer> layers{{init.at("W1"), init.at("b1").reshaped(), a},
                                             {init.at("W2"), init.at("b2").reshaped(), reference::Activation::Sigmoid}};
        reference = std::make_unique<reference::MLP>(layers, reference::Loss::BCE);
        std::mt19937_64 rng(5);
        std::normal_distribution<double> normal;
        X.resize(s.in, s.batch);
        Y.resize(s.out, s.batch);
        for (Eigen::Index i = 0; i < X.size(); ++i) X(i) = normal(rng);
        for (Eigen::Index i = 0; i < Y.size(); ++i) Y(i) = rng() & 1;
    }
};

std::string label(const Size& s) {
    return std::to_string(s.in) + "-" + std::to_string(s.hidden) + "-" + std::to_string(s.out) + "/b" +
           std::to_string(s.batch);
}

void derived(benchmark::State& state) {
    Fixture f(kSizes[state.range(0)]);
    if (!f.trainer->lifted()) state.SkipWithError("not lifted");
    for (auto _ : state) benchmark::DoNotOptimize(f.trainer->step(f.X, f.Y));
    state.SetLabel(label(kSizes[state.range(0)]));
}

// The same program in single precision (--precision float32), for information: the
// reference is double only.
void derived_float32(benchmark::State& state) {
    Fixture f(kSizes[state.range(0)], Precision::Float32);
    if (!f.trainer->lifted()) state.SkipWithError("not lifted");
    for (auto _ : state) benchmark::DoNotOptimize(f.trainer->step(f.X, f.Y));
    state.SetLabel(label(kSizes[state.range(0)]));
}

void hand_written(benchmark::State& state) {
    Fixture f(kSizes[state.range(0)]);
    OptimizerSettings sgd;
    sgd.lr = kLearningRate;
    for (auto _ : state) benchmark::DoNotOptimize(f.reference->train_step(f.X, f.Y, sgd));
    state.SetLabel(label(kSizes[state.range(0)]));
}

}  // namespace

// Interleaved per size, so that each pair runs close together in time.
BENCHMARK(derived)->Arg(0);
BENCHMARK(hand_written)->Arg(0);
BENCHMARK(derived_float32)->Arg(0);
BENCHMARK(derived)->Arg(1);
BENCHMARK(hand_written)->Arg(1);
BENCHMARK(derived_float32)->Arg(1);
BENCHMARK(derived)->Arg(2);
BENCHMARK(hand_written)->Arg(2);
BENCHMARK(derived_float32)->Arg(2);

BENCHMARK_MAIN();
