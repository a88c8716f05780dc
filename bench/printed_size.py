#!/usr/bin/env python3
"""Printed size of derivatives against model size (bench/README.md, "printed size").

Two families of models, derived with `matcalc derive --format unicode`:
  rnn T    an RNN unrolled T steps, h_t = tanh(W h_{t-1} + U x_t), loss ‖h_T − y‖², ∂L/∂W
  mlp D    a D-layer tanh network, h_k = tanh(W_k h_{k-1} + b_k), loss ‖h_D − y‖², ∂L/∂W1
For each it prints the model's size (its text in bytes), the size of the printed result
(the derivative and its `where` list of named quantities), and the bytes per step or
layer: linear growth keeps the last column flat.

Usage: bench/printed_size.py [path/to/matcalc]   (default: build/matcalc)
"""
import subprocess
import sys
import time


def rnn(T):
    lines = ["W : matrix(n, n)", "U : matrix(n, m)", "h0, y : vector(n)"]
    lines += [f"x{t} : vector(m)" for t in range(1, T + 1)]
    lines += [f"h{t} = tanh(W*h{t - 1} + U*x{t})" for t in range(1, T + 1)]
    lines.append(f"L = sum((h{T} - y)^2)")
    return "\n".join(lines) + "\n", "W"


def mlp(D):
    lines = ["x, y : vector(n)"]
    lines += [f"W{k} : matrix(n, n); b{k} : vector(n)" for k in range(1, D + 1)]
    lines.append("h0 = x")
    lines += [f"h{k} = tanh(W{k}*h{k - 1} + b{k})" for k in range(1, D + 1)]
    lines.append(f"L = sum((h{D} - y)^2)")
    return "\n".join(lines) + "\n", "W1"


def measure(matcalc, model, wrt, extra=()):
    path = "/tmp/matcalc_printed_size.mc"
    with open(path, "w") as f:
        f.write(model)
    start = time.perf_counter()
    out = subprocess.run([matcalc, "derive", path, "--wrt", wrt, *extra], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"matcalc failed ({out.returncode}): {out.stderr}")
    text = out.stdout
    return len(text.encode()), text.count("\n") - 1, seconds


def main():
    matcalc = sys.argv[1] if len(sys.argv) > 1 else "build/matcalc"
    for family, sizes, make in (("rnn", (5, 10, 20, 40, 80, 160), rnn), ("mlp", (2, 4, 8, 16, 32, 64), mlp)):
        print(f"| {family} | model bytes | printed bytes | named quantities | bytes per {'step' if family == 'rnn' else 'layer'} | time |")
        print("|---:|---:|---:|---:|---:|---:|")
        for k in sizes:
            model, wrt = make(k)
            size, named, seconds = measure(matcalc, model, wrt)
            print(f"| {k} | {len(model)} | {size} | {named} | {size / k:.0f} | {seconds:.2f} s |")
        print()


if __name__ == "__main__":
    main()
