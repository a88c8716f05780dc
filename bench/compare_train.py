#!/usr/bin/python3
# Runs build/bench_train (one training step, compiled derived program vs hand-written Eigen
# backprop, side by side in one run) and prints the time ratio per network size.
#   bench/compare_train.py [path/to/bench_train] [--repetitions=R] [--benchmark_min_time=0.2 ...]
# Each benchmark runs R times (default 10), the repetitions of all of them interleaved in
# a random order (Google Benchmark's --benchmark_enable_random_interleaving), so that a
# change of the machine's speed during the run touches both sides alike; the table gives
# the median CPU time of each side and their ratio, and the range of the ratio of the
# medians of the first and second half of the repetitions as a sign of the noise; the
# last column is the derived program in single precision (--precision float32).
import json
import statistics
import subprocess
import sys

args = sys.argv[1:]
binary = args.pop(0) if args and not args[0].startswith('--') else 'build/bench_train'
repetitions = 10
for a in list(args):
    if a.startswith('--repetitions='):
        repetitions = int(a.split('=', 1)[1])
        args.remove(a)
extra = args or ['--benchmark_min_time=0.2']
command = [binary, '--benchmark_format=json', f'--benchmark_repetitions={repetitions}',
           '--benchmark_enable_random_interleaving=true', '--benchmark_report_aggregates_only=false'] + extra
out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
times = {}
for b in json.loads(out)['benchmarks']:
    if b.get('run_type') != 'iteration':
        continue
    side = b['name'].split('/')[0]
    unit = {'ns': 1e-3, 'us': 1, 'ms': 1e3}[b['time_unit']]
    times.setdefault(b['label'], {}).setdefault(side, []).append(b['cpu_time'] * unit)
print(f"{'network/batch':<18}{'derived µs':>12}{'hand-written µs':>17}{'ratio':>8}   halves   {'float32 µs':>10}")
for label, t in sorted(times.items(), key=lambda kv: statistics.median(kv[1]['hand_written'])):
    d, h = t['derived'], t['hand_written']
    half = len(d) // 2
    halves = [statistics.median(d[:half]) / statistics.median(h[:half]),
              statistics.median(d[half:]) / statistics.median(h[half:])] if half else []
    ratio = statistics.median(d) / statistics.median(h)
    span = f"{min(halves):.2f}–{max(halves):.2f}" if halves else ""
    f32 = f"{statistics.median(t['derived_float32']):>10.1f}" if 'derived_float32' in t else ''
    print(f"{label:<18}{statistics.median(d):>12.1f}{statistics.median(h):>17.1f}{ratio:>8.2f}   {span}   {f32}")
