#!/usr/bin/env bash
# Refreshes docs/workbench.png, the picture of the workbench in README, from the browser
# test's screenshot (scripts/test-web.sh writes build-web/workbench.png).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-web.sh
cp build-web/workbench.png docs/workbench.png
echo "docs/workbench.png updated"
