#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (Catch2 through CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
# import matcalc: the Python module's tests, with Debian's interpreter (its NumPy, pytest).
PYTHONPATH=build/python /usr/bin/python3 -m pytest -q python/tests
# The workbench: the WebAssembly build, compared with the native one, and the page in
# headless Chromium.
scripts/test-web.sh
