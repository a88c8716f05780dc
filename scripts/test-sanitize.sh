#!/usr/bin/env bash
# The test suite built with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DMATCALC_SANITIZE=ON -DMATCALC_BENCH=OFF
# allocator_may_return_null: a hostile size must reach the code as std::bad_alloc, as
# it does without the sanitizer, rather than abort the process.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
