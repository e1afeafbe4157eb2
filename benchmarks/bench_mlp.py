"""Benchmark: one epoch of mini-batch SGD on an MLP 784-256-256-10 (float32, ReLU, softmax CE).

Times mlcore's fit() against the same epoch written as bare NumPy matrix
products (the floor), side by side in one run, and prints the ratio. This is a
measurement, not a test: nothing here asserts a time.

    .venv/bin/python benchmarks/bench_mlp.py [--n 20000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import mlcore
from mlcore import losses, optim

SIZES = [784, 256, 256, 10]


def make_data(n, rng):
    X = rng.standard_normal((n, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], n)
    return X, y


def mlcore_epoch(X, y, batch_size, lr, seed):
    model = mlcore.MLP(SIZES, "relu", rng=seed, dtype=np.float32)
    opt = optim.SGD(model.params(), lr=lr)
    start = time.perf_counter()
    hist = mlcore.fit(model, losses.cross_entropy, opt, X, y, epochs=1, batch_size=batch_size,
                      rng=seed, progress=False)
    elapsed = time.perf_counter() - start
    assert model.params()[0].dtype == np.float32
    return elapsed, hist["loss"][-1]


def numpy_epoch(X, y, batch_size, lr, seed):
    """The floor: the same network, initialisation, order and update, in bare NumPy."""
    model = mlcore.MLP(SIZES, "relu", rng=seed, dtype=np.float32)  # identical initial weights
    W1, b1, W2, b2, W3, b3 = [p.copy() for p in model.params()]
    order = np.random.default_rng(seed).permutation(X.shape[0])
    lr = np.float32(lr)
    start = time.perf_counter()
    total = 0.0
    for s in range(0, X.shape[0], batch_size):
        idx = order[s:s + batch_size]
        Xb, yb = X[idx], y[idx]
        n = Xb.shape[0]
        Z1 = Xb @ W1.T + b1
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ W2.T + b2
        A2 = np.maximum(Z2, 0)
        Z3 = A2 @ W3.T + b3
        Z3 = Z3 - Z3.max(axis=1, keepdims=True)
        E = np.exp(Z3)
        P = E / E.sum(axis=1, keepdims=True)
        total += -np.log(P[np.arange(n), yb]).sum()
        G3 = P
        G3[np.arange(n), yb] -= 1
        G3 /= n
        dW3, db3 = G3.T @ A2, G3.sum(0)
        G2 = (G3 @ W3) * (Z2 > 0)
        dW2, db2 = G2.T @ A1, G2.sum(0)
        G1 = (G2 @ W2) * (Z1 > 0)
        dW1, db1 = G1.T @ Xb, G1.sum(0)
        for p, g in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (W3, dW3), (b3, db3)):
            p -= lr * g
    return time.perf_counter() - start, total / X.shape[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="training examples (default 20000)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many epochs each")
    args = parser.parse_args()
    X, y = make_data(args.n, np.random.default_rng(0))
    print(f"MLP {'-'.join(map(str, SIZES))}, float32, batch {args.batch_size}, N = {args.n}, "
          f"best of {args.repeats}, interleaved")
    t_ml, t_np = [], []
    for r in range(args.repeats):  # interleave so both see the same machine load
        t, loss_ml = mlcore_epoch(X, y, args.batch_size, 0.05, seed=r)
        t_ml.append(t)
        t, loss_np = numpy_epoch(X, y, args.batch_size, 0.05, seed=r)
        t_np.append(t)
    best_ml, best_np = min(t_ml), min(t_np)
    print(f"  mlcore.fit     : {best_ml * 1e3:8.1f} ms/epoch   (mean loss {loss_ml:.4f})")
    print(f"  bare NumPy     : {best_np * 1e3:8.1f} ms/epoch   (mean loss {loss_np:.4f})")
    print(f"  ratio mlcore / NumPy floor = {best_ml / best_np:.2f}  (target: <= 1.5)")


if __name__ == "__main__":
    main()
