"""Input checks shared by every public entry point.

Validate once, at the boundary, and raise ``ValueError`` that names the
argument, shows the value received and says what was expected. Inner code then
trusts its inputs.
"""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def _short(value) -> str:
    """A compact description of a value for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(name: str, value, *, ndim=None, dtype=None, allow_nonfinite=False) -> np.ndarray:
    """Convert ``value`` to a floating NumPy array and check it.

    ``ndim`` may be an int or a tuple of allowed ints. ``dtype`` forces a dtype;
    otherwise float32 stays float32 and everything else becomes float64.
    """
    try:
        array = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise ValueError(f"{name} must be array-like, got {_short(value)}") from exc
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"{name} must hold numbers, got {_short(value)}")
    if np.iscomplexobj(array):
        raise ValueError(f"{name} must be real, got complex dtype {array.dtype}")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif array.dtype not in FLOAT_DTYPES:
        array = array.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            expected = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {expected}, got shape {array.shape}")
    if not allow_nonfinite and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or inf value(s); expected finite numbers")
    return array


def check_sizes(sizes, example="[2, 8, 1]") -> list:
    """A network's layer widths: a list of at least two positive ints (input first)."""
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a list of layer widths like {example}, got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output width, got {sizes!r}")
    return [check_positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Refuse to broadcast: ``(N, 1)`` against ``(N,)`` is an error."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; "
            "they must match exactly (no silent broadcasting; reshape one of them)"
        )


def check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {_short(value)}")
    return int(value)


def check_positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {_short(value)}")
    return float(value)


def check_nonnegative(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {_short(value)}")
    return float(value)


def check_in_range(name: str, value, low: float, high: float, *, low_open=False, high_open=False) -> float:
    """Check ``low <= value <= high`` (or strict where ``*_open``)."""
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a number in {left}{low}, {high}{right}, got {_short(value)}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        raise ValueError(f"{name} must be in {left}{low}, {high}{right}, got {value}")
    return float(value)


def check_choice(name: str, value, choices) -> str:
    choices = list(choices)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"unknown {name} {value!r}; valid choices are {listed}")
    return value


def check_dtype(name: str, dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise ValueError(f"{name} must be float32 or float64, got {dtype!r}") from exc
    if dt not in FLOAT_DTYPES:
        raise ValueError(f"{name} must be float32 or float64, got {dt}")
    return dt


def check_rng(rng) -> np.random.Generator:
    """``None`` means a fresh generator seeded with 0, so results are reproducible."""
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    if isinstance(rng, np.random.Generator):
        return rng
    raise ValueError(f"rng must be None, an int seed or a numpy Generator, got {_short(rng)}")
