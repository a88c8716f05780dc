#!/usr/bin/python3
# One training step (forward, backward, SGD update) in PyTorch (Debian's python3-torch),
# float64, one thread, at the sizes of bench_train — 2-16-1 (tanh) batch 32, 64-32-10 (ReLU)
# batch 32, 784-128-10 (ReLU) batch 256, sigmoid outputs with BCE summed over the outputs
# and averaged over the batch — and the ratio to matcalc's derived program (build/bench_train,
# run here in the same invocation). States which BLAS torch uses.
#   /usr/bin/python3 bench/torch_compare.py [build/bench_train]
import json
import subprocess
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

SIZES = [(2, 16, 1, 32, 'tanh'), (64, 32, 10, 32, 'relu'), (784, 128, 10, 256, 'relu')]
# As bench_train.cpp: the update is computed and applied, the parameters stay.
LEARNING_RATE = 0.0


def torch_step_us(d, h, k, batch, act, seconds=1.0):
    g = torch.Generator().manual_seed(5)
    X = torch.randn(batch, d, generator=g)
    Y = (torch.rand(batch, k, generator=g) > 0.5).double()
    W1 = (torch.randn(h, d, generator=g) * (6 / (d + h)) ** 0.5).requires_grad_()
    b1 = torch.zeros(h, requires_grad=True)
    W2 = (torch.randn(k, h, generator=g) * (6 / (h + k)) ** 0.5).requires_grad_()
    b2 = torch.zeros(k, requires_grad=True)
    f = torch.tanh if act == 'tanh' else torch.relu
    params = [W1, b1, W2, b2]

    def step():
        p = torch.sigmoid(f(X @ W1.T + b1) @ W2.T + b2)
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


def matcalc_us(binary):
    out = subprocess.run([binary, '--benchmark_format=json', '--benchmark_filter=^derived/',
                          '--benchmark_min_time=0.5'], check=True, capture_output=True, text=True).stdout
    unit = {'ns': 1e-3, 'us': 1, 'ms': 1e3}
    return [b['cpu_time'] * unit[b['time_unit']] for b in json.loads(out)['benchmarks']]


if __name__ == '__main__':
    binary = sys.argv[1] if len(sys.argv) > 1 else 'build/bench_train'
    config = torch.__config__.show()
    blas = next((part.strip() for part in config.replace('\n', ',').split(',') if 'BLAS_INFO' in part),
                'BLAS_INFO unknown')
    print(f'PyTorch {torch.__version__}, 1 thread, float64; {blas}')
    ours = matcalc_us(binary)
    print(f"{'network/batch':<18}{'matcalc µs':>12}{'PyTorch µs':>12}{'ratio':>8}")
    for (d, h, k, batch, act), mine in zip(SIZES, ours):
        theirs = torch_step_us(d, h, k, batch, act)
        print(f"{f'{d}-{h}-{k}/b{batch}':<18}{mine:>12.1f}{theirs:>12.1f}{mine / theirs:>8.2f}")
