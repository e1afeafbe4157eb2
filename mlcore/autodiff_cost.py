r"""What a full Jacobian costs in forward mode (JVPs) and in reverse mode (VJPs).

For :math:`f: \mathbb{R}^{n} \to \mathbb{R}^{m}` with Jacobian :math:`J` of
shape ``(m, n)`` (one row per output, one column per input):

- **forward mode** pushes one tangent vector :math:`v` through the network
  per pass and returns the column :math:`Jv`; with :math:`v = e_j` that is
  column :math:`j`, so the whole Jacobian takes :math:`n` passes
  (:func:`jacfwd`, named as in JAX);
- **reverse mode** pulls one cotangent vector :math:`u` back per pass and
  returns the row :math:`u^\top J`; with :math:`u = e_i` that is row
  :math:`i`, so the whole Jacobian takes :math:`m` passes (:func:`jacrev`).

The counts here are exact and deterministic: :func:`passes` (how many JVPs
or VJPs), :func:`multiply_adds` (the arithmetic of those passes through an
:class:`mlcore.MLP`), :func:`stored_floats` and :func:`cached_floats` (the
memory reverse mode keeps for its backward pass). :func:`time_best` and
:func:`time_jacobian_modes` measure time, which is not
deterministic: chapters print it only in cells whose output is not checked.
"""

from __future__ import annotations

import time

import numpy as np

from ._validate import as_float_array, check_choice, check_positive_int, check_sizes
from .layers import ActivationLayer, Dropout, Linear

__all__ = ["CallCounter", "jacfwd", "jacrev", "passes", "multiply_adds", "stored_floats",
           "cached_floats", "time_best", "time_jacobian_modes", "MODES"]

MODES = ("forward", "reverse")


class CallCounter:
    """Wrap a function and count how often it is called (``.calls``).

    >>> square = CallCounter(lambda v: v * v)
    >>> square(3.0), square.calls
    (9.0, 1)
    """

    def __init__(self, fn):
        if not callable(fn):
            raise ValueError(f"fn must be callable, got {fn!r}")
        self.fn = fn
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


def _column(name, value, length):
    out = as_float_array(name, value, ndim=1)
    if length is not None and out.shape[0] != length:
        raise ValueError(f"{name} must have {length} entries like the first one, got shape {out.shape}")
    return out


def jacfwd(jvp, n_in) -> np.ndarray:
    r"""The Jacobian column by column from ``n_in`` JVPs (forward mode).

    ``jvp(v)`` maps a tangent ``v`` of shape ``(n_in,)`` to :math:`Jv` of shape
    ``(n_out,)``; column ``j`` of the result is ``jvp(e_j)``. Exactly ``n_in``
    calls are made, one per input. Returns ``J`` of shape ``(n_out, n_in)``.
    For an :class:`mlcore.MLP` at a point ``x``: ``jacfwd(lambda v: net.jvp(x, v), n_in)``.
    """
    return _stack_basis_images(jvp, check_positive_int("n_in", n_in), "jvp", axis=1)


def jacrev(vjp, n_out) -> np.ndarray:
    r"""The Jacobian row by row from ``n_out`` VJPs (reverse mode).

    ``vjp(u)`` maps a cotangent ``u`` of shape ``(n_out,)`` to :math:`u^\top J` of
    shape ``(n_in,)``; row ``i`` of the result is ``vjp(e_i)``. Exactly ``n_out``
    calls are made, one per output. Returns ``J`` of shape ``(n_out, n_in)``.
    For an :class:`mlcore.MLP` at a point ``x``: ``jacrev(lambda u: net.vjp(x, u), n_out)``.
    """
    return _stack_basis_images(vjp, check_positive_int("n_out", n_out), "vjp", axis=0)


def _stack_basis_images(f, n, name, axis):
    """``f(e_k)`` for k = 0..n-1, each checked to have the same length, stacked along ``axis``."""
    eye = np.eye(n)
    images, length = [], None
    for k in range(n):
        image = _column(f"{name}(e_{k})", f(eye[k]), length)
        length = image.shape[0]
        images.append(image)
    return np.stack(images, axis=axis)


def _sizes(sizes):
    return check_sizes(sizes, example="[4, 8, 6, 4, 2]")


def passes(sizes, mode) -> int:
    """How many JVPs (``mode="forward"``) or VJPs (``"reverse"``) build the full Jacobian.

    Forward mode needs one pass per input, ``sizes[0]``; reverse mode one per
    output, ``sizes[-1]``. For the 4-8-6-4-2 network: 4 JVPs or 2 VJPs.
    """
    sizes = _sizes(sizes)
    check_choice("mode", mode, MODES)
    return sizes[0] if mode == "forward" else sizes[-1]


def multiply_adds(sizes, mode, *, output_activation=False) -> int:
    r"""Multiply-adds of the derivative passes that build the Jacobian of ``MLP(sizes)``.

    One JVP or VJP through a dense layer :math:`n_{\ell-1} \to n_\ell` is a
    matrix-vector product, :math:`n_\ell n_{\ell-1}` multiply-adds; through an
    elementwise activation it is :math:`n_\ell` products with
    :math:`\varphi'(z)`. Both directions cost the same per pass,

    .. math:: c = \sum_{\ell=1}^{L} n_\ell n_{\ell-1} + \sum_{\ell=1}^{L-1} n_\ell
              \;(+\, n_L \text{ with an elementwise output activation}),

    so the total is ``passes(sizes, mode) * c``: :math:`n_0 c` forward,
    :math:`n_L c` reverse. The primal (forward) evaluation that each pass also
    needs is not included. 4-8-6-4-2: c = 130, so 520 forward and 260 reverse.
    """
    sizes = _sizes(sizes)
    per_pass = sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes[1:-1])
    if output_activation:
        per_pass += sizes[-1]
    return passes(sizes, mode) * per_pass


def stored_floats(sizes, batch=1, *, output_activation=False) -> int:
    r"""Floats an ``MLP(sizes)`` keeps after a forward pass, for its backward pass.

    Each dense layer keeps its input (:math:`n_{\ell-1}` per example) and each
    activation its pre-activation (:math:`n_\ell`), so for a batch of ``batch``
    examples

    .. math:: \text{batch} \times \Bigl(\sum_{\ell=0}^{L-1} n_\ell + \sum_{\ell=1}^{L-1} n_\ell
              \;(+\, n_L \text{ with an output activation})\Bigr).

    This is the memory of reverse mode; forward mode needs only the current
    layer's value and tangent. 4-8-6-4-2, one example: 22 + 18 = 40.
    (Dropout masks, if any, come on top; :func:`cached_floats` counts them.)
    """
    sizes = _sizes(sizes)
    batch = check_positive_int("batch", batch)
    per_example = sum(sizes[:-1]) + sum(sizes[1:-1]) + (sizes[-1] if output_activation else 0)
    return batch * per_example


def cached_floats(net) -> int:
    """Count the floats the layers of ``net`` hold for the backward pass right now.

    Reads what the last ``forward`` stored: each Linear's input, each
    activation's pre-activation and each active dropout mask. Before any
    forward pass the count is 0. Compare with :func:`stored_floats`.
    """
    layers = getattr(net, "layers", None)
    if layers is None:
        raise ValueError(f"net must be an mlcore.MLP (something with .layers), got {type(net).__name__}")
    total = 0
    for layer in layers:
        if isinstance(layer, Linear):
            held = layer._X
        elif isinstance(layer, ActivationLayer):
            held = layer._z
        elif isinstance(layer, Dropout):
            held = layer._mask
        else:  # pragma: no cover - MLP builds only the three kinds
            held = None
        total += 0 if held is None else int(np.size(held))
    return total


def time_best(fn, *, repeat=5, number=1, timer=None) -> float:
    """Seconds per call of ``fn()``: the best of ``repeat`` runs of ``number`` calls each.

    The minimum is the usual estimate (as in ``timeit``): noise from other
    processes only ever adds time. ``timer`` is the clock, ``time.perf_counter``
    (wall-clock time) by default; ``time.process_time`` counts only the CPU time
    of this process, which other programs on a busy machine cannot inflate.
    Not deterministic; never assert on it.
    """
    if not callable(fn):
        raise ValueError(f"fn must be callable, got {fn!r}")
    repeat = check_positive_int("repeat", repeat)
    number = check_positive_int("number", number)
    timer = time.perf_counter if timer is None else timer
    if not callable(timer):
        raise ValueError(f"timer must be a clock function such as time.perf_counter, got {timer!r}")
    best = float("inf")
    for _ in range(repeat):
        start = timer()
        for _ in range(number):
            fn()
        best = min(best, (timer() - start) / number)
    return best


def time_jacobian_modes(net, x, *, repeat=5, number=1, timer=None) -> dict:
    """Time the full Jacobian of ``net`` at ``x`` built by JVPs and by VJPs.

    Returns ``{"forward": seconds, "reverse": seconds}``: :func:`jacfwd` with
    ``net.jvp`` (``n_in`` passes) and :func:`jacrev` with ``net.vjp``
    (``n_out`` passes), each timed with :func:`time_best` (same ``repeat``,
    ``number`` and ``timer``).
    """
    x = as_float_array("x", x, ndim=1)
    n_in, n_out = net.sizes[0], net.sizes[-1]
    if x.shape[0] != n_in:
        raise ValueError(f"x must have shape ({n_in},), got {x.shape}")
    options = {"repeat": repeat, "number": number, "timer": timer}
    return {
        "forward": time_best(lambda: jacfwd(lambda v: net.jvp(x, v), n_in), **options),
        "reverse": time_best(lambda: jacrev(lambda u: net.vjp(x, u), n_out), **options),
    }
