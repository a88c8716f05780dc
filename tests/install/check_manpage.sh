#!/usr/bin/env bash
# The manual page made by help2man at build time names every option that
# `matcalc help --all` lists (it is made from that text: this catches a broken build
# rule or a help2man that dropped sections). Usage: check_manpage.sh MATCALC.1 MATCALC
set -euo pipefail
page=$1 matcalc=$2
test -s "$page"
grep -q '^\.TH MATCALC' "$page"
missing=0
for opt in $("$matcalc" help --all | grep -oE '^  (-e|--[a-z]+(-[a-z]+)*)' | sort -u); do
  # groff escapes the dashes: --wrt is \-\-wrt
  if ! grep -qF -- "$(echo "$opt" | sed 's/-/\\-/g')" "$page"; then
    echo "the manual page lacks $opt" >&2
    missing=1
  fi
done
exit $missing
