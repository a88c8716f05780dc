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

# The version header CMake configures, made here from the project() line.
mkdir -p "$out/include/matcalc"
version=$(sed -n 's/^project(matcalc VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
sed "s/@PROJECT_VERSION@/$version/" include/matcalc/version.hpp.in > "$out/include/matcalc/version.hpp.new"
cmp -s "$out/include/matcalc/version.hpp.new" "$out/include/matcalc/version.hpp" ||
    mv "$out/include/matcalc/version.hpp.new" "$out/include/matcalc/version.hpp"
rm -f "$out/include/matcalc/version.hpp.new"

flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -DEIGEN_STACK_ALLOCATION_LIMIT=1048576  # as CMakeLists.txt: one value everywhere
       -Iinclude -I"$out/include" -Igrammar -Isrc/cli -I/usr/include/eigen3)

# The newest header: any change to one rebuilds everything (simple and safe).
newest_header=$(ls -t include/matcalc/*/*.hpp grammar/*.hpp src/*/*.hpp 2>/dev/null | head -1)

# The rewrite rules, embedded as CMake does (cmake/embed.cmake).
cmake -DINPUT=src/simplify/rules.txt -DOUTPUT="$out/rules_text.cpp" -DNAME=kRulesText -P cmake/embed.cmake
cmake -DINPUT=src/frontend/prelude.txt -DOUTPUT="$out/prelude_text.cpp" -DNAME=kPreludeText -P cmake/embed.cmake
sources=(grammar/parser.cpp "$out/rules_text.cpp" "$out/prelude_text.cpp")
for s in src/*/*.cpp; do
    [[ $(basename "$s") == main.cpp ]] && continue
    sources+=("$s")
done

pids=()
objects=()
for s in "${sources[@]}" fuzz/fuzz_pipeline.cpp fuzz/fuzz_options.cpp; do
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

# The last two objects are the targets' own; each links with the engine's.
engine=("${objects[@]:0:${#objects[@]}-2}")
for target in fuzz_pipeline fuzz_options; do
    echo "link $out/$target"
    "$CXX" -std=c++20 -g -fsanitize=fuzzer,address,undefined "${engine[@]}" "$obj/fuzz_$target.o" -lfmt -o "$out/$target"
done
