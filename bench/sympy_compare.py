#!/usr/bin/python3
"""matcalc against SymPy on the formulas both can differentiate.

Run with Debian's interpreter (python3-sympy, python3-numpy), after building with the
benchmarks (build/bench_sympy_cases, build/matcalc):

    /usr/bin/python3 bench/sympy_compare.py [--build build] [--min-time 0.3]

The formulas and their matcalc models come from `build/bench_sympy_cases --list` (one
source); this script holds SymPy's formulation of each (same names) and a NumPy version
of the function for finite differences.

What is timed (CPU time of the thread, on both sides, so that other work on the machine
does not count):
  matcalc, derive    in-process (Google Benchmark, build/bench_sympy_cases): the
                     derivative with respect to every listed variable and its
                     simplification, on a model already parsed and bound (what
                     `matcalc derive` does between loading and printing). Mean per
                     derivation, timed over batches of 16.
  matcalc, pipeline  in-process: parse, bind, derive, simplify, print (Unicode).
  SymPy, diff        `expr.diff(V)` for each variable V on an expression already built
                     (no simplify(): SymPy's diff of matrix expressions is already tidy,
                     and simplify() of the explicit forms would take seconds). SymPy's
                     cache is cleared before each repetition, so every repetition is a
                     first derivation (with the cache warm, repeating the same diff
                     only measures a cache lookup). Median of the repetitions, after one
                     untimed warm-up.
  SymPy, pipeline    building the expression with SymPy's API, diff, and str() of the
                     results (cache cleared first).
Two SymPy formulations are tried where it matters:
  symbolic  MatrixSymbol with symbolic sizes (n, m, k), as matcalc does;
  explicit  one scalar symbol per entry at fixed small sizes (given in the table),
            the gradient as one diff per entry. matcalc's time does not depend on sizes.
Every answer is checked numerically at one random point (the explicit sizes, or n = 3,
m = 2, k = 3, d = 2, h = 3) against central finite differences of the NumPy function,
as is matcalc's (`matcalc derive --at ... --format json`). An answer off by more than
1e-5 (relative to max(1, |gradient|)) is WRONG; one that cannot be evaluated (an
unevaluated Derivative) FAILS. Ratios are given only where SymPy's answer is right.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SIZES = {"n": 3, "m": 2, "k": 3, "d": 2, "h": 3}
SIZE_SYMBOLS = {name: sp.Symbol(name, integer=True, positive=True) for name in DEFAULT_SIZES}

# ---- the functions in NumPy (vectors as 1-D arrays) --------------------------------------


def sigmoid(u):
    return 1.0 / (1.0 + np.exp(-u))


def bce(p, y):
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def logsumexp(u):
    top = np.max(u)
    return top + np.log(np.sum(np.exp(u - top)))


# name -> (variables with their declared shapes as size names, NumPy function)
NUMPY = {
    "affine": ({"w": ("n",), "x": ("n",), "b": ()}, lambda v: v["w"] @ v["x"] + v["b"]),
    "quadratic": ({"x": ("n",), "A": ("n", "n")}, lambda v: v["x"] @ v["A"] @ v["x"]),
    "least_squares": ({"x": ("n",), "y": ("m",), "A": ("m", "n")},
                      lambda v: np.sum((v["A"] @ v["x"] - v["y"]) ** 2)),
    "trace": ({"A": ("n", "n"), "X": ("n", "n")}, lambda v: np.trace(v["A"] @ v["X"])),
    "trace_inv": ({"X": ("n", "n")}, lambda v: np.trace(np.linalg.inv(v["X"]))),
    "logdet": ({"X": ("n", "n")}, lambda v: np.log(np.linalg.det(v["X"]))),
    "det": ({"X": ("n", "n")}, lambda v: np.linalg.det(v["X"])),
    "logistic": ({"w": ("n",), "x": ("n",), "y": ()}, lambda v: bce(sigmoid(v["w"] @ v["x"]), v["y"])),
    "tanh_layer": ({"x": ("n",), "w": ("m",), "A": ("m", "n")}, lambda v: v["w"] @ np.tanh(v["A"] @ v["x"])),
    "softmax_ce": ({"W": ("k", "n"), "x": ("n",), "t": ("k",)},
                   lambda v: logsumexp(v["W"] @ v["x"]) - v["t"] @ (v["W"] @ v["x"])),
    "mlp1": ({"x": ("d",), "y": (), "W": ("h", "d"), "b": ("h",), "v": ("h",), "c": ()},
             lambda v: bce(sigmoid(v["v"] @ np.tanh(v["W"] @ v["x"] + v["b"]) + v["c"]), v["y"])),
}

# ---- the functions in SymPy ----------------------------------------------------------------


def sym_vars(case, sizes=None):
    """The case's variables as SymPy objects: MatrixSymbols with symbolic sizes (sizes=None)
    or explicit matrices of scalar symbols (sizes given)."""
    decl, _ = NUMPY[case]
    out = {}
    for name, shape in decl.items():
        if not shape:
            out[name] = sp.Symbol(name, real=True)
        elif sizes is None:
            rows = SIZE_SYMBOLS[shape[0]]
            cols = SIZE_SYMBOLS[shape[1]] if len(shape) == 2 else 1
            out[name] = sp.MatrixSymbol(name, rows, cols)
        else:
            rows = sizes[shape[0]]
            cols = sizes[shape[1]] if len(shape) == 2 else 1
            out[name] = sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}", real=True))
    return out


def s_sigmoid(u):
    return 1 / (1 + sp.exp(-u))


def s_bce(p, y):
    return -(y * sp.log(p) + (1 - y) * sp.log(1 - p))


def dot(a, b):  # explicit column matrices
    return (a.T * b)[0, 0]


def bce_of_entry(u, y):  # bce(σ(u), y) of one entry u, for applyfunc
    return -(y * sp.log(1 / (1 + sp.exp(-u))) + (1 - y) * sp.log(1 - 1 / (1 + sp.exp(-u))))


# Symbolic (MatrixSymbol) formulations: name -> [(label, v -> expression)], the expression a
# 1×1 matrix expression or a scalar.
SYMBOLIC = {
    "affine": [("symbolic", lambda v: v["w"].T * v["x"] + v["b"] * sp.Identity(1))],
    "quadratic": [("symbolic", lambda v: v["x"].T * v["A"] * v["x"])],
    "least_squares": [("symbolic", lambda v: (v["A"] * v["x"] - v["y"]).T * (v["A"] * v["x"] - v["y"]))],
    "trace": [("symbolic", lambda v: sp.Trace(v["A"] * v["X"]))],
    "trace_inv": [("symbolic", lambda v: sp.Trace(sp.Inverse(v["X"])))],
    "logdet": [("symbolic", lambda v: sp.log(sp.Determinant(v["X"])))],
    "det": [("symbolic", lambda v: sp.Determinant(v["X"]))],
    # A scalar function of a 1×1 matrix expression: either of its entry [0, 0], or applied
    # elementwise (applyfunc).
    "logistic": [("symbolic [0, 0]", lambda v: s_bce(s_sigmoid((v["w"].T * v["x"])[0, 0]), v["y"])),
                 ("symbolic applyfunc", lambda v: (v["w"].T * v["x"]).applyfunc(lambda u: bce_of_entry(u, v["y"])))],
    "tanh_layer": [("symbolic", lambda v: v["w"].T * (v["A"] * v["x"]).applyfunc(sp.tanh))],
    "softmax_ce": [("symbolic", lambda v: (sp.log(sp.Sum(sp.exp((v["W"] * v["x"])[INDEX, 0]),
                                                         (INDEX, 0, SIZE_SYMBOLS["k"] - 1)))
                                           - (v["t"].T * v["W"] * v["x"])[0, 0]))],
    "mlp1": [("symbolic applyfunc",
              lambda v: (v["v"].T * (v["W"] * v["x"] + v["b"]).applyfunc(sp.tanh) + v["c"] * sp.Identity(1))
              .applyfunc(lambda u: bce_of_entry(u, v["y"])))],
}
INDEX = sp.Symbol("i", integer=True)


def explicit_lse(u):
    return sp.log(sum(sp.exp(e) for e in u))


# Explicit formulations: v -> scalar expression, with the sizes they are run at.
EXPLICIT = {
    "logdet": ([{"n": 3}], lambda v: sp.log(v["X"].det())),
    "det": ([{"n": 3}], lambda v: v["X"].det()),
    "logistic": ([{"n": 4}], lambda v: s_bce(s_sigmoid(dot(v["w"], v["x"])), v["y"])),
    "softmax_ce": ([{"k": 3, "n": 4}], lambda v: explicit_lse(v["W"] * v["x"]) - dot(v["t"], v["W"] * v["x"])),
    "mlp1": ([{"d": 2, "h": 3}, {"d": 4, "h": 8}],
             lambda v: s_bce(s_sigmoid(dot(v["v"], (v["W"] * v["x"] + v["b"]).applyfunc(sp.tanh)) + v["c"]), v["y"])),
}

# ---- values, finite differences, matcalc's numbers -----------------------------------------


def make_values(case, sizes, rng):
    decl, _ = NUMPY[case]
    vals = {}
    for name, shape in decl.items():
        dims = tuple(sizes[s] for s in shape)
        vals[name] = rng.normal(size=dims) if dims else float(rng.normal())
    if case in ("logdet", "det", "trace_inv"):  # well conditioned, positive determinant
        n = sizes["n"]
        vals["X"] = 2.0 * np.eye(n) + 0.3 * rng.normal(size=(n, n))
    for name in ("y",):
        if name in vals and decl[name] == ():
            vals[name] = float(rng.uniform(0.1, 0.9))  # a probability target for bce
    return vals


def finite_differences(case, vals, wrt):
    _, f = NUMPY[case]
    base = np.asarray(vals[wrt], dtype=float)
    grad = np.zeros(base.shape)
    for idx in np.ndindex(*base.shape) if base.shape else [()]:
        h = 1e-6 * max(1.0, abs(float(base[idx])))
        plus = {**vals, wrt: base.copy()}
        minus = {**vals, wrt: base.copy()}
        if base.shape:
            plus[wrt][idx] += h
            minus[wrt][idx] -= h
        else:
            plus[wrt], minus[wrt] = float(base) + h, float(base) - h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


def to_values_json(vals):
    return {name: (v.tolist() if isinstance(v, np.ndarray) else v) for name, v in vals.items()}


def matcalc_gradients(matcalc, model, wrts, vals):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(to_values_json(vals), fh)
        path = fh.name
    try:
        args = [matcalc, "derive", "-e", model, "--at", path, "--format", "json"]
        for w in wrts:
            args += ["--wrt", w]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    return {d["wrt"]: np.asarray(d["gradient"], dtype=float) for d in json.loads(out)["derivatives"]}


def rel_error(g, ref):
    g = np.asarray(g, dtype=float).reshape(np.shape(ref))
    return float(np.max(np.abs(g - ref)) / max(1.0, float(np.max(np.abs(ref)))))


# ---- SymPy: derivation, timing, evaluation ---------------------------------------------------


def sympy_derive(formulation, case, wrts, sizes):
    """Builds the expression, then returns (build, derive) closures."""
    def build():
        v = sym_vars(case, sizes)
        return v, formulation(v)

    def derive(v, expr):
        if sizes is None:
            return {w: expr.diff(v[w]) for w in wrts}
        out = {}
        for w in wrts:
            target = v[w]
            out[w] = [expr.diff(s) for s in target] if isinstance(target, sp.MatrixBase) else [expr.diff(target)]
        return out

    return build, derive


def timed(fn, min_time, max_reps=200):
    fn()  # warm-up: lazy imports, first-use set-up
    times = []
    start = time.thread_time()
    while len(times) < 3 or (time.thread_time() - start < min_time and len(times) < max_reps):
        times.append(fn())
    return statistics.median(times)


def time_sympy(build, derive, min_time):
    def diff_only():
        clear_cache()
        v, expr = build()
        t = time.thread_time()
        derive(v, expr)
        return time.thread_time() - t

    def pipeline():
        clear_cache()
        t = time.thread_time()
        v, expr = build()
        for r in derive(v, expr).values():
            str(r)
        return time.thread_time() - t

    return timed(diff_only, min_time), timed(pipeline, min_time)


def evaluate_symbolic(result, v, vals, sizes):
    size_sub = {SIZE_SYMBOLS[s]: sizes[s] for s in SIZE_SYMBOLS}
    replace = {}
    for name, sym in v.items():
        value = vals[name]
        if isinstance(sym, sp.MatrixSymbol):
            concrete = sym.subs(size_sub)
            replace[concrete] = sp.ImmutableMatrix(np.asarray(value).reshape(concrete.shape))
        else:
            replace[sym] = sp.Float(value)
    r = result.subs(size_sub).xreplace(replace).doit()
    if r.has(sp.Derivative) or getattr(r, "is_Derivative", False):
        raise ValueError(f"unevaluated: {result}")
    if hasattr(r, "as_explicit"):
        r = r.as_explicit()
    return np.array(r.tolist() if hasattr(r, "tolist") else r, dtype=float)


def evaluate_explicit(result, v, vals):
    subs = {}
    for name, sym in v.items():
        value = vals[name]
        if isinstance(sym, sp.MatrixBase):
            arr = np.asarray(value).reshape(sym.shape)
            for (i, j), s in np.ndenumerate(np.array(sym.tolist(), dtype=object)):
                subs[s] = arr[i, j]
        else:
            subs[sym] = value
    return np.array([float(e.xreplace(subs)) for e in result])


# ---- the run ---------------------------------------------------------------------------------


def fmt_time(seconds):
    if seconds is None:
        return "—"
    us = seconds * 1e6
    return f"{us:.1f} µs" if us < 1000 else f"{us / 1000:.2f} ms" if us < 1e6 else f"{us / 1e6:.2f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build directory")
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds per SymPy measurement")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    bench = os.path.join(args.build, "bench_sympy_cases")
    matcalc = os.path.join(args.build, "matcalc")
    listing = subprocess.run([bench, "--list"], capture_output=True, text=True, check=True).stdout
    cases = []
    for line in listing.splitlines():
        name, wrt, model = line.split("\t")
        cases.append((name, wrt.split(","), model))
    missing = [c[0] for c in cases if c[0] not in NUMPY]
    if missing:
        sys.exit(f"no SymPy formulation for {missing}")

    print(f"SymPy {sp.__version__}, NumPy {np.__version__}, Python {sys.version.split()[0]}", flush=True)
    run = subprocess.run([bench, "--benchmark_format=json", "--benchmark_min_time=0.1"],
                         capture_output=True, text=True, check=True)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    mc = {}
    for b in json.loads(run.stdout)["benchmarks"]:
        kind, name = b["name"].split("/")[:2]
        # derive: the counter us_each (the thread's CPU time per derivation, timed over a
        # batch); pipeline: the process's CPU time per run.
        mc[(kind, name)] = b["us_each"] * 1e-6 if kind == "derive" else b["cpu_time"] * scale[b["time_unit"]]

    rng = np.random.default_rng(args.seed)
    rows, notes = [], []
    for name, wrts, model in cases:
        variants = []
        for label, formulation in SYMBOLIC.get(name, []):
            variants.append((label, None, formulation))
        if name in EXPLICIT:
            size_list, formulation = EXPLICIT[name]
            for s in size_list:
                variants.append(("explicit " + ", ".join(f"{k}={v}" for k, v in s.items()),
                                 {**DEFAULT_SIZES, **s}, formulation))
        for label, sizes, formulation in variants:
            at = sizes or DEFAULT_SIZES
            vals = make_values(name, at, rng)
            fd = {w: finite_differences(name, vals, w) for w in wrts}
            mc_grad = matcalc_gradients(matcalc, model, wrts, vals)
            mc_err = max(rel_error(mc_grad[w], fd[w]) for w in wrts)
            build, derive = sympy_derive(formulation, name, wrts, sizes)
            status, sp_err, t_diff, t_pipe = "ok", None, None, None
            stage = "building the expression"
            try:
                clear_cache()
                v, expr = build()
                stage = "diff"
                result = derive(v, expr)
                for w in wrts:
                    if sizes is None and "Derivative(" in str(result[w]):
                        raise ValueError(f"returns the unevaluated {result[w]}")
                    shape = getattr(result[w], "shape", ())
                    if sizes is None and len(shape) > 2:
                        notes.append(f"{name} ({label}): right values, but as a rank-{len(shape)} array "
                                     f"expression of shape {shape}, not shaped like {w}: {str(result[w])[:140]}")
                stage = "evaluating the answer"
                errs = []
                for w in wrts:
                    g = (evaluate_symbolic(result[w], v, vals, at) if sizes is None
                         else evaluate_explicit(result[w], v, vals))
                    errs.append(rel_error(g, fd[w]))
                sp_err = max(errs)
                if sp_err > 1e-5:
                    status = "WRONG"
                    shown = {w: str(result[w])[:120] for w in wrts} if sizes is None else "explicit"
                    notes.append(f"{name} ({label}): SymPy's answer {shown} is off by {sp_err:.3g} (relative)")
            except Exception as e:  # noqa: BLE001 (any SymPy failure is a finding)
                status = "FAILS"
                notes.append(f"{name} ({label}): {stage}: {type(e).__name__}: {str(e)[:160]}")
            if status == "ok":
                t_diff, t_pipe = time_sympy(build, derive, args.min_time)
            rows.append((name, label, status, sp_err, mc_err, t_diff, mc[("derive", name)], t_pipe,
                         mc[("pipeline", name)]))

    head = ("formula", "SymPy form", "SymPy", "err SymPy", "err matcalc", "SymPy diff", "matcalc derive",
            "speed-up", "SymPy pipeline", "matcalc pipeline", "speed-up")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] * 3 + ["---:"] * (len(head) - 3)) + "|")
    for name, label, status, sp_err, mc_err, t_diff, t_mc, t_pipe, t_mc_pipe in rows:
        cells = [name, label, status, "—" if sp_err is None else f"{sp_err:.1e}", f"{mc_err:.1e}",
                 fmt_time(t_diff), fmt_time(t_mc), "—" if t_diff is None else f"{t_diff / t_mc:.0f}×",
                 fmt_time(t_pipe), fmt_time(t_mc_pipe), "—" if t_pipe is None else f"{t_pipe / t_mc_pipe:.0f}×"]
        print("| " + " | ".join(cells) + " |")
    ok = [r for r in rows if r[2] == "ok"]
    if ok:
        speedups = [r[5] / r[6] for r in ok]
        geo = float(np.exp(np.mean(np.log(speedups))))
        print(f"\nderivation speed-up over the {len(ok)} rows SymPy gets right: "
              f"geometric mean {geo:.0f}×, range {min(speedups):.0f}×–{max(speedups):.0f}×")
    if notes:
        print("\nNotes on SymPy's answers:")
        for n in notes:
            print("  - " + n)


if __name__ == "__main__":
    main()
