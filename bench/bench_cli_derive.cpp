// `matcalc derive FILE --wrt VAR --format json` run in-process (run_cli, output to a
// string): what one derivation costs the command line without starting a process. The
// Python binding's m.derive(VAR) does the same work (bind, derive, simplify, three
// printers); bench/python_binding.py runs this program and times the binding beside it.
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>
#include <vector>

#include "matcalc/cli/cli.hpp"

#ifndef MATCALC_SOURCE_DIR
#define MATCALC_SOURCE_DIR "."
#endif

namespace {

void cli_derive(benchmark::State& state, const char* file, const char* wrt) {
    const std::vector<std::string> args{"derive", std::string(MATCALC_SOURCE_DIR) + "/examples/lecture/" + file,
                                        "--wrt", wrt, "--format", "json"};
    for (auto _ : state) {
        std::ostringstream out, err;
        if (matcalc::run_cli(args, out, err) != 0) {
            state.SkipWithError(err.str().c_str());
            return;
        }
        benchmark::DoNotOptimize(out.str());
    }
}

}  // namespace

// The cases of bench_lecture.cpp.
BENCHMARK_CAPTURE(cli_derive, linear_w, "linear.mc", "w");
BENCHMARK_CAPTURE(cli_derive, sigmoid_z, "sigmoid.mc", "z");
BENCHMARK_CAPTURE(cli_derive, tanh_x, "tanh.mc", "x");
BENCHMARK_CAPTURE(cli_derive, leaky_relu_x, "leaky_relu.mc", "x");
BENCHMARK_CAPTURE(cli_derive, bce_yhat, "bce.mc", "yhat");
BENCHMARK_CAPTURE(cli_derive, bce_sigmoid_z, "bce_sigmoid.mc", "z");
BENCHMARK_CAPTURE(cli_derive, ew_hadamard_w, "ew_hadamard.mc", "w");
BENCHMARK_CAPTURE(cli_derive, vs_add_z, "vs_add.mc", "z");
BENCHMARK_CAPTURE(cli_derive, sum_reduction_x, "sum_reduction.mc", "x");
BENCHMARK_CAPTURE(cli_derive, chain_sin_x, "chain_sin.mc", "x");
BENCHMARK_CAPTURE(cli_derive, total_derivative_x, "total_derivative.mc", "x");
BENCHMARK_CAPTURE(cli_derive, vector_chain_x, "vector_chain.mc", "x");
BENCHMARK_CAPTURE(cli_derive, relu_neuron_w, "relu_neuron.mc", "w");
BENCHMARK_CAPTURE(cli_derive, relu_mse_w, "relu_mse.mc", "w");
BENCHMARK_CAPTURE(cli_derive, relu_mse_b, "relu_mse.mc", "b");
BENCHMARK_CAPTURE(cli_derive, mlp_1231_W1, "mlp_1231.mc", "W1");

BENCHMARK_MAIN();
