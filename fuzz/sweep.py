#!/usr/bin/env python3
"""Random formulas, differentiated and checked: a semantic sweep beside the libFuzzer
target. Builds random expressions over scalars, vectors and matrices (every function of
the language, matrix products, Kronecker products, diag, softmax, Hessians), runs
`matcalc derive` and `matcalc check` on each, and reports any exit code other than 0 or
2 (BAD), any finite-difference mismatch (MISMATCH) and every `check` input error
(CHECK2: usually a function with no finite point, such as log(eye(n))).

    fuzz/sweep.py SEED COUNT        # e.g. fuzz/sweep.py 2 400 (about 6 minutes)
"""
import random, subprocess, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
import os
M = os.environ.get('MATCALC', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'build', 'matcalc'))
decl = "x, y : vector(n); s, t : scalar; A, B : matrix(n, n); W : matrix(m, n); u : vector(m); "
leaves = {'v': ['x', 'y', 'A*x', "W'*u", 'ones(n)'], 's': ['s', 't', 'x·y', 'sum(x)', "u'*W*x"], 'M': ['A', 'B', "A'", 'eye(n)']}
un = ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'abs', 'sqrt', 'softplus', 'step', 'sign', 'leaky_relu', 'tan', 'atan']
def gen(kind, d):
    if d <= 0 or random.random() < 0.25:
        return random.choice(leaves[kind])
    r = random.random()
    if kind == 's':
        opts = [lambda: f"{random.choice(un)}({gen('s', d-1)})",
                lambda: f"({gen('s', d-1)} {random.choice(['+','-','*','/'])} {gen('s', d-1)})",
                lambda: f"sum({gen('v', d-1)})", lambda: f"norm({gen('v', d-1)})", lambda: f"dot({gen('v', d-1)}, {gen('v', d-1)})",
                lambda: f"tr({gen('M', d-1)})", lambda: f"det({gen('M', d-1)})", lambda: f"logsumexp({gen('v', d-1)})",
                lambda: f"mean({gen('M', d-1)})", lambda: f"norm1({gen('v', d-1)})", lambda: f"{gen('v', d-1)}'*{gen('M', d-1)}*{gen('v', d-1)}",
                lambda: f"max({gen('s', d-1)}, {gen('s', d-1)})", lambda: f"bce(sigmoid({gen('s', d-1)}), 0.3)", lambda: f"({gen('s', d-1)})^2"]
    elif kind == 'v':
        opts = [lambda: f"{random.choice(un)}({gen('v', d-1)})",
                lambda: f"({gen('v', d-1)} {random.choice(['+','-','.*','./'])} {gen('v', d-1)})",
                lambda: f"{gen('M', d-1)}*{gen('v', d-1)}", lambda: f"{gen('s', d-1)}*{gen('v', d-1)}",
                lambda: f"softmax({gen('v', d-1)})", lambda: f"diag({gen('M', d-1)})", lambda: f"({gen('v', d-1)} + {gen('s', d-1)})",
                lambda: f"max(0, {gen('v', d-1)})", lambda: f"{gen('v', d-1)} / norm({gen('v', d-1)})"]
    else:
        opts = [lambda: f"{random.choice(un)}({gen('M', d-1)})",
                lambda: f"({gen('M', d-1)} {random.choice(['+','-','.*'])} {gen('M', d-1)})",
                lambda: f"{gen('M', d-1)}*{gen('M', d-1)}", lambda: f"({gen('M', d-1)})'", lambda: f"diag({gen('v', d-1)})",
                lambda: f"{gen('s', d-1)}*{gen('M', d-1)}", lambda: f"({gen('M', d-1)} + {gen('v', d-1)}')",
                lambda: f"{gen('v', d-1)}*{gen('v', d-1)}'", lambda: f"kron({gen('v', d-1)}, {gen('v', d-1)}')"]
    return random.choice(opts)()
stats = {}
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 200):
    kind = random.choice(['s', 's', 'v', 'M'])
    f = gen(kind, random.randint(1, 4))
    wrt = random.choice(['x', 's', 'A', 'W', 'u'])
    model = decl + "f = " + f
    extra = ['--hessian'] if kind == 's' and random.random() < 0.4 else []
    for cmd in (['derive'], ['check', '--points', '3']):
        p = subprocess.run([M] + cmd + ['-e', model, '--wrt', wrt] + extra, capture_output=True, text=True, timeout=60)
        key = (cmd[0], p.returncode)
        stats[key] = stats.get(key, 0) + 1
        if p.returncode not in (0, 2) or 'internal' in p.stderr:
            if cmd[0] == 'check' and p.returncode == 1:
                print("MISMATCH", model, wrt, extra, p.stdout[-400:])
            else:
                print("BAD", p.returncode, model, wrt, extra, p.stderr[-300:])
        if p.returncode == 2 and cmd[0] == "check": print("CHECK2", model, wrt, extra, p.stderr[-200:])
        if p.returncode != 0: break
print(stats)
