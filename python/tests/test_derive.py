"""Formulas through the binding: the forms the command line prints, shapes, reprs, LaTeX."""

import re

import pytest

import matcalc
from conftest import LECTURE, cli_json, run_cli

NEURON = "w, x : vector(n); b : scalar; f = max(0, w·x + b)"


def test_version_is_the_command_lines(matcalc_binary):
    assert re.fullmatch(r"\d+\.\d+\.\d+", matcalc.__version__)
    assert run_cli("--version")[1] == f"matcalc {matcalc.__version__}\n"


def test_the_neuron_derivatives_read_like_the_lecture():
    m = matcalc.Model(NEURON)
    d = m.derive("w")
    assert isinstance(d, matcalc.Derivative)
    assert d.wrt == "w" and d.of == "f"
    assert d.unicode == "step(w·x + b) xᵀ"
    assert d.text == "step(dot(w, x) + b) * x'"
    assert d.shape == (1, "n")
    assert m.derive("b").unicode == "step(w·x + b)"
    assert m.derive("b").shape == (1, 1)


def test_a_list_of_names_gives_a_list():
    m = matcalc.Model(NEURON)
    ds = m.derive(["w", "b"])
    assert [d.wrt for d in ds] == ["w", "b"]
    assert [d.unicode for d in ds] == ["step(w·x + b) xᵀ", "step(w·x + b)"]
    assert m.derive([]) == []


def test_definitions_print_by_name_and_of_picks_the_function():
    m = matcalc.Model("w, x : vector(n); b : scalar; z = w·x + b; f = max(0, z); g = z^2")
    assert m.derive("w").unicode == "2 z xᵀ"  # g, the last definition
    assert m.derive("w", of="f").unicode == "step(z) xᵀ"
    assert m.derive("w", of="f", expand=True).unicode == "step(w·x + b) xᵀ"
    assert m.definitions == ["z", "f", "g"] and m.variables == ["w", "x", "b"]


def test_a_definition_as_the_variable_holds_the_rest_fixed():
    m = matcalc.Model.from_file(LECTURE / "bce_sigmoid.mc")
    assert m.derive("z").unicode == "yhat − y"


@pytest.mark.parametrize("model, wrt", [
    ("mlp_1231.mc", ["W1", "b1", "W2", "b2", "W3", "b3"]),
    ("relu_mse.mc", ["w", "b"]),
    ("relu_mse.mc", ["w"]),
    ("bce_sigmoid.mc", ["z"]),
    ("jacobian_fg.mc", ["x"]),
])
def test_every_form_is_the_command_lines(model, wrt):
    """text, unicode, latex and shape as `matcalc derive --format json` writes them."""
    expected = cli_json("derive", LECTURE / model, *[a for w in wrt for a in ("--wrt", w)])
    got = matcalc.Model.from_file(LECTURE / model).derive(wrt)
    assert len(got) == len(expected["derivatives"])
    for d, e in zip(got, expected["derivatives"]):
        assert (d.wrt, d.text, d.unicode, d.latex) == (e["wrt"], e["text"], e["unicode"], e["latex"])
        assert list(d.shape) == e["shape"]
        assert d.of == expected["of"]


def test_jupyter_shows_the_formula():
    d = matcalc.Model(NEURON).derive("w")
    latex = d._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$")
    assert latex == r"$\frac{\partial f}{\partial \mathbf{w}} = " + d.latex + "$"
    assert d.latex == cli_json("derive", "-e", NEURON, "--wrt", "w")["derivatives"][0]["latex"]


def test_reprs_are_readable():
    m = matcalc.Model(NEURON)
    assert repr(m) == "<matcalc.Model 'model': f of w, x, b>"
    assert repr(m.derive("w")) == "<Derivative ∂f/∂w = step(w·x + b) xᵀ  (shape 1 × n)>"
    assert str(m.derive("w")) == "∂f/∂w = step(w·x + b) xᵀ"
    c = m.check("w", points=2, seed=3)
    assert re.fullmatch(r"<CheckResult ∂/∂w: ok, largest error \S+ \(tolerance 1e-06\) over 2 points>", repr(c))


def test_shapes_of_symbols():
    m = matcalc.Model("W : matrix(m, n); x : vector(n); f = W*x")
    assert m.shape("W") == ("m", "n") and m.shape("x") == ("n", 1) and m.shape("f") == ("m", 1)
    assert m.derive("W").unicode == "kron(xᵀ, I)" and m.derive("W").shape == ("m", "m*n")


def test_exponential_sigmoid_and_tanh_are_recognised_through_the_binding():
    # The same as the command line (calculus/recognise.cpp): derive, codegen and the
    # ridge closed form's ∂w/∂λ written with w.
    m = matcalc.Model("x, y : scalar; f = y*(exp(x) - exp(-x))/(exp(x) + exp(-x)) + 1/(1 + exp(-x))")
    assert m.derive("x").unicode == "σ(x) (1 − σ(x)) + y (1 − tanh(x)²)"
    assert m.derive("y").unicode == "tanh(x)"
    assert "np.tanh(" in m.codegen("x", lang="numpy")
    ridge = matcalc.Model("X : matrix(N, n); y : vector(N); λ : scalar; w = inv(X'*X + λ*eye(n))*X'*y")
    assert ridge.derive("λ").unicode == "−(Xᵀ X + λ I)⁻¹ w"


def test_the_scan_for_unreadable_forms_finds_them():
    from conftest import UNREADABLE
    for bad in ["x / 1", "0.79·1ᵀ", "sum(M ⊙ I)", "sum(S * T .* eye(n))", r"\frac{x}{1}", r"x \cdot 1"]:
        assert UNREADABLE.search(bad), bad
    for good in ["1 / 10", "x / 1.5", "x / 1e-5", "x·10", "tr(M ⊙ I)", "sum((M ⊙ I) x)", r"\frac{1}{x}"]:
        assert not UNREADABLE.search(good), good
