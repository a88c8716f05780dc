#!/usr/bin/env python3
"""The hostile inputs of issue 18, run as a user runs them: each one a matcalc process that
must end within the time and memory limits (10 s and 1 GiB on the 2-core machine) with exit
code 0 (a result) or 2 (a clean refusal), never a crash, a hang or runaway memory.

Usage: hostile.py MATCALC [--time-limit S] [--memory-limit MIB] [--only NAME]
Prints one line per case (seconds, peak resident MiB, exit code) and exits 1 if any case
breaks a limit. The sanitizer build (scripts/test-sanitize.sh) runs the same list: its
shadow memory counts in the resident size, so the limits are the same there.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def chain(lines):
    """a_i = sin(a_{i-1}) + 0.5 a_{i-1}: a scalar chain, each line one new node."""
    text = ["x : scalar", "a0 = x"]
    for i in range(1, lines):
        text.append(f"a{i} = sin(a{i-1}) + 0.5*a{i-1}")
    return "\n".join(text) + "\n"


def chain_two(lines):
    """Each line uses the two before it: a DAG whose tree is exponential."""
    text = ["x : scalar", "a0 = x", "a1 = sin(x)"]
    for i in range(2, lines):
        text.append(f"a{i} = sin(a{i-1}) * a{i-2} + exp(-a{i-1})")
    return "\n".join(text) + "\n"


def stack(columns):
    text = ["x : scalar"]
    for i in range(columns):
        text.append(f"x{i} = {i + 1}*x")
    text.append("v = [" + ", ".join(f"x{i}" for i in range(columns)) + "]")
    text.append("f = sum(v)")
    return "\n".join(text) + "\n"


def inline_stack(columns, declaration):
    """One matrix literal of `columns` multiples of x, summed: with x a vector, the
    elementwise sum of the gradient's terms is one fused chain of `columns` operations."""
    return f"x : {declaration}\nf = sum([" + ", ".join(f"{i + 1}*x" for i in range(columns)) + "])\n"


def product_chain(lines):
    """a_i = W a_{i-1} with W a 3×3 matrix: every definition is a product kept whole, and
    the derivative's every node a product of products."""
    text = ["W : matrix(3, 3); x : vector(3)", "a0 = x"]
    for i in range(1, lines):
        text.append(f"a{i} = W*a{i-1}")
    text.append(f"f = sum(a{lines - 1})")
    return "\n".join(text) + "\n"


def distinct_terms(definitions, terms_per_definition=5):
    """definitions lines, each a sum of distinct terms of the earlier ones (990 in all)."""
    text = ["x : scalar", "d0 = x", "d1 = sin(x)", "d2 = cos(x)"]
    for i in range(3, definitions):
        a, b, c = f"d{i-1}", f"d{i-2}", f"d{i-3}"
        terms = [f"sin({a})", f"{a}*{b}", f"exp(-{c})", f"cos({b})*{c}", f"{i}*{a}"][:terms_per_definition]
        text.append(f"d{i} = " + " + ".join(terms))
    return "\n".join(text) + "\n"


def numbers(n):
    return '{"x": [' + ", ".join(f"{0.001 * i:.3f}" for i in range(n)) + "]}"


def cases(folder):
    def write(name, text):
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    ones = "ones(8000,8000)"
    return [
        ("memory: three 8000×8000 arrays", ["eval", "-e", f"f = sum({ones} + 2*{ones} + exp({ones}))", "--at", "{}"]),
        ("work: det(eye(8000))", ["eval", "-e", "f = det(eye(8000))", "--at", "{}"]),
        ("work: an 8000×8000 product", ["eval", "-e", f"f = sum({ones} * {ones})", "--at", "{}"]),
        ("output: the Jacobian of x xᵀ at n = 400 as JSON",
         ["derive", "-e", "x : vector(n); f = x*x'", "--wrt", "x", "--at", numbers(400), "--format", "json"]),
        ("output: the Hessian of x·x at n = 8000",
         ["derive", "-e", "x : vector(n); f = x·x", "--wrt", "x", "--hessian", "--at", numbers(8000),
          "--format", "json"]),
        ("steps: a 20 000-definition chain", ["derive", write("chain20k.mc", chain(20000)), "--wrt", "x", "--steps"]),
        ("stack: 100 000 columns", ["derive", write("stack100k.mc", stack(100000)), "--wrt", "x", "--at", '{"x": 1}']),
        ("stack: 100 000 vector columns in one literal",
         ["derive", write("stackvec.mc", inline_stack(100000, "vector(3)")), "--wrt", "x", "--at", '{"x": [1, 2, 3]}']),
        ("stack: 100 000 scalar columns in one literal",
         ["derive", write("stackinline.mc", inline_stack(100000, "scalar")), "--wrt", "x", "--at", '{"x": 1}']),
        ("derive: a 10 000-line scalar chain", ["derive", write("chain10k.mc", chain(10000)), "--wrt", "x"]),
        ("derive: a 10 000-line chain at a point",
         ["derive", write("chain10k_at.mc", chain(10000)), "--wrt", "x", "--at", '{"x": 0.5}']),
        ("derive: a 10 000-line chain of matrix products",
         ["derive", write("products10k.mc", product_chain(10000)), "--wrt", "W"]),
        ("codegen: a 1 000-line chain", ["codegen", write("chain1k.mc", chain_two(1000)), "--wrt", "x"]),
        ("codegen: a 10 000-line chain", ["codegen", write("chain10k2.mc", chain_two(10000)), "--wrt", "x"]),
        ("codegen numpy: a 10 000-line chain",
         ["codegen", write("chain10k3.mc", chain_two(10000)), "--wrt", "x", "--lang", "numpy"]),
        ("derive: 200 definitions of 990 distinct terms",
         ["derive", write("terms.mc", distinct_terms(200)), "--wrt", "x"]),
        ("codegen: 200 definitions of 990 distinct terms",
         ["codegen", write("terms2.mc", distinct_terms(200)), "--wrt", "x"]),
        ("steps: 200 definitions of 990 distinct terms",
         ["derive", write("terms3.mc", distinct_terms(200)), "--wrt", "x", "--steps"]),
        ("check: a 10 000-line chain", ["check", write("chain10k4.mc", chain(10000)), "--wrt", "x"]),
        ("hessian: a 650-line chain", ["derive", write("chain650.mc", chain(650)), "--wrt", "x", "--hessian"]),
        ("hessian: a 10 000-line chain", ["derive", write("chain10k5.mc", chain(10000)), "--wrt", "x", "--hessian"]),
        ("hessian-vector product: a 10 000-line chain",
         ["derive", write("chain10k7.mc", "v : scalar\n" + chain(10000)), "--wrt", "x", "--hessian", "--direction", "v",
          "--at", '{"x": 0.5, "v": 1}']),
        ("codegen numpy --hessian: a 10 000-line chain",
         ["codegen", write("chain10k6.mc", chain(10000)), "--wrt", "x", "--hessian", "--lang", "numpy"]),
    ]


def run(matcalc, args, time_limit):
    """Exit code, seconds, peak resident MiB of this process alone, stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([matcalc] + args, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > 3 * time_limit:  # a hang is killed, and fails
                proc.kill()
            time.sleep(0.005)
        seconds = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped here (wait4 gives this process's own peak memory)
        err.seek(0)
        return code, seconds, usage.ru_maxrss / 1024, err.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("matcalc")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--memory-limit", type=float, default=1024.0)
    parser.add_argument("--only")
    options = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        for name, args in cases(folder):
            if options.only and options.only not in name:
                continue
            code, seconds, peak_mib, err = run(options.matcalc, args, options.time_limit)
            problems = []
            if code not in (0, 2):
                problems.append(f"exit code {code}")
            if seconds > options.time_limit:
                problems.append(f"{seconds:.1f} s")
            if peak_mib > options.memory_limit:
                problems.append(f"{peak_mib:.0f} MiB")
            if code == 2 and not err.strip():
                problems.append("exit 2 without a message")
            print(f"{'FAIL' if problems else 'ok  '} {seconds:6.2f} s {peak_mib:7.0f} MiB  exit {code}  {name}"
                  + (f"  <- {', '.join(problems)}" if problems else ""), flush=True)
            if code == 2:
                print("       " + err.decode("utf-8", "replace").splitlines()[0][:160], flush=True)
            failures += bool(problems)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
