#!/usr/bin/python3
# Runs build/bench_train (one training step: matcalc's compiled derived program, the
# project's hand-written reference backprop and the independent hand-written Eigen anchor
# of bench/anchor/, side by side in one run) and prints the times and ratios per network.
#   bench/compare_train.py [path/to/bench_train] [--repetitions=R] [--benchmark_min_time=0.2 ...]
# Each benchmark runs R times (default 6), the repetitions of all of them interleaved in a
# random order (Google Benchmark's --benchmark_enable_random_interleaving), so that a change
# of the machine's speed during the run touches every side alike; the tables give the
# median CPU time of each side and the ratios of the medians: derived / anchor (the
# acceptance: ≤ 1.2 in float64), derived / reference; in float32 derived / anchor.
import json
import statistics
import subprocess
import sys

args = sys.argv[1:]
binary = args.pop(0) if args and not args[0].startswith('--') else 'build/bench_train'
repetitions = 6
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
    if b.get('error_occurred'):
        sys.exit(f"{b['name']}: {b.get('error_message')}")
    side = b['name'].split('/')[0]
    unit = {'ns': 1e-3, 'us': 1, 'ms': 1e3}[b['time_unit']]
    times.setdefault(b['label'], {}).setdefault(side, []).append(b['cpu_time'] * unit)
med = {label: {side: statistics.median(v) for side, v in t.items()} for label, t in times.items()}
order = sorted(med, key=lambda label: med[label]['anchor'])
print('float64')
print(f"{'network/batch':<20}{'derived µs':>12}{'reference µs':>14}{'anchor µs':>11}{'derived/anchor':>16}"
      f"{'derived/reference':>19}")
for label in order:
    m = med[label]
    print(f"{label:<20}{m['derived']:>12.1f}{m['hand_written']:>14.1f}{m['anchor']:>11.1f}"
          f"{m['derived'] / m['anchor']:>16.2f}{m['derived'] / m['hand_written']:>19.2f}")
print('float32')
print(f"{'network/batch':<20}{'derived µs':>12}{'anchor µs':>11}{'derived/anchor':>16}")
for label in order:
    m = med[label]
    print(f"{label:<20}{m['derived_float32']:>12.1f}{m['anchor_float32']:>11.1f}"
          f"{m['derived_float32'] / m['anchor_float32']:>16.2f}")
