"""Unit tests of mlcore.explore: compute (the numbers), validation, caching, the JSON both forms draw,
the live widget's kernel side, the static HTML and the JavaScript files (checked with Node.js if present).

The browser half (the static page and the live widget in JupyterLab) is in test_browser.py.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

import mlcore
from mlcore import explore
from mlcore.explore import Explorer, _assets
from mlcore.explore import gradient_descent as gd
from mlcore.explore.base import encode_json

# the module (the package's name linear_classifier is the function that builds the explorer)
lc = importlib.import_module("mlcore.explore.linear_classifier")

SIZE_LIMIT = 2 * 1024 * 1024
MAKERS = {"step_size": explore.step_size, "depth": explore.depth, "activation": explore.activation,
          "linear_classifier": explore.linear_classifier, "batch_size": explore.batch_size,
          "optimizer_race": explore.optimizer_race, "playground": explore.playground}
NODE = shutil.which("node")


@pytest.fixture(scope="module")
def step():
    return explore.step_size()


@pytest.fixture(scope="module")
def deep():
    return explore.depth()


@pytest.fixture(scope="module")
def act():
    return explore.activation()


@pytest.fixture(scope="module")
def lin():
    return explore.linear_classifier()


@pytest.fixture(scope="module")
def pages():
    return {name: make().to_html() for name, make in MAKERS.items()}


def embedded_spec(page):
    match = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    assert match, "no embedded JSON data"
    return json.loads(match.group(1))


def static_frame(spec, index):
    """Decode frame number ``index`` of an embedded spec, as runtime.js (mlxStatic) does."""
    refs = spec["frames"][index]
    assert isinstance(refs, list) and refs, f"frame {index} is not stored"
    frame = {field: spec["pool"][i] for field, i in spec["const"].items()}
    frame.update({field: spec["pool"][i] for field, i in zip(spec["fields"], refs) if i >= 0})
    return frame


def sample(points, k=25):
    return points[:: max(1, len(points) // k)]


# ---------------------------------------------------------------------- the explorer protocol
@pytest.mark.parametrize("make", list(MAKERS.values()))
def test_params_and_defaults_are_consistent(make):
    ex = make()
    assert set(ex.params) == set(ex.defaults)
    for name, grid in ex.params.items():
        assert isinstance(grid, list) and grid
        assert ex.defaults[name] in grid
    data = ex.compute()
    assert isinstance(data, dict) and data
    for value in data.values():
        assert isinstance(value, (np.ndarray, float, int, str, bool, tuple))


def test_step_size_shapes(step):
    d = step.compute(setting="2-D quadratic", lr=0.01, steps=30)
    assert d["kind"] == "2d"
    assert d["loss"].shape == (31,) and d["path"].shape == (31, 2) and d["step"].shape == (31,)
    assert d["sweep_lr"].shape == d["sweep_loss"].shape == d["sweep_diverged"].shape == (len(step.params["lr"]),)
    assert d["contours"].shape[1:] == (121, 2)
    d1 = step.compute(setting="1-D quadratic", lr=0.01, x0=-3.0, steps=10)
    assert d1["path"].shape == (11, 1) and d1["path"][0, 0] == -3.0
    dn = step.compute(setting="2-8-1 network", lr=0.1, seed=1, steps=20)
    assert dn["loss"].shape == (21,) and "path" not in dn and dn["exact"] is False


def test_depth_shapes(deep):
    for depth in (1, 2, 17, 30):
        d = deep.compute(depth=depth, activation="tanh", init="he")
        assert d["layer"].tolist() == list(range(1, depth + 1))
        assert d["grad_norm"].shape == d["signal_rms"].shape == (depth,)
        assert np.all(np.isfinite(d["grad_norm"])) and np.all(d["grad_norm"] > 0)


def test_activation_shapes(act):
    d = act.compute(activation="elu", alpha=0.5, zmax=4.0)
    assert d["z"].shape == d["phi"].shape == d["dphi"].shape == (240,)
    assert d["z"][0] == -4.0 and d["z"][-1] == 4.0


# ---------------------------------------------------------------------- validation
@pytest.mark.parametrize("values, control, hint", [
    ({"lr": 0.123}, "lr", "0.001"),
    ({"lr": -1.0}, "lr", "3"),
    ({"steps": 7}, "steps", "200"),
    ({"setting": "3-D quadratic"}, "setting", "'2-D quadratic'"),
    ({"start": (0.0, 0.0)}, "start", "(-5, -1.5)"),
    ({"seed": 3}, "seed", "0, 1, 2"),
])
def test_step_size_rejects_values_off_the_grid(step, values, control, hint):
    with pytest.raises(ValueError) as info:
        step.compute(**values)
    message = str(info.value)
    assert control in message and hint in message


@pytest.mark.parametrize("make, values, control", [
    (explore.depth, {"depth": 31}, "depth"),
    (explore.depth, {"depth": 0}, "depth"),
    (explore.depth, {"activation": "softmax"}, "activation"),
    (explore.depth, {"init": "zeros"}, "init"),
    (explore.depth, {"init": "small", "scale": 0.7}, "scale"),
    (explore.activation, {"activation": "swish"}, "activation"),
    (explore.activation, {"activation": "leaky_relu", "slope": 1.0}, "slope"),
    (explore.activation, {"zmax": 5.0}, "zmax"),
])
def test_other_explorers_reject_values_off_the_grid(make, values, control):
    with pytest.raises(ValueError, match=control):
        make().compute(**values)


def test_unknown_control_is_named(step):
    with pytest.raises(ValueError, match="no control 'eta'.*setting, lr"):
        step.compute(eta=0.1)


def test_grid_values_match_within_rounding(step):
    a = step.compute(setting="1-D quadratic", lr=0.1 + 1e-12)
    b = step.compute(setting="1-D quadratic", lr=0.1)
    np.testing.assert_array_equal(a["loss"], b["loss"])


def test_inactive_controls_are_ignored_and_share_one_cache_entry(step, deep, act):
    a = step.compute(setting="1-D quadratic", lr=0.2, seed=2, start=(1.0, 4.0))
    b = step.compute(setting="1-D quadratic", lr=0.2)
    np.testing.assert_array_equal(a["path"], b["path"])
    assert deep.canonical(init="he", scale=2.0)["scale"] == deep.defaults["scale"]
    np.testing.assert_array_equal(deep.compute(init="he", scale=2.0)["grad_norm"],
                                  deep.compute(init="he")["grad_norm"])
    assert act.canonical(activation="tanh", slope=0.5)["slope"] == act.defaults["slope"]


def test_compute_is_pure_and_the_cache_cannot_be_corrupted(deep):
    first = deep.compute(depth=5, activation="relu", init="he")
    with pytest.raises(ValueError):
        first["grad_norm"][0] = 0.0          # cached arrays are read-only
    first["grad_norm"] = None                # the dict is a copy
    again = deep.compute(depth=5, activation="relu", init="he")
    fresh = deep.compute_uncached(depth=5, activation="relu", init="he")
    np.testing.assert_array_equal(again["grad_norm"], fresh["grad_norm"])


@pytest.mark.parametrize("make, values", [
    (explore.step_size, {"setting": "2-D quadratic", "lr": 0.15, "start": (1.0, 4.0), "steps": 100}),
    (explore.step_size, {"setting": "2-8-1 network", "lr": 0.5, "seed": 2, "steps": 30}),
    (explore.depth, {"depth": 12, "activation": "sigmoid", "init": "small", "scale": 0.5}),
    (explore.activation, {"activation": "leaky_relu", "slope": 0.2}),
])
def test_cached_equals_uncached(make, values):
    ex = make()
    cached, uncached = ex.compute(**values), ex.compute_uncached(**values)
    assert cached.keys() == uncached.keys()
    for key in cached:
        if isinstance(cached[key], np.ndarray):
            np.testing.assert_array_equal(cached[key], uncached[key])
        else:
            assert cached[key] == uncached[key]


# ---------------------------------------------------------------------- step size: the regimes
def test_quadratic_thresholds_are_exact(step):
    d1 = step.compute(setting="1-D quadratic")
    d2 = step.compute(setting="2-D quadratic")
    assert d1["lam_max"] == np.linalg.eigvalsh(gd.H1).max() == 4.0 and d1["threshold"] == 0.5
    assert np.isclose(np.linalg.eigvalsh(gd.H2).max(), 8.0) and d2["threshold"] == 0.25
    assert np.isclose(np.linalg.eigvalsh(gd.H2).min(), d2["lam_min"])


def test_1d_iterates_follow_the_closed_form(step):
    # x_{k+1} = x_k - eta f'(x_k) = (1 - 4 eta) x_k for f(x) = 2 x^2
    d = step.compute(setting="1-D quadratic", lr=0.03, x0=2.5, steps=20)
    np.testing.assert_allclose(d["path"][:, 0], 2.5 * (1 - 4 * 0.03) ** np.arange(21), rtol=1e-12)
    np.testing.assert_allclose(d["loss"], 2 * d["path"][:, 0] ** 2, rtol=1e-12)


@pytest.mark.parametrize("setting, below, above", [("1-D quadratic", 0.4, 0.7), ("2-D quadratic", 0.2, 0.3)])
def test_quadratics_converge_below_and_diverge_above_2_over_lambda(step, setting, below, above):
    threshold = step.compute(setting=setting)["threshold"]
    assert below < threshold < above
    for start in ([{"x0": x} for x in gd.X0_GRID] if setting.startswith("1") else [{"start": s} for s in gd.START_GRID]):
        ok = step.compute(setting=setting, lr=below, steps=200, **start)
        assert ok["outcome"] != "diverged"
        assert ok["loss"][-1] < 1e-6 * ok["loss"][0]
        assert np.all(np.isfinite(ok["loss"]))
        bad = step.compute(setting=setting, lr=above, steps=200, **start)
        assert bad["outcome"] == "diverged"
        assert bad["loss"][-1] > gd.DIVERGED * bad["loss"][0]
        assert bad["stopped_at"] == len(bad["loss"]) - 1 < 200
        assert np.all(np.isfinite(bad["loss"]))           # the run stopped before overflowing


def test_every_grid_step_size_lands_on_the_right_side(step):
    for setting in ("1-D quadratic", "2-D quadratic"):
        d = step.compute(setting=setting, steps=200)
        lrs, div = d["sweep_lr"], d["sweep_diverged"]
        assert np.all(div[lrs > d["threshold"] * (1 + 1e-9)])
        assert not np.any(div[lrs <= d["threshold"]])


def test_exactly_at_the_threshold_the_1d_iterate_bounces_forever(step):
    d = step.compute(setting="1-D quadratic", lr=0.5, x0=2.5, steps=200)
    x = d["path"][:, 0]
    assert d["outcome"] == "running" and len(x) == 201
    np.testing.assert_allclose(np.abs(x), 2.5)
    assert np.all(np.sign(x[1:]) == -np.sign(x[:-1]))


@pytest.mark.parametrize("lr", [0.3, 0.4])
def test_1d_oscillates_between_1_and_2_over_lambda(step, lr):
    d = step.compute(setting="1-D quadratic", lr=lr, x0=2.5, steps=30)
    x = d["path"][:, 0]
    assert np.all(np.sign(x[1:]) == -np.sign(x[:-1]))      # a sign flip every step
    assert np.all(np.abs(x[1:]) < np.abs(x[:-1]))           # and still shrinking


def test_1d_is_monotone_below_1_over_lambda(step):
    d = step.compute(setting="1-D quadratic", lr=0.2, x0=-1.5, steps=20)
    x = d["path"][:, 0]
    assert np.all(x < 0) and np.all(np.diff(np.abs(x)) < 0)


@pytest.mark.parametrize("lr", [0.15, 0.2])
def test_2d_oscillates_along_the_steep_direction_only(step, lr):
    d = step.compute(setting="2-D quadratic", lr=lr, start=(-5.0, -1.5), steps=10)   # before round-off level
    steep, shallow = gd._R[:, 1], gd._R[:, 0]               # eigenvectors of 8 and 0.5
    c_steep, c_shallow = d["path"] @ steep, d["path"] @ shallow
    assert np.all(np.sign(c_steep[1:]) == -np.sign(c_steep[:-1]))
    assert np.all(np.sign(c_shallow) == np.sign(c_shallow[0]))  # the shallow one crawls, no flips
    small = step.compute(setting="2-D quadratic", lr=0.1, start=(-5.0, -1.5), steps=10)["path"] @ steep
    assert np.all(np.sign(small) == np.sign(small[0]))


def test_steps_truncates_the_same_run(step):
    long = step.compute(setting="2-D quadratic", lr=0.07, steps=200)
    short = step.compute(setting="2-D quadratic", lr=0.07, steps=20)
    np.testing.assert_array_equal(long["path"][:21], short["path"])
    i = list(step.params["lr"]).index(0.07)
    assert short["sweep_loss"][i] == short["loss"][-1]


def test_network_loss_decreases_for_a_small_step(step):
    d = step.compute(setting="2-8-1 network", lr=0.1, seed=0, steps=200)
    loss = d["loss"]
    assert d["outcome"] == "running" and len(loss) == 201
    assert loss[-1] < 0.5 * loss[0]
    assert np.all(np.diff(loss) <= 1e-12)                    # monotone for a small step


def test_network_runs_are_mlcore_fit(step):
    """The explorer's loop is mlcore's full-batch gradient descent: same losses as mlcore.fit."""
    X, Y = gd._network_data()
    model = mlcore.MLP([2, 8, 1], "tanh", rng=1)
    hist = mlcore.fit(model, "mse", mlcore.optim.SGD(model.params(), lr=0.3), X, Y, epochs=15,
                      batch_size=None, shuffle=False, progress=False)
    d = step.compute(setting="2-8-1 network", lr=0.3, seed=1, steps=20)
    np.testing.assert_allclose(d["loss"][:15], hist["loss"], rtol=1e-10)


def test_network_diverges_for_a_large_step(step):
    d = step.compute(setting="2-8-1 network", lr=2.0, seed=0, steps=200)
    assert d["outcome"] == "diverged" and d["stopped_at"] < 50
    assert d["lr"] > d["threshold"]


def test_network_lambda_max_matches_the_full_hessian():
    """Power iteration on finite-difference HVPs vs the eigenvalues of the whole finite-difference Hessian."""
    X, Y = gd._network_data()
    for seed in (0, 2):
        model = mlcore.MLP([2, 8, 1], "tanh", rng=seed)
        theta = np.concatenate([p.ravel() for p in model.params()])
        n, h = theta.size, 1e-5
        H = np.empty((n, n))
        for j in range(n):
            e = np.zeros(n)
            e[j] = h
            H[:, j] = (gd._flat_grad(model, X, Y, theta + e)[1] - gd._flat_grad(model, X, Y, theta - e)[1]) / (2 * h)
        lam = np.linalg.eigvalsh((H + H.T) / 2).max()
        assert abs(gd.network_lambda_max(seed) - lam) < 1e-5 * lam


# ---------------------------------------------------------------------- depth: the regimes
def test_sigmoid_gradients_vanish_with_depth(deep):
    d = deep.compute(depth=30, activation="sigmoid", init="xavier")
    g = d["grad_norm"]
    assert g[0] < 1e-10 * g[-1]                            # many orders of magnitude
    assert np.all(np.diff(np.log10(g)) > 0)                # smaller at every layer toward the input
    assert "vanishing" in d["verdict"]


def test_small_init_scale_vanishes(deep):
    for activation in ("sigmoid", "tanh", "relu"):
        g = deep.compute(depth=30, activation=activation, init="small", scale=0.01)["grad_norm"]
        assert g[0] < 1e-20


@pytest.mark.parametrize("activation, scale", [("tanh", 1.0), ("tanh", 2.0), ("relu", 1.0), ("relu", 2.0),
                                               ("sigmoid", 2.0)])
def test_large_init_scale_explodes_with_depth(deep, activation, scale):
    first = [deep.compute(depth=L, activation=activation, init="small", scale=scale)["grad_norm"][0]
             for L in (5, 10, 20, 30)]
    assert np.all(np.diff(first) > 0)                      # the first layer's gradient grows with depth
    assert first[-1] > 100 * first[0]


def test_tanh_large_scale_explodes_toward_the_input(deep):
    d = deep.compute(depth=30, activation="tanh", init="small", scale=1.0)
    assert d["ratio"] > 1e6 and "exploding" in d["verdict"]


def test_he_relu_is_roughly_stable(deep):
    first = []
    for L in (5, 10, 20, 30):
        g = deep.compute(depth=L, activation="relu", init="he")["grad_norm"]
        assert g.max() / g.min() < 100
        first.append(g[0])
    assert max(first) / min(first) < 10
    assert "healthy" in deep.compute(depth=30, activation="relu", init="he")["verdict"]


def test_depth_norms_match_a_direct_mlcore_computation(deep):
    X, labels = mlcore.explore.deep_gradients._batch()
    model = mlcore.MLP([64] * 7 + [10], "tanh", init=mlcore.init.get("small", scale=0.5), rng=0)
    _, grad = mlcore.losses.cross_entropy.value_and_grad(model.forward(X), labels)
    model.backward(grad)
    expected = [np.linalg.norm(layer.dW) for layer in model.linears]
    np.testing.assert_allclose(deep.compute(depth=7, activation="tanh", init="small", scale=0.5)["grad_norm"],
                               expected, rtol=1e-12)


# ---------------------------------------------------------------------- activation
@pytest.mark.parametrize("name, kwargs", [("sigmoid", {}), ("tanh", {}), ("relu", {}), ("identity", {}),
                                          ("leaky_relu", {"slope": 0.2}), ("leaky_relu", {"slope": 0.0}),
                                          ("elu", {"alpha": 1.5})])
def test_activation_matches_mlcore(act, name, kwargs):
    d = act.compute(activation=name, zmax=4.0, **kwargs)
    phi = mlcore.activations.get(name, **kwargs) if kwargs else mlcore.activations.get(name)
    np.testing.assert_array_equal(d["phi"], phi(d["z"]))
    np.testing.assert_array_equal(d["dphi"], phi.grad(d["z"]))
    assert d["dphi_max"] == d["dphi"].max()


def test_sigmoid_derivative_is_at_most_a_quarter(act):
    assert 0.249 < act.compute(activation="sigmoid")["dphi_max"] <= 0.25


# ---------------------------------------------------------------------- linear classifier
def margins(W, b, labels=lc.Y):
    """s_y - s_j for every example and class j != y (the true class itself: +inf)."""
    s = lc.scores(W, b)
    m = s[np.arange(len(labels)), labels][:, None] - s
    m[np.arange(len(labels)), labels] = np.inf
    return m


def test_linear_classifier_shapes_and_defaults(lin):
    d = lin.compute()
    assert d["X"].shape == (9, 2) and d["y"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert d["W"].shape == (3, 2) and d["b"].shape == (3,) and d["per_example"].shape == (9,)
    assert d["lines"].shape == d["arrows"].shape == (3, 2, 2) and len(d["regions"]) == 3
    assert d["loss"] == "hinge" and d["lam"] == 0.01 and d["correct"] == 9
    np.testing.assert_allclose(np.linalg.norm(d["W"], axis=1), 1.0)   # unit weight vectors at scale 1
    assert d["penalty_by_lambda"].shape == d["total_by_lambda"].shape == (len(lc.LAMBDA_GRID),)


def test_linear_classifier_rejects_values_off_the_grid(lin):
    for values, control in [({"rot0": 30.0}, "rot0"), ({"b2": 1.0}, "b2"), ({"scale": 2.0}, "scale"),
                            ({"loss": "mse"}, "loss"), ({"lam": 1.0}, "lam")]:
        with pytest.raises(ValueError, match=control):
            lin.compute(**values)


LC_POINTS = [dict(zip(["rot0", "rot1", "rot2", "b0", "b1", "b2", "scale", "loss", "lam"], v)) for v in [
    (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, "hinge", 0.01),
    (40.0, -40.0, 0.0, 0.5, 0.0, -0.5, 0.5, "hinge", 0.1),
    (-40.0, 40.0, 40.0, -0.5, 0.5, 0.5, 3.0, "cross-entropy", 0.0),
    (0.0, 40.0, -40.0, 0.0, -0.5, 0.5, 1.0, "cross-entropy", 0.001),
    (40.0, 40.0, 40.0, 0.5, 0.5, 0.5, 3.0, "hinge", 0.01),
]]


@pytest.mark.parametrize("values", LC_POINTS)
def test_linear_classifier_losses_match_mlcore(lin, values):
    d = lin.compute(**values)
    W, b = d["W"], d["b"]
    angles = np.deg2rad(np.array(lc.HOME_DEG) + [values["rot0"], values["rot1"], values["rot2"]])
    np.testing.assert_allclose(W, values["scale"] * np.c_[np.cos(angles), np.sin(angles)], atol=1e-12)
    np.testing.assert_allclose(b, values["scale"] * np.array([values["b0"], values["b1"], values["b2"]]))
    s = lc.X @ W.T + b
    if values["loss"] == "hinge":
        per = mlcore.losses.hinge.losses(s, lc.Y)
        mean = mlcore.losses.hinge(s, lc.Y)
        # and by the definition, sum over j != y of max(0, s_j - s_y + 1)
        by_hand = np.maximum(0, 1 - margins(W, b)).sum(axis=1)
        np.testing.assert_allclose(per, by_hand, atol=1e-12)
    else:
        per = np.array([mlcore.losses.cross_entropy(row, c) for row, c in zip(s, lc.Y)])
        mean = mlcore.losses.cross_entropy(s, lc.Y)
        log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        np.testing.assert_allclose(per, -log_p[np.arange(9), lc.Y], rtol=1e-12)
    np.testing.assert_allclose(d["per_example"], per, rtol=1e-12, atol=1e-15)
    assert d["data_loss"] == pytest.approx(mean, rel=1e-12) == pytest.approx(per.mean(), rel=1e-12)
    # regularization: R(W) = sum of W squared (weights only), the penalty lambda R(W)
    assert d["reg"] == pytest.approx(np.sum(W ** 2), rel=1e-12) == pytest.approx(3 * values["scale"] ** 2, rel=1e-12)
    assert d["penalty"] == pytest.approx(values["lam"] * np.sum(W ** 2), rel=1e-12, abs=0)
    assert d["total"] == pytest.approx(d["data_loss"] + values["lam"] * np.sum(W ** 2), rel=1e-12)
    np.testing.assert_allclose(d["penalty_by_lambda"], np.array(lc.LAMBDA_GRID) * np.sum(W ** 2), rtol=1e-12)
    np.testing.assert_allclose(d["total_by_lambda"], d["data_loss"] + d["penalty_by_lambda"], rtol=1e-12)
    assert d["total_by_lambda"][lc.LAMBDA_GRID.index(values["lam"])] == pytest.approx(d["total"], rel=1e-12)


def test_hinge_is_zero_exactly_when_every_margin_reaches_1(lin):
    zero_seen = positive_seen = 0
    for rot in itertools.product(lc.ROT_GRID, repeat=3):
        for bias in [(0.0, 0.0, 0.0), (0.5, -0.5, 0.0)]:
            for scale in lc.SCALE_GRID:
                d = lin.compute(rot0=rot[0], rot1=rot[1], rot2=rot[2], b0=bias[0], b1=bias[1], b2=bias[2],
                                scale=scale, loss="hinge")
                m = margins(d["W"], d["b"]).min(axis=1)
                assert np.all((d["per_example"] == 0) == (m >= 1))
                zero_seen += int(np.sum(m >= 1))
                positive_seen += int(np.sum(m < 1))
    assert zero_seen and positive_seen
    # at the default directions the smallest margin is 0.479 c: the hinge loss is 0 from c = 2.09 on
    assert lin.compute(scale=3.0)["data_loss"] == 0.0
    assert lin.compute(scale=1.0)["data_loss"] > 0
    ce = lin.compute(scale=3.0, loss="cross-entropy")["per_example"]
    assert np.all(ce > 0)                                  # the cross-entropy never reaches 0
    assert lin.compute(scale=3.0, loss="cross-entropy")["data_loss"] < lin.compute(loss="cross-entropy")["data_loss"]


def test_scale_moves_the_losses_but_not_the_picture(lin):
    a, b = lin.compute(scale=0.5, rot1=40.0, b0=0.5), lin.compute(scale=3.0, rot1=40.0, b0=0.5)
    for key in ("pred", "lines", "arrows"):
        np.testing.assert_array_equal(a[key], b[key])
    for ra, rb in zip(a["regions"], b["regions"]):
        np.testing.assert_array_equal(ra, rb)
    assert a["data_loss"] != b["data_loss"]


def point_in_convex(poly, p):
    """Inside (or on) a convex polygon, with its vertices in either orientation."""
    if len(poly) < 3:
        return False
    edges = np.roll(poly, -1, axis=0) - poly
    cross = edges[:, 0] * (p[1] - poly[:, 1]) - edges[:, 1] * (p[0] - poly[:, 0])
    return bool(np.all(cross >= -1e-9) or np.all(cross <= 1e-9))


@pytest.mark.parametrize("values", LC_POINTS)
def test_decision_regions_are_the_argmax_of_the_scores(lin, values):
    d = lin.compute(**values)
    regions = d["regions"]
    assert d["pred"].tolist() == lc.scores(d["W"], d["b"]).argmax(axis=1).tolist()
    assert d["correct"] == int(np.sum(d["pred"] == lc.Y))
    # the regions tile the view square: their areas add up to its area
    def area(p):
        return 0.0 if len(p) < 3 else 0.5 * abs(np.sum(p[:, 0] * np.roll(p[:, 1], -1) - np.roll(p[:, 0], -1) * p[:, 1]))
    assert sum(area(r) for r in regions) == pytest.approx((lc.VIEW[1] - lc.VIEW[0]) ** 2, rel=1e-3)
    # random points: inside region k exactly where class k has the largest score (away from the boundaries)
    rng = np.random.default_rng(0)
    pts = rng.uniform(*lc.VIEW, size=(400, 2))
    s = lc.scores(d["W"], d["b"], pts)
    top2 = np.sort(s, axis=1)
    clear = top2[:, -1] - top2[:, -2] > 0.02 * values["scale"]
    for p, k in zip(pts[clear], s[clear].argmax(axis=1)):
        inside = [point_in_convex(r, p) for r in regions]
        assert inside[k] and sum(inside) == 1
    # each score-zero line lies on w_k . x + b_k = 0 and its arrow points to increasing score
    W1, b1 = lc.weights([values["rot0"], values["rot1"], values["rot2"]], [values["b0"], values["b1"], values["b2"]], 1.0)
    for k in range(3):
        seg, arrow = d["lines"][k], d["arrows"][k]
        if np.isnan(seg).any():
            continue
        np.testing.assert_allclose(seg @ W1[k] + b1[k], 0, atol=3e-3)
        assert (arrow[1] - arrow[0]) @ W1[k] > 0


# ---------------------------------------------------------------------- the JSON both forms draw
def test_encode_json_rounds_to_4_significant_digits():
    assert encode_json(np.array([1.23456, 0.000123456, 1e-20, 123456.7, np.nan, np.inf])) == \
        "[1.235,0.0001235,1e-20,1.235e5,null,null]"
    assert encode_json({"a": (1, "x<y"), "b": True, "c": 2.0}) == '{"a":[1,"x<y"],"b":true,"c":2}'
    assert encode_json(np.arange(6.0).reshape(3, 1, 2) / 3) == "[[[0,0.3333]],[[0.6667,1]],[[1.333,1.667]]]"
    assert encode_json(np.zeros((0, 2))) == "[]" and encode_json(np.array([True, False])) == "[true,false]"
    assert encode_json(np.array([[1, 2], [3, 4]])) == "[[1,2],[3,4]]" and encode_json(np.float32(0.5)) == "0.5"


@pytest.mark.parametrize("name", list(MAKERS))
def test_the_widget_data_is_the_static_frame(pages, name):
    """For the same control values, the JSON the kernel sends equals the frame the static page embeds."""
    ex = MAKERS[name]()
    spec = embedded_spec(pages[name])
    for values in sample(list(ex.grid_points())):
        key, text = ex.frame_json(**values)
        assert key == ex.frame_key(**values)
        sent = json.loads(text)
        assert sent == static_frame(spec, ex.frame_index(**values))
        assert sent == json.loads(encode_json(ex.compute(**ex.frame_values(**values))))


@pytest.mark.parametrize("name", list(MAKERS))
def test_to_html_is_self_contained(pages, name):
    page = pages[name]
    assert "<script src" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I)
    assert "@import" not in page and "<link" not in page.lower() and "<img" not in page.lower()
    assert len(page.encode()) < SIZE_LIMIT
    assert page.startswith('<div class="mlx" id="') and page.rstrip().endswith("</div>")
    # the inlined JavaScript is the package's files (compacted)
    for part in ("kit.js", "runtime.js"):
        assert _assets.compact(_assets.read(part)).splitlines()[5] in page
    assert "function draw(ctx)" in page and "mlxStatic(" in page


@pytest.mark.parametrize("name", list(MAKERS))
def test_to_html_contains_every_grid_point(pages, name):
    ex = MAKERS[name]()
    spec = embedded_spec(pages[name])
    expected = list(ex.grid_points(static=True))
    stored = [f for f in spec["frames"] if isinstance(f, list)]
    assert len(stored) == len(expected)
    assert spec["dims"] == [len(ex.params[n]) for n in ex.params if n not in ex.client_side]
    assert len(spec["frames"]) == int(np.prod(spec["dims"]))
    names = list(ex.params)
    for c, n in zip(spec["controls"], names):
        assert c["name"] == n and len(c["values"]) == len(ex.params[n])
        assert c["labels"] == [ex.format_value(n, v) for v in ex.params[n]]
        assert c["client"] == (n in ex.client_side)
    # every frame decodes to compute's data (4 significant digits)
    for values in sample(expected):
        frame = static_frame(spec, ex.frame_index(**values))
        data = ex.compute(**values)
        assert frame.keys() == data.keys()
        for field, value in data.items():
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                got = np.array(frame[field], dtype=float)
                np.testing.assert_allclose(got, value, rtol=6e-4, atol=0, equal_nan=True)


def test_step_size_static_frames_hold_the_longest_runs(pages, step):
    spec = embedded_spec(pages["step_size"])
    steps = next(c for c in spec["controls"] if c["name"] == "steps")
    assert steps["client"] and steps["values"][-1] == 200
    frame = static_frame(spec, step.frame_index(setting="2-D quadratic", lr=0.002))
    assert len(frame["loss"]) == 201
    # the sweep for every steps value: the row the drawing picks equals compute at that many steps
    for i, s in enumerate(gd.STEPS_GRID):
        d = step.compute(setting="2-D quadratic", lr=0.002, steps=s)
        np.testing.assert_array_equal(d["sweep_by_steps"][i], d["sweep_loss"])


def test_several_fragments_get_unique_ids(step):
    ids = {re.match(r'<div class="mlx" id="([^"]+)"', step.to_html()).group(1) for _ in range(3)}
    assert len(ids) == 3


def test_static_returns_ipython_html(act):
    from IPython.display import HTML
    out = act.static()
    assert isinstance(out, HTML) and 'class="mlx"' in out.data


# ---------------------------------------------------------------------- the live widget, kernel side
@pytest.mark.parametrize("make, control, new", [(explore.step_size, "lr", 0.7), (explore.step_size, "setting", "2-8-1 network"),
                                                (explore.depth, "depth", 3), (explore.depth, "init", "small"),
                                                (explore.activation, "activation", "relu"),
                                                (explore.linear_classifier, "b1", 0.5),
                                                (explore.linear_classifier, "loss", "cross-entropy")])
def test_widget_sends_new_data_on_change(make, control, new):
    import anywidget
    ex = make()
    w = ex.widget()
    assert isinstance(w, anywidget.AnyWidget)
    assert w.values == ex.indices() and w.error == ""
    assert w.key == ex.frame_key() and w.data == ex.frame_json()[1]
    before = w.data
    w.values = {**w.values, control: ex.params[control].index(new)}   # what the front end does
    assert w.data != before and w.error == ""
    assert w.current()[control] == new
    assert w.frame() == json.loads(encode_json(ex.compute(**ex.frame_values(**w.current()))))


def test_widget_front_end_is_the_static_javascript():
    w = explore.step_size().widget()
    esm = w._esm
    for part in ("kit.js", "runtime.js", "step_size.js"):
        assert _assets.compact(_assets.read(part)).splitlines()[3] in esm
    assert "export default" in esm and "function draw(ctx)" in esm
    assert w._css == _assets.css()
    spec = json.loads(w.spec)
    assert spec == explore.step_size().spec()
    from mlcore.explore.widget import _CLASSES
    cls = _CLASSES[explore.StepSizeExplorer]
    explore.step_size().widget()
    assert _CLASSES[explore.StepSizeExplorer] is cls and isinstance(w, cls)   # one widget class per explorer


def test_client_side_controls_need_no_new_data():
    ex = explore.step_size()
    w = ex.widget()
    key, data = w.key, w.data
    w.set(steps=10)                                         # the drawing cuts the run; the frame stays
    assert (w.key, w.data) == (key, data) and w.current()["steps"] == 10
    lin = explore.linear_classifier().widget()
    key = lin.key
    lin.set(lam=0.1)
    assert lin.key == key


def test_widget_reports_bad_values_and_recovers():
    w = explore.depth().widget()
    w.values = {**w.values, "depth": 99}
    assert "depth" in w.error
    w.set(depth=3)
    assert w.error == "" and w.frame()["layer"] == [1, 2, 3]


def test_widget_greys_nothing_in_python_but_canonicalises():
    ex = explore.depth()
    w = ex.widget()
    w.set(init="xavier", scale=2.0)                         # the scale is inactive for Xavier
    assert w.key == ex.frame_key(init="xavier") and w.current()["scale"] == 2.0


# ---------------------------------------------------------------------- the JavaScript files
JS_FILES = sorted(p.name for p in _assets.STATIC.glob("*.js"))


def test_every_explorer_names_a_shipped_draw_file():
    assert {"kit.js", "runtime.js", "widget.js"} <= set(JS_FILES)
    for make in MAKERS.values():
        path = _assets.draw_path(type(make()))
        assert path.parent == _assets.STATIC and path.read_text().count("function draw(ctx)") == 1


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (the browser tests run the same code)")
@pytest.mark.parametrize("name", JS_FILES)
def test_js_files_parse(name, tmp_path):
    path = _assets.STATIC / name
    if name == "widget.js":                                 # an ES module
        target = tmp_path / "widget.mjs"
        target.write_text(path.read_text())
        path = target
    subprocess.run([NODE, "--check", str(path)], check=True, capture_output=True)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_composed_scripts_parse(tmp_path):
    for make in MAKERS.values():
        kind = type(make())
        (tmp_path / "static.js").write_text(_assets.static_script(kind, "mlx-test-1"))
        (tmp_path / "widget.mjs").write_text(_assets.esm(kind))
        for f in ("static.js", "widget.mjs"):
            subprocess.run([NODE, "--check", str(tmp_path / f)], check=True, capture_output=True)


# The kit and each draw function need no DOM: run them in Node on the JSON the kernel sends.
NODE_DRAW = r"""
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
eval(input.kit);
const draw = eval("(function () {" + input.draw + "\nreturn draw;})()");
const out = input.cases.map(c => {
  const K = makeKit("u", input.width, input.height);
  draw({data: c.data, values: c.values, index: c.index, K: K, W: input.width, H: input.height,
        grid: n => input.grids[n]});
  return {svg: K.flush(), description: K.description()};
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
@pytest.mark.parametrize("name", list(MAKERS))
def test_draw_functions_run_on_every_kind_of_frame(name, tmp_path):
    ex = MAKERS[name]()
    spec = ex.spec()
    cases = []
    for values in sample(list(ex.grid_points()), 40):
        cases.append({"data": json.loads(ex.frame_json(**values)[1]),
                      "values": {n: (list(v) if isinstance(v, tuple) else v) for n, v in values.items()},
                      "index": ex.indices(**values)})
    payload = {"kit": _assets.read("kit.js"), "draw": _assets.draw_source(type(ex)), "cases": cases,
               "width": spec["width"], "height": spec["height"],
               "grids": {c["name"]: c["values"] for c in spec["controls"]}}
    script = tmp_path / "draw.js"
    script.write_text(NODE_DRAW)
    out = subprocess.run([NODE, str(script)], input=json.dumps(payload), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)
    assert len(results) == len(cases)
    for r in results:
        assert r["svg"].count("<path") >= 2 and "NaN" not in r["svg"] and "undefined" not in r["svg"]
        assert len(r["description"]) > 40


# ---------------------------------------------------------------------- the pattern in the package docstring
def test_the_docstring_example_explorer_works(tmp_path):
    doc = explore.__doc__
    source = doc.split("an explorer of\nmomentum on the 1-D quadratic f(x) = 2x^2::")[1].split("and ``momentum.js``::")[0]
    js = doc.split("and ``momentum.js``::")[1].split("A draw function reads only")[0]
    code = "\n".join(line[4:] for line in source.splitlines())
    (tmp_path / "momentum.js").write_text("\n".join(line[4:] for line in js.splitlines()))
    namespace = {}
    exec(code, namespace)
    Momentum = namespace["Momentum"]
    assert issubclass(Momentum, Explorer) and Momentum.js == "momentum.js"
    Momentum.js = str(tmp_path / "momentum.js")
    ex = Momentum()
    d = ex.compute(lr=0.3, momentum=0.9)
    assert d["x"].shape == (51,)
    with pytest.raises(ValueError, match="momentum"):
        ex.compute(momentum=0.8)
    spec = embedded_spec(ex.to_html())
    assert len([f for f in spec["frames"] if f]) == 12
    w = ex.widget()
    before = w.data
    w.set(momentum=0.0)
    assert w.data != before and "function draw(ctx)" in w._esm
    if NODE:
        subprocess.run([NODE, "--check", str(tmp_path / "momentum.js")], check=True, capture_output=True)


def test_a_bad_explorer_definition_fails_at_class_creation():
    with pytest.raises(TypeError, match="not on its grid"):
        class Bad(Explorer):
            params = {"a": [1, 2]}
            defaults = {"a": 3}

            def compute(self, *, a):
                return {}


def test_an_explorer_without_a_draw_file_says_so():
    class NoDrawing(Explorer):
        params = {"a": [1, 2]}
        defaults = {"a": 1}

        def compute(self, *, a):
            return {"a": a}

    with pytest.raises(TypeError, match="names no draw file"):
        NoDrawing().to_html()
