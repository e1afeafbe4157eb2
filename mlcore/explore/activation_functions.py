r"""Activation explorer (Chapter 2): an activation :math:`\varphi` and its derivative :math:`\varphi'` on one plot."""

from __future__ import annotations

import numpy as np

from .. import activations as _act
from .base import Explorer

__all__ = ["ActivationExplorer", "activation"]

FORMULAS = {
    "sigmoid": ("φ(z) = 1 / (1 + e^(−z))", "φ′(z) = φ(z) (1 − φ(z))"),
    "tanh": ("φ(z) = tanh z = 2σ(2z) − 1", "φ′(z) = 1 − tanh² z"),
    "relu": ("φ(z) = max(0, z)", "φ′(z) = 1 if z > 0 else 0"),
    "leaky_relu": ("φ(z) = z if z > 0 else a·z", "φ′(z) = 1 if z > 0 else a"),
    "elu": ("φ(z) = z if z ≥ 0 else α(e^z − 1)", "φ′(z) = 1 if z ≥ 0 else α e^z"),
    "identity": ("φ(z) = z", "φ′(z) = 1"),
}

N_POINTS = 240  # even, so z = 0 is not a sample and jumps in φ' are drawn as (nearly) vertical steps


class ActivationExplorer(Explorer):
    title = "Activation functions and their derivatives"
    description = ("Pick an activation: the solid curve is φ(z), the dashed one φ′(z), the factor that "
                   "backpropagation multiplies by at every unit.")
    params = {
        "activation": ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity"],
        "slope": [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5],
        "alpha": [0.1, 0.25, 0.5, 1.0, 1.5, 2.0],
        "zmax": [2.0, 4.0, 6.0, 10.0],
    }
    defaults = {"activation": "sigmoid", "slope": 0.1, "alpha": 1.0, "zmax": 6.0}
    labels = {"activation": "activation φ", "slope": "leaky slope a", "alpha": "ELU α", "zmax": "z range ±"}
    only_when = {"slope": {"activation": ["leaky_relu"]}, "alpha": {"activation": ["elu"]}}
    figsize = (7.6, 3.6)
    js = "activation.js"

    def compute(self, *, activation, slope, alpha, zmax):
        """z (240,), phi and dphi on [-zmax, zmax] from mlcore.activations, plus max phi' and the formulas."""
        kwargs = {"leaky_relu": {"slope": slope}, "elu": {"alpha": alpha}}.get(activation, {})
        phi = _act.get(activation, **kwargs)
        z = np.linspace(-zmax, zmax, N_POINTS)
        dphi = phi.grad(z)
        formula, dformula = FORMULAS[activation]
        return {"z": z, "phi": phi(z), "dphi": dphi, "dphi_max": float(dphi.max()),
                "dphi_min": float(dphi.min()), "name": repr(phi), "formula": formula, "dformula": dformula}


def activation() -> ActivationExplorer:
    """The activation explorer: sigmoid, tanh, relu, leaky_relu (slope), elu (alpha), identity."""
    return ActivationExplorer()
