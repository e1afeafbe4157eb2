"""Benchmark: one SGD epoch of an MLP, mlcore against what a user would pick instead.

Side by side in one run, interleaved (each repeat runs every implementation once,
so all of them see the same machine load), median of ``--repeats`` epochs:

- ``mlcore``: ``mlcore.fit`` with ``optim.SGD`` (what the chapters use);
- ``GEMM floor``: only the matrix products a step needs (3 forward, 3 weight
  gradients, L-1 input gradients: 8 for two hidden layers) on the same shapes,
  nothing else. No real implementation can beat it; the ratio to it is the
  overhead that is left;
- ``NumPy by hand``: the same SGD step written out as one function, every
  elementwise operation in place and nothing checked (no layers, no loss
  value): about what NumPy itself can reach. Its ratio to the floor is mostly
  the parameter update ``W -= lr * dW``, which NumPy can only do in two passes
  over memory (``lr * dW`` into a buffer, then the subtraction), because it
  has no fused axpy;
- ``PyTorch CPU``: ``nn.Sequential`` of ``Linear``/``ReLU``, ``CrossEntropyLoss``,
  ``torch.optim.SGD``;
- ``scikit-learn``: ``MLPClassifier(solver="sgd")`` with the same architecture,
  batch size and step size, one ``partial_fit`` pass.

PyTorch is an optional extra, not part of the course environment
(``.venv/bin/pip install -r benchmarks/requirements-compare.txt``); scikit-learn
is pinned in requirements.txt. A missing one's rows are skipped with a message.
Nothing here asserts a time.

    .venv/bin/python benchmarks/bench_train.py            # all configurations
    .venv/bin/python benchmarks/bench_train.py --quick    # the headline configuration only
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np

import mlcore
from mlcore import losses, optim

try:
    import torch
except ImportError:  # optional extra
    torch = None
try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
except ImportError:  # optional extra
    MLPClassifier = None

LR = 0.05


def make_data(n, n_in, n_out, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n_in)).astype(dtype), rng.integers(0, n_out, n)


# ---------------------------------------------------------------------- implementations
def run_mlcore(sizes, X, y, batch, dtype, seed):
    model = mlcore.MLP(sizes, "relu", rng=seed, dtype=dtype)
    opt = optim.SGD(model.params(), lr=LR)
    start = time.perf_counter()
    mlcore.fit(model, losses.cross_entropy, opt, X, y, epochs=1, batch_size=batch, rng=seed, progress=False)
    return time.perf_counter() - start


def run_gemm_floor(sizes, X, y, batch, dtype, seed):
    """Only the matrix products of every step: Z = A W^T, dW = G^T A, G W (not for the input layer)."""
    rng = np.random.default_rng(seed)
    Ws = [(rng.standard_normal((m, n)) * np.sqrt(2.0 / n)).astype(dtype) for n, m in zip(sizes[:-1], sizes[1:])]
    order = rng.permutation(X.shape[0])
    assert all(W.dtype == dtype for W in Ws)   # a float64 weight would silently make every product float64
    start = time.perf_counter()
    for s in range(0, X.shape[0], batch):
        A = X[order[s:s + batch]]
        acts = [A]
        for W in Ws:
            A = A @ W.T
            acts.append(A)
        G = A
        for i in range(len(Ws) - 1, -1, -1):
            _ = G.T @ acts[i]
            if i > 0:
                G = G @ Ws[i]
    return time.perf_counter() - start


def numpy_by_hand_epoch(Ws, bs, X, y, order, batch, lr):
    """One SGD epoch of a ReLU MLP with a cross-entropy loss, written out in NumPy.

    ``Ws``/``bs`` are updated in place; every elementwise operation works in
    place; nothing is checked. tests/test_bench_train.py shows that it computes
    exactly what mlcore.fit computes.
    """
    lr = X.dtype.type(lr)
    scratch = [np.empty_like(W) for W in Ws]
    last = len(Ws) - 1
    for s in range(0, X.shape[0], batch):
        idx = order[s:s + batch]
        A, labels = X[idx], y[idx]
        acts = [A]
        for i, (W, b) in enumerate(zip(Ws, bs)):
            Z = A @ W.T
            Z += b
            if i < last:
                np.maximum(Z, 0, out=Z)
            acts.append(Z)
            A = Z
        G = A                                   # logits -> (softmax - one_hot) / n, in place
        G -= G.max(axis=1, keepdims=True)
        np.exp(G, out=G)
        G /= G.sum(axis=1, keepdims=True)
        G[np.arange(len(labels)), labels] -= 1
        G /= len(labels)
        for i in range(last, -1, -1):
            dW, db = G.T @ acts[i], G.sum(axis=0)
            if i > 0:
                G_below = G @ Ws[i]
                G_below *= acts[i] > 0
            Ws[i] -= np.multiply(dW, lr, out=scratch[i])
            bs[i] -= lr * db
            if i > 0:
                G = G_below


def run_numpy_by_hand(sizes, X, y, batch, dtype, seed):
    rng = np.random.default_rng(seed)
    Ws = [(rng.standard_normal((m, n)) * np.sqrt(2.0 / n)).astype(dtype) for n, m in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(m, dtype) for m in sizes[1:]]
    order = rng.permutation(X.shape[0])
    start = time.perf_counter()
    numpy_by_hand_epoch(Ws, bs, X, y, order, batch, LR)
    return time.perf_counter() - start


def run_torch(sizes, X, y, batch, dtype, seed):
    torch.manual_seed(seed)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    layers = []
    for i, (n, m) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(n, m, dtype=tdtype))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    order = torch.from_numpy(np.random.default_rng(seed).permutation(X.shape[0]))
    start = time.perf_counter()
    for s in range(0, X.shape[0], batch):
        idx = order[s:s + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def run_sklearn(sizes, X, y, batch, dtype, seed):
    clf = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation="relu", solver="sgd", alpha=0.0,
                        batch_size=batch, learning_rate_init=LR, momentum=0.0, nesterovs_momentum=False,
                        shuffle=True, random_state=seed)
    classes = np.arange(sizes[-1])
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.partial_fit(X, y, classes=classes)
    return time.perf_counter() - start


IMPLEMENTATIONS = [
    ("mlcore", run_mlcore, None),
    ("GEMM floor", run_gemm_floor, None),
    ("NumPy by hand", run_numpy_by_hand, None),
    ("PyTorch CPU", run_torch, None if torch is not None else
     "PyTorch is not installed (optional: .venv/bin/pip install -r benchmarks/requirements-compare.txt)"),
    ("scikit-learn", run_sklearn, None if MLPClassifier is not None else
     "scikit-learn is not installed (it is pinned in requirements.txt: python3 tasks.py build installs it)"),
]


# ---------------------------------------------------------------------- the table
def bench(sizes, batch, dtype, n, repeats):
    X, y = make_data(n, sizes[0], sizes[-1], dtype)
    available = [(name, fn) for name, fn, skip in IMPLEMENTATIONS if skip is None]
    times = {name: [] for name, _ in available}
    for name, fn in available:  # warm-up: BLAS threads, first allocations, imports
        fn(sizes, X[: 4 * batch], y[: 4 * batch], batch, dtype, 0)
    for r in range(repeats):
        for name, fn in available:
            times[name].append(fn(sizes, X, y, batch, dtype, r))
    return {name: statistics.median(t) for name, t in times.items()}


def report(title, med):
    base = med["mlcore"]
    floor = med["GEMM floor"]
    print(f"\n{title}")
    print(f"  {'implementation':<14} {'ms/epoch':>9} {'/ mlcore':>9} {'/ floor':>8}")
    for name, t in med.items():
        print(f"  {name:<14} {t * 1e3:9.1f} {t / base:9.2f} {t / floor:8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8192, help="training examples (default 8192)")
    parser.add_argument("--repeats", type=int, default=5, help="epochs per implementation; the median is shown")
    parser.add_argument("--quick", action="store_true", help="only the headline configuration")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, NumPy {np.__version__}"
          + (f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ""))
    for name, _, skip in IMPLEMENTATIONS:
        if skip:
            print(f"skipping {name}: {skip}")
    print(f"one SGD epoch of N = {args.n}, median of {args.repeats}, interleaved; "
          "'/ floor' is time over the GEMM floor")

    configs = [("784-256-256-10, batch 128, float32", [784, 256, 256, 10], 128, np.float32)]
    if not args.quick:
        configs += [
            ("784-256-256-10, batch 32, float32", [784, 256, 256, 10], 32, np.float32),
            ("784-256-256-10, batch 128, float64", [784, 256, 256, 10], 128, np.float64),
        ]
        configs += [(f"width {w}: 784-{w}-{w}-10, batch 128, float32", [784, w, w, 10], 128, np.float32)
                    for w in (64, 512, 1024)]
        configs += [(f"depth {d}: 784-{'-'.join(['256'] * d)}-10, batch 128, float32",
                     [784] + [256] * d + [10], 128, np.float32) for d in (1, 4, 8)]
    for title, sizes, batch, dtype in configs:
        report(title, bench(sizes, batch, dtype, args.n, args.repeats))


if __name__ == "__main__":
    main()
