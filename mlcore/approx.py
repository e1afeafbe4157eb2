r"""One-hidden-layer networks built, not trained, to approximate a function of one variable.

The universal approximation theorem says that for a continuous ``f`` on an
interval ``[a, b]`` and any tolerance there is a network
``g(x) = sum_k v_k phi(w_k x + b_k) + c`` with ``max |f - g| <`` tolerance. Its
classical proofs do not build the network. In one dimension two constructions
do, and they show how the error falls as the width grows:

- :func:`relu_interpolant`: ``width`` ReLU units reproduce, exactly on
  ``[a, b]``, the piecewise-linear interpolant of ``f`` at ``width + 1``
  equally spaced knots. For a twice-differentiable ``f`` its error is at most
  ``h**2 / 8 * max|f''|`` with ``h = (b - a) / width``.
- :func:`sigmoid_staircase`: ``width`` steep sigmoid units add one step of
  height ``f(t_k) - f(t_{k-1})`` between consecutive knots; the error falls
  like ``h`` (about ``max|f'| h / 2``) plus the steps' unsaturated tails.

Both return an :class:`mlcore.MLP` of sizes ``[1, width, 1]`` with a linear
output, so everything the package does with a network (forward, Jacobian,
training from this starting point) applies. Inputs are ``(N, 1)``, as for any
``MLP`` with one input.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_positive, check_positive_int
from .network import MLP

__all__ = ["knots", "relu_interpolant", "sigmoid_staircase"]


def _interval(a, b):
    a, b = float(a), float(b)
    if not (np.isfinite(a) and np.isfinite(b)) or not a < b:
        raise ValueError(f"the interval must be finite with a < b, got a={a}, b={b}")
    return a, b


def knots(a, b, width):
    """The ``width + 1`` equally spaced knots ``t_k = a + k h`` of ``[a, b]``, ``h = (b - a) / width``."""
    a, b = _interval(a, b)
    width = check_positive_int("width", width)
    return np.linspace(a, b, width + 1)


def _values(f, t):
    values = as_float_array("f(knots)", f(t))
    if values.shape != t.shape:
        raise ValueError(f"f must map an array of shape {t.shape} to the same shape, got {values.shape}")
    return values


def relu_interpolant(f, a, b, width):
    r"""``MLP([1, width, 1], "relu")`` equal on ``[a, b]`` to the linear interpolant of ``f``.

    With knots ``t_0 < ... < t_width`` (:func:`knots`), values ``y_k = f(t_k)``
    and chord slopes ``s_k = (y_{k+1} - y_k) / h``, the network computes

    .. math:: g(x) = y_0 + \sum_{k=0}^{\mathrm{width}-1} c_k \max(0, x - t_k),
              \qquad c_0 = s_0,\quad c_k = s_k - s_{k-1},

    that is ``W1 = 1`` (a column of ones), ``b1[k] = -t_k``, ``W2[0, k] = c_k``
    and ``b2 = y_0``. Unit ``k`` switches on at knot ``t_k`` and changes the
    slope by ``c_k``, so on ``[t_k, t_{k+1}]`` the slope is ``s_k`` and
    ``g(t_k) = y_k``. Outside ``[a, b]`` the network continues the first and
    last pieces as straight lines (left of ``a`` it is the constant ``y_0``).

    ``f`` must accept a 1-D array of knots and return an array of the same shape.
    """
    t = knots(a, b, width)
    y = _values(f, t)
    h = t[1] - t[0]
    slopes = np.diff(y) / h
    c = np.diff(slopes, prepend=0.0)          # c_0 = s_0, c_k = s_k - s_{k-1}
    net = MLP([1, width, 1], "relu")
    net.load_state([np.ones((width, 1)), -t[:-1], c[None, :], y[:1].copy()])
    return net


def sigmoid_staircase(f, a, b, width, *, steepness=20.0):
    r"""``MLP([1, width, 1], "sigmoid")``: ``f(t_0)`` plus one sigmoid step per knot interval.

    .. math:: g(x) = y_0 + \sum_{k=1}^{\mathrm{width}} (y_k - y_{k-1})\,
              \sigma\!\Bigl(\beta\,\frac{x - m_k}{h}\Bigr),
              \qquad m_k = \tfrac12 (t_{k-1} + t_k),

    with ``beta = steepness``: unit ``k`` steps from 0 to 1 around the midpoint
    ``m_k``, over a width of a few ``h / beta``. In the network,
    ``W1[k, 0] = beta / h``, ``b1[k] = -beta m_k / h``, ``W2[0, k] = y_k - y_{k-1}``
    and ``b2 = y_0``. An explicit network for the sigmoidal case in one
    dimension; Cybenko's proof of the theorem for sigmoidal activations does
    not construct one.
    """
    steepness = check_positive("steepness", steepness)
    t = knots(a, b, width)
    y = _values(f, t)
    h = t[1] - t[0]
    mid = 0.5 * (t[:-1] + t[1:])
    scale = steepness / h
    net = MLP([1, width, 1], "sigmoid")
    net.load_state([np.full((width, 1), scale), -scale * mid, np.diff(y)[None, :], y[:1].copy()])
    return net
