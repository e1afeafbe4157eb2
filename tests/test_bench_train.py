"""The benchmark's hand-written NumPy step must compute what mlcore computes,
or its row in benchmarks/bench_train.py would compare unlike things."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import mlcore
from mlcore import losses, optim

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_train.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_train", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("sizes, dtype", [
    ([20, 16, 16, 5], np.float32),
    ([20, 16, 16, 5], np.float64),
    ([20, 8, 3], np.float64),
    ([20, 12, 12, 12, 4], np.float32),
])
def test_numpy_by_hand_matches_fit(bench, sizes, dtype):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((300, sizes[0])).astype(dtype)   # 300 = 2 x 128 + 44: a short last batch
    y = rng.integers(0, sizes[-1], 300)
    model = mlcore.MLP(sizes, "relu", rng=1, dtype=dtype)
    Ws = [layer.W.copy() for layer in model.linears]
    bs = [layer.b.copy() for layer in model.linears]

    mlcore.fit(model, losses.cross_entropy, optim.SGD(model.params(), lr=0.3), X, y,
               epochs=1, batch_size=128, rng=5, progress=False)
    bench.numpy_by_hand_epoch(Ws, bs, X, y, np.random.default_rng(5).permutation(300), 128, 0.3)

    for layer, W, b in zip(model.linears, Ws, bs):
        np.testing.assert_array_equal(W, layer.W)
        np.testing.assert_array_equal(b, layer.b)


def test_numpy_by_hand_trains(bench):
    """The hand step really moves the weights (so equality above is not two no-ops)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 10))
    y = rng.integers(0, 3, 256)
    Ws = [rng.standard_normal((8, 10)) * 0.3, rng.standard_normal((3, 8)) * 0.3]
    bs = [np.zeros(8), np.zeros(3)]
    before = [W.copy() for W in Ws]
    bench.numpy_by_hand_epoch(Ws, bs, X, y, np.arange(256), 64, 0.5)
    assert all(not np.array_equal(a, b) for a, b in zip(Ws, before))
    assert any(np.any(b != 0) for b in bs)
