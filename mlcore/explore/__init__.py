r"""Interactive explorers: one computation, a live widget and a static HTML page that works without a kernel.

    >>> from mlcore import explore
    >>> ex = explore.step_size()
    >>> data = ex.compute(setting="1-D quadratic", lr=0.3, steps=20)   # pure: numbers only
    >>> ex.widget()      # live, in JupyterLab or on Binder (ipywidgets + matplotlib)
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
    ipywidgets VBox: SelectionSliders for numeric grids, drop-downs for categories,
    and an Image whose PNG bytes (matplotlib Agg) are replaced on every change, so
    nothing flickers.
``to_html()``
    A self-contained ``<div>`` (inline ``<style>``, JSON data and ``<script>``; no
    network, no CDN) with ``compute`` precomputed over the grid, numbers rounded to
    4 significant digits, drawn into inline SVG by a small hand-written JS kit.
``static()``
    ``IPython.display.HTML(to_html())`` for a notebook cell.

How to add an explorer
----------------------
Subclass :class:`Explorer` (in ``base.py``, which holds the grid logic, validation,
caching, the widget and the HTML/JS shell) and supply four things: ``params`` (+
``defaults``), ``compute``, a matplotlib ``draw(data, fig)`` and a JS ``draw_js``
that draws the same data with the kit in ``_js.py``. For example, an explorer of
momentum on the 1-D quadratic f(x) = 2x^2::

    import numpy as np
    from mlcore.explore import Explorer

    class Momentum(Explorer):
        title = "Momentum on f(x) = 2x²"
        params = {"lr": [0.01, 0.03, 0.1, 0.3], "momentum": [0.0, 0.5, 0.9]}
        defaults = {"lr": 0.1, "momentum": 0.5}
        labels = {"lr": "step size η", "momentum": "momentum μ"}

        def compute(self, *, lr, momentum):          # called with valid grid values only
            x, b, xs = 3.0, 0.0, [3.0]
            for _ in range(50):
                b = momentum * b + 4 * x              # grad f = 4x (use mlcore.optim in real code)
                x -= lr * b
                xs.append(x)
            return {"k": np.arange(51), "x": np.array(xs)}

        def draw(self, data, fig):                    # matplotlib, for widget()
            ax = fig.add_subplot()
            ax.plot(data["k"], data["x"])
            ax.set_xlabel("step k")
            ax.set_ylabel("x_k")

        draw_js = '''function (ctx) {                 // the same plot in SVG, for to_html()
          var d = ctx.data, K = ctx.K;
          var lo = Math.min.apply(null, d.x), hi = Math.max.apply(null, d.x);
          K.panel({x: 60, y: 30, w: K.W - 80, h: K.H - 80, xlim: [0, 50], ylim: [lo, hi],
                   xlabel: "step k", ylabel: "x_k"}).line(d.k, d.x);
        }'''

Useful class attributes beyond these: ``labels`` (control labels), ``only_when``
(a control that matters only for some values of another, e.g. the small-init
scale only for ``init="small"``: it is greyed out otherwise and computed once),
``client_side`` (controls the JS applies itself, e.g. truncating a path to
``steps``: frames are precomputed only at the grid's last value; the JS reads the
current value from ``ctx.values``), ``figsize`` (inches at 100 dpi; the SVG gets
the same size in pixels) and ``format_value`` (how values are labelled).

Keep ``compute`` under ~100 ms at every grid point (vectorise, or cache shared
work with ``functools.lru_cache`` on a module-level function, as ``step_size``
does for whole sweeps) and the static form under ~2 MB: fewer grid points, fewer
samples per curve, ``client_side`` controls, and identical arrays are stored
once (the JSON keeps a pool of unique values). ``benchmarks/bench_explore.py``
measures both; ``tests/test_explore.py`` and ``tests/test_browser.py`` show how
to test an explorer, with and without a browser.
"""

from .activation_functions import ActivationExplorer, activation
from .base import Explorer
from .deep_gradients import DepthExplorer, depth
from .gradient_descent import StepSizeExplorer, step_size

__all__ = ["Explorer", "step_size", "depth", "activation", "StepSizeExplorer", "DepthExplorer",
           "ActivationExplorer"]
