r"""The multilayer perceptron.

``MLP([D, n_1, ..., n_L])`` stacks ``Linear -> activation`` for every hidden
layer and a final ``Linear`` (optionally followed by an output activation):

.. math:: a^{(0)} = x, \quad z^{(\ell)} = W^{(\ell)} a^{(\ell-1)} + b^{(\ell)}, \quad
          a^{(\ell)} = \varphi(z^{(\ell)}), \qquad \hat y = \text{output}(z^{(L)})

Rows of ``X`` are examples. For classification, leave ``output=None`` and train
on the logits with :data:`mlcore.losses.cross_entropy`, which applies the
softmax itself (the numerically stable and cheaper route); ``output="softmax"``
gives probabilities and back-propagates through the softmax Jacobian.
"""

from __future__ import annotations

import copy

import numpy as np

from . import activations as _act
from . import init as _init
from ._validate import (as_float_array, check_choice, check_dtype, check_in_range, check_rng,
                        check_sizes)
from .layers import ActivationLayer, Dropout, Linear

__all__ = ["MLP", "LayerStack"]


class LayerStack:
    """What a network held as a list ``self.layers`` shares, whatever its layers are.

    A subclass defines ``layers`` and ``params()``; this class adds the mode
    switches (``train``/``eval``, passed to every layer), the parameter count
    and the state copies that early stopping restores.
    """

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params()))

    def state(self):
        """Copies of all parameters (for early stopping's 'restore best')."""
        return [p.copy() for p in self.params()]

    def load_state(self, state):
        params = self.params()
        if len(state) != len(params) or any(s.shape != p.shape for s, p in zip(state, params)):
            raise ValueError("state does not match this network's parameter shapes")
        for p, s in zip(params, state):
            p[...] = s

    def train(self):
        """Training mode: dropout active."""
        self.training = True
        for layer in self.layers:
            layer.train()
        return self

    def eval(self):
        """Evaluation mode: dropout is the identity."""
        self.training = False
        for layer in self.layers:
            layer.eval()
        return self


class MLP(LayerStack):
    """A feed-forward network of dense layers.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_in, hidden_1, ..., n_out]``; at least two entries.
    activation : str or Activation
        Hidden-layer activation (``"relu"`` by default); see :mod:`mlcore.activations`.
    output : None or str
        Output activation: ``None``/``"identity"`` (raw scores), ``"sigmoid"``, ``"softmax"``, ...
    init : str or callable
        ``"auto"`` (He for the ReLU family, Xavier otherwise), ``"xavier"``, ``"he"``,
        ``"small"``, ``"zeros"``, or ``mlcore.init.get("small", scale=...)``.
    rng : None, int or numpy Generator
        Seed or generator for the weights and dropout masks (``None``: seed 0).
    dtype : float32 or float64
        Every parameter, activation and gradient keeps this dtype; inputs are cast to it.
    dropout : float
        Drop probability after every hidden activation (0: no dropout layers).

    Attributes
    ----------
    layers : list
        The layers, in forward order.
    linears : list of Linear
        The Linear layers only; ``linears[0].W`` is W^(1).
    n_params : int
        The total number of weights and biases.
    """

    def __init__(self, sizes, activation="relu", *, output=None, init="auto", rng=None,
                 dtype=np.float64, dropout=0.0):
        self.sizes = check_sizes(sizes)
        self.dtype = check_dtype("dtype", dtype)
        self.activation = _act.get(activation)
        if not self.activation.elementwise:
            raise ValueError("activation must be elementwise (softmax belongs in output=...)")
        if isinstance(output, str):
            check_choice("output", output, _act.NAMES)
        self.output = None if output in (None, "identity") else _act.get(output)
        self.dropout = check_in_range("dropout", dropout, 0.0, 1.0, high_open=True)
        if init == "auto":
            init = _init.default_for(self.activation.name)
        self.init = init
        rng = check_rng(rng)

        self.layers = []
        self.linears = []
        n_layers = len(self.sizes) - 1
        for i in range(n_layers):
            linear = Linear(self.sizes[i], self.sizes[i + 1], init=init, rng=rng, dtype=self.dtype)
            self.layers.append(linear)
            self.linears.append(linear)
            if i < n_layers - 1:
                self.layers.append(ActivationLayer(self.activation))
                if self.dropout > 0:
                    self.layers.append(Dropout(self.dropout, rng=rng))
        if self.output is not None:
            self.layers.append(ActivationLayer(self.output))
        self.training = True
        self._single = False

    # ------------------------------------------------------------------ forward/backward
    def forward(self, X):
        """``X (N, n_in) -> y_hat (N, n_out)``; a single example ``(n_in,)`` gives ``(n_out,)``."""
        X = as_float_array("X", X, ndim=(1, 2), dtype=self.dtype)
        if X.shape[-1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} features (last axis), got shape {X.shape}")
        self._single = X.ndim == 1
        out = self._forward(X[None, :] if self._single else X)
        return out[0] if self._single else out

    __call__ = forward

    def _forward(self, X):
        """Trusted inner loop: ``X`` is already a 2-D array of the right width and dtype."""
        out = X
        for layer in self.layers:
            out = layer._forward(out)
        self._out_shape = out.shape
        return out

    def backward(self, grad_out, *, input_grad=True):
        """Back-propagate ``grad_out = dJ/dy_hat`` (shape of the last output).

        Stores every layer's parameter gradients (see :meth:`grads`) and returns
        ``dJ/dX``; with ``input_grad=False`` the first layer skips that product
        (what training does) and None is returned.
        """
        if not hasattr(self, "_out_shape"):
            raise RuntimeError("MLP.backward called before forward")
        grad = as_float_array("grad_out", grad_out, dtype=self.dtype)
        if self._single and grad.ndim == 1:
            grad = grad[None, :]
        if grad.shape != self._out_shape:
            expected = self._out_shape[1:] if self._single else self._out_shape
            raise ValueError(f"grad_out must have the shape of the last output {expected}, got {np.shape(grad_out)}")
        return self._backward(grad, input_grad=input_grad)

    def _backward(self, grad, *, input_grad=True):
        """Trusted inner loop: ``grad`` is already a 2-D array of the right shape and dtype."""
        for i in range(len(self.layers) - 1, -1, -1):
            grad = self.layers[i]._backward(grad, input_grad=input_grad or i > 0)
        if grad is None:
            return None
        return grad[0] if self._single else grad

    # ------------------------------------------------------------------ parameters
    def params(self):
        """``[W1, b1, W2, b2, ...]``: the live arrays (optimisers update them in place)."""
        return [p for layer in self.linears for p in layer.params()]

    def grads(self):
        """``[dW1, db1, dW2, db2, ...]`` from the last backward pass, in the order of params()."""
        return [g for layer in self.linears for g in layer.grads()]

    # ------------------------------------------------------------------ Jacobian view
    def _prepare_point(self, x):
        """Forward pass at one point on shallow copies of the layers (they share W and b).

        Copies, so that what the last ``forward`` stored for ``backward`` is left
        untouched; dropout is left out (evaluation mode). Returns (output, layers).
        """
        x = as_float_array("x", x, ndim=1, dtype=self.dtype)
        if x.shape[0] != self.sizes[0]:
            raise ValueError(f"x must have shape ({self.sizes[0]},), got {x.shape}")
        layers = [copy.copy(layer) for layer in self.layers if not isinstance(layer, Dropout)]
        out = x[None, :]
        for layer in layers:
            out = layer._forward(out)
        return out, layers

    def jacobian(self, x, mode="forward"):
        r"""The Jacobian :math:`\partial \hat y / \partial x` at one input vector ``x`` (n_in,).

        Built from the layers' own Jacobians J_1, ..., J_L (W for a dense layer,
        diag(phi'(z)) for an activation, diag(p) - p p^T for softmax):

        - ``mode="forward"`` multiplies from the input side,
          J = J_L (... (J_2 J_1)), carrying n_in columns (forward mode);
        - ``mode="reverse"`` multiplies from the output side,
          J = ((J_L J_{L-1}) ...) J_1, carrying n_out rows (reverse mode).

        Both give the same (n_out, n_in) matrix; they differ in cost. Dropout
        is treated as off (evaluation mode). Returns a new array.
        """
        if mode not in ("forward", "reverse"):
            raise ValueError(f"mode must be 'forward' or 'reverse', got {mode!r}")
        _, layers = self._prepare_point(x)
        jacobians = [layer.jacobian() for layer in layers]
        if mode == "forward":
            J = np.eye(self.sizes[0], dtype=self.dtype)
            for Jl in jacobians:
                J = Jl @ J
        else:
            J = np.eye(jacobians[-1].shape[0], dtype=self.dtype)
            for Jl in reversed(jacobians):
                J = J @ Jl
        return J

    def jvp(self, x, v):
        r"""Jacobian-vector product :math:`J(x)\,v`: how the output moves when x moves along v.

        ``v`` is ``(n_in,)`` (returns ``(n_out,)``) or a matrix ``(k, n_in)`` of k
        tangent vectors as rows (returns ``(k, n_out)``). Computed layer by layer
        from the input side without forming any Jacobian (forward mode).
        """
        _, layers = self._prepare_point(x)
        V = as_float_array("v", v, ndim=(1, 2), dtype=self.dtype)
        if V.shape[-1] != self.sizes[0]:
            raise ValueError(f"v must have {self.sizes[0]} entries (last axis), got shape {V.shape}")
        out = V[None, :] if V.ndim == 1 else V
        for layer in layers:
            out = layer.jvp(out)
        return out[0] if V.ndim == 1 else out

    def vjp(self, x, u):
        r"""Vector-Jacobian product :math:`u^\top J(x)`: the gradient of u . y_hat with respect to x.

        ``u`` is ``(n_out,)`` (returns ``(n_in,)``) or ``(k, n_out)`` of k cotangent
        rows (returns ``(k, n_in)``). Computed from the output side (reverse mode).
        """
        point_out, layers = self._prepare_point(x)
        out_dim = point_out.shape[1]
        U = as_float_array("u", u, ndim=(1, 2), dtype=self.dtype)
        if U.shape[-1] != out_dim:
            raise ValueError(f"u must have {out_dim} entries (last axis), got shape {U.shape}")
        out = U[None, :] if U.ndim == 1 else U
        for layer in reversed(layers):
            out = layer.vjp(out)
        return out[0] if U.ndim == 1 else out

    # ------------------------------------------------------------------ display
    def __repr__(self):
        out = self.output.name if self.output is not None else "identity"
        return (f"MLP({self.sizes}, activation={self.activation!r}, output={out}, "
                f"dtype={self.dtype}, n_params={self.n_params})")

    def summary(self) -> str:
        """A table of layers with their parameter counts."""
        lines = [f"{'layer':<28}{'output':>10}{'params':>10}"]
        width = self.sizes[0]
        for layer in self.layers:
            n = sum(p.size for p in layer.params())
            if isinstance(layer, Linear):
                width = layer.n_out
                desc = f"Linear({layer.n_in} -> {layer.n_out})"
            else:
                desc = repr(layer)
            lines.append(f"{desc:<28}{width:>10}{n:>10}")
        lines.append(f"{'total':<38}{self.n_params:>10}")
        return "\n".join(lines)
