"""mlcore.descent: the quadratic, its exact iterates, and gradient descent with its stopping rules.

Each formula has one case worked by hand in the test, then seeded random cases.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import mlcore.descent
from mlcore import descent, optim


# ---------------------------------------------------------------------- Quadratic
def test_quadratic_hand_case():
    # eigenvalues 1 and 4 along the axes rotated by 90 degrees: the first eigenvector is (0, 1)
    q = descent.Quadratic([1.0, 4.0], angle=90)
    np.testing.assert_allclose(q.H, [[4.0, 0.0], [0.0, 1.0]], atol=1e-15)
    # f(w) = 1/2 (4 w1^2 + w2^2) at (1, 2): 1/2 (4 + 4) = 4; grad = (4 w1, w2) = (4, 2)
    assert q([1.0, 2.0]) == pytest.approx(4.0)
    np.testing.assert_allclose(q.grad([1.0, 2.0]), [4.0, 2.0], atol=1e-14)
    assert (q.lam_min, q.lam_max, q.kappa) == (1.0, 4.0, 4.0)


def test_quadratic_rows_are_points():
    q = descent.Quadratic([0.5, 8.0], angle=30)
    W = np.random.default_rng(0).standard_normal((5, 2))
    np.testing.assert_allclose(q(W), [q(w) for w in W], rtol=1e-14)
    np.testing.assert_allclose(q.grad(W), [q.H @ w for w in W], rtol=1e-14)


def test_quadratic_matches_the_step_size_explorer():
    from mlcore.explore import gradient_descent as gd
    np.testing.assert_allclose(descent.Quadratic([0.5, 8.0], angle=30).H, gd.H2, atol=1e-15)


def test_quadratic_eigen_decomposition():
    q = descent.Quadratic([0.3, 2.0], angle=-50)
    np.testing.assert_allclose(q.Q.T @ q.Q, np.eye(2), atol=1e-15)
    np.testing.assert_allclose(q.H @ q.Q, q.Q * q.eigenvalues, atol=1e-14)
    np.testing.assert_allclose(np.linalg.eigvalsh(q.H), [0.3, 2.0], rtol=1e-14)


def test_quadratic_gradient_matches_finite_differences():
    from mlcore.gradcheck import numerical_gradient, rel_error
    q = descent.Quadratic([1.0, 3.0, 10.0])
    w = np.random.default_rng(1).standard_normal(3)
    assert rel_error(q.grad(w), numerical_gradient(q, w.copy())) < 1e-8


def test_iterate_hand_case():
    # 1-D, f = 2 x^2 (lambda = 4), lr 0.4: x_t = (1 - 1.6)^t x_0 = (-0.6)^t x_0
    q = descent.Quadratic([4.0])
    np.testing.assert_allclose(q.iterate([2.5], 0.4, 3), [2.5 * (-0.6) ** 3], rtol=1e-14)
    np.testing.assert_allclose(q.iterate([2.5], 0.4, 0), [2.5])


@pytest.mark.parametrize("lr", [0.05, 0.2, 0.2352941, 0.26])
def test_iterate_equals_the_iteration(lr):
    q = descent.Quadratic([0.5, 8.0], angle=30)
    w = np.array([-5.0, -1.5])
    w0 = w.copy()
    for t in range(1, 31):
        w = w - lr * q.grad(w)
        np.testing.assert_allclose(q.iterate(w0, lr, t), w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"eigenvalues": []}, "non-empty"),
    ({"eigenvalues": [1.0, 0.0]}, "positive"),
    ({"eigenvalues": [1.0, -2.0]}, "positive"),
    ({"eigenvalues": [[1.0, 2.0]]}, "1-D"),
    ({"eigenvalues": [1.0, 2.0, 3.0], "angle": 10}, "2-D quadratics only"),
])
def test_quadratic_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        descent.Quadratic(**kwargs)


def test_quadratic_rejects_wrong_point():
    q = descent.Quadratic([1.0, 2.0])
    with pytest.raises(ValueError, match="2 entries"):
        q([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="lr"):
        q.iterate([1.0, 1.0], 0.0, 3)
    with pytest.raises(ValueError, match="non-negative"):
        q.iterate([1.0, 1.0], 0.1, -1)


# ---------------------------------------------------------------------- contraction, optimal_lr, iterations_needed
def test_contraction_hand_cases():
    # eigenvalues 1 and 9: lr 0.1 -> max(|0.9|, |0.1|) = 0.9; lr 0.2 -> max(0.8, |-0.8|) = 0.8; lr 0.25 -> 1.25
    assert descent.contraction(0.1, [1.0, 9.0]) == pytest.approx(0.9)
    assert descent.contraction(0.2, [1.0, 9.0]) == pytest.approx(0.8)
    assert descent.contraction(0.25, [1.0, 9.0]) == pytest.approx(1.25)
    assert descent.contraction(0.5, 4.0) == pytest.approx(1.0)        # lr = 2/lambda: the border


def test_optimal_lr_hand_case_and_its_contraction():
    # eigenvalues 1 and 9: eta* = 2/10 = 0.2, rate (9 - 1)/(9 + 1) = 0.8
    assert descent.optimal_lr([9.0, 1.0]) == pytest.approx(0.2)
    rng = np.random.default_rng(2)
    for _ in range(20):
        lam = rng.uniform(0.1, 10.0, size=3)
        kappa = lam.max() / lam.min()
        eta = descent.optimal_lr(lam)
        assert descent.contraction(eta, lam) == pytest.approx((kappa - 1) / (kappa + 1))
        # it is the minimiser: any other step is worse
        for other in (0.9 * eta, 1.1 * eta):
            assert descent.contraction(other, lam) > descent.contraction(eta, lam)


def test_iterations_needed_hand_cases():
    # 0.5^t <= 1e-3: 0.5^9 = 0.00195, 0.5^10 = 0.000977 -> 10
    assert descent.iterations_needed(0.5, 1e-3) == 10
    assert descent.iterations_needed(0.0, 1e-6) == 1
    assert descent.iterations_needed(0.1, 0.01) == 2                 # exactly 0.1^2: no extra step
    rng = np.random.default_rng(3)
    for rate, tol in rng.uniform(0.05, 0.99, size=(30, 2)):
        t = descent.iterations_needed(rate, tol)
        assert rate ** t <= tol * (1 + 1e-9) and rate ** (t - 1) > tol * (1 - 1e-9) or t == 1


@pytest.mark.parametrize("call, message", [
    (lambda: descent.contraction(0.0, [1.0]), "lr"),
    (lambda: descent.optimal_lr([1.0, -1.0]), "positive"),
    (lambda: descent.iterations_needed(1.0, 0.1), "rate"),
    (lambda: descent.iterations_needed(0.5, 1.0), "tol"),
    (lambda: descent.iterations_needed(0.5, 0.0), "tol"),
])
def test_formula_functions_reject(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------- gradient_descent
def quad1d(x):
    return 2.0 * x ** 2          # f = 2 x^2, f' = 4 x


def grad1d(x):
    return 4.0 * x


def test_gradient_descent_hand_case():
    # x0 = 2.5, lr 0.1: x1 = 2.5 - 0.1 * 10 = 1.5, x2 = 1.5 - 0.1 * 6 = 0.9
    run = descent.gradient_descent(grad1d, 2.5, 0.1, f=quad1d, max_iter=2)
    np.testing.assert_allclose(run.path, [2.5, 1.5, 0.9], rtol=1e-15)
    np.testing.assert_allclose(run.values, [12.5, 4.5, 1.62], rtol=1e-14)
    np.testing.assert_allclose(run.grad_norms, [10.0, 6.0, 3.6], rtol=1e-14)
    assert (run.n_iter, run.reason) == (2, "max_iter")


def test_gradient_descent_equals_optim_sgd():
    q = descent.Quadratic([0.5, 8.0], angle=30)
    p = np.array([-5.0, -1.5])
    opt = optim.SGD([p], lr=0.2)
    expected = [p.copy()]
    for _ in range(40):
        opt.step([q.grad(p)])
        expected.append(p.copy())
    run = descent.gradient_descent(q.grad, [-5.0, -1.5], 0.2, max_iter=40)
    np.testing.assert_array_equal(run.path, np.array(expected))


def test_gradient_descent_does_not_change_x0():
    x0 = np.array([1.0, 2.0])
    descent.gradient_descent(lambda x: x, x0, 0.5, max_iter=3)
    np.testing.assert_array_equal(x0, [1.0, 2.0])


def test_gradient_rule():
    # |x_t| = 2.5 * 0.6^t; |grad| = 4 |x_t| <= 1e-3 first at t = ceil(log(1e-3/10)/log 0.6) = 19
    run = descent.gradient_descent(grad1d, 2.5, 0.1, grad_tol=1e-3, max_iter=100)
    assert (run.reason, run.n_iter) == ("gradient", 19)
    assert run.grad_norms[-1] <= 1e-3 < run.grad_norms[-2]


def test_gradient_rule_at_the_start():
    run = descent.gradient_descent(grad1d, 0.0, 0.1, grad_tol=1e-6)
    assert (run.reason, run.n_iter, run.path.shape) == ("gradient", 0, (1,))


def test_the_lectures_rule_fires_on_a_bouncing_run():
    # lr = 2/lambda = 0.5: x flips between 2.5 and -2.5, f stays 12.5, the change is 0 at once
    run = descent.gradient_descent(grad1d, 2.5, 0.5, f=quad1d, f_tol=1e-6, max_iter=100)
    assert (run.reason, run.n_iter) == ("f_change", 1)
    assert abs(run.x) == 2.5


def test_window():
    # same bouncing run, compared k = 3 updates back: first possible at t = 3
    run = descent.gradient_descent(grad1d, 2.5, 0.5, f=quad1d, f_tol=1e-6, window=3)
    assert (run.reason, run.n_iter) == ("f_change", 3)


def test_relative_rule():
    # lr 1e-3: f_t = 12.5 * 0.996^(2t); the relative change 1 - 0.996^2 = 0.007984 <= 0.01 at t = 1
    run = descent.gradient_descent(grad1d, 2.5, 1e-3, f=quad1d, rel_tol=0.01)
    assert (run.reason, run.n_iter) == ("relative", 1)
    run = descent.gradient_descent(grad1d, 2.5, 1e-3, f=quad1d, rel_tol=0.005, max_iter=50)
    assert run.reason == "max_iter"


def test_divergence_is_reported():
    # lr 0.6: factor 1 - 2.4 = -1.4; |x_t| = 2.5 * 1.4^t exceeds 1e3 first at t = 18
    run = descent.gradient_descent(grad1d, 2.5, 0.6, f=quad1d, max_norm=1e3)
    assert (run.reason, run.n_iter) == ("diverged", 18)
    assert math.isnan(run.values[-1]) and math.isnan(run.grad_norms[-1])
    run = descent.gradient_descent(lambda x: np.full_like(x, np.inf), np.array([1.0]), 0.1)
    assert run.reason == "diverged"


@pytest.mark.parametrize("kwargs, message", [
    ({"grad": 3.0}, "grad must be a function"),
    ({"lr": 0.0}, "lr"),
    ({"lr": -0.1}, "lr"),
    ({"max_iter": 0}, "max_iter"),
    ({"max_iter": 2.5}, "max_iter"),
    ({"grad_tol": -1.0}, "grad_tol"),
    ({"f_tol": 1e-3}, "pass f="),
    ({"rel_tol": 1e-3}, "pass f="),
    ({"rel_tol": 1.0, "f": quad1d}, "rel_tol"),
    ({"window": 0, "f": quad1d}, "window"),
    ({"x0": [[1.0]]}, "x0"),
    ({"f": "f"}, "f must be a function"),
    ({"grad": lambda x: np.zeros(3)}, "shape of x"),
])
def test_gradient_descent_rejects(kwargs, message):
    args = {"grad": grad1d, "x0": 2.5, "lr": 0.1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        descent.gradient_descent(args.pop("grad"), args.pop("x0"), args.pop("lr"), **args)


def test_module_docstring_example_runs():
    failures, _ = doctest.testmod(mlcore.descent, verbose=False)
    assert failures == 0
