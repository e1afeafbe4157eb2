"""The MLP: parameter counts from the lectures, back-propagation and the Jacobian view."""

import numpy as np
import pytest

from mlcore import MLP, Dropout, losses
from mlcore.activations import sigmoid, softmax

from _reference import centred_differences, rel_error


def numerical_jacobian(f, x, h=1e-5):
    """Column j = (f(x + h e_j) - f(x - h e_j)) / 2h."""
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(cols, axis=1)


# ---------------------------------------------------------------------------------------------
# Parameter counts (seed 001) and layout
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes, count", [
    ([3, 4, 2], 26),            # (4 x 4) + (5 x 2): weights plus a bias per unit
    ([3, 4, 3, 2], 39),         # (4 x 4) + (5 x 3) + (4 x 2)
    ([4, 8, 6, 4, 2], 132),     # 5*8 + 9*6 + 7*4 + 5*2
])
def test_parameter_counts_of_the_lecture_networks(sizes, count):
    assert MLP(sizes).n_params == count
    by_hand = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    assert by_hand == count


@pytest.mark.parametrize("n", [1, 2, 7, 30])
def test_parameter_count_n_4_5_5_4_is_4n_plus_83(n):
    assert MLP([n, 4, 5, 5, 4]).n_params == 4 * n + 83


def test_params_and_grads_order_and_shapes():
    model = MLP([3, 4, 5, 2], "tanh", rng=0)
    shapes = [(4, 3), (4,), (5, 4), (5,), (2, 5), (2,)]
    assert [p.shape for p in model.params()] == shapes
    model.forward(np.ones((6, 3)))
    model.backward(np.ones((6, 2)))
    assert [g.shape for g in model.grads()] == shapes
    # params() are the live arrays [W1, b1, W2, b2, W3, b3]
    lin = model.linears
    expected = [lin[0].W, lin[0].b, lin[1].W, lin[1].b, lin[2].W, lin[2].b]
    assert all(p is q for p, q in zip(model.params(), expected))


def test_forward_is_the_lectures_composition_layer_by_layer():
    model = MLP([3, 4, 3, 2], "tanh", output="sigmoid", rng=3)
    for layer in model.linears:
        layer.b[:] = np.linspace(-0.5, 0.5, layer.n_out)
    x = np.array([0.5, -1.0, 2.0])
    (W1, b1), (W2, b2), (W3, b3) = [(lin.W, lin.b) for lin in model.linears]
    a1 = np.tanh(W1 @ x + b1)
    a2 = np.tanh(W2 @ a1 + b2)
    y_hat = 1 / (1 + np.exp(-(W3 @ a2 + b3)))
    np.testing.assert_allclose(model.forward(x), y_hat, rtol=1e-13)
    np.testing.assert_allclose(model.forward(np.stack([x, x]))[1], y_hat, rtol=1e-13)


def test_forward_on_1d_x_gives_a_vector():
    model = MLP([3, 5, 2], rng=1)
    x = np.array([0.1, 0.2, -0.3])
    out = model.forward(x)
    assert out.shape == (2,)
    np.testing.assert_allclose(out, model.forward(x[None, :])[0], rtol=1e-15)
    model.forward(x)
    dx = model.backward(np.array([1.0, 0.0]))
    assert dx.shape == (3,)


def test_float32_model_outputs_float32():
    model = MLP([3, 4, 2], "tanh", output="softmax", dtype=np.float32)
    assert all(p.dtype == np.float32 for p in model.params())
    out = model.forward(np.ones((5, 3)))
    assert out.dtype == np.float32
    dX = model.backward(np.ones((5, 2)))
    assert dX.dtype == np.float32
    assert all(g.dtype == np.float32 for g in model.grads())


# ---------------------------------------------------------------------------------------------
# Back-propagation against finite differences (float64)
# ---------------------------------------------------------------------------------------------
def _targets(kind, rng, n, k):
    if kind == "regression":
        return rng.normal(size=(n, k))
    if kind == "labels":
        return rng.integers(0, k, n)
    if kind == "probabilities":
        return np.eye(k)[rng.integers(0, k, n)]
    raise AssertionError(kind)


CONFIGS = [
    # (hidden activation, output, loss, target kind)
    ("tanh", None, losses.mse, "regression"),
    ("sigmoid", "identity", losses.huber, "regression"),
    ("elu", None, losses.mse, "regression"),
    ("leaky_relu", None, losses.mae, "regression"),
    ("tanh", "softmax", losses.mse, "probabilities"),
    ("sigmoid", "softmax", losses.binary_cross_entropy, "probabilities"),
    ("tanh", "sigmoid", losses.binary_cross_entropy, "probabilities"),
    ("tanh", None, losses.cross_entropy, "labels"),
    ("relu", None, losses.cross_entropy, "labels"),
    ("elu", None, losses.hinge, "labels"),
]


@pytest.mark.parametrize("activation, output, loss, kind", CONFIGS,
                         ids=[f"{a}-{o}-{l.name}" for a, o, l, _ in CONFIGS])
def test_every_parameter_gradient_matches_finite_differences(activation, output, loss, kind):
    rng = np.random.default_rng(11)
    model = MLP([3, 5, 4, 3], activation, output=output, rng=rng)
    for layer in model.linears:
        layer.b[:] = rng.normal(scale=0.3, size=layer.b.shape)
    X = rng.normal(size=(6, 3))
    y = _targets(kind, rng, 6, 3)

    value, grad = loss.value_and_grad(model.forward(X), y)
    dX = model.backward(grad)

    def J():
        return loss(model.forward(X), y)

    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    for name, p, g in zip(names, model.params(), model.grads()):
        assert g.shape == p.shape
        err = rel_error(g, centred_differences(J, p))
        assert err < 1e-7, f"{name}: relative error {err:.2e}"
    assert rel_error(dX, centred_differences(J, X)) < 1e-7


def test_backward_with_input_grad_false_returns_none_and_same_grads():
    model = MLP([2, 3, 2], "tanh", rng=0)
    X = np.array([[0.5, -1.0], [1.0, 2.0]])
    model.forward(X)
    model.backward(np.ones((2, 2)))
    reference = [g.copy() for g in model.grads()]
    model.forward(X)
    assert model.backward(np.ones((2, 2)), input_grad=False) is None
    for g, r in zip(model.grads(), reference):
        np.testing.assert_array_equal(g, r)


# ---------------------------------------------------------------------------------------------
# Jacobian, JVP and VJP
# ---------------------------------------------------------------------------------------------
JAC_MODELS = [
    dict(sizes=[3, 5, 2], activation="tanh"),
    dict(sizes=[4, 6, 5, 3], activation="sigmoid", output="softmax"),
    dict(sizes=[2, 4, 4], activation="elu", output="sigmoid"),
]


@pytest.mark.parametrize("config", JAC_MODELS, ids=lambda c: "-".join(map(str, c["sizes"])))
def test_jacobian_forward_equals_reverse_equals_finite_differences(config):
    model = MLP(config["sizes"], config["activation"], output=config.get("output"), rng=4)
    x = np.random.default_rng(5).normal(size=config["sizes"][0])
    J_fwd = model.jacobian(x, mode="forward")
    J_rev = model.jacobian(x, mode="reverse")
    J_num = numerical_jacobian(lambda v: model.forward(v), x)
    assert J_fwd.shape == (config["sizes"][-1], config["sizes"][0])
    np.testing.assert_allclose(J_fwd, J_rev, rtol=1e-12, atol=1e-14)
    assert rel_error(J_fwd, J_num) < 1e-7


def test_jacobian_of_a_linear_network_is_the_product_of_weights():
    model = MLP([3, 4, 2], "identity", rng=6)
    W1, W2 = model.linears[0].W, model.linears[1].W
    np.testing.assert_allclose(model.jacobian(np.zeros(3)), W2 @ W1, rtol=1e-14)


@pytest.mark.parametrize("config", JAC_MODELS, ids=lambda c: "-".join(map(str, c["sizes"])))
def test_jvp_with_basis_vector_is_a_column_and_vjp_is_a_row(config):
    model = MLP(config["sizes"], config["activation"], output=config.get("output"), rng=7)
    n_in, n_out = config["sizes"][0], config["sizes"][-1]
    x = np.random.default_rng(8).normal(size=n_in)
    J = numerical_jacobian(lambda v: model.forward(v), x)
    for j in range(n_in):
        assert rel_error(model.jvp(x, np.eye(n_in)[j]), J[:, j]) < 1e-7
    for i in range(n_out):
        assert rel_error(model.vjp(x, np.eye(n_out)[i]), J[i, :]) < 1e-7


def test_batched_jvp_and_vjp():
    model = MLP([4, 6, 3], "tanh", output="softmax", rng=9)
    x = np.array([0.2, -0.4, 1.0, 0.3])
    J = model.jacobian(x)
    rng = np.random.default_rng(10)
    V = rng.normal(size=(5, 4))          # 5 tangent vectors as rows
    U = rng.normal(size=(2, 3))          # 2 cotangent vectors as rows
    jvps, vjps = model.jvp(x, V), model.vjp(x, U)
    assert jvps.shape == (5, 3) and vjps.shape == (2, 4)
    for k in range(5):
        np.testing.assert_allclose(jvps[k], J @ V[k], rtol=1e-12, atol=1e-14)
    for k in range(2):
        np.testing.assert_allclose(vjps[k], U[k] @ J, rtol=1e-12, atol=1e-14)
    # identity of the two products: u . (J v) = (u J) . v
    assert U[0] @ model.jvp(x, V[0]) == pytest.approx(model.vjp(x, U[0]) @ V[0], rel=1e-12)


def test_vjp_is_the_input_gradient_of_backprop():
    model = MLP([3, 4, 2], "sigmoid", rng=12)
    x = np.array([1.0, -0.5, 0.25])
    u = np.array([0.3, -2.0])
    model.forward(x)
    np.testing.assert_allclose(model.vjp(x, u), model.backward(u), rtol=1e-13)


def test_softmax_output_jacobian_uses_diag_p_minus_p_pT():
    model = MLP([2, 3], "identity", output="softmax", rng=13)
    x = np.array([0.5, -1.5])
    W, b = model.linears[0].W, model.linears[0].b
    p = softmax(W @ x + b)
    np.testing.assert_allclose(model.jacobian(x), (np.diag(p) - np.outer(p, p)) @ W, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# Dropout, modes and state
# ---------------------------------------------------------------------------------------------
def test_dropout_mlp_eval_is_deterministic_and_train_is_not():
    model = MLP([4, 32, 32, 2], "relu", dropout=0.5, rng=0)
    assert sum(isinstance(layer, Dropout) for layer in model.layers) == 2
    X = np.random.default_rng(1).normal(size=(8, 4))
    train_a, train_b = model.forward(X), model.forward(X)
    assert not np.allclose(train_a, train_b)
    model.eval()
    np.testing.assert_array_equal(model.forward(X), model.forward(X))
    # evaluation mode equals the same network without dropout
    plain = MLP([4, 32, 32, 2], "relu", rng=0)
    plain.load_state(model.state())
    np.testing.assert_allclose(model.forward(X), plain.forward(X), rtol=1e-14)
    model.train()
    assert model.training and all(layer.training for layer in model.layers)


def test_dropout_mlp_jacobian_treats_dropout_as_off_and_keeps_training_mode():
    model = MLP([3, 6, 2], "tanh", dropout=0.5, rng=2)
    plain = MLP([3, 6, 2], "tanh", rng=2)
    plain.load_state(model.state())
    x = np.array([0.1, 0.2, 0.3])
    np.testing.assert_allclose(model.jacobian(x), plain.jacobian(x), rtol=1e-14)
    assert model.training


def test_dropout_mlp_backward_matches_finite_differences_with_a_fixed_mask():
    model = MLP([3, 6, 2], "tanh", dropout=0.3, rng=3)
    dropout = next(layer for layer in model.layers if isinstance(layer, Dropout))
    X = np.random.default_rng(4).normal(size=(4, 3))
    y = np.random.default_rng(5).normal(size=(4, 2))

    def forward_with_the_same_mask():
        dropout.rng = np.random.default_rng(99)      # every call draws the identical mask
        return model.forward(X)

    out = forward_with_the_same_mask()
    assert np.any(dropout._mask == 0)
    # written out: a = tanh(X W1^T + b1) * mask; y_hat = a W2^T + b2
    (W1, b1), (W2, b2) = [(lin.W, lin.b) for lin in model.linears]
    np.testing.assert_allclose(out, (np.tanh(X @ W1.T + b1) * dropout._mask) @ W2.T + b2, rtol=1e-13)
    model.backward(losses.mse.grad(out, y))

    def J():
        return losses.mse(forward_with_the_same_mask(), y)

    for p, g in zip(model.params(), model.grads()):
        assert rel_error(g, centred_differences(J, p)) < 1e-7


def test_state_and_load_state():
    model = MLP([2, 3, 1], rng=0)
    saved = model.state()
    assert all(s is not p for s, p in zip(saved, model.params()))
    X = np.array([[0.5, 1.0]])
    before = model.forward(X).copy()
    live = model.params()
    for p in live:
        p += 1.0
    assert not np.allclose(model.forward(X), before)
    model.load_state(saved)
    np.testing.assert_array_equal(model.forward(X), before)
    assert all(p is q for p, q in zip(model.params(), live))   # loaded in place


def test_sigmoid_output_is_a_probability():
    model = MLP([2, 4, 1], "tanh", output="sigmoid", rng=0)
    out = model.forward(np.random.default_rng(0).normal(size=(10, 2)) * 10)
    assert np.all((out > 0) & (out < 1))
    z = model.linears[-1].forward(np.tanh(model.linears[0].forward(np.zeros((1, 2)))))
    np.testing.assert_allclose(model.forward(np.zeros((1, 2))), sigmoid(z), rtol=1e-14)


def test_repr_and_summary_mention_the_counts():
    model = MLP([3, 4, 2])
    assert "n_params=26" in repr(model)
    assert model.summary().splitlines()[-1].split()[-1] == "26"


def test_jacobian_view_between_forward_and_backward_leaves_backprop_intact():
    # A learner may inspect J(x) after a forward pass and then call backward: the gradients
    # must be those of the forward pass, not of the point the Jacobian was taken at.
    rng = np.random.default_rng(14)
    X = rng.normal(size=(5, 3))
    G = rng.normal(size=(5, 2))
    for batch in (X, X[:1]):
        reference = MLP([3, 4, 2], "tanh", dropout=0.3, rng=0)
        model = MLP([3, 4, 2], "tanh", dropout=0.3, rng=0)
        reference.forward(batch)
        dX_ref = reference.backward(G[:len(batch)])
        model.forward(batch)
        model.jacobian(X[3])
        model.jvp(X[3], np.ones(3))
        model.vjp(X[3], np.ones(2))
        dX = model.backward(G[:len(batch)])
        np.testing.assert_allclose(dX, dX_ref, rtol=1e-14)
        for g, r in zip(model.grads(), reference.grads()):
            np.testing.assert_allclose(g, r, rtol=1e-14)
        assert model.training
