import numpy as np
import pytest
import sympy as sp

from mlcore import descent, optim, surfaces
from mlcore.gradcheck import numerical_gradient, numerical_jacobian, rel_error


def test_rosenbrock_value_and_minimum():
    rb = surfaces.Rosenbrock()
    assert rb([1.0, 1.0]) == 0.0
    assert rb([-1.2, 1.0]) == pytest.approx(24.2)
    assert np.allclose(rb.grad(rb.minimum), 0.0)
    pts = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert np.allclose(rb(pts), [1.0, 0.0])


@pytest.mark.parametrize("a,b", [(1.0, 100.0), (2.0, 5.0)])
def test_rosenbrock_gradient_and_hessian(a, b):
    rb = surfaces.Rosenbrock(a, b)
    x, y = sp.symbols("x y")
    f = (a - x) ** 2 + b * (y - x ** 2) ** 2
    rng = np.random.default_rng(0)
    for p in rng.normal(size=(5, 2)):
        sym = [float(sp.diff(f, v).subs({x: p[0], y: p[1]})) for v in (x, y)]
        assert np.allclose(rb.grad(p), sym, rtol=1e-12)
        assert rel_error(rb.grad(p), numerical_gradient(rb, p)) < 1e-7
        assert rel_error(rb.hessian(p), numerical_jacobian(rb.grad, p)) < 1e-7
    assert rb.grad(rng.normal(size=(4, 3, 2))).shape == (4, 3, 2)


def test_rosenbrock_rejects_bad_input():
    with pytest.raises(ValueError):
        surfaces.Rosenbrock(b=0)
    with pytest.raises(ValueError):
        surfaces.Rosenbrock()([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        surfaces.Rosenbrock().hessian(np.zeros((2, 2)))


def test_trajectory_matches_plain_gradient_descent():
    q = descent.Quadratic([1.0, 10.0], angle=30)
    path = surfaces.trajectory(q.grad, [2.0, 1.0], optim.SGD, 20, lr=0.05)
    assert path.shape == (21, 2)
    assert np.allclose(path[-1], q.iterate([2.0, 1.0], 0.05, 20), rtol=1e-12, atol=1e-14)
    assert np.array_equal(path[0], [2.0, 1.0])


def test_trajectory_with_schedule_and_divergence():
    q = descent.Quadratic([1.0])
    path = surfaces.trajectory(q.grad, [1.0], optim.SGD, 3, lr=0.5, schedule=optim.StepDecay,
                               schedule_kwargs={"step_size": 1, "gamma": 0.5})
    assert np.allclose(path[:, 0], [1.0, 0.5, 0.375, 0.328125])
    blown = surfaces.trajectory(q.grad, [1.0], optim.SGD, 500, lr=3.0, max_norm=1e3)
    assert len(blown) < 501 and np.linalg.norm(blown[-1]) > 1e3


def test_steps_to_tolerance():
    path = np.array([[3.0, 0.0], [1.0, 0.0], [0.1, 0.0], [0.0, 0.0]])
    assert surfaces.steps_to_tolerance(path, [0.0, 0.0], 0.5) == 2
    assert surfaces.steps_to_tolerance(path, [5.0, 5.0], 0.5) is None
    with pytest.raises(ValueError):
        surfaces.steps_to_tolerance(path, [0.0, 0.0], -1)
