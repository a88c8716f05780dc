#!/usr/bin/env python3
"""The lecture's 1-2-3-1 network worked by hand, in plain Python floats (IEEE double).

Writes tests/golden/lecture_mlp.json: the forward pass, every gradient of backpropagation
and one SGD step (learning rate 0.1) of the network on the slides, computed here with
nothing but the formulas of the lecture, so that the numbers are independent of matcalc
(no NumPy, no matcalc code). The tests compare matcalc's derivatives, evaluator, trainer
and reference MLP against this file.

  /usr/bin/python3 tests/golden/lecture_mlp.py          # rewrites the JSON file
  /usr/bin/python3 tests/golden/lecture_mlp.py --check  # exit 1 if the file differs

The network (slides "A Simple Neural Network" to "Verification: Forward Pass with New
Weights"): input x = 2, target y = 1; sigmoid on every layer; binary cross-entropy.
W_l is (out x in): row i holds the weights of neuron i; b_l holds the biases.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "lecture_mlp.json")

X, Y, LR = 2.0, 1.0, 0.1
INITIAL = {
    "W1": [[0.1], [0.1]],
    "b1": [0.1, 0.2],
    "W2": [[0.2, 0.1], [0.3, 0.2], [0.1, 0.3]],
    "b2": [0.3, 0.1, 0.2],
    "W3": [[0.4, 0.2, 0.6]],
    "b3": [0.5],
}


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def layer(W, b, a):
    """z_i = sum_j W_ij a_j + b_i, summed left to right."""
    z = []
    for i, row in enumerate(W):
        s = 0.0
        for w, x in zip(row, a):
            s += w * x
        z.append(s + b[i])
    return z


def forward(p):
    z1 = layer(p["W1"], p["b1"], [X])
    a1 = [sigmoid(v) for v in z1]
    z2 = layer(p["W2"], p["b2"], a1)
    a2 = [sigmoid(v) for v in z2]
    z3 = layer(p["W3"], p["b3"], a2)
    yhat = [sigmoid(v) for v in z3]
    loss = -(Y * math.log(yhat[0]) + (1 - Y) * math.log(1 - yhat[0]))
    return {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "z3": z3, "yhat": yhat, "loss": loss}


def backward(p, f):
    """Backpropagation as the slides do it, step by step."""
    dz3 = [f["yhat"][0] - Y]                       # BCE after a sigmoid: yhat - y
    W3, W2 = p["W3"], p["W2"]
    da2 = [W3[0][j] * dz3[0] for j in range(3)]   # W3^T dz3
    dz2 = [da2[j] * f["a2"][j] * (1 - f["a2"][j]) for j in range(3)]
    da1 = []
    for k in range(2):                             # W2^T dz2
        s = 0.0
        for j in range(3):
            s += W2[j][k] * dz2[j]
        da1.append(s)
    dz1 = [da1[k] * f["a1"][k] * (1 - f["a1"][k]) for k in range(2)]
    outer = lambda d, a: [[di * aj for aj in a] for di in d]
    return {
        "dL/dz3": dz3, "dL/da2": da2, "dL/dz2": dz2, "dL/da1": da1, "dL/dz1": dz1,
        "dL/dW1": outer(dz1, [X]), "dL/db1": dz1,
        "dL/dW2": outer(dz2, f["a1"]), "dL/db2": dz2,
        "dL/dW3": outer(dz3, f["a2"]), "dL/db3": dz3,
    }


def sgd(p, g):
    def step(v, d):
        if isinstance(v, list):
            return [step(a, b) for a, b in zip(v, d)]
        return v - LR * d
    return {name: step(v, g["dL/d" + name]) for name, v in p.items()}


def golden():
    f = forward(INITIAL)
    g = backward(INITIAL, f)
    new = sgd(INITIAL, g)
    f2 = forward(new)
    return {
        "setup": {
            "x": X, "y": Y, "lr": LR,
            "activation": "sigmoid on all layers",
            "loss": "binary cross-entropy",
            "layout": "W_l is (out x in), row i = weights of neuron i; b_l one per neuron",
            "dtype": "float64",
            "computed_by": "tests/golden/lecture_mlp.py: the lecture's formulas in plain Python floats",
        },
        "initial_weights": INITIAL,
        "forward": f,
        "gradients": g,
        "updated_weights": new,
        "after_step": {
            "new_yhat": f2["yhat"], "new_loss": f2["loss"],
            "new_a1": f2["a1"], "new_a2": f2["a2"], "new_z3": f2["z3"],
        },
        "slides_values_4dp": {
            "yhat": 0.7739, "loss": 0.2563, "dL/dz3": -0.2261, "new_yhat": 0.7823, "new_loss": 0.2455,
            "note": "the slides round to 4 decimals; their a_3^[2] = 0.6075 means 0.607556, the verification "
                    "slide's 0.6147 means 0.617387, and the summary's 0.7862 is 0.782345 computed",
        },
        "naming": "z1, a1: layer 1 (2 neurons); z2, a2: layer 2 (3 neurons); z3, yhat: output; "
                  "new_* after one SGD step",
    }


def main():
    text = json.dumps(golden(), indent=1) + "\n"
    if "--check" in sys.argv[1:]:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit("lecture_mlp.json differs from what lecture_mlp.py computes: run it to rewrite the file")
        return
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
