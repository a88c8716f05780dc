"""The lecture's gradients from Python: derive them, check them against finite
differences, evaluate them at the slides' numbers, and train the 1-2-3-1 network.

    scripts/build.sh
    PYTHONPATH=build/python /usr/bin/python3 examples/python/lecture.py
"""

import json
from pathlib import Path

import numpy as np

import matcalc

LECTURE = Path(__file__).resolve().parents[1] / "lecture"

# A ReLU neuron, typed in: ∂f/∂w = step(w·x + b) xᵀ.
neuron = matcalc.Model("w, x : vector(n); b : scalar; f = max(0, w·x + b)")
for d in neuron.derive(["w", "b"]):
    print(d)

# The lecture's models: each gradient, with its check against finite differences.
for name, variables in [("relu_mse.mc", ["w", "b"]), ("bce_sigmoid.mc", ["z"]),
                        ("mlp_1231.mc", ["W3", "b3", "W2", "b2", "W1", "b1"])]:
    model = matcalc.Model.from_file(LECTURE / name)
    print(f"\n{name}")
    for d, c in zip(model.derive(variables), model.check(variables, points=5, seed=1)):
        print(f"  {d}    check: {'ok' if c.ok else 'MISMATCH'} (largest error {c.max_error:.1e})")
        assert c.ok

# The 1-2-3-1 network at the slides' weights and sample (x = 2, y = 1).
mlp = matcalc.Model.from_file(LECTURE / "mlp_1231.mc")
at = json.loads((LECTURE / "mlp_1231.json").read_text())
print(f"\nyhat = {mlp.value(at, of='yhat'):.4f}, L = {mlp.value(at):.4f}")
np.set_printoptions(precision=4, suppress=True)
for p in ["W3", "b3", "W2", "b2", "W1", "b1"]:
    print(f"∇{p} L =", mlp.gradient(p, at))

# One gradient-descent step with η = 0.1 on that sample, as the slides work it, then 50.
step = mlp.train(LECTURE / "one_sample.csv", epochs=1, batch=1, lr=0.1)
after = {**at, **step.parameters}
print(f"\nafter one step: yhat = {mlp.value(after, of='yhat'):.4f}, L = {mlp.value(after):.4f}")
longer = mlp.train(np.array([[2.0, 1.0]]), epochs=50, batch=1, lr=0.1)
print(f"after 50 steps: L = {longer.loss:.4f}")
assert longer.loss < step.loss
