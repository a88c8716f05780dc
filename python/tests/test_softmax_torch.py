"""softmax(Z, 1) and softmax(Z, 2), and log_softmax, against PyTorch's softmax(dim=0) and
softmax(dim=1): values, gradients and Hessians, with PyTorch's autograd as the oracle."""
import numpy as np
import pytest
import torch

import matcalc

CASES = [  # (matcalc axis, PyTorch dim)
    (1, 0),
    (2, 1),
]


@pytest.mark.parametrize("axis,dim", CASES)
@pytest.mark.parametrize("function", ["softmax", "log_softmax"])
def test_values_and_gradients_match_pytorch(axis, dim, function):
    rng = np.random.default_rng(axis)
    Z, W = rng.normal(size=(3, 4)) * 3, rng.normal(size=(3, 4))
    m = matcalc.Model(f"Z, W : matrix(m, n); f = sum(W ⊙ {function}(Z, {axis}))")
    at = {"Z": Z, "W": W}
    z = torch.tensor(Z, requires_grad=True)
    f = (torch.tensor(W) * getattr(torch, function)(z, dim=dim)).sum()
    (gradient,) = torch.autograd.grad(f, z)
    assert m.value(at) == pytest.approx(f.item(), rel=1e-13, abs=1e-13)
    np.testing.assert_allclose(m.gradient("Z", at), gradient.numpy(), rtol=1e-12, atol=1e-13)
    # The Hessian over vec(Z) (columns stacked) against autograd's, reordered to vec order.
    hessian = torch.autograd.functional.hessian(
        lambda v: (torch.tensor(W) * getattr(torch, function)(v.reshape(4, 3).T, dim=dim)).sum(),
        torch.tensor(Z.T.reshape(-1)))
    np.testing.assert_allclose(m.hessian("Z", at), hessian.numpy(), rtol=1e-10, atol=1e-12)


def test_the_softmax_of_a_matrix_needs_its_axis():
    with pytest.raises(matcalc.InputError) as e:
        matcalc.Model("Z : matrix(m, n); f = sum(softmax(Z))")
    assert "needs an axis" in str(e.value) and "softmax(Z, 1)" in str(e.value)
