"""Losses: worked lecture examples, sympy derivations and finite-difference gradient checks.

Every loss returns the batch mean as a float; its ``grad`` is the gradient of
that mean with the shape of ``y_hat``.
"""

import math

import numpy as np
import pytest
import sympy as sp

from mlcore import data, gradcheck, losses
from mlcore.activations import softmax
from mlcore.losses import binary_cross_entropy, cross_entropy, hinge, huber, mae, mse
from mlcore.symbolic import assert_equal


def rel_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def centred_differences(f, x, h=1e-5):
    """dJ/dx_i = (J(x + h e_i) - J(x - h e_i)) / 2h, one coordinate at a time (written out here)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        minus = f(x)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


# ---------------------------------------------------------------------------------------------
# Lecture examples, recomputed
# ---------------------------------------------------------------------------------------------
def test_softmax_and_cross_entropy_of_the_confident_correct_example():
    # Seed 004: y = (0, 1, 0, 0) (true class index 1), z = (3.2, 5.1, -1.7, -3.7)
    z = np.array([3.2, 5.1, -1.7, -3.7])
    e = [math.exp(v) for v in z]
    p_hand = [v / sum(e) for v in e]
    np.testing.assert_allclose(softmax(z), p_hand, rtol=1e-13)
    # to 4 significant digits: (0.1300, 0.8689, 0.0009678, 0.0001310); the lecture shows (0.13, 0.87, 0, 0)
    np.testing.assert_allclose(softmax(z), [0.1300, 0.8689, 9.678e-4, 1.310e-4], rtol=5e-4)
    loss = cross_entropy(z, 1)
    assert loss == pytest.approx(-math.log(p_hand[1]), rel=1e-13)
    assert loss == pytest.approx(0.1405, abs=5e-5)
    assert round(loss, 2) == 0.14          # the lecture's L = -log 0.87 = 0.14


def test_cross_entropy_of_the_confident_wrong_example_and_the_lectures_rounding_slip():
    z = np.array([5.8, 2.2, -1.6, 1.5])
    p = softmax(z)
    np.testing.assert_allclose(p, [0.9602, 0.02623, 5.869e-4, 0.01303], rtol=5e-4)
    loss = cross_entropy(z, 1)
    assert loss == pytest.approx(math.log(sum(math.exp(v) for v in z)) - 2.2, rel=1e-13)
    assert loss == pytest.approx(3.641, abs=5e-4)
    # The lecture prints 3.5: it rounded y_hat_2 to 0.03 before taking the log.
    assert -math.log(0.03) == pytest.approx(3.507, abs=5e-4)
    assert abs(loss - 3.5) > 0.1


def test_hinge_table_from_seed_002():
    # columns of the slide's table = examples; rows = class scores (cat, car, frog)
    scores = np.array([[3.2, 5.1, -1.7],    # cat image, label cat (0)
                       [1.3, 4.9, 2.0],     # car image, label car (1)
                       [2.2, 2.5, -3.1]])   # frog image, label frog (2)
    labels = np.array([0, 1, 2])
    by_hand = [max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1),     # 2.9
               max(0, 1.3 - 4.9 + 1) + max(0, 2.0 - 4.9 + 1),     # 0
               max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1)]     # 6.3 + 6.6 = 12.9
    np.testing.assert_allclose(by_hand, [2.9, 0.0, 12.9], atol=1e-12)
    np.testing.assert_allclose(hinge.losses(scores, labels), by_hand, atol=1e-12)
    assert hinge(scores, labels) == pytest.approx(15.8 / 3, rel=1e-12)   # 5.267
    assert hinge(scores, labels) == pytest.approx(5.267, abs=5e-4)
    # the slide prints 10.9 for frog (and L = (2.9 + 0 + 10.9)/3): an arithmetic slip
    assert hinge.losses(scores, labels)[2] != pytest.approx(10.9)


def test_hinge_gradient_by_hand():
    # cat example alone: only the margin of 'car' (2.9) is positive
    g = hinge.grad(np.array([3.2, 5.1, -1.7]), 0)
    np.testing.assert_array_equal(g, [-1.0, 1.0, 0.0])
    # frog example: both wrong classes active, the correct one gets -2
    g = hinge.grad(np.array([[2.2, 2.5, -3.1]]), np.array([2]))
    np.testing.assert_array_equal(g, [[1.0, 1.0, -2.0]])


def test_flight_delay_binary_cross_entropy():
    example = data.FLIGHT_DELAY_EXAMPLE
    p, y = example["p"], example["y"]
    np.testing.assert_array_equal(p, [0.05, 0.02, 0.96, 0.35])
    np.testing.assert_array_equal(y, [1, 0, 1, 1])
    by_hand = -(math.log(0.05) + math.log(1 - 0.02) + math.log(0.96) + math.log(0.35)) / 4
    assert binary_cross_entropy(p, y) == pytest.approx(by_hand, rel=1e-13)
    assert binary_cross_entropy(p, y) == pytest.approx(1.0266, abs=5e-5)


# ---------------------------------------------------------------------------------------------
# Means, regimes and conventions
# ---------------------------------------------------------------------------------------------
def test_mse_is_the_mean_over_all_elements():
    rng = np.random.default_rng(0)
    y_hat, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    total = 0.0
    for n in range(4):
        for k in range(3):
            total += (y_hat[n, k] - y[n, k]) ** 2
    assert mse(y_hat, y) == pytest.approx(total / 12, rel=1e-13)    # like torch mse_loss, not / 4
    np.testing.assert_allclose(mse.grad(y_hat, y), 2 * (y_hat - y) / 12, rtol=1e-13)
    assert isinstance(mse(y_hat, y), float)


def test_mae_worked_example():
    assert mae([1.0, 2.0, 4.0], [2.0, 2.5, 1.0]) == pytest.approx((1 + 0.5 + 3) / 3)
    np.testing.assert_allclose(mae.grad([1.0, 2.0, 4.0], [2.0, 2.5, 1.0]), [-1 / 3, -1 / 3, 1 / 3])


def test_huber_quadratic_and_linear_regimes():
    # delta = 1: |d| = 0.5 is quadratic (0.5 d^2 = 0.125), |d| = 3 is linear (1 * (3 - 0.5) = 2.5)
    assert huber([0.5], [0.0]) == pytest.approx(0.125)
    assert huber([-3.0], [0.0]) == pytest.approx(2.5)
    assert huber([0.5, -3.0], [0.0, 0.0]) == pytest.approx((0.125 + 2.5) / 2)
    np.testing.assert_allclose(huber.grad([0.5, -3.0], [0.0, 0.0]), [0.5 / 2, -1.0 / 2])
    h2 = losses.Huber(delta=2.0)
    assert h2([3.0], [0.0]) == pytest.approx(2 * (3 - 1))
    assert h2([1.5], [0.0]) == pytest.approx(0.5 * 1.5 ** 2)
    np.testing.assert_allclose(h2.grad([3.0, 1.5], [0.0, 0.0]), [2.0 / 2, 1.5 / 2])
    # the two regimes meet continuously at |d| = delta
    assert h2([2.0 + 1e-9], [0.0]) == pytest.approx(h2([2.0 - 1e-9], [0.0]), abs=1e-8)


def test_cross_entropy_one_hot_equals_integer_labels():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 4))
    labels = np.array([0, 3, 1, 1, 2, 3])
    onehot = data.one_hot(labels, 4)
    assert cross_entropy(z, onehot) == pytest.approx(cross_entropy(z, labels), rel=1e-14)
    np.testing.assert_allclose(cross_entropy.grad(z, onehot), cross_entropy.grad(z, labels), rtol=1e-14)


def test_cross_entropy_mean_over_examples_by_hand():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    labels = [2, 0]
    per_example = [-math.log(math.exp(z[n, c]) / sum(math.exp(v) for v in z[n])) for n, c in enumerate(labels)]
    assert cross_entropy(z, labels) == pytest.approx(sum(per_example) / 2, rel=1e-13)


def test_cross_entropy_single_vector_logits():
    z = np.array([0.2, -1.0, 1.5])
    assert cross_entropy(z, 2) == pytest.approx(cross_entropy(z[None, :], [2]), rel=1e-15)
    assert cross_entropy(z, [0.0, 0.0, 1.0]) == pytest.approx(cross_entropy(z, 2), rel=1e-15)
    g = cross_entropy.grad(z, 2)
    assert g.shape == (3,)
    e = np.exp(z)
    np.testing.assert_allclose(g, e / e.sum() - [0, 0, 1], rtol=1e-13)


def test_cross_entropy_is_stable_for_huge_logits():
    loss = cross_entropy(np.array([[1000.0, 0.0, -1000.0]]), [1])
    assert loss == pytest.approx(1000.0, rel=1e-12)
    assert np.all(np.isfinite(cross_entropy.grad(np.array([[1000.0, 0.0, -1000.0]]), [1])))


def test_cross_entropy_gradient_rows_sum_to_zero():
    z = np.random.default_rng(2).normal(size=(5, 3))
    g = cross_entropy.grad(z, [0, 1, 2, 0, 1])
    np.testing.assert_allclose(g.sum(axis=1), np.zeros(5), atol=1e-15)


def test_binary_cross_entropy_clamps_zero_and_one_to_a_finite_loss():
    # like PyTorch: log is clamped at -100
    assert binary_cross_entropy([0.0], [1.0]) == pytest.approx(100.0)
    assert binary_cross_entropy([1.0], [0.0]) == pytest.approx(100.0)
    assert binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    g = binary_cross_entropy.grad([0.0, 1.0, 0.0], [1.0, 0.0, 0.0])
    assert np.all(np.isfinite(g))
    assert g[0] < 0 < g[1] and g[2] == 0.0


@pytest.mark.parametrize("loss", [mse, mae, huber, binary_cross_entropy], ids=lambda x: x.name)
def test_column_against_vector_raises_instead_of_broadcasting(loss):
    y_hat = np.full((4, 1), 0.5)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match=r"y_hat has shape \(4, 1\) but y has shape \(4,\)"):
        loss(y_hat, y)
    with pytest.raises(ValueError, match=r"no silent broadcasting"):
        loss.grad(y_hat, y)


def test_get_returns_the_shared_instances():
    for name in ("mse", "mae", "huber", "binary_cross_entropy", "cross_entropy", "hinge"):
        assert losses.get(name).name == name
    assert losses.get(mse) is mse


# ---------------------------------------------------------------------------------------------
# Finite differences (float64, h = 1e-5, rel_error < 1e-7) on random shapes
# ---------------------------------------------------------------------------------------------
SHAPES = [(1,), (5,), (3, 2), (7, 4)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("loss", [mse, mae, huber, losses.Huber(0.3), binary_cross_entropy],
                         ids=lambda x: repr(x))
def test_elementwise_loss_gradients_match_finite_differences(loss, shape):
    rng = np.random.default_rng([len(loss.name), *shape])      # deterministic (hash() is salted per run)
    if loss is binary_cross_entropy:
        y_hat = rng.uniform(0.05, 0.95, shape)
        y = rng.uniform(0, 1, shape)           # soft labels are allowed
    else:
        y_hat, y = rng.normal(size=shape) * 2, rng.normal(size=shape) * 2
        d = np.abs(y_hat - y)
        # keep away from the kinks (|d| = 0 for mae, |d| = delta for huber)
        y_hat = np.where(d < 1e-2, y_hat + 0.1, y_hat)
        if isinstance(loss, losses.Huber):
            y_hat = np.where(np.abs(np.abs(y_hat - y) - loss.delta) < 1e-2, y_hat + 0.05, y_hat)
    numeric = centred_differences(lambda v: loss(v, y), y_hat)
    analytic = loss.grad(y_hat, y)
    assert analytic.shape == y_hat.shape
    assert rel_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("n, k", [(1, 2), (4, 3), (6, 5)])
@pytest.mark.parametrize("label_kind", ["int", "one_hot", "soft"])
def test_cross_entropy_gradient_matches_finite_differences(n, k, label_kind):
    rng = np.random.default_rng(n * 10 + k)
    z = rng.normal(size=(n, k)) * 2
    labels = rng.integers(0, k, n)
    y = {"int": labels, "one_hot": data.one_hot(labels, k),
         "soft": rng.dirichlet(np.ones(k), size=n)}[label_kind]
    numeric = centred_differences(lambda v: cross_entropy(v, y), z)
    assert rel_error(cross_entropy.grad(z, y), numeric) < 1e-7


@pytest.mark.parametrize("n, k", [(1, 3), (4, 3), (6, 5)])
def test_hinge_gradient_matches_finite_differences(n, k):
    rng = np.random.default_rng(100 + n * k)
    s = rng.normal(size=(n, k)) * 2
    labels = rng.integers(0, k, n)
    margins = s - s[np.arange(n), labels][:, None] + 1
    margins[np.arange(n), labels] = 5.0
    assert np.all(np.abs(margins) > 1e-3)      # no kink within h of the point
    numeric = centred_differences(lambda v: hinge(v, labels), s)
    assert rel_error(hinge.grad(s, labels), numeric) < 1e-7


# ---------------------------------------------------------------------------------------------
# sympy derivations of the closed forms
# ---------------------------------------------------------------------------------------------
def test_mse_gradient_by_sympy():
    n = 3
    y_hat, y = sp.symbols("yhat0:3", real=True), sp.symbols("y0:3", real=True)
    J = sum((a - b) ** 2 for a, b in zip(y_hat, y)) / n
    for a, b in zip(y_hat, y):
        assert_equal(sp.diff(J, a), sp.Rational(2, n) * (a - b), name="dMSE/dy_hat")
    grad = sp.lambdify([y_hat, y], [sp.diff(J, a) for a in y_hat], "numpy")
    u, v = np.array([0.3, -1.0, 2.0]), np.array([1.0, 0.5, 2.5])
    np.testing.assert_allclose(mse.grad(u, v), grad(u, v), rtol=1e-14)
    assert mse(u, v) == pytest.approx(float(J.subs(dict(zip(y_hat + y, np.r_[u, v])))), rel=1e-13)


def test_binary_cross_entropy_gradient_by_sympy():
    p, y = sp.symbols("p0:2", positive=True), sp.symbols("y0:2", real=True)
    J = -sum(b * sp.log(a) + (1 - b) * sp.log(1 - a) for a, b in zip(p, y)) / 2
    for a, b in zip(p, y):
        assert_equal(sp.diff(J, a), (a - b) / (a * (1 - a)) / 2, name="dBCE/dp")
    u, v = np.array([0.3, 0.8]), np.array([1.0, 0.0])
    expected = [float(sp.diff(J, a).subs(dict(zip(p + y, np.r_[u, v])))) for a in p]
    np.testing.assert_allclose(binary_cross_entropy.grad(u, v), expected, rtol=1e-13)


def test_cross_entropy_gradient_is_softmax_minus_y_by_sympy():
    z = sp.symbols("z0:3", real=True)
    y0, y1 = sp.symbols("y0 y1", real=True)
    y = [y0, y1, 1 - y0 - y1]                       # any label row summing to 1
    e = [sp.exp(v) for v in z]
    p = [v / sum(e) for v in e]
    J = -sum(yk * sp.log(pk) for yk, pk in zip(y, p))
    for i in range(3):
        assert_equal(sp.diff(J, z[i]), p[i] - y[i], name=f"dCE/dz{i}")
    point = {z[0]: 0.5, z[1]: -1.0, z[2]: 2.0, y0: 0.0, y1: 1.0}
    expected = [float((p[i] - y[i]).subs(point)) for i in range(3)]
    np.testing.assert_allclose(cross_entropy.grad(np.array([0.5, -1.0, 2.0]), 1), expected, rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# value_and_grad, shapes and dtypes
# ---------------------------------------------------------------------------------------------
CASES = [
    (mse, np.array([[0.2, 1.0], [0.5, -1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])),
    (mae, np.array([0.2, 1.0, 3.0]), np.array([0.0, 2.0, 1.0])),
    (huber, np.array([0.2, 1.0, 3.0]), np.array([0.0, 2.0, -1.0])),
    (binary_cross_entropy, np.array([[0.2], [0.9]]), np.array([[0.0], [1.0]])),
    (cross_entropy, np.array([[0.2, 1.0, -0.3], [0.0, 0.5, 2.0]]), np.array([1, 2])),
    (cross_entropy, np.array([0.2, 1.0, -0.3]), 0),
    (hinge, np.array([[0.2, 1.0, -0.3], [0.0, 0.5, 2.0]]), np.array([1, 0])),
    (hinge, np.array([0.2, 1.0, -0.3]), 0),
]


@pytest.mark.parametrize("loss, y_hat, y", CASES, ids=lambda x: getattr(x, "name", None))
def test_value_and_grad_agree_with_the_separate_calls(loss, y_hat, y):
    value, grad = loss.value_and_grad(y_hat, y)
    assert isinstance(value, float) and value == loss(y_hat, y)
    assert grad.shape == y_hat.shape
    np.testing.assert_array_equal(grad, loss.grad(y_hat, y))


@pytest.mark.parametrize("loss, y_hat, y", CASES, ids=lambda x: getattr(x, "name", None))
def test_float32_gradients_stay_float32(loss, y_hat, y):
    g = loss.grad(y_hat.astype(np.float32), y)
    assert g.dtype == np.float32
    assert loss.value_and_grad(y_hat.astype(np.float32), y)[1].dtype == np.float32
    assert loss(y_hat.astype(np.float32), y) == pytest.approx(loss(y_hat, y), rel=1e-5)


# ---------------------------------------------------------------------------------------------
# The docstring's formula is the code's formula (STYLE.md)
# ---------------------------------------------------------------------------------------------
LOSS_CLASSES = [losses.MSE, losses.MAE, losses.Huber, losses.BinaryCrossEntropy, losses.CrossEntropy,
                losses.Hinge]
YH, Y = sp.symbols("y_hat y", real=True)
DELTA = sp.Symbol("delta", positive=True)


@pytest.mark.parametrize("cls", LOSS_CLASSES, ids=lambda c: c.__name__)
def test_loss_docstring_quotes_formula_and_derivative(cls):
    assert isinstance(cls.formula, str) and isinstance(cls.derivative, str)
    assert cls.formula in cls.__doc__
    assert cls.derivative in cls.__doc__


ELEMENTWISE_LOSSES = {"mse": mse, "mae": mae, "huber": huber, "huber(0.4)": losses.Huber(0.4),
                      "binary_cross_entropy": binary_cross_entropy}


@pytest.mark.parametrize("name", list(ELEMENTWISE_LOSSES))
def test_per_element_formula_differentiates_to_derivative_and_is_the_code(name):
    loss = ELEMENTWISE_LOSSES[name]
    names = {"y_hat": YH, "y": Y, "delta": DELTA}
    formula = sp.sympify(loss.formula, locals=names)
    derivative = sp.sympify(loss.derivative, locals=names)
    assert formula.free_symbols <= {YH, Y, DELTA}
    assert_equal(sp.diff(formula, YH), derivative, name=f"{name}: d formula / d y_hat")
    # numerically: loss = mean of the per-element formula, grad = derivative / n
    delta = getattr(loss, "delta", 1.0)
    f = sp.lambdify((YH, Y), formula.subs(DELTA, delta), "numpy")
    df = sp.lambdify((YH, Y), derivative.subs(DELTA, delta), "numpy")
    rng = np.random.default_rng(9)
    if loss is binary_cross_entropy:
        y_hat, y = rng.uniform(0.05, 0.95, (4, 3)), rng.uniform(0, 1, (4, 3))
    else:
        y_hat, y = rng.normal(size=(4, 3)) * 2, rng.normal(size=(4, 3))
    assert loss(y_hat, y) == pytest.approx(float(np.mean(f(y_hat, y))), rel=1e-12)
    np.testing.assert_allclose(loss.grad(y_hat, y), df(y_hat, y) / y_hat.size, rtol=1e-12, atol=1e-15)


def _per_example(text, symbol):
    base = sp.IndexedBase(symbol, real=True)
    i, j, c, K = sp.symbols("i j c K", integer=True)
    margin = sp.Symbol("margin", positive=True)
    expr = sp.sympify(text, locals={symbol: base, "i": i, "j": j, "c": c, "K": K, "margin": margin})
    return expr, base, i, c, K, margin


@pytest.mark.parametrize("loss, symbol", [(cross_entropy, "z"), (hinge, "s"), (losses.Hinge(2.0), "s")],
                         ids=["cross_entropy", "hinge", "hinge(2)"])
def test_per_example_formula_differentiates_to_derivative_and_is_the_code(loss, symbol):
    formula, base, i, c, K, margin = _per_example(loss.formula, symbol)
    derivative = _per_example(loss.derivative, symbol)[0]
    m = getattr(loss, "margin", 1.0)
    rng = np.random.default_rng(10)
    for k in (3, 4):
        for label in range(k):
            f_c = formula.subs({K: k, c: label, margin: m}).doit()
            for ii in range(k):
                d_stated = derivative.subs({K: k, c: label, i: ii, margin: m}).doit()
                assert_equal(sp.diff(f_c, base[ii]), d_stated, name=f"{loss!r}: d/d{symbol}[{ii}], c = {label}")
            point = rng.normal(size=k) * 2
            to_point = {base[q]: float(point[q]) for q in range(k)}
            assert loss(point, label) == pytest.approx(float(f_c.subs(to_point)), rel=1e-12)
            grad_from_formula = [float(derivative.subs({K: k, c: label, i: ii, margin: m}).doit().subs(to_point))
                                 for ii in range(k)]
            grad_by_diff = [float(sp.diff(f_c, base[ii]).subs(to_point)) for ii in range(k)]
            np.testing.assert_allclose(loss.grad(point, label), grad_from_formula, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(grad_by_diff, grad_from_formula, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# mlcore.gradcheck itself, on functions whose gradient is known
# ---------------------------------------------------------------------------------------------
def test_rel_error_worked_example():
    # max|a - b| = 0.1, max(|a| + |b|) = 4.1
    assert gradcheck.rel_error([1.0, 2.0], [1.0, 2.1]) == pytest.approx(0.1 / 4.1)
    assert gradcheck.rel_error([0.0], [0.0]) == 0.0
    assert gradcheck.rel_error([0.0], [1e-9]) == pytest.approx(1e-9 / 1e-8)


def test_numerical_gradient_of_a_cubic_and_it_restores_x():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = gradcheck.numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    np.testing.assert_allclose(g, 3 * before ** 2, rtol=1e-9)
    np.testing.assert_array_equal(x, before)
    J = gradcheck.numerical_jacobian(lambda v: np.array([v[0] * v[1], v[1] ** 2]), np.array([2.0, 3.0]))
    np.testing.assert_allclose(J, [[3.0, 2.0], [0.0, 6.0]], atol=1e-8)
    assert gradcheck.check_gradient(lambda v: float(np.sum(v ** 3)), x, 3 * x ** 2) < 1e-7
    with pytest.raises(AssertionError, match="gradient check failed"):
        gradcheck.check_gradient(lambda v: float(np.sum(v ** 3)), x, 3 * x ** 2 + 1e-3)
