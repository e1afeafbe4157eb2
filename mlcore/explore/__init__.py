r"""Interactive explorers: one computation in Python, one drawing in JavaScript, a live widget and a static page.

    >>> from mlcore import explore
    >>> ex = explore.step_size()
    >>> data = ex.compute(setting="1-D quadratic", lr=0.3, steps=20)   # pure: numbers only
    >>> ex.widget()      # live, in JupyterLab or on Binder (an anywidget; the kernel computes)
    >>> ex.static()      # the same controls in the browser alone (the published site)

Explorers (module in brackets)
------------------------------
``step_size()`` [gradient_descent]
    Gradient descent on a 1-D quadratic, an ill-conditioned 2-D quadratic and a
    2-8-1 network; step size, start, steps; the threshold 2/lambda_max (Chapter 5).
``depth()`` [deep_gradients]
    Per-layer gradient norms of a deep MLP at initialisation: depth, activation,
    initialisation and its scale (Chapter 12).
``activation()`` [activation_functions]
    An activation and its derivative on one plot (Chapter 2).
``linear_classifier()`` [linear_classifier]
    A 3-class linear classifier on nine 2-D points: each class's weight direction
    and bias, a common scale, hinge or cross-entropy, and the L2 penalty (Chapter 4).
``batch_size()`` [batch_size]
    Logistic regression by SGD with batch size B: noise against progress per epoch and per
    (modelled) time, and the gradient noise against B (Chapter 9).
``optimizer_race()`` [optimizer_race]
    SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam on an ill-conditioned quadratic and on
    the Rosenbrock function, with their hyperparameters as controls (Chapter 10).
``playground()`` [playground]
    A small MLP trained on a 2-D data set (moons, circles, XOR, spirals): width, depth,
    activation, lambda, dropout and the epoch; decision regions, the first layer's lines and
    train/test loss curves, precomputed into static/playground_frames.json.gz (Chapter 11).

Every explorer has
------------------
``params``
    Each control's name -> the list of values it offers (the grid).
``defaults``
    Each control's starting value.
``compute(**values)``
    The data that gets drawn (dict of arrays, floats, short strings). Pure and
    cached per grid point; values off the grid raise ValueError naming the control
    and its valid values; omitted controls take their defaults.
``widget()``
    The live form: an anywidget whose front end is the drawing below. Moving a
    control sends the controls' grid indices to the kernel, which runs
    ``compute`` and sends the result back as JSON; nothing is rendered in Python.
``to_html()``
    The static form: a self-contained ``<div>`` (inline style, JSON data and
    script; no network, no CDN) with ``compute`` precomputed over the grid,
    numbers rounded to 4 significant digits.
``static()``
    ``IPython.display.HTML(to_html())`` for a notebook cell.

Both forms run the same JavaScript, files in ``mlcore/explore/static/``:
``kit.js`` (a small SVG plotting kit), ``runtime.js`` (controls, state, redraw),
``widget.js`` (the live glue), ``explorer.css``, and one draw file per explorer.
Given the same control values they draw the same SVG.

How to add an explorer
----------------------
Subclass :class:`Explorer` (in ``base.py``, which holds the grid logic, validation,
caching, the widget and the static page) and supply ``params`` (+ ``defaults``),
a pure ``compute`` and ``js``, the name of a file whose ``function draw(ctx)``
draws ``compute``'s result with the kit. For example, an explorer of
momentum on the 1-D quadratic f(x) = 2x^2::

    import numpy as np
    from mlcore.explore import Explorer

    class Momentum(Explorer):
        title = "Momentum on f(x) = 2x²"
        params = {"lr": [0.01, 0.03, 0.1, 0.3], "momentum": [0.0, 0.5, 0.9]}
        defaults = {"lr": 0.1, "momentum": 0.5}
        labels = {"lr": "step size η", "momentum": "momentum μ"}
        js = "momentum.js"                            # next to this module, or in static/

        def compute(self, *, lr, momentum):          # called with valid grid values only
            x, b, xs = 3.0, 0.0, [3.0]
            for _ in range(50):
                b = momentum * b + 4 * x              # grad f = 4x (use mlcore.optim in real code)
                x -= lr * b
                xs.append(x)
            return {"k": np.arange(51), "x": np.array(xs)}

and ``momentum.js``::

    function draw(ctx) {                              // ctx.data: compute's dict (as JSON)
      var d = ctx.data, K = ctx.K;
      var lo = Math.min.apply(null, d.x), hi = Math.max.apply(null, d.x);
      K.panel({x: 60, y: 30, w: K.W - 80, h: K.H - 80, xlim: [0, 50], ylim: [lo, hi],
               xlabel: "step k", ylabel: "x_k"}).line(d.k, d.x);
      K.describe("x_k for 50 steps of momentum " + ctx.values.momentum);  // the SVG's accessible name
    }

A draw function reads only ``ctx.data``, ``ctx.values`` / ``ctx.index`` (each
control's value / grid index), ``ctx.grid(name)`` and the kit ``ctx.K`` (see
the top of ``kit.js``), so the page and the widget draw alike.

Useful class attributes beyond these: ``title``, ``description``, ``labels``
(control labels), ``only_when`` (a control that matters only for some values of
another, e.g. the small-init scale only for ``init="small"``: it is greyed out
otherwise and computed once), ``client_side`` (controls the drawing applies itself,
e.g. cutting a path at ``steps``: ``compute`` only ever runs at the last value of
their grids and the drawing reads the current value from ``ctx.values``),
``figsize`` (the drawing's design size, inches at 100 dpi) and ``format_value``
(how values are labelled).

Keep ``compute`` fast (the widget's update is ``compute`` plus the JSON; aim
under 16 ms: vectorise, or cache shared work with ``functools.lru_cache`` on a
module-level function, as ``step_size`` does for whole sweeps) and the static
form small (under ~1 MB): fewer grid points, fewer samples per curve,
``client_side`` controls; identical values are stored once (the JSON keeps a
pool of unique values). ``benchmarks/bench_explore.py`` measures both;
``tests/test_explore.py`` and ``tests/test_browser.py`` show how to test an
explorer, with and without a browser.
"""

from .activation_functions import ActivationExplorer, activation
from .base import Explorer
from .deep_gradients import DepthExplorer, depth
from .gradient_descent import StepSizeExplorer, step_size
from .linear_classifier import LinearClassifierExplorer, linear_classifier
from .batch_size import BatchSizeExplorer, batch_size
from .optimizer_race import OptimizerRaceExplorer, optimizer_race
from .playground import PlaygroundExplorer, playground

__all__ = ["Explorer", "step_size", "depth", "activation", "linear_classifier", "batch_size", "optimizer_race",
           "playground", "StepSizeExplorer", "DepthExplorer", "ActivationExplorer", "LinearClassifierExplorer",
           "BatchSizeExplorer", "OptimizerRaceExplorer", "PlaygroundExplorer"]
