"""The lectures' recipes as estimators (mlcore.recipes, Ch. 13)."""

import numpy as np
import pytest

from mlcore import MLP, activations, data, fit, optim
from mlcore.recipes import (CLASSIFICATION, REGRESSION, MLPRecipe, classification_metrics, output_for,
                            regression_metrics, repeated_holdout, split, summarize)
from mlcore.regularization import EarlyStopping


def test_tables_follow_the_lectures():
    assert REGRESSION["hidden layers"] == (1, 5) and REGRESSION["neurons per hidden layer"] == (10, 100)
    assert REGRESSION["output activation"] is None and REGRESSION["hidden activation"] == "relu"
    assert CLASSIFICATION["output activation"] == "softmax" and CLASSIFICATION["loss"] == "cross_entropy"


def test_output_for_each_task():
    assert output_for("regression") == (1, None, "mse")
    assert output_for("regression", 3) == (3, None, "mse")
    assert output_for("classification", 4) == (4, None, "cross_entropy")
    with pytest.raises(ValueError):
        output_for("classification", 1)
    with pytest.raises(ValueError):
        output_for("ranking")


def test_split_partitions_and_stratifies():
    X = np.arange(100)[:, None].astype(float)
    y = np.r_[np.zeros(70, int), np.ones(30, int)]
    Xa, Xb, ya, yb = split(X, y, fraction=0.2, stratify=True, rng=3)
    assert np.array_equal(np.sort(np.r_[Xa[:, 0], Xb[:, 0]]), np.arange(100))
    assert np.bincount(yb).tolist() == [14, 6] and np.bincount(ya).tolist() == [56, 24]
    again = split(X, y, fraction=0.2, stratify=True, rng=3)
    assert np.array_equal(again[1], Xb)
    Xa, Xb, _, _ = split(X, y, fraction=0.25, rng=0)
    assert Xb.shape == (25, 1) and Xa.shape == (75, 1)
    with pytest.raises(ValueError):
        split(X, y.astype(float), stratify=True)
    with pytest.raises(ValueError):
        split(X[:2], y[:2], fraction=0.1)


def test_regression_recipe_learns_and_scales_on_the_training_part_only():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3)) * [1, 10, 100] + [5, -5, 50]
    y = 200 + 30 * np.tanh(X[:, 0] - 5) + 0.5 * X[:, 1]
    m = MLPRecipe("regression", hidden=(16,), lr=1e-2, epochs=300, patience=30, rng=0).fit(X, y)
    r = regression_metrics(y, m.predict(X))
    assert r["r2"] > 0.95
    X_tr, _, y_tr, _ = split(X, y, fraction=0.2, rng=np.random.default_rng(0))
    np.testing.assert_allclose(m.scaler_.mean_, X_tr.mean(axis=0))
    np.testing.assert_allclose(m.y_mean_, [y_tr.mean()])
    assert 1 <= m.best_epoch_ <= m.history_.epochs
    assert min(m.history_["val_loss"]) == m.history_["val_loss"][m.best_epoch_ - 1]


def test_recipe_equals_the_steps_done_by_hand():
    X, y = data.moons(200, rng=1)
    m = MLPRecipe("classification", hidden=(8,), lr=1e-2, batch_size=16, epochs=40, patience=5, rng=7).fit(X, y)
    rng = np.random.default_rng(7)
    X_tr, X_val, y_tr, y_val = split(X, y, fraction=0.2, stratify=True, rng=rng)
    s = data.Standardizer().fit(X_tr)
    net = MLP([2, 8, 2], "relu", rng=rng)
    stop = EarlyStopping(5)
    fit(net, "cross_entropy", optim.Adam(net.params(), lr=1e-2), s.transform(X_tr), y_tr, epochs=40,
        batch_size=16, rng=rng, validation=(s.transform(X_val), y_val), callbacks=[stop], progress=False)
    np.testing.assert_allclose(m.predict_proba(X), activations.softmax(net.forward(s.transform(X))))
    assert m.best_epoch_ == stop.best_epoch


def test_classification_recipe_with_string_labels():
    X, y = data.moons(200, noise=0.05, rng=0)
    labels = np.array(["a", "b"])[y]
    m = MLPRecipe("classification", hidden=(16,), epochs=100, patience=None, rng=0).fit(X, labels)
    p = m.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1)
    assert m.history_.epochs == 100 and "val_loss" not in m.history_
    assert np.mean(m.predict(X) == labels) > 0.95
    assert classification_metrics(labels, p, m.classes_)["accuracy"] > 0.95
    with pytest.raises(ValueError):
        MLPRecipe("regression").fit(X, y.astype(float)).predict_proba(X)


def test_metrics_match_their_definitions():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    r = regression_metrics(y, np.array([1.5, 2.0, 2.0, 4.0]))
    assert r["mae"] == pytest.approx(0.375) and r["rmse"] == pytest.approx(np.sqrt(1.25 / 4))
    assert r["r2"] == pytest.approx(1 - 1.25 / 5)
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    c = classification_metrics(np.array([0, 1, 1]), p)
    assert c["accuracy"] == pytest.approx(2 / 3)
    assert c["log_loss"] == pytest.approx(-np.mean(np.log([0.9, 0.8, 0.4])))
    assert np.isfinite(classification_metrics(np.array([1]), np.array([[1.0, 0.0]]))["log_loss"])
    with pytest.raises(ValueError):
        classification_metrics(np.array([2]), np.array([[0.5, 0.5]]))


def test_metrics_agree_with_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(2)
    y, y_hat = rng.normal(size=50), rng.normal(size=50)
    r = regression_metrics(y, y_hat)
    assert r["rmse"] == pytest.approx(np.sqrt(metrics.mean_squared_error(y, y_hat)))
    assert r["mae"] == pytest.approx(metrics.mean_absolute_error(y, y_hat))
    assert r["r2"] == pytest.approx(metrics.r2_score(y, y_hat))
    p = rng.dirichlet(np.ones(3), size=50)
    labels = rng.integers(0, 3, size=50)
    c = classification_metrics(labels, p)
    assert c["log_loss"] == pytest.approx(metrics.log_loss(labels, p, labels=[0, 1, 2]))
    assert c["accuracy"] == pytest.approx(metrics.accuracy_score(labels, p.argmax(1)))


class _Mean:
    def fit(self, X, y):
        self.m = y.mean()
        return self

    def predict(self, X):
        return np.full(len(X), self.m)


def test_repeated_holdout_and_summary():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = X[:, 0] * 3 + rng.normal(size=80) * 0.1
    models = {"mean": lambda s: _Mean(), "mlp": lambda s: MLPRecipe("regression", hidden=(8,), epochs=50, rng=s)}
    res = repeated_holdout(models, X, y, task="regression", seeds=range(3))
    assert set(res) == {"mean", "mlp"} and res["mean"]["rmse"].shape == (3,)
    assert np.all(res["mlp"]["rmse"] < res["mean"]["rmse"])
    again = repeated_holdout(models, X, y, task="regression", seeds=range(3))
    np.testing.assert_array_equal(again["mlp"]["rmse"], res["mlp"]["rmse"])
    text = summarize(res, {"rmse": 2})
    assert text.splitlines()[0].split() == ["model", "rmse", "mae", "r2"]
    assert "±" in text and len(text.splitlines()) == 3
    with pytest.raises(ValueError):
        repeated_holdout(models, X, y, task="regression", seeds=[])


def test_recipe_checks_its_arguments():
    for kwargs in ({"hidden": 3}, {"lr": 0}, {"batch_size": 0}, {"validation_fraction": 1.0},
                   {"weight_decay": -1}, {"patience": 0}):
        with pytest.raises(ValueError):
            MLPRecipe("regression", **kwargs)
    with pytest.raises(RuntimeError):
        MLPRecipe("regression").predict(np.zeros((1, 2)))
