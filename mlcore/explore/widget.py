"""The live explorer: an anywidget whose front end is the static form's own JavaScript.

The front end (``static/widget.js`` + the kit, the runtime and the explorer's
draw file) builds the same controls and SVG as the static page. Moving a
control sets ``values`` (each control's grid index); :meth:`ExplorerWidget._on_values`
runs ``compute`` in the kernel (cached) and sends back ``key`` and ``data``
(the JSON the static form embeds, 4 significant digits); the front end redraws.
Nothing is rendered in Python, so an update costs ``compute`` plus the JSON.
"""

from __future__ import annotations

import json

import anywidget
import traitlets

from . import _assets

__all__ = ["ExplorerWidget"]

_CLASSES: dict = {}


class ExplorerWidget(anywidget.AnyWidget):
    """A live explorer. Build it with ``explorer.widget()``.

    Traits synchronised with the front end: ``spec`` (controls, title, size;
    JSON), ``values`` (control name -> grid index), ``key`` and ``data`` (the
    frame computed for ``values``: its key and compute's result as JSON) and
    ``error`` (a message if compute failed, else "").
    """

    spec = traitlets.Unicode("{}").tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    key = traitlets.Unicode("").tag(sync=True)
    data = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    @classmethod
    def for_explorer(cls, explorer) -> "ExplorerWidget":
        """A widget for ``explorer``; one subclass per explorer class carries its ES module."""
        kind = type(explorer)
        path = _assets.draw_path(kind)
        stamp = (path, path.stat().st_mtime_ns, *(p.stat().st_mtime_ns for p in _assets.STATIC.iterdir()))
        sub = _CLASSES.get(kind)
        if sub is None or sub._stamp != stamp:
            sub = type(f"{kind.__name__}Widget", (cls,),
                       {"_esm": _assets.esm(kind), "_css": _assets.css(), "_stamp": stamp,
                        "__module__": __name__})
            _CLASSES[kind] = sub
        return sub(explorer)

    def __init__(self, explorer, **kwargs):
        super().__init__(**kwargs)
        self.explorer = explorer
        self.spec = json.dumps(explorer.spec(), ensure_ascii=False)
        self.observe(self._on_values, names="values")
        self.values = explorer.indices()

    def _on_values(self, change):
        try:
            values = self.explorer.from_indices(change["new"])
            key, text = self.explorer.frame_json(**values)
        except Exception as exc:  # noqa: BLE001 - shown under the drawing, the kernel keeps running
            self.error = f"{type(exc).__name__}: {exc}"
            return
        self._shown = values
        with self.hold_sync():
            self.key, self.data, self.error = key, text, ""

    # ---------------------------------------------------------------- for Python users and tests
    def current(self) -> dict:
        """The control values of the picture shown (the last valid ``values``)."""
        return dict(self._shown)

    def set(self, **values):
        """Move controls from Python, e.g. ``w.set(lr=0.3)`` (the front end follows)."""
        self.values = self.explorer.indices(**{**self._shown, **values})

    def frame(self) -> dict:
        """The data last sent to the front end, decoded."""
        return json.loads(self.data)
