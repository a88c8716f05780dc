// How the cost and the size of a gradient grow with the depth of a network: an L-layer
// MLP loss, written as a person writes it (one definition per line), L = 1 ... 64.
//
//   input x : vector(d); target y : scalar
//   param W1 : matrix(h, d), b1 : vector(h); param Wk : matrix(h, h), bk : vector(h) (k ≥ 2)
//   param v : vector(h); param c : scalar
//   z1 = W1*x + b1;  a1 = tanh(z1);  zk = Wk*a(k-1) + bk;  ak = tanh(zk)
//   yhat = σ(v·aL + c);  loss = bce(yhat, y)                        (family tanh_bce)
//   or sigmoid activations, yhat = v·aL + c, loss = (yhat − y)^2    (family sigmoid_mse)
//
// Three benchmarks per family and depth:
//   parse_bind  load_model: parsing the text and binding it into the DAG (read the
//               "CPU" column: the process's CPU time per model).
//   gradient    what `matcalc derive MODEL --wrt W1 --wrt b1 ... --wrt c` does after
//               loading, printing left out: a Simplifier prepared with the model's
//               definitions (name_definitions), then for every param the reverse-mode
//               matcalc::gradient (shaped like the parameter) and its simplification.
//               A fresh model each time; only this part is timed (manual timer: the
//               thread's CPU time, so that other work on the machine does not count,
//               over a batch of 4 models). The time for one model is the counter
//               us_each (µs); "Time" is the batch's, "CPU" includes loading the batch.
//               gradient/tanh_bce_W1_only: the same for the one param W1 (the deepest:
//               its reverse sweep visits the whole network).
//   sizes       no timing of interest; reports the DAG sizes as counters:
//     f_nodes    distinct nodes reachable from the loss as bound (the function's DAG),
//                every node counted once: operations and leaves (variables, constants)
//     g_nodes    distinct nodes reachable from the simplified gradients of all params
//                together, shared nodes counted once; forward nodes a gradient uses
//                (ak, yhat) count, since evaluating the gradient needs them
//     ratio      g_nodes / f_nodes (issue 3's target: at most 4, growing linearly)
//     f_ops, g_ops, ops_ratio   the same counting operations only (nodes with arguments)
//     raw_nodes  as g_nodes, for the gradients before simplification
//     jac_nodes  as g_nodes, for what the command line prints (derive: numerator layout,
//                so vector parameters get the transposed, row form), simplified
#include <benchmark/benchmark.h>

#include <ctime>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "mlp_model.hpp"

namespace {

// CPU time of this thread, in seconds: the timed part is measured with it rather than the
// wall clock, so that other work on the machine does not count. Reading it costs about
// 1.3 µs here (a system call), so a timed interval covers a batch of kBatch models.
double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

using matcalc::bench::Family;
using matcalc::bench::mlp_model;

// Distinct nodes reachable from the roots (each counted once); `ops`: only those with
// arguments.
std::size_t reachable(const std::vector<matcalc::Expr>& roots, bool ops = false) {
    std::unordered_set<matcalc::Expr> seen;
    std::vector<matcalc::Expr> stack(roots.begin(), roots.end());
    std::size_t n = 0;
    while (!stack.empty()) {
        matcalc::Expr e = stack.back();
        stack.pop_back();
        if (!seen.insert(e).second) continue;
        if (!ops || !e->args.empty()) ++n;
        for (matcalc::Expr a : e->args) stack.push_back(a);
    }
    return n;
}

bool declared_matrix(const matcalc::Symbol& s) { return s.type == matcalc::ast::TypeSpec::Kind::Matrix; }

// The simplified gradient of the loss with respect to every param, as the command line
// simplifies derivatives (definitions kept whole so that they print by name).
// With `only`, the gradient with respect to that one param.
std::vector<matcalc::Expr> all_gradients(matcalc::Model& m, bool cli_layout = false, const char* only = nullptr) {
    matcalc::Context& cx = m.cx();
    const matcalc::Symbol& f = m.function(std::nullopt);
    matcalc::Simplifier simplifier(cx);
    auto names = matcalc::name_definitions(simplifier, m.definitions(&f));
    benchmark::DoNotOptimize(names);
    // As the command line does: one reverse sweep for all the parameters.
    std::vector<const matcalc::Symbol*> params;
    std::vector<matcalc::Expr> xs;
    for (const matcalc::Symbol& p : m.symbols())
        if (p.role == "param" && (!only || p.name == only)) params.push_back(&p), xs.push_back(p.expr);
    std::vector<matcalc::Expr> gradients = matcalc::gradients(cx, f.expr, xs), out;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        matcalc::Expr g = cli_layout ? matcalc::derivative_from_gradient(cx, gradients[i], xs[i],
                                                                         matcalc::Layout::Numerator,
                                                                         declared_matrix(*params[i]))
                                     : gradients[i];
        out.push_back(simplifier(g));
    }
    return out;
}

void parse_bind(benchmark::State& state, Family family) {
    const std::string text = mlp_model(static_cast<int>(state.range(0)), family);
    for (auto _ : state) {
        matcalc::Model m = matcalc::load_model(matcalc::Source{"mlp", text});
        benchmark::DoNotOptimize(m.function(std::nullopt).expr);
    }
    state.counters["text_bytes"] = static_cast<double>(text.size());
}

constexpr int kBatch = 4;

void gradient(benchmark::State& state, Family family, const char* only = nullptr) {
    const std::string text = mlp_model(static_cast<int>(state.range(0)), family);
    double timed = 0;
    for (auto _ : state) {
        std::vector<matcalc::Model> models;
        for (int i = 0; i < kBatch; ++i) models.push_back(matcalc::load_model(matcalc::Source{"mlp", text}));
        double start = thread_seconds();
        for (matcalc::Model& m : models) {
            std::vector<matcalc::Expr> g = all_gradients(m, false, only);
            benchmark::DoNotOptimize(g.data());
        }
        double batch = thread_seconds() - start;
        state.SetIterationTime(batch);
        timed += batch;
    }
    state.counters["us_each"] = 1e6 * timed / (static_cast<double>(state.iterations()) * kBatch);
}

void sizes(benchmark::State& state, Family family) {
    const std::string text = mlp_model(static_cast<int>(state.range(0)), family);
    double f_nodes = 0, f_ops = 0, g_nodes = 0, g_ops = 0, raw = 0, jac = 0;
    for (auto _ : state) {
        matcalc::Model m = matcalc::load_model(matcalc::Source{"mlp", text});
        matcalc::Expr f = m.function(std::nullopt).expr;
        std::vector<matcalc::Expr> g = all_gradients(m);
        std::vector<matcalc::Expr> unsimplified;
        for (const matcalc::Symbol& p : m.symbols())
            if (p.role == "param") unsimplified.push_back(matcalc::gradient(m.cx(), f, p.expr));
        f_nodes = static_cast<double>(reachable({f}));
        f_ops = static_cast<double>(reachable({f}, true));
        g_nodes = static_cast<double>(reachable(g));
        g_ops = static_cast<double>(reachable(g, true));
        raw = static_cast<double>(reachable(unsimplified));
        jac = static_cast<double>(reachable(all_gradients(m, true)));
    }
    state.counters["f_nodes"] = f_nodes;
    state.counters["g_nodes"] = g_nodes;
    state.counters["ratio"] = g_nodes / f_nodes;
    state.counters["f_ops"] = f_ops;
    state.counters["g_ops"] = g_ops;
    state.counters["ops_ratio"] = g_ops / f_ops;
    state.counters["raw_nodes"] = raw;
    state.counters["jac_nodes"] = jac;
}

void depths(benchmark::internal::Benchmark* b) {
    for (int layers = 1; layers <= 64; layers *= 2) b->Arg(layers);
    b->ArgName("L")->Unit(benchmark::kMicrosecond);
}

void timed_by_hand(benchmark::internal::Benchmark* b) {
    depths(b);
    b->UseManualTime()->MinTime(0.1);
}

void once(benchmark::internal::Benchmark* b) {
    depths(b);
    b->Iterations(1);
}

}  // namespace

BENCHMARK_CAPTURE(parse_bind, tanh_bce, Family::TanhBce)->Apply(depths);
BENCHMARK_CAPTURE(gradient, tanh_bce, Family::TanhBce)->Apply(timed_by_hand);
BENCHMARK_CAPTURE(gradient, tanh_bce_W1_only, Family::TanhBce, "W1")->Apply(timed_by_hand);
BENCHMARK_CAPTURE(sizes, tanh_bce, Family::TanhBce)->Apply(once);
BENCHMARK_CAPTURE(parse_bind, sigmoid_mse, Family::SigmoidMse)->Apply(depths);
BENCHMARK_CAPTURE(gradient, sigmoid_mse, Family::SigmoidMse)->Apply(timed_by_hand);
BENCHMARK_CAPTURE(sizes, sigmoid_mse, Family::SigmoidMse)->Apply(once);

BENCHMARK_MAIN();
