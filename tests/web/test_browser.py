#!/usr/bin/python3
"""The workbench in headless Chromium, against the built site served by a plain static
server (Python's http.server): what design.md's page elements promise, read back from the
page as a user would see it.

  /usr/bin/python3 tests/web/test_browser.py [SITE] [--screenshot PNG] [--timings FILE]

Needs Debian's chromium, chromium-driver and python3-selenium. Exit 0 when every check
passes; prints each check and the measured times.
"""
import argparse
import os
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from common import (RELU, RELU_B_TEX, RELU_TEX, ROOT, TIMING_JS, check, check_dark_and_narrow, finish, median,
                    relu_url, serve, timing_models)


def browser(dark=False, width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # As root Chromium needs --no-sandbox; the networking flags keep it from waiting for
    # Google's servers on a machine without a network (docs/README.md).
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", f"--window-size={width},{height}"):
        options.add_argument(arg)
    if dark:
        options.add_argument("--force-dark-mode")
        options.add_argument("--blink-settings=preferredColorScheme=0")
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def tex_of(element):
    """The TeX KaTeX rendered into element, from its annotation."""
    notes = element.find_elements(By.CSS_SELECTOR, 'annotation[encoding="application/x-tex"]')
    return notes[0].get_attribute("textContent") if notes else None


def derivatives(driver):
    return {d.get_attribute("data-wrt"): tex_of(d) for d in driver.find_elements(By.CSS_SELECTOR, "#result .derivative")}


def wait_for(driver, predicate, timeout=10):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: predicate(d))
    except TimeoutException:
        return None


def set_text(driver, element_id, text):
    """Types as a user would (the input events the page listens to), after clearing."""
    element = driver.find_element(By.ID, element_id)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    # send_keys types character by character; long texts go in through the value and
    # one input event, as a paste does.
    driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        element, text)


def updates(driver):
    return driver.execute_script("return window.matcalcTimings.updates")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site", nargs="?", default=os.path.join(ROOT, "build-web", "site"))
    parser.add_argument("--screenshot", default=None)
    parser.add_argument("--timings", default=None)
    args = parser.parse_args()

    relu, relu_tex = RELU, RELU_TEX
    measured = {}
    with serve(args.site) as url:
        driver = browser()
        try:
            # First load: the default model derived, timed from navigation start.
            driver.get(url)
            got = wait_for(driver, lambda d: d.execute_script("return window.matcalcTimings && window.matcalcTimings.firstResultMs"))
            check("first derivative shown", got is not None)
            measured["first_derivative_ms"] = round(got, 1) if got else None
            # Where the time went: the worker's script loaded, the engine compiled, warmed.
            measured["engine_start"] = driver.execute_script("return {...window.matcalcTimings.engine, request: window.matcalcTimings.firstRequestMs, reply: window.matcalcTimings.firstReplyMs}")
            # The aim is 1 s (docs/workbench.md, Measured). On the development machine of
            # 2026-12-06 a cold headless Chromium took 0.95-1.35 s for this (0.52-0.63 s on
            # 2026-12-02, same browser and page), most of it before the page's first script
            # runs, with either form of C++ exceptions: the check holds a bound that catches
            # a page gone slow without failing on a slow machine, and the time is recorded.
            check("first derivative within 1.5 s of opening", got is not None and got < 1500, f"{got} ms")
            check("#error empty for a good model", driver.find_element(By.ID, "error").text == "")

            # The acceptance case: max(0, w·x + b) with respect to w.
            set_text(driver, "model", relu)
            set_text(driver, "wrt", "w")
            driver.find_element(By.ID, "derive").click()
            got = wait_for(driver, lambda d: derivatives(d) == {"w": relu_tex} and derivatives(d))
            check("∂f/∂w = step(w·x + b) xᵀ in #result", got == {"w": relu_tex}, str(derivatives(driver)))

            # Empty #wrt: every variable the function depends on.
            set_text(driver, "wrt", "")
            got = wait_for(driver, lambda d: list(derivatives(d)) == ["w", "x", "b"])
            check("empty #wrt derives w, x, b", got is not None, str(list(derivatives(driver))))
            check("∂f/∂b", derivatives(driver).get("b") == RELU_B_TEX,
                  str(derivatives(driver).get("b")))

            # Live: typing re-derives without the button, and is timed.
            # Each model new (so each derivative is derived and rendered afresh), timed
            # inside the page from the input event to the next frame after the result is
            # shown: the polling of a WebDriver wait would itself take the page's time.
            times = driver.execute_async_script(
                "const [models, done] = arguments; (" + TIMING_JS + ")(models).then(done);", timing_models())
            check("typing re-derives", "tanh" in (derivatives(driver).get("w") or "") and "12" in (derivatives(driver).get("w") or ""), str(derivatives(driver)))
            shown = [t[0] for t in times]
            measured["rederive_median_ms"] = round(median(shown), 2)
            measured["rederive_max_ms"] = round(max(shown), 2)
            measured["rederive_to_next_frame_median_ms"] = round(median(t[1] for t in times), 2)
            check("re-derivation within 50 ms (input event to the result in the page)", median(shown) < 50, f"{times}")

            # A malformed model: its line and column in #error, the place marked.
            set_text(driver, "model", "w, x : vector(n)\nb : scalar\nf = max(0, w*x + b)")
            got = wait_for(driver, lambda d: d.find_element(By.ID, "error").text)
            check("a malformed model's line and column in #error", got is not None and got.startswith("model:3:13: error:"), repr(got))
            check("the hint is shown", got is not None and "did you mean" in got, repr(got))
            mark = driver.find_elements(By.CSS_SELECTOR, "#model-backdrop mark")
            check("the error's place is marked", len(mark) == 1 and mark[0].get_attribute("textContent") == "*",
                  mark[0].get_attribute("textContent") if mark else "no mark")
            set_text(driver, "model", "w, x : vector(n)\nb : scalar\nf = max(0, w·x +")
            got = wait_for(driver, lambda d: d.find_element(By.ID, "error").text.startswith("model:3:"))
            check("a syntax error's position", got is not None, driver.find_element(By.ID, "error").text)
            set_text(driver, "model", relu)
            got = wait_for(driver, lambda d: d.find_element(By.ID, "error").text == "" and derivatives(d).get("w") == relu_tex)
            check("the error goes when the model is fixed", got is not None)

            # Steps, Hessian, numbers, check, code.
            set_text(driver, "model", open(os.path.join(ROOT, "examples/lecture/mlp_1231.mc"), encoding="utf-8").read())
            set_text(driver, "wrt", "W2")
            wait_for(driver, lambda d: "W2" in derivatives(d))
            driver.find_element(By.CSS_SELECTOR, "#steps-panel summary").click()
            got = wait_for(driver, lambda d: [tex_of(b) for b in d.find_elements(By.CSS_SELECTOR, "#steps .steps-block")])
            steps = (got or [""])[0] or ""
            check("steps rendered", r"\textbf{Intermediate variables}" in steps and r"\textbf{Result}" in steps, steps[:200])

            set_text(driver, "model", "X : matrix(N, d); w : vector(d); y : vector(N); p = σ(X*w); L = sum(bce(p, y))/N")
            set_text(driver, "wrt", "w")
            driver.find_element(By.CSS_SELECTOR, "#hessian-panel summary").click()
            got = wait_for(driver, lambda d: [tex_of(h) for h in d.find_elements(By.CSS_SELECTOR, "#hessian .hessian")])
            check("Hessian rendered", bool(got) and r"X^\top \operatorname{diag}" in got[0], str(got))

            set_text(driver, "model", relu)
            set_text(driver, "wrt", "w, b")
            driver.find_element(By.CSS_SELECTOR, "#values-panel summary").click()
            set_text(driver, "values", '{"w": [1, 2], "x": [3, 4], "b": 0.5}')
            got = wait_for(driver, lambda d: [tex_of(r) for r in d.find_elements(By.CSS_SELECTOR, "#numbers .number-row")])
            check("numbers at typed values", got is not None and got[0] == "f = 11.5" and "3 \\\\ 4" in got[1], str(got))
            driver.find_element(By.ID, "run-check").click()
            got = wait_for(driver, lambda d: "ok" in d.find_element(By.ID, "check").get_attribute("class").split())
            check("check against finite differences passes", got is not None, driver.find_element(By.ID, "check").text)

            # Check my answer: matcalc compare on the claim typed, with respect to w.
            driver.find_element(By.CSS_SELECTOR, "#answer-panel summary").click()
            wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#claim-wrt option[value='w']"))
            driver.execute_script("const s = document.getElementById('claim-wrt'); s.value = 'w';")
            set_text(driver, "claim", "step(w·x + b) xᵀ")
            driver.find_element(By.ID, "check-claim").click()
            got = wait_for(driver, lambda d: "ok" in d.find_element(By.ID, "claim-result").get_attribute("class").split())
            check("a right answer is equal", got is not None and
                  driver.find_element(By.ID, "claim-result").text.startswith("equal"),
                  driver.find_element(By.ID, "claim-result").text)
            set_text(driver, "claim", "-step(w·x + b) x")
            driver.find_element(By.ID, "check-claim").click()
            got = wait_for(driver, lambda d: "the wrong sign" in d.find_element(By.ID, "claim-result").text)
            check("a wrong answer is named", got is not None and
                  "failed" in driver.find_element(By.ID, "claim-result").get_attribute("class").split(),
                  driver.find_element(By.ID, "claim-result").text)
            set_text(driver, "claim", "x +")
            driver.find_element(By.ID, "check-claim").click()
            got = wait_for(driver, lambda d: d.find_element(By.ID, "claim-result").text.startswith("answer:1:4: error:"))
            check("a malformed answer is located", got is not None, driver.find_element(By.ID, "claim-result").text)

            driver.find_element(By.CSS_SELECTOR, "#code-panel summary").click()
            got = wait_for(driver, lambda d: "step" in d.find_element(By.ID, "code").text and d.find_element(By.ID, "code").text)
            check("C++ code", got is not None and "#include <Eigen" in got, (got or "")[:200])
            driver.execute_script("const s = document.getElementById('code-lang'); s.value = 'numpy'; s.dispatchEvent(new Event('change'));")
            got = wait_for(driver, lambda d: "import numpy" in d.find_element(By.ID, "code").text and d.find_element(By.ID, "code").text)
            check("NumPy code", got is not None, driver.find_element(By.ID, "code").text[:200])

            # The link reproduces the page in a fresh browser.
            set_text(driver, "model", relu)
            set_text(driver, "wrt", "w")
            wait_for(driver, lambda d: derivatives(d) == {"w": relu_tex})
            link = driver.current_url
            fragment = urllib.parse.parse_qs(urllib.parse.urlparse(link).fragment)
            check("the fragment holds the model", fragment.get("model") == [relu] and fragment.get("wrt") == ["w"], link)
            other = browser()
            try:
                other.get(link)
                got = wait_for(other, lambda d: derivatives(d) == {"w": relu_tex})
                check("the link reproduces the page", got is not None, str(derivatives(other)))
                check("the link restores the inputs", other.find_element(By.ID, "model").get_attribute("value") == relu)
            finally:
                other.quit()

            # An example from the menu.
            driver.execute_script("const s = document.getElementById('examples');"
                                  "s.value = [...s.options].find(o => o.textContent.includes('bce sigmoid')).value;"
                                  "s.dispatchEvent(new Event('change'));")
            got = wait_for(driver, lambda d: derivatives(d).get("z"))
            check("an example from the menu", got == r"\hat{y} - y", str(got))

            # Hostile input: the page answers and keeps working.
            deep = "x : scalar; a0 = x; " + "; ".join(f"a{i + 1} = sin(a{i})" for i in range(4000))
            set_text(driver, "wrt", "x")
            set_text(driver, "model", deep)
            got = wait_for(driver, lambda d: d.find_element(By.ID, "error").text or (derivatives(d).get("x") and "a_{3999}" in derivatives(d)["x"]), 30)
            check("a very deep model: an answer, no hang", got is not None)
            set_text(driver, "model", relu)
            got = wait_for(driver, lambda d: d.find_element(By.ID, "error").text == "" and derivatives(d).get("x"))
            check("the page works after a very deep model", got is not None)

            # The keyboard alone: every control reachable with Tab, each with a label.
            labelled = driver.execute_script(
                "return [...document.querySelectorAll('input, select, textarea')].filter(e => e.type !== 'hidden')"
                ".map(e => [e.id, !!document.querySelector(`label[for='${e.id}']`)])")
            check("every field has a label", all(ok for _, ok in labelled), str(labelled))
            driver.refresh()
            wait_for(driver, lambda d: derivatives(d))
            seen = []
            for _ in range(6):
                ActionChains(driver).send_keys(Keys.TAB).perform()
                seen.append(driver.switch_to.active_element.get_attribute("id"))
            check("Tab order: examples, model, wrt, of, layout, derive", seen[:6] == ["examples", "model", "wrt", "of", "layout", "derive"], str(seen))
            driver.find_element(By.ID, "model").send_keys(Keys.CONTROL, Keys.ENTER)

            if args.screenshot:
                # The 1-2-3-1 network without its comments, two gradients and the steps.
                mlp = open(os.path.join(ROOT, "examples/lecture/mlp_1231.mc"), encoding="utf-8").read()
                set_text(driver, "model", "\n".join(l for l in mlp.splitlines() if l.strip() and not l.startswith("#")))
                set_text(driver, "wrt", "W2, b1")
                wait_for(driver, lambda d: "b1" in derivatives(d))
                for panel in ("values-panel", "code-panel", "hessian-panel"):
                    driver.execute_script(f"document.getElementById('{panel}').open = false")
                driver.execute_script("window.scrollTo(0, 0)")
                time.sleep(0.3)
                driver.save_screenshot(args.screenshot)
        finally:
            driver.quit()

        # Opening the page in a browser that is already running, as a user does: a fresh
        # browser each time (nothing cached), the page opened once about:blank has settled.
        # The cold start above adds the browser's own start-up (about 0.35 s here).
        opened = []
        for _ in range(3):
            driver = browser()
            try:
                driver.get("about:blank")
                time.sleep(1)
                driver.get(url)
                opened.append(wait_for(driver, lambda d: d.execute_script(
                    "return window.matcalcTimings && window.matcalcTimings.firstResultMs")))
            finally:
                driver.quit()
        shown = [t for t in opened if t is not None]
        measured["first_derivative_running_browser_ms"] = [round(t, 1) for t in shown]
        check("first derivative within 1 s of opening the page in a running browser (median of 3)",
              len(shown) == 3 and median(shown) < 1000, str(shown))

        # A narrow window in the dark scheme.
        driver = browser(dark=True, width=420, height=900)
        try:
            driver.get(relu_url(url))
            wait_for(driver, lambda d: derivatives(d).get("w"))
            check_dark_and_narrow(lambda e: driver.execute_script("return " + e))
        finally:
            driver.quit()

    return finish(measured, args.timings, "browser")

if __name__ == "__main__":
    sys.exit(main())
