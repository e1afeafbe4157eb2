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

    def compute(self, *, activation, slope, alpha, zmax):
        """z (240,), phi and dphi on [-zmax, zmax] from mlcore.activations, plus max phi' and the formulas."""
        kwargs = {"leaky_relu": {"slope": slope}, "elu": {"alpha": alpha}}.get(activation, {})
        phi = _act.get(activation, **kwargs)
        z = np.linspace(-zmax, zmax, N_POINTS)
        dphi = phi.grad(z)
        formula, dformula = FORMULAS[activation]
        return {"z": z, "phi": phi(z), "dphi": dphi, "dphi_max": float(dphi.max()),
                "dphi_min": float(dphi.min()), "name": repr(phi), "formula": formula, "dformula": dformula}

    def draw(self, data, fig):
        ax = fig.add_axes([0.09, 0.15, 0.88, 0.72])
        z = data["z"]
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.plot(z, data["phi"], lw=2.2, color="#1f77b4", label="φ(z)")
        ax.plot(z, data["dphi"], lw=2.2, ls="--", color="#ff7f0e", label="φ′(z)")
        lo, hi = _ylim(data)
        ax.set_ylim(lo, hi)
        ax.set_xlim(z[0], z[-1])
        ax.set_xlabel("pre-activation z")
        ax.set_ylabel("value")
        ax.grid(color="0.92")
        ax.legend(loc="upper left", fontsize=9)
        ax.set_title(f"{data['name']}:   {data['formula']},   {data['dformula']}", fontsize=10, y=1.01)
        ax.text(0.98, 0.04, f"on this range: max φ′ = {data['dphi_max']:.4g}, min φ′ = {data['dphi_min']:.4g}",
                transform=ax.transAxes, ha="right", fontsize=9, color="#a05000")

    draw_js = r"""
function (ctx) {
  var d = ctx.data, K = ctx.K, z = d.z;
  var lo = Math.min(Math.min.apply(null, d.phi), Math.min.apply(null, d.dphi), -0.1);
  var hi = Math.max(Math.max.apply(null, d.phi), Math.max.apply(null, d.dphi), 1.1);
  var pad = 0.06 * (hi - lo);
  var y = K.wrap(12, 20, d.name + ":   " + d.formula + ",   " + d.dformula, K.W - 24, {bold: true});
  var p = K.panel({x: 68, y: y + 2, w: K.W - 88, h: K.H - y - 56, xlim: [z[0], z[z.length - 1]], ylim: [lo - pad, hi + pad],
                   xlabel: "pre-activation z", ylabel: "value"});
  p.hline(0, {color: "#999"}).vline(0, {color: "#999", width: 1});
  p.line(z, d.phi, {color: "#1f77b4", width: 2.4});
  p.line(z, d.dphi, {color: "#ff7f0e", width: 2.4, dash: "7 4"});
  p.legend([{label: "φ(z)", color: "#1f77b4"}, {label: "φ′(z)", color: "#ff7f0e", dash: "7 4"}], "ul");
  p.text(0.985, 0.04, "on this range: max φ′ = " + K.fmt(d.dphi_max) + ", min φ′ = " + K.fmt(d.dphi_min),
         {frac: true, anchor: "end", color: "#a05000"});
}
"""


def _ylim(data):
    lo = min(float(data["phi"].min()), float(data["dphi"].min()), -0.1)
    hi = max(float(data["phi"].max()), float(data["dphi"].max()), 1.1)
    pad = 0.06 * (hi - lo)
    return lo - pad, hi + pad


def activation() -> ActivationExplorer:
    """The activation explorer: sigmoid, tanh, relu, leaky_relu (slope), elu (alpha), identity."""
    return ActivationExplorer()
