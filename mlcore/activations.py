r"""Activation functions, each paired with its derivative.

Every activation ``phi`` is an object you call on an array, ``phi(z)``, with a
method ``phi.grad(z)`` that returns the elementwise derivative
:math:`\varphi'(z)` evaluated at the *pre-activation* ``z``. The docstring of
each class states the formula; ``tests/test_activations.py`` checks that the
formula, the code, sympy and finite differences agree. For that check each
class also carries ``formula`` and ``derivative``: sympy-syntax strings in the
variable ``z`` that its docstring quotes verbatim (softmax: component ``k`` of
``z[0..K-1]`` and its derivative with respect to ``z[i]``).

``softmax`` is not elementwise: it normalises the last axis, and
``softmax.jacobian(z)`` returns the :math:`K \times K` Jacobian of one vector.
Its ``grad`` is therefore not defined; use ``jacobian`` or ``vjp``.

Look an activation up by name with :func:`get`::

    >>> from mlcore import activations
    >>> activations.get("tanh")(0.0)
    0.0
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_choice, check_nonnegative, check_positive

__all__ = [
    "Activation", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Identity", "Softmax",
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity", "softmax", "get", "NAMES",
]


def _input(z):
    """Arrays pass through untouched (fast path); anything else is validated."""
    if isinstance(z, np.ndarray) and z.dtype in (np.float32, np.float64):
        return z
    return as_float_array("z", z, allow_nonfinite=True)


def _out(value, z_was_scalar: bool):
    return value.item() if z_was_scalar else value


class Activation:
    """Base class: an elementwise function with its derivative.

    Subclasses implement ``_f(z)`` and ``_df(z)`` on float arrays.
    """

    name = "activation"
    elementwise = True
    formula = None      # phi(z) in sympy syntax, quoted in the class docstring
    derivative = None   # d phi / d z in sympy syntax, quoted in the class docstring

    def __call__(self, z):
        arr = _input(z)
        return _out(self._f(arr), np.ndim(z) == 0 and not isinstance(z, np.ndarray))

    def grad(self, z):
        """Elementwise derivative d phi / d z at the pre-activation ``z``."""
        arr = _input(z)
        return _out(self._df(arr), np.ndim(z) == 0 and not isinstance(z, np.ndarray))

    def jacobian(self, z):
        r"""Jacobian of the vector map :math:`z \mapsto \varphi(z)`: ``diag(phi'(z))``."""
        z = as_float_array("z", z, ndim=1)
        return np.diag(self._df(z))

    def vjp(self, z, u):
        """u^T J for a batch: rows of ``z`` and ``u`` are independent examples."""
        return u * self._df(z)

    def jvp(self, z, v):
        """J v for a batch of rows."""
        return self._df(z) * v

    def __repr__(self):
        return f"{self.name}"

    def _f(self, z):  # pragma: no cover - abstract
        raise NotImplementedError

    def _df(self, z):  # pragma: no cover - abstract
        raise NotImplementedError


class Sigmoid(Activation):
    r"""Logistic sigmoid.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \sigma'(z) = \sigma(z)\,(1 - \sigma(z))

    The output lies in the open interval (0, 1); the derivative is at most 1/4,
    reached at z = 0.

    Formula: 1/(1 + exp(-z)); derivative: exp(-z)/(1 + exp(-z))**2
    """

    name = "sigmoid"
    formula = "1/(1 + exp(-z))"
    derivative = "exp(-z)/(1 + exp(-z))**2"

    def _f(self, z):
        # Two branches so that exp never overflows: for z < 0 use e^z / (1 + e^z).
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def _df(self, z):
        s = self._f(z)
        return s * (1 - s)


class Tanh(Activation):
    r"""Hyperbolic tangent.

    .. math:: \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1,
              \qquad \tanh'(z) = 1 - \tanh^2(z)

    Formula: tanh(z); derivative: 1 - tanh(z)**2
    """

    name = "tanh"
    formula = "tanh(z)"
    derivative = "1 - tanh(z)**2"

    def _f(self, z):
        return np.tanh(z)

    def _df(self, z):
        t = np.tanh(z)
        return 1 - t * t


class ReLU(Activation):
    r"""Rectified linear unit.

    .. math:: \mathrm{ReLU}(z) = \max(0, z), \qquad \mathrm{ReLU}'(z) = \mathbb{1}[z > 0]

    The derivative at exactly z = 0 does not exist; like PyTorch we use 0 there.

    Formula: Max(0, z); derivative: Heaviside(z)
    """

    name = "relu"
    formula = "Max(0, z)"
    derivative = "Heaviside(z)"

    def _f(self, z):
        return np.maximum(z, 0)

    def _df(self, z):
        return (z > 0).astype(z.dtype)

    def vjp(self, z, u):
        """u * 1[z > 0]; multiplying by the boolean mask skips building a float copy of it."""
        return u * (z > 0)


class LeakyReLU(Activation):
    r"""Leaky ReLU with slope ``slope`` for negative inputs (0.1 in the lectures).

    .. math:: \mathrm{LeakyReLU}(z) = \max(\alpha z, z) \;(0 \le \alpha < 1), \qquad
              \mathrm{LeakyReLU}'(z) = 1 \text{ if } z > 0 \text{ else } \alpha

    PyTorch's default slope is 0.01; the lectures use 0.1, and so do we.

    Formula: Piecewise((z, z > 0), (slope*z, True)); derivative: Piecewise((1, z > 0), (slope, True))
    """

    name = "leaky_relu"
    formula = "Piecewise((z, z > 0), (slope*z, True))"
    derivative = "Piecewise((1, z > 0), (slope, True))"

    def __init__(self, slope: float = 0.1):
        check_nonnegative("slope", slope)
        if slope >= 1:
            raise ValueError(f"slope must be in [0, 1), got {slope}")
        self.slope = float(slope)

    def _f(self, z):
        return np.where(z > 0, z, z * z.dtype.type(self.slope))

    def _df(self, z):
        one = z.dtype.type(1)
        return np.where(z > 0, one, z.dtype.type(self.slope))

    def __repr__(self):
        return f"leaky_relu(slope={self.slope})"


class ELU(Activation):
    r"""Exponential linear unit.

    .. math:: \mathrm{ELU}(z) = z \text{ if } z \ge 0 \text{ else } \alpha (e^{z} - 1), \qquad
              \mathrm{ELU}'(z) = 1 \text{ if } z \ge 0 \text{ else } \alpha e^{z}

    At z = 0 the one-sided derivatives are 1 and alpha; with alpha = 1 they agree.

    Formula: Piecewise((z, z >= 0), (alpha*(exp(z) - 1), True));
    derivative: Piecewise((1, z >= 0), (alpha*exp(z), True))
    """

    name = "elu"
    formula = "Piecewise((z, z >= 0), (alpha*(exp(z) - 1), True))"
    derivative = "Piecewise((1, z >= 0), (alpha*exp(z), True))"

    def __init__(self, alpha: float = 1.0):
        self.alpha = check_positive("alpha", alpha)

    def _f(self, z):
        a = z.dtype.type(self.alpha)
        return np.where(z >= 0, z, a * np.expm1(np.minimum(z, 0)))

    def _df(self, z):
        a = z.dtype.type(self.alpha)
        return np.where(z >= 0, z.dtype.type(1), a * np.exp(np.minimum(z, 0)))

    def __repr__(self):
        return f"elu(alpha={self.alpha})"


class Identity(Activation):
    r"""Identity (linear output).

    .. math:: \varphi(z) = z, \qquad \varphi'(z) = 1

    Formula: z; derivative: 1
    """

    name = "identity"
    formula = "z"
    derivative = "1"

    def _f(self, z):
        return z

    def _df(self, z):
        return np.ones_like(z)


class Softmax(Activation):
    r"""Softmax over the last axis.

    .. math:: \mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}, \qquad
              \frac{\partial\, \mathrm{softmax}(z)_i}{\partial z_j} = p_i(\delta_{ij} - p_j),
              \quad J = \mathrm{diag}(p) - p p^\top

    Subtracting ``max(z)`` first leaves the result unchanged and keeps ``exp``
    from overflowing.

    Formula: exp(z[k])/Sum(exp(z[j]), (j, 0, K - 1)); derivative (with respect to z[i]):
    exp(z[k])/Sum(exp(z[j]), (j, 0, K - 1))*(KroneckerDelta(i, k) - exp(z[i])/Sum(exp(z[j]), (j, 0, K - 1)))
    """

    name = "softmax"
    elementwise = False
    formula = "exp(z[k])/Sum(exp(z[j]), (j, 0, K - 1))"
    derivative = ("exp(z[k])/Sum(exp(z[j]), (j, 0, K - 1))"
                  "*(KroneckerDelta(i, k) - exp(z[i])/Sum(exp(z[j]), (j, 0, K - 1)))")

    def _f(self, z):
        if z.ndim == 0:
            raise ValueError("softmax needs at least a 1-D array of scores, got a scalar")
        shifted = z - z.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)

    def __call__(self, z):
        return self._f(_input(z))

    def grad(self, z):
        raise TypeError(
            "softmax is not elementwise, so it has no elementwise derivative; "
            "use softmax.jacobian(z) for one vector or softmax.vjp(z, u) for a batch"
        )

    def jacobian(self, z):
        """The K x K Jacobian ``diag(p) - p p^T`` of one score vector ``z`` of shape (K,)."""
        z = as_float_array("z", z, ndim=1)
        p = self._f(z)
        return np.diag(p) - np.outer(p, p)

    def vjp(self, z, u):
        r"""Rows of ``u^T J`` for a batch: ``p * (u - sum(u * p))`` (J is symmetric)."""
        p = self._f(z)
        return p * (u - np.sum(u * p, axis=-1, keepdims=True))

    def jvp(self, z, v):
        """Rows of ``J v``; the softmax Jacobian is symmetric, so this equals the VJP."""
        return self.vjp(z, v)


sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
leaky_relu = LeakyReLU(0.1)
elu = ELU(1.0)
identity = Identity()
softmax = Softmax()

_REGISTRY = {
    "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
    "elu": ELU, "identity": Identity, "softmax": Softmax,
}
NAMES = tuple(_REGISTRY)


def get(name, **kwargs) -> Activation:
    """Return the activation called ``name`` (or pass an Activation through).

    Keyword arguments configure it, e.g. ``get("leaky_relu", slope=0.2)``.
    """
    if isinstance(name, Activation):
        if kwargs:
            raise ValueError("keyword arguments only apply when the activation is given by name")
        return name
    check_choice("activation", name, NAMES)
    if not kwargs:
        return {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
                "elu": elu, "identity": identity, "softmax": softmax}[name]
    options = {"leaky_relu": ("slope",), "elu": ("alpha",)}.get(name, ())
    unknown = sorted(set(kwargs) - set(options))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} for activation {name!r}; "
                         f"valid options are {list(options) or 'none'}")
    return _REGISTRY[name](**kwargs)
