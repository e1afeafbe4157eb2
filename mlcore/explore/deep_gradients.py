r"""Depth explorer (Chapter 12): per-layer gradient norms of a deep MLP at initialisation.

The network is ``mlcore.MLP([64] * depth + [10], activation, init=...)`` (so
``depth`` weight matrices, ``depth - 1`` hidden activations), evaluated on one
fixed seeded batch of 64 standard-normal inputs with random labels and the
softmax cross-entropy. After one backward pass the explorer reports
:math:`\lVert \partial J / \partial W^{(\ell)} \rVert_F` for
:math:`\ell = 1, \dots, \text{depth}` (layer 1 is next to the input) and the
RMS of the signal :math:`a^{(\ell)}` entering each layer.

Since :math:`\partial J/\partial W^{(\ell)} = \sum_n \delta^{(\ell)}_n a^{(\ell-1)\top}_n` and
:math:`\delta^{(\ell)} = \varphi'(z^{(\ell)}) \odot W^{(\ell+1)\top}\delta^{(\ell+1)}`,
each layer passed on the way down multiplies the gradient by a factor of size
about :math:`\text{gain} \times \lvert\varphi'\rvert`: below 1 it vanishes
geometrically with depth, above 1 it explodes.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import init as _init
from .. import losses as _losses
from ..layers import Linear
from ..network import MLP
from .base import Explorer

__all__ = ["DepthExplorer", "depth"]

WIDTH, N_BATCH, N_CLASSES = 64, 64, 10  # 64 x 64 x 64 products stay on one BLAS thread (fast when small)
SCALE_GRID = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0]
INIT_NAMES = {"small": "small N(0, s²)", "xavier": "Xavier", "he": "He"}


@functools.lru_cache(maxsize=1)
def _batch():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_BATCH, WIDTH))
    labels = rng.integers(0, N_CLASSES, N_BATCH)
    for a in (X, labels):
        a.flags.writeable = False
    return X, labels


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _sci(v):
    """1.5e+12 -> '1.5×10¹²' (2 significant digits)."""
    mant, exp = f"{v:.1e}".split("e")
    return f"{mant}×10{str(int(exp)).translate(_SUPERSCRIPT)}"


def verdict(grad_norm):
    """A one-line reading of the per-layer norms (layer 1 first)."""
    ratio = grad_norm[0] / grad_norm[-1]
    if len(grad_norm) > 1 and ratio < 1e-2:
        return f"layer 1 gets {_sci(ratio)} of the last layer's gradient norm: vanishing toward the input"
    if len(grad_norm) > 1 and ratio > 1e2:
        return f"layer 1 gets {_sci(ratio)} × the last layer's gradient norm: exploding toward the input"
    if grad_norm.max() < 1e-6:
        return "every layer's gradient is tiny: the signal died on the way up, so nothing learns"
    if grad_norm.min() > 1e3:
        return "every layer's gradient is huge: the signal blew up on the way up"
    return "gradient norms of the same order in every layer: healthy"


class DepthExplorer(Explorer):
    title = "Vanishing and exploding gradients at initialisation"
    description = ("Per-layer gradient norms ‖∂J/∂W⁽ℓ⁾‖ of a 64-unit-wide MLP on one fixed batch, "
                   "for a choice of depth, activation and initialisation.")
    params = {
        "depth": list(range(1, 31)),
        "activation": ["sigmoid", "tanh", "relu"],
        "init": ["small", "xavier", "he"],
        "scale": SCALE_GRID,
    }
    defaults = {"depth": 15, "activation": "sigmoid", "init": "xavier", "scale": 0.1}
    labels = {"depth": "depth (weight layers)", "activation": "activation", "init": "initialisation",
              "scale": "small-init scale s"}
    only_when = {"scale": {"init": ["small"]}}
    figsize = (9.4, 4.0)
    shared_caches = (_batch,)

    def format_value(self, name, value):
        if name == "init":
            return INIT_NAMES[value]
        return super().format_value(name, value)

    def compute(self, *, depth, activation, init, scale):
        """``layer`` (1..depth), ``grad_norm`` (depth,), ``signal_rms`` (depth,: RMS of a^(0..depth-1)), ``loss``, ``verdict``."""
        X, labels = _batch()
        initialiser = _init.get("small", scale=scale) if init == "small" else init
        model = MLP([WIDTH] * depth + [N_CLASSES], activation, init=initialiser, rng=0)
        signal = []
        a = X
        for layer in model.layers:                 # the forward pass, layer by layer (public API)
            if isinstance(layer, Linear):
                signal.append(np.sqrt(np.mean(a * a)))  # RMS of a^(l-1), the input of W^(l)
            a = layer.forward(a)
        value, grad = _losses.cross_entropy.value_and_grad(a, labels)
        model.forward(X)
        model.backward(grad, input_grad=False)
        norms = np.array([np.linalg.norm(linear.dW) for linear in model.linears])
        init_text = f"small N(0, {scale:g}²)" if init == "small" else INIT_NAMES[init]
        return {"layer": np.arange(1, depth + 1), "grad_norm": norms, "signal_rms": np.array(signal),
                "loss": float(value), "ratio": float(norms[0] / norms[-1]), "verdict": verdict(norms),
                "setting": f"depth {depth} · {activation} · {init_text}"}

    def draw(self, data, fig):
        fig.text(0.012, 0.955, data["setting"], fontsize=10.5, weight="bold")
        fig.text(0.012, 0.895, data["verdict"], fontsize=10)
        layer, g, s = data["layer"], data["grad_norm"], data["signal_rms"]
        depth = len(layer)
        ax = fig.add_axes([0.075, 0.15, 0.41, 0.64])
        self.log_axis(ax)
        ax.plot(layer, g, "-o", color="#d62728", ms=4, lw=1.6)
        ax.set_ylim(*_window(g, 1e6))
        ax.set_xlim(0.5, max(depth, 2) + 0.5)
        ax.set_xlabel("layer ℓ (1 = next to the input)")
        ax.set_ylabel("‖∂J/∂W⁽ℓ⁾‖")
        ax.set_title("gradient norm per layer (backward)", fontsize=10, y=1.01)
        ax.grid(color="0.93")
        ax2 = fig.add_axes([0.575, 0.15, 0.41, 0.64])
        self.log_axis(ax2)
        ax2.plot(layer - 1, s, "-o", color="#1f77b4", ms=4, lw=1.6)
        ax2.set_ylim(*_window(s, 1e3))
        ax2.set_xlim(-0.5, max(depth - 1, 1) + 0.5)
        ax2.set_xlabel("ℓ (a⁽⁰⁾ = the input x)")
        ax2.set_ylabel("RMS of a⁽ℓ⁾")
        ax2.set_title("forward signal per layer", fontsize=10, y=1.01)
        ax2.grid(color="0.93")

    draw_js = r"""
function (ctx) {
  var K = ctx.K, d = ctx.data, L = d.layer.length;
  var y = K.wrap(12, 20, d.setting, K.W - 24, {bold: true});
  y = K.wrap(12, y, d.verdict, K.W - 24);
  function win(v, span) {          /* as _window in Python */
    var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
    return K.decades(Math.min(lo, hi / span), Math.max(hi, lo * 10));
  }
  var top = y + 24, h = K.H - top - 52, cols = K.columns(2, 70, 92, 16);
  var p = K.panel({x: cols[0].x, y: top, w: cols[0].w, h: h, xlim: [0.5, Math.max(L, 2) + 0.5], ylim: win(d.grad_norm, 1e6),
                   ylog: true, xlabel: "layer \u2113 (1 = next to the input)", ylabel: "\u2016\u2202J/\u2202W\u207d\u2113\u207e\u2016",
                   title: "gradient norm per layer (backward)", ylabelGap: 52, xfmt: function (t) { return String(Math.round(t)); },
                   xticks: L <= 12 ? d.layer : undefined});
  p.line(d.layer, d.grad_norm, {color: "#d62728", width: 1.8}).dots(d.layer, d.grad_norm, {color: "#d62728", r: 3});
  var ell = d.layer.map(function (l) { return l - 1; });
  var q = K.panel({x: cols[1].x, y: top, w: cols[1].w, h: h, xlim: [-0.5, Math.max(L - 1, 1) + 0.5], ylim: win(d.signal_rms, 1e3),
                   ylog: true, xlabel: "\u2113 (a\u207d\u2070\u207e = the input x)", ylabel: "RMS of a\u207d\u2113\u207e",
                   title: "forward signal per layer", ylabelGap: 52, xfmt: function (t) { return String(Math.round(t)); },
                   xticks: L <= 12 ? ell : undefined});
  q.line(ell, d.signal_rms, {color: "#1f77b4", width: 1.8}).dots(ell, d.signal_rms, {color: "#1f77b4", r: 3});
}
"""


def _window(values, span):
    """A log-axis range in whole decades covering the values and at least ``span`` (a ratio) below the largest
    and 10 above the smallest, so a flat curve looks flat and a steep one fills the panel."""
    lo, hi = float(np.min(values)), float(np.max(values))
    a, b = min(lo, hi / span), max(hi, lo * 10)
    return 10.0 ** np.floor(np.log10(a) + 1e-9), 10.0 ** np.ceil(np.log10(b) - 1e-9)


def depth() -> DepthExplorer:
    """The depth explorer: depth 1-30, sigmoid/tanh/relu, small (scale s)/Xavier/He initialisation."""
    return DepthExplorer()
