r"""Test surfaces for optimisers (Chapter 10), and a runner that records an optimiser's path.

    >>> from mlcore import surfaces, optim
    >>> rb = surfaces.Rosenbrock()                      # f(x, y) = (1 - x)^2 + 100 (y - x^2)^2
    >>> rb([1.0, 1.0]), rb.grad([1.0, 1.0]).tolist()
    (0.0, [0.0, 0.0])
    >>> path = surfaces.trajectory(rb.grad, [-1.2, 1.0], optim.Adam, steps=3, lr=0.1)
    >>> path.shape
    (4, 2)

For an ill-conditioned quadratic use :class:`mlcore.descent.Quadratic`.

Contents
--------
``Rosenbrock``
    :math:`f(x, y) = (a - x)^2 + b\,(y - x^2)^2` with its gradient and Hessian;
    the minimum is at :math:`(a, a^2)`, at the end of a long curved valley.
``trajectory``
    Run an ``mlcore.optim`` optimiser (optionally with a schedule stepped after
    every update) on an explicit gradient and return every iterate.
``steps_to_tolerance``
    The first iterate of a path within a distance of a point, or None.
"""

from __future__ import annotations

import numpy as np

from . import optim as _optim
from ._validate import as_float_array, check_nonnegative, check_positive

__all__ = ["Rosenbrock", "trajectory", "steps_to_tolerance"]


class Rosenbrock:
    r""":math:`f(x, y) = (a - x)^2 + b\,(y - x^2)^2`; ``b = 100`` is the classic banana valley.

    Points are arrays whose last axis has two entries, ``(x, y)``.
    """

    def __init__(self, a=1.0, b=100.0):
        self.a = float(a)
        self.b = check_positive("b", b)
        self.minimum = np.array([self.a, self.a ** 2])

    def _check(self, p):
        p = as_float_array("p", p, dtype=np.float64)
        if p.shape[-1:] != (2,):
            raise ValueError(f"p must have 2 entries (x, y) on its last axis, got shape {p.shape}")
        return p

    def __call__(self, p):
        """f at a point ``(2,)`` (a float) or at points ``(..., 2)`` (an array)."""
        p = self._check(p)
        x, y = p[..., 0], p[..., 1]
        value = (self.a - x) ** 2 + self.b * (y - x ** 2) ** 2
        return float(value) if p.ndim == 1 else value

    def grad(self, p):
        r""":math:`\nabla f = \bigl(-2(a - x) - 4 b x (y - x^2),\; 2 b (y - x^2)\bigr)`, the shape of ``p``."""
        p = self._check(p)
        x, y = p[..., 0], p[..., 1]
        r = y - x ** 2
        return np.stack([-2.0 * (self.a - x) - 4.0 * self.b * x * r, 2.0 * self.b * r], axis=-1)

    def hessian(self, p):
        r"""The 2 x 2 Hessian at one point ``(2,)``."""
        p = self._check(p)
        if p.ndim != 1:
            raise ValueError(f"hessian takes one point of shape (2,), got shape {p.shape}")
        x, y = p
        return np.array([[2.0 - 4.0 * self.b * (y - x ** 2) + 8.0 * self.b * x ** 2, -4.0 * self.b * x],
                         [-4.0 * self.b * x, 2.0 * self.b]])

    def __repr__(self):
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"


def trajectory(grad, x0, optimizer, steps, *, schedule=None, schedule_kwargs=None, max_norm=1e6, **kwargs):
    """Run ``optimizer`` (an ``mlcore.optim`` class) for ``steps`` updates from ``x0``; return every iterate.

    Parameters
    ----------
    grad : callable
        ``grad(x) -> array`` of the shape of ``x``.
    x0 : array-like
        The start.
    optimizer : type
        e.g. ``mlcore.optim.SGD``; built as ``optimizer([x], **kwargs)``.
    steps : int
        Number of updates.
    schedule : type or None
        e.g. ``mlcore.optim.StepDecay``, built as ``schedule(opt, **schedule_kwargs)``
        and stepped once after every update.
    max_norm : float
        Stop early (the path is shorter) once an iterate is not finite or its norm exceeds this.

    Returns
    -------
    array of shape ``(n + 1,) + x0.shape``, the start first (n = steps unless the run blew up).
    """
    x = np.array(as_float_array("x0", x0, dtype=np.float64), dtype=np.float64)
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps}")
    check_positive("max_norm", max_norm)
    opt = optimizer([x], **kwargs)
    sched = schedule(opt, **(schedule_kwargs or {})) if schedule is not None else None
    path = [x.copy()]
    for _ in range(steps):
        opt.step([np.asarray(grad(x), dtype=np.float64)])
        if sched is not None:
            sched.step()
        path.append(x.copy())
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > max_norm:
            break
    return np.array(path)


def steps_to_tolerance(path, target, tol):
    """The index of the first iterate within Euclidean distance ``tol`` of ``target`` (None if none is)."""
    path = np.asarray(path, dtype=np.float64)
    check_nonnegative("tol", tol)
    dist = np.linalg.norm(path - np.asarray(target, dtype=np.float64), axis=-1)
    hits = np.flatnonzero(dist <= tol)
    return int(hits[0]) if hits.size else None
