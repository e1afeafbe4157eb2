"""The book in JupyterLite (_build/html/lite, prepared by _ext/nnsd_lite.py).

Without a browser:
- the Pyodide lock serves mlcore's own wheel (hash checked, dependencies from
  pyproject.toml), serves every local wheel it names, and sends every other
  package to the Pyodide CDN of the pinned version;
- every chapter page (and the explorers page) has one JupyterLite button, and it
  opens that page's own notebook, which is in the lite contents with its cells
  unchanged.

In Chromium, served from 127.0.0.1 with every other request aborted:
- the launch button of chapter 2, clicked in the launch menu of the page served
  under a sub-path (/course/, as GitHub Pages serves a project site), opens its
  notebook in JupyterLab, rendered by jupyterlab-myst, and a Pyodide kernel starts;
- a sympy derivation from chapter 2, the chapter's own cell, prints what the
  chapter stores;
- an anywidget linked to an ipywidgets slider renders and follows the kernel
  (the explorers' widget stack; the explorers themselves need numpy).

Online only: a whole chapter, with numpy and matplotlib from the Pyodide CDN,
runs without an error, and the explorers draw (skipped, with the reason, when
the CDN cannot be reached, as on the development machine).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
import yaml
from _browser import offline_context, serve
from _toc import notebook_pages

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
KERNEL_TIMEOUT_MS = 120_000


def _extension():
    spec = importlib.util.spec_from_file_location("nnsd_lite", ROOT / "_ext" / "nnsd_lite.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LITE = _extension()
PYODIDE_VERSION = LITE.PYODIDE_VERSION
CDN = LITE.PYODIDE_CDN
# mlcore's run-time dependencies (pyproject.toml), written out: a new one must be added to the lock too
MLCORE_DEPENDS = {"numpy", "matplotlib", "sympy", "ipywidgets", "anywidget", "tqdm"}


PAGES = notebook_pages()


@pytest.fixture(scope="module")
def site(built_site):
    assert built_site.returncode == 0, f"the strict site build failed:\n{built_site.log}"
    lite = built_site.html / "lite"
    assert (lite / "lab" / "index.html").is_file(), f"no JupyterLite site in {lite}:\n{built_site.log}"
    return built_site.html


@pytest.fixture(scope="module")
def lock(site):
    path = site / "lite" / "static" / "pyodide" / "pyodide-lock.json"
    assert path.is_file(), ("the lite site has no local Pyodide (static/pyodide/pyodide-lock.json); the build "
                            "fell back to the CDN, see the [nnsd-lite] lines of its log")
    return path, json.loads(path.read_text(encoding="utf-8"))


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------- without a browser
def test_lite_settings_load_the_local_pyodide(site):
    settings = json.loads((site / "lite" / "jupyter-lite.json").read_text(encoding="utf-8"))
    kernel = settings["jupyter-config-data"]["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    for name in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert (site / "lite" / "static" / "pyodide" / name).is_file(), f"the Pyodide core file {name} is missing"
    version = json.loads((site / "lite" / "static" / "pyodide" / "package.json").read_text())["version"]
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION as KERNEL_PYODIDE
    assert version == PYODIDE_VERSION == KERNEL_PYODIDE


def test_mlcore_wheel_is_in_the_lock(lock):
    path, data = lock
    entry = data["packages"].get("mlcore")
    assert entry, "mlcore is not in the lite site's Pyodide lock"
    wheel = path.parent / entry["file_name"]
    assert wheel.is_file() and wheel.name.startswith("mlcore-") and wheel.suffix == ".whl"
    assert entry["sha256"] == _sha256(wheel), "the lock's sha256 for mlcore is not the wheel's"
    # served from a folder named after the wheel's hash, so that no browser cache holds an older build
    assert wheel.parent.name == f"mlcore-{entry['sha256'][:12]}"
    assert entry["imports"] == ["mlcore"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert len(project["dependencies"]) == len(MLCORE_DEPENDS), "pyproject.toml's dependencies changed"
    assert set(entry["depends"]) == MLCORE_DEPENDS
    assert entry["version"] == project["version"]
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    package = {str(p.relative_to(ROOT)).replace("\\", "/") for p in (ROOT / "mlcore").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert package <= names, f"the mlcore wheel lacks {sorted(package - names)[:5]}"


def test_every_lock_entry_is_served_here_or_from_the_pinned_cdn(lock):
    path, data = lock
    names = {LITE.normalize(n) for n in data["packages"]}
    local = 0
    for name, entry in data["packages"].items():
        file_name = entry["file_name"]
        if "://" in file_name:
            assert file_name.startswith(CDN), f"{name}: {file_name} is neither local nor on {CDN}"
            assert "/" not in file_name.removeprefix(CDN)
        else:
            local += 1
            wheel = path.parent / file_name
            assert wheel.is_file(), f"{name}: {file_name} is not served with the site"
            assert entry["sha256"] == _sha256(wheel), f"{name}: the lock's sha256 is not that of {file_name}"
        missing = [d for d in entry["depends"] if LITE.normalize(d) not in names]
        assert not missing, f"{name} depends on {missing}, which the lock lacks"
    # what a kernel needs to start, and sympy, must be local for the offline test below
    for name in ("micropip", "ipython", "sympy", "mpmath", "comm", "ipywidgets", "anywidget"):
        assert "://" not in data["packages"][name]["file_name"], f"{name} should be served with the site"
    assert local >= 20
    assert data["packages"]["numpy"]["file_name"].startswith(CDN)


def _links(page_html: Path):
    return re.findall(r'<a\s[^>]*href="([^"]+)"', page_html.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES)
def test_jupyterlite_button_opens_this_notebook(site, page):
    links = [href for href in _links(site / f"{page}.html") if "lite/lab/index.html" in href]
    assert len(links) == 1, f"{page}.html should have one JupyterLite button, has {links}"
    url = urlsplit(urljoin(f"http://site/{page}.html", links[0].replace("&amp;", "&")))
    assert url.path == "/lite/lab/index.html", f"{page}.html: {links[0]} does not open the lite JupyterLab"
    (path,) = parse_qs(url.query)["path"]
    assert path == f"{page}.ipynb", f"{page}.html: JupyterLite opens {path}, not the page's notebook"
    served = site / "lite" / "files" / path
    assert served.is_file(), f"{page}.html: JupyterLite opens {path}, which is not in the lite contents"
    listing = json.loads((site / "lite" / "api" / "contents" / "book" / "all.json").read_text(encoding="utf-8"))
    assert f"{page}.ipynb" in {item["path"] for item in listing["content"]}
    # the same notebook: the same cells and outputs, only widget outputs and script-drawn HTML
    # (the explorers' static forms, blank in an untrusted notebook) dropped; every multi-line
    # string a string (JupyterLite shows a list of lines joined by commas)
    lite_nb = json.loads(served.read_text(encoding="utf-8"))
    repo_nb = json.loads((ROOT / f"{page}.ipynb").read_text(encoding="utf-8"))
    assert [c["source"] for c in lite_nb["cells"]] == [_text(c["source"]) for c in repo_nb["cells"]]
    for lite_cell, repo_cell in zip(lite_nb["cells"], repo_nb["cells"]):
        assert isinstance(lite_cell["source"], str)
        scripted = any("<script" in _text(o.get("data", {}).get("text/html", "")) for o in repo_cell.get("outputs", []))
        if "remove-output" in repo_cell.get("metadata", {}).get("tags", []) or scripted:
            assert lite_cell["outputs"] == []
        elif repo_cell["cell_type"] == "code":
            assert len(lite_cell["outputs"]) == len(repo_cell["outputs"])
            for lite_out, repo_out in zip(lite_cell["outputs"], repo_cell["outputs"]):
                if "text" in repo_out:
                    assert lite_out["text"] == _text(repo_out["text"]) and isinstance(lite_out["text"], str)
                for mime, value in repo_out.get("data", {}).items():
                    expected = value if mime.endswith("json") else _text(value)
                    assert lite_out["data"][mime] == expected, f"{page}: {mime} output differs"


def _text(value):
    return "".join(value) if isinstance(value, list) else value


# ---------------------------------------------------------------------- in Chromium
def _chapter2_sympy_cell():
    """Chapter 2's sigma cell: sympy only (solve, limit, N), with its stored output."""
    nb = json.loads((ROOT / "book" / "02_activations.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith("sig = 1 / (1 + sp.exp(-z))"):
            text = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o["output_type"] == "stream")
            return source, text
    raise AssertionError("chapter 2 no longer has the cell that starts `sig = 1 / (1 + sp.exp(-z))`")


def _wait_for_idle_kernel(page):
    page.wait_for_function(
        "() => /Python \\(Pyodide\\) \\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')",
        timeout=KERNEL_TIMEOUT_MS)


@pytest.mark.browser
def test_launch_button_opens_chapter_2_and_a_kernel_starts(site, browser, tmp_path):
    """Served under a sub-path, as GitHub Pages serves a project site (/<repo>/): the button still works."""
    (tmp_path / "course").symlink_to(site, target_is_directory=True)
    with serve(tmp_path) as base:
        context, blocked = offline_context(browser, base)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "course/book/02_activations.html")
        page.click(".dropdown-launch-buttons > button")           # the rocket: the launch menu
        with context.expect_page() as new_tab:                     # the button opens a new tab
            page.click(".dropdown-launch-buttons a[href*='lite/lab/index.html']")
        page = new_tab.value
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.wait_for_load_state()
        assert page.url == base + "course/lite/lab/index.html?path=book/02_activations.ipynb", page.url
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
        assert page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first.inner_text().strip() == "02_activations.ipynb"
        assert page.locator(".jp-NotebookPanel h1").first.inner_text().strip().startswith("Activation functions")
        # jupyterlab-myst renders the book's MyST: a role shows its text, not its source
        first = page.locator(".jp-NotebookPanel .jp-MarkdownCell").first.inner_text()
        assert "lecture table" in first and "{ref}" not in first, first[-300:]
        _wait_for_idle_kernel(page)
        context.close()
    assert not errors, f"page errors in JupyterLite: {errors}"
    assert not blocked, f"requests that left 127.0.0.1: {blocked}"


@pytest.mark.browser
def test_chapter_2_sympy_derivation_runs_offline(site, browser):
    source, expected = _chapter2_sympy_cell()
    code = 'import sympy as sp\nz = sp.symbols("z", real=True)\n' + source
    with serve(site) as base:
        context, blocked = offline_context(browser, base)
        page = context.new_page()
        page.goto(base + "lite/repl/index.html?kernel=python&code=" + quote(code))
        last_line = expected.strip().splitlines()[-1]   # printed last: once it shows, all has
        try:
            page.wait_for_function(f"() => document.body.innerText.includes({json.dumps(last_line)})",
                                   timeout=KERNEL_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - report what the console shows instead
            shown = page.inner_text("body")[-1500:]
            raise AssertionError(f"the sympy cell did not print {last_line!r}; the page shows:\n{shown}") from None
        outputs = page.locator(".jp-CodeConsole .jp-OutputArea-output").all_inner_texts()
        context.close()
    assert expected.strip() in "\n".join(o.strip() for o in outputs), (expected, outputs)
    assert not blocked, f"requests that left 127.0.0.1: {blocked}"


WIDGET_PROBE = """\
import anywidget, ipywidgets, traitlets

class Probe(anywidget.AnyWidget):
    _esm = \"\"\"export default { render({ model, el }) {
      const draw = () => { el.innerHTML = `<svg class="nnsd-probe" data-value="${model.get('value')}"></svg>`; };
      draw(); model.on('change:value', draw);
    } };\"\"\"
    value = traitlets.Int(1).tag(sync=True)

probe = Probe()
slider = ipywidgets.IntSlider(value=1, min=1, max=5, description="value")
ipywidgets.link((slider, "value"), (probe, "value"))
display(ipywidgets.VBox([slider, probe]))
probe.value = 3
"""


@pytest.mark.browser
def test_widgets_render_offline(site, browser):
    """The widget stack of the explorers (ipywidgets, anywidget, their front ends) works in JupyterLite offline.

    The explorers themselves need numpy, which comes from the CDN; this widget
    needs nothing else, so the front ends and the kernel side are checked here.
    """
    with serve(site) as base:
        context, blocked = offline_context(browser, base)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "lite/repl/index.html?kernel=python&code=" + quote(WIDGET_PROBE))
        # the selector the online explorers test counts live widgets with
        page.wait_for_selector('.jp-CodeConsole .jp-OutputArea-output .jupyter-widgets svg.nnsd-probe[data-value="3"]',
                               timeout=KERNEL_TIMEOUT_MS)
        assert page.locator(".jp-CodeConsole .widget-slider").count() == 1, "the ipywidgets slider did not render"
        context.close()
    assert not errors, f"page errors in JupyterLite: {errors}"
    assert not blocked, f"requests that left 127.0.0.1: {blocked}"


def _cdn_reachable():
    try:
        with urllib.request.urlopen(urllib.request.Request(CDN + "pyodide-lock.json", method="HEAD"), timeout=5):
            return True
    except OSError:
        return False


DONE = "NNSD: every cell ran"
CONSOLE_STATE = r"""() => {
  const texts = Array.from(document.querySelectorAll('.jp-CodeConsole .jp-OutputArea-output')).map(o => o.innerText);
  return {done: texts.some(t => t.includes('NNSD: every cell ran')),
          errors: texts.filter(t => /Traceback|^\w*Error: /m.test(t)).map(t => t.slice(0, 600)),
          // live widgets only: a static form's HTML draws an svg too, but holds no .jupyter-widgets view
          widgetsDrawn: Array.from(document.querySelectorAll('.jp-CodeConsole .jp-OutputArea-output'))
            .filter(o => (o.matches('.jupyter-widgets') || o.querySelector('.jupyter-widgets'))
                         && o.querySelector('svg')).length};
}"""


def _code_cells(notebook):
    nb = json.loads((ROOT / notebook).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["book/02_activations.ipynb", "book/explorers.ipynb"])
def test_whole_notebook_runs_in_lite_online(site, browser, notebook):
    """Every code cell of the notebook, in order, in a JupyterLite console (one console cell per notebook cell)."""
    if not _cdn_reachable():
        pytest.skip(f"the Pyodide CDN ({CDN}) cannot be reached from here; numpy and matplotlib load from it at "
                    "run time, so a whole chapter in JupyterLite is verified only online")
    cells = _code_cells(notebook) + [f"print({DONE!r})"]
    query = "&".join("code=" + quote(cell) for cell in cells)
    with serve(site) as base:
        context, _ = offline_context(browser, base)
        context.unroute("**/*")
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, CDN)) else r.abort())
        page = context.new_page()
        page.goto(f"{base}lite/repl/index.html?kernel=python&{query}")
        deadline = time.monotonic() + 600
        while True:
            state = page.evaluate(CONSOLE_STATE)
            if state["done"] or state["errors"]:
                break
            assert time.monotonic() < deadline, f"{notebook} did not finish in 10 minutes in JupyterLite"
            time.sleep(2)
        context.close()
    assert not state["errors"], f"{notebook} raised in JupyterLite: {state['errors']}"
    widgets = sum(".widget()" in cell for cell in cells)
    assert state["widgetsDrawn"] >= widgets, (
        f"{widgets} live widgets in {notebook}, {state['widgetsDrawn']} drew an SVG in JupyterLite")
