"""The batch-size explorer: compute against mlcore (train_curve, the loss, per-example gradients), its regimes,
the static form's size and the live widget's data. The browser check is in the lead's test_browser.py."""

import json
import time

import numpy as np
import pytest

import mlcore
from mlcore import batching
import importlib

bs = importlib.import_module("mlcore.explore.batch_size")  # the module (the package exports a function of that name)
from mlcore.explore.base import encode_json
from mlcore.explore.batch_size import batch_size


@pytest.fixture(scope="module")
def ex():
    return batch_size()


def _mlcore_curve(B, lr, seed, epochs):
    """The same run with mlcore itself: an MLP([2, 1]) with a sigmoid output and train_curve."""
    Xt, y = bs.problem()
    model = mlcore.MLP([2, 1], output="sigmoid", rng=seed)
    return batching.train_curve(model, "binary_cross_entropy", Xt[:, :2], y[:, None], batch_size=B, lr=lr,
                                updates=epochs * bs.N // B, rng=seed)


def test_spec(ex):
    assert set(ex.params) == {"B", "lr", "seed", "epochs"}
    assert ex.params["B"] == [1, 4, 16, 64, 128] and ex.params["B"][-1] == bs.N
    assert set(ex.client_side) == {"B", "epochs"}
    assert all(ex.label(n) != n for n in ex.params)          # every control has a label


def test_problem_is_the_standardised_moons():
    Xt, y = bs.problem()
    X, labels = mlcore.data.moons(128, noise=0.3, rng=0)
    np.testing.assert_allclose(Xt[:, :2], mlcore.data.standardize(X))
    assert np.all(Xt[:, 2] == 1) and np.array_equal(y, labels)


@pytest.mark.parametrize("B", [1, 4, 16, 64, 128])
@pytest.mark.parametrize("lr, seed", [(0.3, 0), (3.0, 2)])
def test_runs_are_mlcore_train_curve(B, lr, seed):
    """Same starting weights, same batches, same update: the losses agree with mlcore to rounding."""
    epochs = 3
    ref = _mlcore_curve(B, lr, seed, epochs)
    mine = bs.run(B, lr, seed, epochs)
    assert mine.shape == ref["loss"].shape == (epochs * bs.N // B + 1,)
    np.testing.assert_allclose(mine, ref["loss"], rtol=1e-10, atol=1e-12)


def test_full_loss_is_mlcore_binary_cross_entropy():
    Xt, y = bs.problem()
    rng = np.random.default_rng(5)
    for theta in rng.normal(scale=2.0, size=(4, 3)):
        p = 1 / (1 + np.exp(-(Xt @ theta)))
        want = mlcore.losses.binary_cross_entropy(p[:, None], y[:, None])
        assert bs.full_loss(theta)[0] == pytest.approx(want, rel=1e-12)


def test_optimum_is_a_stationary_point_below_every_run():
    Xt, y = bs.problem()
    j_star = bs.optimum()
    assert 0.3 < j_star < np.log(2)
    # gradient descent for long from zero reaches the same value (from above)
    theta = np.zeros(3)
    for _ in range(20000):
        theta -= 1.0 * Xt.T @ (1 / (1 + np.exp(-(Xt @ theta))) - y) / len(y)
    assert bs.full_loss(theta)[0] == pytest.approx(j_star, abs=1e-12)
    for B in bs.B_GRID:
        for lr in bs.LR_GRID:
            assert bs.run(B, lr, 0).min() >= j_star - 1e-12


def test_gradient_noise_matches_sampling_batches():
    """The closed form (N - B)/(N - 1) sigma^2 / B against the mean over many batches drawn with mlcore,
    each batch gradient from mlcore's backward pass."""
    seed = 1
    Xt, y = bs.problem()
    X, Y = Xt[:, :2], y[:, None]
    model = mlcore.MLP([2, 1], output="sigmoid", rng=seed)

    def grad(idx):
        out = model.forward(X[idx])
        _, g = mlcore.losses.binary_cross_entropy.value_and_grad(out, Y[idx])
        model.backward(g, input_grad=False)
        return np.concatenate([p.ravel() for p in model.grads()])

    g_full = grad(np.arange(bs.N))
    np.testing.assert_allclose(bs.per_example_gradients(bs.start_weights(seed)).mean(axis=0), g_full, rtol=1e-12)
    rng = np.random.default_rng(0)
    noise = bs.gradient_noise(seed)
    for j, B in enumerate(bs.B_GRID):
        draws = 1 if B == bs.N else 3000
        sq = [np.sum((grad(rng.choice(bs.N, B, replace=False)) - g_full) ** 2) for _ in range(draws)]
        measured = np.sqrt(np.mean(sq)) / np.linalg.norm(g_full)
        assert measured == pytest.approx(noise[j], rel=0.05, abs=1e-12)
    assert noise[-1] == 0
    # the 1/sqrt(B) law with the finite-population factor: noise[B] / noise[1] = sqrt((N - B) / ((N - 1) B))
    ratio = noise / noise[0]
    B = np.array(bs.B_GRID, dtype=float)
    np.testing.assert_allclose(ratio, np.sqrt((bs.N - B) / ((bs.N - 1) * B)), rtol=1e-12)


def test_compute_fields(ex):
    d = ex.compute(lr=0.3, seed=0)
    assert [len(e) for e in d["excess"]] == [bs.EPOCHS_MAX * bs.N // b + 1 for b in bs.B_GRID]
    assert list(d["updates_per_epoch"]) == [128, 32, 8, 2, 1]
    for i, b in enumerate(bs.B_GRID):
        np.testing.assert_allclose(d["excess"][i], bs.run(b, 0.3, 0) - d["optimum"], atol=1e-15)
        for j, e in enumerate(bs.EPOCHS_GRID):
            assert d["final"][i, j] == d["excess"][i][e * bs.N // b]
            losses = bs.run(b, 0.3, 0)[: e * bs.N // b + 1]
            assert d["rises"][i, j] == np.sum(np.diff(losses) > 0)
    assert d["start_loss"] == pytest.approx(bs.run(1, 0.3, 0)[0])
    # B and epochs are client-side: compute does not depend on them
    assert encode_json(ex.compute(B=1, epochs=1)) == encode_json(ex.compute(B=128, epochs=20))


def test_full_batch_with_a_small_step_never_raises_the_loss(ex):
    """B = N is gradient descent; with eta below 2/L (L = the largest Hessian eigenvalue bound) it is monotone."""
    L = np.linalg.eigvalsh(batching.hessian(bs.problem()[0][:, :2], kind="linear")).max() / 4   # p(1-p) <= 1/4
    for lr in bs.LR_GRID:
        if lr < 2 / L:
            assert np.all(np.diff(bs.run(bs.N, lr, 0)) <= 1e-15), lr
    d = ex.compute(lr=0.3)
    assert np.all(d["rises"][-1] == 0) and np.all(d["rises"][-2] == 0)


def test_stochastic_is_noisy_and_batch_is_not(ex):
    """At eta = 0.3, B = 1 raises the full loss on about half of its updates; B = 64 and N never."""
    d = ex.compute(lr=0.3)
    last = -1
    frac = d["rises"][:, last] / (bs.EPOCHS_MAX * d["updates_per_epoch"])
    assert frac[0] > 0.4 and frac[1] > 0.1
    assert frac[0] > frac[1] > frac[2] >= frac[3] == frac[4] == 0


def test_per_epoch_small_batches_win_early(ex):
    """After one epoch, more updates per epoch means more progress (at a moderate step size)."""
    d = ex.compute(lr=0.3)
    first = d["final"][:, 0]
    assert first[0] < first[2] < first[3] < first[4]
    assert d["final"][4, 0] > 0.2          # one full-batch step barely moves


def _level_at(b, lr, budget, seed=0):
    """The excess loss of batch size b at modelled time ``budget``, averaged over the last quarter of the
    updates made by then (the level of a noisy curve rather than one draw)."""
    k = int(budget // bs.cost(1, b))
    losses = bs.run(b, lr, seed)
    assert k < len(losses)
    return losses[k - k // 4: k + 1].mean() - bs.optimum()


def test_per_unit_of_time_small_batches_lead_early_then_stall():
    """Far from the optimum the noise does not matter and B = 1 leads per unit of modelled time; near it,
    B = 1 stalls at its noise floor and the bigger batches overtake (eta = 1, c = 32)."""
    assert bs.cost(10, 16) == 10 * (32 + 16)
    early = [_level_at(b, 0.3, 1000) for b in bs.B_GRID]
    assert early == sorted(early)                      # at time 1000: B = 1 ahead, then 4, 16, 64, N
    late = [_level_at(b, 1.0, 4000) for b in (1, 4, 16)]
    assert late[2] < late[1] < late[0]                 # at time 4000: B = 16 ahead of 4, ahead of 1
    assert _level_at(1, 1.0, 60000) > 0.5 * _level_at(1, 1.0, 4000)   # B = 1 makes no more progress


def test_the_noise_floor_of_b1_grows_with_the_step_size():
    """SGD with a constant step hovers above the optimum at a level that grows with eta."""
    floors = [_level_at(1, lr, 60000) for lr in (0.1, 0.3, 1.0)]
    assert floors[0] < floors[1] < floors[2]
    assert floors[2] > 10 * floors[0]


def test_large_step_with_b1_does_not_settle(ex):
    """eta = 3 with B = 1: the excess loss after 20 epochs stays large; the full batch converges."""
    d = ex.compute(lr=3.0)
    assert d["final"][0, -1] > 0.05
    assert d["final"][-1, -1] < 1e-4


def test_off_grid_values_are_rejected(ex):
    with pytest.raises(ValueError, match="B"):
        ex.compute(B=8)
    with pytest.raises(ValueError, match="lr"):
        ex.compute(lr=0.2)


def test_compute_is_pure(ex):
    a = encode_json(ex.compute_uncached(lr=1.0, seed=2))
    bs.run.cache_clear()
    assert encode_json(ex.compute_uncached(lr=1.0, seed=2)) == a


def test_static_form_is_small_and_complete(ex):
    html = ex.to_html()
    size = len(html.encode())
    print(f"static form: {size / 1024:.0f} KB")
    assert size < 2_000_000
    data = ex.static_data()
    assert data["dims"] == [len(bs.LR_GRID), len(bs.SEED_GRID)]
    assert "<script" in html and "http" not in html.split("<script", 1)[1].split("function makeKit")[0]


def test_widget_data_is_compute(ex):
    pytest.importorskip("anywidget")
    w = ex.widget()
    assert w.frame() == json.loads(encode_json(ex.compute(**ex.frame_values())))
    w.set(lr=1.0)
    assert w.frame() == json.loads(encode_json(ex.compute(**ex.frame_values(lr=1.0))))
    assert w.current()["lr"] == 1.0
    key = w.key
    w.set(B=1, epochs=2)        # client-side: the same frame
    assert w.key == key


def test_compute_timing(ex):
    """Median and max of compute (uncached, module caches cleared first) over every grid point: printed only."""
    ex.clear_cache()
    times = []
    for values in ex.grid_points(static=True):
        bs.run.cache_clear()
        start = time.perf_counter()
        ex.compute_uncached(**values)
        times.append(time.perf_counter() - start)
    times = np.array(times) * 1000
    print(f"batch_size compute over {len(times)} frames, cold: median {np.median(times):.1f} ms, "
          f"max {times.max():.1f} ms")
    warm = ex.timings() * 1000
    print(f"batch_size compute over {len(warm)} grid points (base timings, shared caches warm): "
          f"median {np.median(warm):.2f} ms, max {warm.max():.1f} ms")
