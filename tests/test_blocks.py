"""Blocks for deep networks: LayerNorm, Residual and DeepNet, each gradient-checked by finite differences."""

import numpy as np
import pytest

from mlcore import ActivationLayer, Linear, fit, losses, optim
from mlcore.blocks import DeepNet, LayerNorm, Residual

from _reference import centred_differences, rel_error


def _vjp_check(layer, X, rng):
    """Check dJ/dX and every parameter gradient of J = sum(layer(X) * U) against centred differences."""
    U = rng.standard_normal(layer.forward(X).shape)

    def J():
        return float(np.sum(layer.forward(X) * U))

    layer.forward(X)
    grad_X = layer.backward(U)
    analytic = [p_grad.copy() for p_grad in layer.grads()]
    assert rel_error(grad_X, centred_differences(J, X)) < 1e-7
    for p, g in zip(layer.params(), analytic):
        assert rel_error(g, centred_differences(J, p)) < 1e-7


# ---------------------------------------------------------------------------------------------
# LayerNorm
# ---------------------------------------------------------------------------------------------
def test_layernorm_worked_example():
    # row (1, 2, 3): mean 2, variance 2/3, so x_hat = (-1, 0, 1) / sqrt(2/3 + eps)
    layer = LayerNorm(3, eps=0.0 + 1e-12)
    Y = layer.forward(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(Y, [[-np.sqrt(1.5), 0.0, np.sqrt(1.5)]], rtol=1e-9)


def test_layernorm_rows_have_mean_0_and_variance_1_before_gamma_beta():
    rng = np.random.default_rng(0)
    X = 5 + 3 * rng.standard_normal((6, 8))
    Y = LayerNorm(8).forward(X)
    np.testing.assert_allclose(Y.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(Y.var(axis=1), 1, rtol=1e-5)


def test_layernorm_is_invariant_to_the_scale_and_shift_of_each_row():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, 5))
    layer = LayerNorm(5, eps=1e-12)
    np.testing.assert_allclose(layer.forward(3.0 * X + 7.0), layer.forward(X), atol=1e-9)


def test_layernorm_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    layer = LayerNorm(5)
    layer.gamma[:] = rng.standard_normal(5)
    layer.beta[:] = rng.standard_normal(5)
    _vjp_check(layer, rng.standard_normal((4, 5)), rng)


def test_layernorm_rejects_bad_input():
    with pytest.raises(ValueError, match="features"):
        LayerNorm(3).forward(np.ones((2, 4)))
    with pytest.raises(RuntimeError, match="before forward"):
        LayerNorm(3).backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="eps"):
        LayerNorm(3, eps=0.0)


# ---------------------------------------------------------------------------------------------
# Residual
# ---------------------------------------------------------------------------------------------
def test_residual_adds_the_input_to_the_branch():
    rng = np.random.default_rng(3)
    linear = Linear(4, 4, rng=3)
    block = Residual([ActivationLayer("tanh"), linear])
    X = rng.standard_normal((5, 4))
    np.testing.assert_allclose(block.forward(X), X + np.tanh(X) @ linear.W.T + linear.b)


def test_residual_jacobian_is_identity_plus_branch_jacobian():
    rng = np.random.default_rng(4)
    linear = Linear(3, 3, rng=4)
    block = Residual([ActivationLayer("tanh"), linear])
    x = rng.standard_normal((1, 3))
    block.forward(x)
    J = np.vstack([block.backward(e[None, :])[0] for e in np.eye(3)])   # rows: e_i^T dy/dx
    expected = np.eye(3) + linear.W * (1 - np.tanh(x[0]) ** 2)           # I + W diag(phi'(x))
    np.testing.assert_allclose(J, expected, rtol=1e-12)


def test_residual_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    block = Residual([LayerNorm(4), ActivationLayer("tanh"), Linear(4, 4, rng=5)])
    block.layers[0].gamma[:] = 1 + 0.3 * rng.standard_normal(4)
    _vjp_check(block, rng.standard_normal((3, 4)), rng)


def test_residual_needs_a_branch_that_keeps_the_shape():
    with pytest.raises(ValueError, match="at least one"):
        Residual([])
    with pytest.raises(ValueError, match="keep the shape"):
        Residual([Linear(3, 2)]).forward(np.ones((2, 3)))


# ---------------------------------------------------------------------------------------------
# DeepNet
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("norm, residual", [(None, False), ("layer", False), (None, True), ("layer", True)])
def test_deepnet_gradients_match_finite_differences(norm, residual):
    rng = np.random.default_rng(6)
    net = DeepNet((3, 5, 2), 3, "tanh", norm=norm, residual=residual, rng=6)
    X = rng.standard_normal((4, 3))
    U = rng.standard_normal((4, 2))

    def J():
        return float(np.sum(net.forward(X) * U))

    net.forward(X)
    grad_X = net.backward(U)
    analytic = [g.copy() for g in net.grads()]
    assert rel_error(grad_X, centred_differences(J, X)) < 1e-7
    assert len(analytic) == len(net.params())
    for p, g in zip(net.params(), analytic):
        assert g.shape == p.shape
        assert rel_error(g, centred_differences(J, p)) < 1e-7


def test_deepnet_layout_and_grad_norms():
    net = DeepNet((2, 8, 3), 4, "relu", init="he", norm="layer", residual=True)
    assert len(net.linears) == 4 + 2
    assert net.linears[0].W.shape == (8, 2) and net.linears[-1].W.shape == (3, 8)
    X = np.random.default_rng(7).standard_normal((10, 2))
    y = np.arange(10) % 3
    value, grad = losses.cross_entropy.value_and_grad(net.forward(X), y)
    net.backward(grad)
    norms = net.grad_norms()
    assert norms.shape == (6,)
    np.testing.assert_allclose(norms, [np.linalg.norm(lin.dW) for lin in net.linears])


def test_plain_deepnet_without_norm_is_an_mlp():
    """A plain DeepNet is Linear -> phi -> (Linear -> phi) x depth -> Linear, an MLP of depth + 2 layers."""
    from mlcore import MLP
    net = DeepNet((2, 6, 3), 3, "tanh", rng=8)
    mlp = MLP([2, 6, 6, 6, 6, 3], "tanh", init="xavier", rng=8)
    X = np.random.default_rng(8).standard_normal((5, 2))
    np.testing.assert_allclose(net.forward(X), mlp.forward(X), rtol=1e-12)


def test_deepnet_trains_with_fit():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((60, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    net = DeepNet((2, 16, 2), 4, "relu", init="he", norm="layer", residual=True, rng=9)
    history = fit(net, losses.cross_entropy, optim.Adam(net.params(), lr=0.01), X, y, epochs=60,
                  batch_size=20, rng=9, progress=False)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert net.training is False


def test_deepnet_rejects_bad_arguments():
    with pytest.raises(ValueError, match="sizes"):
        DeepNet((2, 3), 2)
    with pytest.raises(ValueError, match="depth"):
        DeepNet((2, 3, 1), 0)
    with pytest.raises(ValueError, match="norm"):
        DeepNet((2, 3, 1), 2, norm="batch")
    with pytest.raises(ValueError, match="features"):
        DeepNet((2, 3, 1), 2).forward(np.ones((4, 3)))
