"""Small, seeded data sets and data utilities. Nothing is downloaded.

Every generator returns ``X (N, D)`` float64 and ``y (N,)`` (integer class
labels for classification, floats for regression) and takes ``rng``: ``None``
means seed 0, so the same call always gives the same data.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_in_range, check_nonnegative, check_positive_int, check_rng

__all__ = ["xor", "moons", "spirals", "circles", "flight_delay", "FLIGHT_DELAY_EXAMPLE", "regression_1d",
           "standardize", "Standardizer", "one_hot", "train_test_split", "minibatches"]


def xor(n=200, *, noise=0.1, rng=None):
    """The XOR problem: four Gaussian blobs at the corners of the unit square.

    Label 1 where exactly one coordinate is 1 (corners (0, 1) and (1, 0)).
    ``noise=0`` and ``n=4`` gives exactly the four truth-table rows.
    """
    n = check_positive_int("n", n)
    noise = check_nonnegative("noise", noise)
    rng = check_rng(rng)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    idx = np.arange(n) % 4
    X = corners[idx] + noise * rng.standard_normal((n, 2))
    y = (corners[idx, 0] != corners[idx, 1]).astype(np.int64)
    return X, y


def moons(n=200, *, noise=0.1, rng=None):
    """Two interleaving half circles (like scikit-learn's ``make_moons``)."""
    n = check_positive_int("n", n)
    noise = check_nonnegative("noise", noise)
    rng = check_rng(rng)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    X = np.vstack([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    X += noise * rng.standard_normal(X.shape)
    y = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(n=300, *, classes=3, noise=0.2, rng=None):
    """``classes`` interleaved spiral arms (the CS231n spiral data)."""
    n = check_positive_int("n", n)
    classes = check_positive_int("classes", classes)
    noise = check_nonnegative("noise", noise)
    rng = check_rng(rng)
    y = np.arange(n) % classes
    r = np.empty(n)
    theta = np.empty(n)
    for c in range(classes):
        idx = np.flatnonzero(y == c)
        r[idx] = np.linspace(0.05, 1.0, idx.size)
        theta[idx] = np.linspace(c * 2 * np.pi / classes, c * 2 * np.pi / classes + 4.0, idx.size)
    theta += noise * rng.standard_normal(n)
    X = np.c_[r * np.sin(theta), r * np.cos(theta)]
    return X, y.astype(np.int64)


def circles(n=200, *, noise=0.05, factor=0.5, rng=None):
    """A small circle (label 1) inside a large one (label 0)."""
    n = check_positive_int("n", n)
    noise = check_nonnegative("noise", noise)
    factor = check_in_range("factor", factor, 0.0, 1.0, low_open=True, high_open=True)
    rng = check_rng(rng)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)], factor * np.c_[np.cos(t_in), np.sin(t_in)]])
    X += noise * rng.standard_normal(X.shape)
    y = np.r_[np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)]
    order = rng.permutation(n)
    return X[order], y[order]


#: The four flights of the lecture's example: inputs (temperature in degrees F,
#: wind speed in mph), the model's predicted probability of delay, and whether
#: the flight was delayed. (The slide shows only the first two labels of the
#: table in one place; the full column 1, 0, 1, 1 appears beside it.)
FLIGHT_DELAY_EXAMPLE = {
    "X": np.array([[-20.0, 45.0], [80.0, 0.0], [4.0, 15.0], [45.0, 60.0]]),
    "p": np.array([0.05, 0.02, 0.96, 0.35]),
    "y": np.array([1, 0, 1, 1]),
}


def flight_delay(n=400, *, rng=None):
    """A toy flight-delay set: temperature (deg F) and wind speed (mph) -> delayed (1) or not (0).

    Synthetic and seeded. Delays become likely in the cold (ice), in strong
    wind, and most of all when both happen; the log-odds are

        -3 + 0.06 * max(0, 32 - temp) + 0.07 * max(0, wind - 20) + 0.004 * max(0, 32 - temp) * max(0, wind - 20)

    so the classes are not linearly separable in the raw inputs.
    """
    n = check_positive_int("n", n)
    rng = check_rng(rng)
    temp = rng.uniform(-25, 95, n)
    wind = rng.gamma(2.0, 9.0, n).clip(0, 70)
    cold = np.maximum(0, 32 - temp)
    gust = np.maximum(0, wind - 20)
    logit = -3 + 0.06 * cold + 0.07 * gust + 0.004 * cold * gust
    p = 1 / (1 + np.exp(-logit))
    y = (rng.random(n) < p).astype(np.int64)
    return np.c_[temp, wind], y


def regression_1d(n=100, *, noise=0.1, rng=None, x_range=(-3.0, 3.0)):
    """Noisy samples of ``sin(x) + 0.3 x`` on ``x_range``: X ``(n, 1)``, y ``(n,)`` floats."""
    n = check_positive_int("n", n)
    noise = check_nonnegative("noise", noise)
    rng = check_rng(rng)
    try:
        lo, hi = x_range
    except (TypeError, ValueError):
        raise ValueError(f"x_range must be a pair (low, high), got {x_range!r}") from None
    if not lo < hi:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    x = np.sort(rng.uniform(lo, hi, n))
    y = np.sin(x) + 0.3 * x + noise * rng.standard_normal(n)
    return x[:, None], y


class Standardizer:
    """Feature-wise standardisation fitted on training data: ``(X - mean) / std``.

    Fit on the training set only, then apply the same transform to test data.
    Constant features (std 0) are left centred but unscaled.
    """

    def fit(self, X):
        X = as_float_array("X", X, ndim=2)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, X):
        if not hasattr(self, "mean_"):
            raise RuntimeError("call fit(X_train) before transform")
        X = as_float_array("X", X, ndim=2)
        if X.shape[1] != self.mean_.shape[0]:
            raise ValueError(f"X has {X.shape[1]} features but the standardizer was fitted on {self.mean_.shape[0]}")
        return (X - self.mean_) / self.std_

    def fit_transform(self, X):
        return self.fit(X).transform(X)

    def inverse_transform(self, Z):
        return as_float_array("Z", Z, ndim=2) * self.std_ + self.mean_


def standardize(X_train, *others):
    """Standardise ``X_train`` to mean 0, std 1 per feature and apply the same map to ``others``.

    Returns the transformed arrays (one, or a tuple) — fitted on the training data only.
    """
    s = Standardizer().fit(X_train)
    out = [s.transform(X_train)] + [s.transform(X) for X in others]
    return out[0] if not others else tuple(out)


def one_hot(y, num_classes=None):
    """Integer labels ``(N,)`` -> one-hot rows ``(N, K)`` of float64."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer labels, got shape {y.shape} and dtype {y.dtype}")
    if y.size and y.min() < 0:
        raise ValueError(f"y must hold non-negative labels, got minimum {y.min()}")
    k = int(y.max()) + 1 if num_classes is None else check_positive_int("num_classes", num_classes)
    if y.size and y.max() >= k:
        raise ValueError(f"y holds label {y.max()} but num_classes is {k}; expected labels in [0, {k - 1}]")
    out = np.zeros((y.size, k))
    out[np.arange(y.size), y] = 1
    return out


def train_test_split(X, y, *, test_fraction=0.25, rng=None):
    """Shuffle and split: returns ``X_train, X_test, y_train, y_test``."""
    X = np.asarray(X)
    y = np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}; they must match")
    test_fraction = check_in_range("test_fraction", test_fraction, 0.0, 1.0, low_open=True, high_open=True)
    n = X.shape[0]
    n_test = int(round(n * test_fraction))
    if n_test == 0 or n_test == n:
        raise ValueError(f"test_fraction={test_fraction} leaves an empty split for {n} examples")
    order = check_rng(rng).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def minibatches(X, y, batch_size, *, shuffle=True, rng=None):
    """Yield ``(X_batch, y_batch)`` pairs covering the data once (one epoch).

    The last batch is smaller when ``batch_size`` does not divide N. With
    ``shuffle=True`` the order is a fresh permutation drawn from ``rng``.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}; they must match")
    batch_size = check_positive_int("batch_size", batch_size)
    # Validated here, at the call, rather than at the first next() of a generator.
    order = check_rng(rng).permutation(X.shape[0]) if shuffle else None
    return _batches(X, y, batch_size, order)


def _batches(X, y, batch_size, order):
    n = X.shape[0]
    if order is not None:
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]
    else:
        for start in range(0, n, batch_size):
            yield X[start:start + batch_size], y[start:start + batch_size]
