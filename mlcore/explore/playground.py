r"""Playground explorer (Chapter 11): a small MLP trained on a 2-D data set, after the TensorFlow Playground,
with the mathematics shown.

A network ``mlcore.MLP([2, width, ..., width, 2], activation, dropout=p)`` (``depth`` hidden
layers) is trained by full-batch Adam (learning rate ``LR``) for ``EPOCHS`` epochs with
``mlcore.fit`` on the softmax cross-entropy of 120 training points, with the L2 penalty
:math:`\lambda(\sum w^2 + \sum b^2)` of Chapter 11 (``mlcore.regularization.l2_penalty`` and
``l2_grads``, biases included) when :math:`\lambda > 0`. The inputs are standardised with the
training set's mean and standard deviation (``mlcore.data.standardize``) and everything is drawn
in those coordinates, so a first-layer unit's pre-activation :math:`z_j = \mathbf{w}_j\cdot\mathbf{x} + b_j`
is zero on a straight line of the drawing.

**Controls (the grid).** ``dataset`` (moons, circles, XOR, spirals), ``width`` {4, 8}, ``depth``
{1, 2}, ``activation`` {tanh, relu}, ``lam`` :math:`\lambda` {0, 0.01}, ``dropout`` {0, 0.2}: 128
trainings. ``epoch`` is client-side: every training is snapshotted at the epochs of
``CHECKPOINTS`` and the drawing picks one.

**What compute returns** (see :meth:`PlaygroundExplorer.compute`): the data (train and test),
and at each checkpoint the predicted probability of class 1 on a ``GRID_N`` x ``GRID_N`` grid of
cell centres over ``VIEW`` squared, quantised to 64 levels and written one character a cell
(``ALPHABET[round(63 p)]``, row by row from the bottom, x varying fastest), the first hidden
layer's weights and biases (each unit's line :math:`\mathbf{w}_j\cdot\mathbf{x} + b_j = 0`, drawn
in JavaScript), and the train and test accuracy; and for every epoch the train and test data loss
(cross-entropy in evaluation mode, without the penalty, so both curves measure the same thing).

**Cost.** One training takes 40-100 ms, the whole grid about 10 s: too slow for a notebook's
static form and for the widget's 100 ms budget. ``python -m mlcore.explore.playground --build``
trains the grid once and writes ``static/playground_frames.json.gz`` (numbers at 4 significant
digits, as the static form stores them); ``compute`` reads a frame from that file when it exists
and was built with the current settings (``SETTINGS``), and trains otherwise.
``tests/test_explore_playground.py`` retrains random grid points and compares them with the
file, so the file cannot silently go stale.
"""

from __future__ import annotations

import functools
import gzip
import json
import sys
from pathlib import Path

import numpy as np

from .. import data as _data
from .. import losses as _losses
from .. import optim as _optim
from ..network import MLP
from ..regularization import l2_grads, l2_penalty
from ..training import fit
from .base import Explorer

__all__ = ["PlaygroundExplorer", "playground", "load_dataset", "train", "decode_probabilities", "SETTINGS",
           "CHECKPOINTS", "GRID_N", "VIEW", "ALPHABET", "FRAMES_FILE", "build"]

DATASETS = ["moons", "circles", "xor", "spirals"]
WIDTHS = [4, 8]
DEPTHS = [1, 2]
ACTIVATIONS = ["tanh", "relu"]
LAMBDAS = [0.0, 0.01]
DROPOUTS = [0.0, 0.2]
CHECKPOINTS = [5, 10, 20, 40, 70, 100, 150, 200]
EPOCHS = CHECKPOINTS[-1]
LR = 0.03
N_POINTS = 200            # per data set, split 120 train / 80 test
TEST_FRACTION = 0.4
GRID_N = 32               # probability grid: GRID_N x GRID_N cells
VIEW = (-2.5, 2.5)        # the square drawn, in standardised coordinates
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"   # 64 levels, one byte each
LEVELS = len(ALPHABET) - 1
NOISE = {"moons": 0.2, "circles": 0.1, "xor": 0.25, "spirals": 0.1}
SEED_DATA, SEED_SPLIT, SEED_NET = 1, 2, 3
FRAMES_FILE = Path(__file__).with_name("static") / "playground_frames.json.gz"

#: Everything a stored frame depends on: the file is used only if it was built with exactly these.
SETTINGS = {"version": 1, "datasets": DATASETS, "widths": WIDTHS, "depths": DEPTHS, "activations": ACTIVATIONS,
            "lambdas": LAMBDAS, "dropouts": DROPOUTS, "checkpoints": CHECKPOINTS, "lr": LR, "n": N_POINTS,
            "test_fraction": TEST_FRACTION, "grid_n": GRID_N, "view": list(VIEW), "noise": NOISE,
            "seeds": [SEED_DATA, SEED_SPLIT, SEED_NET], "alphabet": ALPHABET}


def _two_spirals(n, noise, rng):
    """Two interleaved spiral arms of 1.5 turns each (the TensorFlow Playground's spiral), labels 0/1."""
    rng = np.random.default_rng(rng)
    y = np.arange(n) % 2
    t = np.empty(n)
    for c in (0, 1):
        idx = np.flatnonzero(y == c)
        t[idx] = np.linspace(0.0, 1.0, idx.size)
    r = 0.1 + 0.9 * t
    theta = 3.0 * np.pi * t + np.pi * y
    X = np.c_[r * np.cos(theta), r * np.sin(theta)] + noise * 0.5 * r[:, None] * rng.standard_normal((n, 2))
    order = rng.permutation(n)
    return X[order], y[order].astype(np.int64)


@functools.lru_cache(maxsize=8)
def load_dataset(name):
    """``(X_train, X_test, y_train, y_test)`` of a data set, standardised with the training statistics (read-only)."""
    noise = NOISE[name]
    if name == "moons":
        X, y = _data.moons(N_POINTS, noise=noise, rng=SEED_DATA)
    elif name == "circles":
        X, y = _data.circles(N_POINTS, noise=noise, factor=0.5, rng=SEED_DATA)
    elif name == "xor":
        X, y = _data.xor(N_POINTS, noise=noise, rng=SEED_DATA)
    elif name == "spirals":
        X, y = _two_spirals(N_POINTS, noise, SEED_DATA)
    else:
        raise ValueError(f"unknown data set {name!r}; one of {DATASETS}")
    Xtr, Xte, ytr, yte = _data.train_test_split(X, y, test_fraction=TEST_FRACTION, rng=SEED_SPLIT)
    Xtr, Xte = _data.standardize(Xtr, Xte)
    out = (Xtr, Xte, ytr, yte)
    for a in out:
        a.flags.writeable = False
    return out


def grid_points():
    """The ``GRID_N**2`` cell centres over ``VIEW``, row by row from the bottom (x varies fastest)."""
    lo, hi = VIEW
    c = lo + (np.arange(GRID_N) + 0.5) * (hi - lo) / GRID_N
    gx, gy = np.meshgrid(c, c)
    return np.c_[gx.ravel(), gy.ravel()]


def encode_probabilities(p) -> str:
    """Probabilities in [0, 1] -> one character each: ``ALPHABET[round(63 p)]``."""
    q = np.rint(np.clip(np.asarray(p, dtype=float), 0.0, 1.0) * LEVELS).astype(int)
    return "".join(ALPHABET[i] for i in q)


def decode_probabilities(s) -> np.ndarray:
    """The inverse of :func:`encode_probabilities` (to within 1/126): a ``(GRID_N, GRID_N)`` array, row 0 at the bottom."""
    return (np.array([ALPHABET.index(ch) for ch in s], dtype=float) / LEVELS).reshape(GRID_N, GRID_N)


def _probability(model, X):
    """p(class 1 | x) from the network's two logits (a numerically safe softmax)."""
    z = model.forward(X)
    return 1.0 / (1.0 + np.exp(-np.clip(z[:, 1] - z[:, 0], -50, 50)))


class _Recorder:
    """fit callback: the data losses every epoch (eval mode, no penalty), snapshots at the checkpoints."""

    def __init__(self, Xtr, Xte, ytr, yte):
        self.sets = (Xtr, Xte, ytr, yte)
        self.grid = grid_points()
        self.train_loss, self.test_loss = [], []
        self.prob, self.W1, self.b1, self.train_acc, self.test_acc, self.penalty = [], [], [], [], [], []

    def on_epoch_end(self, epoch, history, model):
        Xtr, Xte, ytr, yte = self.sets
        model.eval()
        out_tr, out_te = model.forward(Xtr), model.forward(Xte)
        self.train_loss.append(_losses.cross_entropy(out_tr, ytr))
        self.test_loss.append(_losses.cross_entropy(out_te, yte))
        if epoch in CHECKPOINTS:
            self.prob.append(encode_probabilities(_probability(model, self.grid)))
            self.W1.append(model.linears[0].W.copy())
            self.b1.append(model.linears[0].b.copy())
            self.train_acc.append(float((out_tr.argmax(1) == ytr).mean()))
            self.test_acc.append(float((out_te.argmax(1) == yte).mean()))
            self.penalty.append(l2_penalty(model.params(), 1.0))
        return False


def train(dataset_name, width, depth, activation, lam, dropout) -> dict:
    """Train one grid point with mlcore and return its record (lists and arrays; full precision)."""
    Xtr, Xte, ytr, yte = load_dataset(dataset_name)
    model = MLP([2] + [int(width)] * int(depth) + [2], activation, rng=SEED_NET, dropout=float(dropout))
    opt = _optim.Adam(model.params(), lr=LR)
    reg = None
    if lam > 0:
        def reg(params):
            return l2_penalty(params, lam), l2_grads(params, lam)
    rec = _Recorder(Xtr, Xte, ytr, yte)
    fit(model, _losses.cross_entropy, opt, Xtr, ytr, epochs=EPOCHS, progress=False, regularizer=reg,
        callbacks=[rec], rng=SEED_NET)
    return {"prob": rec.prob, "W1": np.array(rec.W1), "b1": np.array(rec.b1),
            "train_acc": np.array(rec.train_acc), "test_acc": np.array(rec.test_acc),
            "sum_sq": np.array(rec.penalty), "train_loss": np.array(rec.train_loss),
            "test_loss": np.array(rec.test_loss)}


def _round4(a):
    """Round to 4 significant digits, as the static form stores numbers."""
    a = np.asarray(a, dtype=float)
    out = np.zeros_like(a)
    nz = (a != 0) & np.isfinite(a)
    mag = np.floor(np.log10(np.abs(a[nz])))
    out[nz] = np.round(a[nz] / 10 ** (mag - 3)) * 10 ** (mag - 3)
    return out


def _key(dataset_name, width, depth, activation, lam, dropout) -> str:
    return f"{dataset_name}|{int(width)}|{int(depth)}|{activation}|{float(lam):g}|{float(dropout):g}"


def _stored(record) -> dict:
    """A record as the file stores it: numbers at 4 significant digits, as nested lists."""
    return {k: (v if k == "prob" else [float(f"{x:.4g}") for x in np.ravel(v)] if np.ndim(v) <= 1
                else _round4(v).tolist()) for k, v in record.items()}


def build(path=FRAMES_FILE, *, verbose=True) -> Path:
    """Train every grid point and write the frames file (gzip'd JSON): ``python -m mlcore.explore.playground --build``."""
    frames = {}
    for ds in DATASETS:
        for w in WIDTHS:
            for d in DEPTHS:
                for act in ACTIVATIONS:
                    for lam in LAMBDAS:
                        for p in DROPOUTS:
                            frames[_key(ds, w, d, act, lam, p)] = _stored(train(ds, w, d, act, lam, p))
        if verbose:
            print(f"trained {ds}", file=sys.stderr)
    text = json.dumps({"settings": SETTINGS, "frames": frames}, separators=(",", ":"))
    path = Path(path)
    with gzip.GzipFile(path, "wb", mtime=0) as f:     # mtime 0: the same frames give the same bytes
        f.write(text.encode("utf-8"))
    _load_frames.cache_clear()
    return path


@functools.lru_cache(maxsize=1)
def _load_frames():
    """The stored frames (key -> record of arrays), or None if there is no file or it was built with other settings."""
    try:
        with gzip.open(FRAMES_FILE, "rt", encoding="utf-8") as f:
            stored = json.load(f)
    except (OSError, ValueError):
        return None
    if stored.get("settings") != json.loads(json.dumps(SETTINGS)):
        return None
    out = {}
    for key, rec in stored["frames"].items():
        out[key] = {k: (list(v) if k == "prob" else np.array(v, dtype=float)) for k, v in rec.items()}
    return out


@functools.lru_cache(maxsize=256)
def _record(dataset_name, width, depth, activation, lam, dropout):
    frames = _load_frames()
    rec = None if frames is None else frames.get(_key(dataset_name, width, depth, activation, lam, dropout))
    if rec is None:
        rec = train(dataset_name, width, depth, activation, lam, dropout)
    for v in rec.values():
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return rec


class PlaygroundExplorer(Explorer):
    title = "Playground: a small MLP learning a 2-D data set"
    description = ("An MLP with 2 inputs, depth hidden layers of width units and 2 outputs, trained by full-batch Adam on 120 points. Choose the data set, "
                   "the width and depth, the activation, the L2 penalty λ and dropout, and move through the epochs: "
                   "the predicted probability of class 1, the first hidden layer's lines wⱼ·x + bⱼ = 0, and the "
                   "train and test loss.")
    params = {"dataset": DATASETS, "width": WIDTHS, "depth": DEPTHS, "activation": ACTIVATIONS,
              "lam": LAMBDAS, "dropout": DROPOUTS, "epoch": CHECKPOINTS}
    defaults = {"dataset": "moons", "width": 8, "depth": 2, "activation": "tanh", "lam": 0.0, "dropout": 0.0,
                "epoch": 200}
    labels = {"dataset": "data set", "width": "width (units per hidden layer)", "depth": "depth (hidden layers)",
              "activation": "activation", "lam": "L2 penalty λ", "dropout": "dropout p", "epoch": "epoch"}
    client_side = ("epoch",)
    shared_caches = (_record, _load_frames)
    figsize = (9.6, 5.6)
    js = "playground.js"

    def compute(self, *, dataset, width, depth, activation, lam, dropout, epoch):
        """The drawing's data for one grid point (``epoch`` is client-side: every checkpoint is returned).

        Keys: ``X_train`` (120, 2), ``y_train``, ``X_test`` (80, 2), ``y_test`` (standardised
        coordinates), ``sizes`` (the layer widths), ``activation``, ``lam``, ``dropout``,
        ``checkpoints`` (the epochs snapshotted), ``view``, ``grid_n``, ``alphabet``, ``prob`` (one
        string of ``grid_n**2`` characters per checkpoint: p(class 1) quantised to 64 levels),
        ``W1`` (checkpoints, width, 2) and ``b1`` (checkpoints, width): the first hidden layer,
        ``train_acc``, ``test_acc``, ``sum_sq`` (Σw² + Σb² of all parameters) at each checkpoint,
        ``train_loss`` and ``test_loss`` (one per epoch 1..200, data cross-entropy in eval mode).
        """
        Xtr, Xte, ytr, yte = load_dataset(dataset)
        rec = _record(dataset, int(width), int(depth), activation, float(lam), float(dropout))
        return {"X_train": Xtr, "y_train": ytr, "X_test": Xte, "y_test": yte,
                "sizes": tuple([2] + [int(width)] * int(depth) + [2]), "activation": activation, "lam": float(lam),
                "dropout": float(dropout), "checkpoints": tuple(CHECKPOINTS), "view": tuple(VIEW), "grid_n": GRID_N,
                "alphabet": ALPHABET, "prob": tuple(rec["prob"]), **{k: rec[k] for k in
                ("W1", "b1", "train_acc", "test_acc", "sum_sq", "train_loss", "test_loss")}}


def playground() -> PlaygroundExplorer:
    """The playground explorer: an MLP on moons, circles, XOR or spirals, with its first layer's lines and loss curves."""
    return PlaygroundExplorer()


if __name__ == "__main__":      # python -m mlcore.explore.playground --build
    if "--build" in sys.argv[1:]:
        import time
        start = time.perf_counter()
        print(build(), f"written in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    else:
        print(__doc__)
