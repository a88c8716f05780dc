"""The focal loss at logits of scale 1000 (p = softmax(W x) underflows to 0 in some entries):
derive --at (the library), the generated NumPy and C++ code all give finite gradients equal
to PyTorch's autograd of the same loss written with log_softmax, to 1e-9."""
import importlib.util
import subprocess

import numpy as np
import pytest
import torch

import matcalc

from conftest import ROOT

MODEL = "W : matrix(k, n); x : vector(n); y : vector(k); p = softmax(W*x); L = -sum(y ⊙ (1 - p)^2 ⊙ log(p))"


def point(scale):
    rng = np.random.default_rng(7)
    W = rng.normal(size=(4, 3)) * scale
    x = rng.normal(size=3)
    y = np.array([0.1, 0.2, 0.3, 0.4])
    return {"W": W, "x": x, "y": y}


def torch_gradient(at):
    W = torch.tensor(at["W"], requires_grad=True)
    z = W @ torch.tensor(at["x"])
    log_p = torch.log_softmax(z, dim=0)
    L = -(torch.tensor(at["y"]) * (1 - log_p.exp()) ** 2 * log_p).sum()
    (g,) = torch.autograd.grad(L, W)
    return L.item(), g.numpy()


def close(ours, theirs):
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(theirs).max()))


@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_library_and_numpy_code(scale, tmp_path):
    at = point(scale)
    value, expected = torch_gradient(at)
    m = matcalc.Model(MODEL)
    close(m.gradient("W", at), expected)
    path = tmp_path / "focal.py"
    path.write_text(m.codegen(["W"], lang="numpy"))
    spec = importlib.util.spec_from_file_location("focal", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # no inf, no log 0, no 0 · inf
        r = module.L_and_gradients(**at)
    assert r.value == pytest.approx(value, rel=1e-9)
    close(r.d_W, expected)


def test_cpp_code(tmp_path):
    at = point(1000.0)
    _, expected = torch_gradient(at)
    (tmp_path / "focal.hpp").write_text(matcalc.Model(MODEL).codegen(["W"], lang="cpp"))
    rows = ", ".join(f"{v!r}" for v in at["W"].reshape(-1))
    driver = f"""#include <cstdio>
#include "focal.hpp"
int main() {{
    Eigen::MatrixXd W(4, 3); W << {rows};
    Eigen::VectorXd x(3); x << {", ".join(map(repr, at["x"]))};
    Eigen::VectorXd y(4); y << {", ".join(map(repr, at["y"]))};
    const auto r = L_and_gradients(W, x, y);
    for (Eigen::Index i = 0; i < 4; ++i)
        for (Eigen::Index j = 0; j < 3; ++j) std::printf("%.17g\\n", r.d_W(i, j));
}}
"""
    (tmp_path / "main.cpp").write_text(driver)
    subprocess.run(["c++", "-std=c++20", "-O1", "-isystem", "/usr/include/eigen3", "-o", str(tmp_path / "main"),
                    str(tmp_path / "main.cpp")], check=True, cwd=tmp_path)
    out = subprocess.run([str(tmp_path / "main")], capture_output=True, text=True, check=True).stdout
    close(np.array([float(v) for v in out.split()]).reshape(4, 3), expected)
