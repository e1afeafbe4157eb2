"""Optimisers: torch.optim's update rules, checked step by step against hand computations.

Every test starts from p = [1.0, -2.0] and feeds the same three gradients. The
expected values are computed coordinate by coordinate with plain Python floats
from the equations written in each test (torch.optim's documented algorithms).
"""

import math

import numpy as np
import pytest

from mlcore import optim

P0 = [1.0, -2.0]
GRADS = [[0.5, -1.0], [0.1, 0.3], [-0.4, 0.2]]


def run(make_optimizer, dtype=np.float64, grads=GRADS):
    """Take len(grads) steps; return the parameter after each step (and the optimiser)."""
    p = np.array(P0, dtype=dtype)
    opt = make_optimizer([p])
    history = []
    for g in grads:
        opt.step([np.array(g, dtype=dtype)])
        history.append(p.copy())
    return np.array(history), opt, p


def by_hand(update):
    """Apply a scalar update rule update(i, p, g, state, t) to each coordinate for every step."""
    out = []
    p = list(P0)
    states = [dict() for _ in P0]
    for t, g in enumerate(GRADS, start=1):
        p = [update(p[i], g[i], states[i], t) for i in range(len(p))]
        out.append(list(p))
    return np.array(out)


# ---------------------------------------------------------------------------------------------
# SGD
# ---------------------------------------------------------------------------------------------
def test_sgd_worked_first_step():
    steps, _, _ = run(lambda ps: optim.SGD(ps, lr=0.1))
    # p - lr g = [1 - 0.1 * 0.5, -2 - 0.1 * (-1)] = [0.95, -1.9]
    np.testing.assert_allclose(steps[0], [0.95, -1.9], rtol=1e-15)


def test_sgd_plain():
    def rule(p, g, s, t):
        return p - 0.1 * g
    np.testing.assert_allclose(run(lambda ps: optim.SGD(ps, lr=0.1))[0], by_hand(rule), rtol=1e-14)


def test_sgd_momentum():
    # torch: b_1 = g_1; b_t = mu b_{t-1} + g_t; p -= lr b_t
    def rule(p, g, s, t):
        s["b"] = g if t == 1 else 0.9 * s["b"] + g
        return p - 0.1 * s["b"]
    steps, _, _ = run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)
    # step 2, coordinate 0, by hand: b = 0.9 * 0.5 + 0.1 = 0.55; p = 0.95 - 0.055 = 0.895
    assert steps[1, 0] == pytest.approx(0.895, rel=1e-14)


def test_sgd_nesterov():
    # torch: b as above; the step uses g + mu b
    def rule(p, g, s, t):
        s["b"] = g if t == 1 else 0.9 * s["b"] + g
        return p - 0.1 * (g + 0.9 * s["b"])
    steps, _, _ = run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)


def test_sgd_weight_decay():
    # g <- g + wd p before anything else
    def rule(p, g, s, t):
        return p - 0.1 * (g + 0.01 * p)
    steps, _, _ = run(lambda ps: optim.SGD(ps, lr=0.1, weight_decay=0.01))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)


def test_sgd_momentum_dampening_and_weight_decay():
    # torch: b_1 = g_1 (no dampening on the first step); b_t = mu b_{t-1} + (1 - dampening) g_t
    def rule(p, g, s, t):
        g = g + 0.05 * p
        s["b"] = g if t == 1 else 0.8 * s["b"] + (1 - 0.5) * g
        return p - 0.2 * s["b"]
    steps, _, _ = run(lambda ps: optim.SGD(ps, lr=0.2, momentum=0.8, dampening=0.5, weight_decay=0.05))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)


def test_sgd_does_not_modify_the_callers_gradient():
    p = np.array(P0)
    g = np.array([0.5, -1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    opt.step([g])
    opt.step([g])
    np.testing.assert_array_equal(g, [0.5, -1.0])


# ---------------------------------------------------------------------------------------------
# Adagrad
# ---------------------------------------------------------------------------------------------
def test_adagrad():
    # s += g^2; p -= lr g / (sqrt(s) + eps)
    def rule(p, g, s, t):
        s["sum"] = s.get("sum", 0.0) + g * g
        return p - 0.1 * g / (math.sqrt(s["sum"]) + 1e-10)
    steps, _, _ = run(lambda ps: optim.Adagrad(ps, lr=0.1))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)
    # the first step moves every coordinate by exactly lr (g / |g|)
    np.testing.assert_allclose(steps[0], [0.9, -1.9], rtol=1e-9)


def test_adagrad_lr_decay_weight_decay_and_initial_accumulator():
    # lr_t = lr / (1 + (t - 1) lr_decay)
    def rule(p, g, s, t):
        g = g + 0.1 * p
        s["sum"] = s.get("sum", 0.5) + g * g
        return p - 0.1 / (1 + (t - 1) * 0.3) * g / (math.sqrt(s["sum"]) + 1e-10)
    steps, _, _ = run(lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.3, weight_decay=0.1,
                                               initial_accumulator_value=0.5))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)


# ---------------------------------------------------------------------------------------------
# RMSprop
# ---------------------------------------------------------------------------------------------
def test_rmsprop_plain():
    # v = alpha v + (1 - alpha) g^2; p -= lr g / (sqrt(v) + eps)
    def rule(p, g, s, t):
        s["v"] = 0.9 * s.get("v", 0.0) + 0.1 * g * g
        return p - 0.01 * g / (math.sqrt(s["v"]) + 1e-8)
    steps, _, _ = run(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)
    # step 1 by hand: v = 0.1 * 0.25 = 0.025; p = 1 - 0.01 * 0.5 / (sqrt(0.025) + 1e-8) = 0.968377...
    assert steps[0, 0] == pytest.approx(1 - 0.01 * 0.5 / (math.sqrt(0.025) + 1e-8), rel=1e-14)
    assert steps[0, 0] == pytest.approx(0.9683772, abs=1e-7)


def test_rmsprop_centered():
    # m = alpha m + (1 - alpha) g; the denominator is sqrt(v - m^2) + eps
    def rule(p, g, s, t):
        s["v"] = 0.9 * s.get("v", 0.0) + 0.1 * g * g
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        return p - 0.01 * g / (math.sqrt(s["v"] - s["m"] ** 2) + 1e-8)
    steps, _, _ = run(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9, centered=True))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-13)


def test_rmsprop_momentum():
    # b = mu b + g / (sqrt(v) + eps); p -= lr b
    def rule(p, g, s, t):
        s["v"] = 0.9 * s.get("v", 0.0) + 0.1 * g * g
        s["b"] = 0.5 * s.get("b", 0.0) + g / (math.sqrt(s["v"]) + 1e-8)
        return p - 0.01 * s["b"]
    steps, _, _ = run(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9, momentum=0.5))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-14)


def test_rmsprop_centered_momentum_weight_decay():
    def rule(p, g, s, t):
        g = g + 0.1 * p
        s["v"] = 0.95 * s.get("v", 0.0) + 0.05 * g * g
        s["m"] = 0.95 * s.get("m", 0.0) + 0.05 * g
        s["b"] = 0.3 * s.get("b", 0.0) + g / (math.sqrt(s["v"] - s["m"] ** 2) + 1e-8)
        return p - 0.02 * s["b"]
    steps, _, _ = run(lambda ps: optim.RMSprop(ps, lr=0.02, alpha=0.95, centered=True, momentum=0.3,
                                               weight_decay=0.1))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# Adam
# ---------------------------------------------------------------------------------------------
def test_adam_with_bias_correction():
    # m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; m_hat = m / (1 - b1^t); v_hat = v / (1 - b2^t)
    # p -= lr m_hat / (sqrt(v_hat) + eps)     (torch puts eps after dividing sqrt(v) by sqrt(1 - b2^t))
    def rule(p, g, s, t):
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        s["v"] = 0.999 * s.get("v", 0.0) + 0.001 * g * g
        m_hat = s["m"] / (1 - 0.9 ** t)
        v_hat = s["v"] / (1 - 0.999 ** t)
        return p - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    steps, _, _ = run(lambda ps: optim.Adam(ps, lr=0.1))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-12)
    # the first bias-corrected step is lr * g / |g|: each coordinate moves by lr
    np.testing.assert_allclose(steps[0], [0.9, -1.9], rtol=1e-7)


def test_adam_amsgrad_and_weight_decay():
    # amsgrad keeps v_max = max(v_max, v) and uses it in the denominator
    def rule(p, g, s, t):
        g = g + 0.01 * p
        s["m"] = 0.8 * s.get("m", 0.0) + 0.2 * g
        s["v"] = 0.9 * s.get("v", 0.0) + 0.1 * g * g
        s["vmax"] = max(s.get("vmax", 0.0), s["v"])
        return p - 0.05 / (1 - 0.8 ** t) * s["m"] / (math.sqrt(s["vmax"]) / math.sqrt(1 - 0.9 ** t) + 1e-8)
    steps, opt, _ = run(lambda ps: optim.Adam(ps, lr=0.05, betas=(0.8, 0.9), amsgrad=True, weight_decay=0.01))
    np.testing.assert_allclose(steps, by_hand(rule), rtol=1e-12)
    # with these gradients v shrinks for coordinate 1 at step 3, so v_max differs from v there
    assert opt.v_max[0][1] > opt.v[0][1]


# ---------------------------------------------------------------------------------------------
# Defaults, in-place updates, dtypes
# ---------------------------------------------------------------------------------------------
def test_torch_defaults():
    p = [np.zeros(2)]
    adam = optim.Adam(p)
    assert (adam.lr, adam.betas, adam.eps, adam.weight_decay, adam.amsgrad) == (1e-3, (0.9, 0.999), 1e-8, 0.0, False)
    adagrad = optim.Adagrad(p)
    assert (adagrad.lr, adagrad.eps, adagrad.lr_decay, adagrad.weight_decay) == (1e-2, 1e-10, 0.0, 0.0)
    np.testing.assert_array_equal(adagrad.sums[0], 0.0)
    rms = optim.RMSprop(p)
    assert (rms.lr, rms.alpha, rms.eps, rms.momentum, rms.centered, rms.weight_decay) == \
        (1e-2, 0.99, 1e-8, 0.0, False, 0.0)
    sgd = optim.SGD(p, lr=0.1)
    assert (sgd.momentum, sgd.dampening, sgd.nesterov, sgd.weight_decay) == (0.0, 0.0, False, 0.0)


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: optim.Adagrad(ps),
    lambda ps: optim.RMSprop(ps, centered=True, momentum=0.5),
    lambda ps: optim.Adam(ps, amsgrad=True),
], ids=["SGD", "Adagrad", "RMSprop", "Adam"])
def test_update_is_in_place_and_counts_steps(make):
    W = np.ones((2, 3))
    b = np.zeros(2)
    opt = make([W, b])
    W_id, b_id = id(W), id(b)
    opt.step([np.full((2, 3), 0.5), np.full(2, -0.5)])
    opt.step([np.full((2, 3), 0.5), np.full(2, -0.5)])
    assert id(opt.params[0]) == W_id and id(opt.params[1]) == b_id
    assert opt.params[0] is W and opt.params[1] is b
    assert np.all(W < 1) and np.all(b > 0)          # moved against the gradient
    assert opt.t == 2


@pytest.mark.parametrize("make, state_names", [
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), ["buffers"]),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), ["buffers"]),
    (lambda ps: optim.Adagrad(ps, lr_decay=0.1, weight_decay=0.1), ["sums"]),
    (lambda ps: optim.RMSprop(ps, centered=True, momentum=0.5, weight_decay=0.1),
     ["square_avg", "grad_avg", "buffers"]),
    (lambda ps: optim.Adam(ps, amsgrad=True, weight_decay=0.1), ["m", "v", "v_max"]),
], ids=["SGD", "SGD-nesterov", "Adagrad", "RMSprop", "Adam"])
def test_float32_stays_float32_including_state(make, state_names):
    steps32, opt32, p32 = run(make, dtype=np.float32)
    steps64, _, _ = run(make, dtype=np.float64)
    assert p32.dtype == np.float32 and steps32.dtype == np.float32
    for name in state_names:
        for array in getattr(opt32, name):
            assert array.dtype == np.float32, name
    np.testing.assert_allclose(steps32, steps64, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make, state_names", [
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), ["buffers"]),
    (lambda ps: optim.Adagrad(ps), ["sums"]),
    (lambda ps: optim.RMSprop(ps, centered=True, momentum=0.5), ["square_avg", "grad_avg", "buffers"]),
    (lambda ps: optim.Adam(ps, amsgrad=True), ["m", "v", "v_max"]),
], ids=["SGD", "Adagrad", "RMSprop", "Adam"])
def test_float64_gradients_are_cast_to_a_float32_parameter(make, state_names):
    p = np.array(P0, dtype=np.float32)
    opt = make([p])
    for g in GRADS:
        opt.step([np.array(g, dtype=np.float64)])     # float64 gradients, e.g. from a hand computation
    assert p.dtype == np.float32
    for name in state_names:
        assert all(a.dtype == np.float32 for a in getattr(opt, name)), name


# ---------------------------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------------------------
def test_inverse_time_decay_is_the_lectures_one_over_r():
    opt = optim.SGD([np.zeros(1)], lr=1.0)
    schedule = optim.InverseTimeDecay(opt, decay=1.0)
    rates = [opt.lr]                 # the rate of epoch r = 1
    for _ in range(5):
        rates.append(schedule.step())
    np.testing.assert_allclose(rates, [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6], rtol=1e-15)  # rho_r = 1/r
    assert opt.lr == pytest.approx(1 / 6)
    assert schedule.lr_at(9) == pytest.approx(1 / 10)


def test_inverse_time_decay_general():
    opt = optim.SGD([np.zeros(1)], lr=0.5)
    schedule = optim.InverseTimeDecay(opt, decay=0.25)
    assert [schedule.lr_at(r) for r in range(4)] == pytest.approx([0.5 / (1 + 0.25 * r) for r in range(4)])


def test_step_decay_values():
    opt = optim.SGD([np.zeros(1)], lr=0.1)
    schedule = optim.StepDecay(opt, step_size=3, gamma=0.5)
    rates = [schedule.step() for _ in range(7)]    # r = 1 .. 7
    np.testing.assert_allclose(rates, [0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025], rtol=1e-15)
    assert schedule.lr_at(0) == 0.1


def test_exponential_decay_values():
    opt = optim.Adam([np.zeros(1)], lr=0.2)
    schedule = optim.ExponentialDecay(opt, gamma=0.9)
    rates = [schedule.step() for _ in range(3)]
    np.testing.assert_allclose(rates, [0.2 * 0.9, 0.2 * 0.81, 0.2 * 0.729], rtol=1e-14)
    assert opt.lr == pytest.approx(0.1458)


def test_the_optimizer_uses_the_scheduled_rate():
    p = np.array([0.0])
    opt = optim.SGD([p], lr=1.0)
    schedule = optim.InverseTimeDecay(opt, decay=1.0)
    for _ in range(3):                 # steps of size 1, 1/2, 1/3 with gradient 1
        opt.step([np.array([1.0])])
        schedule.step()
    assert p[0] == pytest.approx(-(1 + 1 / 2 + 1 / 3))
