r"""The lectures' regression and classification recipes as estimators (Ch. 13).

A recipe is the whole path from a table of numbers to a test score:

1. split off a validation set (stratified for classification);
2. fit a :class:`~mlcore.data.Standardizer` on the training part **only** and
   apply it to everything else (for regression the target is standardised too,
   and predictions are mapped back to its units);
3. build an :class:`~mlcore.network.MLP` whose output layer and loss match the
   task (:func:`output_for`);
4. train it with Adam and mini-batches, watching the validation loss, and keep
   the parameters of the best epoch (:class:`~mlcore.regularization.EarlyStopping`);
5. score it on held-out data (:func:`regression_metrics`, :func:`classification_metrics`).

:data:`REGRESSION` and :data:`CLASSIFICATION` hold the lectures' tables of
typical hyperparameters. :func:`repeated_holdout` scores several models on the
same seeded splits, so that a comparison is not one lucky split.

>>> model = MLPRecipe("regression", hidden=(32,), rng=0).fit(X_train, y_train)
>>> regression_metrics(y_test, model.predict(X_test))
"""

from __future__ import annotations

import numpy as np

from . import activations as _act
from . import optim as _optim
from ._validate import as_float_array, check_choice, check_in_range, check_nonnegative, check_positive, \
    check_positive_int, check_rng
from .data import Standardizer
from .network import MLP
from .regularization import EarlyStopping
from .training import fit as _fit

__all__ = ["REGRESSION", "CLASSIFICATION", "output_for", "split", "MLPRecipe", "regression_metrics",
           "classification_metrics", "repeated_holdout", "summarize"]

#: The regression recipe: the lectures' table of typical hyperparameters.
REGRESSION = {
    "input neurons": "1 per input feature",
    "hidden layers": (1, 5),
    "neurons per hidden layer": (10, 100),
    "output neurons": "1 per prediction dimension",
    "hidden activation": "relu",
    "output activation": None,
    "loss": "mse (or mae / huber)",
}

#: The classification recipe: hidden layers as for regression, one output per class, softmax, cross-entropy.
CLASSIFICATION = {
    "input neurons": "1 per input feature",
    "hidden layers": (1, 5),
    "neurons per hidden layer": (10, 100),
    "output neurons": "1 per class",
    "hidden activation": "relu",
    "output activation": "softmax",
    "loss": "cross_entropy",
}

TASKS = ("regression", "classification")


def output_for(task, n_targets=1):
    """``(n_out, output, loss)`` for a task: the output layer and loss the recipe prescribes.

    Regression: ``n_targets`` linear outputs and the mean squared error.
    Classification with ``n_targets`` classes: one output per class, and the
    softmax cross-entropy. The MLP itself ends in raw scores (``output=None``),
    because ``losses.cross_entropy`` applies the softmax to them; the
    probabilities are ``softmax(scores)``.
    """
    check_choice("task", task, TASKS)
    n_targets = check_positive_int("n_targets", n_targets)
    if task == "regression":
        return n_targets, None, "mse"
    if n_targets < 2:
        raise ValueError(f"classification needs at least 2 classes, got n_targets={n_targets}")
    return n_targets, None, "cross_entropy"


def split(X, y, *, fraction=0.2, stratify=False, rng=None):
    """Shuffle and split off ``fraction`` of the rows: ``X_a, X_b, y_a, y_b`` (b has the fraction).

    With ``stratify=True`` (integer labels) every class keeps its share in both
    parts, up to rounding.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}; they must match")
    fraction = check_in_range("fraction", fraction, 0.0, 1.0, low_open=True, high_open=True)
    rng = check_rng(rng)
    n = X.shape[0]
    if stratify:
        if not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"stratify=True needs integer labels, got dtype {y.dtype}")
        b = []
        for c in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == c))
            b.append(idx[:int(round(idx.size * fraction))])
        b = np.concatenate(b)
    else:
        b = rng.permutation(n)[:int(round(n * fraction))]
    if b.size == 0 or b.size == n:
        raise ValueError(f"fraction={fraction} leaves an empty split for {n} examples")
    mask = np.zeros(n, dtype=bool)
    mask[b] = True
    a, b = np.flatnonzero(~mask), np.flatnonzero(mask)
    return X[a], X[b], y[a], y[b]


class MLPRecipe:
    """An MLP trained by the lectures' recipe, with ``fit`` / ``predict`` like scikit-learn's estimators.

    Parameters
    ----------
    task : "regression" or "classification"
    hidden : sequence of int
        Widths of the hidden layers, e.g. ``(32,)`` or ``(64, 32)``.
    activation : str
        Hidden activation (ReLU in the recipe).
    lr : float
        Adam's learning rate.
    batch_size : int
    epochs : int
        The most epochs to train; early stopping usually ends sooner.
    patience : int or None
        Stop after this many epochs without a better validation loss and
        restore the best epoch's parameters (None: train all epochs, no validation split).
    weight_decay : float
        L2 coefficient added to every gradient (Adam's ``weight_decay``).
    validation_fraction : float
        Share of the training rows held out for validation (used when ``patience`` is set).
    rng : None, int or Generator
        Seeds the split, the weights and the mini-batch order.

    Attributes (after ``fit``)
    --------------------------
    model_ : MLP
    history_ : mlcore.training.History (``loss`` and, with validation, ``val_loss``)
    best_epoch_ : int (the epoch whose parameters were kept)
    scaler_ : Standardizer fitted on the training part only
    y_mean_, y_std_ : the target's mean and std on the training part (regression);
        the network learns ``(y - y_mean_) / y_std_``
    classes_ : array of the class labels (classification)
    """

    def __init__(self, task, hidden=(32,), *, activation="relu", lr=1e-2, batch_size=32, epochs=200,
                 patience=20, weight_decay=0.0, validation_fraction=0.2, rng=None):
        self.task = check_choice("task", task, TASKS)
        try:
            self.hidden = tuple(check_positive_int("hidden", h) for h in hidden)
        except TypeError:
            raise ValueError(f"hidden must be a sequence of widths like (32,), got {hidden!r}") from None
        self.activation = _act.get(activation).name
        self.lr = check_positive("lr", lr)
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.epochs = check_positive_int("epochs", epochs)
        self.patience = None if patience is None else check_positive_int("patience", patience)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.validation_fraction = check_in_range("validation_fraction", validation_fraction, 0.0, 1.0,
                                                  low_open=True, high_open=True)
        self.rng = rng

    def _targets(self, y):
        if self.task == "regression":
            y = as_float_array("y", y, ndim=(1, 2))
            return y[:, None] if y.ndim == 1 else y
        return np.searchsorted(self.classes_, y)

    def fit(self, X, y):
        """Split, standardise (on the training part), build, train with early stopping. Returns self."""
        X = as_float_array("X", X, ndim=2)
        y = np.asarray(y)
        rng = check_rng(self.rng)
        classification = self.task == "classification"
        if classification:
            self.classes_ = np.unique(y)
        if self.patience is not None:
            X_tr, X_val, y_tr, y_val = split(X, y, fraction=self.validation_fraction,
                                             stratify=classification, rng=rng)
        else:
            X_tr, y_tr, X_val, y_val = X, y, None, None
        self.scaler_ = Standardizer().fit(X_tr)
        t_tr = self._targets(y_tr)
        if not classification:
            self.y_mean_, self.y_std_ = t_tr.mean(axis=0), t_tr.std(axis=0)
            self.y_std_ = np.where(self.y_std_ > 0, self.y_std_, 1.0)
            t_tr = (t_tr - self.y_mean_) / self.y_std_
        n_out, output, loss = output_for(self.task, len(self.classes_) if classification else t_tr.shape[1])
        self.model_ = MLP([X.shape[1], *self.hidden, n_out], self.activation, output=output, rng=rng)
        opt = _optim.Adam(self.model_.params(), lr=self.lr, weight_decay=self.weight_decay)
        callbacks, validation = [], None
        if X_val is not None:
            t_val = self._targets(y_val)
            if not classification:
                t_val = (t_val - self.y_mean_) / self.y_std_
            validation = (self.scaler_.transform(X_val), t_val)
            stopper = EarlyStopping(self.patience, restore_best=True)
            callbacks.append(stopper)
        self.history_ = _fit(self.model_, loss, opt, self.scaler_.transform(X_tr), t_tr, epochs=self.epochs,
                             batch_size=self.batch_size, rng=rng, validation=validation, callbacks=callbacks,
                             progress=False)
        self.best_epoch_ = stopper.best_epoch if callbacks else self.history_.epochs
        return self

    def _scores(self, X):
        if not hasattr(self, "model_"):
            raise RuntimeError("call fit(X, y) before predicting")
        return self.model_.forward(self.scaler_.transform(X))

    def predict(self, X):
        """Regression: predictions in the target's units. Classification: the most probable class."""
        out = self._scores(X)
        if self.task == "regression":
            out = out * self.y_std_ + self.y_mean_
            return out[:, 0] if out.shape[1] == 1 else out
        return self.classes_[np.argmax(out, axis=1)]

    def predict_proba(self, X):
        """Class probabilities, the softmax of the network's scores (classification only)."""
        if self.task != "classification":
            raise ValueError("predict_proba is for classification; use predict for regression")
        return _act.softmax(self._scores(X))

    def __repr__(self):
        return (f"MLPRecipe({self.task!r}, hidden={self.hidden}, lr={self.lr:g}, batch_size={self.batch_size}, "
                f"epochs={self.epochs}, patience={self.patience}, weight_decay={self.weight_decay:g})")


def regression_metrics(y, y_hat):
    """``{"rmse", "mae", "r2"}`` of predictions ``y_hat`` against targets ``y`` (1-D)."""
    y = as_float_array("y", y, ndim=1)
    y_hat = as_float_array("y_hat", y_hat, ndim=1)
    if y.shape != y_hat.shape:
        raise ValueError(f"y has shape {y.shape} but y_hat has shape {y_hat.shape}")
    err = y_hat - y
    ss_res = float(np.sum(err * err))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return {"rmse": float(np.sqrt(np.mean(err * err))), "mae": float(np.mean(np.abs(err))),
            "r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")}


def classification_metrics(y, proba, classes=None, *, eps=1e-15):
    """``{"accuracy", "log_loss"}`` from class probabilities ``proba`` (N, K).

    ``classes`` names the columns (default ``0..K-1``). The predicted class is the
    most probable one; the log-loss is the mean of ``-log p(true class)``, with
    probabilities clipped to ``[eps, 1]`` so that one confident mistake gives a large
    but finite loss.
    """
    proba = as_float_array("proba", proba, ndim=2)
    y = np.asarray(y)
    classes = np.arange(proba.shape[1]) if classes is None else np.asarray(classes)
    if classes.shape != (proba.shape[1],):
        raise ValueError(f"classes has shape {classes.shape} but proba has {proba.shape[1]} columns")
    if y.shape != (proba.shape[0],):
        raise ValueError(f"y has shape {y.shape} but proba has {proba.shape[0]} rows")
    idx = np.searchsorted(classes, y)
    if np.any(idx >= classes.size) or np.any(classes[np.minimum(idx, classes.size - 1)] != y):
        raise ValueError("y holds a label that is not in classes")
    p_true = np.clip(proba[np.arange(y.size), idx], eps, 1.0)
    return {"accuracy": float(np.mean(np.argmax(proba, axis=1) == idx)),
            "log_loss": float(-np.mean(np.log(p_true)))}


def repeated_holdout(models, X, y, *, task, seeds=range(5), test_fraction=0.25):
    """Score every model on the same seeded train/test splits.

    Parameters
    ----------
    models : dict
        ``name -> factory``; ``factory(seed)`` returns an unfitted estimator with
        ``fit(X, y)`` and ``predict(X)`` (and ``predict_proba`` for
        classification). Every preprocessing step must live inside the
        estimator, so that it is fitted on the training split only.
    task : "regression" or "classification"
    seeds : iterable of int
        One split per seed (stratified for classification); the seed also goes to the factory.

    Returns
    -------
    dict
        ``name -> {metric: array of one score per seed}``.
    """
    check_choice("task", task, TASKS)
    X = as_float_array("X", X, ndim=2)
    y = np.asarray(y)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty; pass e.g. range(5)")
    results = {name: {} for name in models}
    for seed in seeds:
        X_tr, X_te, y_tr, y_te = split(X, y, fraction=test_fraction, stratify=task == "classification",
                                       rng=seed)
        for name, factory in models.items():
            est = factory(seed).fit(X_tr, y_tr)
            if task == "regression":
                scores = regression_metrics(y_te, np.asarray(est.predict(X_te), dtype=float).ravel())
            else:
                scores = classification_metrics(y_te, est.predict_proba(X_te), getattr(est, "classes_", None))
            for k, v in scores.items():
                results[name].setdefault(k, []).append(v)
    return {name: {k: np.array(v) for k, v in res.items()} for name, res in results.items()}


def summarize(results, digits=None):
    """A text table of ``mean ± std`` per model and metric from :func:`repeated_holdout`'s result.

    ``digits`` maps a metric to its number of decimals (default 3).
    """
    digits = dict(digits or {})
    names = list(results)
    metrics = list(next(iter(results.values())))
    def cell(values, d):
        spread = values.std(ddof=1) if values.size > 1 else 0.0
        return f"{values.mean():.{d}f} ± {spread:.{d}f}"

    cells = [[cell(results[n][m], digits.get(m, 3)) for m in metrics] for n in names]
    w0 = max(len("model"), *(len(n) for n in names))
    ws = [max(len(m), *(len(row[j]) for row in cells)) for j, m in enumerate(metrics)]
    lines = ["  ".join([f"{'model':<{w0}}"] + [f"{m:>{w}}" for m, w in zip(metrics, ws)])]
    lines += ["  ".join([f"{n:<{w0}}"] + [f"{c:>{w}}" for c, w in zip(row, ws)]) for n, row in zip(names, cells)]
    return "\n".join(lines)
