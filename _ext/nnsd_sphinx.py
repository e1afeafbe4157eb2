"""Small fixes to the pages Jupyter Book 1.x builds.

1. sphinx-thebe's configuration script appeared twice on every page (below).
2. ``static/nnsd.js`` stops a click on the link in a solution's title from
   reaching sphinx-togglebutton's handler, which threw a ReferenceError.
3. Accessibility (axe-core, tests/test_a11y.py):
   - ``static/nnsd.css`` darkens the light theme's link colour, which had too
     little contrast on the tinted backgrounds of exercises and admonitions;
   - ``templates/navbar-logo.html`` puts the book's title link in the primary
     sidebar inside a navigation landmark (it was outside every landmark);
   - the bibliography's entries get ``role="listitem"``: docutils writes the
     deprecated ``doc-biblioentry`` role inside a ``role="list"`` container,
     so the list had no list items (a critical axe violation).

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


def _bibliography_list_items(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _add_template_path(app, config):
    config.templates_path.insert(0, str(Path(__file__).parent / "templates"))


def _add_static_path(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _bibliography_list_items)
    app.connect("config-inited", _add_template_path)
    app.connect("builder-inited", _add_static_path)
    app.add_js_file("nnsd.js")
    app.add_css_file("nnsd.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
