"""The :class:`Explorer` base class: grid, validation, caching, the live widget and the static HTML.

An explorer is a pure function ``compute(**values) -> dict`` over a finite grid
of control values plus one JavaScript draw function (a file in ``static/``).
The static HTML precomputes ``compute`` over the grid and draws in the browser;
the live widget (an anywidget, :mod:`mlcore.explore.widget`) computes in the
kernel on every change and sends the same JSON to the same drawing. See the
package docstring of :mod:`mlcore.explore` for how to write one.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import numbers
import time
from collections import OrderedDict

import numpy as np

from . import _assets

__all__ = ["Explorer", "encode_json"]

_COUNTER = itertools.count(1)


# ---------------------------------------------------------------------- JSON for the static form
def _num(v) -> str:
    """A float as compact JSON with 4 significant digits (NaN and inf become null)."""
    v = float(v)
    if v != v or v in (math.inf, -math.inf):
        return "null"
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    s = format(v, ".4g")
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def _encode_array(value: np.ndarray) -> str:
    if value.ndim == 0:
        return encode_json(value.item())
    if value.size == 0:
        return encode_json(value.tolist())
    flat = value.ravel().tolist()
    if value.dtype == bool:
        items = ["true" if v else "false" for v in flat]
    elif np.issubdtype(value.dtype, np.integer):
        items = [str(v) for v in flat]
    else:
        items = [_num(v) for v in flat]
    for n in reversed(value.shape[1:]):          # nest the rows back, innermost first
        items = ["[" + ",".join(items[i:i + n]) + "]" for i in range(0, len(items), n)]
    return "[" + ",".join(items) + "]"


def encode_json(value) -> str:
    """Compact JSON of numbers, strings, bools, lists/tuples, dicts and NumPy arrays.

    Floats are rounded to 4 significant digits; NaN and inf are written as null.
    """
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _num(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + encode_json(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode_json(v) for v in value) + "]"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _num(value)
    raise TypeError(f"cannot encode {type(value).__name__} for the static explorer")


_NUMBER_TYPES = (int, float, np.integer, np.floating)


def _is_number(v) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return False
    return isinstance(v, _NUMBER_TYPES) or isinstance(v, numbers.Real)


def _same(a, b) -> bool:
    """Grid membership: numbers match within 1e-9 (relative), tuples elementwise, others exactly."""
    if a is b:
        return True
    if _is_number(a) and _is_number(b):
        a, b = float(a), float(b)
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    if isinstance(a, tuple) and isinstance(b, (tuple, list, np.ndarray)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return False


def _immutable(v) -> bool:
    """A read-only array, or a tuple of them: safe to remember by identity while it is alive."""
    if isinstance(v, np.ndarray):
        return not v.flags.writeable
    return isinstance(v, tuple) and all(isinstance(x, np.ndarray) and not x.flags.writeable for x in v)


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
        anything else (strings, tuples) a drop-down.
    defaults : dict name -> value
        A value on each grid.
    labels : dict name -> str
        The controls' labels (default: the name).
    only_when : dict name -> {other: [values]}
        The control matters only when every ``other`` control has one of the
        listed values; otherwise ``compute`` replaces it by its default (so
        results are cached and precomputed once) and the UIs grey it out.
    client_side : tuple of names
        Controls the drawing applies itself (e.g. cutting a path at a number of
        steps): ``compute`` is only ever asked for the last value of their grids,
        by both forms, and the draw function reads the current value from
        ``ctx.values`` / ``ctx.index``.
    figsize : tuple
        ``(width, height)`` in inches at ``dpi``: the drawing's design size in pixels.
    js : str
        The draw file: ``function draw(ctx) { ... }`` using the kit of ``static/kit.js``.
        A bare name is looked up next to the module of the class, then in its
        ``static/`` folder, then in ``mlcore/explore/static/``.

    **The one method a subclass writes**

    ``compute(self, **values) -> dict``
        Pure: from one value per control to the numbers that get drawn (NumPy
        arrays, floats, short strings). Write it as if every value were valid:
        the base class wraps it to check the values against the grid, fill in
        defaults, canonicalise (``only_when``) and cache.
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
    cache_size = 4096
    shared_caches: tuple = ()  # functools.lru_cache'd helpers that clear_cache() also clears
    js = ""

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
        lookup = self._lookup()
        for name, grid in self.params.items():
            value = values.get(name, self.defaults[name])
            try:
                hit = lookup[name].get(value)      # the grid's own values: a dictionary look-up
            except TypeError:                      # unhashable (a list for a tuple control)
                hit = None
            if isinstance(value, (bool, np.bool_)):   # True == 1, but a bool is not a number here
                hit = None
            if hit is not None:
                out[name] = grid[hit]
                continue
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

    def _lookup(self) -> dict:
        """name -> {grid value: index}, for the fast path of check() and index_of()."""
        table = self.__dict__.get("_lookup_table")
        if table is None:
            table = {}
            for name, grid in self.params.items():
                entries = {}
                for i, g in enumerate(grid):
                    try:
                        entries.setdefault(g, i)
                    except TypeError:
                        pass
                table[name] = entries
            self.__dict__["_lookup_table"] = table
        return table

    def index_of(self, name, value) -> int:
        """The grid index of a (checked) value of control ``name``."""
        try:
            hit = self._lookup()[name].get(value)
        except TypeError:
            hit = None
        if hit is not None and not isinstance(value, (bool, np.bool_)):
            return hit
        return next(i for i, g in enumerate(self.params[name]) if _same(g, value))

    def indices(self, **values) -> dict:
        """Each control's grid index for these values (defaults filled in): what the widget's ``values`` holds."""
        values = self.check(**values)
        return {name: self.index_of(name, values[name]) for name in self.params}

    def from_indices(self, indices) -> dict:
        """The values at these grid indices (missing controls: their defaults); ValueError for a bad index."""
        unknown = sorted(set(indices) - set(self.params))
        if unknown:
            raise ValueError(f"{type(self).__name__} has no control {unknown[0]!r}")
        out = {}
        for name, grid in self.params.items():
            if name not in indices:
                out[name] = self.check(**{name: self.defaults[name]})[name]
                continue
            i = indices[name]
            if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 0 <= i < len(grid):
                raise ValueError(f"index {i!r} of control {name!r} is not in 0..{len(grid) - 1}")
            out[name] = grid[int(i)]
        return out

    def frame_values(self, **values) -> dict:
        """The values ``compute`` is run at for a picture of these values: canonical, with every
        client-side control at the last value of its grid (both forms draw from this frame)."""
        values = self.canonical(**values)
        for name in self.client_side:
            values[name] = self.params[name][-1]
        return values

    def frame_key(self, **values) -> str:
        """The frame's key: the comma-joined grid indices of the controls that are not client-side
        (of the canonical values), as the JavaScript runtime computes it."""
        values = self.canonical(**values)
        return ",".join(str(self.index_of(n, values[n])) for n in self.params if n not in self.client_side)

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
        """Forget cached results and frames (and, with ``shared``, the module-level caches in ``shared_caches``)."""
        self.__dict__.pop("_cache", None)
        self.__dict__.pop("_json_cache", None)
        if shared:
            for cached in self.shared_caches:
                cached.cache_clear()

    def compute(self, **values) -> dict:  # replaced by the wrapper in every subclass
        raise NotImplementedError

    def frame_json(self, **values) -> tuple[str, str]:
        """``(key, json)``: the frame for these values as the live widget sends it: ``compute`` at
        :meth:`frame_values`, encoded by :func:`encode_json` (4 significant digits), cached."""
        key = self.frame_key(**values)
        cache = self.__dict__.setdefault("_json_cache", OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return key, cache[key]
        text = encode_json(self.compute(**self.frame_values(**values)))
        cache[key] = text
        if len(cache) > self.cache_size:
            cache.popitem(last=False)
        return key, text

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

    # ---------------------------------------------------------------- what both forms share
    def spec(self) -> dict:
        """The controls, title and size: what the runtime needs besides the frames."""
        controls = []
        for n, grid in self.params.items():
            cond = self.only_when.get(n, {})
            controls.append({
                "name": n, "label": self.label(n),
                "values": [list(v) if isinstance(v, tuple) else v for v in grid],
                "labels": [self.format_value(n, v) for v in grid],
                "def": self.index_of(n, self.defaults[n]),
                "client": n in self.client_side,
                "kind": "range" if all(_is_number(v) for v in grid) else "select",
                "when": {o: [i for i, g in enumerate(self.params[o]) if any(_same(g, a) for a in allowed)]
                         for o, allowed in cond.items()},
            })
        return {"name": type(self).__name__.lower(), "title": self.title, "description": self.description,
                "controls": controls, "width": int(self.figsize[0] * self.dpi),
                "height": int(self.figsize[1] * self.dpi)}

    # ---------------------------------------------------------------- live widget
    def widget(self):
        """The live widget: an anywidget drawing with the same JavaScript as the static form.

        Moving a control sets the widget's ``values`` (grid indices); the kernel
        runs ``compute`` (cached) and sends the frame as JSON (``key``, ``data``).
        ``widget.set(lr=0.3)`` moves controls from Python; ``widget.current()``
        returns the values shown. See :class:`mlcore.explore.widget.ExplorerWidget`.
        """
        from .widget import ExplorerWidget
        return ExplorerWidget.for_explorer(self)

    # ---------------------------------------------------------------- static HTML
    def static_data(self) -> dict:
        """What the static form embeds: :meth:`spec`, and every frame as references into a value pool.

        Identical values (a grid, a contour set, a path shared by several
        frames) are stored once in ``pool``, the most used first. A field with
        the same value in every frame is stored once in ``const`` (field -> pool
        index). ``frames`` is a flat list over every combination of the grid
        indices of the controls that are not client-side (``dims`` holds their
        grid sizes; the first control varies slowest, see :meth:`frame_index`):
        for each canonical combination, the pool index of each name in ``fields``
        (-1: this frame has no such field); 0 for combinations that are never
        looked up (an inactive control off its default).
        """
        pool, pool_index, fields, field_index, frames = [], {}, [], {}, {}
        names = [n for n in self.params if n not in self.client_side]
        shared = {}    # id -> (object, text) for read-only arrays that frames share (kept alive here)
        for values in self.grid_points(static=True):
            refs = {}
            for field, v in self.compute(**values).items():
                hit = shared.get(id(v))
                if hit is not None and hit[0] is v:
                    text = hit[1]
                else:
                    text = encode_json(v)
                    if _immutable(v):
                        shared[id(v)] = (v, text)
                if text not in pool_index:
                    pool_index[text] = len(pool)
                    pool.append(text)
                if field not in field_index:
                    field_index[field] = len(fields)
                    fields.append(field)
                refs[field_index[field]] = pool_index[text]
            frames[self.frame_index(**values)] = refs
        # Fields with one value everywhere are stored once.
        first = next(iter(frames.values()))
        const = {f: first[i] for i, f in enumerate(fields)
                 if i in first and all(refs.get(i) == first[i] for refs in frames.values())}
        varying = [i for i, f in enumerate(fields) if f not in const]
        # Renumber the pool by how often frames refer to each value: frequent values get short indices.
        counts = np.zeros(len(pool), dtype=np.int64)
        for refs in frames.values():
            for i in varying:
                if i in refs:
                    counts[refs[i]] += 1
        order = np.argsort(-counts, kind="stable")
        new_index = np.empty(len(pool), dtype=np.int64)
        new_index[order] = np.arange(len(pool))
        pool = [pool[i] for i in order]
        dims = [len(self.params[n]) for n in names]
        flat = [0] * int(np.prod(dims))
        for k, refs in frames.items():
            flat[k] = [int(new_index[refs[i]]) if i in refs else -1 for i in varying]
        return {**self.spec(), "fields": [fields[i] for i in varying], "dims": dims,
                "const": {f: int(new_index[i]) for f, i in const.items()}, "pool": pool, "frames": flat}

    def frame_index(self, **values) -> int:
        """The position of the frame for these values in the static form's ``frames`` list."""
        values = self.canonical(**values)
        k = 0
        for n in self.params:
            if n not in self.client_side:
                k = k * len(self.params[n]) + self.index_of(n, values[n])
        return k

    def _spec_json(self) -> str:
        data = self.static_data()
        pool = "[" + ",".join(data.pop("pool")) + "]"
        head = encode_json(data)
        text = head[:-1] + ',"pool":' + pool + "}"
        # Safe inside <script>: "<" only occurs in strings, where \u003c means the same.
        return text.replace("<", "\\u003c")

    def to_html(self) -> str:
        """A self-contained ``<div>`` (inline style, data and script) whose controls work without a kernel.

        The script is the kit, the runtime and this explorer's draw file, read
        from ``static/`` and inlined; it builds the controls and the SVG.
        """
        uid = f"mlx-{type(self).__name__.lower()}-{next(_COUNTER)}"
        return (f'<div class="mlx" id="{uid}" data-explorer="{type(self).__name__.lower()}">'
                f"<style>{_assets.css()}</style>\n"
                f'<script type="application/json" id="{uid}-data">{self._spec_json()}</script>\n'
                f"<script>{_assets.static_script(type(self), uid)}</script>\n</div>")

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
