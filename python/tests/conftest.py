"""Shared fixtures: where the repository, the build and the command line are.

Run as the README says (after scripts/build.sh):
    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q python/tests
MATCALC_BUILD_DIR names another build directory (default: build/).
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("MATCALC_BUILD_DIR", ROOT / "build"))
MATCALC = BUILD / "matcalc"
LECTURE = ROOT / "examples" / "lecture"


# Forms a person would not write in a printed result (issue 16's acceptance, as
# tests/support.hpp scans the C++ suite): `/ 1`, `·1`, `sum(… ⊙ I)`, and in LaTeX and
# ASCII `\frac{…}{1}`, `\cdot 1`, `sum(… .* eye(n))`.
UNREADABLE = re.compile(r"/ 1(?![0-9.e×])|·1(?![0-9.e×])|\\cdot 1(?![0-9.e×])|\}\{1\}"
                        r"|sum\([^()]*⊙ I\)|sum\([^()]*\.\* eye\([^()]*\)\)")


def assert_readable(text, what):
    m = UNREADABLE.search(text)
    assert m is None, f"{what}: a printed result has a form a person would not write: ...{text[max(0, m.start() - 40):m.end() + 40]}..."


def run_cli(*args, check=True):
    """`matcalc ARGS...`: (exit code, stdout, stderr). A derive's output is scanned for
    unreadable forms."""
    p = subprocess.run([str(MATCALC), *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"matcalc {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stderr}")
    if p.returncode == 0 and args and str(args[0]) == "derive":
        assert_readable(p.stdout, "matcalc " + " ".join(map(str, args)))
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(autouse=True)
def _derivatives_read_as_a_person_writes(monkeypatch):
    """Every Derivative the binding returns in any test is scanned (text, Unicode, LaTeX)."""
    import matcalc

    original = matcalc.Derivative.__init__

    def scanned(self, of, wrt, text, unicode, latex, shape, latex_header):
        for form in (text, unicode, latex):
            assert_readable(form, f"∂{of}/∂{wrt}")
        original(self, of, wrt, text, unicode, latex, shape, latex_header)

    monkeypatch.setattr(matcalc.Derivative, "__init__", scanned)


def cli_json(*args):
    """The parsed JSON of `matcalc ARGS... --format json`."""
    return json.loads(run_cli(*args, "--format", "json")[1])


@pytest.fixture(scope="session")
def matcalc_binary():
    if not MATCALC.exists():
        pytest.fail(f"{MATCALC} not found: run scripts/build.sh first")
    return MATCALC
