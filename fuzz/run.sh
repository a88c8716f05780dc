#!/usr/bin/env bash
# Runs the pipeline fuzzer for SECONDS (default 60) from the kept corpus, then merges
# what it found that adds coverage back into fuzz/corpus (-merge=1 keeps it small).
# Crashes, timeouts and OOMs land in fuzz/artifacts/ (crash-*, timeout-*, oom-*).
#
#   fuzz/build.sh && fuzz/run.sh 600
#   fuzz/build/fuzz_pipeline fuzz/artifacts/crash-...     # reproduce one finding
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
# TARGET=fuzz_options fuzz/run.sh 300: the option parser, with its own corpus (corpus_options/).
target=${TARGET:-fuzz_pipeline}
bin=build/$target
corpus=corpus
dict=matcalc.dict
if [[ $target == fuzz_options ]]; then corpus=corpus_options dict=options.dict; fi
[[ -x $bin ]] || { echo "build first: fuzz/build.sh" >&2; exit 1; }
mkdir -p "$corpus" artifacts build/new
common=(-rss_limit_mb=2048 -timeout=10 -max_len=4096 -dict="$dict" -artifact_prefix=artifacts/)
# One worker: the machine has 2 cores shared with builds.
"./$bin" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 build/new "$corpus" || status=$?
echo "merging into $corpus/"
"./$bin" "${common[@]}" -merge=1 "$corpus" build/new
rm -rf build/new
ls artifacts
exit "${status:-0}"
