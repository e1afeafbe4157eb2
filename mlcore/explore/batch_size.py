r"""Batch-size explorer (Chapter 9): batch, stochastic and mini-batch gradient descent on one problem,
measured per epoch and per unit of (modelled) time.

**The problem.** Logistic regression :math:`p = \sigma(\mathbf w^\top\mathbf x + b)` with the mean
binary cross-entropy :math:`J = -\frac1N\sum_n [y_n\log p_n + (1-y_n)\log(1-p_n)]` on
``N = 128`` points of ``mlcore.data.moons(128, noise=0.3, rng=0)``, standardised. It is
the model ``mlcore.MLP([2, 1], output="sigmoid", rng=seed)`` trained with
``mlcore.batching.train_curve(model, "binary_cross_entropy", X, y, batch_size=B, lr=eta, rng=seed)``:
the starting weights are that MLP's, the batches are drawn the same way (a fresh
permutation from ``np.random.default_rng(seed)`` every epoch, no shuffle for B = N),
and the update is :math:`\theta \leftarrow \theta - \eta\, \frac1B\sum_{n\in\text{batch}}(p_n - y_n)\tilde{\mathbf x}_n`.
The loop here is the same computation written with NumPy on the three numbers
:math:`(w_1, w_2, b)`: ``train_curve`` spends about 0.2 ms per update in checks and
bookkeeping, far over the explorer's budget for the 3,420 updates of a frame.
``tests/test_explore_batch_size.py`` asserts that both give the same losses.

**What is recorded.** For each batch size B of ``B_GRID`` (1, 4, 16, 64 and N = 128),
``EPOCHS_MAX`` = 20 epochs of updates, N / B per epoch, and the **full** training loss
(over all N points) after every update. The x axes are computed in the drawing:
epochs = k B / N after k updates, and a deterministic cost standing in for wall-clock
time, **a model, not a measurement**:

.. math:: \text{time} \approx k\,(c + B) \quad\text{gradient-of-one-example units},\qquad c = 32,

the per-update overhead c (launching the update, reading the weights, a kernel call)
paid once per update whatever B is, plus one unit per example in the batch. On
vectorised hardware a batch of B costs less than B single examples, which the
overhead term stands for; ``compute`` never reads a clock, so it is pure.

**Gradient noise.** The relative error of a mini-batch gradient at the starting
weights, as a root mean square over the batches B examples drawn without replacement:

.. math:: \frac{\sqrt{\mathbb E\|\mathbf g_B - \mathbf g\|^2}}{\|\mathbf g\|}
          = \frac{1}{\|\mathbf g\|}\sqrt{\frac{N - B}{N - 1}\,\frac{\sigma^2}{B}},\qquad
          \sigma^2 = \frac1N\sum_n \|\mathbf g_n - \mathbf g\|^2,

with :math:`\mathbf g_n` the gradient of example n alone and :math:`\mathbf g` their mean
(the full gradient): :math:`1/\sqrt B` shrinking, and exactly 0 at B = N.

**Controls.** ``B`` and ``epochs`` are client-side (``compute`` returns every batch
size's run over 20 epochs; the drawing highlights one and cuts at ``epochs``), so the
static page stores one frame per (step size, seed): 5 x 3 = 15 frames.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import data as _data
from .._validate import check_rng
from ..network import MLP
from .base import Explorer

__all__ = ["BatchSizeExplorer", "batch_size", "N", "B_GRID", "LR_GRID", "SEED_GRID", "EPOCHS_GRID",
           "EPOCHS_MAX", "OVERHEAD", "problem", "optimum", "start_weights", "run", "full_loss", "gradient_noise", "cost"]

N = 128
B_GRID = [1, 4, 16, 64, N]
LR_GRID = [0.03, 0.1, 0.3, 1.0, 3.0]
SEED_GRID = [0, 1, 2]
EPOCHS_GRID = [1, 2, 5, 10, 20]
EPOCHS_MAX = EPOCHS_GRID[-1]
OVERHEAD = 32     # c: the modelled fixed cost of one update, in units of one example's gradient


@functools.lru_cache(maxsize=1)
def problem():
    """``(Xt, y)``: the standardised moons with a column of ones appended (bias last), labels 0/1 as floats."""
    X, y = _data.moons(N, noise=0.3, rng=0)
    X = _data.standardize(X)
    Xt = np.c_[X, np.ones(N)]
    y = y.astype(np.float64)
    for a in (Xt, y):
        a.flags.writeable = False
    return Xt, y


def start_weights(seed):
    """``(w1, w2, b)``: the initial weights of ``mlcore.MLP([2, 1], output="sigmoid", rng=seed)``."""
    W, b = MLP([2, 1], output="sigmoid", rng=seed).params()
    return np.r_[W.ravel(), b]


def full_loss(thetas):
    """The mean binary cross-entropy over all N points for each row (w1, w2, b) of ``thetas``, stably."""
    Xt, y = problem()
    z = np.atleast_2d(thetas) @ Xt.T                       # (rows, N)
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))   # log(1 + e^z) = -log(1 - p), without overflow
    return np.mean(softplus - y * z, axis=1)                # -log p = softplus(z) - z


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _frozen(a):
    a.flags.writeable = False
    return a


@functools.lru_cache(maxsize=1)
def optimum(iters=50):
    """J*: the smallest mean cross-entropy of the problem, by Newton's method from 0 (to machine precision)."""
    Xt, y = problem()
    theta = np.zeros(3)
    for _ in range(iters):
        p = _sigmoid(Xt @ theta)
        g = Xt.T @ (p - y) / N
        H = (Xt * (p * (1 - p))[:, None]).T @ Xt / N
        step = np.linalg.solve(H, g)
        theta = theta - step
        if np.linalg.norm(step) < 1e-14:
            break
    return float(full_loss(theta)[0])


@functools.lru_cache(maxsize=256)
def run(batch, lr, seed, epochs=EPOCHS_MAX):
    """Mini-batch SGD for ``epochs`` epochs: the full training loss before the first and after every update.

    Read-only array of length ``epochs * N / batch + 1``.
    """
    Xt, y = problem()
    theta = start_weights(seed)
    rng = check_rng(seed)
    thetas = np.empty((epochs * -(-N // batch) + 1, 3))
    thetas[0] = theta
    k = 0
    for _ in range(epochs):
        order = rng.permutation(N) if batch < N else np.arange(N)   # as mlcore.data.minibatches
        Xo, yo = Xt[order], y[order]                                # one gather per epoch; slices below
        if batch == 1:      # the same update on Python floats: ~1 us instead of ~10 us per update
            w1, w2, b = (float(v) for v in theta)
            for (x1, x2, _), t in zip(Xo.tolist(), yo.tolist()):
                r = lr * (0.5 * (1.0 + math.tanh(0.5 * (w1 * x1 + w2 * x2 + b))) - t)
                w1, w2, b = w1 - r * x1, w2 - r * x2, b - r
                k += 1
                thetas[k] = w1, w2, b
            theta = thetas[k].copy()
            continue
        for start in range(0, N, batch):
            Xb = Xo[start:start + batch]
            p = _sigmoid(Xb @ theta)
            theta = theta - lr * (Xb.T @ (p - yo[start:start + batch])) / len(Xb)
            k += 1
            thetas[k] = theta
    losses = full_loss(thetas)
    losses.flags.writeable = False
    return losses


def per_example_gradients(theta):
    """The gradient of each example's own loss at ``theta``: rows (p_n - y_n) x~_n, shape (N, 3)."""
    Xt, y = problem()
    return (_sigmoid(Xt @ theta) - y)[:, None] * Xt


@functools.lru_cache(maxsize=16)
def gradient_noise(seed):
    """The RMS relative error of a B-example gradient at the starting weights, for each B of B_GRID."""
    G = per_example_gradients(start_weights(seed))
    g = G.mean(axis=0)
    sigma2 = np.mean(np.sum((G - g) ** 2, axis=1))
    B = np.array(B_GRID, dtype=float)
    out = np.sqrt((N - B) / (N - 1) * sigma2 / B) / np.linalg.norm(g)
    out.flags.writeable = False
    return out


def cost(updates, batch, overhead=OVERHEAD):
    """The modelled time of ``updates`` updates with batches of ``batch``: updates x (overhead + batch)."""
    return np.asarray(updates) * (overhead + batch)


class BatchSizeExplorer(Explorer):
    title = "Batch size: noise against progress, per epoch and per unit of time"
    description = ("Logistic regression on 128 points (two moons), trained by mini-batch gradient descent with "
                   "batch size B, from B = 1 (stochastic) to B = N = 128 (batch). The full training loss is "
                   "recorded after every update. Left: against epochs (passes over the data). Middle: against "
                   "a modelled time, updates × (c + B) with a fixed per-update overhead c = 32, in units of one "
                   "example's gradient; no clock is read. Right: the relative gradient noise "
                   "‖g_B − g‖/‖g‖ at the start.")
    params = {"B": B_GRID, "lr": LR_GRID, "seed": SEED_GRID, "epochs": EPOCHS_GRID}
    defaults = {"B": 16, "lr": 0.3, "seed": 0, "epochs": 10}
    labels = {"B": "batch size B", "lr": "step size η", "seed": "seed (start and shuffling)",
              "epochs": "epochs shown"}
    client_side = ("B", "epochs")
    figsize = (9.6, 4.3)
    js = "batch_size.js"
    shared_caches = (run, gradient_noise, optimum, problem)

    def compute(self, *, B, lr, seed, epochs):
        """Every batch size's run at step size ``lr`` and ``seed`` (B and epochs are applied by the drawing).

        Keys: ``N``, ``overhead`` (c), ``epochs_max``, ``epochs_grid``, ``batches`` (B_GRID),
        ``updates_per_epoch`` (N / B for each), ``optimum`` (J*, the smallest training loss),
        ``start_loss``, ``excess`` (one array per batch size: J - J* after k = 0, 1, ..., 20 N / B
        updates), ``final`` (J - J* after each epoch count of EPOCHS_GRID, shape (len(B_GRID),
        len(EPOCHS_GRID))), ``rises`` (how many of those updates raised the full loss, same shape),
        ``noise`` (RMS ‖g_B − g‖/‖g‖ at the start, per B), ``lr``, ``seed``.
        """
        j_star = optimum()
        losses = [run(b, lr, seed) for b in B_GRID]
        per_epoch = np.array([N // b for b in B_GRID])
        excess = tuple(_frozen(np.maximum(v - j_star, 0.0)) for v in losses)
        ends = [[e * per_epoch[i] for e in EPOCHS_GRID] for i in range(len(B_GRID))]
        final = np.array([[excess[i][k] for k in ends[i]] for i in range(len(B_GRID))])
        rose = [np.concatenate([[0], np.cumsum(np.diff(v) > 0)]) for v in losses]
        rises = np.array([[rose[i][k] for k in ends[i]] for i in range(len(B_GRID))])
        return {"N": N, "overhead": OVERHEAD, "epochs_max": EPOCHS_MAX, "epochs_grid": np.array(EPOCHS_GRID),
                "batches": np.array(B_GRID), "updates_per_epoch": per_epoch, "optimum": j_star,
                "start_loss": float(losses[0][0]), "excess": excess, "final": final, "rises": rises,
                "noise": gradient_noise(seed), "lr": lr, "seed": seed}


def batch_size() -> BatchSizeExplorer:
    """The batch-size explorer: logistic regression on two moons, B from 1 to N, per epoch and per modelled time."""
    return BatchSizeExplorer()
