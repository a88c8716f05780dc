#!/usr/bin/env bash
# Builds the workbench, a static site in build-web/site/: the page (web/), the engine
# compiled to WebAssembly by Debian's emscripten (every src/ stage below the command
# line's main(), with web/engine.cpp as the entry point), the lecture's examples, and
# KaTeX from Debian's package. Nothing in the site calls a server; nothing is fetched.
# Objects are kept in build-web/obj and rebuilt only when their source, or any header, is
# newer. JOBS=N compiles N files at once (default: the number of cores).
#
#   scripts/build-web.sh            # build
#   CLEAN=1 scripts/build-web.sh    # rebuild everything
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
out=${WEB_OUT:-build-web}
# How C++ exceptions are compiled: js (emscripten's JavaScript trampolines, the default)
# or wasm (WebAssembly's exception instructions). Firefox 153 ESR runs the wasm form that
# Debian's emscripten 3.1.6 (LLVM 14) emits wrongly: a model that parses comes out
# corrupted ("internal error: bad_variant_access"), while Chromium and node run it right.
# The js form works in both, at 540 KiB of wasm gzipped instead of 499, and measured no
# slower in the page (docs/workbench.md).
exceptions=${EXCEPTIONS:-js}
case $exceptions in
  wasm) exception_flag=-fwasm-exceptions ;;
  js) exception_flag="-fexceptions" ;;
  *) echo "build-web: EXCEPTIONS must be wasm or js" >&2; exit 2 ;;
esac
obj=$out/obj-$exceptions
site=$out/site
[[ ${CLEAN:-0} == 1 ]] && rm -rf "$out"
mkdir -p "$obj" "$site"

# Debian's em++ looks for acorn through NODE_PATH when node is not Debian's own.
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
command -v em++ >/dev/null || { echo "build-web: em++ not found (Debian package emscripten)" >&2; exit 1; }

# What CMake would generate, and the engine's sources (shared with fuzz/build.sh).
source scripts/engine-sources.sh
prepare_engine_sources "$out"

# Boost and fmt from a folder of their own: /usr/include on the include path would hide
# emscripten's C library headers.
mkdir -p "$out/system"
ln -sfn /usr/include/boost "$out/system/boost"
ln -sfn /usr/include/fmt "$out/system/fmt"

flags=(-std=c++20 -O2 $exception_flag
       -DFMT_HEADER_ONLY                        # no libfmt.so in the browser
       -DEIGEN_STACK_ALLOCATION_LIMIT=1048576   # as CMakeLists.txt: one value everywhere
       -Iinclude -I"$out/include" -Igrammar -Isrc/cli -I"$out/system" -I/usr/include/eigen3)

sources=("${engine_sources[@]}" web/engine.cpp)

pids=()
objects=()
for s in "${sources[@]}"; do
    o=$obj/$(echo "${s%.cpp}" | tr / _).o
    objects+=("$o")
    if [[ ! -f $o || $s -nt $o || $engine_newest_header -nt $o ]]; then
        echo "em++ $s"
        em++ "${flags[@]}" -c "$s" -o "$o" &
        pids+=($!)
        if (( ${#pids[@]} >= JOBS )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    fi
done
for p in "${pids[@]}"; do wait "$p"; done

# The module: MODULARIZE gives a factory (createMatcalc) instead of a global; the stack is
# large because the passes over the DAG recurse once per nesting level (the native
# executable runs on a thread with a large stack for the same reason).
link=(-O2 $exception_flag --bind
      -sMODULARIZE=1 -sEXPORT_NAME=createMatcalc -sENVIRONMENT=web,worker,node
      -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64MB -sTOTAL_STACK=16MB
      -sFILESYSTEM=1 -sEXIT_RUNTIME=0)
# Relinked when the exception mode changes (its objects are in a folder of their own).
[[ $(cat "$out/exceptions" 2>/dev/null) == "$exceptions" ]] || rm -f "$site/matcalc.wasm"
echo "$exceptions" > "$out/exceptions"
newest_object=$(ls -t "${objects[@]}" | head -1)
if [[ ! -f $site/matcalc.wasm || $newest_object -nt $site/matcalc.wasm || $0 -nt $site/matcalc.wasm ]]; then
    echo "link $site/matcalc.js"
    em++ "${link[@]}" "${objects[@]}" -o "$site/matcalc.js"
fi

# The page, the examples and KaTeX (its CSS and the woff2 fonts, which every current
# browser reads; the CSS lists woff and ttf after them, never reached).
cp web/index.html web/app.js web/worker.js web/style.css "$site/"
node web/make_examples.js > "$site/examples.js.new"
cmp -s "$site/examples.js.new" "$site/examples.js" 2>/dev/null || mv "$site/examples.js.new" "$site/examples.js"
rm -f "$site/examples.js.new"
katex=/usr/share/javascript/katex
mkdir -p "$site/katex/fonts"
cp "$katex/katex.min.js" "$katex/katex.min.css" "$site/katex/"
cp -L "$katex"/fonts/*.woff2 "$site/katex/fonts/"

wasm=$(stat -c %s "$site/matcalc.wasm")
gz=$(gzip -9 -c "$site/matcalc.wasm" | wc -c)
total=$(du -sb "$site" | cut -f1)
echo "build-web: $site: matcalc.wasm $((wasm / 1024)) KiB ($((gz / 1024)) KiB gzipped), site $((total / 1024)) KiB"
