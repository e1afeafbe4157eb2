r"""Full-batch gradient descent on an explicit function, with the stopping rules of Chapter 5.

    >>> from mlcore import descent
    >>> q = descent.Quadratic([0.5, 8.0], angle=30)        # f(w) = 1/2 w^T H w, eigenvalues 0.5 and 8
    >>> run = descent.gradient_descent(q.grad, [-5.0, -1.5], lr=0.2, f=q, grad_tol=1e-8)
    >>> run.reason, run.n_iter
    ('gradient', 184)

Contents
--------
``Quadratic``
    :math:`f(w) = \tfrac12 w^\top H w` with chosen eigenvalues; in 2-D the
    eigenvectors are the axes rotated by ``angle`` degrees. ``iterate`` gives
    the exact gradient-descent iterate after t steps.
``gradient_descent``
    :math:`x \leftarrow x - \eta \nabla f(x)` (one ``optim.SGD`` step per
    iteration) until a stopping rule fires; returns a :class:`Run` with the path
    and the reason it stopped.
``contraction``
    :math:`\max_i |1 - \eta\lambda_i|`, the factor by which the slowest
    eigen-direction of a quadratic shrinks (or grows) per step.
``optimal_lr``
    :math:`2/(\lambda_{\min} + \lambda_{\max})`, the constant step with the
    smallest contraction, :math:`(\kappa - 1)/(\kappa + 1)`.
``iterations_needed``
    The smallest t with :math:`\rho^t \le \text{tol}`.

Stopping rules of ``gradient_descent`` (each off when its tolerance is 0)
-------------------------------------------------------------------------
- ``grad_tol``: stop when :math:`\lVert\nabla f(x_t)\rVert \le` ``grad_tol``
  (reason ``"gradient"``): the point is (nearly) stationary.
- ``f_tol`` with ``window`` k: stop when :math:`|f(x_t) - f(x_{t-k})| <`
  ``f_tol`` (reason ``"f_change"``): the lectures' rule, an absolute change.
- ``rel_tol`` with ``window`` k: stop when :math:`|f(x_t) - f(x_{t-k})| \le`
  ``rel_tol`` :math:`\cdot \max(|f(x_{t-k})|, |f(x_t)|, 1)` (reason
  ``"relative"``): the same test relative to the size of f (the guard 1 is
  the one scipy's L-BFGS-B uses, so that f near 0 does not demand ever smaller
  absolute changes).
- ``max_iter``: stop after that many updates (reason ``"max_iter"``).
- Always on: stop when an iterate is not finite or its norm exceeds
  ``max_norm`` (reason ``"diverged"``).

The rules are tested in that order after every update; the gradient rule is
also tested at the start (t = 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import optim as _optim
from ._validate import as_float_array, check_in_range, check_nonnegative, check_positive, check_positive_int

__all__ = ["Quadratic", "Run", "gradient_descent", "contraction", "optimal_lr", "iterations_needed", "REASONS"]

REASONS = ("gradient", "f_change", "relative", "max_iter", "diverged")


class Quadratic:
    r"""The quadratic :math:`f(w) = \tfrac12 w^\top H w` with :math:`H = Q\,\mathrm{diag}(\lambda)\,Q^\top`.

    Parameters
    ----------
    eigenvalues : sequence of float
        The eigenvalues :math:`\lambda_i > 0` of the Hessian H (their number is the dimension d).
    angle : float
        Degrees; only in 2-D: the eigenvectors are the coordinate axes rotated
        by this angle (the first eigenvalue belongs to the direction
        :math:`(\cos\alpha, \sin\alpha)`). In other dimensions Q = I.

    Attributes
    ----------
    H : array (d, d)
        The Hessian, symmetric positive definite.
    Q : array (d, d)
        Orthonormal eigenvectors, as columns, in the order of ``eigenvalues``.
    lam_min, lam_max, kappa : float
        The extreme eigenvalues and the condition number :math:`\kappa = \lambda_{\max}/\lambda_{\min}`.
    """

    def __init__(self, eigenvalues, angle=0.0):
        lam = as_float_array("eigenvalues", eigenvalues, ndim=1, dtype=np.float64)
        if lam.size == 0 or np.any(lam <= 0):
            raise ValueError(f"eigenvalues must be a non-empty list of positive numbers, got {lam.tolist()}")
        angle = float(angle)
        if angle != 0.0 and lam.size != 2:
            raise ValueError(f"angle applies to 2-D quadratics only, got {lam.size} eigenvalues and angle={angle}")
        self.eigenvalues = lam
        if lam.size == 2:
            a = np.deg2rad(angle)
            self.Q = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        else:
            self.Q = np.eye(lam.size)
        self.H = self.Q @ np.diag(lam) @ self.Q.T
        self.H = 0.5 * (self.H + self.H.T)            # exactly symmetric
        self.lam_min, self.lam_max = float(lam.min()), float(lam.max())
        self.kappa = self.lam_max / self.lam_min
        self.dim = lam.size

    def _check(self, w):
        w = as_float_array("w", w, dtype=np.float64)
        if w.shape[-1:] != (self.dim,):
            raise ValueError(f"w must have {self.dim} entries on its last axis, got shape {w.shape}")
        return w

    def __call__(self, w):
        """``f(w)`` for ``w`` of shape ``(d,)`` (a float) or ``(..., d)`` (one value per row)."""
        w = self._check(w)
        value = 0.5 * np.einsum("...i,ij,...j->...", w, self.H, w)
        return float(value) if w.ndim == 1 else value

    def grad(self, w):
        """:math:`\\nabla f(w) = H w`, the shape of ``w`` (rows are points)."""
        return self._check(w) @ self.H                  # H is symmetric: (H w)^T = w^T H

    def iterate(self, w0, lr, t):
        r"""The exact iterate :math:`w_t = Q\,\mathrm{diag}\bigl((1 - \eta\lambda_i)^t\bigr)\,Q^\top w_0` after t steps."""
        w0 = self._check(w0)
        lr = check_positive("lr", lr)
        t = int(t)
        if t < 0:
            raise ValueError(f"t must be a non-negative integer, got {t}")
        factors = (1.0 - lr * self.eigenvalues) ** t
        return self.Q @ (factors * (self.Q.T @ w0))

    def __repr__(self):
        return f"Quadratic(eigenvalues={self.eigenvalues.tolist()}, kappa={self.kappa:.4g})"


@dataclass
class Run:
    """What :func:`gradient_descent` did.

    Attributes
    ----------
    x : array
        The last iterate (shape of ``x0``).
    path : array
        Every iterate, the start first: shape ``(n_iter + 1,) + x0.shape``.
    values : array (n_iter + 1,) or None
        ``f`` at every iterate (None when no ``f`` was given).
    grad_norms : array (n_iter + 1,)
        The Euclidean norm of the gradient at every iterate.
    n_iter : int
        The number of updates taken.
    reason : str
        Which rule stopped the run: one of ``REASONS``.
    """

    x: np.ndarray
    path: np.ndarray
    values: np.ndarray | None
    grad_norms: np.ndarray
    n_iter: int
    reason: str


def gradient_descent(grad, x0, lr, *, f=None, max_iter=1000, grad_tol=0.0, f_tol=0.0, rel_tol=0.0, window=1,
                     max_norm=1e12):
    r"""Run :math:`x_{t+1} = x_t - \eta\,\nabla f(x_t)` from ``x0`` until a stopping rule fires.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns :math:`\nabla f(x)`, an array of the shape of x.
    x0 : float or array
        The start (a scalar or a 1-D array); it is copied, not changed.
    lr : float
        The step size :math:`\eta > 0`. Each update is one ``mlcore.optim.SGD`` step.
    f : callable or None
        ``f(x)`` returns the value; needed by ``f_tol`` and ``rel_tol`` and recorded in ``Run.values``.
    max_iter : int
        The most updates to take.
    grad_tol, f_tol, rel_tol : float
        Tolerances of the stopping rules in the module docstring; 0 turns a rule off.
    window : int
        k in the value-change rules: compare f now with f k updates ago.
    max_norm : float
        Declare divergence when the norm of an iterate exceeds this.

    Returns
    -------
    Run
    """
    if not callable(grad):
        raise ValueError(f"grad must be a function x -> gradient, got {type(grad).__name__}")
    x = as_float_array("x0", x0, ndim=(0, 1), dtype=np.float64).copy()
    lr = check_positive("lr", lr)
    max_iter = check_positive_int("max_iter", max_iter)
    grad_tol = check_nonnegative("grad_tol", grad_tol)
    f_tol = check_nonnegative("f_tol", f_tol)
    rel_tol = check_in_range("rel_tol", rel_tol, 0.0, 1.0, high_open=True)
    window = check_positive_int("window", window)
    max_norm = check_positive("max_norm", max_norm)
    if f is not None and not callable(f):
        raise ValueError(f"f must be a function x -> value or None, got {type(f).__name__}")
    if f is None and (f_tol > 0 or rel_tol > 0):
        raise ValueError("f_tol and rel_tol compare values of f; pass f=... as well")

    def gradient(point):
        g = np.asarray(grad(point), dtype=np.float64)
        if g.shape != point.shape:
            raise ValueError(f"grad(x) must have the shape of x {point.shape}, got {g.shape}")
        return g

    optimizer = _optim.SGD([x], lr=lr)
    path = [x.copy()]
    values = [float(f(x))] if f is not None else None
    g = gradient(x)
    grad_norms = [float(np.linalg.norm(g))]
    reason = "gradient" if grad_tol > 0 and grad_norms[0] <= grad_tol else "max_iter"
    t = 0
    while reason == "max_iter" and t < max_iter:
        optimizer.step([g])                              # x <- x - lr * g, in place
        t += 1
        path.append(x.copy())
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > max_norm:
            grad_norms.append(math.nan)
            if values is not None:
                values.append(math.nan)
            reason = "diverged"
            break
        g = gradient(x)
        grad_norms.append(float(np.linalg.norm(g)))
        if values is not None:
            values.append(float(f(x)))
        if grad_tol > 0 and grad_norms[-1] <= grad_tol:
            reason = "gradient"
        elif values is not None and t >= window:
            new, old = values[-1], values[-1 - window]
            change = abs(new - old)
            if f_tol > 0 and change < f_tol:
                reason = "f_change"
            elif rel_tol > 0 and change <= rel_tol * max(abs(old), abs(new), 1.0):
                reason = "relative"
    return Run(x=x.copy(), path=np.array(path), values=None if values is None else np.array(values),
               grad_norms=np.array(grad_norms), n_iter=t, reason=reason)


def contraction(lr, eigenvalues):
    r""":math:`\rho(\eta) = \max_i |1 - \eta\lambda_i|`: per step, the slowest eigen-direction of the quadratic is multiplied by at most this.

    Gradient descent on :math:`\tfrac12 w^\top H w` converges from every start
    exactly when :math:`\rho < 1`, that is when :math:`0 < \eta < 2/\lambda_{\max}`.
    """
    lr = check_positive("lr", lr)
    lam = as_float_array("eigenvalues", eigenvalues, ndim=(0, 1), dtype=np.float64)
    return float(np.max(np.abs(1.0 - lr * lam)))


def optimal_lr(eigenvalues):
    r""":math:`\eta^* = 2/(\lambda_{\min} + \lambda_{\max})`, the constant step that minimises :func:`contraction`.

    There the contraction is :math:`(\kappa - 1)/(\kappa + 1)` with :math:`\kappa = \lambda_{\max}/\lambda_{\min}`.
    """
    lam = as_float_array("eigenvalues", eigenvalues, ndim=(0, 1), dtype=np.float64)
    if lam.size == 0 or np.any(lam <= 0):
        raise ValueError(f"eigenvalues must be positive, got {np.atleast_1d(lam).tolist()}")
    return 2.0 / (float(lam.min()) + float(lam.max()))


def iterations_needed(rate, tol):
    r"""The smallest integer t with :math:`\text{rate}^t \le \text{tol}`: :math:`\lceil \log(\text{tol})/\log(\text{rate}) \rceil`.

    ``rate`` is a per-step contraction in [0, 1) and ``tol`` in (0, 1). For the
    optimal step on a quadratic, rate = (κ - 1)/(κ + 1) and the count is about
    :math:`\tfrac{\kappa}{2}\log(1/\text{tol})` for large κ.
    """
    rate = check_in_range("rate", rate, 0.0, 1.0, high_open=True)
    tol = check_in_range("tol", tol, 0.0, 1.0, low_open=True, high_open=True)
    if rate == 0.0:
        return 1
    return max(1, math.ceil(math.log(tol) / math.log(rate) - 1e-12))
