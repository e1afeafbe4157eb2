r"""Model selection: k-fold splits and cross-validation over a grid of hyperparameter values.

k-fold cross-validation splits the N training examples into k folds of nearly
equal size (sizes differ by at most one). For every fold j the model is
trained on the other k - 1 folds and scored on fold j; the k scores estimate
the error on unseen data, and their mean is what a grid search compares:

.. math:: \mathrm{CV}(\lambda) = \frac1k \sum_{j=1}^k
          \mathrm{score}\big(\text{model trained on } \mathcal{D} \setminus F_j
          \text{ with } \lambda,\; F_j\big)

Every value of the grid is scored on the **same** folds, so the comparison is
paired: the differences between values are not blurred by different splits.
The test set is never touched here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_positive_int, check_rng

__all__ = ["kfold_indices", "cross_validate", "grid_search_cv", "CVResult"]


def kfold_indices(n, k=5, *, shuffle=True, rng=None):
    """The ``k`` pairs ``(train_idx, val_idx)`` of a k-fold split of ``range(n)``.

    The validation folds are disjoint, cover every index exactly once, and
    differ in size by at most one. ``shuffle=True`` permutes the indices first
    with ``rng`` (None: seed 0); ``shuffle=False`` keeps contiguous blocks.
    """
    n = check_positive_int("n", n)
    k = check_positive_int("k", k)
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n} (each fold needs an example), got {k}")
    if not isinstance(shuffle, bool):
        raise ValueError(f"shuffle must be True or False, got {shuffle!r}")
    order = check_rng(rng).permutation(n) if shuffle else np.arange(n)
    folds = np.array_split(order, k)
    splits = []
    for j, val in enumerate(folds):
        train = np.concatenate([f for i, f in enumerate(folds) if i != j])
        splits.append((np.sort(train), np.sort(val)))
    return splits


def cross_validate(fit_and_score, X, y, *, k=5, shuffle=True, rng=None, splits=None):
    """Scores of ``fit_and_score(X_train, y_train, X_val, y_val)`` on each of the k folds.

    Returns an array of ``k`` floats (lower is better if the score is an error).
    Pass ``splits`` (from :func:`kfold_indices`) to reuse the same folds.
    """
    if not callable(fit_and_score):
        raise ValueError("fit_and_score must be a function (X_train, y_train, X_val, y_val) -> float")
    X = np.asarray(X)
    y = np.asarray(y)
    if X.shape[:1] != y.shape[:1]:
        raise ValueError(f"X has {X.shape[0]} rows but y has shape {y.shape}; they must match")
    if splits is None:
        splits = kfold_indices(X.shape[0], k, shuffle=shuffle, rng=rng)
    return np.array([float(fit_and_score(X[tr], y[tr], X[va], y[va])) for tr, va in splits])


@dataclass
class CVResult:
    """What :func:`grid_search_cv` measured: ``scores[i, j]`` is value i on fold j."""

    values: list
    scores: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.scores.mean(axis=1)

    @property
    def std(self) -> np.ndarray:
        """Standard deviation of the fold scores (ddof=1)."""
        return self.scores.std(axis=1, ddof=1)

    @property
    def best_index(self) -> int:
        """The value with the smallest mean score (the first one on a tie)."""
        return int(np.argmin(self.mean))

    @property
    def best(self):
        return self.values[self.best_index]

    def table(self, name="value", digits=4) -> str:
        """A plain-text table: one row per value, its mean and std over the folds, and the choice."""
        lines = [f"{name:>10}  {'CV mean':>10}  {'CV std':>10}"]
        for i, v in enumerate(self.values):
            mark = "  <- chosen" if i == self.best_index else ""
            lines.append(f"{v:>10g}  {self.mean[i]:>10.{digits}g}  {self.std[i]:>10.{digits}g}{mark}")
        return "\n".join(lines)


def grid_search_cv(fit_and_score, values, X, y, *, k=5, shuffle=True, rng=None):
    """k-fold cross-validation of every value in ``values`` on the same folds.

    ``fit_and_score(value, X_train, y_train, X_val, y_val) -> float`` trains a
    fresh model with the hyperparameter ``value`` and returns its validation
    error. Returns a :class:`CVResult`; ``result.best`` is the value with the
    lowest mean error.
    """
    values = list(values)
    if not values:
        raise ValueError("values must list at least one hyperparameter value")
    if not callable(fit_and_score):
        raise ValueError("fit_and_score must be a function (value, X_train, y_train, X_val, y_val) -> float")
    X = np.asarray(X)
    splits = kfold_indices(X.shape[0], k, shuffle=shuffle, rng=rng)
    scores = np.array([cross_validate(lambda a, b, c, d, v=v: fit_and_score(v, a, b, c, d), X, y, splits=splits)
                       for v in values])
    return CVResult(values=values, scores=scores)
