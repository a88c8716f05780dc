// matcalc's side of the comparison with SymPy (bench/sympy_compare.py): the formulas
// both can differentiate, timed in-process (no process start-up, no file I/O).
//
// Two benchmarks per formula:
//   derive/NAME    the derivation alone, as `matcalc derive` does it after loading the
//                  model: a Simplifier prepared with the model's definitions
//                  (name_definitions), then for every --wrt variable matcalc::derivative
//                  (numerator layout, as printed) and its simplification. One fresh
//                  model per derivation; only this part is timed (manual timer: the
//                  thread's CPU time, over a batch of 16 derivations). The time of one
//                  derivation is the counter us_each (µs); "Time" is the batch's.
//   pipeline/NAME  the whole of `matcalc derive -e MODEL --wrt ...` but process start-up
//                  and output: parse, bind, derive, simplify and print (Unicode).
//                  Read its "CPU" column.
//
// `bench_sympy_cases --list` prints the formulas, one per line: name, TAB, the --wrt
// variables separated by commas, TAB, the model (statements separated by `;`).
// Other arguments are Google Benchmark's (--benchmark_filter, --benchmark_format=json, ...).
#include <benchmark/benchmark.h>

#include <ctime>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace {

// CPU time of this thread, in seconds: the timed part is measured with it rather than the
// wall clock, so that other work on the machine does not count. Reading it costs about
// 1.3 µs here (a system call), so a timed interval covers a batch of kBatch derivations.
double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Case {
    const char* name;
    const char* model;
    std::vector<const char*> wrt;
};

// Keep in step with the SymPy formulations in bench/sympy_compare.py (same names).
const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"affine", "w, x : vector(n); b : scalar; f = w·x + b", {"w"}},
        {"quadratic", "x : vector(n); A : matrix(n, n); f = x'*A*x", {"x"}},
        {"least_squares", "x : vector(n); y : vector(m); A : matrix(m, n); f = norm(A*x - y)^2", {"x"}},
        {"trace", "A, X : matrix(n, n); f = tr(A*X)", {"X"}},
        {"trace_inv", "X : matrix(n, n); f = tr(inv(X))", {"X"}},
        {"logdet", "X : matrix(n, n); f = logdet(X)", {"X"}},
        {"det", "X : matrix(n, n); f = det(X)", {"X"}},
        {"logistic", "w, x : vector(n); y : scalar; f = bce(σ(w·x), y)", {"w"}},
        {"tanh_layer", "x : vector(n); w : vector(m); A : matrix(m, n); f = w·tanh(A*x)", {"A"}},
        {"softmax_ce", "W : matrix(k, n); x : vector(n); t : vector(k); f = logsumexp(W*x) - t·(W*x)", {"W"}},
        {"mlp1",
         "x : vector(d); y : scalar; W : matrix(h, d); b : vector(h); v : vector(h); c : scalar; "
         "z = W*x + b; a = tanh(z); yhat = σ(v·a + c); L = bce(yhat, y)",
         {"W", "b", "v", "c"}},
    };
    return all;
}

bool declared_matrix(const matcalc::Symbol& s) { return s.type == matcalc::ast::TypeSpec::Kind::Matrix; }

std::vector<matcalc::Expr> derive_all(matcalc::Model& m, const Case& c, matcalc::Simplifier& simplifier) {
    const matcalc::Symbol& f = m.function(std::nullopt);
    std::vector<matcalc::Expr> out;
    for (const char* w : c.wrt) {
        const matcalc::Symbol* x = m.find(w);
        out.push_back(simplifier(matcalc::derivative(m.cx(), f.expr, x->expr, matcalc::Layout::Numerator,
                                                     declared_matrix(*x))));
    }
    return out;
}

constexpr int kBatch = 16;

void derive_only(benchmark::State& state, const Case& c) {
    double timed = 0;
    for (auto _ : state) {
        std::vector<matcalc::Model> models;
        for (int i = 0; i < kBatch; ++i) models.push_back(matcalc::load_model(matcalc::Source{"-e", c.model}));
        double start = thread_seconds();
        for (matcalc::Model& m : models) {
            matcalc::Simplifier simplifier(m.cx());
            auto names = matcalc::name_definitions(simplifier, m.definitions(&m.function(std::nullopt)));
            std::vector<matcalc::Expr> d = derive_all(m, c, simplifier);
            benchmark::DoNotOptimize(d.data());
            benchmark::DoNotOptimize(names);
        }
        double batch = thread_seconds() - start;
        state.SetIterationTime(batch);
        timed += batch;
    }
    state.counters["us_each"] = 1e6 * timed / (static_cast<double>(state.iterations()) * kBatch);
}

void pipeline(benchmark::State& state, const Case& c) {
    for (auto _ : state) {
        matcalc::Model m = matcalc::load_model(matcalc::Source{"-e", c.model});
        matcalc::Simplifier simplifier(m.cx());
        auto names = matcalc::name_definitions(simplifier, m.definitions(&m.function(std::nullopt)));
        matcalc::PrintOptions po;
        po.names = &names;
        std::string text;
        for (matcalc::Expr d : derive_all(m, c, simplifier)) text += matcalc::print(m.cx(), d, po) + "\n";
        benchmark::DoNotOptimize(text);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
        for (const Case& c : cases()) {
            std::string wrt;
            for (const char* w : c.wrt) {
                if (!wrt.empty()) wrt += ',';
                wrt += w;
            }
            std::printf("%s\t%s\t%s\n", c.name, wrt.c_str(), c.model);
        }
        return 0;
    }
    for (const Case& c : cases()) {
        benchmark::RegisterBenchmark((std::string("derive/") + c.name).c_str(), derive_only, c)
            ->UseManualTime()
            ->MinTime(0.05)
            ->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark((std::string("pipeline/") + c.name).c_str(), pipeline, c)
            ->Unit(benchmark::kMicrosecond);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
