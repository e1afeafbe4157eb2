"""The training loop: mini-batch gradient descent with any optimiser.

One epoch is one pass over the data in mini-batches of ``batch_size``
(``None``: the whole set, i.e. batch gradient descent; ``1``: online SGD). Each
step does exactly what the lectures describe: forward pass, loss, backward
pass, parameter update.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from . import losses as _losses
from ._validate import as_float_array, check_positive_int, check_rng
from .data import minibatches
from .network import MLP
from .optim import Optimizer

__all__ = ["fit", "History", "TrainingDiverged", "LiveLoss"]


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or inf during training."""


class History(dict):
    """Per-epoch records: ``history["loss"]``, ``history["val_loss"]`` (with validation),
    ``history["epoch"]`` and ``history["time"]`` (seconds since the start)."""

    @property
    def epochs(self) -> int:
        return len(self["loss"])

    def __repr__(self):
        last = {k: (round(v[-1], 4) if v else None) for k, v in self.items() if k not in ("epoch", "time")}
        return f"History(epochs={self.epochs}, last={last})"


class _ProgressBar:
    """Progress over epochs with ``tqdm.auto``: a widget bar in a notebook, text on stderr elsewhere.

    tqdm shows the rate and the time left, and refreshes at most ~10 times a
    second, so it costs nothing measurable. The latest losses go in the bar's
    postfix. nbval ignores stderr (see conftest.py); chapters pass
    ``progress=False`` so their stored outputs hold no bar at all.
    """

    def __init__(self, total, enabled):
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm
            self.bar = tqdm(total=total, desc="fit", unit="epoch", leave=True, mininterval=0.1)

    def update(self, epoch, logs, force=False):
        if self.bar is None:
            return
        self.bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=False)
        self.bar.update(epoch - self.bar.n)
        if force:
            self.bar.refresh()

    def close(self):
        if self.bar is not None:
            self.bar.close()


class LiveLoss:
    """A callback that redraws the train (and validation) loss curve in place as epochs finish.

    In a notebook the figure is one output that is replaced on every redraw
    (``IPython.display`` with a display id), so the cell shows a single,
    growing curve; elsewhere (a script, a terminal) it only keeps the history,
    which :meth:`figure` draws on demand (so training in a script pays
    nothing for the callback).

    >>> fit(model, "cross_entropy", opt, X, y, epochs=50, validation=(Xv, yv),
    ...     callbacks=[LiveLoss(every=5)])

    Parameters
    ----------
    every : int
        Redraw every this many epochs (and always after the last one).
    log : bool
        Plot the loss on a log scale.
    title : str
        The figure's title.
    """

    def __init__(self, every=1, *, log=False, title="Training loss"):
        self.every = check_positive_int("every", every)
        if not isinstance(log, bool):
            raise ValueError(f"log must be True or False, got {log!r}")
        self.log, self.title = log, str(title)
        self._handle = None
        self._fig = None
        self._last_history = None
        self._drawn_epoch = None

    def figure(self):
        """The loss-curve figure (a matplotlib Figure) up to the last epoch, or None before the first."""
        history = self._last_history
        if history is None or not history["epoch"]:
            return None
        if self._fig is None or self._drawn_epoch != history["epoch"][-1]:
            self._draw(history)
            self._drawn_epoch = history["epoch"][-1]
        return self._fig

    def _draw(self, history):
        from matplotlib.figure import Figure

        if self._fig is None:
            self._fig = Figure(figsize=(6, 3.2), dpi=100)
        fig = self._fig
        fig.clear()
        ax = fig.add_subplot()
        ax.plot(history["epoch"], history["loss"], color="C0", label="train")
        if history.get("val_loss"):
            ax.plot(history["epoch"], history["val_loss"], color="C1", label="validation")
        if self.log:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.set_title(self.title)
        ax.legend(loc="upper right")
        fig.tight_layout()
        return fig

    @staticmethod
    def _in_notebook() -> bool:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is part of the course environment
            return False
        return get_ipython() is not None

    def _show(self, fig):
        from IPython.display import display

        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)

    def on_epoch_end(self, epoch, history, model):
        self._last_history = history
        # Outside a notebook nothing is shown, so nothing is drawn until figure() asks.
        if epoch % self.every == 0 and self._in_notebook():
            self._show(self._draw(history))
            self._drawn_epoch = epoch
        return False

    def on_train_end(self, model):
        # The last epoch may fall between redraws (and early stopping may end
        # training at any epoch): show the final curve if it is not shown yet.
        history = self._last_history
        if (self._in_notebook() and history is not None and history["epoch"]
                and history["epoch"][-1] != self._drawn_epoch):
            self._show(self._draw(history))
            self._drawn_epoch = history["epoch"][-1]


def fit(model, loss, optimizer, X, y, *, epochs, batch_size=None, shuffle=True, rng=None,
        validation=None, callbacks=(), progress=True, regularizer=None):
    """Train ``model`` and return the per-epoch :class:`History`.

    On return the model is in evaluation mode (dropout off).

    Parameters
    ----------
    model : MLP
        Or anything with forward, backward, params, grads, train and eval.
    loss : Loss or str
        e.g. ``mlcore.losses.cross_entropy`` or ``"mse"``.
    optimizer : mlcore.optim optimiser built on ``model.params()``
    X : array of shape (N, D)
        The inputs, one example per row.
    y : array
        Targets in the layout the loss expects (int labels ``(N,)`` for
        cross-entropy; ``(N, n_out)`` for MSE).
    epochs : int
    batch_size : int or None
        None uses the whole training set in every step (batch gradient descent).
    shuffle : bool
        Draw a new order each epoch from ``rng`` (None: seed 0).
    validation : tuple or None
        A pair ``(X_val, y_val)``, evaluated (in eval mode) after every epoch into ``history["val_loss"]``.
    callbacks : sequence
        Objects with ``on_epoch_end(epoch, history, model) -> bool``
        (return True to stop) and optionally ``on_train_end(model)``;
        e.g. :class:`mlcore.regularization.EarlyStopping`.
    progress : bool
        Show a progress bar (on stderr).
    regularizer : callable or None
        ``regularizer(params) -> (penalty, grads)`` added to the loss and its
        gradients, e.g. ``lambda ps: (l2_penalty(ps, 1e-3), l2_grads(ps, 1e-3))``.

    Raises
    ------
    TrainingDiverged
        If the loss or the network's output becomes NaN or inf; the message
        names the epoch and step and suggests a smaller learning rate.
    """
    loss = _losses.get(loss)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an mlcore.optim optimiser, got {type(optimizer).__name__}")
    epochs = check_positive_int("epochs", epochs)
    dtype = getattr(model, "dtype", np.float64)
    X = as_float_array("X", X, ndim=2, dtype=dtype)
    y = np.asarray(y)
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(f"X has {X.shape[0]} rows but y has shape {y.shape}; they must match")
    if np.issubdtype(y.dtype, np.floating):
        y = as_float_array("y", y, dtype=dtype)
    n = X.shape[0]
    batch_size = n if batch_size is None else check_positive_int("batch_size", batch_size)
    rng = check_rng(rng)
    if validation is not None:
        try:
            X_val, y_val = validation
        except (TypeError, ValueError):
            raise ValueError("validation must be a pair (X_val, y_val)") from None
        X_val = as_float_array("X_val", X_val, ndim=2, dtype=dtype)
    for cb in callbacks:
        if not hasattr(cb, "on_epoch_end"):
            raise ValueError(f"callback {cb!r} has no on_epoch_end(epoch, history, model) method")

    output = getattr(model, "output", None)
    if isinstance(loss, _losses.CrossEntropy) and getattr(output, "name", None) == "softmax":
        raise ValueError("loss cross_entropy expects logits, but the model already ends in a softmax "
                         "(output='softmax'), so the softmax would be applied twice; build the MLP "
                         "with output=None and keep loss=cross_entropy")
    # Check every target against the loss once, before any update, so that a bad
    # label (out of range, wrong shape, not a probability) is reported up front
    # rather than in the middle of an epoch. A placeholder output of the model's
    # output shape stands in for the predictions (for BCE it lies in [0, 1]).
    model.train()
    first = model.forward(X[:1])
    placeholder = np.full((n,) + first.shape[1:], 0.5, dtype=first.dtype)
    try:
        loss._check(placeholder, y)
    except ValueError as exc:
        raise ValueError(f"y does not fit the loss {loss!r} for this model: the model outputs shape "
                         f"(N, {first.shape[1]}) and y has shape {y.shape}. {exc}") from None

    # X was checked once above (finite, 2-D, the model's dtype), so an MLP's
    # trusted forward pass skips re-checking every batch.
    forward = model._forward if isinstance(model, MLP) and X.dtype == model.dtype else model.forward
    history = History(loss=[], epoch=[], time=[])
    if validation is not None:
        history["val_loss"] = []
    bar = _ProgressBar(epochs, progress)
    start = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            total, count = 0.0, 0
            for step, (Xb, yb) in enumerate(minibatches(X, y, batch_size, shuffle=shuffle, rng=rng), start=1):
                out = forward(Xb)
                if not np.all(np.isfinite(out)):
                    _diverged(epoch, step, "the network's output", optimizer)
                value, grad = loss.value_and_grad(out, yb)
                if regularizer is not None:
                    penalty, reg_grads = regularizer(model.params())
                    value += penalty
                if not np.isfinite(value):
                    _diverged(epoch, step, "the loss", optimizer)
                model._backward(grad if grad.ndim == 2 else grad[None, :], input_grad=False)
                grads = model.grads()
                if regularizer is not None:
                    grads = [g + r for g, r in zip(grads, reg_grads)]
                optimizer.step(grads)
                total += value * Xb.shape[0]
                count += Xb.shape[0]
            history["loss"].append(total / count)
            history["epoch"].append(epoch)
            logs = {"loss": history["loss"][-1]}
            if validation is not None:
                model.eval()
                val = loss(model.forward(X_val), y_val)
                history["val_loss"].append(val)
                logs["val_loss"] = val
            history["time"].append(time.perf_counter() - start)
            bar.update(epoch, logs)
            if any([bool(cb.on_epoch_end(epoch, history, model)) for cb in callbacks]):
                bar.update(epoch, logs, force=True)
                break
    finally:
        bar.close()
        model.eval()  # predictions after training must not use dropout
    for cb in callbacks:
        if hasattr(cb, "on_train_end"):
            cb.on_train_end(model)
    return history


def _diverged(epoch, step, what, optimizer):
    raise TrainingDiverged(
        f"{what} became NaN or inf at epoch {epoch}, step {step} (lr={optimizer.lr:g}); "
        "training stopped. The step size is probably too large: try a smaller learning rate "
        f"(e.g. lr={optimizer.lr / 10:g}), standardise the inputs, or use a gentler initialisation."
    )
