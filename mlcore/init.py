r"""Weight initialisation schemes.

Each initialiser is called as ``init(n_out, n_in, rng, dtype)`` and returns a
weight matrix of shape ``(n_out, n_in)`` (the layout of :class:`mlcore.Linear`).
Biases always start at zero.

- ``zeros``: every weight 0. Every hidden unit then computes the same thing:
  symmetry is never broken.
- ``small``: N(0, scale^2) with scale = 0.01 by default; shrinks signals layer by layer.
- ``xavier``: N(0, 2 / (n_in + n_out)) (Glorot & Bengio 2010); keeps the variance
  of tanh/sigmoid-like layers.
- ``he``: N(0, 2 / n_in) (He et al. 2015); keeps the variance of ReLU layers.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_choice, check_positive

__all__ = ["zeros", "small", "xavier", "he", "get", "NAMES", "default_for"]


def zeros(n_out, n_in, rng, dtype=np.float64):
    """All-zero weights. Every hidden unit then computes the same thing forever."""
    return np.zeros((n_out, n_in), dtype=dtype)


def small(n_out, n_in, rng, dtype=np.float64, scale=0.01):
    """Small random normal weights N(0, scale^2), the lectures' 'small values near 0'."""
    return (scale * rng.standard_normal((n_out, n_in))).astype(dtype)


def xavier(n_out, n_in, rng, dtype=np.float64):
    """Xavier/Glorot normal: variance 2 / (n_in + n_out)."""
    std = np.sqrt(2.0 / (n_in + n_out))
    return (std * rng.standard_normal((n_out, n_in))).astype(dtype)


def he(n_out, n_in, rng, dtype=np.float64):
    """He (Kaiming) normal: variance 2 / n_in, which keeps ReLU activations' scale."""
    std = np.sqrt(2.0 / n_in)
    return (std * rng.standard_normal((n_out, n_in))).astype(dtype)


_REGISTRY = {"zeros": zeros, "small": small, "xavier": xavier, "he": he}
NAMES = tuple(_REGISTRY)


def default_for(activation_name: str) -> str:
    """He for the ReLU family, Xavier otherwise."""
    return "he" if activation_name in ("relu", "leaky_relu", "elu") else "xavier"


def get(name, **kwargs):
    """Return an initialiser by name; ``get("small", scale=0.5)`` sets the scale.

    A callable ``f(n_out, n_in, rng, dtype)`` is passed through unchanged.
    """
    if callable(name):
        return name
    check_choice("init", name, NAMES)
    if name == "small":
        scale = check_positive("scale", kwargs.pop("scale", 0.01))
        if kwargs:
            raise ValueError(f"unexpected init options {sorted(kwargs)}")
        return lambda n_out, n_in, rng, dtype=np.float64: small(n_out, n_in, rng, dtype, scale=scale)
    if kwargs:
        raise ValueError(f"init {name!r} takes no options, got {sorted(kwargs)}")
    return _REGISTRY[name]
