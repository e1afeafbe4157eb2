"""Activations: every derivative checked three ways (sympy, the hand form, finite differences).

Each test reads like a worked example: the formula is written out here, by hand
or in sympy, and compared with what ``mlcore.activations`` computes.
"""

import math
import warnings

import numpy as np
import pytest
import sympy as sp

from mlcore import activations
from mlcore.activations import elu, get, identity, leaky_relu, relu, sigmoid, softmax, tanh
from mlcore.symbolic import assert_equal

Z = sp.Symbol("z", real=True)
SLOPE = sp.Symbol("slope", positive=True)
ALPHA = sp.Symbol("alpha", positive=True)


def rel_error(a, b):
    """CS231n's max|a - b| / max(1e-8, |a| + |b|), written out so the tests do not trust mlcore's."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def points_away_from_zero(n=200, seed=0, low=1e-3):
    """Random points in [-5, 5] with |z| >= low, so piecewise functions are smooth there."""
    z = np.random.default_rng(seed).uniform(-5, 5, n)
    return np.where(np.abs(z) < low, low * np.sign(z + 0.5), z)


ELEMENTWISE = {
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
    "leaky_relu(0.2)": activations.LeakyReLU(0.2), "elu": elu, "elu(0.5)": activations.ELU(0.5),
    "identity": identity,
}


# ---------------------------------------------------------------------------------------------
# 1. sympy derives phi' from phi; it must equal the hand-derived form from the lectures
# ---------------------------------------------------------------------------------------------
def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    sigma = 1 / (1 + sp.exp(-Z))
    assert_equal(sp.diff(sigma, Z), sigma * (1 - sigma), name="sigmoid'")
    f = sp.lambdify(Z, sigma * (1 - sigma), "numpy")
    z = points_away_from_zero()
    np.testing.assert_allclose(sigmoid.grad(z), f(z), rtol=1e-12, atol=1e-15)


def test_tanh_derivative_is_one_minus_tanh_squared():
    assert_equal(sp.diff(sp.tanh(Z), Z), 1 - sp.tanh(Z) ** 2, name="tanh'")
    f = sp.lambdify(Z, 1 - sp.tanh(Z) ** 2, "numpy")
    z = points_away_from_zero()
    np.testing.assert_allclose(tanh.grad(z), f(z), rtol=1e-12, atol=1e-15)


def test_relu_derivative_is_heaviside_on_both_sides_of_zero():
    assert_equal(sp.diff(sp.Max(0, Z), Z), sp.Heaviside(Z), name="relu'")
    z = np.array([-3.0, -1e-6, 1e-6, 2.5])
    np.testing.assert_array_equal(relu.grad(z), [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 1e-6, 2.5])
    # at exactly 0 the derivative does not exist; like PyTorch, mlcore uses 0
    assert relu.grad(0.0) == 0.0


@pytest.mark.parametrize("slope", [0.1, 0.2, 0.0])
def test_leaky_relu_derivative_is_its_slope(slope):
    phi = sp.Piecewise((Z, Z > 0), (slope * Z, True))
    assert_equal(sp.diff(phi, Z), sp.Piecewise((1, Z > 0), (slope, True)), name="leaky'")
    act = activations.LeakyReLU(slope)
    # worked example: z = -2 -> slope * -2; z = 3 -> 3
    np.testing.assert_allclose(act(np.array([-2.0, 3.0])), [-2 * slope, 3.0])
    np.testing.assert_allclose(act.grad(np.array([-2.0, -1e-6, 1e-6, 3.0])), [slope, slope, 1.0, 1.0])


def test_leaky_relu_default_slope_is_the_lectures_0_1():
    # lecture: Leaky ReLU = max(0.1 x, x)
    assert leaky_relu.slope == 0.1
    z = np.array([-4.0, -0.5, 0.5, 4.0])
    np.testing.assert_allclose(leaky_relu(z), np.maximum(0.1 * z, z))


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu_derivative(alpha):
    phi = sp.Piecewise((Z, Z >= 0), (alpha * (sp.exp(Z) - 1), True))
    assert_equal(sp.diff(phi, Z), sp.Piecewise((1, Z >= 0), (alpha * sp.exp(Z), True)), name="elu'")
    act = activations.ELU(alpha)
    # worked example: elu(-1) = alpha (e^-1 - 1), elu'(-1) = alpha e^-1
    assert act(-1.0) == pytest.approx(alpha * (math.exp(-1) - 1), rel=1e-14)
    assert act.grad(-1.0) == pytest.approx(alpha * math.exp(-1), rel=1e-14)
    assert act.grad(2.0) == 1.0


def test_identity_derivative_is_one():
    z = points_away_from_zero(10)
    np.testing.assert_array_equal(identity(z), z)
    np.testing.assert_array_equal(identity.grad(z), np.ones(10))


@pytest.mark.parametrize("name, expr", [
    ("sigmoid", 1 / (1 + sp.exp(-Z))),
    ("tanh", sp.tanh(Z)),
    ("relu", sp.Max(0, Z)),
    ("leaky_relu", sp.Piecewise((Z, Z > 0), (sp.Rational(1, 10) * Z, True))),
    ("elu", sp.Piecewise((Z, Z >= 0), (sp.exp(Z) - 1, True))),
    ("identity", Z),
])
def test_lambdified_sympy_derivative_matches_grad(name, expr):
    act = get(name)
    z = points_away_from_zero(300, seed=1)
    f = sp.lambdify(Z, expr, "numpy")
    df = sp.lambdify(Z, sp.diff(expr, Z), "numpy")
    np.testing.assert_allclose(act(z), f(z) * np.ones_like(z), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(act.grad(z), df(z) * np.ones_like(z), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------------------------
# 2. Centred finite differences, float64, h = 1e-5
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_grad_matches_centred_finite_differences(name):
    act = ELEMENTWISE[name]
    z = points_away_from_zero(200, seed=2, low=1e-2)   # stay 1e-2 > h away from the kinks
    h = 1e-5
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    assert rel_error(act.grad(z), numeric) < 1e-7


# ---------------------------------------------------------------------------------------------
# 3. Identities and worked numbers
# ---------------------------------------------------------------------------------------------
def test_sigmoid_worked_values():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(2.0) == pytest.approx(1 / (1 + math.exp(-2)), rel=1e-15)   # 0.8808
    assert sigmoid(-2.0) == pytest.approx(0.11920292202211755, rel=1e-14)
    # no overflow and no NaN in the tails
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_tanh_is_twice_sigmoid_of_twice_minus_one():
    z = np.linspace(-6, 6, 121)
    np.testing.assert_allclose(tanh(z), 2 * sigmoid(2 * z) - 1, rtol=0, atol=1e-14)
    assert tanh(1.0) == pytest.approx(0.7615941559557649, rel=1e-14)


def test_sigmoid_derivative_is_at_most_a_quarter_with_the_maximum_at_zero():
    z = np.linspace(-10, 10, 2001)   # contains 0 exactly (index 1000)
    d = sigmoid.grad(z)
    assert np.all(d <= 0.25)
    assert sigmoid.grad(0.0) == 0.25
    assert z[np.argmax(d)] == 0.0


def test_softmax_rows_sum_to_one_and_are_positive():
    z = np.random.default_rng(3).normal(size=(5, 4)) * 3
    p = softmax(z)
    assert p.shape == (5, 4)
    np.testing.assert_allclose(p.sum(axis=1), np.ones(5), atol=1e-15)
    assert np.all(p > 0)
    # each row computed by hand: exp(z_k) / sum_j exp(z_j)
    for n in range(5):
        e = [math.exp(v) for v in z[n]]
        np.testing.assert_allclose(p[n], [v / sum(e) for v in e], rtol=1e-13)


def test_softmax_is_shift_invariant():
    z = np.array([[1.0, 2.0, 3.0], [-4.0, 0.5, 0.0]])
    for c in (-50.0, 0.3, 700.0):
        np.testing.assert_allclose(softmax(z + c), softmax(z), rtol=1e-12)


def test_softmax_does_not_overflow_at_z_1000():
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # an overflow warning would fail the test
        p = softmax(np.array([1000.0, 999.0, 0.0]))
    assert np.all(np.isfinite(p))
    e = math.exp(-1)
    np.testing.assert_allclose(p, [1 / (1 + e), e / (1 + e), 0.0], atol=1e-15)


def test_softmax_normalises_the_last_axis():
    z = np.random.default_rng(4).normal(size=(2, 3, 4))
    p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=-1), np.ones((2, 3)), atol=1e-15)
    np.testing.assert_allclose(p[1, 2], softmax(z[1, 2]), rtol=1e-14)


def test_softmax_jacobian_is_diag_p_minus_p_pT_by_sympy():
    z = sp.symbols("z0:3", real=True)
    e = [sp.exp(v) for v in z]
    p = sp.Matrix([v / sum(e) for v in e])
    derived = p.jacobian(sp.Matrix(z))
    stated = sp.diag(*p) - p * p.T
    assert_equal(derived, stated, name="softmax Jacobian")
    f = sp.lambdify(z, derived, "numpy")
    for point in np.random.default_rng(5).normal(size=(5, 3)) * 2:
        np.testing.assert_allclose(softmax.jacobian(point), np.array(f(*point), dtype=float),
                                   rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_matches_finite_differences():
    z = np.array([0.3, -1.2, 2.0, 0.7])
    h = 1e-5
    numeric = np.zeros((4, 4))
    for j in range(4):
        e = np.zeros(4)
        e[j] = h
        numeric[:, j] = (softmax(z + e) - softmax(z - e)) / (2 * h)
    assert rel_error(softmax.jacobian(z), numeric) < 1e-7
    # and the Jacobian of a 3-vector written out by hand
    p = softmax(np.array([1.0, 2.0, 3.0]))
    J = softmax.jacobian([1.0, 2.0, 3.0])
    for i in range(3):
        for j in range(3):
            assert J[i, j] == pytest.approx(p[i] * ((i == j) - p[j]), abs=1e-15)


def test_softmax_vjp_is_u_times_jacobian_row_by_row():
    z = np.random.default_rng(6).normal(size=(3, 4))
    u = np.random.default_rng(7).normal(size=(3, 4))
    out = softmax.vjp(z, u)
    for n in range(3):
        np.testing.assert_allclose(out[n], u[n] @ softmax.jacobian(z[n]), rtol=1e-12, atol=1e-15)


def test_softmax_grad_raises_type_error():
    with pytest.raises(TypeError, match="softmax is not elementwise"):
        softmax.grad(np.array([1.0, 2.0]))


def test_elementwise_jacobian_is_diagonal_of_grad():
    z = np.array([-1.0, 0.5, 2.0])
    np.testing.assert_array_equal(tanh.jacobian(z), np.diag(1 - np.tanh(z) ** 2))


# ---------------------------------------------------------------------------------------------
# 4. dtypes, scalars, lookup by name
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_float32_in_float32_out(name):
    act = ELEMENTWISE[name]
    z = np.array([-2.0, -0.5, 0.5, 2.0], dtype=np.float32)
    assert act(z).dtype == np.float32
    assert act.grad(z).dtype == np.float32
    # and float64 stays float64
    assert act(z.astype(np.float64)).dtype == np.float64


def test_softmax_float32_in_float32_out():
    z = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    assert softmax(z).dtype == np.float32
    assert softmax.jacobian(z[0]).dtype == np.float32
    assert softmax.vjp(z, np.ones_like(z)).dtype == np.float32


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_scalar_in_float_out(name):
    act = ELEMENTWISE[name]
    for value in (0.7, -1.3, 2):
        assert type(act(value)) is float
        assert type(act.grad(value)) is float
    assert act(-1.3) == pytest.approx(float(act(np.array([-1.3]))[0]))


def test_lists_and_ints_become_float64():
    out = sigmoid([0, 1, 2])
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_allclose(out, [0.5, 1 / (1 + math.e ** -1), 1 / (1 + math.e ** -2)])


def test_get_knows_every_name():
    assert set(activations.NAMES) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity", "softmax"}
    for name in activations.NAMES:
        assert get(name).name == name
    assert get("tanh") is tanh
    assert get(sigmoid) is sigmoid


def test_get_configures_leaky_relu_slope():
    act = get("leaky_relu", slope=0.2)
    assert act.slope == 0.2
    assert act(-1.0) == pytest.approx(-0.2)
    assert act.grad(-1.0) == pytest.approx(0.2)
    assert leaky_relu.slope == 0.1   # the shared default instance is untouched
    assert get("elu", alpha=0.5)(-1.0) == pytest.approx(0.5 * (math.exp(-1) - 1))


def test_get_lists_valid_names_for_unknown_name():
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'; valid choices are 'sigmoid', 'tanh'"):
        get("sigmod")


# ---------------------------------------------------------------------------------------------
# 5. The docstring's formula is the code's formula (STYLE.md)
# ---------------------------------------------------------------------------------------------
ACTIVATION_CLASSES = [activations.Sigmoid, activations.Tanh, activations.ReLU, activations.LeakyReLU,
                      activations.ELU, activations.Identity, activations.Softmax]


@pytest.mark.parametrize("cls", ACTIVATION_CLASSES, ids=lambda c: c.__name__)
def test_docstring_quotes_formula_and_derivative(cls):
    assert isinstance(cls.formula, str) and isinstance(cls.derivative, str)
    assert cls.formula in cls.__doc__
    assert cls.derivative in cls.__doc__


def _parse(text, **params):
    expr = sp.sympify(text, locals={"z": Z, "slope": SLOPE, "alpha": ALPHA})
    return expr.subs({SLOPE: params.get("slope", SLOPE), ALPHA: params.get("alpha", ALPHA)})


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_formula_differentiates_to_derivative(name):
    act = ELEMENTWISE[name]
    formula, derivative = _parse(act.formula), _parse(act.derivative)
    assert formula.free_symbols <= {Z, SLOPE, ALPHA}
    assert_equal(sp.diff(formula, Z), derivative, name=f"{name}: d formula / dz")


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_formula_and_derivative_are_the_code(name):
    act = ELEMENTWISE[name]
    params = {"slope": getattr(act, "slope", 0), "alpha": getattr(act, "alpha", 0)}
    f = sp.lambdify(Z, _parse(act.formula, **params), "numpy")
    df = sp.lambdify(Z, _parse(act.derivative, **params), "numpy")
    z = points_away_from_zero(300, seed=8)          # piecewise forms agree away from z = 0
    np.testing.assert_allclose(act(z), f(z) * np.ones_like(z), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(act.grad(z), df(z) * np.ones_like(z), rtol=1e-12, atol=1e-14)


def test_softmax_formula_differentiates_to_its_derivative_and_is_the_code():
    zb = sp.IndexedBase("z", real=True)
    i, j, k, K = sp.symbols("i j k K", integer=True)
    names = {"z": zb, "i": i, "j": j, "k": k, "K": K}
    formula = sp.sympify(softmax.formula, locals=names)
    derivative = sp.sympify(softmax.derivative, locals=names)
    for kk in range(3):      # K = 3 symbolically: d softmax_k / d z_i for every k, i
        f_k = formula.subs({K: 3, k: kk}).doit()
        for ii in range(3):
            assert_equal(sp.diff(f_k, zb[ii]), derivative.subs({K: 3, k: kk, i: ii}).doit(),
                         name=f"d softmax_{kk} / d z_{ii}")
    # numerically, K = 4: the formula is softmax(z) and the derivative is softmax.jacobian(z)
    z = np.array([0.4, -1.1, 2.3, 0.0])
    zs = sp.symbols("w0:4", real=True)
    sub = {zb[m]: zs[m] for m in range(4)}
    p = [float(formula.subs({K: 4, k: kk}).doit().subs(sub).subs(dict(zip(zs, z)))) for kk in range(4)]
    np.testing.assert_allclose(softmax(z), p, rtol=1e-12)
    J = np.array([[float(derivative.subs({K: 4, k: kk, i: ii}).doit().subs(sub).subs(dict(zip(zs, z))))
                   for ii in range(4)] for kk in range(4)])
    np.testing.assert_allclose(softmax.jacobian(z), J, rtol=1e-12, atol=1e-15)
