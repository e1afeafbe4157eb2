"""Weight penalties (biases included, as in the lectures) and early stopping."""

import numpy as np
import pytest
import sympy as sp

from mlcore import MLP, fit, losses, optim
from mlcore.regularization import EarlyStopping, l1_grads, l1_penalty, l2_grads, l2_penalty
from mlcore.symbolic import assert_equal

from _reference import centred_differences, rel_error


def params_worked_example():
    # [W1, b1, W2, b2] as model.params() lists them
    return [np.array([[1.0, 2.0], [-1.0, 0.0]]), np.array([3.0, -0.5]),
            np.array([[0.5, -2.0]]), np.array([1.0])]


# ---------------------------------------------------------------------------------------------
# L2
# ---------------------------------------------------------------------------------------------
def test_l2_penalty_includes_the_biases_like_the_lectures():
    # C + lam (sum w^2 + sum b^2): weights 1 + 4 + 1 + 0 + 0.25 + 4 = 10.25; biases 9 + 0.25 + 1 = 10.25
    params = params_worked_example()
    assert l2_penalty(params, 0.1) == pytest.approx(0.1 * (10.25 + 10.25))
    assert l2_penalty(params, 0.1, include_biases=False) == pytest.approx(0.1 * 10.25)
    assert l2_penalty(params, 0.0) == 0.0
    assert isinstance(l2_penalty(params, 0.1), float)


def test_l2_penalty_of_a_model_by_explicit_loop():
    model = MLP([3, 4, 2], rng=0)
    for lin in model.linears:
        lin.b[:] = np.arange(lin.n_out) * 0.1 + 0.3
    total = 0.0
    for lin in model.linears:
        for k in range(lin.n_out):
            for j in range(lin.n_in):
                total += lin.W[k, j] ** 2
            total += lin.b[k] ** 2
    assert l2_penalty(model.params(), 0.01) == pytest.approx(0.01 * total, rel=1e-13)


def test_l2_gradient_is_2_lambda_theta_by_sympy():
    lam = sp.Symbol("lambda", positive=True)
    theta = sp.symbols("w0:3 b0:2", real=True)
    penalty = lam * sum(t ** 2 for t in theta)
    for t in theta:
        assert_equal(sp.diff(penalty, t), 2 * lam * t, name="d penalty / d theta")
    params = params_worked_example()
    grads = l2_grads(params, 0.1)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(g, 2 * 0.1 * p, rtol=1e-15)


@pytest.mark.parametrize("include_biases", [True, False])
def test_l2_gradient_matches_finite_differences(include_biases):
    params = [p + np.random.default_rng(i).normal(scale=0.1, size=p.shape)
              for i, p in enumerate(params_worked_example())]
    grads = l2_grads(params, 0.3, include_biases=include_biases)
    for p, g in zip(params, grads):
        numeric = centred_differences(lambda: l2_penalty(params, 0.3, include_biases=include_biases), p)
        assert rel_error(g, numeric) < 1e-7 or (np.all(g == 0) and np.all(numeric == 0))


def test_l2_without_biases_gives_zero_bias_gradients():
    params = params_worked_example()
    grads = l2_grads(params, 0.1, include_biases=False)
    np.testing.assert_array_equal(grads[1], 0.0)
    np.testing.assert_array_equal(grads[3], 0.0)
    np.testing.assert_allclose(grads[0], 0.2 * params[0])


def test_l2_grads_equal_sgd_weight_decay_of_two_lambda():
    # the docstring's claim: weight_decay = wd adds wd theta, the penalty adds 2 lam theta
    lam = 0.05
    a = [p.copy() for p in params_worked_example()]
    b = [p.copy() for p in params_worked_example()]
    data_grads = [np.ones_like(p) for p in a]
    optim.SGD(a, lr=0.1).step([g + r for g, r in zip(data_grads, l2_grads(a, lam))])
    optim.SGD(b, lr=0.1, weight_decay=2 * lam).step(data_grads)
    for p, q in zip(a, b):
        np.testing.assert_allclose(p, q, rtol=1e-15)


def test_l2_float32_grads_stay_float32():
    params = [p.astype(np.float32) for p in params_worked_example()]
    assert all(g.dtype == np.float32 for g in l2_grads(params, 0.1))
    assert all(g.dtype == np.float32 for g in l1_grads(params, 0.1))


# ---------------------------------------------------------------------------------------------
# L1
# ---------------------------------------------------------------------------------------------
def test_l1_penalty_weights_only_by_default():
    params = params_worked_example()
    weights = 1 + 2 + 1 + 0 + 0.5 + 2
    biases = 3 + 0.5 + 1
    assert l1_penalty(params, 0.1) == pytest.approx(0.1 * weights)
    assert l1_penalty(params, 0.1, include_biases=True) == pytest.approx(0.1 * (weights + biases))


def test_l1_subgradient_is_lambda_sign_and_zero_at_zero():
    params = params_worked_example()
    grads = l1_grads(params, 0.1)
    np.testing.assert_array_equal(grads[0], [[0.1, 0.1], [-0.1, 0.0]])   # sign(0) = 0
    np.testing.assert_array_equal(grads[1], [0.0, 0.0])                  # biases excluded
    np.testing.assert_array_equal(grads[2], [[0.1, -0.1]])
    grads = l1_grads(params, 0.1, include_biases=True)
    np.testing.assert_array_equal(grads[1], [0.1, -0.1])


def test_l1_gradient_matches_finite_differences_away_from_zero():
    params = [np.array([[0.7, -1.2], [0.3, -0.05]]), np.array([0.2, -0.4])]
    grads = l1_grads(params, 0.2, include_biases=True)
    for p, g in zip(params, grads):
        assert rel_error(g, centred_differences(lambda: l1_penalty(params, 0.2, include_biases=True), p)) < 1e-7


# ---------------------------------------------------------------------------------------------
# Early stopping
# ---------------------------------------------------------------------------------------------
def test_early_stopping_patience_semantics():
    stopper = EarlyStopping(patience=2)
    # epoch: 1    2    3    4
    values = [1.0, 0.8, 0.9, 0.85]
    decisions = [stopper.update(v, epoch) for epoch, v in enumerate(values, start=1)]
    # best 0.8 at epoch 2; epochs 3 and 4 do not improve -> stop after epoch 4
    assert decisions == [False, False, False, True]
    assert stopper.best == 0.8 and stopper.best_epoch == 2 and stopper.wait == 2
    stopper.reset()
    assert (stopper.stop, stopper.wait, stopper.best_epoch) == (False, 0, None)


def test_early_stopping_resets_the_wait_on_improvement():
    stopper = EarlyStopping(patience=2)
    decisions = [stopper.update(v, e) for e, v in enumerate([1.0, 1.1, 0.9, 1.0, 0.95], start=1)]
    assert decisions == [False, False, False, False, True]
    assert stopper.best_epoch == 3


def test_early_stopping_min_delta():
    stopper = EarlyStopping(patience=1, min_delta=0.1)
    assert stopper.update(1.0, 1) is False
    assert stopper.update(0.95, 2) is True      # improved by only 0.05 < min_delta
    assert stopper.best == 1.0


def test_early_stopping_in_fit_stops_and_restores_the_best_parameters():
    # Train on y = 2x but validate on y = -2x: the validation loss gets worse as training succeeds.
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (32, 1))
    X_val = rng.uniform(-1, 1, (16, 1))
    model = MLP([1, 4, 1], "tanh", rng=1)
    stopper = EarlyStopping(patience=3)
    history = fit(model, losses.mse, optim.SGD(model.params(), lr=0.2), X, 2 * X, epochs=200,
                  validation=(X_val, -2 * X_val), callbacks=[stopper], progress=False)
    val = history["val_loss"]
    best_epoch = int(np.argmin(val)) + 1
    assert stopper.best_epoch == best_epoch
    assert history.epochs == best_epoch + 3 < 200          # stopped 'patience' epochs after the best
    assert history["epoch"] == list(range(1, history.epochs + 1))
    assert val[-1] > min(val)
    # restore_best: the model is back at the best epoch's parameters
    assert losses.mse(model.forward(X_val), -2 * X_val) == pytest.approx(min(val), rel=1e-12)


def test_early_stopping_without_restore_keeps_the_last_parameters():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (32, 1))
    X_val = rng.uniform(-1, 1, (16, 1))
    model = MLP([1, 4, 1], "tanh", rng=1)
    history = fit(model, losses.mse, optim.SGD(model.params(), lr=0.2), X, 2 * X, epochs=200,
                  validation=(X_val, -2 * X_val), callbacks=[EarlyStopping(patience=3, restore_best=False)],
                  progress=False)
    assert losses.mse(model.forward(X_val), -2 * X_val) == pytest.approx(history["val_loss"][-1], rel=1e-12)
    assert history["val_loss"][-1] > min(history["val_loss"])


def test_early_stopping_monitors_training_loss_without_validation():
    model = MLP([1, 1], "identity", rng=0)
    X = np.linspace(-1, 1, 8)[:, None]
    stopper = EarlyStopping(patience=2, monitor="loss")
    # lr = 0 is not allowed, so use a tiny rate: the loss barely moves and min_delta declares no progress
    stopper.min_delta = 1.0
    history = fit(model, "mse", optim.SGD(model.params(), lr=1e-6), X, X, epochs=50, callbacks=[stopper],
                  progress=False)
    assert history.epochs == 3
