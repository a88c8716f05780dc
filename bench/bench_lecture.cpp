// Time to parse, bind, derive and simplify each lecture derivation (the whole pipeline
// behind `matcalc derive`, printing included), one benchmark per slide.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

#ifndef MATCALC_SOURCE_DIR
#define MATCALC_SOURCE_DIR "."
#endif

namespace {

std::string read(const std::string& name) {
    std::ifstream in(std::string(MATCALC_SOURCE_DIR) + "/examples/lecture/" + name);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void derive_example(benchmark::State& state, const char* file, const char* wrt) {
    const std::string text = read(file);
    if (text.empty()) {
        state.SkipWithError("example file not found");
        return;
    }
    std::size_t nodes = 0;
    for (auto _ : state) {
        matcalc::Model m = matcalc::load_model(matcalc::Source{file, text});
        const matcalc::Symbol& f = m.function(std::nullopt);
        const matcalc::Symbol* x = m.find(wrt);
        bool matrix = x->type == matcalc::ast::TypeSpec::Kind::Matrix;
        matcalc::Expr d = matcalc::simplify(m.cx(), matcalc::derivative(m.cx(), f.expr, x->expr,
                                                                         matcalc::Layout::Numerator, matrix));
        std::string printed = matcalc::print(m.cx(), d);
        benchmark::DoNotOptimize(printed);
        nodes = m.cx().node_count();
    }
    state.counters["dag_nodes"] = static_cast<double>(nodes);
}

}  // namespace

BENCHMARK_CAPTURE(derive_example, linear_w, "linear.mc", "w");
BENCHMARK_CAPTURE(derive_example, sigmoid_z, "sigmoid.mc", "z");
BENCHMARK_CAPTURE(derive_example, tanh_x, "tanh.mc", "x");
BENCHMARK_CAPTURE(derive_example, leaky_relu_x, "leaky_relu.mc", "x");
BENCHMARK_CAPTURE(derive_example, bce_yhat, "bce.mc", "yhat");
BENCHMARK_CAPTURE(derive_example, bce_sigmoid_z, "bce_sigmoid.mc", "z");
BENCHMARK_CAPTURE(derive_example, ew_hadamard_w, "ew_hadamard.mc", "w");
BENCHMARK_CAPTURE(derive_example, vs_add_z, "vs_add.mc", "z");
BENCHMARK_CAPTURE(derive_example, sum_reduction_x, "sum_reduction.mc", "x");
BENCHMARK_CAPTURE(derive_example, chain_sin_x, "chain_sin.mc", "x");
BENCHMARK_CAPTURE(derive_example, total_derivative_x, "total_derivative.mc", "x");
BENCHMARK_CAPTURE(derive_example, vector_chain_x, "vector_chain.mc", "x");
BENCHMARK_CAPTURE(derive_example, relu_neuron_w, "relu_neuron.mc", "w");
BENCHMARK_CAPTURE(derive_example, relu_mse_w, "relu_mse.mc", "w");
BENCHMARK_CAPTURE(derive_example, relu_mse_b, "relu_mse.mc", "b");
BENCHMARK_CAPTURE(derive_example, mlp_1231_W1, "mlp_1231.mc", "W1");

BENCHMARK_MAIN();
