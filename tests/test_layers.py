"""Layers: Linear computes z = W x + b for every row; Dropout is inverted dropout."""

import numpy as np
import pytest

from mlcore import ActivationLayer, Dropout, Linear

from _reference import centred_differences, rel_error


# ---------------------------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------------------------
def test_linear_shapes_follow_the_lectures_layout():
    layer = Linear(3, 2)
    assert layer.W.shape == (2, 3)          # (n_out, n_in): W[k, j] is w_kj, from unit j to unit k
    assert layer.b.shape == (2,)
    np.testing.assert_array_equal(layer.b, 0.0)
    assert layer.params()[0] is layer.W and layer.params()[1] is layer.b


def test_linear_forward_is_W_x_plus_b_row_by_row():
    layer = Linear(3, 2, rng=1)
    layer.b[:] = [0.5, -1.0]
    X = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5], [2.0, 0.0, 0.0], [-1.0, 1.0, -1.0]])
    Z = layer.forward(X)
    assert Z.shape == (4, 2)
    for n in range(4):                       # one example at a time: z_k = sum_j w_kj x_j + b_k
        for k in range(2):
            z_k = sum(layer.W[k, j] * X[n, j] for j in range(3)) + layer.b[k]
            assert Z[n, k] == pytest.approx(z_k, rel=1e-14, abs=1e-15)


def test_linear_worked_example_with_chosen_weights():
    layer = Linear(2, 2)
    layer.W[:] = [[1.0, 2.0], [-1.0, 0.5]]
    layer.b[:] = [0.1, 0.2]
    # z = W x + b with x = (3, 4): (1*3 + 2*4 + 0.1, -1*3 + 0.5*4 + 0.2) = (11.1, -0.8)
    np.testing.assert_allclose(layer.forward(np.array([3.0, 4.0])), [11.1, -0.8])


def test_linear_single_example_gives_a_vector():
    layer = Linear(3, 4, rng=2)
    x = np.array([0.3, -0.2, 1.0])
    z = layer.forward(x)
    assert z.shape == (4,)
    np.testing.assert_allclose(z, layer.W @ x + layer.b, rtol=1e-14)
    dx = layer.backward(np.ones(4))
    assert dx.shape == (3,)
    np.testing.assert_allclose(dx, layer.W.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(layer.dW, np.outer(np.ones(4), x), rtol=1e-14)   # delta x^T


def test_linear_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    layer = Linear(4, 3, rng=rng)
    layer.b[:] = rng.normal(size=3)
    X = rng.normal(size=(5, 4))
    G = rng.normal(size=(5, 3))              # upstream dJ/dZ for J = sum(G * Z)

    def J():
        return float(np.sum(layer.forward(X) * G))

    layer.forward(X)
    dX = layer.backward(G)
    dW, db = layer.dW.copy(), layer.db.copy()
    assert dW.shape == layer.W.shape and db.shape == layer.b.shape and dX.shape == X.shape
    assert rel_error(dW, centred_differences(J, layer.W)) < 1e-7
    assert rel_error(db, centred_differences(J, layer.b)) < 1e-7
    assert rel_error(dX, centred_differences(J, X)) < 1e-7
    # and the closed forms, summed over the batch by an explicit loop
    dW_loop = sum(np.outer(G[n], X[n]) for n in range(5))
    np.testing.assert_allclose(dW, dW_loop, rtol=1e-13)
    np.testing.assert_allclose(db, G.sum(axis=0), rtol=1e-13)


def test_linear_backward_without_input_grad_still_stores_parameter_grads():
    layer = Linear(2, 2, rng=0)
    layer.forward(np.ones((3, 2)))
    assert layer.backward(np.ones((3, 2)), input_grad=False) is None
    np.testing.assert_allclose(layer.dW, np.full((2, 2), 3.0))


def test_linear_float32_stays_float32():
    layer = Linear(3, 2, dtype=np.float32)
    assert layer.W.dtype == layer.b.dtype == np.float32
    Z = layer.forward(np.ones((4, 3)))          # float64 input is cast to the layer's dtype
    assert Z.dtype == np.float32
    dX = layer.backward(np.ones((4, 2)))
    assert dX.dtype == layer.dW.dtype == layer.db.dtype == np.float32


@pytest.mark.parametrize("init, check", [
    ("zeros", lambda W: np.all(W == 0)),
    ("small", lambda W: np.abs(W).max() < 0.1),
    ("xavier", lambda W: abs(W.std() - np.sqrt(2 / (200 + 300))) < 0.005),
    ("he", lambda W: abs(W.std() - np.sqrt(2 / 200)) < 0.005),
])
def test_linear_initialisers(init, check):
    layer = Linear(200, 300, init=init, rng=0)
    assert check(layer.W)
    np.testing.assert_array_equal(layer.b, 0.0)


def test_linear_is_reproducible_from_its_seed():
    np.testing.assert_array_equal(Linear(3, 4, rng=7).W, Linear(3, 4, rng=7).W)
    assert not np.array_equal(Linear(3, 4, rng=7).W, Linear(3, 4, rng=8).W)


def test_linear_backward_before_forward_is_an_error():
    with pytest.raises(RuntimeError, match="before forward"):
        Linear(2, 2).backward(np.ones((1, 2)))


# ---------------------------------------------------------------------------------------------
# ActivationLayer
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "softmax"])
def test_activation_layer_backward_matches_finite_differences(name):
    rng = np.random.default_rng(4)
    layer = ActivationLayer(name)
    Z = rng.normal(size=(3, 4))
    G = rng.normal(size=(3, 4))
    layer.forward(Z)
    dZ = layer.backward(G)
    assert rel_error(dZ, centred_differences(lambda: float(np.sum(layer.forward(Z) * G)), Z)) < 1e-7


# ---------------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------------
def test_dropout_eval_is_the_identity():
    layer = Dropout(0.5, rng=0).eval()
    X = np.random.default_rng(0).normal(size=(4, 6))
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(layer.backward(np.ones((4, 6))), np.ones((4, 6)))


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_train_zeroes_about_p_of_the_units_and_scales_the_rest(p):
    layer = Dropout(p, rng=0)
    X = np.ones((200, 100))
    out = layer.forward(X)
    dropped = np.mean(out == 0)
    # 20 000 Bernoulli(p) draws: the standard error is sqrt(p (1 - p) / 20000) < 0.0036; allow 5 of them
    assert abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / X.size)
    survivors = out[out != 0]
    np.testing.assert_allclose(survivors, 1 / (1 - p), rtol=1e-12)   # inverted scaling


def test_dropout_preserves_the_expected_value():
    layer = Dropout(0.3, rng=1)
    x = np.array([[1.0, -2.0, 3.0, 0.5]])
    masks_applied = np.array([layer.forward(x)[0] for _ in range(20000)])
    # mean of a / (1 - p) * Bernoulli(1 - p) over many masks -> a
    se = np.abs(x[0]) * np.sqrt(0.3 / 0.7 / 20000)
    assert np.all(np.abs(masks_applied.mean(axis=0) - x[0]) < 5 * se)


def test_dropout_backward_uses_the_same_mask():
    layer = Dropout(0.5, rng=2)
    X = np.arange(1.0, 25.0).reshape(4, 6)
    out = layer.forward(X)
    G = np.random.default_rng(3).normal(size=(4, 6))
    dX = layer.backward(G)
    mask = out / X                          # 0 or 2 for every unit
    assert set(np.unique(mask)) <= {0.0, 2.0}
    np.testing.assert_allclose(dX, G * mask, rtol=1e-14)
    np.testing.assert_array_equal(dX == 0, out == 0)


def test_dropout_new_mask_each_forward_and_reproducible_from_seed():
    X = np.ones((10, 10))
    a = Dropout(0.5, rng=5)
    first, second = a.forward(X), a.forward(X)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(Dropout(0.5, rng=5).forward(X), first)


def test_dropout_p_zero_is_the_identity_in_training():
    X = np.random.default_rng(0).normal(size=(3, 3))
    np.testing.assert_array_equal(Dropout(0.0).forward(X), X)


def test_dropout_float32_stays_float32():
    layer = Dropout(0.5, rng=0)
    out = layer.forward(np.ones((5, 5), dtype=np.float32))
    assert out.dtype == np.float32
    assert layer.backward(np.ones((5, 5), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("p", [1.0, 1.5, -0.1, float("nan")])
def test_dropout_p_outside_zero_one_raises(p):
    with pytest.raises(ValueError, match=r"p must be .*in \[0\.0, 1\.0\)"):
        Dropout(p)
