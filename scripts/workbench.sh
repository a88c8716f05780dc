#!/usr/bin/env bash
# Serves the workbench at http://127.0.0.1:PORT/ (default 8000) until interrupted,
# building it first when needed (scripts/build-web.sh rebuilds only what changed).
# The site is static: any file server will do; this one is Python's, from Debian.
#   scripts/workbench.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8000}
[[ $port =~ ^[0-9]+$ ]] || { echo "usage: scripts/workbench.sh [PORT]" >&2; exit 2; }
scripts/build-web.sh
echo "workbench: http://127.0.0.1:$port/  (Ctrl+C stops it)"
exec /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory build-web/site
