#!/usr/bin/python3
"""The workbench in headless Firefox (Debian's firefox-esr), driven through WebDriver BiDi
(tests/web/bidi.py: Debian has no geckodriver), against the built site served by a plain
static server: the page elements of docs/workbench.md, the panels, the link, the keyboard,
a narrow window in the dark scheme, and the times.

  /usr/bin/python3 tests/web/test_firefox.py [SITE] [--timings FILE]

Exit 0 when every check passes; prints each check and the measured times.
"""
import argparse
import json
import os
import sys
import urllib.parse

from bidi import Firefox
from common import (RELU, RELU_B_TEX, RELU_TEX, ROOT, TIMING_JS, check, check_dark_and_narrow, finish, median,
                    relu_url, serve, timing_models)

# Reading the page, as JavaScript expressions.
DERIVATIVES = ("Object.fromEntries([...document.querySelectorAll('#result .derivative')].map(d => "
               "[d.dataset.wrt, (d.querySelector('annotation[encoding=\"application/x-tex\"]') || {}).textContent]))")
ERROR = "document.getElementById('error').textContent"


def set_text(ff, element_id, text):
    """A field's new text and one input event, as a paste."""
    ff.evaluate(f"(() => {{ const e = document.getElementById({json.dumps(element_id)}); e.value = {json.dumps(text)};"
                " e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()")


def derivatives_are(expected):
    return f"JSON.stringify({DERIVATIVES}) === {json.dumps(json.dumps(expected, separators=(',', ':')))}"


def open_panel(ff, panel):
    ff.evaluate(f"(() => {{ document.querySelector('#{panel} summary').click(); return true; }})()")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site", nargs="?", default=os.path.join(ROOT, "build-web", "site"))
    parser.add_argument("--timings", default=None)
    args = parser.parse_args()
    measured = {}
    with serve(args.site) as url, Firefox() as ff:
        ff.navigate(url)
        first = ff.wait_for("window.matcalcTimings && window.matcalcTimings.firstResultMs", 20)
        check("first derivative shown", first is not None)
        measured["first_derivative_ms"] = round(first, 1) if first else None
        measured["engine_start"] = ff.evaluate("({...window.matcalcTimings.engine, request: window.matcalcTimings.firstRequestMs, reply: window.matcalcTimings.firstReplyMs})")
        # The times are Chromium's test's to hold to 1 s and 50 ms; here they are measured
        # and written down, with bounds that only catch a page gone wrong.
        check("first derivative within 5 s of opening", first is not None and first < 5000, f"{first} ms")
        check("#error empty for a good model", ff.evaluate(ERROR) == "")

        set_text(ff, "model", RELU)
        set_text(ff, "wrt", "w")
        ff.evaluate("(() => { document.getElementById('derive').click(); return true; })()")
        got = ff.wait_for(derivatives_are({"w": RELU_TEX}))
        check("∂f/∂w = step(w·x + b) xᵀ in #result", got is not None, str(ff.evaluate(DERIVATIVES)))

        set_text(ff, "wrt", "")
        got = ff.wait_for(f"Object.keys({DERIVATIVES}).join() === 'w,x,b'")
        check("empty #wrt derives w, x, b", got is not None, str(ff.evaluate(DERIVATIVES)))
        check("∂f/∂b", ff.evaluate(DERIVATIVES).get("b") == RELU_B_TEX)

        times = ff.evaluate(f"({TIMING_JS})({json.dumps(timing_models())})")
        shown = [t[0] for t in times]
        measured["rederive_median_ms"] = round(median(shown), 2)
        measured["rederive_max_ms"] = round(max(shown), 2)
        measured["rederive_to_next_frame_median_ms"] = round(median(t[1] for t in times), 2)
        w = ff.evaluate(DERIVATIVES).get("w") or ""
        check("typing re-derives", "tanh" in w and "12" in w, w)
        check("re-derivation within 200 ms (input event to the result in the page)", median(shown) < 200, str(times))

        set_text(ff, "model", "w, x : vector(n)\nb : scalar\nf = max(0, w*x + b)")
        got = ff.wait_for(ERROR)
        check("a malformed model's line and column in #error", got is not None and got.startswith("model:3:13: error:"), repr(got))
        check("the hint is shown", got is not None and "did you mean" in got, repr(got))
        marks = ff.evaluate("[...document.querySelectorAll('#model-backdrop mark')].map(m => m.textContent)")
        check("the error's place is marked", marks == ["*"], str(marks))
        set_text(ff, "model", RELU)
        got = ff.wait_for(f"{ERROR} === '' && {DERIVATIVES}.w !== undefined")
        check("the error goes when the model is fixed", got is not None)

        with open(os.path.join(ROOT, "examples/lecture/mlp_1231.mc"), encoding="utf-8") as f:
            set_text(ff, "model", f.read())
        set_text(ff, "wrt", "W2")
        ff.wait_for(f"{DERIVATIVES}.W2")
        open_panel(ff, "steps-panel")
        steps = ff.wait_for("(document.querySelector('#steps .steps-block annotation') || {}).textContent") or ""
        check("steps rendered", r"\textbf{Intermediate variables}" in steps and r"\textbf{Result}" in steps, steps[:200])

        set_text(ff, "model", RELU)
        set_text(ff, "wrt", "w, b")
        open_panel(ff, "values-panel")
        # Opening the panel fills in example values and their numbers: type over them after.
        ff.wait_for("document.querySelectorAll('#numbers .number-row').length")
        set_text(ff, "values", '{"w": [1, 2], "x": [3, 4], "b": 0.5}')
        rows = ff.wait_for("(() => { const r = [...document.querySelectorAll('#numbers .number-row annotation')]"
                           ".map(a => a.textContent); return r.length && r[0] === 'f = 11.5' && r; })()")
        check("numbers at typed values", rows is not None and "3 \\\\ 4" in rows[1], str(rows))
        ff.evaluate("(() => { document.getElementById('run-check').click(); return true; })()")
        got = ff.wait_for("document.getElementById('check').classList.contains('ok')")
        check("check against finite differences passes", got is not None, ff.evaluate("document.getElementById('check').textContent"))
        open_panel(ff, "code-panel")
        code = ff.wait_for("document.getElementById('code').textContent.includes('#include <Eigen') && document.getElementById('code').textContent")
        check("C++ code", code is not None)

        set_text(ff, "wrt", "w")
        ff.wait_for(derivatives_are({"w": RELU_TEX}))
        link = ff.evaluate("location.href")
        fragment = urllib.parse.parse_qs(urllib.parse.urlparse(link).fragment)
        check("the fragment holds the model", fragment.get("model") == [RELU] and fragment.get("wrt") == ["w"], link)
        ff.navigate("about:blank")
        ff.navigate(link)
        got = ff.wait_for(derivatives_are({"w": RELU_TEX}), 20)
        check("the link reproduces the page", got is not None, str(ff.evaluate(DERIVATIVES)))
        check("the link restores the inputs", ff.evaluate("document.getElementById('model').value") == RELU)

        # The keyboard alone: Tab from the start of the page reaches the controls in order.
        ff.navigate(url)
        ff.wait_for(f"Object.keys({DERIVATIVES}).length")
        seen = []
        for _ in range(6):
            ff.press("\ue004")
            seen.append(ff.evaluate("document.activeElement.id"))
        check("Tab order: examples, model, wrt, of, layout, derive", seen == ["examples", "model", "wrt", "of", "layout", "derive"], str(seen))

    # A narrow window in the dark scheme.
    with serve(args.site) as url, Firefox(width=420, height=900, dark=True) as ff:
        ff.navigate(relu_url(url))
        ff.wait_for(f"{DERIVATIVES}.w")
        check_dark_and_narrow(ff.evaluate)

    return finish(measured, args.timings, "Firefox")

if __name__ == "__main__":
    sys.exit(main())
