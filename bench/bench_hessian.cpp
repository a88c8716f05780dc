// Hessians through the library, no JSON: each case's model is bound from text with its
// sizes written in, differentiated twice and simplified (`derive`, timed once per
// iteration), then compiled for its values and evaluated (`evaluate`: run() of a compiled
// Evaluator, what a loop that needs the Hessian at new values repeats). The product chains
// are associated for the sizes at hand first, as `derive --hessian --at` does.
//   x'Ax        f = xᵀ A x, x : vector(n)            ∂²f/∂x² = A + Aᵀ
//   logistic    L = mean(bce(σ(X w), y)), X : n × n  ∂²L/∂w² = (1/N) Xᵀ diag(p ⊙ (1 − p)) X
//   batch MLP   L = mean((tanh(X W1 + 1 b1ᵀ) w2 − y)²), X : N × 4, 16 hidden units, ∂²L/∂b1²
// `hvp`: the Hessian–vector product ∇²f v of the same cases (hessian_vector_product, the
// Hessian never formed), evaluated likewise.
// bench/hessian_compare.py runs it beside torch.autograd.functional.hessian and .hvp.
#include <benchmark/benchmark.h>

#include <random>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/associate.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "matcalc/simplify/simplify.hpp"

using namespace matcalc;
using Eigen::MatrixXd;

namespace {

struct Case {
    const char* name;
    int n;
};

const Case kCases[] = {{"xAx", 100},     {"xAx", 1000},     {"logistic", 100}, {"logistic", 1000},
                       {"batch_mlp", 64}, {"batch_mlp", 256}, {"batch_mlp", 1024}};

std::string model_text(const Case& c) {
    const std::string name = c.name;
    if (name == "xAx") return fmt::format("x, v : vector({0})\nA : matrix({0}, {0})\nf = x'*A*x\n", c.n);
    if (name == "logistic")
        return fmt::format("X : matrix({0}, {0})\nw, v : vector({0})\ny : vector({0})\np = σ(X*w)\nL = mean(bce(p, y))\n",
                           c.n);
    return fmt::format("X : matrix({}, 4)\nW1 : matrix(4, 16)\nb1, v : vector(16)\nw2 : vector(16)\ny : vector({})\n"
                       "H = tanh(X*W1 + b1')\nL = mean((H*w2 - y)^2)\n",
                       c.n, c.n);
}

const char* wrt(const Case& c) {
    const std::string name = c.name;
    return name == "xAx" ? "x" : name == "logistic" ? "w" : "b1";
}

// Values drawn here (the same for every run): standard normal entries, y in {0, 1} for
// the logistic case, small weights for the MLP.
Env values(Model& model, const Case& c) {
    Env env;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal;
    for (const char* v : {"x", "A", "X", "w", "y", "W1", "b1", "w2", "v"}) {
        const Symbol* s = model.find(v);
        if (!s) continue;
        auto [rows, cols] = concrete_shape(model.cx(), s->expr, env);
        MatrixXd m(rows, cols);
        for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = normal(rng);
        if (std::string(c.name) == "logistic" && std::string(v) == "y") m = (m.array() > 0).cast<double>();
        if (std::string(v) == "W1") m *= 0.5;
        env.values[v] = m;
    }
    return env;
}

struct Derived {
    Model model;
    Expr hessian, hvp;  // ∇²f, and ∇²f v (hessian_vector_product) with `with_hvp`
    explicit Derived(const Case& c, bool with_hvp = false) : model(load_model(Source{"bench.mc", model_text(c)})) {
        Context& cx = model.cx();
        Simplifier simplify(cx);
        const Symbol& f = model.function(std::nullopt);
        Expr x = model.find(wrt(c))->expr;
        Expr g = simplify(gradient(cx, f.expr, x));
        if (with_hvp) hvp = simplify(hessian_vector_product(cx, f.expr, x, model.find("v")->expr, g));
        else hessian = simplify(matcalc::hessian(cx, f.expr, x, g));
    }
};

void derive(benchmark::State& state) {
    const Case& c = kCases[state.range(0)];
    for (auto _ : state) benchmark::DoNotOptimize(Derived(c).hessian);
    state.SetLabel(fmt::format("{}/{}", c.name, c.n));
}

void run_compiled(benchmark::State& state, bool hvp) {
    const Case& c = kCases[state.range(0)];
    Derived d(c, hvp);
    Context& cx = d.model.cx();
    Env env = values(d.model, c);
    SizeOf size_of = [&](Dim dim) { return known_size(cx.sizes(), dim, env); };
    Expr roots[1] = {cheapest_association(cx, hvp ? d.hvp : d.hessian, size_of)};
    Evaluator ev(cx, roots, env);
    for (auto _ : state) {
        ev.run(env);
        benchmark::DoNotOptimize(ev.value(0).data());
    }
    state.SetLabel(fmt::format("{}/{}", c.name, c.n));
}

}  // namespace

BENCHMARK(derive)->DenseRange(0, 6)->Unit(benchmark::kMicrosecond);
// The Hessian–vector product ∇²f v, derived without the Hessian and evaluated (`hvp`).
void evaluate(benchmark::State& state) { run_compiled(state, false); }
void hvp(benchmark::State& state) { run_compiled(state, true); }

BENCHMARK(evaluate)->DenseRange(0, 6)->Unit(benchmark::kMicrosecond);
BENCHMARK(hvp)->DenseRange(0, 6)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
