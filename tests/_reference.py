"""Reference implementations the tests compare mlcore against.

Written independently of ``mlcore.gradcheck`` on purpose: a test of a gradient
must not lean on the code it is testing. (``mlcore.gradcheck`` is itself
tested against these in tests/test_losses.py.)
"""

import numpy as np


def rel_error(a, b):
    """max|a - b| / max(1e-8, max(|a| + |b|)), as in the book."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def centred_differences(f, x, h=1e-5):
    """Gradient of f() with respect to the live array x (e.g. a layer's W).

    x is perturbed in place, one coordinate at a time, and restored; f takes no
    argument and re-evaluates the loss.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f()
        x[idx] = old - h
        minus = f()
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad
