r"""Regularisation: weight penalties and early stopping.

The lectures' weight decay adds the squares of **all** weights and biases:

.. math:: C \leftarrow C + \lambda\Big(\sum w^2 + \sum b^2\Big), \qquad
          \frac{\partial}{\partial \theta}\,\lambda \sum \theta^2 = 2\lambda\theta

(Libraries usually leave biases out; :func:`l2_penalty` follows the lectures
and takes ``include_biases=False`` for the library convention.) Note the factor
2: this penalty's gradient is ``2 lam theta``, whereas ``weight_decay=wd`` in
:class:`mlcore.optim.SGD` adds ``wd * theta``; the two agree when wd = 2 lam.
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import check_nonnegative, check_positive_int

__all__ = ["l2_penalty", "l2_grads", "l1_penalty", "l1_grads", "EarlyStopping"]


def _select(params, include_biases):
    # params() lists W1, b1, W2, b2, ...: weights at even positions, biases at odd.
    params = list(params)
    return [p for i, p in enumerate(params) if include_biases or i % 2 == 0], params


def l2_penalty(params, lam, *, include_biases=True) -> float:
    """``lam * (sum w^2 + sum b^2)`` over ``params = model.params()``."""
    lam = check_nonnegative("lam", lam)
    chosen, _ = _select(params, include_biases)
    return lam * float(sum(np.sum(p * p) for p in chosen))


def l2_grads(params, lam, *, include_biases=True):
    """Gradients of :func:`l2_penalty`, one per parameter: ``2 lam theta`` (0 for excluded biases)."""
    lam = check_nonnegative("lam", lam)
    params = list(params)
    return [p.dtype.type(2 * lam) * p if include_biases or i % 2 == 0 else np.zeros_like(p)
            for i, p in enumerate(params)]


def l1_penalty(params, lam, *, include_biases=False) -> float:
    """``lam * sum |w|`` (weights only by default): pushes weights to exactly zero (sparse networks)."""
    lam = check_nonnegative("lam", lam)
    chosen, _ = _select(params, include_biases)
    return lam * float(sum(np.sum(np.abs(p)) for p in chosen))


def l1_grads(params, lam, *, include_biases=False):
    """Subgradients ``lam * sign(theta)`` of :func:`l1_penalty` (0 at theta = 0)."""
    lam = check_nonnegative("lam", lam)
    params = list(params)
    return [p.dtype.type(lam) * np.sign(p) if include_biases or i % 2 == 0 else np.zeros_like(p)
            for i, p in enumerate(params)]


class EarlyStopping:
    """Stop when the monitored validation loss has not improved for ``patience`` epochs.

    Use it as a ``fit`` callback: after every epoch it reads
    ``history["val_loss"][-1]`` (or ``history["loss"]`` without validation),
    remembers the best parameters, and sets ``stop = True`` once ``patience``
    epochs pass without an improvement larger than ``min_delta``. With
    ``restore_best=True`` the model gets its best parameters back at the end.

    The two monitors are not measured at the same moment: ``val_loss`` is
    computed after the epoch, with the parameters the epoch ended with, while
    ``loss`` is the mean of the epoch's mini-batch losses, each taken before
    that batch's update, so it describes parameters up to one epoch older.
    """

    def __init__(self, patience=5, *, min_delta=0.0, restore_best=True, monitor="val_loss"):
        self.patience = check_positive_int("patience", patience)
        self.min_delta = check_nonnegative("min_delta", min_delta)
        if monitor not in ("val_loss", "loss"):
            raise ValueError(f"monitor must be 'val_loss' or 'loss', got {monitor!r}")
        self.monitor = monitor
        if not isinstance(restore_best, bool):
            raise ValueError(f"restore_best must be True or False, got {restore_best!r}")
        self.restore_best = restore_best
        self.reset()

    def reset(self):
        self.best = math.inf
        self.best_epoch = None
        self.wait = 0
        self.stop = False
        self._best_state = None

    def update(self, value, epoch, model=None) -> bool:
        """Record one epoch's monitored value; return True when training should stop."""
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if model is not None and self.restore_best:
                self._best_state = model.state()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stop = True
        return self.stop

    # fit() calls these two hooks
    def on_epoch_end(self, epoch, history, model):
        key = self.monitor if self.monitor in history and history[self.monitor] else "loss"
        return self.update(history[key][-1], epoch, model)

    def on_train_end(self, model):
        if self.restore_best and self._best_state is not None:
            model.load_state(self._best_state)
