r"""Optimizer-race explorer (Chapter 10): six ``mlcore.optim`` optimizers on the same 2-D surface.

SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam start from the same point and
take the same number of steps, each through ``mlcore.surfaces.trajectory`` (the
optimizer updates the 2-D point in place from the surface's exact gradient).

Surfaces
--------
``ill-conditioned quadratic``
    :math:`f(w) = \tfrac12 w^\top H w` (``mlcore.descent.Quadratic``) with
    eigenvalues 0.1 and 10 (condition number 100) along axes turned by 30
    degrees, so that no optimizer's per-coordinate scaling lines up with them.
    Start (-6, -2), minimum 0 at the origin.
``Rosenbrock``
    :math:`f(x, y) = (1 - x)^2 + 100 (y - x^2)^2` (``mlcore.surfaces.Rosenbrock``),
    start (-1.2, 1) (the classic one), minimum 0 at (1, 1) at the end of a
    curved valley.

**Design: which controls.** One step size per optimizer would be six controls of
very different scales (Rosenbrock's gradients are ~100 times the quadratic's, and
AdaGrad's η means something else than SGD's). Instead each optimizer has its own
base step size for each surface (``BASE_LR``, a sensible value found by scanning,
see the table), and one control multiplies all six:

- ``surface``: the two surfaces above;
- ``lr_mult`` in {0.2, 0.5, 1, 2, 5}: the multiplier of every base rate;
- ``momentum`` μ in {0.5, 0.8, 0.9, 0.95, 0.99}: for momentum and Nesterov
  (``optim.SGD(momentum=μ, nesterov=...)``);
- ``beta2`` in {0.9, 0.99, 0.999}: the decay of the running mean of g², ρ of
  RMSProp (``optim.RMSprop(alpha=ρ)``) and β₂ of Adam (``betas=(0.9, β₂)``; β₁
  stays at 0.9);
- ``steps`` (client-side): the drawing cuts every run at this many steps; ``compute``
  always returns the ``MAX_STEPS`` = 300 step runs.

SGD and AdaGrad depend only on (surface, lr_mult), momentum and Nesterov also on μ,
RMSProp and Adam also on β₂, so every run is a field of its own: the static page's
pool stores each distinct run once (180 runs for the 150 frames). Runs are cached
per (surface, optimizer, step size, hyperparameter) by ``_run`` (``functools.lru_cache``).

A run stops (``trajectory``'s ``max_norm``) once the point leaves the disc of radius
``MAX_NORM`` = 100 or stops being finite: it diverged, and ``diverged_<key>`` is the
step at which it stopped (-1 otherwise).

The drawing (``static/optimizer_race.js``): left, the contour lines of the surface
(precomputed once per surface: the same array in every frame, so the page stores it
once) with each optimizer's path in its own colour and end marker; right, the gap
:math:`f(w_k) - f^*` against the step k on a log axis, one curve per optimizer, and
a legend with each optimizer's step size and its gap after the chosen number of steps.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import optim as _optim
from ..descent import Quadratic
from ..surfaces import Rosenbrock, trajectory
from .base import Explorer

__all__ = ["OptimizerRaceExplorer", "optimizer_race", "SURFACES", "OPTIMIZERS", "NAMES", "BASE_LR",
           "LR_MULT_GRID", "MOMENTUM_GRID", "BETA2_GRID", "STEPS_GRID", "MAX_STEPS", "MAX_NORM", "BETA1",
           "surface", "optimizer_kwargs", "contours"]

SURFACES = ["ill-conditioned quadratic", "Rosenbrock"]
OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
NAMES = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
         "rmsprop": "RMSProp", "adam": "Adam"}
# Base step sizes (lr_mult = 1): each is a good rate for that optimizer on that surface over 300 steps.
# Quadratic (lambda_max = 10): SGD at 0.9 / lambda_max, so x2 still converges (|1 - 1.8| < 1) and x5 diverges;
# momentum and Nesterov take SGD's eta (their effective step is eta / (1 - mu)).
BASE_LR = {
    "ill-conditioned quadratic": {"sgd": 0.09, "momentum": 0.09, "nesterov": 0.09, "adagrad": 1.0,
                                  "rmsprop": 0.1, "adam": 0.3},
    "Rosenbrock": {"sgd": 1.5e-3, "momentum": 1.5e-3, "nesterov": 1.5e-3, "adagrad": 1.0,
                   "rmsprop": 0.03, "adam": 0.1},
}
LR_MULT_GRID = [0.2, 0.5, 1.0, 2.0, 5.0]
MOMENTUM_GRID = [0.5, 0.8, 0.9, 0.95, 0.99]
BETA2_GRID = [0.9, 0.99, 0.999]
STEPS_GRID = [10, 20, 50, 100, 200, 300]
MAX_STEPS = STEPS_GRID[-1]
MAX_NORM = 100.0
BETA1 = 0.9

QUADRATIC = Quadratic([0.1, 10.0], angle=30.0)
ROSENBROCK = Rosenbrock()
SETUP = {   # surface, start, minimum, view (xlim, ylim), contour levels
    "ill-conditioned quadratic": (QUADRATIC, (-6.0, -2.0), (0.0, 0.0), ((-7.0, 3.0), (-4.5, 2.5)),
                                  [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]),
    "Rosenbrock": (ROSENBROCK, (-1.2, 1.0), (1.0, 1.0), ((-2.0, 2.0), (-1.0, 3.0)),
                   [0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0]),
}


def surface(name):
    """``(f, start, minimum)`` of a surface: f has ``f(points)`` and ``f.grad(points)``."""
    f, start, minimum, _, _ = SETUP[name]
    return f, np.array(start), np.array(minimum)


def optimizer_kwargs(key, lr, momentum, beta2):
    """``(class, kwargs)`` that ``trajectory`` builds the optimizer ``key`` from."""
    if key == "sgd":
        return _optim.SGD, {"lr": lr}
    if key in ("momentum", "nesterov"):
        return _optim.SGD, {"lr": lr, "momentum": momentum, "nesterov": key == "nesterov"}
    if key == "adagrad":
        return _optim.Adagrad, {"lr": lr}
    if key == "rmsprop":
        return _optim.RMSprop, {"lr": lr, "alpha": beta2}
    if key == "adam":
        return _optim.Adam, {"lr": lr, "betas": (BETA1, beta2)}
    raise ValueError(f"unknown optimizer {key!r}; expected one of {OPTIMIZERS}")


def _hyper(key, momentum, beta2):
    """The one hyperparameter a run depends on besides lr (None for SGD and AdaGrad): the cache key."""
    return momentum if key in ("momentum", "nesterov") else beta2 if key in ("rmsprop", "adam") else None


@functools.lru_cache(maxsize=512)
def _run(surface_name, key, lr, hyper):
    """One race entry: ``(path (n + 1, 2), gap f - f* (n + 1,), diverged_at)``, read-only; n < MAX_STEPS if it diverged."""
    f, start, minimum = surface(surface_name)
    cls, kwargs = optimizer_kwargs(key, lr, hyper if hyper is not None else 0.0, hyper if hyper is not None else 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        path = trajectory(f.grad, start, cls, MAX_STEPS, max_norm=MAX_NORM, **kwargs)
        gap = np.asarray(f(path), dtype=np.float64) - float(f(minimum))
    last = path[-1]
    diverged = len(path) - 1 < MAX_STEPS or not np.all(np.isfinite(last)) or float(np.hypot(*last)) > MAX_NORM
    diverged_at = len(path) - 1 if diverged else -1
    for a in (path, gap):
        a.flags.writeable = False
    return path, gap, diverged_at


def _simplify(line, tol):
    """Ramer-Douglas-Peucker: drop the points of a polyline that lie within ``tol`` of the simplified line."""
    keep = np.zeros(len(line), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(line) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = line[i], line[j]
        seg = b - a
        norm = np.hypot(*seg)
        pts = line[i + 1:j] - a
        dist = np.abs(seg[0] * pts[:, 1] - seg[1] * pts[:, 0]) / norm if norm > 0 else np.hypot(pts[:, 0], pts[:, 1])
        k = int(np.argmax(dist))
        if dist[k] > tol:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return line[keep]


@functools.lru_cache(maxsize=4)
def contours(surface_name):
    """The contour lines of a surface in its view: a tuple of read-only (m, 2) polylines, and each one's level.

    The quadratic's are ellipses in closed form; Rosenbrock's come from ``contourpy`` (what matplotlib's
    ``contour`` uses) on a 161 x 161 grid of the view, simplified to within 0.06 % of the view's width.
    """
    import contourpy   # a dependency of matplotlib

    f, _, _, (xlim, ylim), levels = SETUP[surface_name]
    lines, line_levels = [], []
    if isinstance(f, Quadratic):                             # ellipses in closed form: w = Q (sqrt(2 L / lambda) (cos t, sin t))
        t = np.linspace(0.0, 2.0 * np.pi, 73)
        for level in levels:
            radii = np.sqrt(2.0 * level / f.eigenvalues)
            line = np.round((f.Q @ (radii[:, None] * np.vstack([np.cos(t), np.sin(t)]))).T, 3)
            line.flags.writeable = False
            lines.append(line)
            line_levels.append(level)
    else:
        x, y = np.linspace(*xlim, 161), np.linspace(*ylim, 161)
        X, Y = np.meshgrid(x, y)
        gen = contourpy.contour_generator(X, Y, f(np.stack([X, Y], axis=-1)))
        tol = 0.0006 * (xlim[1] - xlim[0])
        for level in levels:
            for line in gen.lines(level):
                if np.sum(np.hypot(*np.diff(line, axis=0).T)) < 0.05 * (xlim[1] - xlim[0]):
                    continue                                 # grid-size specks
                line = np.round(_simplify(np.asarray(line, dtype=np.float64), tol), 3)
                line.flags.writeable = False
                lines.append(line)
                line_levels.append(level)
    levels_arr = np.array(line_levels)
    levels_arr.flags.writeable = False
    return tuple(lines), levels_arr


class OptimizerRaceExplorer(Explorer):
    title = "Optimizer race: SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam"
    description = ("Six mlcore.optim optimizers start from the same point on an ill-conditioned quadratic or on the "
                   "Rosenbrock valley. Each has its own base step size for the surface; the multiplier scales all "
                   "six. μ sets momentum and Nesterov, β₂ = ρ the running mean of g² in RMSProp and Adam (β₁ = 0.9).")
    params = {
        "surface": SURFACES,
        "lr_mult": LR_MULT_GRID,
        "momentum": MOMENTUM_GRID,
        "beta2": BETA2_GRID,
        "steps": STEPS_GRID,
    }
    defaults = {"surface": "ill-conditioned quadratic", "lr_mult": 1.0, "momentum": 0.9, "beta2": 0.99,
                "steps": 100}
    labels = {"surface": "surface", "lr_mult": "step sizes × (each optimizer's base η)",
              "momentum": "momentum μ (momentum, Nesterov)", "beta2": "β₂ = ρ (RMSProp, Adam)", "steps": "steps"}
    client_side = ("steps",)
    figsize = (9.4, 4.4)
    js = "optimizer_race.js"
    shared_caches = (_run, contours)

    def format_value(self, name, value):
        if name == "lr_mult":
            return f"×{value:g}"
        return super().format_value(name, value)

    def compute(self, *, surface, lr_mult, momentum, beta2, steps):
        """The six runs on ``surface`` (``MAX_STEPS`` steps each; ``steps`` is applied by the drawing).

        Keys: ``surface``, ``optimizers`` (keys, in drawing order), ``names``, ``max_steps``, ``start``,
        ``minimum``, ``xlim``, ``ylim``, ``contours`` (polylines), ``levels`` (each polyline's f),
        and for each optimizer key k: ``path_k`` ((n + 1, 2) iterates), ``gap_k`` (f(w_k) - f*),
        ``lr_k`` (its step size: base x lr_mult) and ``diverged_k`` (step where it blew up, or -1).
        """
        f, start, minimum, (xlim, ylim), _ = SETUP[surface]
        lines, levels = contours(surface)
        result = {"surface": surface, "optimizers": tuple(OPTIMIZERS), "names": tuple(NAMES[k] for k in OPTIMIZERS),
                  "max_steps": MAX_STEPS, "start": np.array(start), "minimum": np.array(minimum),
                  "xlim": np.array(xlim), "ylim": np.array(ylim), "contours": tuple(lines), "levels": levels}
        for key in OPTIMIZERS:
            lr = float(f"{BASE_LR[surface][key] * lr_mult:.6g}")
            path, gap, diverged_at = _run(surface, key, lr, _hyper(key, momentum, beta2))
            result[f"path_{key}"] = path
            result[f"gap_{key}"] = gap
            result[f"lr_{key}"] = lr
            result[f"diverged_{key}"] = diverged_at
        return result


def optimizer_race() -> OptimizerRaceExplorer:
    """The optimizer-race explorer: six mlcore.optim optimizers on an ill-conditioned quadratic and on Rosenbrock."""
    return OptimizerRaceExplorer()
