"""Unit tests of mlcore.explore: compute (the numbers), validation, caching, widget and static HTML.

The browser half (the static page and the live widget in JupyterLab) is in test_browser.py.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import mlcore
from mlcore import explore
from mlcore.explore import Explorer
from mlcore.explore import gradient_descent as gd
from mlcore.explore.base import encode_json

SIZE_LIMIT = 2 * 1024 * 1024


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
def pages(step, deep, act):
    return {"step_size": step.to_html(), "depth": deep.to_html(), "activation": act.to_html()}


def embedded_spec(page):
    match = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    assert match, "no embedded JSON data"
    return json.loads(match.group(1))


# ---------------------------------------------------------------------- the explorer protocol
@pytest.mark.parametrize("make", [explore.step_size, explore.depth, explore.activation])
def test_params_and_defaults_are_consistent(make):
    ex = make()
    assert set(ex.params) == set(ex.defaults)
    for name, grid in ex.params.items():
        assert isinstance(grid, list) and grid
        assert ex.defaults[name] in grid
    data = ex.compute()
    assert isinstance(data, dict) and data
    for value in data.values():
        assert isinstance(value, (np.ndarray, float, int, str, bool))


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


# ---------------------------------------------------------------------- static HTML
def test_encode_json_rounds_to_4_significant_digits():
    assert encode_json(np.array([1.23456, 0.000123456, 1e-20, 123456.7, np.nan, np.inf])) == \
        "[1.235,0.0001235,1e-20,1.235e5,null,null]"
    assert encode_json({"a": (1, "x<y"), "b": True, "c": 2.0}) == '{"a":[1,"x<y"],"b":true,"c":2}'


@pytest.mark.parametrize("name", ["step_size", "depth", "activation"])
def test_to_html_is_self_contained(pages, name):
    page = pages[name]
    assert "<script src" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I)
    assert "@import" not in page and "<link" not in page.lower() and "<img" not in page.lower()
    assert len(page.encode()) < SIZE_LIMIT
    assert page.startswith('<div class="mlx" id="') and page.rstrip().endswith("</div>")


@pytest.mark.parametrize("name, make", [("step_size", explore.step_size), ("depth", explore.depth),
                                        ("activation", explore.activation)])
def test_to_html_contains_every_grid_point(pages, name, make):
    ex = make()
    spec = embedded_spec(pages[name])
    expected = list(ex.grid_points(static=True))
    assert len(spec["frames"]) == len(expected)
    names = list(ex.params)
    for c, n in zip(spec["controls"], names):
        assert c["name"] == n and len(c["values"]) == len(ex.params[n])
        assert c["labels"] == [ex.format_value(n, v) for v in ex.params[n]]
        assert c["client"] == (n in ex.client_side)
    # every frame decodes to compute's data (4 significant digits)
    for values in expected[:: max(1, len(expected) // 25)]:
        key = ",".join(str(ex.params[n].index(values[n])) for n in names if n not in ex.client_side)
        frame = {field: spec["pool"][i] for field, i in spec["frames"][key].items()}
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
    frame = {f: spec["pool"][i] for f, i in spec["frames"]["1,2,3,0,0"].items()}   # 2-D, lr 0.002, x0 and seed at defaults
    assert len(frame["loss"]) == 201


def test_several_fragments_get_unique_ids(step):
    ids = {re.match(r'<div class="mlx" id="([^"]+)"', step.to_html()).group(1) for _ in range(3)}
    assert len(ids) == 3


def test_static_returns_ipython_html(act):
    from IPython.display import HTML
    out = act.static()
    assert isinstance(out, HTML) and 'class="mlx"' in out.data


# ---------------------------------------------------------------------- widget
@pytest.mark.parametrize("make, control, new", [(explore.step_size, "lr", 0.7), (explore.step_size, "setting", "2-8-1 network"),
                                                (explore.depth, "depth", 3), (explore.depth, "init", "small"),
                                                (explore.activation, "activation", "relu")])
def test_widget_redraws_on_change(make, control, new):
    import ipywidgets as W
    box = make().widget()
    assert isinstance(box, W.VBox)
    assert isinstance(box.image, W.Image) and box.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    widget = box.controls[control]
    assert isinstance(widget, (W.SelectionSlider, W.Dropdown))
    before = bytes(box.image.value)
    widget.value = new                                   # fires the observer, as a moved control does
    assert bytes(box.image.value) != before


def test_widget_controls_mirror_the_grid():
    import ipywidgets as W
    ex = explore.depth()
    box = ex.widget()
    slider = box.controls["depth"]
    assert isinstance(slider, W.SelectionSlider) and slider.continuous_update
    assert [v for _, v in slider.options] == ex.params["depth"]
    assert box.controls["scale"].disabled                # xavier: the small-init scale does not apply
    box.controls["init"].value = "small"
    assert not box.controls["scale"].disabled


# ---------------------------------------------------------------------- the pattern in the package docstring
def test_the_docstring_example_explorer_works():
    source = explore.__doc__.split("an explorer of\nmomentum on the 1-D quadratic f(x) = 2x^2::")[1]
    source = source.split("Useful class attributes")[0]
    code = "\n".join(line[4:] for line in source.splitlines())
    namespace = {}
    exec(code, namespace)
    Momentum = namespace["Momentum"]
    ex = Momentum()
    assert issubclass(Momentum, Explorer)
    d = ex.compute(lr=0.3, momentum=0.9)
    assert d["x"].shape == (51,)
    with pytest.raises(ValueError, match="momentum"):
        ex.compute(momentum=0.8)
    spec = embedded_spec(ex.to_html())
    assert len(spec["frames"]) == 12
    box = ex.widget()
    before = bytes(box.image.value)
    box.controls["momentum"].value = 0.0
    assert bytes(box.image.value) != before


def test_a_bad_explorer_definition_fails_at_class_creation():
    with pytest.raises(TypeError, match="not on its grid"):
        class Bad(Explorer):
            params = {"a": [1, 2]}
            defaults = {"a": 3}

            def compute(self, *, a):
                return {}
