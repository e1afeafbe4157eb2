"""mlcore.backprop_cost: counting and timing finite differences against back-propagation."""

import numpy as np
import pytest

from mlcore import MLP, losses
from mlcore.backprop_cost import (CostRow, PassCounter, backprop_gradient, fd_gradient, matmul_flops,
                                  time_gradients)

from _reference import centred_differences, rel_error


def _batch(sizes, n=6, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, sizes[0])), rng.normal(size=(n, sizes[-1]))


# ---------------------------------------------------------------------------------------------
# Both gradients are right, and they are counted right
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes, activation", [([3, 4, 2], "tanh"), ([2, 5, 3, 1], "sigmoid"), ([4, 3], "relu")])
def test_fd_and_backprop_agree_with_an_independent_reference(sizes, activation):
    model = MLP(sizes, activation, rng=0)
    X, Y = _batch(sizes)
    bp = backprop_gradient(model, losses.mse, X, Y)
    fd = fd_gradient(model, losses.mse, X, Y)
    for p, g_bp, g_fd in zip(model.params(), bp.grads, fd.grads):
        reference = centred_differences(lambda: losses.mse(model.forward(X), Y), p)
        assert rel_error(g_bp, reference) < 1e-7
        assert rel_error(g_fd, reference) < 1e-9


@pytest.mark.parametrize("sizes", [[1, 1], [3, 4, 2], [4, 8, 6, 4, 2]])
def test_fd_needs_exactly_2P_forward_passes_and_backprop_one_of_each(sizes):
    model = MLP(sizes, "tanh", rng=0)
    X, Y = _batch(sizes)
    fd = fd_gradient(model, losses.mse, X, Y)
    bp = backprop_gradient(model, losses.mse, X, Y)
    assert (fd.forward_passes, fd.backward_passes) == (2 * model.n_params, 0)
    assert (bp.forward_passes, bp.backward_passes) == (1, 1)


def test_fd_leaves_the_parameters_as_they_were():
    model = MLP([3, 4, 2], "tanh", rng=0)
    before = [p.copy() for p in model.params()]
    fd_gradient(model, losses.mse, *_batch([3, 4, 2]))
    assert all(np.array_equal(a, b) for a, b in zip(before, model.params()))


def test_backprop_gradient_returns_copies():
    model = MLP([3, 4, 2], "tanh", rng=0)
    X, Y = _batch([3, 4, 2])
    first = backprop_gradient(model, losses.mse, X, Y).grads
    saved = [g.copy() for g in first]
    backprop_gradient(model, losses.mse, 2 * X, Y)
    assert all(np.array_equal(a, b) for a, b in zip(first, saved))


def test_pass_counter_counts_and_delegates():
    model = MLP([2, 3, 1], rng=0)
    counter = PassCounter(model)
    X = np.ones((4, 2))
    out = counter(X)
    counter.forward(X)
    counter.backward(np.ones_like(out))
    assert (counter.forward_passes, counter.backward_passes) == (2, 1)
    assert counter.n_params == model.n_params == 13
    assert counter.params() is not None and len(counter.grads()) == 4


# ---------------------------------------------------------------------------------------------
# Multiply-add counts, one hand-computed case
# ---------------------------------------------------------------------------------------------
def test_matmul_flops_by_hand():
    # 3 -> 4 -> 2 on N = 5: forward 5*(12 + 8) = 100; backward dW: 100, dX: only layer 2, 5*8 = 40
    assert matmul_flops([3, 4, 2], 5) == {"forward": 100, "backward": 140}
    assert matmul_flops([3, 4, 2], 5, input_grad=True) == {"forward": 100, "backward": 200}


# ---------------------------------------------------------------------------------------------
# Timing harness: shapes of the result only (times are never asserted)
# ---------------------------------------------------------------------------------------------
def test_time_gradients_returns_one_checked_row_per_network():
    rows = time_gradients([[2, 3, 1], [2, 6, 1]], losses.mse, n_examples=4, repeats=1, rng=0)
    assert [type(r) for r in rows] == [CostRow, CostRow]
    assert [r.n_params for r in rows] == [13, 25]
    assert [r.fd_forward_passes for r in rows] == [26, 50]
    assert all(r.bp_forward_passes == 1 and r.bp_backward_passes == 1 for r in rows)
    assert all(min(r.cost_seconds, r.fd_seconds, r.bp_seconds) > 0 and r.max_rel_error < 1e-7 for r in rows)


# ---------------------------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, message", [
    (lambda m, X, Y: fd_gradient(m, losses.mse, X, Y, h=0), "h must be"),
    (lambda m, X, Y: fd_gradient(m, losses.mse, X[:, :2], Y), "X must have 3 columns"),
    (lambda m, X, Y: backprop_gradient(m, losses.mse, X[0], Y), "X"),
    (lambda m, X, Y: PassCounter(object()), "model must have a forward"),
    (lambda m, X, Y: matmul_flops([3], 5), "at least an input and an output"),
    (lambda m, X, Y: matmul_flops([3, 0], 5), "sizes"),
    (lambda m, X, Y: time_gradients([[2, 1]], losses.mse, repeats=0), "repeats"),
])
def test_bad_arguments_raise_value_error(call, message):
    model = MLP([3, 4, 2], rng=0)
    X, Y = _batch([3, 4, 2])
    with pytest.raises(ValueError, match=message):
        call(model, X, Y)
