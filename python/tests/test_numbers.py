"""Numbers through the binding: the same doubles as `matcalc derive --at --format json`
(compared exactly), and agreement with finite differences."""

import json

import numpy as np
import pytest

import matcalc
from conftest import LECTURE, cli_json, run_cli


def lecture_cases():
    """(model, variable) for every lecture model with values and every declared symbol
    its function depends on (taken from the command line's view: those it can derive)."""
    cases = []
    for mc in sorted(LECTURE.glob("*.mc")):
        at = mc.with_suffix(".json")
        if not at.exists():
            continue
        m = matcalc.Model.from_file(mc)
        for v in m.variables:
            if v in json.loads(at.read_text()):
                cases.append((mc.name, v))
    return cases


CASES = lecture_cases()


def test_there_are_lecture_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("model, wrt", CASES)
def test_jacobian_gradient_and_value_are_the_command_lines_doubles(model, wrt):
    mc, at_path = LECTURE / model, (LECTURE / model).with_suffix(".json")
    code, out, err = run_cli("derive", mc, "--wrt", wrt, "--at", at_path, "--format", "json", check=False)
    m = matcalc.Model.from_file(mc)
    at = json.loads(at_path.read_text())
    if code != 0:  # a derivative the engine does not take: the binding says so too
        with pytest.raises(matcalc.InputError):
            m.jacobian(wrt, at)
        return
    expected = json.loads(out)
    d = expected["derivatives"][0]
    jac = m.jacobian(wrt, at)
    assert isinstance(jac, np.ndarray) and jac.ndim == 2
    assert jac.tolist() == d["jacobian"]  # exactly: same doubles
    value = m.value(at)
    assert (value if isinstance(value, float) else value.tolist()) == expected["value"]
    if "gradient" in d:
        g = m.gradient(wrt, at)
        assert (g if isinstance(g, float) else g.tolist()) == d["gradient"]
        assert isinstance(g, float) == isinstance(d["gradient"], (int, float))


@pytest.mark.parametrize("model, wrt", [("relu_mse.mc", "w"), ("mlp_1231.mc", "W2"), ("mlp_1231.mc", "b1"),
                                        ("bce_sigmoid.mc", "z")])
def test_hessians_are_the_command_lines_doubles(model, wrt):
    mc, at_path = LECTURE / model, (LECTURE / model).with_suffix(".json")
    d = cli_json("derive", mc, "--wrt", wrt, "--at", at_path, "--hessian")["derivatives"][0]
    h = matcalc.Model.from_file(mc).hessian(wrt, json.loads(at_path.read_text()))
    assert h.ndim == 2 and h.shape[0] == h.shape[1] and h.tolist() == d["hessian"]


def test_the_lecture_network_numbers():
    m = matcalc.Model.from_file(LECTURE / "mlp_1231.mc")
    at = json.loads((LECTURE / "mlp_1231.json").read_text())
    assert m.value(at) == pytest.approx(0.2563, abs=1e-4)
    assert m.value(at, of="yhat") == pytest.approx(0.7739, abs=1e-4)
    g = m.gradient("W2", at)
    assert g.shape == (3, 2)
    np.testing.assert_allclose(g, [[-0.0123, -0.0128], [-0.0063, -0.0065], [-0.0186, -0.0194]], atol=1e-4)
    assert m.gradient("b3", at).shape == (1,)
    assert m.gradient("W1", at).shape == (2, 1)
    assert m.jacobian("W2", at).shape == (1, 6)
    assert m.hessian("b2", at).shape == (3, 3)


def numeric_jacobian(m, wrt, at, h=1e-6):
    """Central differences of m.value in vec (column-major) order."""
    x = np.asarray(at[wrt], dtype=float)
    base = np.ravel(np.asarray(m.value(at), dtype=float), order="F")
    columns = []
    flat = np.ravel(x, order="F")
    for j in range(flat.size):
        step = h * max(1.0, abs(flat[j]))
        plus, minus = flat.copy(), flat.copy()
        plus[j] += step
        minus[j] -= step
        fp = m.value({**at, wrt: plus.reshape(x.shape, order="F")})
        fm = m.value({**at, wrt: minus.reshape(x.shape, order="F")})
        columns.append((np.ravel(np.asarray(fp, float), order="F") - np.ravel(np.asarray(fm, float), order="F"))
                       / (2 * step))
    return np.column_stack(columns).reshape(base.size, flat.size)


@pytest.mark.parametrize("text, wrt", [
    ("W : matrix(m, n); x : vector(n); f = tanh(W*x)", "W"),
    ("W : matrix(m, n); x : vector(n); f = tanh(W*x)", "x"),
    ("A, B : matrix(n, n); f = logdet(A*A' + B*B')", "A"),
    ("w, x : vector(n); f = softmax(w ⊙ x)", "w"),
])
def test_jacobians_agree_with_finite_differences(text, wrt):
    rng = np.random.default_rng(7)
    m = matcalc.Model(text)
    at = {}
    for v in m.variables:
        shape = tuple(3 if isinstance(d, str) else d for d in m.shape(v))
        if shape[1] == 1 and m.shape(v)[1] == 1 and isinstance(m.shape(v)[0], str):
            shape = (shape[0],)
        at[v] = rng.uniform(-1, 1, size=shape)
    jac = m.jacobian(wrt, at)
    np.testing.assert_allclose(jac, numeric_jacobian(m, wrt, at), rtol=1e-6, atol=1e-8)


def test_values_take_lists_arrays_and_sizes():
    m = matcalc.Model("W : matrix(m, n); x : vector(n); f = W*x")
    W = np.arange(6.0).reshape(2, 3)
    for at in ({"W": W, "x": [1, 2, 3]}, {"W": W.tolist(), "x": np.array([1.0, 2.0, 3.0])},
               {"W": W.astype(np.float32), "x": np.array([[1], [2], [3]])}):
        v = m.value(at)
        assert isinstance(v, np.ndarray) and v.tolist() == [8.0, 26.0]
    assert m.value({"W": W, "x": [1, 2, 3], "n": 3}).tolist() == [8.0, 26.0]
    assert isinstance(matcalc.Model("x : scalar; f = 2*x").value({"x": 3}), float)
    assert matcalc.Model("A : matrix(m, n); f = 2*A").value({"A": W}).shape == (2, 3)


def test_values_from_a_file_and_json_text():
    m = matcalc.Model.from_file(LECTURE / "relu_mse.mc")
    path = LECTURE / "relu_mse.json"
    assert m.gradient("w", str(path)).tolist() == m.gradient("w", path.read_text()).tolist() \
        == m.gradient("w", json.loads(path.read_text())).tolist()


def test_check_against_finite_differences():
    m = matcalc.Model("w, x : vector(n); b : scalar; f = max(0, w·x + b)")
    c = m.check("w", points=5, seed=1)
    assert isinstance(c, matcalc.CheckResult) and c.ok is True and bool(c)
    assert 0 <= c.max_error < 1e-6 and c.points == 5
    both = m.check(["w", "b"])
    assert [r.wrt for r in both] == ["w", "b"] and all(r.ok for r in both)
    # The command line's check reports the same largest error (printed to 3 digits).
    out = run_cli("check", "-e", "w, x : vector(n); b : scalar; f = max(0, w·x + b)", "--wrt", "w")[1]
    assert f"largest error {c.max_error:.3g} " in out
    assert m.check("w", hessian=True, points=2).ok


def test_codegen_is_the_command_lines_and_runs():
    text = "W : matrix(m, n); x : vector(n); b : vector(m); L = sum(tanh(W*x + b))"
    m = matcalc.Model(text)
    code = m.codegen(["W", "b"], lang="numpy")
    cli = run_cli("codegen", "-e", text, "--wrt", "W", "--wrt", "b", "--lang", "numpy")[1]
    assert code == cli  # byte for byte: a model given as text is "-e text" in the header
    path = LECTURE / "mlp_1231.mc"
    assert matcalc.Model.from_file(path).codegen(["W1", "b1"], lang="cpp") == \
        run_cli("codegen", path, "--wrt", "W1", "--wrt", "b1")[1]
    namespace = {}
    exec(compile(code, "<codegen>", "exec"), namespace)
    fn = next(v for k, v in namespace.items() if k.endswith("_and_gradients"))
    at = {"W": np.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]), "x": np.array([1.0, -2.0]),
          "b": np.array([0.1, 0.2, 0.3])}
    result = fn(**at)
    np.testing.assert_allclose(result.value, m.value(at), rtol=1e-15)
    np.testing.assert_allclose(result.d_W, m.gradient("W", at), rtol=1e-14)
    assert "Eigen::MatrixXd d_W" in m.codegen("W", lang="cpp")
