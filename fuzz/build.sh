#!/usr/bin/env bash
# Builds the libFuzzer targets fuzz/build/fuzz_pipeline (model text through the whole
# pipeline) and fuzz/build/fuzz_options (command lines through the option parser) with Debian's clang 14
# (ASan + UBSan + libFuzzer). Objects are kept in fuzz/build/obj and rebuilt only when
# their source, or any header, is newer. Sequential by default (JOBS=2 to use both cores,
# but not while a fuzzer or another build is running).
#
#   fuzz/build.sh            # build
#   CLEAN=1 fuzz/build.sh    # rebuild everything
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=${CXX:-clang++-14}
JOBS=${JOBS:-1}
out=fuzz/build
obj=$out/obj
[[ ${CLEAN:-0} == 1 ]] && rm -rf "$out"
mkdir -p "$obj"

# What CMake would generate, and the engine's sources (shared with scripts/build-web.sh).
source scripts/engine-sources.sh
prepare_engine_sources "$out"

flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -DEIGEN_STACK_ALLOCATION_LIMIT=1048576  # as CMakeLists.txt: one value everywhere
       -Iinclude -I"$out/include" -Igrammar -Isrc/cli -I/usr/include/eigen3)

sources=("${engine_sources[@]}")

pids=()
objects=()
for s in "${sources[@]}" fuzz/fuzz_pipeline.cpp fuzz/fuzz_options.cpp; do
    o=$obj/$(echo "${s%.cpp}" | tr / _).o
    objects+=("$o")
    if [[ ! -f $o || $s -nt $o || $engine_newest_header -nt $o ]]; then
        echo "compile $s"
        "$CXX" "${flags[@]}" -c "$s" -o "$o" &
        pids+=($!)
        if (( ${#pids[@]} >= JOBS )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    fi
done
for p in "${pids[@]}"; do wait "$p"; done

# The last two objects are the targets' own; each links with the engine's.
engine=("${objects[@]:0:${#objects[@]}-2}")
for target in fuzz_pipeline fuzz_options; do
    echo "link $out/$target"
    "$CXX" -std=c++20 -g -fsanitize=fuzzer,address,undefined "${engine[@]}" "$obj/fuzz_$target.o" -lfmt -o "$out/$target"
done
