r"""Optimisers and learning-rate schedules.

The update rules, argument names and defaults follow ``torch.optim``, so
numbers a learner computes here carry over. An optimiser is built on the list
of parameter arrays (``model.params()``) and ``step(grads)`` updates those
arrays **in place**, given gradients in the same order (``model.grads()``).

With g the gradient (plus ``weight_decay * p`` when weight decay is on):

=========  =====================================================================
SGD        b = mu b + g (b = g on the first step); g' = g + mu b if nesterov else b;
           p -= lr g'
Adagrad    s += g^2; p -= lr_t g / (sqrt(s) + eps), lr_t = lr / (1 + (t - 1) lr_decay)
RMSprop    v = alpha v + (1 - alpha) g^2; p -= lr g / (sqrt(v) + eps)
           (momentum: b = mu b + g / (sqrt(v) + eps); p -= lr b)
Adam       m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
           p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
=========  =====================================================================
"""

from __future__ import annotations

import numpy as np

from ._validate import check_in_range, check_nonnegative, check_positive, check_positive_int

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam",
           "Schedule", "InverseTimeDecay", "StepDecay", "ExponentialDecay"]


class Optimizer:
    """Base class holding the parameter list, the learning rate and the step count."""

    def __init__(self, params, lr):
        params = list(params)
        if not params:
            raise ValueError("params is empty; pass model.params()")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype not in (np.float32, np.float64):
                raise ValueError(f"params[{i}] must be a float32/float64 NumPy array, got {type(p).__name__}")
        self.params = params
        self.lr = check_positive("lr", lr)
        self.t = 0  # number of steps taken

    def step(self, grads):
        """Update every parameter in place from ``grads`` (same order and shapes as params)."""
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"grads has {len(grads)} arrays but there are {len(self.params)} parameters")
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if np.shape(g) != p.shape:
                raise ValueError(f"grads[{i}] has shape {np.shape(g)} but params[{i}] has shape {p.shape}")
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads)):
            self._update(i, p, np.asarray(g, dtype=p.dtype))

    def _decayed(self, p, g, weight_decay):
        return g + p.dtype.type(weight_decay) * p if weight_decay else g

    def _update(self, i, p, g):  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum and weight decay.

    ``dampening`` scales the new gradient in the momentum buffer (torch's
    ``b = mu b + (1 - dampening) g``); it is 0 by default.
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
        super().__init__(params, lr)
        self.momentum = check_in_range("momentum", momentum, 0.0, 1.0, high_open=True)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.dampening = check_in_range("dampening", dampening, 0.0, 1.0)
        if not isinstance(nesterov, bool):
            raise ValueError(f"nesterov must be True or False, got {nesterov!r}")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = nesterov
        self.buffers = [None] * len(self.params)
        self._scratch = [np.empty_like(p) for p in self.params]  # lr * g, without a new array each step

    def _update(self, i, p, g):
        g = self._decayed(p, g, self.weight_decay)
        if self.momentum:
            mu = p.dtype.type(self.momentum)
            if self.buffers[i] is None:
                self.buffers[i] = g.copy()
            else:
                self.buffers[i] *= mu
                self.buffers[i] += p.dtype.type(1 - self.dampening) * g
            b = self.buffers[i]
            g = g + mu * b if self.nesterov else b
        p -= np.multiply(g, p.dtype.type(self.lr), out=self._scratch[i])


class Adagrad(Optimizer):
    """AdaGrad: per-coordinate step sizes shrink with the sum of squared gradients."""

    def __init__(self, params, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10):
        super().__init__(params, lr)
        self.lr_decay = check_nonnegative("lr_decay", lr_decay)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.eps = check_positive("eps", eps)
        init = check_nonnegative("initial_accumulator_value", initial_accumulator_value)
        self.sums = [np.full_like(p, init) for p in self.params]

    def _update(self, i, p, g):
        g = self._decayed(p, g, self.weight_decay)
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        self.sums[i] += g * g
        p -= p.dtype.type(clr) * g / (np.sqrt(self.sums[i]) + p.dtype.type(self.eps))


class RMSprop(Optimizer):
    """RMSProp: divide by a running root-mean-square of recent gradients."""

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, lr)
        self.alpha = check_in_range("alpha", alpha, 0.0, 1.0, high_open=True)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.momentum = check_in_range("momentum", momentum, 0.0, 1.0, high_open=True)
        if not isinstance(centered, bool):
            raise ValueError(f"centered must be True or False, got {centered!r}")
        self.centered = centered
        self.square_avg = [np.zeros_like(p) for p in self.params]
        self.grad_avg = [np.zeros_like(p) for p in self.params] if centered else None
        self.buffers = [np.zeros_like(p) for p in self.params] if self.momentum else None

    def _update(self, i, p, g):
        g = self._decayed(p, g, self.weight_decay)
        a = p.dtype.type(self.alpha)
        v = self.square_avg[i]
        v *= a
        v += (1 - a) * g * g
        if self.centered:
            m = self.grad_avg[i]
            m *= a
            m += (1 - a) * g
            avg = np.sqrt(v - m * m) + p.dtype.type(self.eps)
        else:
            avg = np.sqrt(v) + p.dtype.type(self.eps)
        if self.momentum:
            b = self.buffers[i]
            b *= p.dtype.type(self.momentum)
            b += g / avg
            p -= p.dtype.type(self.lr) * b
        else:
            p -= p.dtype.type(self.lr) * g / avg


class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, with bias correction."""

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (check_in_range("betas[0]", beta1, 0.0, 1.0, high_open=True),
                      check_in_range("betas[1]", beta2, 0.0, 1.0, high_open=True))
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        if not isinstance(amsgrad, bool):
            raise ValueError(f"amsgrad must be True or False, got {amsgrad!r}")
        self.amsgrad = amsgrad
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.v_max = [np.zeros_like(p) for p in self.params] if amsgrad else None

    def _update(self, i, p, g):
        g = self._decayed(p, g, self.weight_decay)
        beta1, beta2 = self.betas
        m, v = self.m[i], self.v[i]
        m *= p.dtype.type(beta1)
        m += p.dtype.type(1 - beta1) * g
        v *= p.dtype.type(beta2)
        v += p.dtype.type(1 - beta2) * g * g
        bias1 = 1 - beta1 ** self.t
        bias2 = 1 - beta2 ** self.t
        if self.amsgrad:
            np.maximum(self.v_max[i], v, out=self.v_max[i])
            v = self.v_max[i]
        denom = np.sqrt(v) / p.dtype.type(np.sqrt(bias2)) + p.dtype.type(self.eps)
        p -= p.dtype.type(self.lr / bias1) * m / denom


# ---------------------------------------------------------------------- schedules
class Schedule:
    """Sets ``optimizer.lr`` from the initial rate and a step counter r.

    Call ``schedule.step()`` once per epoch (or per update, as you choose);
    ``lr_at(r)`` is the pure formula, handy for plotting.
    """

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"optimizer must be an mlcore.optim optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.lr0 = optimizer.lr
        self.r = 0

    def step(self):
        self.r += 1
        self.optimizer.lr = self.lr_at(self.r)
        return self.optimizer.lr

    def lr_at(self, r):  # pragma: no cover - abstract
        raise NotImplementedError


class InverseTimeDecay(Schedule):
    r"""The lectures' decaying step :math:`\rho_r = 1/r`, generalised.

    .. math:: \eta_r = \frac{\eta_0}{1 + \text{decay}\cdot r}, \quad r = 0, 1, 2, \ldots

    With ``lr = 1`` and ``decay = 1`` this is exactly 1, 1/2, 1/3, ... = 1/r for
    r counted from 1, as in the lecture.
    """

    def __init__(self, optimizer, decay=1.0):
        super().__init__(optimizer)
        self.decay = check_positive("decay", decay)

    def lr_at(self, r):
        return self.lr0 / (1 + self.decay * r)


class StepDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps (``torch.optim.lr_scheduler.StepLR``).

    .. math:: \eta_r = \eta_0\, \gamma^{\lfloor r / \text{step\_size} \rfloor}
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        super().__init__(optimizer)
        self.step_size = check_positive_int("step_size", step_size)
        self.gamma = check_in_range("gamma", gamma, 0.0, 1.0, low_open=True)

    def lr_at(self, r):
        return self.lr0 * self.gamma ** (r // self.step_size)


class ExponentialDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every step (``torch.optim.lr_scheduler.ExponentialLR``).

    .. math:: \eta_r = \eta_0\, \gamma^{r}
    """

    def __init__(self, optimizer, gamma):
        super().__init__(optimizer)
        self.gamma = check_in_range("gamma", gamma, 0.0, 1.0, low_open=True)

    def lr_at(self, r):
        return self.lr0 * self.gamma ** r
