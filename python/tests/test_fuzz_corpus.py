"""The fuzzers' corpora (fuzz/corpus*) through the binding's entry points: every input is
an answer or matcalc.InputError, never a crash, a hang or another exception."""

import time
from pathlib import Path

import numpy as np

import matcalc
from conftest import ROOT

FILES = sorted(p for d in ROOT.glob("fuzz/corpus*") for p in d.iterdir() if p.is_file())
# A time budget guards against a hang (the fuzzer's own limit is 10 s an input).
BUDGET_SECONDS = 60


def example_values(model, rng):
    at = {}
    for name in model.variables:
        rows, cols = model.shape(name)
        size = lambda d: 2 if isinstance(d, str) else d
        if size(rows) * size(cols) > 64:
            continue
        at[name] = rng.uniform(-2, 2, size=(size(rows), size(cols))) if cols != 1 else \
            rng.uniform(-2, 2, size=size(rows)) if rows != 1 else float(rng.uniform(-2, 2))
    return at


def test_the_corpora_are_there():
    assert len(FILES) > 1000


def test_every_corpus_input_is_an_answer_or_an_input_error():
    rng = np.random.default_rng(1)
    outcomes = {"model error": 0, "answers": 0, "input errors": 0}
    start = time.monotonic()
    for index, path in enumerate(FILES):
        text = path.read_bytes()
        try:
            m = matcalc.Model(text, name=path.name)
        except matcalc.InputError:
            outcomes["model error"] += 1
            continue
        # One variable each (the corpus covers the sweep over several in its own files), and
        # numbers for the smaller inputs: the whole stays within seconds.
        calls = [lambda: m.derive(m.variables[:1])]
        if len(text) < 2000:
            at = example_values(m, rng)
            calls += [lambda: m.value(at)]
            calls += [lambda v=v: m.jacobian(v, at) for v in m.variables[:1]]
            if index % 4 == 0 and m.variables:  # the other entry points on a quarter of them
                v = m.variables[0]
                calls += [lambda: m.gradient(v, at), lambda: m.hessian(v, at), lambda: m.check(v, points=1),
                          lambda: m.codegen(v, lang="numpy"), lambda: m.codegen(v, lang="cpp")]
        for call in calls:
            try:
                call()
                outcomes["answers"] += 1
            except matcalc.InputError as e:
                assert str(e).strip(), path
                outcomes["input errors"] += 1
        assert time.monotonic() - start < BUDGET_SECONDS, f"too slow, at {path}"
    print(outcomes, f"{time.monotonic() - start:.1f} s")
    assert outcomes["answers"] > 500
