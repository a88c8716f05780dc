#!/usr/bin/env bash
# Builds the libFuzzer target fuzz/build/fuzz_pipeline with Debian's clang 14
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

flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -DEIGEN_STACK_ALLOCATION_LIMIT=1048576  # as CMakeLists.txt: one value everywhere
       -Iinclude -Igrammar -Isrc -I/usr/include/eigen3)

# The newest header: any change to one rebuilds everything (simple and safe).
newest_header=$(ls -t include/matcalc/*.hpp grammar/*.hpp src/*.hpp 2>/dev/null | head -1)

sources=(fuzz/fuzz_pipeline.cpp grammar/parser.cpp)
for s in src/*.cpp; do
    [[ $(basename "$s") == main.cpp ]] && continue
    sources+=("$s")
done

pids=()
objects=()
for s in "${sources[@]}"; do
    o=$obj/$(echo "${s%.cpp}" | tr / _).o
    objects+=("$o")
    if [[ ! -f $o || $s -nt $o || $newest_header -nt $o ]]; then
        echo "compile $s"
        "$CXX" "${flags[@]}" -c "$s" -o "$o" &
        pids+=($!)
        if (( ${#pids[@]} >= JOBS )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    fi
done
for p in "${pids[@]}"; do wait "$p"; done

echo "link $out/fuzz_pipeline"
"$CXX" -std=c++20 -g -fsanitize=fuzzer,address,undefined "${objects[@]}" -lfmt -o "$out/fuzz_pipeline"
