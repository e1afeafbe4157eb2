r"""Loss functions, each paired with its gradient.

Every loss is called as ``loss(y_hat, y)`` and returns the **batch mean** as a
Python float; ``loss.grad(y_hat, y)`` returns the gradient of that mean with
respect to ``y_hat``, with the shape of ``y_hat``. Because the loss is a mean,
the gradient already carries the factor ``1/N``; layers downstream therefore
*sum* over the batch.

Shapes are never broadcast: ``y_hat`` of shape ``(N, 1)`` against ``y`` of
shape ``(N,)`` raises ``ValueError``.

Each class carries ``formula`` and ``derivative``, sympy-syntax strings that its
docstring quotes verbatim and ``tests/test_losses.py`` differentiates: for
``mse``, ``mae``, ``huber`` and ``binary_cross_entropy`` the per-element loss in
``y_hat`` and ``y`` (the loss is its mean) and its derivative in ``y_hat``; for
``cross_entropy`` (logits ``z[0..K-1]``) and ``hinge`` (scores ``s[0..K-1]``)
the loss of one example with label ``c`` and its derivative with respect to
``z[i]`` (``s[i]``); the loss is the mean over examples.

What each loss expects:

- ``mse``, ``mae``, ``huber``: ``y_hat`` of any shape, ``y`` of the same shape.
- ``binary_cross_entropy``: ``y_hat`` probabilities in [0, 1]; ``y`` of the same
  shape with values in [0, 1].
- ``cross_entropy``: logits ``(N, K)`` (or ``(K,)`` for one example); ``y`` integer
  labels ``(N,)`` (or one int), or one-hot rows ``(N, K)`` (or ``(K,)``).
- ``hinge``: scores ``(N, K)`` (or ``(K,)``); ``y`` integer labels ``(N,)`` (or one int).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_choice, check_positive, check_same_shape
from .activations import softmax as _softmax

__all__ = ["Loss", "MSE", "MAE", "Huber", "BinaryCrossEntropy", "CrossEntropy", "Hinge",
           "mse", "mae", "huber", "binary_cross_entropy", "cross_entropy", "hinge", "get", "NAMES"]


class Loss:
    """Base class: ``loss(y_hat, y)`` is the batch mean, ``loss.grad(y_hat, y)`` its gradient."""

    name = "loss"
    formula = None      # per-element (or per-example) loss in sympy syntax
    derivative = None   # its derivative in sympy syntax

    def __call__(self, y_hat, y) -> float:
        y_hat, y = self._check(y_hat, y)
        return float(self._value(y_hat, y))

    def grad(self, y_hat, y) -> np.ndarray:
        y_hat, y = self._check(y_hat, y)
        return self._grad(y_hat, y)

    def value_and_grad(self, y_hat, y):
        """Both at once, validating only once (what ``fit`` uses)."""
        y_hat, y = self._check(y_hat, y)
        return float(self._value(y_hat, y)), self._grad(y_hat, y)

    def _check(self, y_hat, y):
        y_hat = as_float_array("y_hat", y_hat)
        y = as_float_array("y", y, dtype=y_hat.dtype)
        check_same_shape("y_hat", y_hat, "y", y)
        if y_hat.size == 0:
            raise ValueError("y_hat is empty; a loss needs at least one prediction")
        return y_hat, y

    def __repr__(self):
        return self.name


class MSE(Loss):
    r"""Mean squared error over **all** elements, as ``torch.nn.functional.mse_loss``.

    .. math:: J = \frac{1}{n}\sum_i (\hat y_i - y_i)^2, \qquad
              \frac{\partial J}{\partial \hat y_i} = \frac{2}{n}(\hat y_i - y_i)

    with n the number of elements of ``y_hat``.

    Formula: (y_hat - y)**2; derivative: 2*(y_hat - y)
    """

    name = "mse"
    formula = "(y_hat - y)**2"
    derivative = "2*(y_hat - y)"

    def _value(self, y_hat, y):
        d = y_hat - y
        return np.mean(d * d)

    def _grad(self, y_hat, y):
        return (2 / y_hat.size) * (y_hat - y)


class MAE(Loss):
    r"""Mean absolute error over all elements.

    .. math:: J = \frac{1}{n}\sum_i |\hat y_i - y_i|, \qquad
              \frac{\partial J}{\partial \hat y_i} = \frac{1}{n}\operatorname{sign}(\hat y_i - y_i)

    At a tie the derivative does not exist; ``sign(0) = 0`` is used (a subgradient).

    Formula: Abs(y_hat - y); derivative: sign(y_hat - y)
    """

    name = "mae"
    formula = "Abs(y_hat - y)"
    derivative = "sign(y_hat - y)"

    def _value(self, y_hat, y):
        return np.mean(np.abs(y_hat - y))

    def _grad(self, y_hat, y):
        return np.sign(y_hat - y) / y_hat.size


class Huber(Loss):
    r"""Huber loss with threshold ``delta`` (as ``torch.nn.functional.huber_loss``).

    .. math:: \ell(d) = \begin{cases} \tfrac12 d^2 & |d| \le \delta \\
              \delta\,(|d| - \tfrac12\delta) & |d| > \delta \end{cases}, \qquad
              \ell'(d) = \operatorname{clip}(d, -\delta, \delta)

    with d = y_hat - y, averaged over all elements.

    Formula: Piecewise((Rational(1, 2)*(y_hat - y)**2, Abs(y_hat - y) <= delta),
    (delta*(Abs(y_hat - y) - delta/2), True));
    derivative: Piecewise((y_hat - y, Abs(y_hat - y) <= delta), (delta*sign(y_hat - y), True))
    """

    name = "huber"
    formula = ("Piecewise((Rational(1, 2)*(y_hat - y)**2, Abs(y_hat - y) <= delta),\n"
               "    (delta*(Abs(y_hat - y) - delta/2), True))")
    derivative = "Piecewise((y_hat - y, Abs(y_hat - y) <= delta), (delta*sign(y_hat - y), True))"

    def __init__(self, delta: float = 1.0):
        self.delta = check_positive("delta", delta)

    def _value(self, y_hat, y):
        d = np.abs(y_hat - y)
        delta = self.delta
        return np.mean(np.where(d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta)))

    def _grad(self, y_hat, y):
        delta = y_hat.dtype.type(self.delta)
        return np.clip(y_hat - y, -delta, delta) / y_hat.size

    def __repr__(self):
        return f"huber(delta={self.delta})"


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy on **probabilities** p (not logits).

    .. math:: J = -\frac{1}{n}\sum_i \big[y_i \log p_i + (1 - y_i)\log(1 - p_i)\big], \qquad
              \frac{\partial J}{\partial p_i} = \frac{1}{n}\,\frac{p_i - y_i}{p_i(1 - p_i)}

    Like PyTorch, each log is clamped at -100 so that p = 0 or 1 gives a large
    finite loss instead of inf, and the denominator p(1 - p) is clamped at 1e-12.

    Formula: -(y*log(y_hat) + (1 - y)*log(1 - y_hat)); derivative: (y_hat - y)/(y_hat*(1 - y_hat))
    """

    name = "binary_cross_entropy"
    formula = "-(y*log(y_hat) + (1 - y)*log(1 - y_hat))"
    derivative = "(y_hat - y)/(y_hat*(1 - y_hat))"

    def _check(self, y_hat, y):
        y_hat, y = super()._check(y_hat, y)
        for name, arr in (("y_hat", y_hat), ("y", y)):
            if np.any(arr < 0) or np.any(arr > 1):
                lo, hi = float(arr.min()), float(arr.max())
                what = "probabilities" if name == "y_hat" else "labels"
                raise ValueError(
                    f"{name} must hold {what} in [0, 1], got values in [{lo:.4g}, {hi:.4g}]"
                    + ("; pass sigmoid(logits), not logits" if name == "y_hat" else "")
                )
        return y_hat, y

    def _value(self, p, y):
        log_p = np.maximum(np.log(p, where=p > 0, out=np.full_like(p, -np.inf)), -100)
        log_1mp = np.maximum(np.log1p(-p, where=p < 1, out=np.full_like(p, -np.inf)), -100)
        return -np.mean(y * log_p + (1 - y) * log_1mp)

    def _grad(self, p, y):
        denom = np.maximum(p * (1 - p), p.dtype.type(1e-12))
        return (p - y) / denom / p.size


class CrossEntropy(Loss):
    r"""Softmax cross-entropy on **logits** (unnormalised scores).

    .. math:: J = -\frac{1}{N}\sum_{n}\sum_k y_{nk}\log \mathrm{softmax}(z_n)_k, \qquad
              \frac{\partial J}{\partial z_n} = \frac{1}{N}\big(\mathrm{softmax}(z_n) - y_n\big)

    Labels ``y`` are integer classes ``(N,)`` or one-hot rows ``(N, K)`` (any
    rows of probabilities summing to 1 are accepted: soft labels). A single
    example may be given as logits ``(K,)`` with an int label or a one-hot ``(K,)``.

    Formula (one example, label c): log(Sum(exp(z[j]), (j, 0, K - 1))) - z[c];
    derivative: exp(z[i])/Sum(exp(z[j]), (j, 0, K - 1)) - KroneckerDelta(i, c)
    """

    name = "cross_entropy"
    formula = "log(Sum(exp(z[j]), (j, 0, K - 1))) - z[c]"
    derivative = "exp(z[i])/Sum(exp(z[j]), (j, 0, K - 1)) - KroneckerDelta(i, c)"

    def _check(self, y_hat, y):
        z, single = _score_matrix("logits", y_hat)
        n, k = z.shape
        labels = np.asarray(y)
        if labels.dtype == object:
            raise ValueError(f"y must be integer labels or one-hot rows, got {labels!r}")
        if single and labels.ndim == 0:
            labels = labels[None]
        elif single and labels.shape == (k,):
            labels = labels[None, :]  # one example given as a one-hot vector
        if labels.ndim == 1:
            labels = _check_int_labels(labels, n, k)
            target = np.zeros_like(z)
            target[np.arange(n), labels] = 1
        else:
            target = as_float_array("y", labels, dtype=z.dtype)
            check_same_shape("logits", z, "y (one-hot)", target)
            if np.any(target < 0) or np.any(target > 1):
                raise ValueError("y (one-hot) must hold values in [0, 1]")
            sums = target.sum(axis=1)
            if not np.allclose(sums, 1, atol=1e-6 if z.dtype == np.float64 else 1e-4):
                raise ValueError(f"each row of y (one-hot) must sum to 1, got row sums in [{sums.min():.4g}, {sums.max():.4g}]")
        return z, target

    def _value(self, z, target):
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.sum(target * log_p) / z.shape[0]

    def _grad(self, z, target):
        return (_softmax._f(z) - target) / z.shape[0]

    def grad(self, y_hat, y):
        z, target = self._check(y_hat, y)
        g = self._grad(z, target)
        return g[0] if np.ndim(y_hat) == 1 else g

    def value_and_grad(self, y_hat, y):
        z, target = self._check(y_hat, y)
        # One pass for both: the same shifted exponentials give log p (the value)
        # and p (the gradient), instead of computing the softmax twice.
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        n = z.shape[0]
        value = -np.sum(target * (shifted - np.log(total))) / n
        g = np.divide(e, total, out=e)   # in place, the same operations as (e / total - target) / n
        g -= target
        g /= n
        return float(value), (g[0] if np.ndim(y_hat) == 1 else g)


class Hinge(Loss):
    r"""Multiclass SVM (hinge) loss with margin 1 (Weston-Watkins, as in CS231n).

    .. math:: L_n = \sum_{j \ne y_n} \max(0,\; s_{nj} - s_{n y_n} + 1), \qquad J = \frac1N \sum_n L_n

    Gradient: for each j != y_n with a positive margin, +1/N on s_nj and -1/N on
    s_{n y_n}. At a margin of exactly 0 the subgradient 0 is used.

    Formula (one example, label c; the term j = c adds exactly margin, hence the
    subtraction): Sum(Max(0, s[j] - s[c] + margin), (j, 0, K - 1)) - margin;
    derivative: Heaviside(s[i] - s[c] + margin)
    - KroneckerDelta(i, c)*Sum(Heaviside(s[j] - s[c] + margin), (j, 0, K - 1))
    """

    name = "hinge"
    formula = "Sum(Max(0, s[j] - s[c] + margin), (j, 0, K - 1)) - margin"
    derivative = ("Heaviside(s[i] - s[c] + margin)\n"
                  "    - KroneckerDelta(i, c)*Sum(Heaviside(s[j] - s[c] + margin), (j, 0, K - 1))")

    def __init__(self, margin: float = 1.0):
        self.margin = check_positive("margin", margin)

    def _check(self, y_hat, y):
        s, single = _score_matrix("scores", y_hat)
        n, k = s.shape
        labels = np.asarray(y)
        if single and labels.ndim == 0:
            labels = labels[None]
        if labels.ndim != 1:
            raise ValueError(f"y must be integer labels of shape ({n},), got shape {labels.shape}")
        return s, _check_int_labels(labels, n, k)

    def _margins(self, s, labels):
        n = s.shape[0]
        correct = s[np.arange(n), labels][:, None]
        m = np.maximum(0, s - correct + s.dtype.type(self.margin))
        m[np.arange(n), labels] = 0
        return m

    def _value(self, s, labels):
        return self._margins(s, labels).sum() / s.shape[0]

    def _grad(self, s, labels):
        n = s.shape[0]
        active = (self._margins(s, labels) > 0).astype(s.dtype)
        active[np.arange(n), labels] = -active.sum(axis=1)
        return active / n

    def grad(self, y_hat, y):
        s, labels = self._check(y_hat, y)
        g = self._grad(s, labels)
        return g[0] if np.ndim(y_hat) == 1 else g

    def value_and_grad(self, y_hat, y):
        s, labels = self._check(y_hat, y)
        g = self._grad(s, labels)
        return float(self._value(s, labels)), (g[0] if np.ndim(y_hat) == 1 else g)

    def losses(self, y_hat, y) -> np.ndarray:
        """Per-example losses L_n (not averaged), e.g. to print a table."""
        s, labels = self._check(y_hat, y)
        return self._margins(s, labels).sum(axis=1)


def _score_matrix(name, y_hat):
    """Class scores as an (N, K) matrix; one example may come as a vector (K,). Returns (matrix, single)."""
    z = as_float_array(name, y_hat, ndim=(1, 2))
    single = z.ndim == 1
    if single:
        z = z[None, :]
    if z.shape[0] == 0 or z.shape[1] < 2:
        raise ValueError(f"{name} must have shape (N, K) with N >= 1 and K >= 2 classes, got {z.shape}")
    return z, single


def _check_int_labels(labels, n, k):
    if labels.shape != (n,):
        raise ValueError(f"y must have shape ({n},) to match {n} rows of scores, got {labels.shape}")
    if not (np.issubdtype(labels.dtype, np.integer) or
            (np.issubdtype(labels.dtype, np.floating) and np.all(np.mod(labels, 1) == 0))):
        raise ValueError(f"y must hold integer class labels, got dtype {labels.dtype}")
    if np.any(labels < 0) or np.any(labels >= k):
        raise ValueError(f"y holds labels in [{labels.min()}, {labels.max()}] but there are {k} classes; "
                         f"expected labels in [0, {k - 1}]")
    return labels.astype(np.intp)


mse = MSE()
mae = MAE()
huber = Huber(1.0)
binary_cross_entropy = BinaryCrossEntropy()
cross_entropy = CrossEntropy()
hinge = Hinge(1.0)

_INSTANCES = {"mse": mse, "mae": mae, "huber": huber, "binary_cross_entropy": binary_cross_entropy,
              "cross_entropy": cross_entropy, "hinge": hinge}
NAMES = tuple(_INSTANCES)


def get(name) -> Loss:
    """Return the loss called ``name`` (or pass a Loss through)."""
    if isinstance(name, Loss):
        return name
    check_choice("loss", name, NAMES)
    return _INSTANCES[name]
