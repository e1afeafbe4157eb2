"""The training loop: it learns, counts its steps, records history, stops on divergence, keeps dtypes."""

import copy
import re

import numpy as np
import pytest

import mlcore
from mlcore import MLP, data, fit, losses, optim
from mlcore.regularization import l2_grads, l2_penalty


def accuracy(model, X, y):
    return float(np.mean(model.forward(X).argmax(axis=1) == y))


@pytest.mark.parametrize("name", ["xor", "moons"])
def test_fit_reduces_the_loss_2_8_2_tanh_cross_entropy_sgd(name):
    X, y = getattr(data, name)(n=200)
    model = MLP([2, 8, 2], "tanh", rng=0)
    history = fit(model, losses.cross_entropy, optim.SGD(model.params(), lr=0.3), X, y, epochs=100,
                  batch_size=20, progress=False)
    assert history["loss"][-1] < 0.25 * history["loss"][0]
    assert history["loss"][-1] == pytest.approx(losses.cross_entropy(model.forward(X), y), rel=0.5)
    assert accuracy(model, X, y) > 0.9


def test_fit_learns_xor_above_95_percent():
    X, y = data.xor(n=200)
    model = MLP([2, 8, 2], "tanh", rng=0)
    before = accuracy(model, X, y)
    fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.5), X, y, epochs=300, progress=False)
    assert before < 0.8                    # a linear-ish random net cannot do XOR ...
    assert accuracy(model, X, y) > 0.95    # ... the trained hidden layer can


def test_full_batch_is_one_update_per_epoch():
    X, y = data.moons(n=64)
    model = MLP([2, 4, 2], "tanh", rng=0)
    opt = optim.SGD(model.params(), lr=0.1)
    fit(model, "cross_entropy", opt, X, y, epochs=7, batch_size=None, progress=False)
    assert opt.t == 7


@pytest.mark.parametrize("batch_size, steps_per_epoch", [(1, 64), (10, 7), (64, 1), (100, 1)])
def test_minibatch_update_count(batch_size, steps_per_epoch):
    X, y = data.moons(n=64)
    model = MLP([2, 4, 2], "tanh", rng=0)
    opt = optim.SGD(model.params(), lr=0.01)
    fit(model, "cross_entropy", opt, X, y, epochs=3, batch_size=batch_size, progress=False)
    assert opt.t == 3 * steps_per_epoch


def test_first_full_batch_loss_is_the_loss_before_the_first_update():
    X, y = data.xor(n=40)
    model = MLP([2, 5, 2], "sigmoid", rng=2)
    untouched = copy.deepcopy(model)
    history = fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.1), X, y, epochs=2, progress=False)
    assert history["loss"][0] == pytest.approx(losses.cross_entropy(untouched.forward(X), y), rel=1e-12)


def test_one_full_batch_epoch_is_one_gradient_step_written_out():
    X, y = data.regression_1d(n=20)
    model = MLP([1, 3, 1], "tanh", rng=1)
    manual = copy.deepcopy(model)
    fit(model, "mse", optim.SGD(model.params(), lr=0.05), X, y[:, None], epochs=1, progress=False)
    out = manual.forward(X)
    manual.backward(2 * (out - y[:, None]) / out.size)
    for p, g in zip(manual.params(), manual.grads()):
        p -= 0.05 * g
    for p, q in zip(model.params(), manual.params()):
        np.testing.assert_allclose(p, q, rtol=1e-13)


def test_history_keys_lengths_and_types():
    X, y = data.moons(n=60)
    X_train, X_val, y_train, y_val = data.train_test_split(X, y, rng=0)
    model = MLP([2, 6, 2], "tanh", rng=0)
    history = fit(model, "cross_entropy", optim.Adam(model.params(), lr=0.01), X_train, y_train, epochs=5,
                  batch_size=16, validation=(X_val, y_val), progress=False)
    assert isinstance(history, mlcore.History)
    assert set(history) == {"loss", "val_loss", "epoch", "time"}
    assert history.epochs == 5
    assert history["epoch"] == [1, 2, 3, 4, 5]
    assert all(len(v) == 5 for v in history.values())
    assert all(isinstance(v, float) and np.isfinite(v) for v in history["loss"] + history["val_loss"])
    assert all(b >= a for a, b in zip(history["time"], history["time"][1:]))
    # the validation loss is the loss of the model at the end of the epoch, in eval mode
    assert losses.cross_entropy(model.forward(X_val), y_val) == pytest.approx(history["val_loss"][-1], rel=1e-12)
    other = MLP([2, 6, 2], rng=0)
    without = fit(other, "cross_entropy", optim.SGD(other.params(), lr=0.1), X_train, y_train, epochs=1,
                  progress=False)
    assert set(without) == {"loss", "epoch", "time"}


def test_fit_is_reproducible_from_its_seeds():
    X, y = data.moons(n=80)

    def run():
        model = MLP([2, 6, 2], "tanh", rng=3)
        return fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.2), X, y, epochs=3, batch_size=8,
                   rng=5, progress=False)["loss"]

    assert run() == run()


def test_fit_leaves_the_model_in_eval_mode():
    X, y = data.xor(n=40)
    model = MLP([2, 8, 2], "relu", dropout=0.5, rng=0)
    fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.1), X, y, epochs=2, progress=False)
    assert not model.training
    np.testing.assert_array_equal(model.forward(X), model.forward(X))


def test_regularizer_adds_the_penalty_to_the_loss_and_its_gradient():
    X, y = data.regression_1d(n=30)
    Y = y[:, None]
    lam = 0.01
    model = MLP([1, 4, 1], "tanh", rng=0)
    untouched = copy.deepcopy(model)
    history = fit(model, "mse", optim.SGD(model.params(), lr=0.1), X, Y, epochs=1, progress=False,
                  regularizer=lambda ps: (l2_penalty(ps, lam), l2_grads(ps, lam)))
    expected = losses.mse(untouched.forward(X), Y) + l2_penalty(untouched.params(), lam)
    assert history["loss"][0] == pytest.approx(expected, rel=1e-12)
    # the update used grad + 2 lam theta
    out = untouched.forward(X)
    untouched.backward(losses.mse.grad(out, Y))
    for p, g in zip(untouched.params(), untouched.grads()):
        p -= 0.1 * (g + 2 * lam * p)
    for p, q in zip(model.params(), untouched.params()):
        np.testing.assert_allclose(p, q, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Divergence
# ---------------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_huge_learning_rate_raises_training_diverged_with_a_helpful_message():
    X, y = data.regression_1d(n=50)
    model = MLP([1, 16, 1], "relu", rng=0)
    with pytest.raises(mlcore.TrainingDiverged) as info:
        fit(model, "mse", optim.SGD(model.params(), lr=1e6), X, y[:, None] * 100, epochs=50, batch_size=10,
            progress=False)
    message = str(info.value)
    assert "NaN or inf" in message
    assert "smaller learning rate" in message
    assert "epoch " in message and "step " in message
    match = re.search(r"epoch (\d+), step (\d+)", message)
    assert match and int(match.group(1)) >= 1 and 1 <= int(match.group(2)) <= 5
    assert "lr=1e+06" in message
    assert isinstance(info.value, FloatingPointError)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_divergence_reports_the_step_where_it_happened():
    # a float32 linear model with an absurd rate overflows within a few full-batch steps
    X = np.linspace(-1, 1, 8)[:, None] * 1e3
    model = MLP([1, 1], "identity", rng=0, dtype=np.float32)
    with pytest.raises(mlcore.TrainingDiverged, match=r"at epoch \d+, step 1 \(lr=1e\+10\)"):
        fit(model, "mse", optim.SGD(model.params(), lr=1e10), X, X, epochs=20, progress=False)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_an_infinite_loss_from_a_finite_output_is_caught_before_the_update():
    # float32: outputs 1e20 and 2e20 are finite, but their squares overflow to inf
    model = MLP([1, 1], "identity", dtype=np.float32)
    model.linears[0].W[:] = 1e20
    before = [p.copy() for p in model.params()]
    X, Y = np.array([[1.0], [2.0]]), np.zeros((2, 1))
    with pytest.raises(mlcore.TrainingDiverged, match=r"the loss became NaN or inf at epoch 1, step 1"):
        fit(model, "mse", optim.SGD(model.params(), lr=0.1), X, Y, epochs=3, progress=False)
    for p, q in zip(model.params(), before):          # no update was taken with the infinite loss
        np.testing.assert_array_equal(p, q)


# ---------------------------------------------------------------------------------------------
# float32 end to end
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make_optimizer, state_names", [
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4), ["buffers"]),
    (lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True), ["m", "v", "v_max"]),
    (lambda ps: optim.RMSprop(ps, lr=0.01, centered=True, momentum=0.5), ["square_avg", "grad_avg", "buffers"]),
    (lambda ps: optim.Adagrad(ps, lr=0.1), ["sums"]),
], ids=["SGD", "Adam", "RMSprop", "Adagrad"])
@pytest.mark.parametrize("output, loss", [(None, "cross_entropy"), ("softmax", "mse"), (None, "hinge")])
def test_float32_end_to_end(make_optimizer, state_names, output, loss):
    X, y = data.moons(n=64)
    model = MLP([2, 8, 2], "tanh", output=output, dtype=np.float32, dropout=0.1, rng=0)
    target = data.one_hot(y, 2) if loss == "mse" else y
    opt = make_optimizer(model.params())
    history = fit(model, loss, opt, X, target, epochs=3, batch_size=16, validation=(X, target),
                  progress=False, regularizer=lambda ps: (l2_penalty(ps, 1e-3), l2_grads(ps, 1e-3)))
    assert all(np.isfinite(history["loss"]))
    assert all(p.dtype == np.float32 for p in model.params())
    assert all(g.dtype == np.float32 for g in model.grads())
    for name in state_names:
        assert all(s.dtype == np.float32 for s in getattr(opt, name)), name
    assert model.forward(X).dtype == np.float32
    assert model.forward(X[0]).dtype == np.float32
    assert model.jacobian(X[0]).dtype == np.float32


def test_float64_model_stays_float64_with_float32_data():
    X, y = data.xor(n=32)
    model = MLP([2, 4, 2], "tanh", rng=0)
    fit(model, "cross_entropy", optim.Adam(model.params()), X.astype(np.float32), y, epochs=2, progress=False)
    assert all(p.dtype == np.float64 for p in model.params())


# ---------------------------------------------------------------------------------------------
# Progress bar
# ---------------------------------------------------------------------------------------------
def test_progress_true_writes_to_stderr(capsys):
    X, y = data.xor(n=20)
    model = MLP([2, 4, 2], rng=0)
    fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.1), X, y, epochs=4, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "4/4" in captured.err and "loss" in captured.err


def test_progress_false_writes_nothing(capsys):
    X, y = data.xor(n=20)
    model = MLP([2, 4, 2], rng=0)
    fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.1), X, y, epochs=4, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# ---------------------------------------------------------------------------------------------
# Layout checks before training
# ---------------------------------------------------------------------------------------------
def test_regression_targets_must_match_the_output_shape():
    X, y = data.regression_1d(n=20)
    model = MLP([1, 4, 1], rng=0)
    with pytest.raises(ValueError, match=r"y does not fit the loss mse .* y has shape \(20,\)"):
        fit(model, "mse", optim.SGD(model.params(), lr=0.1), X, y, epochs=1, progress=False)


def test_cross_entropy_on_a_softmax_output_is_refused():
    X, y = data.xor(n=20)
    model = MLP([2, 4, 2], output="softmax", rng=0)
    with pytest.raises(ValueError, match=r"softmax would be applied twice"):
        fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.1), X, y, epochs=1, progress=False)


# ---------------------------------------------------------------------- progress and the live loss curve
def test_progress_bar_is_tqdm_with_rate_and_losses(capsys):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 2)), rng.integers(0, 2, 40)
    model = MLP([2, 4, 2], rng=0)
    fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.1), X, y, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "fit" in err and "3/3" in err
    assert "epoch/s" in err or "s/epoch" in err    # tqdm's rate
    assert "loss=" in err                           # the latest loss in the postfix


def test_live_loss_draws_train_and_validation_curves_and_the_final_epoch():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 2)), rng.integers(0, 2, 40)
    model = MLP([2, 4, 2], rng=0)
    live = mlcore.LiveLoss(every=3)
    assert live.figure() is None
    history = fit(model, "cross_entropy", optim.SGD(model.params(), lr=0.1), X, y, epochs=7,
                  validation=(X[:10], y[:10]), callbacks=[live], progress=False)
    ax = live.figure().axes[0]
    train, val = ax.get_lines()
    # drawn at epochs 3 and 6 and, because 7 is not a multiple of 3, once more at the end
    assert list(train.get_xdata()) == list(range(1, 8))
    np.testing.assert_allclose(train.get_ydata(), history["loss"])
    np.testing.assert_allclose(val.get_ydata(), history["val_loss"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]


@pytest.mark.parametrize("kwargs, message", [({"every": 0}, "every"), ({"log": "yes"}, "log")])
def test_live_loss_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mlcore.LiveLoss(**kwargs)
