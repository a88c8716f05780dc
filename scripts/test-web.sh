#!/usr/bin/env bash
# The workbench's tests: builds the site (scripts/build-web.sh), then compares the
# WebAssembly engine with the native command line in node (tests/web/test_node.js) and
# drives the page in headless Chromium (tests/web/test_browser.py), which saves a
# screenshot and the measured times in build-web/, and in headless Firefox
# (tests/web/test_firefox.py). Needs build/matcalc (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/matcalc ]] || { echo "test-web: build/matcalc missing: run scripts/build.sh first" >&2; exit 1; }
scripts/build-web.sh
node tests/web/test_node.js build-web/site build/matcalc
# Debian's python3, which has python3-selenium (the python3 on the PATH may not).
/usr/bin/python3 tests/web/test_browser.py build-web/site \
    --screenshot build-web/workbench.png --timings build-web/timings.json
# The same page in Firefox ESR, through WebDriver BiDi (Debian has no geckodriver).
/usr/bin/python3 tests/web/test_firefox.py build-web/site --timings build-web/timings-firefox.json
