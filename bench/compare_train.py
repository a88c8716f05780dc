#!/usr/bin/python3
# Runs build/bench_train (one training step, compiled derived program vs hand-written Eigen
# backprop, side by side in one run) and prints the time ratio per network size.
#   bench/compare_train.py [path/to/bench_train] [--benchmark_min_time=0.5 ...]
import json
import subprocess
import sys

binary = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith('--') else 'build/bench_train'
extra = [a for a in sys.argv[1:] if a.startswith('--')] or ['--benchmark_min_time=0.5']
out = subprocess.run([binary, '--benchmark_format=json'] + extra, check=True, capture_output=True, text=True).stdout
rows = {}
for b in json.loads(out)['benchmarks']:
    name = b['name'].split('/')[0]
    rows.setdefault(b['label'], {})[name] = b['cpu_time'] * {'ns': 1e-3, 'us': 1, 'ms': 1e3}[b['time_unit']]
print(f"{'network/batch':<18}{'derived µs':>12}{'hand-written µs':>17}{'ratio':>8}")
for label, t in rows.items():
    print(f"{label:<18}{t['derived']:>12.1f}{t['hand_written']:>17.1f}{t['derived'] / t['hand_written']:>8.2f}")
