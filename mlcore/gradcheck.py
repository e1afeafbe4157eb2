r"""Finite-difference gradient checks.

The centred difference

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

has error O(h^2); with h = 1e-5 in float64 a correct analytic gradient of a
smooth function agrees to a relative error below about 1e-7 (CS231n's rule
of thumb). Check in float64: float32 round-off swamps the difference.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_positive

__all__ = ["numerical_gradient", "numerical_jacobian", "numerical_vjp", "rel_error", "check_gradient"]


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function ``f`` at array ``x``.

    ``x`` is perturbed **in place** and restored, so ``f`` may close over it
    (handy for a layer's weight matrix). Returns an array of the shape of x.
    """
    h = check_positive("h", h)
    if not isinstance(x, np.ndarray) or x.dtype not in (np.float32, np.float64):
        raise ValueError(f"x must be a float NumPy array (it is perturbed in place), got {type(x).__name__}")
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):  # pragma: no cover - non-contiguous input
        raise ValueError("x must be contiguous so it can be perturbed in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(f(x))
        flat[i] = old - h
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_jacobian(f, x, h=1e-5):
    """Centred-difference Jacobian of a vector function: shape ``(f(x).size, x.size)``."""
    h = check_positive("h", h)
    x = as_float_array("x", x, dtype=np.float64).copy()
    flat = x.reshape(-1)
    m = np.asarray(f(x)).size
    J = np.zeros((m, flat.size))
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + h
        plus = np.asarray(f(x), dtype=np.float64).reshape(-1)
        flat[j] = old - h
        minus = np.asarray(f(x), dtype=np.float64).reshape(-1)
        flat[j] = old
        J[:, j] = (plus - minus) / (2 * h)
    return J


def numerical_vjp(f, x, u, h=1e-5):
    """Centred-difference VJP ``u^T J``: the gradient of ``sum(f(x) * u)``; shape of x."""
    u = np.asarray(u, dtype=np.float64)
    return numerical_gradient(lambda z: float(np.sum(np.asarray(f(z), dtype=np.float64) * u)), x, h)


def rel_error(a, b) -> float:
    """``max|a - b| / max(1e-8, max(|a| + |b|))``: scale-free, robust near zero."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}")
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def check_gradient(f, x, analytic, h=1e-5, tol=1e-7):
    """Return the relative error between ``analytic`` and the numerical gradient; raise if above tol."""
    err = rel_error(analytic, numerical_gradient(f, x, h))
    if err > tol:
        raise AssertionError(f"gradient check failed: relative error {err:.3e} > {tol:.1e}")
    return err
