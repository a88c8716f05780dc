"""Model.compare: a claimed derivative against matcalc's (docs/compare.md)."""
import pytest

import matcalc

NEURON = "w, a : vector(k); w0, y : scalar; z = w·a + w0; yhat = sigmoid(z); L = bce(yhat, y)"


def test_right_claims_in_both_layouts():
    m = matcalc.Model(NEURON)
    r = m.compare("w", "(yhat - y) a")
    assert r.equal and r.compared_as == "gradient" and r.diagnosis is None and r.symbolic
    r = m.compare("w", "(σ(z) − y) aᵀ")
    assert r.equal and r.compared_as == "jacobian"


def test_wrong_claims_are_diagnosed():
    m = matcalc.Model(NEURON)
    r = m.compare("w", "(y - yhat) a")
    assert not r.equal and r.diagnosis == "the wrong sign" and r.max_error > 1
    r = m.compare("w", "2(yhat - y) a", points=3, seed=7)
    assert r.diagnosis == "off by a constant factor: 2 times the derivative" and r.points == 3
    r = matcalc.Model("x : scalar; f = x*sin(x)").compare("x", "x cos(x)")
    assert r.diagnosis == "a term missing: sin(x)"


def test_claim_errors_are_located_in_the_claim():
    m = matcalc.Model(NEURON)
    with pytest.raises(matcalc.InputError) as e:
        m.compare("w", "(yhat - y) q")
    assert str(e.value).startswith("claim:1:12: error: unknown name 'q'")
    # line and column are the model's (docs: None when the error is not in the model text)
    assert (e.value.line, e.value.column) == (None, None)
    with pytest.raises(matcalc.InputError) as e:
        m.compare("w", "[a; a]")
    assert "the claim is 2*k × 1" in str(e.value)
