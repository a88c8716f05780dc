#!/usr/bin/env bash
# What the PyTorch comparisons (bench/torch_compare.py, bench/hessian_compare.py) need
# beyond scripts/install-deps.sh: Debian's PyTorch and OpenBLAS (Debian's torch calls the
# system's libblas.so.3; without OpenBLAS that is the slow reference BLAS). Not part of CI.
set -euo pipefail
missing=()
for p in python3-torch libopenblas0-pthread; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
if grep -q avx512f /proc/cpuinfo; then
    echo "This processor has AVX-512: run the comparisons with OPENBLAS_CORETYPE=SkylakeX"
fi
