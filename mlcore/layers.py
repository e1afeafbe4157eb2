r"""Layers: the building blocks of :class:`mlcore.MLP`.

Every layer is a *module* in the lectures' sense: ``forward`` stores what the
backward pass will need, ``backward(grad_out)`` receives the upstream gradient
:math:`\partial J/\partial(\text{output})` and returns the downstream gradient
:math:`\partial J/\partial(\text{input})`, storing parameter gradients on the way.

Batch layout: rows are examples. ``X`` is ``(N, n_in)`` and a dense layer holds
``W`` of shape ``(n_out, n_in)`` and ``b`` of shape ``(n_out,)``, so that for
one example (one row x) it computes z = W x + b, exactly as the lectures write
it, and for the whole batch Z = X W^T + b.

Layers also expose the Jacobian view used in the JVP/VJP chapter: after a
forward pass on a single example, ``jacobian()`` is the layer's own Jacobian
with respect to its input, ``jvp(V)`` pushes tangent vectors (rows of ``V``)
forward and ``vjp(U)`` pulls cotangent vectors (rows of ``U``) back.
"""

from __future__ import annotations

import numpy as np

from . import activations as _act
from . import init as _init
from ._validate import (as_float_array, check_dtype, check_in_range, check_positive_int, check_rng,
                        check_same_shape)

__all__ = ["Layer", "Linear", "ActivationLayer", "Dropout"]


class Layer:
    """Base class. Layers without parameters return empty lists."""

    training = True

    def params(self):
        return []

    def grads(self):
        return []

    def train(self):
        self.training = True
        return self

    def eval(self):
        self.training = False
        return self


class Linear(Layer):
    r"""Dense (fully connected) layer z = W x + b.

    Shapes: ``W`` is ``(n_out, n_in)``, ``b`` is ``(n_out,)``, and ``forward``
    maps ``X`` of shape ``(N, n_in)`` to ``(N, n_out)``.

    Backward, for the upstream gradient ``G = dJ/dZ`` of shape ``(N, n_out)``:

    .. math:: \frac{\partial J}{\partial W} = G^\top X, \quad
              \frac{\partial J}{\partial b} = \textstyle\sum_n G_n, \quad
              \frac{\partial J}{\partial X} = G W

    (In the lectures' column layout these read delta a^T, delta and W^T delta.)

    Parameters
    ----------
    n_in, n_out : int
        Sizes of the input and output.
    init : str or callable
        ``"xavier"`` (default), ``"he"``, ``"small"`` or ``"zeros"``; see
        :mod:`mlcore.init`. Biases start at 0.
    rng : None, int or numpy Generator
        Source of randomness (``None`` means seed 0: reproducible by default).
    dtype : float32 or float64
        The dtype of the parameters, outputs and gradients.
    """

    def __init__(self, n_in, n_out, *, init="xavier", rng=None, dtype=np.float64):
        self.n_in = check_positive_int("n_in", n_in)
        self.n_out = check_positive_int("n_out", n_out)
        self.dtype = check_dtype("dtype", dtype)
        initialiser = _init.get(init)
        W = initialiser(self.n_out, self.n_in, check_rng(rng), self.dtype)
        self.W = np.ascontiguousarray(W, dtype=self.dtype)
        self.b = np.zeros(self.n_out, dtype=self.dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._X = None

    def forward(self, X):
        """``X (N, n_in) -> Z = X W^T + b (N, n_out)``; stores X for the backward pass.

        A single example ``x (n_in,)`` gives ``z (n_out,)``. X is cast to the layer's dtype.
        """
        X = as_float_array("X", X, ndim=(1, 2), dtype=self.dtype)
        if X.shape[-1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} features (last axis) for {self!r}, got shape {X.shape}")
        if X.ndim == 1:
            return self._forward(X[None, :])[0]
        return self._forward(X)

    def backward(self, grad_out, *, input_grad=True):
        """Store ``dW``, ``db``; return ``dJ/dX = grad_out @ W`` (or None if not wanted)."""
        if self._X is None:
            raise RuntimeError("Linear.backward called before forward")
        grad_out = as_float_array("grad_out", grad_out, ndim=(1, 2), dtype=self.dtype)
        expected = (self._X.shape[0], self.n_out)
        if grad_out.ndim == 1 and self._X.shape[0] == 1:
            grad_in = self._backward(grad_out[None, :], input_grad=input_grad)
            return None if grad_in is None else grad_in[0]
        if grad_out.shape != expected:
            raise ValueError(f"grad_out must have shape {expected} (the shape of the last forward output), "
                             f"got {grad_out.shape}")
        return self._backward(grad_out, input_grad=input_grad)

    def _forward(self, X):
        self._X = X
        Z = X @ self.W.T   # (N, n_in) @ (n_in, n_out); BLAS reads W.T without copying it
        Z += self.b        # in place: no second (N, n_out) temporary
        return Z

    def _backward(self, grad_out, *, input_grad=True):
        self.dW = grad_out.T @ self._X          # (n_out, N) @ (N, n_in): sum over the batch of delta x^T
        self.db = grad_out.sum(axis=0)
        return grad_out @ self.W if input_grad else None

    def params(self):
        return [self.W, self.b]

    def grads(self):
        return [self.dW, self.db]

    def jacobian(self):
        """dz/dx = W, shape (n_out, n_in)."""
        return self.W

    def jvp(self, V):
        return V @ self.W.T

    def vjp(self, U):
        return U @ self.W

    def __repr__(self):
        return f"Linear({self.n_in} -> {self.n_out})"


class ActivationLayer(Layer):
    """Applies an activation; stores the pre-activation z for the backward pass."""

    def __init__(self, activation):
        self.activation = _act.get(activation)
        self._z = None

    def forward(self, Z):
        return self._forward(as_float_array("Z", Z))

    def backward(self, grad_out, **_):
        if self._z is None:
            raise RuntimeError("ActivationLayer.backward called before forward")
        grad_out = as_float_array("grad_out", grad_out, dtype=self._z.dtype)
        check_same_shape("grad_out", grad_out, "the last forward input", self._z)
        return self._backward(grad_out)

    def _forward(self, Z):
        self._z = Z
        return self.activation._f(Z)

    def _backward(self, grad_out, **_):
        # Elementwise: dJ/dz = dJ/da * phi'(z). Softmax: the row-wise VJP with diag(p) - p p^T.
        return self.activation.vjp(self._z, grad_out)

    def jacobian(self):
        return self.activation.jacobian(self._z[0])

    def jvp(self, V):
        return self.activation.jvp(self._z, V)

    def vjp(self, U):
        return self.activation.vjp(self._z, U)

    def __repr__(self):
        return f"{self.activation!r}"


class Dropout(Layer):
    r"""Inverted dropout with **drop** probability ``p``.

    In training mode each unit is zeroed with probability p and the survivors
    are scaled by 1 / (1 - p), so the expected activation is unchanged and
    evaluation mode is simply the identity.

    .. math:: \text{train: } a \odot m / (1 - p),\; m_i \sim \mathrm{Bernoulli}(1 - p); \qquad
              \text{eval: } a
    """

    def __init__(self, p=0.5, *, rng=None):
        self.p = check_in_range("p", p, 0.0, 1.0, high_open=True)
        self.rng = check_rng(rng)
        self._mask = None

    def forward(self, X):
        return self._forward(as_float_array("X", X))

    def backward(self, grad_out, **_):
        grad_out = as_float_array("grad_out", grad_out)
        if self._mask is not None:
            check_same_shape("grad_out", grad_out, "the last forward input", self._mask)
        return self._backward(grad_out)

    def _forward(self, X):
        if not self.training or self.p == 0:
            self._mask = None
            return X
        keep = X.dtype.type(1 - self.p)
        self._mask = (self.rng.random(X.shape, dtype=np.float32 if X.dtype == np.float32 else np.float64)
                      < keep).astype(X.dtype) / keep
        return X * self._mask

    def _backward(self, grad_out, **_):
        return grad_out if self._mask is None else grad_out * self._mask

    def jacobian(self):
        """diag(mask) in training mode; None (the identity) in evaluation mode."""
        if self._mask is None:
            return None
        return np.diag(self._mask[0])

    def jvp(self, V):
        return self._backward(V)

    def vjp(self, U):
        return self._backward(U)

    def __repr__(self):
        return f"Dropout(p={self.p})"
