"""Forward and reverse mode: Jacobians from JVPs and VJPs, pass counts, arithmetic and memory."""

import time

import numpy as np
import pytest

from mlcore import MLP
from mlcore.autodiff_cost import (CallCounter, cached_floats, jacfwd, jacrev, multiply_adds, passes,
                                  stored_floats, time_best, time_jacobian_modes)

from _reference import rel_error


def numerical_jacobian(f, x, h=1e-5):
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(cols, axis=1)


# ---------------------------------------------------------------------------------------------
# jacfwd / jacrev
# ---------------------------------------------------------------------------------------------
def test_linear_map_by_hand():
    # f(x) = A x: every JVP is A v and every VJP is u^T A, so both give A exactly.
    A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    jvp = CallCounter(lambda v: A @ v)
    vjp = CallCounter(lambda u: u @ A)
    np.testing.assert_array_equal(jacfwd(jvp, 3), A)
    np.testing.assert_array_equal(jacrev(vjp, 2), A)
    assert (jvp.calls, vjp.calls) == (3, 2)          # one JVP per input, one VJP per output


@pytest.mark.parametrize("sizes, activation", [
    ([4, 8, 6, 4, 2], "tanh"),
    ([3, 5, 1], "sigmoid"),
    ([1, 7, 6], "elu"),
    ([6, 3, 3, 9], "leaky_relu"),
])
def test_both_modes_agree_with_mlp_jacobian_and_finite_differences(sizes, activation):
    rng = np.random.default_rng(1)
    net = MLP(sizes, activation, rng=rng)
    for lin in net.linears:
        lin.b[...] = rng.normal(size=lin.b.shape)
    x = rng.normal(size=sizes[0])
    jvp = CallCounter(lambda v: net.jvp(x, v))
    vjp = CallCounter(lambda u: net.vjp(x, u))
    J_fwd, J_rev = jacfwd(jvp, sizes[0]), jacrev(vjp, sizes[-1])
    assert J_fwd.shape == J_rev.shape == (sizes[-1], sizes[0])
    assert (jvp.calls, vjp.calls) == (passes(sizes, "forward"), passes(sizes, "reverse"))
    assert rel_error(J_fwd, J_rev) < 1e-12
    assert rel_error(J_fwd, net.jacobian(x, mode="forward")) < 1e-12
    assert rel_error(J_rev, net.jacobian(x, mode="reverse")) < 1e-12
    assert rel_error(J_fwd, numerical_jacobian(lambda v: net.forward(v), x)) < 1e-7


def test_jacfwd_refuses_columns_of_different_lengths():
    with pytest.raises(ValueError, match="jvp\\(e_1\\) must have 2 entries"):
        jacfwd(lambda v: np.ones(2) if v[0] == 1 else np.ones(3), 2)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_pass_counts_must_be_positive_integers(bad):
    with pytest.raises(ValueError, match="must be a positive integer"):
        jacfwd(lambda v: v, bad)
    with pytest.raises(ValueError, match="must be a positive integer"):
        jacrev(lambda u: u, bad)


def test_call_counter_needs_a_callable():
    with pytest.raises(ValueError, match="fn must be callable"):
        CallCounter(3)


# ---------------------------------------------------------------------------------------------
# counts
# ---------------------------------------------------------------------------------------------
def test_pass_counts_of_the_lecture_network():
    # lecture (a): D = 4 inputs, M = 2 outputs -> 4 JVPs (one per input) or 2 VJPs (one per output)
    assert passes([4, 8, 6, 4, 2], "forward") == 4
    assert passes([4, 8, 6, 4, 2], "reverse") == 2


def test_multiply_adds_by_hand():
    # dense: 4*8 + 8*6 + 6*4 + 4*2 = 112; activations: 8 + 6 + 4 = 18; per pass 130
    assert multiply_adds([4, 8, 6, 4, 2], "forward") == 4 * 130
    assert multiply_adds([4, 8, 6, 4, 2], "reverse") == 2 * 130
    assert multiply_adds([4, 8, 6, 4, 2], "reverse", output_activation=True) == 2 * 132


@pytest.mark.parametrize("sizes", [[2, 3], [5, 4, 3], [9, 1, 9, 1]])
def test_ratio_of_modes_is_inputs_over_outputs(sizes):
    ratio = multiply_adds(sizes, "forward") / multiply_adds(sizes, "reverse")
    assert ratio == pytest.approx(sizes[0] / sizes[-1])


@pytest.mark.parametrize("bad_mode", ["fwd", "backward", None])
def test_unknown_mode(bad_mode):
    with pytest.raises(ValueError, match="unknown mode"):
        passes([2, 3], bad_mode)


@pytest.mark.parametrize("bad_sizes, message", [([3], "at least an input"), (5, "list of layer widths"),
                                                ([3, 0], "positive integer")])
def test_bad_sizes(bad_sizes, message):
    with pytest.raises(ValueError, match=message):
        multiply_adds(bad_sizes, "forward")


# ---------------------------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------------------------
def test_stored_floats_by_hand():
    # inputs of the four dense layers 4 + 8 + 6 + 4 = 22, pre-activations 8 + 6 + 4 = 18
    assert stored_floats([4, 8, 6, 4, 2]) == 40
    assert stored_floats([4, 8, 6, 4, 2], batch=32) == 32 * 40
    assert stored_floats([4, 8, 6, 4, 2], output_activation=True) == 42


@pytest.mark.parametrize("sizes, output, batch", [
    ([4, 8, 6, 4, 2], None, 1), ([4, 8, 6, 4, 2], None, 16), ([3, 10, 1], "sigmoid", 5), ([7, 2], None, 3),
])
def test_cached_floats_match_the_formula(sizes, output, batch):
    net = MLP(sizes, "tanh", output=output, rng=0)
    assert cached_floats(net) == 0                      # nothing stored before a forward pass
    net.forward(np.random.default_rng(0).normal(size=(batch, sizes[0])))
    assert cached_floats(net) == stored_floats(sizes, batch, output_activation=output is not None)


def test_jvp_and_vjp_leave_the_cache_of_the_last_forward_alone():
    net = MLP([4, 8, 6, 4, 2], "tanh", rng=0)
    net.forward(np.zeros((3, 4)))
    net.jvp(np.ones(4), np.ones(4))
    net.vjp(np.ones(4), np.ones(2))
    assert cached_floats(net) == stored_floats([4, 8, 6, 4, 2], 3)


def test_cached_floats_counts_dropout_masks():
    net = MLP([3, 5, 2], "relu", rng=0, dropout=0.5)
    net.forward(np.ones((4, 3)))
    assert cached_floats(net) == stored_floats([3, 5, 2], 4) + 4 * 5


def test_cached_floats_needs_a_network():
    with pytest.raises(ValueError, match="must be an mlcore.MLP"):
        cached_floats(object())


# ---------------------------------------------------------------------------------------------
# timing (only that it runs and returns sensible values; never its speed)
# ---------------------------------------------------------------------------------------------
def test_time_best_counts_calls_and_returns_seconds():
    counter = CallCounter(lambda: None)
    t = time_best(counter, repeat=3, number=2)
    assert counter.calls == 6 and t >= 0.0


def test_time_jacobian_modes_returns_both_modes():
    net = MLP([3, 4, 2], "tanh", rng=0)
    t = time_jacobian_modes(net, np.ones(3), repeat=1)
    assert set(t) == {"forward", "reverse"} and all(v >= 0.0 for v in t.values())
    with pytest.raises(ValueError, match="x must have shape"):
        time_jacobian_modes(net, np.ones(4))


def test_time_best_uses_the_given_clock():
    ticks = iter(range(100))
    fake_clock = lambda: float(next(ticks))          # every reading is one "second" after the last
    assert time_best(lambda: None, repeat=3, timer=fake_clock) == 1.0
    with pytest.raises(ValueError, match="timer must be a clock"):
        time_best(lambda: None, timer=3)
    net = MLP([2, 3, 1], "tanh", rng=0)
    t = time_jacobian_modes(net, np.ones(2), repeat=2, timer=time.process_time)
    assert all(v >= 0.0 for v in t.values())


@pytest.mark.parametrize("kwargs", [{"repeat": 0}, {"number": -1}])
def test_time_best_validates(kwargs):
    with pytest.raises(ValueError, match="positive integer"):
        time_best(lambda: None, **kwargs)
    with pytest.raises(ValueError, match="fn must be callable"):
        time_best(None)
