r"""Blocks for deep networks (Chapter 12): layer normalisation, residual connections and a deep net.

The remedies for vanishing and exploding gradients need two layers that
:mod:`mlcore.layers` does not have, and a network that stacks them:

- :class:`LayerNorm` normalises every example (row) to mean 0 and variance 1
  over its features, then rescales with learned ``gamma`` and ``beta``
  (Ba et al. 2016; the per-example cousin of batch normalisation,
  Ioffe & Szegedy 2015, with no batch statistics and no train/eval difference);
- :class:`Residual` wraps a list of layers F and computes ``x + F(x)``
  (He et al. 2016), so that its Jacobian is ``I + dF/dx``;
- :class:`DeepNet` stacks ``depth`` hidden blocks of one width between an input
  and an output :class:`~mlcore.layers.Linear`, plain or residual, with or
  without LayerNorm. It trains with :func:`mlcore.training.fit` and reports the
  gradient norm of every weight matrix.

Every layer follows the interface of :mod:`mlcore.layers`: ``forward(X)`` caches
what ``backward`` needs; ``backward(grad_out)`` stores the parameter gradients
and returns ``dJ/dX``; ``params()`` and ``grads()`` list the arrays in the same
order. Rows of ``X`` are examples.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_choice, check_positive, check_positive_int, check_rng, check_same_shape
from .layers import ActivationLayer, Layer, Linear
from .network import LayerStack

__all__ = ["LayerNorm", "Residual", "DeepNet"]


class LayerNorm(Layer):
    r"""Layer normalisation of each row of ``X (N, n)`` over its ``n`` features.

    .. math:: \mu = \tfrac1n\textstyle\sum_j x_j, \quad v = \tfrac1n\sum_j (x_j - \mu)^2, \quad
              \hat x = (x - \mu)/\sqrt{v + \epsilon}, \quad y = \gamma \odot \hat x + \beta

    Backward, per row, with :math:`g = \gamma \odot \partial J/\partial y`:

    .. math:: \frac{\partial J}{\partial x} = \frac{1}{\sqrt{v + \epsilon}}
              \Bigl(g - \overline{g} - \hat x\,\overline{g \odot \hat x}\Bigr),

    where a bar is the mean over the row's n features;
    :math:`\partial J/\partial\gamma = \sum_n (\partial J/\partial y) \odot \hat x` and
    :math:`\partial J/\partial\beta = \sum_n \partial J/\partial y`.

    Parameters
    ----------
    n : int
        The number of features.
    eps : float
        Added to the variance (1e-5, as in PyTorch).
    """

    def __init__(self, n, *, eps=1e-5, dtype=np.float64):
        self.n = check_positive_int("n", n)
        self.eps = check_positive("eps", eps)
        self.gamma = np.ones(self.n, dtype=dtype)
        self.beta = np.zeros(self.n, dtype=dtype)
        self.dgamma = np.zeros_like(self.gamma)
        self.dbeta = np.zeros_like(self.beta)
        self._cache = None

    def forward(self, X):
        """``X (N, n) -> Y (N, n)``; stores x_hat and 1/sqrt(v + eps)."""
        X = as_float_array("X", X, ndim=2, dtype=self.gamma.dtype)
        if X.shape[1] != self.n:
            raise ValueError(f"X must have {self.n} features (last axis) for {self!r}, got shape {X.shape}")
        return self._forward(X)

    def backward(self, grad_out, **_):
        """Store ``dgamma``, ``dbeta``; return ``dJ/dX``."""
        if self._cache is None:
            raise RuntimeError("LayerNorm.backward called before forward")
        grad_out = as_float_array("grad_out", grad_out, ndim=2, dtype=self.gamma.dtype)
        check_same_shape("grad_out", grad_out, "the last forward output", self._cache[0])
        return self._backward(grad_out)

    def _forward(self, X):
        mu = X.mean(axis=1, keepdims=True)
        centred = X - mu
        inv_std = 1.0 / np.sqrt((centred * centred).mean(axis=1, keepdims=True) + self.eps)
        x_hat = centred * inv_std
        self._cache = (x_hat, inv_std)
        return x_hat * self.gamma + self.beta

    def _backward(self, grad_out, **_):
        x_hat, inv_std = self._cache
        self.dgamma = (grad_out * x_hat).sum(axis=0)
        self.dbeta = grad_out.sum(axis=0)
        g = grad_out * self.gamma
        return inv_std * (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True))

    def params(self):
        return [self.gamma, self.beta]

    def grads(self):
        return [self.dgamma, self.dbeta]

    def __repr__(self):
        return f"LayerNorm({self.n})"


class Residual(Layer):
    r"""A residual block :math:`y = x + F(x)`, F being a list of layers with equal input and output width.

    Backward adds the two paths: :math:`\partial J/\partial x = \partial J/\partial y +
    (\partial F/\partial x)^\top \partial J/\partial y`. The first term is the
    identity path: it reaches the input unchanged, however small F's Jacobian is.
    """

    def __init__(self, layers):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("Residual needs at least one layer in its branch")

    def forward(self, X):
        X = as_float_array("X", X, ndim=2)
        out = self._branch(X)
        if out.shape != X.shape:
            raise ValueError(f"the branch must keep the shape {X.shape}, got {out.shape}")
        return X + out

    def backward(self, grad_out, **_):
        return self._backward(as_float_array("grad_out", grad_out, ndim=2))

    def _branch(self, X):
        out = X
        for layer in self.layers:
            out = layer._forward(out)
        return out

    def _forward(self, X):
        return X + self._branch(X)

    def _backward(self, grad_out, **_):
        grad = grad_out
        for layer in reversed(self.layers):
            grad = layer._backward(grad)
        return grad_out + grad          # identity path + branch path

    def params(self):
        return [p for layer in self.layers for p in layer.params()]

    def grads(self):
        return [g for layer in self.layers for g in layer.grads()]

    def train(self):
        for layer in self.layers:
            layer.train()
        return super().train()

    def eval(self):
        for layer in self.layers:
            layer.eval()
        return super().eval()

    def __repr__(self):
        return f"Residual({' -> '.join(map(repr, self.layers))})"


class DeepNet(LayerStack):
    r"""A deep network of ``depth`` hidden blocks of width ``width``.

    Layout: ``Linear(n_in, width) -> activation``, then ``depth`` hidden blocks, then
    ``Linear(width, n_out)`` (logits: train with ``losses.cross_entropy``).

    A **plain** hidden block is ``Linear -> [LayerNorm] -> activation``
    (the normalisation sits before the nonlinearity, where Ioffe & Szegedy put it).
    A **residual** block is ``a + Linear([LayerNorm](activation(a)))`` written in the
    "pre-activation" order, ``a + W phi(norm(a)) + b``, so that the identity path
    carries a and nothing else.

    The model has ``depth + 2`` weight matrices; ``linears`` lists them from
    the input side and :meth:`grad_norms` returns their Frobenius gradient norms.

    Parameters
    ----------
    sizes : (n_in, width, n_out)
    depth : int
        The number of hidden blocks (>= 1).
    activation : str
        Hidden activation (see :mod:`mlcore.activations`).
    init : str or callable
        Weight initialiser for every Linear (see :mod:`mlcore.init`).
    norm : None or "layer"
        Add a :class:`LayerNorm` to every hidden block.
    residual : bool
        Residual hidden blocks instead of plain ones.
    rng : None, int or Generator
        Seed for the weights (None: seed 0).
    """

    def __init__(self, sizes, depth, activation="relu", *, init="xavier", norm=None, residual=False, rng=None):
        try:
            n_in, width, n_out = (check_positive_int(name, s) for name, s in zip(("n_in", "width", "n_out"), sizes))
        except (TypeError, ValueError):
            raise ValueError(f"sizes must be (n_in, width, n_out), got {sizes!r}") from None
        self.depth = check_positive_int("depth", depth)
        if norm is not None:
            check_choice("norm", norm, ("layer",))
        self.norm, self.residual = norm, bool(residual)
        self.dtype = np.float64
        self.output = None
        rng = check_rng(rng)
        self.layers = [Linear(n_in, width, init=init, rng=rng), ActivationLayer(activation)]
        for _ in range(self.depth):
            linear = Linear(width, width, init=init, rng=rng)
            norm_layers = [LayerNorm(width)] if norm else []
            if self.residual:
                self.layers.append(Residual(norm_layers + [ActivationLayer(activation), linear]))
            else:
                self.layers += [linear] + norm_layers + [ActivationLayer(activation)]
        self.layers.append(Linear(width, n_out, init=init, rng=rng))
        self.linears = []
        for layer in self.layers:
            inner = layer.layers if isinstance(layer, Residual) else [layer]
            self.linears += [sub for sub in inner if isinstance(sub, Linear)]
        self.n_in = n_in
        self.training = True

    def forward(self, X):
        """``X (N, n_in) -> logits (N, n_out)``."""
        X = as_float_array("X", X, ndim=2)
        if X.shape[1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} features (last axis), got shape {X.shape}")
        return self._forward(X)

    __call__ = forward

    def _forward(self, X):
        out = X
        for layer in self.layers:
            out = layer._forward(out)
        return out

    def backward(self, grad_out, *, input_grad=True):
        """Back-propagate ``dJ/dlogits``; store every parameter gradient; return ``dJ/dX``."""
        return self._backward(as_float_array("grad_out", grad_out, ndim=2), input_grad=input_grad)

    def _backward(self, grad, *, input_grad=True):
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i == 0:
                grad = layer._backward(grad, input_grad=input_grad)
            else:
                grad = layer._backward(grad)
        return grad

    def params(self):
        """Every parameter, input side first (the live arrays)."""
        return [p for layer in self.layers for p in layer.params()]

    def grads(self):
        """The gradients of the last backward pass, in the order of :meth:`params`."""
        return [g for layer in self.layers for g in layer.grads()]

    def grad_norms(self):
        r"""``(depth + 2,)`` array of :math:`\lVert \partial J/\partial W^{(\ell)} \rVert_F`, input side first."""
        return np.array([np.linalg.norm(linear.dW) for linear in self.linears])

    def __repr__(self):
        kind = "residual" if self.residual else "plain"
        return (f"DeepNet({self.n_in} -> {self.depth} x {kind} {self.linears[1].n_out}"
                f"{' + LayerNorm' if self.norm else ''} -> {self.linears[-1].n_out})")
