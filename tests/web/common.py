"""What the browser tests share (tests/web/test_browser.py in Chromium through Selenium,
tests/web/test_firefox.py in Firefox through WebDriver BiDi): the static server, the
checks' bookkeeping, the acceptance model and the in-page timing of re-derivations."""
import contextlib
import functools
import http.server
import json
import os
import socketserver
import threading
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []

# The acceptance case: max(0, w·x + b) with respect to w, as KaTeX's annotation holds it.
RELU = "w, x : vector(n)\nb : scalar\nf = max(0, w·x + b)"
RELU_TEX = r"\operatorname{step}\left(\mathbf{w} \cdot \mathbf{x} + b\right) \mathbf{x}^\top"
RELU_B_TEX = r"\operatorname{step}\left(\mathbf{w} \cdot \mathbf{x} + b\right)"


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(name)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    handler = functools.partial(QuietHandler, directory=folder)
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        finally:
            httpd.shutdown()


def timing_models(count=12):
    """Models each new (so each is derived and rendered afresh) for timing re-derivation."""
    activations = ["max(0, {})", "σ({})", "tanh({})"]
    return [f"w, x : vector(n)\nb : scalar\nf = {activations[k % 3].format(f'w·x + b + {k + 1}')}" for k in range(count)]


# Types each model into #model (its value and one input event, as a paste) and times,
# inside the page, the input event to the result shown and to the next frame after it:
# a WebDriver's polling would itself take the page's time. A function of (models) that
# resolves to [[shown_ms, next_frame_ms], ...].
TIMING_JS = """async (models) => {
  const model = document.getElementById('model');
  const times = [];
  for (const m of models) {
    const t0 = performance.now();
    await new Promise((shown) => {
      window.matcalcAfterUpdate = shown;
      model.value = m;
      model.dispatchEvent(new Event('input', {bubbles: true}));
    });
    const shown = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    times.push([shown, performance.now() - t0]);
  }
  return times;
}"""


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def relu_url(url):
    """The page with the acceptance model in its link (the fragment)."""
    return url + "#" + urllib.parse.urlencode({"model": RELU, "wrt": "w"})


def check_dark_and_narrow(evaluate):
    """In a narrow window in the dark scheme: the page follows the scheme, in one column with
    nothing wider than the window. `evaluate` gives the value of a JavaScript expression."""
    dark = evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    background = evaluate("getComputedStyle(document.body).backgroundColor")
    check("dark scheme followed", dark and background == "rgb(22, 24, 28)", f"{dark} {background}")
    overflow = evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check("narrow window: no horizontal scrolling", overflow is not None and overflow <= 0, f"{overflow} px too wide")


def finish(measured, timings_path, browser_name):
    """Prints (and saves) the times measured and the checks' outcome; the exit code."""
    print("timings:", json.dumps(measured))
    if timings_path:
        with open(timings_path, "w", encoding="utf-8") as f:
            json.dump(measured, f, indent=1)
    if failures:
        print(f"{len(failures)} check(s) failed: {', '.join(failures)}")
        return 1
    print(f"all {browser_name} checks passed")
    return 0
