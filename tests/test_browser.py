"""Browser tests of the explorers: Playwright driving Debian's Chromium, headless.

- Static: the built page of the book (book/explorers.html) with every request
  that is not file:// aborted; moving a control must redraw the SVG.
- Live: JupyterLab from this venv on 127.0.0.1 (random port and token, no
  request leaves the machine), a one-cell notebook showing
  ``explore.depth().widget()``; pressing ArrowRight on the depth slider must
  replace the widget's image.

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

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]

BIN = Path(sys.executable).parent


# ---------------------------------------------------------------------- fixtures
# `browser` is in tests/conftest.py and `offline_context` in tests/_browser.py (shared with test_pages.py).
@pytest.fixture(scope="session")
def static_page(built_site):
    """The explorers page of the book's own strict build (tests/conftest.py)."""
    page = built_site.html / "book" / "explorers.html"
    assert built_site.returncode == 0 and page.exists(), f"the site build did not produce {page}:\n{built_site.log}"
    return page


# ---------------------------------------------------------------------- static page
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
    finally:
        context.close()


# ---------------------------------------------------------------------- live widget in JupyterLab
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on 127.0.0.1 serving a one-cell notebook that shows explore.depth().widget()."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": "from mlcore import explore\nexplore.depth().widget()"}
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
        deadline = time.monotonic() + 40
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


def test_live_widget_redraws_in_jupyterlab(browser, lab, tmp_path):
    url, token = lab
    context, blocked = offline_context(browser, "http://127.0.0.1:")
    try:
        page = context.new_page()
        page.goto(f"{url}/lab/tree/widget.ipynb?token={token}", timeout=40_000)
        editor = page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").first
        editor.wait_for(timeout=40_000)
        # the kernel is connected and idle once the status bar says so
        page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"Python 3.*\|\s*Idle")).first.wait_for(timeout=40_000)
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

        image = page.locator(".jp-OutputArea-output img.widget-image").first
        try:
            image.wait_for(timeout=40_000)
        except Exception:
            page.screenshot(path=str(tmp_path / "jupyterlab_timeout.png"))
            outputs = page.locator(".jp-OutputArea").first.inner_html() if page.locator(".jp-OutputArea").count() else ""
            raise AssertionError(f"the widget did not render; screenshot in {tmp_path}; output area: {outputs[:2000]}")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        before = image.get_attribute("src")
        readout = page.locator(".widget-slider .widget-readout").first
        assert readout.text_content().strip() == "15"

        handle = page.locator(".widget-slider .noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                               arg=[image.element_handle(), before], timeout=20_000)
        assert readout.text_content().strip() == "16"
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        image.screenshot(path=str(tmp_path / "live_widget.png"))
        page.screenshot(path=str(tmp_path / "jupyterlab.png"))
    finally:
        context.close()
