#!/usr/bin/env bash
# Installs the Debian packages matcalc needs to build, test, benchmark and fuzz, and to
# build and test the workbench.
# Run as root on Debian 12; does nothing when everything is present already.
set -euo pipefail
packages=(cmake make g++ libboost-dev libeigen3-dev catch2 libfmt-dev libbenchmark-dev clang libclang-rt-14-dev
          help2man   # the manual page, made from matcalc help --all
          nodejs katex   # nodejs + katex: the test that renders every LaTeX output
          python3 python3-numpy  # the test that runs the code of codegen --lang numpy
          python3-torch  # the test of codegen --lang torch (gradcheck, autograd as the oracle)
          pybind11-dev python3-dev python3-pytest  # import matcalc (python/) and its tests
          emscripten libjs-katex fonts-katex    # the workbench (scripts/build-web.sh)
          chromium chromium-driver python3-selenium  # its browser test
          firefox-esr python3-websockets)  # and in Firefox, through WebDriver BiDi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
