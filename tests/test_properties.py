"""Property-based tests over random shapes (N 1..8, widths 1..6) and both float dtypes."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcore import MLP, Linear, activations, losses, optim

N = st.integers(1, 8)
WIDTH = st.integers(1, 6)
DTYPE = st.sampled_from([np.float32, np.float64])
SEED = st.integers(0, 2**32 - 1)
ELEMENTWISE = st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity"])
# derandomize: the same examples on every run, so a CI failure is reproducible; no example database
FAST = settings(max_examples=30, deadline=None, database=None, derandomize=True)


def _x(seed, shape, dtype, scale=2.0):
    return (np.random.default_rng(seed).normal(size=shape) * scale).astype(dtype)


@FAST
@given(n=N, n_in=WIDTH, n_out=WIDTH, dtype=DTYPE, seed=SEED)
def test_linear_forward_backward_shapes_and_dtype(n, n_in, n_out, dtype, seed):
    layer = Linear(n_in, n_out, rng=seed, dtype=dtype)
    X = _x(seed, (n, n_in), dtype)
    Z = layer.forward(X)
    assert Z.shape == (n, n_out) and Z.dtype == dtype
    dX = layer.backward(_x(seed + 1, (n, n_out), dtype))
    assert dX.shape == X.shape and dX.dtype == dtype
    assert layer.dW.shape == layer.W.shape and layer.db.shape == layer.b.shape
    assert layer.dW.dtype == layer.db.dtype == dtype
    # z = W x + b for the first row, by an explicit sum
    z0 = [sum(float(layer.W[k, j]) * float(X[0, j]) for j in range(n_in)) + float(layer.b[k]) for k in range(n_out)]
    np.testing.assert_allclose(Z[0], z0, rtol=1e-4 if dtype == np.float32 else 1e-12, atol=1e-5)


@FAST
@given(n=N, sizes=st.lists(WIDTH, min_size=2, max_size=4), activation=ELEMENTWISE,
       output=st.sampled_from([None, "sigmoid", "softmax", "tanh"]), dtype=DTYPE, seed=SEED)
def test_mlp_shapes_dtypes_and_gradient_shapes(n, sizes, activation, output, dtype, seed):
    model = MLP(sizes, activation, output=output, rng=seed, dtype=dtype)
    assert model.n_params == sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    X = _x(seed, (n, sizes[0]), np.float64)          # float64 data is cast to the model's dtype
    out = model.forward(X)
    assert out.shape == (n, sizes[-1]) and out.dtype == dtype
    dX = model.backward(np.ones_like(out))
    assert dX.shape == X.shape and dX.dtype == dtype
    assert [g.shape for g in model.grads()] == [p.shape for p in model.params()]
    assert all(g.dtype == dtype for g in model.grads())
    single = model.forward(X[0])
    assert single.shape == (sizes[-1],) and single.dtype == dtype
    J = model.jacobian(X[0])
    assert J.shape == (sizes[-1], sizes[0]) and J.dtype == dtype


@FAST
@given(n=N, k=WIDTH, dtype=DTYPE, seed=SEED, scale=st.sampled_from([1.0, 10.0, 300.0]))
def test_softmax_rows_sum_to_one(n, k, dtype, seed, scale):
    z = _x(seed, (n, k), dtype, scale)
    p = activations.softmax(z)
    assert p.dtype == dtype and p.shape == (n, k)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-5 if dtype == np.float32 else 1e-12)
    # the largest score gets the largest probability
    np.testing.assert_array_equal(p.argmax(axis=1), z.argmax(axis=1))


@FAST
@given(n=N, k=WIDTH, dtype=DTYPE, seed=SEED,
       loss=st.sampled_from([losses.mse, losses.mae, losses.huber, losses.binary_cross_entropy]))
def test_elementwise_losses_are_non_negative_with_grads_shaped_like_y_hat(n, k, dtype, seed, loss):
    rng = np.random.default_rng(seed)
    if loss is losses.binary_cross_entropy:
        y_hat = rng.uniform(0, 1, (n, k)).astype(dtype)
        y = rng.integers(0, 2, (n, k)).astype(dtype)
    else:
        y_hat, y = _x(seed, (n, k), dtype), _x(seed + 1, (n, k), dtype)
    value = loss(y_hat, y)
    assert isinstance(value, float) and value >= 0 and np.isfinite(value)
    assert loss(y, y) == 0.0 or loss is losses.binary_cross_entropy
    g = loss.grad(y_hat, y)
    assert g.shape == y_hat.shape and g.dtype == dtype and np.all(np.isfinite(g))


@FAST
@given(n=N, k=st.integers(2, 6), dtype=DTYPE, seed=SEED, one_hot=st.booleans())
def test_cross_entropy_non_negative_and_grad_rows_sum_to_zero(n, k, dtype, seed, one_hot):
    z = _x(seed, (n, k), dtype, 3.0)
    labels = np.random.default_rng(seed).integers(0, k, n)
    y = np.eye(k)[labels] if one_hot else labels
    value = losses.cross_entropy(z, y)
    assert value >= 0
    g = losses.cross_entropy.grad(z, y)
    assert g.shape == z.shape and g.dtype == dtype
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-6 if dtype == np.float32 else 1e-15)
    # the true class is pushed up, every other class down
    assert np.all(g[np.arange(n), labels] <= 0)


@FAST
@given(n=N, k=st.integers(2, 6), dtype=DTYPE, seed=SEED)
def test_hinge_non_negative_and_grad_shape(n, k, dtype, seed):
    s = _x(seed, (n, k), dtype)
    labels = np.random.default_rng(seed).integers(0, k, n)
    assert losses.hinge(s, labels) >= 0
    g = losses.hinge.grad(s, labels)
    assert g.shape == s.shape and g.dtype == dtype
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-6)


@FAST
@given(n=N, sizes=st.lists(WIDTH, min_size=2, max_size=3), seed=SEED,
       make=st.sampled_from([lambda ps: optim.SGD(ps, lr=0.01, momentum=0.9),
                             lambda ps: optim.Adam(ps, amsgrad=True),
                             lambda ps: optim.RMSprop(ps, centered=True, momentum=0.1),
                             lambda ps: optim.Adagrad(ps, weight_decay=0.1)]))
def test_float32_is_never_promoted_through_a_training_step(n, sizes, seed, make):
    model = MLP(sizes, "tanh", output="sigmoid", rng=seed, dtype=np.float32)
    opt = make(model.params())
    X = _x(seed, (n, sizes[0]), np.float64)
    y = np.random.default_rng(seed).uniform(0, 1, (n, sizes[-1]))
    for _ in range(2):
        out = model.forward(X)
        value, grad = losses.binary_cross_entropy.value_and_grad(out, y)
        assert grad.dtype == np.float32
        model.backward(grad)
        opt.step(model.grads())
    assert all(p.dtype == np.float32 for p in model.params())
    state = [a for name in ("buffers", "m", "v", "v_max", "square_avg", "grad_avg", "sums")
             for a in (getattr(opt, name, None) or []) if a is not None]
    assert state and all(a.dtype == np.float32 for a in state)
    assert model.forward(X).dtype == np.float32
