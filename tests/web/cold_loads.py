#!/usr/bin/env python3
"""Opens the workbench in a fresh headless Chromium N times and prints, for each cold load,
when (ms after navigation start) the page sent its first request, the worker's engine was
compiled and warmed, the first reply came and the first derivative was shown; then the
medians. The measurement behind docs/workbench.md's first-derivative times.

Usage: tests/web/cold_loads.py [SITE] [-n N] [--started]
"""
import argparse
import os
import sys
import time

from common import ROOT, median, serve
from test_browser import browser, wait_for

FIELDS = ["request", "scriptMs", "instantiatedMs", "warmedMs", "reply", "shown"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site", nargs="?", default=os.path.join(ROOT, "build-web", "site"))
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--started", action="store_true",
                        help="open the page in a browser already running (after about:blank and 1 s), as a user "
                             "does; by default the browser starts with the page")
    args = parser.parse_args()
    rows = []
    with serve(args.site) as url:
        for _ in range(args.n):
            driver = browser()
            try:
                if args.started:
                    driver.get("about:blank")
                    time.sleep(1)
                driver.get(url)
                shown = wait_for(driver, lambda d: d.execute_script("return window.matcalcTimings.firstResultMs"), 20)
                wait_for(driver, lambda d: d.execute_script("return window.matcalcTimings.engine"), 5)
                t = driver.execute_script("return window.matcalcTimings")
                row = {**(t.get("engine") or {}), "request": t.get("firstRequestMs"), "reply": t.get("firstReplyMs"),
                       "shown": round(shown) if shown else None}
                rows.append(row)
                print("  ".join(f"{k} {row.get(k)}" for k in FIELDS), flush=True)
            finally:
                driver.quit()
    print("median  " + "  ".join(f"{k} {median([r[k] for r in rows if r.get(k) is not None])}" for k in FIELDS
                                 if any(r.get(k) is not None for r in rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
