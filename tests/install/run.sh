#!/usr/bin/env bash
# `cmake --install` of a build into a scratch prefix, then a project outside the tree
# (consumer/) configured with find_package(matcalc), built and run against it; and the
# installed binary and manual page. Usage: tests/install/run.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -x "$tmp/prefix/bin/matcalc"
test -f "$tmp/prefix/include/matcalc/calculus/derive.hpp"
test -f "$tmp/prefix/include/matcalc/version.hpp"
test -f "$tmp/prefix/lib/cmake/matcalc/matcalcConfig.cmake"
"$tmp/prefix/bin/matcalc" --version | grep -Eq '^matcalc [0-9]+\.[0-9]+\.[0-9]+$'
# The Python package, where the build has it (python/; Debian's python3 looks in
# PREFIX/lib/python3.X/dist-packages), imported from outside the tree.
for module in "$tmp"/prefix/lib/python3*/dist-packages/matcalc/_matcalc*.so; do
  [ -e "$module" ] || continue
  (cd "$tmp" && PYTHONPATH=$(dirname "$(dirname "$module")") /usr/bin/python3 -c \
    'import matcalc; assert matcalc.Model("x : scalar; f = x^2").derive("x").unicode == "2 x"; print("python: ok")')
done
cmake -S "$here/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/consumer" >/dev/null
out=$("$tmp/consumer/neuron_gradient")
echo "$out"
expected="da/dw = step(z) xᵀ
at the point: 3 1 2"
if [ "$(echo "$out" | tail -n 2)" != "$expected" ]; then
  echo "install test: the consumer printed something else; expected:" >&2
  echo "$expected" >&2
  exit 1
fi
echo "install test: ok"
