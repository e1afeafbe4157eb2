r"""What a gradient costs: naive finite differences against back-propagation.

A network with P parameters has a cost J(theta) whose gradient has P entries.
The naive way to get them perturbs one parameter at a time; the centred
difference

.. math:: \frac{\partial J}{\partial \theta_i} \approx
          \frac{J(\theta + h e_i) - J(\theta - h e_i)}{2h}

needs two evaluations of J, that is two forward passes of the whole batch, per
parameter: exactly 2P forward passes. Back-propagation gets all P entries from
one forward and one backward pass, whatever P is. The backward pass of a dense
layer does two matrix products of the forward pass's size (``dW = G^T X`` and
``dX = G W``) where the forward pass does one (``X W^T``), so it costs about
twice a forward pass.

This module counts both (:class:`PassCounter`, :func:`fd_gradient`,
:func:`backprop_gradient`, :func:`matmul_flops`) and times them
(:func:`time_gradients`). Counts are exact and deterministic; times depend on
the machine and should only be plotted, never asserted.

Batch layout as everywhere in ``mlcore``: ``X`` is ``(N, n_in)``, rows are examples.

>>> from mlcore import MLP, losses
>>> from mlcore.backprop_cost import fd_gradient, backprop_gradient
>>> import numpy as np
>>> model = MLP([3, 4, 2], "tanh", rng=0)
>>> X, Y = np.ones((5, 3)), np.zeros((5, 2))
>>> fd_gradient(model, losses.mse, X, Y).forward_passes == 2 * model.n_params
True
>>> backprop_gradient(model, losses.mse, X, Y).forward_passes
1
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_positive, check_positive_int, check_rng
from .gradcheck import numerical_gradient

__all__ = ["PassCounter", "GradientResult", "CostRow", "fd_gradient", "backprop_gradient",
           "matmul_flops", "time_gradients"]


class PassCounter:
    """Wrap a model and count its forward and backward passes.

    Every call of ``forward`` (or of the wrapper itself) adds one to
    ``forward_passes``; every ``backward`` adds one to ``backward_passes``.
    ``params``, ``grads`` and ``n_params`` are those of the wrapped model.
    """

    def __init__(self, model):
        for name in ("forward", "backward", "params", "grads"):
            if not callable(getattr(model, name, None)):
                raise ValueError(f"model must have a {name}() method like mlcore.MLP, got {type(model).__name__}")
        self.model = model
        self.forward_passes = 0
        self.backward_passes = 0

    def forward(self, X):
        self.forward_passes += 1
        return self.model.forward(X)

    __call__ = forward

    def backward(self, grad_out, **kwargs):
        self.backward_passes += 1
        return self.model.backward(grad_out, **kwargs)

    def params(self):
        return self.model.params()

    def grads(self):
        return self.model.grads()

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.model.params()))


@dataclass
class GradientResult:
    """A gradient and what it cost.

    ``grads`` is ``[dJ/dW1, dJ/db1, ...]`` in the order of ``model.params()``;
    ``forward_passes`` and ``backward_passes`` count passes over the whole batch.
    """

    grads: list
    forward_passes: int
    backward_passes: int


def _check_batch(model, X):
    X = as_float_array("X", X, ndim=2)
    n_in = getattr(model, "sizes", [X.shape[1]])[0]
    if X.shape[1] != n_in:
        raise ValueError(f"X must have {n_in} columns (one row per example), got shape {X.shape}")
    return X


def fd_gradient(model, loss, X, y, h=1e-5) -> GradientResult:
    """The gradient of ``loss(model(X), y)`` by centred differences, parameter by parameter.

    Each parameter array is perturbed in place and restored (the model is left
    as it was). Costs exactly ``2 * model.n_params`` forward passes and no
    backward pass.
    """
    h = check_positive("h", h)
    X = _check_batch(model, X)
    counter = PassCounter(model)

    def cost(_):
        return loss(counter.forward(X), y)

    grads = [numerical_gradient(cost, p, h) for p in counter.params()]
    return GradientResult(grads, counter.forward_passes, counter.backward_passes)


def backprop_gradient(model, loss, X, y) -> GradientResult:
    """The gradient of ``loss(model(X), y)`` by one forward and one backward pass.

    ``loss`` must have ``value_and_grad`` (every :mod:`mlcore.losses` loss has).
    The returned arrays are copies, so a later pass does not overwrite them.
    """
    X = _check_batch(model, X)
    counter = PassCounter(model)
    _, grad_out = loss.value_and_grad(counter.forward(X), y)
    counter.backward(grad_out, input_grad=False)
    return GradientResult([g.copy() for g in counter.grads()], counter.forward_passes, counter.backward_passes)


def matmul_flops(sizes, n_examples, *, input_grad=False) -> dict:
    r"""Multiply-adds in the matrix products of one forward and one backward pass.

    For a dense layer ``n_in -> n_out`` on a batch of N rows the forward product
    ``X W^T`` costs :math:`N n_{in} n_{out}` multiply-adds; the backward pass
    costs the same for ``dW = G^T X`` and again for ``dX = G W``, which the first
    layer skips unless ``input_grad`` is true. Activations and biases (O(N n)
    each) are not counted. Returns ``{"forward": ..., "backward": ...}``.
    """
    sizes = [check_positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output width, got {sizes!r}")
    n = check_positive_int("n_examples", n_examples)
    per_layer = [n * a * b for a, b in zip(sizes[:-1], sizes[1:])]
    backward = 2 * sum(per_layer) - (0 if input_grad else per_layer[0])
    return {"forward": sum(per_layer), "backward": backward}


@dataclass
class CostRow:
    """One row of :func:`time_gradients`: a network, its counts and its (machine-dependent) times."""

    sizes: list
    n_params: int
    fd_forward_passes: int
    bp_forward_passes: int
    bp_backward_passes: int
    cost_seconds: float
    fd_seconds: float
    bp_seconds: float
    max_rel_error: float


def _best_time(fn, repeats, number=1):
    """Seconds per call of ``fn``: the fastest of ``repeats`` runs of ``number`` calls each.

    The garbage collector is paused while timing, as :mod:`timeit` does: otherwise a
    long run (finite differences) pays for collections that scan every object the
    session holds, and a short one does not.
    """
    best, result = np.inf, None
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(number):
                result = fn()
            best = min(best, (time.perf_counter() - start) / number)
    finally:
        if was_enabled:
            gc.enable()
    return best, result


def time_gradients(networks, loss, *, n_examples=16, activation="tanh", repeats=3, rng=0):
    """Time finite differences against back-propagation on each network of ``networks``.

    ``networks`` is a list of size lists such as ``[[4, 8, 1], [4, 32, 1]]``.
    For each, an :class:`mlcore.MLP` and a batch of ``n_examples`` standard
    normal inputs and targets are drawn from ``rng``. One evaluation of the cost
    (a forward pass and the loss, the unit finite differences repeat 2P times)
    and both gradients are each timed ``repeats`` times, keeping the fastest run.
    The cost and the back-propagated gradient are computed ``n_params`` times
    per run (at least 20), half as often as finite differences evaluate the
    cost, so that all runs are long and about equally exposed to other load,
    and the ratios (for example ``fd_seconds / cost_seconds``, close to
    ``2 * n_params``) hold even on a busy machine. ``max_rel_error`` is the largest ``rel_error`` between the two
    gradients over all parameter arrays, a check that both computed the same
    thing. Returns a list of :class:`CostRow`.
    """
    from .gradcheck import rel_error
    from .network import MLP

    repeats = check_positive_int("repeats", repeats)
    n = check_positive_int("n_examples", n_examples)
    rng = check_rng(rng)
    rows = []
    for sizes in networks:
        model = MLP(sizes, activation, rng=rng)
        X = rng.normal(size=(n, model.sizes[0]))
        y = rng.normal(size=(n, model.sizes[-1]))
        # P calls per run of the cost and of back-propagation, half as many as finite
        # differences make: all runs are long, and about equally exposed to whatever
        # else the machine is doing (a short run catches quiet moments a long one cannot).
        calls = max(20, model.n_params)
        cost_time, _ = _best_time(lambda: loss(model.forward(X), y), repeats, number=calls)
        fd_time, fd = _best_time(lambda: fd_gradient(model, loss, X, y), repeats)
        bp_time, bp = _best_time(lambda: backprop_gradient(model, loss, X, y), repeats, number=calls)
        err = max(rel_error(a, b) for a, b in zip(fd.grads, bp.grads))
        rows.append(CostRow(list(model.sizes), model.n_params, fd.forward_passes, bp.forward_passes,
                            bp.backward_passes, cost_time, fd_time, bp_time, err))
    return rows
