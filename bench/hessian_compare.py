#!/usr/bin/python3
# Hessians: matcalc through the library (build/bench_hessian: derived and simplified once,
# then the compiled Hessian evaluated) against torch.autograd.functional.hessian (Debian's
# python3-torch, one thread, float64) in one run, and Hessian–vector products against
# torch.autograd.functional.hvp, for the cases of bench_hessian.cpp:
# x'Ax and logistic regression at n = 100 and 1000, the batch MLP
# (tanh(X W1 + 1 b1ᵀ) w2, 4 inputs, 16 hidden units, mean squared error, ∂²L/∂b1²) at
# N = 64, 256 and 1024, at values of the same sizes drawn here (the times do not depend on
# them). torch's two forms (plain and vectorize=True) are checked against each other; the
# values of matcalc's Hessians are checked in the tests (tests/test_kronecker.cpp against
# finite differences, tests/test_structured_eval.cpp against the batch MLP's closed form).
# States which BLAS torch uses; run it as
#   OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/hessian_compare.py [build/bench_hessian]
# on a processor with AVX-512 (grep avx512 /proc/cpuinfo) and libopenblas0-pthread installed.
import json
import os
import subprocess
import sys
import time

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import torch  # noqa: E402

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

CASES = [('xAx', 100), ('xAx', 1000), ('logistic', 100), ('logistic', 1000),
         ('batch_mlp', 64), ('batch_mlp', 256), ('batch_mlp', 1024)]


def problem(name, n):
    g = torch.Generator().manual_seed(7)
    if name == 'xAx':
        A = torch.randn(n, n, generator=g)
        return (lambda x: x @ A @ x), torch.randn(n, generator=g)
    if name == 'logistic':
        X = torch.randn(n, n, generator=g)
        y = (torch.randn(n, generator=g) > 0).double()
        return (lambda w: torch.nn.functional.binary_cross_entropy(torch.sigmoid(X @ w), y)), torch.randn(n, generator=g)
    X = torch.randn(n, 4, generator=g)
    W1 = 0.5 * torch.randn(4, 16, generator=g)
    w2 = torch.randn(16, generator=g)
    y = torch.randn(n, generator=g)
    return (lambda b1: ((torch.tanh(X @ W1 + b1) @ w2 - y) ** 2).mean()), torch.randn(16, generator=g)


def best_us(f, seconds=1.0):
    f()
    times, start = [], time.process_time()
    while time.process_time() - start < seconds or len(times) < 3:
        t = time.process_time()
        f()
        times.append(time.process_time() - t)
    return min(times) * 1e6


def blas():
    try:
        return os.path.basename(os.path.dirname(os.path.realpath('/etc/alternatives/libblas.so.3-x86_64-linux-gnu')))
    except OSError:
        return 'unknown'


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else 'build/bench_hessian'
    out = subprocess.run([binary, '--benchmark_format=json', '--benchmark_min_time=0.3'], check=True,
                         capture_output=True, text=True).stdout
    unit = {'ns': 1e-3, 'us': 1, 'ms': 1e3, 's': 1e6}
    ours = {}
    for b in json.loads(out)['benchmarks']:
        ours.setdefault(b['label'], {})[b['name'].split('/')[0]] = b['cpu_time'] * unit[b['time_unit']]
    print(f'PyTorch {torch.__version__}, 1 thread, float64, BLAS: {blas()} '
          f'(OPENBLAS_CORETYPE={os.environ.get("OPENBLAS_CORETYPE", "unset")})')
    print(f"{'case':<16}{'matcalc eval µs':>16}{'derive µs':>11}{'torch µs':>11}{'torch vec µs':>14}"
          f"{'torch/eval':>12}")
    for name, n in CASES:
        f, x = problem(name, n)
        plain = best_us(lambda: torch.autograd.functional.hessian(f, x))
        vec = best_us(lambda: torch.autograd.functional.hessian(f, x, vectorize=True))
        h1 = torch.autograd.functional.hessian(f, x)
        h2 = torch.autograd.functional.hessian(f, x, vectorize=True)
        assert torch.allclose(h1, h2, rtol=1e-9, atol=1e-12), name
        m = ours[f'{name}/{n}']
        print(f"{f'{name}/{n}':<16}{m['evaluate']:>16.1f}{m['derive']:>11.1f}{plain:>11.1f}{vec:>14.1f}"
              f"{min(plain, vec) / m['evaluate']:>12.1f}")
    # Hessian–vector products: matcalc's ∇²f v (bench_hessian's `hvp`) against
    # torch.autograd.functional.hvp (double backward), the direction drawn here.
    print(f"\n{'case':<16}{'matcalc hvp µs':>16}{'torch hvp µs':>14}{'torch/matcalc':>15}")
    for name, n in CASES:
        f, x = problem(name, n)
        v = torch.randn(x.shape, generator=torch.Generator().manual_seed(11))
        t = best_us(lambda: torch.autograd.functional.hvp(f, x, v))
        m = ours[f'{name}/{n}']
        print(f"{f'{name}/{n}':<16}{m['hvp']:>16.1f}{t:>14.1f}{t / m['hvp']:>15.1f}")


if __name__ == '__main__':
    main()
