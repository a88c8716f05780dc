"""examples/python/: the script runs, and the notebook's code cells run in order as one
script (Debian's nbconvert and ipykernel would add 53 packages for this one test)."""

import json
import os
import subprocess
import sys

from conftest import ROOT

EXAMPLES = ROOT / "examples" / "python"


def environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT / "build" / "python"), env.get("PYTHONPATH", "")] if p)
    return env


def test_the_script_runs():
    p = subprocess.run([sys.executable, str(EXAMPLES / "lecture.py")], capture_output=True, text=True,
                       env=environment(), cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "∂f/∂w = step(w·x + b) xᵀ" in p.stdout
    assert "yhat = 0.7739, L = 0.2563" in p.stdout
    assert "after one step: yhat = 0.7823, L = 0.2455" in p.stdout


def test_the_notebooks_cells_run():
    nb = json.loads((EXAMPLES / "lecture.ipynb").read_text())
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) >= 5
    # The last expression of each cell is what Jupyter would display: display it the
    # way Jupyter does for a derivative (its LaTeX), so _repr_latex_ runs too.
    script = "\n".join(
        f"# cell {i}\n" + "".join(c["source"]) + "\n" for i, c in enumerate(code))
    program = ("import ast, sys\n"
               "shown = []\n"
               "def run(src):\n"
               "    tree = ast.parse(src)\n"
               "    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None\n"
               "    exec(compile(tree, '<cell>', 'exec'), globals())\n"
               "    if last is not None:\n"
               "        v = eval(compile(ast.Expression(last.value), '<cell>', 'eval'), globals())\n"
               "        shown.append(v._repr_latex_() if hasattr(v, '_repr_latex_') else repr(v))\n"
               "cells = " + repr(["".join(c["source"]) for c in code]) + "\n"
               "for c in cells: run(c)\n"
               "print('\\n'.join(shown))\n")
    p = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=environment(),
                       cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr + script
    assert "\\frac{\\partial f}{\\partial \\mathbf{w}}" in p.stdout
    assert "after one step: yhat = 0.7823, L = 0.2455" in p.stdout
