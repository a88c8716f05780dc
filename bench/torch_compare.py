#!/usr/bin/python3
# One training step (forward, backward, SGD update) in PyTorch (Debian's python3-torch),
# one thread, at the sizes of bench_train — 2-16-1 (tanh) batch 32, 64-32-10 (ReLU) batch
# 32, 784-128-10 (ReLU) batch 256, 784-512-512-10 (ReLU) batch 256, sigmoid outputs with BCE
# summed over the outputs and averaged over the batch — in float64 and float32, and the
# ratio to matcalc's derived program (build/bench_train, run in the same invocation).
# States which BLAS torch uses: Debian's torch calls the system's libblas.so.3, the
# reference BLAS unless libopenblas0-pthread is installed; OpenBLAS picks its AVX-512
# kernels on these processors only with OPENBLAS_CORETYPE=SkylakeX:
#   OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/torch_compare.py [build/bench_train]
import json
import os
import subprocess
import sys
import time

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import torch  # noqa: E402

torch.set_num_threads(1)

SIZES = [((2, 16, 1), 32, 'tanh'), ((64, 32, 10), 32, 'relu'), ((784, 128, 10), 256, 'relu'),
         ((784, 512, 512, 10), 256, 'relu')]
# As bench_train.cpp: the update is computed and applied, the parameters stay.
LEARNING_RATE = 0.0


def torch_step_us(widths, batch, act, dtype, seconds=1.0):
    g = torch.Generator().manual_seed(5)
    X = torch.randn(batch, widths[0], generator=g, dtype=dtype)
    Y = (torch.rand(batch, widths[-1], generator=g) > 0.5).to(dtype)
    params = []
    for d, h in zip(widths, widths[1:]):
        params.append((torch.randn(h, d, generator=g, dtype=dtype) * (6 / (d + h)) ** 0.5).requires_grad_())
        params.append(torch.zeros(h, dtype=dtype, requires_grad=True))
    f = torch.tanh if act == 'tanh' else torch.relu

    def step():
        a = X
        for k in range(0, len(params) - 2, 2):
            a = f(a @ params[k].T + params[k + 1])
        p = torch.sigmoid(a @ params[-2].T + params[-1])
        loss = torch.nn.functional.binary_cross_entropy(p, Y, reduction='sum') / batch
        for q in params:
            q.grad = None
        loss.backward()
        with torch.no_grad():
            for q in params:
                q -= LEARNING_RATE * q.grad

    for _ in range(20):
        step()
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        step()
        n += 1
    return (time.process_time() - start) / n * 1e6


def matcalc_us(binary, name):
    out = subprocess.run([binary, '--benchmark_format=json', f'--benchmark_filter=^{name}/',
                          '--benchmark_min_time=0.5'], check=True, capture_output=True, text=True).stdout
    unit = {'ns': 1e-3, 'us': 1, 'ms': 1e3}
    return [b['cpu_time'] * unit[b['time_unit']] for b in json.loads(out)['benchmarks']]


def blas():
    link = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu'
    where = os.path.realpath(link) if os.path.exists(link) else 'unknown'
    return f"{where} (OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')})"


if __name__ == '__main__':
    binary = sys.argv[1] if len(sys.argv) > 1 else 'build/bench_train'
    print(f'PyTorch {torch.__version__}, 1 thread; BLAS: {blas()}')
    for name, dtype in (('derived', torch.float64), ('derived_float32', torch.float32)):
        ours = matcalc_us(binary, name)
        print(f"{str(dtype).replace('torch.', ''):<20}{'matcalc µs':>12}{'PyTorch µs':>12}{'PyTorch/matcalc':>17}")
        for (widths, batch, act), mine in zip(SIZES, ours):
            theirs = torch_step_us(widths, batch, act, dtype)
            label = '-'.join(map(str, widths)) + f'/b{batch}'
            print(f"{label:<20}{mine:>12.1f}{theirs:>12.1f}{theirs / mine:>17.1f}")
