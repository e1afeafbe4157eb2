"""Tests of the optimizer-race explorer (mlcore.explore.optimizer_race): compute's known regimes, checked
against numbers derived independently (closed forms, linear stability, hand-written update rules),
the static form's size and frames, the live widget's data, and the draw function (in Node.js)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time

import numpy as np
import pytest

from mlcore import optim
from mlcore.descent import Quadratic
from mlcore.explore import _assets
from mlcore.explore.base import encode_json
from mlcore.explore.optimizer_race import (BASE_LR, BETA2_GRID, LR_MULT_GRID, MAX_NORM, MAX_STEPS, MOMENTUM_GRID,
                                           OPTIMIZERS, STEPS_GRID, SURFACES, _run, contours, optimizer_race)

QUAD, RB = SURFACES
SIZE_LIMIT = 2 * 1024 * 1024
NODE = shutil.which("node")
W0_QUAD = np.array([-6.0, -2.0])
W0_RB = np.array([-1.2, 1.0])


@pytest.fixture(scope="module")
def ex():
    return optimizer_race()


@pytest.fixture(scope="module")
def page(ex):
    return ex.to_html()


def embedded_spec(html):
    match = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def static_frame(spec, index):
    refs = spec["frames"][index]
    frame = {field: spec["pool"][i] for field, i in spec["const"].items()}
    frame.update({field: spec["pool"][i] for field, i in zip(spec["fields"], refs) if i >= 0})
    return frame


# ---------------------------------------------------------------------- shapes and protocol
def test_shapes_and_defaults(ex):
    d = ex.compute()
    assert d["surface"] == QUAD and list(d["optimizers"]) == OPTIMIZERS and d["max_steps"] == MAX_STEPS
    for k in OPTIMIZERS:
        path, gap = d[f"path_{k}"], d[f"gap_{k}"]
        assert path.shape[1] == 2 and gap.shape == (len(path),)
        assert len(path) == MAX_STEPS + 1 or d[f"diverged_{k}"] == len(path) - 1
        np.testing.assert_array_equal(path[0], W0_QUAD)
        assert d[f"lr_{k}"] == pytest.approx(BASE_LR[QUAD][k])
    assert ex.params["steps"][-1] == MAX_STEPS and ex.client_side == ("steps",)


@pytest.mark.parametrize("values, control", [({"lr_mult": 3.0}, "lr_mult"), ({"momentum": 0.0}, "momentum"),
                                             ({"beta2": 0.95}, "beta2"), ({"surface": "Himmelblau"}, "surface"),
                                             ({"steps": 1000}, "steps")])
def test_values_off_the_grid_name_their_control(ex, values, control):
    with pytest.raises(ValueError, match=control):
        ex.compute(**values)


def test_gap_is_f_of_the_path_minus_f_star(ex):
    for s in SURFACES:
        d = ex.compute(surface=s)
        f = Quadratic([0.1, 10.0], angle=30.0) if s == QUAD else None
        for k in OPTIMIZERS:
            path = d[f"path_{k}"]
            if s == QUAD:
                expected = f(path)
            else:
                x, y = path[:, 0], path[:, 1]
                expected = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2      # Rosenbrock by hand, f* = 0 at (1, 1)
            np.testing.assert_allclose(d[f"gap_{k}"], expected, rtol=1e-12, atol=1e-300)


def test_runs_depend_only_on_their_own_hyperparameters(ex):
    """SGD and AdaGrad ignore mu and beta2; momentum and Nesterov ignore beta2; RMSProp and Adam ignore mu."""
    a = ex.compute(momentum=0.5, beta2=0.9)
    b = ex.compute(momentum=0.99, beta2=0.999)
    c = ex.compute(momentum=0.5, beta2=0.999)
    for k in ("sgd", "adagrad"):
        assert a[f"path_{k}"] is b[f"path_{k}"]                          # one cached run, stored once
    for k in ("momentum", "nesterov"):
        assert a[f"path_{k}"] is c[f"path_{k}"] and not np.array_equal(a[f"gap_{k}"], b[f"gap_{k}"])
    for k in ("rmsprop", "adam"):
        assert b[f"path_{k}"] is c[f"path_{k}"] and not np.array_equal(a[f"gap_{k}"], b[f"gap_{k}"])


def test_cached_equals_uncached_and_is_read_only(ex):
    values = dict(surface=RB, lr_mult=2.0, momentum=0.95, beta2=0.9)
    cached, fresh = ex.compute(**values), ex.compute_uncached(**values)
    for k in OPTIMIZERS:
        np.testing.assert_array_equal(cached[f"path_{k}"], fresh[f"path_{k}"])
        with pytest.raises(ValueError):
            cached[f"path_{k}"][0, 0] = 1.0


# ---------------------------------------------------------------------- known regimes, derived independently
def test_sgd_on_the_quadratic_follows_the_closed_form(ex):
    """Plain gradient descent: w_t = Q diag((1 - eta lambda_i)^t) Q^T w_0 (mlcore.descent.Quadratic.iterate)."""
    q = Quadratic([0.1, 10.0], angle=30.0)
    for mult in (0.2, 1.0, 2.0):
        d = ex.compute(lr_mult=mult)
        lr = 0.09 * mult
        for t in (1, 7, 50, MAX_STEPS):
            np.testing.assert_allclose(d["path_sgd"][t], q.iterate(W0_QUAD, lr, t), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mult, diverges", [(0.2, False), (0.5, False), (1.0, False), (2.0, False), (5.0, True)])
def test_sgd_diverges_exactly_above_2_over_lambda_max(ex, mult, diverges):
    """eta lambda_max = 0.9 x mult: below 2 it converges, above 2 (x5: 4.5) the steep direction grows by 3.5 per step."""
    d = ex.compute(lr_mult=mult)
    assert (d["diverged_sgd"] >= 0) == diverges
    if diverges:
        # |1 - 4.5| = 3.5 per step from the steep component c2 of w0: the norm passes 100 at the first t with
        # |c2| 3.5^t > 100 (the shallow component hardly moves)
        c2 = abs(np.array([-np.sin(np.pi / 6), np.cos(np.pi / 6)]) @ W0_QUAD)
        t = int(np.ceil(np.log(MAX_NORM / c2) / np.log(3.5)))
        assert d["diverged_sgd"] in (t - 1, t, t + 1)


def _spectral_radius(lr, lam, mu, nesterov):
    """Heavy ball / Nesterov (mlcore's torch form) on one eigen-direction f = lam x^2 / 2, state (x, b):
    b' = mu b + lam x; x' = x - lr b'  (heavy ball),  x' = x - lr (lam x + mu b')  (Nesterov)."""
    if nesterov:
        m = np.array([[1 - lr * lam * (1 + mu), -lr * mu * mu], [lam, mu]])
    else:
        m = np.array([[1 - lr * lam, -lr * mu], [lam, mu]])
    return max(abs(np.linalg.eigvals(m)))


@pytest.mark.parametrize("key", ["momentum", "nesterov"])
def test_momentum_divergence_matches_linear_stability(ex, key):
    """On the quadratic a run diverges exactly when its 2x2 iteration matrix has spectral radius > 1 for
    lambda = 10 (thresholds eta lambda < 2(1 + mu) for heavy ball and < (2 + 2 mu)/(1 + 2 mu) for Nesterov)."""
    checked = 0
    for mult in LR_MULT_GRID:
        for mu in MOMENTUM_GRID:
            lr = 0.09 * mult
            rho = max(_spectral_radius(lr, lam, mu, key == "nesterov") for lam in (0.1, 10.0))
            if 1.0 <= rho < 1.03:              # growing too slowly to pass MAX_NORM within 300 steps
                continue
            d = ex.compute(lr_mult=mult, momentum=mu)
            assert (d[f"diverged_{key}"] >= 0) == (rho > 1), (mult, mu, rho)
            checked += 1
    assert checked >= 22
    # the striking case at the default mu = 0.9: x2 (eta lambda = 1.8) keeps heavy ball stable (< 3.8)
    # but not Nesterov (> 3.8 / 2.8 = 1.357)
    d = ex.compute(lr_mult=2.0, momentum=0.9)
    assert d["diverged_momentum"] == -1 and d["diverged_nesterov"] >= 0


def test_momentum_beats_sgd_on_the_ill_conditioned_quadratic(ex):
    """At the same eta, mu = 0.9: SGD's shallow direction shrinks by 1 - 0.009 per step, momentum's much faster."""
    d = ex.compute(momentum=0.9)
    q = Quadratic([0.1, 10.0], angle=30.0)
    c1 = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)]) @ W0_QUAD
    sgd_gap = 0.5 * 0.1 * (c1 * (1 - 0.009) ** MAX_STEPS) ** 2          # the steep part is gone by then
    assert d["gap_sgd"][-1] == pytest.approx(sgd_gap, rel=1e-6)
    assert d["gap_sgd"][-1] == pytest.approx(q(q.iterate(W0_QUAD, 0.09, MAX_STEPS)), rel=1e-9)
    assert d["gap_momentum"][-1] < 1e-6 * d["gap_sgd"][-1] and d["gap_nesterov"][-1] < 1e-6 * d["gap_sgd"][-1]


@pytest.mark.parametrize("surface_name", SURFACES)
def test_first_steps_of_the_adaptive_methods(ex, surface_name):
    """After one step from w0 (eps negligible): AdaGrad and Adam move every coordinate by eta sign(-g)
    (AdaGrad: g / sqrt(g^2); Adam: bias correction makes m / sqrt(v) = g / |g|), RMSProp by
    eta / sqrt(1 - rho) (no bias correction: v = (1 - rho) g^2)."""
    w0 = W0_QUAD if surface_name == QUAD else W0_RB
    for beta2 in BETA2_GRID:
        d = ex.compute(surface=surface_name, beta2=beta2)
        step_sign = np.sign(d["path_sgd"][1] - d["path_sgd"][0])        # SGD's first step is -eta g: sign(-g)
        for k, scale in (("adagrad", 1.0), ("adam", 1.0), ("rmsprop", 1 / np.sqrt(1 - beta2))):
            step = d[f"path_{k}"][1] - w0
            np.testing.assert_allclose(step, d[f"lr_{k}"] * scale * step_sign, rtol=1e-6)


def test_adam_path_equals_a_hand_written_adam(ex):
    """Adam written out from Kingma & Ba (with torch's eps placement), run on the Rosenbrock gradient by hand."""
    for beta2 in BETA2_GRID:
        d = ex.compute(surface=RB, beta2=beta2)
        lr, b1, eps = d["lr_adam"], 0.9, 1e-8
        w, m, v = W0_RB.copy(), np.zeros(2), np.zeros(2)
        for t in range(1, MAX_STEPS + 1):
            x, y = w
            g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
            m = b1 * m + (1 - b1) * g
            v = beta2 * v + (1 - beta2) * g * g
            w = w - lr / (1 - b1 ** t) * m / (np.sqrt(v) / np.sqrt(1 - beta2 ** t) + eps)
            if t in (1, 10, 100, MAX_STEPS):
                np.testing.assert_allclose(d["path_adam"][t], w, rtol=1e-8, atol=1e-10)


def test_heavy_ball_path_equals_the_recurrence(ex):
    """Momentum in mlcore's (torch's) convention: b = mu b + g, w -= eta b; Nesterov: w -= eta (g + mu b)."""
    q = Quadratic([0.1, 10.0], angle=30.0)
    for mu in (0.5, 0.95):
        d = ex.compute(momentum=mu, lr_mult=0.5)
        lr = d["lr_momentum"]
        for key, nesterov in (("momentum", False), ("nesterov", True)):
            w, b = W0_QUAD.copy(), np.zeros(2)
            for t in range(1, 101):
                g = q.H @ w
                b = mu * b + g
                w = w - lr * (g + mu * b if nesterov else b)
                np.testing.assert_allclose(d[f"path_{key}"][t], w, rtol=1e-9, atol=1e-12)


def test_rosenbrock_defaults_momentum_and_adam_lead_sgd(ex):
    """Along the curved valley SGD crawls; momentum and Adam get closer to (1, 1) in 300 steps."""
    d = ex.compute(surface=RB)
    assert all(d[f"diverged_{k}"] == -1 for k in OPTIMIZERS)
    assert d["gap_sgd"][-1] > 1.0
    assert d["gap_momentum"][-1] < 1e-2 and d["gap_adam"][-1] < 0.1
    assert np.linalg.norm(d["path_momentum"][-1] - [1.0, 1.0]) < 0.1


def test_diverged_runs_stop_outside_max_norm(ex):
    d = ex.compute(surface=RB, lr_mult=5.0)
    for k in ("sgd", "momentum", "nesterov"):
        at = d[f"diverged_{k}"]
        assert at >= 0 and len(d[f"path_{k}"]) == at + 1
        last = d[f"path_{k}"][-1]
        assert not np.all(np.isfinite(last)) or np.linalg.norm(last) > MAX_NORM


def test_contours_are_level_sets(ex):
    q = Quadratic([0.1, 10.0], angle=30.0)
    for s in SURFACES:
        lines, levels = contours(s)
        assert len(lines) == len(levels) >= 8
        for line, level in zip(lines, levels):
            if s == QUAD:
                vals = q(line)
            else:
                vals = (1 - line[:, 0]) ** 2 + 100 * (line[:, 1] - line[:, 0] ** 2) ** 2
            # rounded to 3 decimals and simplified: within a few percent of the level (relative to the gradient)
            assert np.median(np.abs(vals / level - 1)) < 0.1, (s, level)


# ---------------------------------------------------------------------- speed (printed, not asserted)
def test_compute_timings_are_printed(ex, capsys):
    """compute_uncached at every grid point from empty caches (grid order: shared runs are reused)."""
    ex.clear_cache()
    times = []
    for values in ex.grid_points():
        start = time.perf_counter()
        ex.compute_uncached(**values)
        times.append(time.perf_counter() - start)
    cold = []
    for values in list(ex.grid_points(static=True))[::15]:
        ex.clear_cache()
        start = time.perf_counter()
        ex.compute_uncached(**values)
        cold.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\noptimizer_race compute, first visit: median {1000 * np.median(times):.2f} ms, "
              f"max {1000 * max(times):.1f} ms over {len(times)} points; cold (all caches cleared): "
              f"median {1000 * np.median(cold):.1f} ms, max {1000 * max(cold):.1f} ms")


# ---------------------------------------------------------------------- static form and widget
def test_static_form_is_small_and_self_contained(page):
    assert len(page.encode()) < SIZE_LIMIT
    assert "<script src" not in page.lower() and not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert "function draw(ctx)" in page and "mlxStatic(" in page


def test_static_frames_are_compute(ex, page):
    spec = embedded_spec(page)
    frames = list(ex.grid_points(static=True))
    assert len(frames) == len(SURFACES) * len(LR_MULT_GRID) * len(MOMENTUM_GRID) * len(BETA2_GRID)
    assert len([f for f in spec["frames"] if f]) == len(frames)
    assert {"contours", "optimizers", "names", "max_steps"} <= set(spec["const"]) | set(spec["fields"])
    for values in frames[::7]:
        frame = static_frame(spec, ex.frame_index(**values))
        assert frame == json.loads(encode_json(ex.compute(**values)))


def test_widget_sends_compute_json():
    import anywidget
    ex = optimizer_race()
    w = ex.widget()
    assert isinstance(w, anywidget.AnyWidget) and w.error == ""
    assert w.data == ex.frame_json()[1]
    before = w.data
    w.values = {**w.values, "surface": SURFACES.index(RB)}
    assert w.data != before and w.error == ""
    assert json.loads(w.data) == json.loads(encode_json(ex.compute(**ex.frame_values(**w.current()))))
    w.set(beta2=0.9)
    assert json.loads(w.data) == json.loads(encode_json(ex.compute(surface=RB, beta2=0.9)))
    key = w.key
    w.set(steps=STEPS_GRID[0])                     # client-side: the same frame
    assert w.key == key and w.current()["steps"] == STEPS_GRID[0]


def _contrast(hex_colour):
    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_text_colours_have_contrast(ex):
    source = _assets.draw_source(type(ex))
    colours = set(re.findall(r"#[0-9a-fA-F]{6}\b", source))
    style = re.search(r"var STYLE = \{(.*?)\};", source, re.S).group(1)
    assert len(set(re.findall(r"#[0-9a-fA-F]{6}", style))) == len(OPTIMIZERS)     # one colour per optimizer
    text_colours = colours - {"#c4c4c4"}                                           # contour lines only, no text
    for c in text_colours:
        assert _contrast(c) >= 4.5, c
    assert "K.describe(" in source


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_draw_runs_in_node_on_sampled_frames(ex, tmp_path):
    spec = ex.spec()
    cases = []
    points = list(ex.grid_points())
    for values in points[:: max(1, len(points) // 30)] + [dict(ex.defaults, surface=RB, lr_mult=5.0, steps=10)]:
        cases.append({"data": json.loads(ex.frame_json(**values)[1]), "values": values, "index": ex.indices(**values)})
    payload = {"kit": _assets.read("kit.js"), "draw": _assets.draw_source(type(ex)), "cases": cases,
               "width": spec["width"], "height": spec["height"]}
    script = tmp_path / "draw.js"
    script.write_text(r"""
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
eval(input.kit);
const draw = eval("(function () {" + input.draw + "\nreturn draw;})()");
process.stdout.write(JSON.stringify(input.cases.map(c => {
  const K = makeKit("u", input.width, input.height);
  draw({data: c.data, values: c.values, index: c.index, K: K, W: input.width, H: input.height, grid: n => null});
  return {svg: K.flush(), description: K.description()};
})));
""")
    out = subprocess.run([NODE, str(script)], input=json.dumps(payload), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)
    assert len(results) == len(cases)
    for r, c in zip(results, cases):
        assert r["svg"].count("<path") >= 12 and "NaN" not in r["svg"] and "undefined" not in r["svg"]
        assert "SGD" in r["description"] and str(c["values"]["steps"]) + " steps" in r["description"]
    assert "diverged at step" in results[-1]["description"]
    subprocess.run([NODE, "--check", str(_assets.draw_path(type(ex)))], check=True, capture_output=True)
