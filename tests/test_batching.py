import numpy as np
import pytest

import mlcore
from mlcore import batching


def _moons():
    X, y = mlcore.data.moons(128, noise=0.2, rng=0)
    return mlcore.data.standardize(X), y


def test_updates_per_epoch():
    assert batching.updates_per_epoch(100) == 1
    assert batching.updates_per_epoch(100, 1) == 100
    assert batching.updates_per_epoch(100, 32) == 4


@pytest.mark.parametrize("bs", [None, 1, 16])
def test_train_curve_records_and_decreases(bs):
    X, y = _moons()
    model = mlcore.MLP([2, 8, 2], "tanh", rng=0)
    out = batching.train_curve(model, "cross_entropy", X, y, batch_size=bs, lr=0.1, updates=40,
                               record_every=10, rng=0)
    assert list(out["update"]) == [0, 10, 20, 30, 40]
    assert out["loss"][-1] < out["loss"][0]
    assert np.all(np.diff(out["time"]) >= 0)
    per = batching.updates_per_epoch(128, bs)
    assert np.allclose(out["epochs"], out["update"] / per)


def test_batch_gd_equals_fit_without_shuffle():
    X, y = _moons()
    a = mlcore.MLP([2, 8, 2], "tanh", rng=1)
    b = mlcore.MLP([2, 8, 2], "tanh", rng=1)
    batching.train_curve(a, "cross_entropy", X, y, lr=0.2, updates=5, rng=0)
    mlcore.fit(b, "cross_entropy", mlcore.optim.SGD(b.params(), lr=0.2), X, y, epochs=5, progress=False)
    for p, q in zip(a.params(), b.params()):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


def test_schedule_is_stepped():
    X, y = _moons()
    model = mlcore.MLP([2, 4, 2], "tanh", rng=0)
    seen = {}

    def sched(opt):
        s = mlcore.optim.InverseTimeDecay(opt, decay=1.0)
        seen["s"] = s
        return s

    batching.train_curve(model, "cross_entropy", X, y, batch_size=32, lr=1.0, updates=9, rng=0, schedule=sched)
    assert seen["s"].r == 9
    assert seen["s"].optimizer.lr == pytest.approx(1 / 10)


def test_hessian_linear_matches_finite_differences():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = rng.normal(size=50)
    H = batching.hessian(X, "linear")
    Xt = np.c_[X, np.ones(50)]

    def grad(w):
        return Xt.T @ (Xt @ w - y) / 50

    w0 = rng.normal(size=4)
    Hfd = np.column_stack([(grad(w0 + 1e-5 * e) - grad(w0 - 1e-5 * e)) / 2e-5 for e in np.eye(4)])
    np.testing.assert_allclose(H, Hfd, atol=1e-8)


def test_hessian_logistic_matches_finite_differences():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    y = (rng.random(40) < 0.5).astype(float)
    Xt = np.c_[X, np.ones(40)]
    w0 = rng.normal(size=3) * 0.3

    def grad(w):
        p = 1 / (1 + np.exp(-Xt @ w))
        return Xt.T @ (p - y) / 40

    Hfd = np.column_stack([(grad(w0 + 1e-5 * e) - grad(w0 - 1e-5 * e)) / 2e-5 for e in np.eye(3)])
    np.testing.assert_allclose(batching.hessian(X, "logistic", w0), Hfd, atol=1e-8)


def test_condition_number_and_standardization():
    assert batching.condition_number(np.diag([1.0, 4.0])) == pytest.approx(4.0)
    with pytest.raises(ValueError):
        batching.condition_number(np.diag([0.0, 1.0]))
    X, _ = mlcore.data.flight_delay(200, rng=0)
    raw = batching.condition_number(batching.hessian(X))
    std = batching.condition_number(batching.hessian(mlcore.data.standardize(X)))
    assert std < 10 < 100 * 10 < raw


def test_preactivation_variances():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 100))
    model = mlcore.MLP([100, 100, 100, 100], "relu", init="he", rng=0)
    v = batching.preactivation_variances(model, X)
    assert len(v) == 3
    assert all(1.0 < x < 3.0 for x in v)
    small = mlcore.MLP([100, 100, 100, 100], "relu", init="small", rng=0)
    assert batching.preactivation_variances(small, X)[-1] < 1e-6
