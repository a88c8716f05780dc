"""Bad input: matcalc.InputError (a ValueError) with the command line's diagnostic, and
the line and column in the model text (None elsewhere)."""

import numpy as np
import pytest

import matcalc
from conftest import LECTURE, run_cli

NEURON = "w, x : vector(n); b : scalar; f = max(0, w·x + b)"
AT = {"w": [1.0, 2.0], "x": [3.0, 4.0], "b": 0.5}


def test_input_error_is_a_value_error():
    assert issubclass(matcalc.InputError, ValueError)


@pytest.mark.parametrize("text", [
    "w, x : vector(n); b : scalar; f = w * x + b",
    "x : vector(n);\ny : vector(m)\nf = x + y",
    "x : scalar; f = sigmod(x)",
    "f = ",
    "x : vector(n); f = x ++ ",
])
def test_model_errors_are_the_command_lines_diagnostic(text):
    with pytest.raises(matcalc.InputError) as info:
        matcalc.Model(text).derive("x" if "x :" in text else "w")
    code, _, err = run_cli("derive", "-e", text, "--wrt", "x" if "x :" in text else "w", check=False)
    assert code == 2
    assert err.startswith("-e:")
    assert str(info.value) == ("model:" + err[len("-e:"):]).rstrip("\n")
    line, column = err.split(":")[1:3]
    assert (info.value.line, info.value.column) == (int(line), int(column))


def test_line_and_column_point_into_the_model():
    with pytest.raises(matcalc.InputError) as info:
        matcalc.Model("w, x : vector(n)\nb : scalar\nf = w * x + b")
    e = info.value
    assert (e.line, e.column) == (3, 7)
    assert str(e).startswith("model:3:7: error: ")
    assert "\n  f = w * x + b\n" in str(e) and "^" in str(e)


def test_a_file_names_itself():
    path = LECTURE / "relu_mse.mc"
    with pytest.raises(matcalc.InputError) as info:
        matcalc.Model.from_file(path).derive("q")
    assert str(info.value).startswith(f"{path}: error: wrt 'q': the model has no symbol named 'q'")
    assert info.value.line is None and info.value.column is None
    with pytest.raises(matcalc.InputError):
        matcalc.Model.from_file(LECTURE / "no_such_file.mc")


@pytest.mark.parametrize("call", [
    lambda m: m.derive("q"),
    lambda m: m.derive("w", of="nope"),
    lambda m: m.derive("f"),
    lambda m: m.gradient("q", AT),
    lambda m: m.value({"w": [1.0, 2.0], "x": [3.0, 4.0, 5.0], "b": 0.5}),  # n is 2 and 3
    lambda m: m.value({"w": [1.0, 2.0], "x": [3.0, 4.0]}),  # no b
    lambda m: m.value({"w": [[[1.0]]], "x": [3.0], "b": 0.5}),  # 3-D
    lambda m: m.value({"w": ["a", "b"], "x": [3.0, 4.0], "b": 0.5}),
    lambda m: m.value({"w": [1.0, float("nan")], "x": [3.0, 4.0], "b": 0.5}),
    lambda m: m.value({"w": [[1.0, 2.0], [3.0, 4.0]], "x": [3.0, 4.0], "b": 0.5}),  # a matrix for a vector
    lambda m: m.value({"w": [1.0, 2.0], "x": [3.0, 4.0], "b": [0.5, 1.0]}),  # a vector for a scalar
    lambda m: m.value({3: 1.0}),
    lambda m: m.value([1, 2]),
    lambda m: m.value("{not json"),
    lambda m: m.value("/no/such/values.json"),
    lambda m: m.codegen("w", lang="fortran"),
    lambda m: m.codegen("w", lang=3),
    lambda m: m.check("w", points=0),
    lambda m: m.check("w", seed=-1),
    lambda m: m.hessian("w", {"w": [1.0], "x": [1.0], "b": 0.0}, of="nope"),
    lambda m: matcalc.Model("x : vector(n); f = 2*x").gradient("x", {"x": [1.0, 2.0]}),  # not scalar
    lambda m: matcalc.Model("x : vector(n); f = 2*x").hessian("x", {"x": [1.0, 2.0]}),
])
def test_bad_calls_raise_input_error(call):
    m = matcalc.Model(NEURON)
    with pytest.raises(matcalc.InputError) as info:
        call(m)
    assert "error: " in str(info.value)


def test_errors_in_values_have_no_model_position():
    m = matcalc.Model(NEURON)
    with pytest.raises(matcalc.InputError) as info:
        m.value({"w": [1.0, 2.0], "x": [3.0, 4.0, 5.0], "b": 0.5})
    assert info.value.line is None and info.value.column is None
    assert str(info.value).startswith("at:")


def test_the_model_survives_its_errors():
    m = matcalc.Model(NEURON)
    for _ in range(3):
        with pytest.raises(matcalc.InputError):
            m.derive("q")
    assert m.derive("w").unicode == "step(w·x + b) xᵀ"


def test_deep_nesting_is_an_answer_or_an_input_error():
    deep = "x : scalar; f = " + "sin(" * 20000 + "x" + ")" * 20000
    try:
        matcalc.Model(deep).derive("x")
    except matcalc.InputError:
        pass
    chain = "x : scalar; a0 = x\n" + "".join(f"a{i + 1} = sin(a{i})\n" for i in range(3000))
    d = matcalc.Model(chain).derive("x")
    assert d.shape == (1, 1)


def test_text_that_is_not_utf8():
    for text in ["x\udcff : scalar; f = x", b"x : scalar; f = x\xff"]:
        with pytest.raises(matcalc.InputError) as info:
            matcalc.Model(text)
        assert info.value.line == 1


def test_wrong_python_types():
    with pytest.raises(TypeError):
        matcalc.Model(3)
    with pytest.raises(TypeError):
        matcalc.Model(NEURON).derive(3)
    with pytest.raises(TypeError):
        matcalc.Model(NEURON).jacobian(["w"], AT)
