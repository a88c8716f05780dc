"""Shared fixtures: where the repository, the build and the command line are.

Run as the README says (after scripts/build.sh):
    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q python/tests
MATCALC_BUILD_DIR names another build directory (default: build/).
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("MATCALC_BUILD_DIR", ROOT / "build"))
MATCALC = BUILD / "matcalc"
LECTURE = ROOT / "examples" / "lecture"


def run_cli(*args, check=True):
    """`matcalc ARGS...`: (exit code, stdout, stderr)."""
    p = subprocess.run([str(MATCALC), *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"matcalc {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stderr}")
    return p.returncode, p.stdout, p.stderr


def cli_json(*args):
    """The parsed JSON of `matcalc ARGS... --format json`."""
    return json.loads(run_cli(*args, "--format", "json")[1])


@pytest.fixture(scope="session")
def matcalc_binary():
    if not MATCALC.exists():
        pytest.fail(f"{MATCALC} not found: run scripts/build.sh first")
    return MATCALC
