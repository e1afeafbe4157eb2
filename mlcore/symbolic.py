"""Helpers for the sympy checks the chapters make.

The pattern of every executable derivation in the book:

1. sympy differentiates the function (``derived = sp.diff(f, x)``);
2. :func:`assert_equal` checks that it equals the hand-derived form;
3. :func:`compare_numeric` evaluates both on sample points against the NumPy
   code in ``mlcore`` (and the chapter adds finite differences).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

__all__ = ["assert_equal", "check_derivative", "compare_numeric", "jacobian"]


def _is_zero(expr) -> bool:
    if isinstance(expr, sp.MatrixBase):
        return all(_is_zero(e) for e in expr)
    if expr == 0:
        return True
    for attempt in (sp.simplify, lambda e: sp.simplify(e.rewrite(sp.exp)), sp.expand, sp.piecewise_fold):
        try:
            if sp.simplify(attempt(expr)) == 0:
                return True
        except Exception:  # pragma: no cover - a rewrite may not apply
            continue
    return False


def assert_equal(derived, stated, *, name="expression") -> bool:
    """Assert that two sympy expressions (or matrices) are identical; explain if not."""
    derived, stated = sp.sympify(derived), sp.sympify(stated)
    if isinstance(derived, sp.MatrixBase) != isinstance(stated, sp.MatrixBase):
        raise AssertionError(f"{name}: one side is a matrix and the other is not")
    if isinstance(derived, sp.MatrixBase) and derived.shape != stated.shape:
        raise AssertionError(f"{name}: shapes differ, {derived.shape} vs {stated.shape}")
    difference = derived - stated
    if not _is_zero(difference):
        raise AssertionError(f"{name}: derived {derived} is not equal to stated {stated} "
                             f"(difference simplifies to {sp.simplify(difference)})")
    return True


def check_derivative(f, var, stated, *, name=None):
    """Differentiate ``f`` with respect to ``var``, assert it equals ``stated``, return it."""
    derived = sp.diff(f, var)
    assert_equal(derived, stated, name=name or f"d/d{var} of {f}")
    return derived


def compare_numeric(expr, symbols, numeric_fn, points) -> float:
    """Max relative error between ``expr`` (lambdified) and ``numeric_fn`` on ``points``.

    ``symbols`` is one symbol or a tuple; ``points`` an array whose last axis
    matches the number of symbols (or a 1-D array for one symbol).
    """
    symbols = (symbols,) if isinstance(symbols, sp.Symbol) else tuple(symbols)
    f = sp.lambdify(symbols, expr, modules="numpy")
    points = np.asarray(points, dtype=np.float64)
    args = (points,) if len(symbols) == 1 else tuple(np.moveaxis(points, -1, 0))
    expected = np.broadcast_to(np.asarray(f(*args), dtype=np.float64), np.shape(args[0]))
    actual = np.asarray(numeric_fn(*args), dtype=np.float64)
    scale = max(1e-12, float(np.max(np.abs(expected))))
    return float(np.max(np.abs(actual - expected)) / scale)


def jacobian(outputs, inputs):
    """The sympy Jacobian matrix d outputs / d inputs (rows: outputs, columns: inputs)."""
    return sp.Matrix(outputs).jacobian(sp.Matrix(inputs))
