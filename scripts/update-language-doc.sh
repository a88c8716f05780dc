#!/usr/bin/env bash
# Regenerates the operator and function tables of docs/language.md from the operation
# table (after adding or changing a row): the text between the two markers becomes
# `matcalc help functions --markdown`. Needs a build (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
matcalc=${MATCALC:-build/matcalc}
begin='<!-- generated: matcalc help functions --markdown -->'
end='<!-- end of generated -->'
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
  sed "/^$begin\$/q" docs/language.md
  "$matcalc" help functions --markdown
  sed -n "/^$end\$/,\$p" docs/language.md
} > "$tmp"
grep -q "^$begin\$" "$tmp" && grep -q "^$end\$" "$tmp"
cat "$tmp" > docs/language.md

