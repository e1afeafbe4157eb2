"""Browser tests of the explorers: Playwright driving Debian's Chromium, headless.

- Static, in the book: the built page book/explorers.html with every request
  that is not file:// aborted; moving a control must redraw the SVG.
- Static, every explorer: ``to_html()`` of each explorer (the linear classifier
  included) in a page of its own, offline: a range input moved with the
  keyboard and a select must redraw; every control has a label, the SVG has
  role="img" and an accessible name that follows the picture, and all text in
  the explorer has a contrast of at least 4.5:1.
- Live: JupyterLab from this venv on 127.0.0.1 (random port and token, no
  request leaves the machine; anywidget's lab extension comes from its wheel),
  one cell showing every explorer's ``widget()``. A control moved in each live
  explorer must redraw it, and the live SVG must equal, byte for byte, the SVG
  the static form draws for the same control values.

Skipped, with the reason, when /usr/bin/chromium is missing or cannot start.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from _browser import offline_context

from mlcore import explore

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# explorer name (lower-case class name) -> factory, a range control moved with ArrowRight, a select and an option
EXPLORERS = {
    "stepsizeexplorer": (explore.step_size, "lr", "setting", "2-8-1 network"),
    "depthexplorer": (explore.depth, "depth", "activation", "relu"),
    "activationexplorer": (explore.activation, "zmax", "activation", "elu"),
    "linearclassifierexplorer": (explore.linear_classifier, "rot0", "loss", "cross-entropy"),
    "playgroundexplorer": (explore.playground, "lam", "dataset", "spirals"),
    "batchsizeexplorer": (explore.batch_size, "lr", None, None),      # sliders only
    "optimizerraceexplorer": (explore.optimizer_race, "lr_mult", "surface", "Rosenbrock"),
}
# in the live test: a range control of each explorer, the arrow key and how often it is pressed
LIVE_MOVES = {
    "stepsizeexplorer": ("lr", "ArrowRight", 4),
    "depthexplorer": ("depth", "ArrowRight", 4),
    "activationexplorer": ("zmax", "ArrowLeft", 2),
    "linearclassifierexplorer": ("scale", "ArrowRight", 1),
    "playgroundexplorer": ("lam", "ArrowRight", 1),
    "batchsizeexplorer": ("lr", "ArrowRight", 1),
    "optimizerraceexplorer": ("lr_mult", "ArrowRight", 1),
}


# ---------------------------------------------------------------------- helpers
def contrast(fg, bg=(255, 255, 255)):
    """WCAG contrast ratio of two sRGB colours (0-255)."""
    def lum(c):
        ch = [v / 255 for v in c]
        ch = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# Every visible text of an explorer with its colour (HTML: color; SVG: fill) and the product of the
# opacities of its ancestors, blended over white.
TEXT_COLOURS_JS = """root => {
  const out = [];
  const nodes = root.querySelectorAll('.mlx-title, .mlx-desc, label, output, select, svg text, .mlx-note');
  for (const el of nodes) {
    const text = (el.textContent || '').trim();
    if (!text) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    let alpha = 1;
    for (let e = el; e && e !== root.parentElement; e = e.parentElement) {
      alpha *= parseFloat(getComputedStyle(e).opacity);
    }
    const colour = el instanceof SVGElement ? cs.fill : cs.color;
    out.push([text.slice(0, 40), colour, alpha]);
  }
  return out;
}"""


def parse_rgb(text):
    m = re.match(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", text)
    assert m, f"cannot parse colour {text!r}"
    r, g, b = (float(m.group(i)) for i in (1, 2, 3))
    a = float(m.group(4)) if m.group(4) else 1.0
    return (r, g, b), a


def check_accessibility(page, root):
    """Every control labelled and reachable; the SVG an image with a name; all text >= 4.5:1 on white."""
    handle = root.element_handle()
    problems = page.evaluate("""root => {
      const bad = [];
      for (const el of root.querySelectorAll('input, select')) {
        const label = root.querySelector(`label[for="${el.id}"]`);
        if (!el.id || !label || !label.textContent.trim()) bad.push('no label: ' + el.id);
        if (el.tabIndex < 0) bad.push('not focusable: ' + el.id);
      }
      const svg = root.querySelector('svg');
      if (svg.getAttribute('role') !== 'img') bad.push('svg role');
      if ((svg.getAttribute('aria-label') || '').length < 40) bad.push('svg aria-label too short');
      const ids = [...root.querySelectorAll('[id]')].map(e => e.id);
      if (new Set(ids).size !== ids.length) bad.push('duplicate ids');
      return bad;
    }""", handle)
    assert problems == []
    for text, colour, alpha in page.evaluate(TEXT_COLOURS_JS, handle):
        rgb, a = parse_rgb(colour)
        a *= alpha
        shown = tuple(a * c + (1 - a) * 255 for c in rgb)
        ratio = contrast(shown)
        assert ratio >= 4.5, f"text {text!r} in {colour} (opacity {a:.2f}) has contrast {ratio:.2f} < 4.5"


def svg_markup(page, root):
    """The explorer's SVG with its element id replaced, so two copies of one explorer compare equal."""
    uid = root.get_attribute("id")
    return root.locator("svg.mlx-svg").inner_html().replace(uid, "UID")


def wait_redrawn(page, root, before):
    try:
        _wait_redrawn(page, root, before)
    except Exception as exc:
        state = page.evaluate("""el => ({key: el.getAttribute('data-mlx-key'), busy: el.getAttribute('aria-busy'),
                                 note: el.querySelector('.mlx-note').textContent,
                                 state: el.mlx ? el.mlx.state() : null,
                                 inputs: [...el.querySelectorAll('input, select')].map(e => e.id + '=' + e.value)})""",
                              root.element_handle())
        raise AssertionError(f"the explorer did not redraw: {state}") from exc


def _wait_redrawn(page, root, before):
    page.wait_for_function("([el, old]) => el.getAttribute('data-mlx-key') !== null && "
                           "el.querySelector('svg').innerHTML !== old && !el.hasAttribute('aria-busy')",
                           arg=[root.element_handle(), before], timeout=20_000)


# ---------------------------------------------------------------------- static page of the book
@pytest.fixture(scope="session")
def static_page(built_site):
    """The explorers page of the book's own strict build (tests/conftest.py)."""
    page = built_site.html / "book" / "explorers.html"
    assert built_site.returncode == 0 and page.exists(), f"the site build did not produce {page}:\n{built_site.log}"
    return page


@pytest.mark.parametrize("explorer, control, select", [
    ("stepsizeexplorer", "lr", ("setting", "2-8-1 network")),
    ("depthexplorer", "depth", ("activation", "relu")),
])
def test_static_page_redraws_offline(browser, static_page, tmp_path, explorer, control, select):
    context, blocked = offline_context(browser, "file://")
    try:
        page = context.new_page()
        page.goto(static_page.as_uri())
        root = page.locator(f"div.mlx[id^='mlx-{explorer}-']").first
        svg = root.locator("svg.mlx-svg")
        svg_handle = svg.element_handle()
        page.wait_for_function("el => el.querySelectorAll('path, circle').length > 10", arg=svg_handle, timeout=15_000)
        assert root.locator(".mlx-note").text_content() == ""

        # a range input, moved with the keyboard
        slider = root.locator(f"input[type=range][id$='-c-{control}']")
        readout = root.locator(f"output[id$='-v-{control}']")
        before_svg, before_value = svg.inner_html(), readout.text_content()
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("([el, old]) => el.innerHTML !== old", arg=[svg_handle, before_svg], timeout=5_000)
        assert readout.text_content() != before_value
        assert svg.inner_html() != before_svg

        # a select, as a reader picks a category
        after_slider = svg.inner_html()
        root.locator(f"select[id$='-c-{select[0]}']").select_option(label=select[1])
        page.wait_for_function("([el, old]) => el.innerHTML !== old", arg=[svg_handle, after_slider], timeout=5_000)
        assert root.locator(".mlx-note").text_content() == ""
        root.screenshot(path=str(tmp_path / f"{explorer}.png"))
        assert not [u for u in blocked if not u.startswith("data:")], f"requests left the page: {blocked}"
    finally:
        context.close()


# ---------------------------------------------------------------------- static form of every explorer
@pytest.fixture(scope="module")
def static_files(tmp_path_factory):
    """Each explorer's to_html() in a page of its own (the current code, not the stored notebook outputs)."""
    folder = tmp_path_factory.mktemp("static")
    files = {}
    for name, (make, *_rest) in EXPLORERS.items():
        path = folder / f"{name}.html"
        path.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>' + name +
                        "</title></head><body><main>" + make().to_html() + "</main></body></html>", encoding="utf-8")
        files[name] = path
    return files


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_static_form_redraws_offline_and_is_accessible(browser, static_files, tmp_path, name):
    _make, control, select, option = EXPLORERS[name]
    context, blocked = offline_context(browser, "file://")
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(static_files[name].as_uri())
        root = page.locator("div.mlx").first
        page.wait_for_function("el => el.querySelectorAll('svg text').length > 5", arg=root.element_handle())
        assert root.locator(".mlx-note").text_content() == ""
        check_accessibility(page, root)
        label_before = root.locator("svg").get_attribute("aria-label")

        slider = root.locator(f"input[type=range][id$='-c-{control}']")
        readout = root.locator(f"output[id$='-v-{control}']")
        before, value = root.locator("svg").inner_html(), readout.text_content()
        slider.focus()
        page.keyboard.press("ArrowRight")
        wait_redrawn(page, root, before)
        assert readout.text_content() != value
        assert slider.get_attribute("aria-valuetext") == readout.text_content()

        # Tab visits every enabled control in order
        enabled = page.evaluate("root => [...root.querySelectorAll('input, select')].filter(e => !e.disabled).map(e => e.id)",
                                root.element_handle())
        page.focus(f"#{enabled[0]}")
        visited = [enabled[0]]
        for _ in enabled[1:]:
            page.keyboard.press("Tab")
            visited.append(page.evaluate("() => document.activeElement.id"))
        assert visited == enabled

        if select is not None:                           # an explorer with a drop-down: pick a category
            before = root.locator("svg").inner_html()
            root.locator(f"select[id$='-c-{select}']").select_option(label=option)
            wait_redrawn(page, root, before)
        assert root.locator(".mlx-note").text_content() == ""
        assert root.locator("svg").get_attribute("aria-label") != label_before
        check_accessibility(page, root)                   # also with greyed-out controls, if any
        root.screenshot(path=str(tmp_path / f"{name}.png"))
        assert errors == [] and blocked == []
    finally:
        context.close()


# ---------------------------------------------------------------------- live widget in JupyterLab
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on 127.0.0.1 serving a one-cell notebook that shows every explorer's widget()."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    source = ("from IPython.display import display\nfrom mlcore import explore\n"
              "for make in (" + ", ".join(f"explore.{make.__name__}" for make, *_ in EXPLORERS.values()) + "):\n"
              "    display(make().widget())")
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
    (notebooks / "widget.ipynb").write_text(json.dumps({
        "cells": [cell], "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}))
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ)
    env.update(JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               PATH=str(BIN) + os.pathsep + env.get("PATH", ""))
    port, token = free_port(), secrets.token_hex(16)
    log = open(tmp_path / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={notebooks}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"]
        + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),  # CI containers run as root
        cwd=notebooks, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("JupyterLab did not start:\n" + (tmp_path / "jupyterlab.log").read_text()[-3000:])
            time.sleep(0.3)
        yield url, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


# Time from a key press on a control to the redrawn SVG, in the page's clock: armed before the press,
# read after the redraw (a MutationObserver on the explorer's data-mlx-key / draw attributes).
ARM_TIMER_JS = """root => {
  window.__mlxT0 = performance.now();
  window.__mlxLatency = null;
  const obs = new MutationObserver(() => {
    if (!root.hasAttribute('aria-busy')) { window.__mlxLatency = performance.now() - window.__mlxT0; obs.disconnect(); }
  });
  obs.observe(root, {attributes: true, attributeFilter: ['data-mlx-draw-ms']});
}"""


def test_live_widgets_redraw_in_jupyterlab_and_match_the_static_form(browser, lab, static_files, tmp_path):
    url, token = lab
    context, blocked = offline_context(browser, "http://127.0.0.1:")
    static_context, static_blocked = offline_context(browser, "file://")
    errors = []
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 1700, "height": 1000})   # the output area is wider than any explorer
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/lab/tree/widget.ipynb?token={token}", timeout=60_000)
        editor = page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").first
        editor.wait_for(timeout=60_000)
        # the kernel is connected and idle once the status bar says so
        page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"Python 3.*\|\s*Idle")).first.wait_for(timeout=60_000)
        prompt = page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first
        for _ in range(3):                      # a run sent while the kernel is still connecting can be lost
            editor.click()
            page.keyboard.press("Shift+Enter")
            try:
                page.wait_for_function("el => /\\[(\\*|\\d+)\\]/.test(el.textContent)", arg=prompt.element_handle(),
                                       timeout=8_000)
                break
            except Exception:
                page.keyboard.press("Escape")
        try:
            page.wait_for_function("n => document.querySelectorAll('.jp-OutputArea div.mlx-live svg text').length > 0 && "
                                   "document.querySelectorAll('.jp-OutputArea div.mlx-live').length === n",
                                   arg=len(EXPLORERS), timeout=60_000)
        except Exception:
            page.screenshot(path=str(tmp_path / "jupyterlab_timeout.png"))
            outputs = page.locator(".jp-OutputArea").first.inner_html() if page.locator(".jp-OutputArea").count() else ""
            raise AssertionError(f"the widgets did not render; screenshot in {tmp_path}; output area: {outputs[:2000]}")

        static_page = static_context.new_page()
        latencies = {}
        for name, (_make, _control, select, option) in EXPLORERS.items():
            live = page.locator(f".jp-OutputArea div.mlx-live[data-explorer='{name}']").first
            live.scroll_into_view_if_needed()
            page.wait_for_function("el => el.querySelectorAll('svg text').length > 5 && !el.hasAttribute('aria-busy')",
                                   arg=live.element_handle(), timeout=30_000)
            static_page.goto(static_files[name].as_uri())
            static = static_page.locator("div.mlx").first
            static_page.wait_for_function("el => el.querySelectorAll('svg text').length > 5", arg=static.element_handle())

            # the same picture at the defaults
            assert svg_markup(page, live) == svg_markup(static_page, static), f"{name}: live and static differ at the defaults"
            check_accessibility(page, live)

            # move a range control with the keyboard in both (a few steps): the live one redraws each time,
            # and both agree again
            control, key, presses = LIVE_MOVES[name]
            slider = live.locator(f"input[type=range][id$='-c-{control}']")
            slider.focus()
            for _ in range(presses):
                before = live.locator("svg").inner_html()
                page.evaluate(ARM_TIMER_JS, live.element_handle())
                page.keyboard.press(key)
                wait_redrawn(page, live, before)
                page.wait_for_function("() => window.__mlxLatency !== null", timeout=20_000)
                latencies.setdefault(name, []).append(
                    (page.evaluate("() => window.__mlxLatency"), float(live.get_attribute("data-mlx-draw-ms"))))
            static.locator(f"input[type=range][id$='-c-{control}']").focus()
            for _ in range(presses):
                static_before = static.locator("svg").inner_html()
                static_page.keyboard.press(key)
                wait_redrawn(static_page, static, static_before)
            assert live.get_attribute("data-mlx-key") == static.get_attribute("data-mlx-key")
            assert svg_markup(page, live) == svg_markup(static_page, static), f"{name}: live and static differ after {control}"

            # and a select, if the explorer has one
            if select is None:
                continue
            before = live.locator("svg").inner_html()
            live.locator(f"select[id$='-c-{select}']").select_option(label=option)
            wait_redrawn(page, live, before)
            static_before = static.locator("svg").inner_html()
            static.locator(f"select[id$='-c-{select}']").select_option(label=option)
            wait_redrawn(static_page, static, static_before)
            assert svg_markup(page, live) == svg_markup(static_page, static), f"{name}: live and static differ after {select}"
            assert live.locator(".mlx-note").text_content() == ""
            live.screenshot(path=str(tmp_path / f"live_{name}.png"))

        # a slider dragged faster than the kernel answers: the picture follows, and settles on the last value
        live = page.locator(".jp-OutputArea div.mlx-live[data-explorer='depthexplorer']").first
        static_page.goto(static_files["depthexplorer"].as_uri())
        static = static_page.locator("div.mlx").first
        static_page.wait_for_function("el => el.querySelectorAll('svg text').length > 5", arg=static.element_handle())
        state = page.evaluate("el => el.mlx.state()", live.element_handle())      # start both from the same values
        static_page.evaluate("([el, st]) => { el.mlx.setState(st); el.mlx.redraw(); }", [static.element_handle(), state])
        for p, root in ((page, live), (static_page, static)):
            root.locator("select[id$='-c-activation']").select_option(label="tanh")
            root.locator("input[type=range][id$='-c-depth']").focus()
            for _ in range(6):
                p.keyboard.press("ArrowLeft")
        for p, root in ((page, live), (static_page, static)):
            p.wait_for_function("el => el.mlx.key() === el.getAttribute('data-mlx-key') && !el.hasAttribute('aria-busy')",
                                arg=root.element_handle(), timeout=20_000)
        assert live.get_attribute("data-mlx-key") == static.get_attribute("data-mlx-key")
        assert svg_markup(page, live) == svg_markup(static_page, static)

        page.screenshot(path=str(tmp_path / "jupyterlab.png"))
        print("\nlive update in JupyterLab, median over the key presses (key press -> redrawn SVG, ms; of which draw, ms):")
        for name, samples in latencies.items():
            total, draw = (sorted(x)[len(x) // 2] for x in zip(*samples))
            print(f"  {name:26s} {total:7.1f} {draw:7.1f}")
        assert errors == [], errors
        assert blocked == [], f"requests left 127.0.0.1: {blocked}"
        assert static_blocked == []
    finally:
        context.close()
        static_context.close()
