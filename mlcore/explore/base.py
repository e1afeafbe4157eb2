"""The :class:`Explorer` base class: grid, validation, caching, widget and static HTML.

An explorer is a pure function ``compute(**values) -> dict`` over a finite grid
of control values, plus two ways of drawing its result: ``draw(data, fig)``
with matplotlib (for the live ipywidgets UI) and a JavaScript function (for
the static HTML, which precomputes ``compute`` over the grid). See the package
docstring of :mod:`mlcore.explore` for how to write one.
"""

from __future__ import annotations

import functools
import html
import io
import itertools
import json
import math
import numbers
import time
from collections import OrderedDict

import numpy as np

from . import _js

__all__ = ["Explorer", "encode_json"]

_COUNTER = itertools.count(1)


# ---------------------------------------------------------------------- JSON for the static form
def _num(v) -> str:
    """A float as compact JSON with 4 significant digits (NaN and inf become null)."""
    v = float(v)
    if not math.isfinite(v):
        return "null"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = format(v, ".4g")
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def encode_json(value) -> str:
    """Compact JSON of numbers, strings, bools, lists/tuples, dicts and NumPy arrays.

    Floats are rounded to 4 significant digits; NaN and inf are written as null.
    """
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _num(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            return encode_json(value.tolist())
        if value.ndim == 0:
            return encode_json(value.item())
        if value.ndim == 1:
            if np.issubdtype(value.dtype, np.integer):
                return "[" + ",".join(str(int(v)) for v in value.tolist()) + "]"
            return "[" + ",".join(_num(v) for v in value.tolist()) + "]"
        return "[" + ",".join(encode_json(row) for row in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + encode_json(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode_json(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} for the static explorer")


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _log_label(v, pos=None) -> str:
    if v <= 0:
        return ""
    e = int(round(math.log10(v)))
    return f"{10.0 ** e:g}" if -3 <= e <= 4 else "10" + str(e).translate(_SUPERSCRIPT)


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _same(a, b) -> bool:
    """Grid membership: numbers match within 1e-9 (relative), tuples elementwise, others exactly."""
    if _is_number(a) and _is_number(b):
        a, b = float(a), float(b)
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    if isinstance(a, tuple) and isinstance(b, (tuple, list, np.ndarray)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return False


def _freeze(data: dict) -> dict:
    """Make the arrays of a cached result read-only, so no caller can change the cache."""
    for v in data.values():
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return data


# ---------------------------------------------------------------------- the base class
class Explorer:
    """Base class of the interactive explorers.

    **Class attributes a subclass sets**

    title, description : str
        Shown above the controls.
    params : dict name -> list
        Each control's grid of values, in display order. Numbers get a slider;
        anything else (strings, tuples) a drop-down or toggle buttons.
    defaults : dict name -> value
        A value on each grid.
    labels : dict name -> str
        The controls' labels (default: the name).
    only_when : dict name -> {other: [values]}
        The control matters only when every ``other`` control has one of the
        listed values; otherwise ``compute`` replaces it by its default (so
        results are cached and precomputed once) and the UIs grey it out.
    client_side : tuple of names
        Controls the JavaScript applies itself (e.g. truncating a path to a
        number of steps): the static form precomputes frames only at the last
        value of their grids.
    figsize : tuple
        ``(width, height)`` in inches at ``dpi`` (the SVG has the same size in pixels).
    draw_js : str
        ``function (ctx) { ... }`` drawing one frame with the shared kit (see ``_js.py``).

    **Methods a subclass writes**

    ``compute(self, **values) -> dict``
        Pure: from one value per control to the numbers that get drawn (NumPy
        arrays, floats, short strings). Write it as if every value were valid:
        the base class wraps it to check the values against the grid, fill in
        defaults, canonicalise (``only_when``) and cache.
    ``draw(self, data, fig)``
        Draw ``compute``'s result on a matplotlib Figure.
    """

    title = ""
    description = ""
    params: dict = {}
    defaults: dict = {}
    labels: dict = {}
    only_when: dict = {}
    client_side: tuple = ()
    figsize = (9.0, 3.4)
    dpi = 100
    continuous_update = True
    cache_size = 4096
    shared_caches: tuple = ()  # functools.lru_cache'd helpers that clear_cache() also clears
    draw_js = "function (ctx) {}"

    # ---------------------------------------------------------------- subclass hook
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        raw = cls.__dict__.get("compute")
        if raw is not None and not getattr(raw, "_explorer_wrapped", False):
            cls._compute_raw = raw

            @functools.wraps(raw)
            def compute(self, **values):
                return self._compute_checked(values, cached=True)

            compute._explorer_wrapped = True
            cls.compute = compute
        if "params" in cls.__dict__ or "defaults" in cls.__dict__:
            cls._check_spec()

    @classmethod
    def _check_spec(cls):
        """Catch authoring mistakes when the class is defined."""
        if set(cls.params) != set(cls.defaults):
            raise TypeError(f"{cls.__name__}: params and defaults must name the same controls "
                            f"({sorted(cls.params)} vs {sorted(cls.defaults)})")
        for name, grid in cls.params.items():
            if not isinstance(grid, list) or not grid:
                raise TypeError(f"{cls.__name__}.params[{name!r}] must be a non-empty list")
            if not any(_same(g, cls.defaults[name]) for g in grid):
                raise TypeError(f"{cls.__name__}.defaults[{name!r}] = {cls.defaults[name]!r} is not on its grid")
        for name, cond in cls.only_when.items():
            if name not in cls.params or any(o not in cls.params for o in cond):
                raise TypeError(f"{cls.__name__}.only_when[{name!r}] names unknown controls")
        for name in cls.client_side:
            if name not in cls.params:
                raise TypeError(f"{cls.__name__}.client_side names unknown control {name!r}")

    # ---------------------------------------------------------------- values
    def label(self, name) -> str:
        return self.labels.get(name, name)

    def format_value(self, name, value) -> str:
        """How a grid value is shown next to its control."""
        if isinstance(value, tuple):
            return "(" + ", ".join(self.format_value(name, v) for v in value) + ")"
        if _is_number(value):
            return f"{value:g}"
        return str(value)

    def _grid_listing(self, name) -> str:
        grid = self.params[name]
        shown = ", ".join(self.format_value(name, v) if not isinstance(v, str) else repr(v) for v in grid)
        if all(_is_number(v) for v in grid):
            return f"one of the {len(grid)} grid values from {grid[0]:g} to {grid[-1]:g}: {shown}"
        return f"one of {shown}"

    def check(self, **values) -> dict:
        """Every control's value (defaults filled in), snapped to its grid entry.

        Raises ValueError naming the control and its valid values for anything off the grid.
        """
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            raise ValueError(f"{type(self).__name__} has no control {unknown[0]!r}; "
                             f"its controls are {', '.join(self.params)}")
        out = {}
        for name, grid in self.params.items():
            value = values.get(name, self.defaults[name])
            for g in grid:
                if _same(g, value):
                    out[name] = g
                    break
            else:
                raise ValueError(f"{name}={value!r} is not on the grid of the {self.label(name)!r} control; "
                                 f"{name} must be {self._grid_listing(name)}")
        return out

    def is_active(self, name, values) -> bool:
        """Does control ``name`` matter for these values (see ``only_when``)?"""
        cond = self.only_when.get(name, {})
        return all(any(_same(values[other], ok) for ok in allowed) for other, allowed in cond.items())

    def canonical(self, **values) -> dict:
        """Checked values with every inactive control reset to its default."""
        values = self.check(**values)
        for name in self.params:
            if not self.is_active(name, values):
                values[name] = self.check(**{name: self.defaults[name]})[name]
        return values

    # ---------------------------------------------------------------- compute + cache
    def _compute_checked(self, values, *, cached):
        values = self.canonical(**values)
        if not cached:
            return self._compute_raw(**values)
        cache = self.__dict__.setdefault("_cache", OrderedDict())
        key = tuple(values[name] for name in self.params)
        if key in cache:
            cache.move_to_end(key)
        else:
            cache[key] = _freeze(self._compute_raw(**values))
            if len(cache) > self.cache_size:
                cache.popitem(last=False)
        return dict(cache[key])

    def compute_uncached(self, **values) -> dict:
        """``compute`` without the cache (same checks); for tests and benchmarks."""
        return self._compute_checked(values, cached=False)

    def clear_cache(self, shared=True):
        """Forget cached results (and, with ``shared``, the module-level caches in ``shared_caches``)."""
        self.__dict__.pop("_cache", None)
        if shared:
            for cached in self.shared_caches:
                cached.cache_clear()

    def compute(self, **values) -> dict:  # replaced by the wrapper in every subclass
        raise NotImplementedError

    def draw(self, data, fig):  # pragma: no cover - abstract
        raise NotImplementedError

    def grid_points(self, *, canonical=True, static=False):
        """Every combination of control values (only canonical ones by default).

        ``static=True`` fixes the client-side controls at their last value (the
        frames the static form embeds).
        """
        names = list(self.params)
        grids = [[self.params[n][-1]] if static and n in self.client_side else self.params[n] for n in names]
        seen = set()
        for combo in itertools.product(*grids):
            values = dict(zip(names, combo))
            if canonical:
                values = self.canonical(**values)
                key = tuple(values[n] for n in names)
                if key in seen:
                    continue
                seen.add(key)
            yield values

    # ---------------------------------------------------------------- matplotlib + widget
    def render(self, fig=None, **values) -> bytes:
        """PNG bytes of ``draw(compute(**values))`` (Agg, no pyplot, nothing displayed)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        data = self.compute(**values)
        if fig is None:
            fig = Figure(figsize=self.figsize, dpi=self.dpi)
        fig.clear()
        FigureCanvasAgg(fig)
        self.draw(data, fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=self.dpi, facecolor="white")
        return buf.getvalue()

    @staticmethod
    def log_axis(ax, which="y"):
        """Fast, readable log axis: no minor ticks, labels 0.01 ... 1000 or 10⁻⁵ (no mathtext)."""
        from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

        axis = ax.yaxis if which == "y" else ax.xaxis
        (ax.set_yscale if which == "y" else ax.set_xscale)("log")
        axis.set_major_locator(LogLocator(base=10, numticks=8))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(_log_label))

    def widget(self):
        """The live ipywidgets UI: controls over the grid and an Image redrawn on every change.

        Numeric grids get a SelectionSlider (showing the value), categories a
        Dropdown; every change recomputes and swaps the Image's PNG bytes, so
        nothing is cleared and nothing flickers.

        Returns a VBox with extra attributes ``controls`` (name -> widget) and
        ``image`` (the Image widget), e.g. for tests.
        """
        import ipywidgets as W
        from matplotlib.figure import Figure

        controls = {}
        for name, grid in self.params.items():
            options = [(self.format_value(name, v), v) for v in grid]
            common = dict(options=options, value=self.check(**{name: self.defaults[name]})[name],
                          description=self.label(name), style={"description_width": "initial"})
            if all(_is_number(v) for v in grid):
                control = W.SelectionSlider(continuous_update=self.continuous_update, readout=True,
                                            layout=W.Layout(width="330px"), **common)
            else:  # categories: a drop-down, like the static form's <select>
                control = W.Dropdown(layout=W.Layout(width="max-content", min_width="200px"), **common)
            controls[name] = control

        fig = Figure(figsize=self.figsize, dpi=self.dpi)
        width = int(self.figsize[0] * self.dpi)

        def current():
            return {name: c.value for name, c in controls.items()}

        image = W.Image(format="png", layout=W.Layout(width="100%", max_width=f"{width}px", height="auto"))

        def update(change=None):
            values = current()
            for name, c in controls.items():
                c.disabled = not self.is_active(name, values)
            image.value = self.render(fig, **values)

        for c in controls.values():
            c.observe(update, names="value")
        update()
        header = W.HTML(f"<b>{html.escape(self.title)}</b><br><span style='font-size:90%'>"
                        f"{html.escape(self.description)}</span>")
        controls_box = W.HBox(list(controls.values()), layout=W.Layout(flex_flow="row wrap", grid_gap="2px 16px"))
        box = W.VBox([header, controls_box, image], layout=W.Layout(padding="0 0 0 6px"))
        box.controls = controls
        box.image = image
        return box

    # ---------------------------------------------------------------- static HTML
    def static_data(self) -> dict:
        """What the static form embeds: controls, and every frame as references into a value pool.

        Identical values (a grid, a contour set, a path shared by several
        frames) are stored once in ``pool``; ``frames[key]`` maps each field to
        its pool index, with ``key`` the comma-joined grid indices of the
        non-client-side controls.
        """
        names = list(self.params)
        pool, pool_index, frames = [], {}, {}
        for values in self.grid_points(static=True):
            idx = {n: next(i for i, g in enumerate(self.params[n]) if _same(g, values[n])) for n in names}
            key = ",".join(str(idx[n]) for n in names if n not in self.client_side)
            refs = {}
            for field, v in self.compute(**values).items():
                text = encode_json(v)
                if text not in pool_index:
                    pool_index[text] = len(pool)
                    pool.append(text)
                refs[field] = pool_index[text]
            frames[key] = refs
        controls = []
        for n in names:
            grid = self.params[n]
            cond = self.only_when.get(n, {})
            controls.append({
                "name": n, "label": self.label(n),
                "values": [list(v) if isinstance(v, tuple) else v for v in grid],
                "labels": [self.format_value(n, v) for v in grid],
                "def": next(i for i, g in enumerate(grid) if _same(g, self.defaults[n])),
                "client": n in self.client_side,
                "kind": "range" if all(_is_number(v) for v in grid) else "select",
                "when": {o: [i for i, g in enumerate(self.params[o]) if any(_same(g, a) for a in allowed)]
                         for o, allowed in cond.items()},
            })
        return {"controls": controls, "pool": pool, "frames": frames,
                "width": int(self.figsize[0] * self.dpi), "height": int(self.figsize[1] * self.dpi)}

    def _spec_json(self) -> str:
        data = self.static_data()
        pool = "[" + ",".join(data.pop("pool")) + "]"
        head = encode_json(data)
        text = head[:-1] + ',"pool":' + pool + "}"
        # Safe inside <script>: "<" only occurs in strings, where \u003c means the same.
        return text.replace("<", "\\u003c")

    def to_html(self) -> str:
        """A self-contained ``<div>`` (inline style, data and script) whose controls work without a kernel."""
        uid = f"mlx-{type(self).__name__.lower()}-{next(_COUNTER)}"
        spec = self._spec_json()
        width, height = int(self.figsize[0] * self.dpi), int(self.figsize[1] * self.dpi)
        rows = []
        for name, grid in self.params.items():
            cid = f"{uid}-c-{name}"
            default = next(i for i, g in enumerate(grid) if _same(g, self.defaults[name]))
            label = html.escape(self.label(name))
            if all(_is_number(v) for v in grid):
                control = (f'<input type="range" id="{cid}" min="0" max="{len(grid) - 1}" step="1" '
                           f'value="{default}" aria-label="{label}">'
                           f'<output id="{uid}-v-{name}" for="{cid}">'
                           f'{html.escape(self.format_value(name, grid[default]))}</output>')
            else:
                opts = "".join(f'<option value="{i}"{" selected" if i == default else ""}>'
                               f'{html.escape(self.format_value(name, v))}</option>' for i, v in enumerate(grid))
                control = f'<select id="{cid}" aria-label="{label}">{opts}</select>'
            rows.append(f'<div class="mlx-ctl" id="{uid}-box-{name}"><label for="{cid}">{label}</label>{control}</div>')
        script = (_js.RUNTIME.replace("%%UID%%", uid).replace("%%KIT%%", _js.KIT)
                  .replace("%%DRAW%%", self.draw_js.strip()))
        style = _STYLE.replace("#UID", f"#{uid}")
        return (f'<div class="mlx" id="{uid}">\n<style>{style}</style>\n'
                f'<div class="mlx-title">{html.escape(self.title)}</div>\n'
                f'<div class="mlx-desc">{html.escape(self.description)}</div>\n'
                f'<div class="mlx-ctls">{"".join(rows)}</div>\n'
                f'<svg id="{uid}-svg" class="mlx-svg" viewBox="0 0 {width} {height}" role="img" '
                f'aria-label="{html.escape(self.title)}" preserveAspectRatio="xMidYMid meet"></svg>\n'
                f'<div class="mlx-note" id="{uid}-note"></div>\n'
                f'<script type="application/json" id="{uid}-data">{spec}</script>\n'
                f'<script>{script}</script>\n</div>')

    def static(self):
        """The static form for a notebook cell (works on the published site, no kernel)."""
        from IPython.display import HTML
        return HTML(self.to_html())

    def timings(self, points=None):
        """Seconds per ``compute_uncached`` call at every (canonical) grid point, for the benchmark."""
        out = []
        for values in (points if points is not None else self.grid_points()):
            start = time.perf_counter()
            self.compute_uncached(**values)
            out.append(time.perf_counter() - start)
        return np.array(out)

    def __repr__(self):
        return f"{type(self).__name__}(controls={list(self.params)})"


_STYLE = """
#UID{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;
background:#fff;border:1px solid #d8d8d8;border-radius:6px;padding:10px 12px;margin:10px 0;max-width:920px}
#UID .mlx-title{font-weight:600;font-size:15px;margin-bottom:2px}
#UID .mlx-desc{font-size:13px;color:#555;margin-bottom:6px}
#UID .mlx-ctls{display:flex;flex-wrap:wrap;gap:4px 18px;margin:4px 0 6px}
#UID .mlx-ctl{display:flex;align-items:center;gap:6px;font-size:13px}
#UID .mlx-ctl label{color:#333}
#UID .mlx-ctl input[type=range]{width:150px;margin:0;accent-color:#1f77b4}
#UID .mlx-ctl output{display:inline-block;min-width:56px;font-variant-numeric:tabular-nums;font-weight:600}
#UID .mlx-ctl select{font-size:13px;padding:1px 4px;border:1px solid #bbb;border-radius:3px;background:#fff;color:#222}
#UID .mlx-off{opacity:.38}
#UID .mlx-svg{width:100%;height:auto;display:block}
#UID .mlx-svg text{font-family:inherit}
#UID .mlx-svg .tk{font-size:11px;fill:#444}
#UID .mlx-svg .lb{font-size:12.5px}
#UID .mlx-svg .pt{font-size:13px;font-weight:600}
#UID .mlx-svg .an{font-size:11.5px}
#UID .mlx-svg .lg{font-size:11.5px}
#UID .mlx-svg .st{font-size:13px}
#UID .mlx-note{font-size:12px;color:#b00}
"""
