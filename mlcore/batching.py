r"""Batch, stochastic and mini-batch training, measured (Chapter 9).

- :func:`train_curve` runs plain SGD with a chosen batch size for a fixed number
  of *updates* and records the **full training loss** (over all N examples)
  after every ``record_every`` updates, together with the wall time spent in the
  updates alone (the evaluations are not timed). ``batch_size=None`` is batch
  gradient descent (one update per epoch), ``1`` is stochastic gradient descent
  (N updates per epoch), ``B`` is mini-batch (ceil(N/B) updates per epoch).
- :func:`hessian` / :func:`condition_number`: the Hessian of the mean squared
  error of a linear model, or of the mean logistic loss, with respect to the
  weights and the bias, and the ratio of its largest to its smallest eigenvalue.
- :func:`preactivation_variances`: the variance of each layer's pre-activation
  z for an :class:`mlcore.MLP`, the forward signal the initialisation controls.
"""

from __future__ import annotations

import math
import time

import numpy as np

from . import losses as _losses
from ._validate import as_float_array, check_choice, check_positive, check_positive_int, check_rng
from .data import minibatches
from .layers import Linear
from .optim import SGD

__all__ = ["train_curve", "updates_per_epoch", "hessian", "condition_number", "preactivation_variances"]


def updates_per_epoch(n, batch_size=None) -> int:
    """How many updates one sweep over ``n`` examples makes: 1 (batch), n (B = 1), ceil(n / B)."""
    n = check_positive_int("n", n)
    if batch_size is None:
        return 1
    return math.ceil(n / check_positive_int("batch_size", batch_size))


def train_curve(model, loss, X, y, *, batch_size=None, lr, updates, record_every=1, rng=None,
                schedule=None):
    """Train ``model`` with plain SGD for ``updates`` steps; record the full-data loss.

    Parameters
    ----------
    model : MLP
    loss : Loss or str
    X, y : the whole training set (the loss recorded is over all of it)
    batch_size : None (batch GD), 1 (SGD) or B (mini-batch); batches are drawn
        by reshuffling every epoch, as :func:`mlcore.training.fit` does
    lr : float, the step size
    updates : int, the number of parameter updates to make
    record_every : int, evaluate the full training loss every this many updates
    rng : seed or Generator for the shuffling
    schedule : None or a callable ``opt -> Schedule`` (e.g.
        ``lambda o: InverseTimeDecay(o, decay=0.01)``), stepped after every update

    Returns
    -------
    dict with arrays ``update`` (0, record_every, ...), ``loss`` (the full
    training loss there), ``time`` (seconds spent updating up to there),
    and ``epochs`` (float: updates / updates_per_epoch).
    """
    loss = _losses.get(loss)
    X = as_float_array("X", X, ndim=2, dtype=model.dtype)
    y = np.asarray(y)
    n = X.shape[0]
    if y.shape[:1] != (n,):
        raise ValueError(f"X has {n} rows but y has shape {y.shape}")
    lr = check_positive("lr", lr)
    updates = check_positive_int("updates", updates)
    record_every = check_positive_int("record_every", record_every)
    B = n if batch_size is None else min(check_positive_int("batch_size", batch_size), n)
    rng = check_rng(rng)
    opt = SGD(model.params(), lr=lr)
    sched = schedule(opt) if schedule is not None else None

    def full_loss():
        model.eval()
        value = float(loss(model.forward(X), y))
        model.train()
        return value

    rec_u, rec_l, rec_t = [0], [full_loss()], [0.0]
    spent, done = 0.0, 0
    model.train()
    while done < updates:
        for Xb, yb in minibatches(X, y, B, shuffle=B < n, rng=rng):
            start = time.perf_counter()
            out = model._forward(Xb)
            _, grad = loss.value_and_grad(out, yb)
            model._backward(grad if grad.ndim == 2 else grad[None, :], input_grad=False)
            opt.step(model.grads())
            if sched is not None:
                sched.step()
            spent += time.perf_counter() - start
            done += 1
            if done % record_every == 0 or done == updates:
                value = full_loss()
                if not np.isfinite(value):
                    raise FloatingPointError(f"the loss became {value} after {done} updates (lr={lr:g})")
                rec_u.append(done)
                rec_l.append(value)
                rec_t.append(spent)
            if done == updates:
                break
    model.eval()
    per_epoch = updates_per_epoch(n, None if B == n else B)
    u = np.array(rec_u)
    return {"update": u, "loss": np.array(rec_l), "time": np.array(rec_t), "epochs": u / per_epoch}


def _design(X):
    X = as_float_array("X", X, ndim=2)
    return np.c_[X, np.ones(X.shape[0])]


def hessian(X, kind="linear", w=None):
    r"""Hessian of the mean loss of a linear model in ``(w, b)`` (bias last).

    ``kind="linear"``: :math:`J = \frac{1}{2N}\sum_n (w^\top x_n + b - y_n)^2`, so
    :math:`H = \frac1N \tilde X^\top \tilde X` with :math:`\tilde X = [X, 1]`.
    ``kind="logistic"``: :math:`J = \frac1N\sum_n \ell(\sigma(w^\top x_n + b), y_n)`
    (binary cross-entropy), so :math:`H = \frac1N \tilde X^\top S \tilde X`,
    :math:`S = \mathrm{diag}(p_n(1-p_n))`, at the point ``w`` (length D + 1;
    default 0, where every :math:`p_n = 1/2`).
    """
    check_choice("kind", kind, ("linear", "logistic"))
    Xt = _design(X)
    n = Xt.shape[0]
    if kind == "linear":
        return Xt.T @ Xt / n
    w = np.zeros(Xt.shape[1]) if w is None else as_float_array("w", w, ndim=1)
    if w.shape[0] != Xt.shape[1]:
        raise ValueError(f"w must have {Xt.shape[1]} entries (weights then bias), got {w.shape[0]}")
    p = 1.0 / (1.0 + np.exp(-(Xt @ w)))
    return (Xt * (p * (1 - p))[:, None]).T @ Xt / n


def condition_number(H) -> float:
    """Largest over smallest eigenvalue of a symmetric positive definite matrix."""
    H = as_float_array("H", H, ndim=2)
    ev = np.linalg.eigvalsh(H)
    if ev[0] <= 0:
        raise ValueError(f"H is not positive definite (smallest eigenvalue {ev[0]:.3g})")
    return float(ev[-1] / ev[0])


def preactivation_variances(model, X):
    """Variance (over examples and units) of each Linear layer's output z, in order.

    Runs ``model`` forward on ``X`` layer by layer (in eval mode) and returns a
    list with one float per Linear layer.
    """
    X = as_float_array("X", X, ndim=2, dtype=model.dtype)
    out, result = X, []
    for layer in model.layers:
        out = layer._forward(out)
        if isinstance(layer, Linear):
            result.append(float(out.var()))
    return result
