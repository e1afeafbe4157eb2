r"""Step-size explorer (Chapter 5): gradient descent :math:`w \leftarrow w - \eta \nabla J(w)` in three settings.

- ``1-D quadratic``: :math:`f(x) = 2x^2`, so :math:`\lambda = f'' = 4` and the
  iterates obey :math:`x_{k+1} = (1 - 4\eta)\,x_k`: monotone for
  :math:`\eta < 1/4`, oscillating for :math:`1/4 < \eta < 1/2`, divergent for
  :math:`\eta > 1/2 = 2/\lambda`.
- ``2-D quadratic``: :math:`f(w) = \tfrac12 w^\top H w` with eigenvalues 0.5
  and 8 (condition number 16) along axes rotated by 30 degrees; each eigen-
  direction behaves like the 1-D case, so :math:`\eta < 2/\lambda_{max} = 0.25`
  is needed and the shallow direction then crawls at rate :math:`1 - 0.5\eta`.
- ``2-8-1 network``: full-batch gradient descent on the MSE of a tanh
  ``mlcore.MLP([2, 8, 1])`` on ``mlcore.data.moons`` (labels 0/1 as targets),
  using mlcore's forward, backward and ``optim.SGD``. The threshold shown is
  :math:`2/\hat\lambda_{max}` with :math:`\hat\lambda_{max}` the largest
  eigenvalue of the loss Hessian **at the starting weights**, estimated by power
  iteration on finite-difference Hessian-vector products of mlcore gradients: a
  local estimate, since the curvature changes as the weights move.

A run stops early when it has diverged (loss above ``DIVERGED`` times its
start, or not finite) or converged (loss below ``CONVERGED`` times its start).
"""

from __future__ import annotations

import functools

import numpy as np

from .. import data as _data
from .. import losses as _losses
from .. import optim as _optim
from ..network import MLP
from .base import Explorer

__all__ = ["StepSizeExplorer", "step_size", "LR_GRID", "network_lambda_max"]

LR_GRID = [m * 10.0 ** e for e in (-3, -2, -1) for m in (1, 1.5, 2, 3, 4, 5, 7)] + [1.0, 1.5, 2.0, 3.0]
LR_GRID = [float(f"{v:.3g}") for v in LR_GRID]
STEPS_GRID = [1, 2, 3, 5, 10, 20, 30, 50, 100, 150, 200]
MAX_STEPS = STEPS_GRID[-1]
DIVERGED = 1e4    # stop: loss > DIVERGED * loss at the start (or not finite)
CONVERGED = 1e-16  # stop: loss < CONVERGED * loss at the start

SETTINGS = ["1-D quadratic", "2-D quadratic", "2-8-1 network"]
KIND = {"1-D quadratic": "1d", "2-D quadratic": "2d", "2-8-1 network": "network"}

# 1-D: f(x) = 2 x^2, Hessian 4.
H1 = np.array([[4.0]])
# 2-D: H = R diag(0.5, 8) R^T, R a rotation by 30 degrees (long, shallow axis at 30 degrees).
_theta = np.deg2rad(30.0)
_R = np.array([[np.cos(_theta), -np.sin(_theta)], [np.sin(_theta), np.cos(_theta)]])
H2 = _R @ np.diag([0.5, 8.0]) @ _R.T
X0_GRID = [-3.0, -1.5, 1.0, 2.5]
START_GRID = [(-5.0, -1.5), (-4.0, 3.0), (1.0, 4.0), (5.0, -2.0)]
SEED_GRID = [0, 1, 2]
VIEW_1D = ((-4.2, 4.2), (-1.5, 36.0))
VIEW_2D = ((-6.0, 6.0), (-4.5, 4.5))
CONTOUR_LEVELS = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]


def _close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


# ---------------------------------------------------------------------- quadratics (vectorised over the lr grid)
@functools.lru_cache(maxsize=64)
def _quadratic_runs(kind, start):
    """Gradient descent from ``start`` for every step size of LR_GRID at once.

    Returns (paths (n_lr, MAX_STEPS + 1, d), losses (n_lr, MAX_STEPS + 1),
    stop (n_lr,), outcome (n_lr,) with 0 running, 1 converged, 2 diverged).
    Entries after a run's stop are NaN.
    """
    H = H1 if kind == "1d" else H2
    lrs = np.array(LR_GRID)[:, None]
    n_lr, d = len(LR_GRID), H.shape[0]
    w = np.tile(np.asarray(start, dtype=np.float64), (n_lr, 1))
    paths = np.full((n_lr, MAX_STEPS + 1, d), np.nan)
    losses = np.full((n_lr, MAX_STEPS + 1), np.nan)
    loss0 = 0.5 * float(w[0] @ H @ w[0])
    paths[:, 0], losses[:, 0] = w, loss0
    stop = np.full(n_lr, MAX_STEPS)
    outcome = np.zeros(n_lr, dtype=int)
    alive = np.ones(n_lr, dtype=bool)
    for k in range(1, MAX_STEPS + 1):
        w = w - lrs * (w @ H)                              # w <- w - eta grad f, grad f = H w (rows)
        f = 0.5 * np.einsum("ij,jk,ik->i", w, H, w)
        paths[alive, k], losses[alive, k] = w[alive], f[alive]
        diverged = alive & (~np.isfinite(f) | (f > DIVERGED * loss0))
        converged = alive & (f < CONVERGED * loss0)
        stop[diverged | converged] = k
        outcome[diverged], outcome[converged] = 2, 1
        alive &= ~(diverged | converged)
        if not alive.any():
            break
    for a in (paths, losses, stop, outcome):
        a.flags.writeable = False
    return paths, losses, stop, outcome


def _ellipse(level, n=121):
    """The contour f(w) = level of the 2-D quadratic, as an (n, 2) polyline."""
    t = np.linspace(0, 2 * np.pi, n)
    radii = np.sqrt(2 * level / np.array([0.5, 8.0]))       # along the eigenvectors (columns of R)
    return (_R @ (radii[:, None] * np.vstack([np.cos(t), np.sin(t)]))).T


# ---------------------------------------------------------------------- the network
@functools.lru_cache(maxsize=1)
def _network_data():
    X, y = _data.moons(100, noise=0.1, rng=0)
    return X, y[:, None].astype(np.float64)


def _network(seed):
    return MLP([2, 8, 1], "tanh", rng=seed)


def _flat_grad(model, X, Y, theta):
    """Loss and gradient (flattened) of the network at the flat parameter vector theta (mlcore forward/backward)."""
    shapes = [p.shape for p in model.params()]
    parts = np.split(theta, np.cumsum([int(np.prod(s)) for s in shapes])[:-1])
    model.load_state([part.reshape(s) for part, s in zip(parts, shapes)])
    value, grad = _losses.mse.value_and_grad(model.forward(X), Y)
    model.backward(grad, input_grad=False)
    return value, np.concatenate([g.ravel() for g in model.grads()])


@functools.lru_cache(maxsize=16)
def network_lambda_max(seed, iters=200, eps=1e-4, tol=1e-8):
    r"""Largest Hessian eigenvalue of the network's loss at its initial weights (``rng=seed``).

    Power iteration on Hessian-vector products by centred differences of
    mlcore gradients, :math:`Hv \approx (\nabla J(\theta + \epsilon v) - \nabla J(\theta - \epsilon v)) / 2\epsilon`.
    If the eigenvalue of largest magnitude is negative, the iteration is rerun
    on :math:`H - \lambda I` to find the largest one.
    """
    X, Y = _network_data()
    model = _network(seed)
    theta0 = np.concatenate([p.ravel() for p in model.params()])

    def hvp(v):
        return (_flat_grad(model, X, Y, theta0 + eps * v)[1] - _flat_grad(model, X, Y, theta0 - eps * v)[1]) / (2 * eps)

    def power(shift):
        v = np.random.default_rng(0).standard_normal(theta0.size)
        v /= np.linalg.norm(v)
        lam = 0.0
        for _ in range(iters):
            hv = hvp(v) - shift * v
            new = float(v @ hv)                                # Rayleigh quotient
            v = hv / np.linalg.norm(hv)
            if abs(new - lam) <= tol * abs(new):
                lam = new
                break
            lam = new
        return lam + shift

    lam = power(0.0)
    if lam < 0:
        lam = power(lam)
    return lam


@functools.lru_cache(maxsize=16)
def _network_runs(seed):
    """Full-batch GD on the network for every step size of LR_GRID (mlcore forward/backward + optim.SGD)."""
    X, Y = _network_data()
    n_lr = len(LR_GRID)
    losses = np.full((n_lr, MAX_STEPS + 1), np.nan)
    stop = np.full(n_lr, MAX_STEPS)
    outcome = np.zeros(n_lr, dtype=int)
    for i, lr in enumerate(LR_GRID):
        model = _network(seed)
        opt = _optim.SGD(model.params(), lr=lr)
        loss0 = None
        for k in range(MAX_STEPS + 1):
            out = model.forward(X)
            value, grad = _losses.mse.value_and_grad(out, Y)
            if loss0 is None:
                loss0 = value
            if not np.isfinite(value) or value > DIVERGED * loss0:
                stop[i], outcome[i] = (k if np.isfinite(value) else k - 1), 2
                if np.isfinite(value):
                    losses[i, k] = value
                break
            losses[i, k] = value
            if k == MAX_STEPS:
                break
            model.backward(grad, input_grad=False)
            opt.step(model.grads())
    for a in (losses, stop, outcome):
        a.flags.writeable = False
    return None, losses, stop, outcome


def _sweep(losses, stop, outcome, steps):
    """The loss after ``steps`` steps (or where the run stopped) for every lr, NaN where it diverged by then."""
    k = np.minimum(steps, stop)
    sweep = losses[np.arange(len(LR_GRID)), k].copy()
    diverged = (outcome == 2) & (stop <= steps)
    sweep[diverged] = np.nan
    return sweep, diverged


# ---------------------------------------------------------------------- text for the drawing
def regime_text(kind, lr, lam_max):
    """What theory says about step size lr (quadratics: exact; network: relative to the local estimate)."""
    t = 2.0 / lam_max
    if kind == "network":
        side = "<" if lr < t else ">"
        return f"η {side} 2/λ̂max ≈ {t:.3g} (λ̂max: the top Hessian eigenvalue at the start, a local estimate)"
    if _close(lr, 1.0 / lam_max):
        return "η = 1/λmax: the steepest direction is solved in one step"
    if lr < 1.0 / lam_max:
        return "η < 1/λmax: every direction shrinks monotonically"
    if _close(lr, t):
        return "η = 2/λmax: the steepest direction flips sign forever at the same size"
    if lr < t:
        return "1/λmax < η < 2/λmax: the iterates overshoot and oscillate, but converge"
    return f"η > 2/λmax: the steepest direction grows by |1 − ηλmax| = {abs(1 - lr * lam_max):.3g} per step"


class StepSizeExplorer(Explorer):
    title = "Step size of gradient descent"
    description = ("Gradient descent w ← w − η∇J(w) on a 1-D quadratic, an ill-conditioned 2-D quadratic and "
                   "a small network. Move η across 1/λmax and 2/λmax and watch convergence turn into "
                   "oscillation and divergence.")
    params = {
        "setting": SETTINGS,
        "lr": LR_GRID,
        "x0": X0_GRID,
        "start": START_GRID,
        "seed": SEED_GRID,
        "steps": STEPS_GRID,
    }
    defaults = {"setting": "2-D quadratic", "lr": 0.2, "x0": 2.5, "start": (-5.0, -1.5), "seed": 0, "steps": 50}
    labels = {"setting": "setting", "lr": "step size η", "x0": "start x₀", "start": "start w₀",
              "seed": "start: initial weights, seed", "steps": "steps"}
    only_when = {"x0": {"setting": ["1-D quadratic"]}, "start": {"setting": ["2-D quadratic"]},
                 "seed": {"setting": ["2-8-1 network"]}}
    client_side = ("steps",)
    figsize = (9.4, 3.9)
    js = "step_size.js"
    shared_caches = (_quadratic_runs, _network_runs, network_lambda_max)

    def compute(self, *, setting, lr, x0, start, seed, steps):
        """The run at step size ``lr`` (truncated at ``steps`` or where it stopped) and the sweep over all step sizes.

        Keys: ``kind``, ``setting``, ``step`` (k = 0..n), ``loss`` (n + 1,), ``path``
        (quadratics, (n + 1, d)), ``outcome`` ('running', 'converged' or 'diverged'
        within ``steps``), ``stopped_at`` (step of that outcome, or -1),
        ``lam_max``, ``threshold`` (2 / lam_max), ``lam_min`` (quadratics),
        ``exact`` (True for the quadratics), ``regime`` (text), ``sweep_lr``,
        ``sweep_loss`` (loss after ``steps`` for every lr; NaN where diverged),
        ``sweep_diverged``, ``sweep_by_steps`` (``sweep_loss`` for every value of
        the steps grid, (len(STEPS_GRID), len(LR_GRID)): the drawing picks the row
        of the current steps, since steps is client-side), and the view: ``xlim``,
        ``ylim`` plus ``curve_x``, ``curve_f`` (1-D) or ``contours`` (2-D, (levels, 121, 2)).
        """
        kind = KIND[setting]
        i = LR_GRID.index(lr)
        if kind == "network":
            paths, losses, stop, outcome = _network_runs(seed)
            lam_max = network_lambda_max(seed)
        else:
            start_point = (x0,) if kind == "1d" else tuple(start)
            paths, losses, stop, outcome = _quadratic_runs(kind, start_point)
            lam_max = 4.0 if kind == "1d" else 8.0
        n = min(steps, int(stop[i]))
        done = outcome[i] != 0 and stop[i] <= steps
        result = {
            "kind": kind, "setting": setting, "lr": lr, "steps": steps,
            "step": np.arange(n + 1), "loss": losses[i, : n + 1].copy(),
            "outcome": ("running", "converged", "diverged")[int(outcome[i])] if done else "running",
            "stopped_at": int(stop[i]) if done else -1,
            "lam_max": float(lam_max), "threshold": 2.0 / lam_max, "exact": kind != "network",
            "regime": regime_text(kind, lr, lam_max),
        }
        sweep, sweep_div = _sweep(losses, stop, outcome, steps)
        by_steps = np.array([_sweep(losses, stop, outcome, s)[0] for s in STEPS_GRID])
        result.update(sweep_lr=np.array(LR_GRID), sweep_loss=sweep, sweep_diverged=sweep_div,
                      sweep_by_steps=by_steps)
        if kind == "1d":
            xs = np.linspace(-4.2, 4.2, 169)
            result.update(path=paths[i, : n + 1].copy(), lam_min=4.0, curve_x=xs, curve_f=2 * xs ** 2,
                          xlim=np.array(VIEW_1D[0]), ylim=np.array(VIEW_1D[1]))
        elif kind == "2d":
            result.update(path=paths[i, : n + 1].copy(), lam_min=0.5,
                          contours=np.array([_ellipse(c) for c in CONTOUR_LEVELS]),
                          xlim=np.array(VIEW_2D[0]), ylim=np.array(VIEW_2D[1]))
        return result


def step_size() -> StepSizeExplorer:
    """The step-size explorer: 1-D quadratic, ill-conditioned 2-D quadratic and a 2-8-1 network."""
    return StepSizeExplorer()
