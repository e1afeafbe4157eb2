r"""Linear-classifier explorer (Chapter 4): the multiclass hinge and softmax cross-entropy losses of a
3-class linear classifier on nine 2-D points, after Stanford CS231n's interactive demo.

The classifier scores example :math:`\mathbf{x}_i` (a row of ``X``) with
:math:`\mathbf{s}_i = W\mathbf{x}_i + \mathbf{b}`, :math:`W` of shape (3, 2) with one
row :math:`\mathbf{w}_k` per class, and predicts the class of the largest score.
The objective is

.. math:: J(W, \mathbf{b}) = \frac1N \sum_i \mathcal{L}_i + \lambda R(W), \qquad R(W) = \sum_{k,d} W_{kd}^2

with :math:`\mathcal{L}_i` the multiclass hinge loss (margin 1) or the softmax
cross-entropy, both from :mod:`mlcore.losses`; the penalty is
``mlcore.regularization.l2_penalty`` on the weights only (biases are not penalised).

**Design: which controls, and why so few values.** The static page stores
``compute`` for every combination of control values, so the grid has to stay
small (the page is well under 2 MB) while every class keeps its own weight and
bias controls:

- ``rot0``, ``rot1``, ``rot2``: the direction of each class's weight vector
  :math:`\mathbf{w}_k`, turned by -40, 0 or +40 degrees from the direction of its
  own points (90, 210 and 330 degrees), at length 1 before scaling;
- ``b0``, ``b1``, ``b2``: each class's bias, -0.5, 0 or 0.5 before scaling;
- ``scale`` :math:`c` in {0.5, 1, 3} multiplies **both** :math:`W` and :math:`\mathbf{b}`.
  Every score is multiplied by :math:`c`, so the lines and decision regions do not
  move, but the losses do: the hinge loss falls to exactly 0 once every margin
  exceeds 1 (here from :math:`c \approx 2.1` on, at the default directions), the
  cross-entropy keeps shrinking toward 0 without reaching it, and :math:`R(W)`
  grows like :math:`c^2` (section "The margin of 1 is arbitrary" of Chapter 4);
- ``loss``: "hinge" or "cross-entropy";
- ``lam``, the regularization strength :math:`\lambda` in {0, 0.001, 0.01, 0.1}: a
  client-side control. The data loss does not depend on it, so ``compute``
  returns the total and the penalty for every :math:`\lambda` of the grid
  (``total_by_lambda``, ``penalty_by_lambda``, computed here with mlcore) and the
  drawing picks the current one; the static page then stores one frame per
  (directions, biases, scale, loss) instead of four.

That is 3^3 x 3^3 x 3 x 2 = 4,374 frames, of which the geometry (lines, regions,
predictions) depends only on the 729 combinations of directions and biases.

The drawing (``static/linear_classifier.js``): left, the plane with the nine points (class
by colour and marker shape), each class's score-zero line :math:`\mathbf{w}_k\cdot\mathbf{x} + b_k = 0`
with an arrow toward increasing score, and the decision regions (where each class
has the largest score) shaded; right, each example's loss as a bar, the data loss
(their mean) as a line, and the objective split into data loss and penalty.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import losses as _losses
from ..regularization import l2_penalty
from .base import Explorer

__all__ = ["LinearClassifierExplorer", "linear_classifier", "X", "Y", "VIEW", "HOME_DEG", "LAMBDA_GRID",
           "weights", "scores", "decision_regions"]

# Nine points, three per class; each class sits around its own direction (90, 210, 330 degrees), and
# points 6 and 9 lie close to a neighbouring class, so that turning a weight vector misclassifies them.
X = np.array([[0.0, 1.2], [-0.5, 0.9], [0.6, 0.8],
              [-1.1, -0.5], [-0.7, -0.9], [-0.3, -0.3],
              [1.0, -0.6], [0.5, -1.0], [0.9, 0.2]])
Y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
for _a in (X, Y):
    _a.flags.writeable = False
HOME_DEG = (90.0, 210.0, 330.0)
VIEW = (-1.6, 1.6)             # the square [-1.6, 1.6]^2 that is drawn
ARROW = 0.32                   # length of the arrows along w_k, in data units
ROT_GRID = [-40.0, 0.0, 40.0]
BIAS_GRID = [-0.5, 0.0, 0.5]
SCALE_GRID = [0.5, 1.0, 3.0]
LOSSES = {"hinge": _losses.hinge, "cross-entropy": _losses.cross_entropy}
LAMBDA_GRID = [0.0, 0.001, 0.01, 0.1]


def weights(rot, bias, scale):
    """``(W, b)``: row k of W is ``scale * (cos, sin)`` of ``HOME_DEG[k] + rot[k]`` degrees; ``b = scale * bias``."""
    angle = np.deg2rad(np.asarray(HOME_DEG) + np.asarray(rot, dtype=float))
    unit = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    unit[np.abs(unit) < 1e-12] = 0.0             # cos 90 degrees is 6e-17 in floating point; write 0
    return scale * unit, scale * np.asarray(bias, dtype=float)


def scores(W, b, points=X):
    """Class scores, one row per point: ``points @ W.T + b``."""
    return np.asarray(points) @ W.T + b


def _clip(poly, a, c):
    """The part of the convex polygon ``poly`` (k, 2) where ``a . x + c >= 0`` (Sutherland-Hodgman, one edge)."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp, fq = a @ p + c, a @ q + c
        if fp >= 0:
            out.append(p)
        if (fp >= 0) != (fq >= 0):
            out.append(p + fp / (fp - fq) * (q - p))
    return np.array(out).reshape(-1, 2)


def decision_regions(W, b, view=VIEW):
    """For each class k the convex polygon of the view square where its score is the largest:
    the square cut by the half-planes ``(w_k - w_j) . x + (b_k - b_j) >= 0`` for every j != k."""
    lo, hi = view
    square = np.array([[lo, lo], [hi, lo], [hi, hi], [lo, hi]], dtype=float)
    regions = []
    for k in range(len(W)):
        poly = square
        for j in range(len(W)):
            if j != k and len(poly):
                poly = _clip(poly, W[k] - W[j], b[k] - b[j])
        regions.append(poly)
    return regions


def _zero_line(w, b, view=VIEW):
    """The segment of the line ``w . x + b = 0`` inside the view square, and an arrow of length ARROW from
    its point nearest the origin (or the segment's middle) toward increasing score; NaN if outside."""
    lo, hi = view
    pts = []
    for axis in (0, 1):                   # intersections with the four sides of the square
        other = 1 - axis
        if abs(w[other]) < 1e-12:
            continue
        for t in (lo, hi):
            p = np.empty(2)
            p[axis], p[other] = t, -(b + w[axis] * t) / w[other]
            if lo - 1e-9 <= p[other] <= hi + 1e-9:
                pts.append(p)
    if len(pts) < 2:
        return np.full((2, 2), np.nan), np.full((2, 2), np.nan)
    pts = np.array(pts)
    direction = np.array([-w[1], w[0]])
    along = pts @ direction
    seg = np.array([pts[np.argmin(along)], pts[np.argmax(along)]])
    unit = w / np.linalg.norm(w)
    foot = -b * w / (w @ w)                # the point of the line nearest the origin
    margin = 0.15 * (hi - lo)
    if not np.all((foot > lo + margin) & (foot < hi - margin)):
        foot = seg.mean(axis=0)
    return seg, np.array([foot, foot + ARROW * unit])


@functools.lru_cache(maxsize=1024)
def _geometry(rot, bias):
    """Predictions, score-zero lines, arrows and decision regions of the classifier at scale 1.

    Scaling W and b by c > 0 scales every score by c, so none of these change with the scale:
    they are computed once per (directions, biases) and shared by the scales and losses.
    """
    W, b = weights(rot, bias, 1.0)
    pred = scores(W, b).argmax(axis=1)
    lines, arrows = zip(*(_zero_line(W[k], b[k]) for k in range(len(W))))
    regions = decision_regions(W, b)
    # Rounded to 0.001 (a third of a pixel in the drawing): shorter JSON, the same picture.
    out = (pred, np.round(np.array(lines), 3), np.round(np.array(arrows), 3), tuple(np.round(r, 3) for r in regions))
    for a in (out[0], out[1], out[2], *regions):
        a.flags.writeable = False
    return out


class LinearClassifierExplorer(Explorer):
    title = "A linear classifier's losses: multiclass hinge and softmax cross-entropy"
    description = ("Three classes of 2-D points scored by s = Wx + b. Turn each class's weight vector, shift its "
                   "bias, scale W and b together, and compare the two losses and the L2 penalty λ‖W‖².")
    params = {
        "rot0": ROT_GRID, "rot1": ROT_GRID, "rot2": ROT_GRID,
        "b0": BIAS_GRID, "b1": BIAS_GRID, "b2": BIAS_GRID,
        "scale": SCALE_GRID,
        "loss": list(LOSSES),
        "lam": LAMBDA_GRID,
    }
    defaults = {"rot0": 0.0, "rot1": 0.0, "rot2": 0.0, "b0": 0.0, "b1": 0.0, "b2": 0.0, "scale": 1.0,
                "loss": "hinge", "lam": 0.01}
    labels = {"rot0": "turn w₀", "rot1": "turn w₁", "rot2": "turn w₂", "b0": "bias b₀", "b1": "bias b₁",
              "b2": "bias b₂", "scale": "scale c of W and b", "loss": "loss", "lam": "regularization λ"}
    client_side = ("lam",)
    shared_caches = (_geometry,)
    figsize = (9.4, 4.6)
    js = "linear_classifier.js"

    def format_value(self, name, value):
        if name.startswith("rot"):
            return f"{value:+g}°" if value else "0°"
        return super().format_value(name, value)

    def compute(self, *, rot0, rot1, rot2, b0, b1, b2, scale, loss, lam):
        """Scores, predictions, geometry and losses of the classifier with these controls.

        Keys: ``X`` (9, 2), ``y`` (9,), ``W`` (3, 2), ``b`` (3,), ``pred`` (the
        argmax of each row of ``scores(W, b)``), ``correct`` (count), ``lines``
        (3, 2, 2: each class's score-zero segment in the view, NaN if outside),
        ``arrows`` (3, 2, 2: from a point of that line along w_k), ``regions`` (a
        tuple of 3 polygons (k, 2): the view where class k has the largest score; lines,
        arrows and regions rounded to 0.001), ``loss``,
        ``per_example`` (9,: hinge ``losses`` or each row's cross-entropy),
        ``data_loss`` (their mean, the mlcore loss of all scores), ``reg`` (R(W) =
        sum of W squared), ``lam``, ``penalty`` (lam * reg), ``total``, and for
        every lambda of ``LAMBDA_GRID``: ``penalty_by_lambda``, ``total_by_lambda``.
        """
        W, b = weights((rot0, rot1, rot2), (b0, b1, b2), scale)
        s = scores(W, b)
        pred, lines, arrows, regions = _geometry((rot0, rot1, rot2), (b0, b1, b2))
        fn = LOSSES[loss]
        if loss == "hinge":
            per_example = fn.losses(s, Y)
        else:
            per_example = np.array([fn(row, label) for row, label in zip(s, Y)])
        data_loss = fn(s, Y)
        reg = l2_penalty([W, b], 1.0, include_biases=False)     # R(W) = sum of W squared; biases not penalised
        by_lambda = np.array(LAMBDA_GRID) * reg                 # = l2_penalty([W, b], lam) for each lam
        penalty = lam * reg
        return {
            "X": X.copy(), "y": Y.copy(), "W": W, "b": b, "pred": pred, "correct": int((pred == Y).sum()),
            "lines": lines, "arrows": arrows, "regions": regions,
            "loss": loss, "per_example": per_example, "data_loss": data_loss,
            "reg": reg, "lam": lam, "penalty": penalty,
            "total": data_loss + penalty, "penalty_by_lambda": by_lambda, "total_by_lambda": data_loss + by_lambda,
        }


def linear_classifier() -> LinearClassifierExplorer:
    """The linear-classifier explorer: 3 classes, 9 points, hinge or cross-entropy, L2 penalty."""
    return LinearClassifierExplorer()
