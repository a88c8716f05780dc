#!/usr/bin/env bash
# Renders LaTeX (matcalc --format latex output, a bare formula, $$...$$ or an align* block) read
# from stdin to a tightly cropped PNG on a white background, e.g. for the README:
#   build/matcalc derive M.mc --wrt w --format latex | scripts/render-latex.sh out.png "Title"
# Needs the Debian packages nodejs katex chromium python3-pil (see docs/README.md).
# SCALE=2 renders at twice the pixel density; CHROMIUM overrides /usr/bin/chromium.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUT.png [TITLE] < formula.tex" >&2
  exit 2
fi
out=$1 title=${2:-} scale=${SCALE:-1} chromium=${CHROMIUM:-/usr/bin/chromium}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

size=$(node "$here/render_latex.js" "$tmp/page.html" "$title")  # KaTeX errors exit here
w=${size%,*} h=${size#*,}
for _ in 1 2 3; do  # the window is a guess: grow it while the picture touches its edge
  rm -rf "$tmp/profile" "$tmp/shot.png"
  # Without the networking flags Chromium waits for Google's servers on a closed network.
  if ! timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --hide-scrollbars --user-data-dir="$tmp/profile" --force-device-scale-factor="$scale" \
      --window-size="$w,$h" --screenshot="$tmp/shot.png" "file://$tmp/page.html" \
      >"$tmp/chromium.log" 2>&1 || [ ! -s "$tmp/shot.png" ]; then
    cat "$tmp/chromium.log" >&2
    echo "render-latex: chromium made no screenshot" >&2
    exit 1
  fi
  rc=0
  /usr/bin/python3 - "$tmp/shot.png" "$out" "$scale" <<'EOF' || rc=$?
import sys
from PIL import Image, ImageChops
shot, out, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
im = Image.open(shot).convert('RGB')
box = ImageChops.difference(im, Image.new('RGB', im.size, 'white')).getbbox()
if box is None:
    sys.exit('render-latex: the picture is blank')
if box[2] > im.width - 8 * scale or box[3] > im.height - 8 * scale:
    sys.exit(3)  # clipped by the window
pad = round(10 * scale)
im.crop((max(0, box[0] - pad), max(0, box[1] - pad),
         box[2] + pad, box[3] + pad)).save(out, optimize=True)
EOF
  [ "$rc" -ne 3 ] && exit "$rc"
  w=$((w * 2)) h=$((h * 2))
done
echo "render-latex: the formula does not fit even in a $((w / 2))x$((h / 2)) window" >&2
exit 1
