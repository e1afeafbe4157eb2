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
    js = "depth.js"
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


def depth() -> DepthExplorer:
    """The depth explorer: depth 1-30, sigmoid/tanh/relu, small (scale s)/Xavier/He initialisation."""
    return DepthExplorer()
