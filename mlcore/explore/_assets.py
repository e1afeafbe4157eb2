"""The explorers' JavaScript and CSS: real files in ``static/``, shipped as package data.

``static/kit.js`` is the SVG plotting kit, ``static/runtime.js`` the shell that
builds the controls and redraws (shared by both forms), ``static/widget.js``
the live widget's glue (an anywidget front end), ``static/explorer.css`` the
one stylesheet, and every explorer has one draw file, e.g. ``static/step_size.js``,
declaring ``function draw(ctx) { ... }``.

:func:`static_script` composes the inline script of the static form and
:func:`esm` the ES module of the live widget, from the same files.
"""

from __future__ import annotations

import sys
from pathlib import Path

STATIC = Path(__file__).with_name("static")

_CACHE: dict = {}


def _read(path: Path) -> str:
    """A file's text, cached until the file changes (so edited JS shows up without a restart)."""
    stamp = path.stat().st_mtime_ns
    hit = _CACHE.get(path)
    if hit is None or hit[0] != stamp:
        hit = (stamp, path.read_text(encoding="utf-8"))
        _CACHE[path] = hit
    return hit[1]


def read(name: str) -> str:
    """One of the shared files in ``static/`` (kit.js, runtime.js, widget.js, explorer.css)."""
    return _read(STATIC / name)


def draw_path(cls) -> Path:
    """Where an explorer class's draw file is: ``cls.js`` as an absolute path, else next to the
    module that defines the class, else in ``mlcore/explore/static/``."""
    if not cls.js:
        raise TypeError(f"{cls.__name__} names no draw file: set the class attribute js (e.g. js = 'my_explorer.js')")
    js = Path(cls.js)
    if js.is_absolute():
        candidates = [js]
    else:
        candidates = []
        module = sys.modules.get(cls.__module__)
        if getattr(module, "__file__", None):
            here = Path(module.__file__).parent
            candidates += [here / js, here / "static" / js]
        candidates.append(STATIC / js)
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(f"{cls.__name__}.js = {cls.js!r}: no such file (looked in "
                            f"{', '.join(str(c.parent) for c in candidates)})")


def draw_source(cls) -> str:
    return _read(draw_path(cls))


def compact(source: str) -> str:
    """Leading indentation, blank lines and whole-line comments removed (the files stay readable;
    the pages get smaller). Safe for this code: no template literals or multi-line strings."""
    out, in_block = [], False
    for line in source.splitlines():
        s = line.strip()
        if in_block:
            if "*/" in s:
                in_block = False
                rest = s.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest)
            continue
        if not s or s.startswith("//"):
            continue
        if s.startswith("/*"):
            if "*/" not in s:
                in_block = True
                continue
            if s.endswith("*/") and s.index("*/") == len(s) - 2:
                continue
        out.append(s)
    return "\n".join(out)


def _draw_block(cls) -> str:
    return "var draw = (function () {\n" + draw_source(cls) + "\nreturn draw;\n})();\n"


def static_script(cls, uid: str) -> str:
    """The inline ``<script>`` of a static fragment: kit + runtime + draw, started on the element ``uid``."""
    body = (read("kit.js") + "\n" + read("runtime.js") + "\n" + _draw_block(cls) +
            f'var root = document.getElementById("{uid}");\n'
            'if (root && !root.mlx) {\n'
            '  mlxStatic(root, JSON.parse(document.getElementById(root.id + "-data").textContent), draw);\n'
            '}\n')
    return compact("(function () {\n" + body + "})();")


def esm(cls) -> str:
    """The live widget's ES module: the same kit + runtime + draw, and the anywidget glue."""
    return compact(read("kit.js") + "\n" + read("runtime.js") + "\n" + _draw_block(cls) + read("widget.js"))


def css() -> str:
    return compact(read("explorer.css"))
