"""mlcore.approx: one-hidden-layer networks built to approximate a function of one variable."""

import numpy as np
import pytest

from mlcore import MLP, approx


def test_knots_are_equally_spaced_and_include_both_ends():
    t = approx.knots(-1.0, 3.0, 8)
    assert t.shape == (9,) and t[0] == -1.0 and t[-1] == 3.0
    assert np.allclose(np.diff(t), 0.5)


def test_relu_interpolant_hand_computed_case():
    # f(x) = x^2 on [0, 2], width 2: knots 0, 1, 2; values 0, 1, 4; slopes 1, 3; c = (1, 3 - 1)
    net = approx.relu_interpolant(np.square, 0.0, 2.0, 2)
    W1, b1, W2, b2 = net.params()
    assert np.array_equal(W1, [[1.0], [1.0]]) and np.array_equal(b1, [0.0, -1.0])
    assert np.array_equal(W2, [[1.0, 2.0]]) and np.array_equal(b2, [0.0])
    x = np.array([[0.0], [0.5], [1.0], [1.5], [2.0]])
    assert np.allclose(net(x)[:, 0], [0.0, 0.5, 1.0, 2.5, 4.0], rtol=0, atol=1e-15)


def test_relu_interpolant_is_an_ordinary_relu_mlp():
    net = approx.relu_interpolant(np.sin, 0.0, np.pi, 5)
    assert isinstance(net, MLP) and net.sizes == [1, 5, 1]
    assert net.activation.name == "relu" and net.output is None


@pytest.mark.parametrize("width", [1, 3, 10, 64])
def test_relu_interpolant_matches_f_at_every_knot(width):
    f = lambda x: np.exp(0.5 * x) * np.cos(2 * x)
    t = approx.knots(-1.0, 2.0, width)
    net = approx.relu_interpolant(f, -1.0, 2.0, width)
    assert np.allclose(net(t[:, None])[:, 0], f(t), rtol=0, atol=1e-12)


def test_relu_interpolant_slopes_are_the_chords():
    f = lambda x: x ** 3
    width = 6
    t = approx.knots(0.0, 3.0, width)
    net = approx.relu_interpolant(f, 0.0, 3.0, width)
    chords = np.diff(f(t)) / np.diff(t)
    mids = 0.5 * (t[:-1] + t[1:])
    slopes = np.array([net.jacobian(np.array([m]))[0, 0] for m in mids])
    assert np.allclose(slopes, chords, rtol=1e-12, atol=1e-12)


def test_relu_interpolant_error_meets_the_interpolation_bound_and_falls_fourfold():
    # |f - g| <= h^2 max|f''| / 8; for sin on [0, pi], max|f''| = 1
    x = np.linspace(0.0, np.pi, 20_001)
    errors = []
    for width in (4, 8, 16, 32, 64):
        h = np.pi / width
        err = np.max(np.abs(approx.relu_interpolant(np.sin, 0.0, np.pi, width)(x[:, None])[:, 0] - np.sin(x)))
        assert err <= h ** 2 / 8 + 1e-12
        errors.append(err)
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 3.7) & (ratios < 4.1)) and abs(ratios[-1] - 4) < 0.01   # four-fold, ever closer


def test_relu_interpolant_outside_the_interval_continues_in_straight_lines():
    net = approx.relu_interpolant(np.square, 0.0, 2.0, 4)     # knots 0, 0.5, 1, 1.5, 2; last chord slope 3.5
    left = net(np.array([[-3.0], [-1.0]]))[:, 0]
    assert np.allclose(left, 0.0)                               # constant f(a) left of a
    right = net(np.array([[3.0]]))[0, 0]
    assert np.isclose(right, 4.0 + 3.5 * 1.0)                   # last piece extended


def test_sigmoid_staircase_structure_and_error_falling_like_h():
    f = lambda x: np.sin(2 * x) + x
    x = np.linspace(-1.0, 1.0, 8001)
    errors = []
    for width in (8, 16, 32, 64, 128):
        net = approx.sigmoid_staircase(f, -1.0, 1.0, width)
        assert net.sizes == [1, width, 1] and net.activation.name == "sigmoid" and net.output is None
        errors.append(np.max(np.abs(net(x[:, None])[:, 0] - f(x))))
    errors = np.array(errors)
    assert np.all(np.diff(errors) < 0)
    assert np.all(np.abs(errors[:-1] / errors[1:] - 2) < 0.2)
    assert errors[-1] < 0.05


def test_sigmoid_staircase_hand_computed_parameters():
    # f(x) = x on [0, 1], width 2, steepness 10: h = 0.5, midpoints 0.25, 0.75, steps of height 0.5
    net = approx.sigmoid_staircase(lambda x: x, 0.0, 1.0, 2, steepness=10.0)
    W1, b1, W2, b2 = net.params()
    assert np.allclose(W1, [[20.0], [20.0]]) and np.allclose(b1, [-5.0, -15.0])
    assert np.allclose(W2, [[0.5, 0.5]]) and np.allclose(b2, [0.0])
    assert np.isclose(net(np.array([[0.5]]))[0, 0], 0.5)     # symmetric about the middle knot


@pytest.mark.parametrize("kwargs, message", [
    (dict(a=0.0, b=1.0, width=0), "width must be a positive integer"),
    (dict(a=0.0, b=1.0, width=2.5), "width must be a positive integer"),
    (dict(a=0.0, b=1.0, width=True), "width must be a positive integer"),
    (dict(a=1.0, b=1.0, width=4), "a < b"),
    (dict(a=2.0, b=1.0, width=4), "a < b"),
    (dict(a=0.0, b=np.inf, width=4), "finite"),
])
@pytest.mark.parametrize("build", [approx.relu_interpolant, approx.sigmoid_staircase])
def test_bad_arguments_raise(build, kwargs, message):
    with pytest.raises(ValueError, match=message):
        build(np.sin, **kwargs)


@pytest.mark.parametrize("build", [approx.relu_interpolant, approx.sigmoid_staircase])
def test_f_must_keep_the_shape_of_the_knots(build):
    with pytest.raises(ValueError, match="same shape"):
        build(lambda t: t[:-1], 0.0, 1.0, 4)


@pytest.mark.parametrize("steepness", [0.0, -1.0, np.nan])
def test_steepness_must_be_positive(steepness):
    with pytest.raises(ValueError, match="steepness must be a positive number"):
        approx.sigmoid_staircase(np.sin, 0.0, 1.0, 4, steepness=steepness)
