"""A derivation through the Python binding beside the same derivation by the command
line's engine in-process (build/bench_cli_derive: run_cli with `derive FILE --wrt VAR
--format json`, no process started). Both bind the model, derive, simplify and print the
three forms; the binding also hands the call to a thread with a large stack and builds
the Python objects. Wall-clock times per derivation, the median of several repetitions
(the machine is shared: compare the columns of one run).

    scripts/build.sh
    PYTHONPATH=build/python /usr/bin/python3 bench/python_binding.py [BUILD_DIR]
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import matcalc

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
LECTURE = ROOT / "examples" / "lecture"
REPETITIONS = 7


def binding_time(file, wrt, seconds=0.2):
    """Median over repetitions of the mean time of m.derive(wrt) in a timed loop."""
    m = matcalc.Model.from_file(LECTURE / file)
    m.derive(wrt)
    times = []
    for _ in range(REPETITIONS):
        n, start = 0, time.perf_counter()
        while True:
            m.derive(wrt)
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        times.append(elapsed / n)
    return statistics.median(times)


def engine_times():
    out = subprocess.run([str(BUILD / "bench_cli_derive"), "--benchmark_format=json", "--benchmark_min_time=0.2",
                          f"--benchmark_repetitions={REPETITIONS}", "--benchmark_report_aggregates_only=true"],
                         capture_output=True, text=True, check=True).stdout
    times = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            name = b["run_name"].split("/", 1)[1]
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3}[b["time_unit"]]
            times[name] = b["real_time"] * scale
    return times


CASES = [("linear_w", "linear.mc", "w"), ("sigmoid_z", "sigmoid.mc", "z"), ("tanh_x", "tanh.mc", "x"),
         ("leaky_relu_x", "leaky_relu.mc", "x"), ("bce_yhat", "bce.mc", "yhat"),
         ("bce_sigmoid_z", "bce_sigmoid.mc", "z"), ("ew_hadamard_w", "ew_hadamard.mc", "w"),
         ("vs_add_z", "vs_add.mc", "z"), ("sum_reduction_x", "sum_reduction.mc", "x"),
         ("chain_sin_x", "chain_sin.mc", "x"), ("total_derivative_x", "total_derivative.mc", "x"),
         ("vector_chain_x", "vector_chain.mc", "x"), ("relu_neuron_w", "relu_neuron.mc", "w"),
         ("relu_mse_w", "relu_mse.mc", "w"), ("relu_mse_b", "relu_mse.mc", "b"),
         ("mlp_1231_W1", "mlp_1231.mc", "W1")]


def main():
    engine = engine_times()
    print("| derivation | engine in-process (run_cli) | Python binding (m.derive) | ratio |")
    print("|---|---:|---:|---:|")
    ratios = []
    for name, file, wrt in CASES:
        b = binding_time(file, wrt)
        e = engine[name]
        ratios.append(b / e)
        print(f"| {name} | {e * 1e6:.1f} µs | {b * 1e6:.1f} µs | {b / e:.2f} |")
    print(f"\nmedian ratio {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
