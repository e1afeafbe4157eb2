"""Small fixes to the pages Jupyter Book 1.x builds.

1. sphinx-thebe's configuration script appeared twice on every page (below).
2. ``static/nnsd.js`` stops a click on the link in a solution's title from
   reaching sphinx-togglebutton's handler, which threw a ReferenceError.

Jupyter Book loads sphinx-thebe, which registers its configuration script
(``const THEBE_JS_URL = ...``) once per ``env-before-read-docs`` event. A full
build fires that event more than once, so every page declared the same
``const`` twice and the browser logged "Identifier 'THEBE_JS_URL' has already
been declared". The book does not use Thebe (launch_buttons.thebe is false),
but a page error is a defect, so each page's script list is de-duplicated here.
"""

from __future__ import annotations

from pathlib import Path


def _script_key(script) -> tuple:
    # The same inline script arrives once with filename None and once with ''.
    filename = getattr(script, "filename", script) or ""
    attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()))
    return (str(filename), attributes)


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _add_static_path(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("builder-inited", _add_static_path)
    app.add_js_file("nnsd.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
