"""Fixtures shared by the tests that need the built site."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tasks():
    """tasks.py (standard library only) holds the one definition of the site build."""
    spec = importlib.util.spec_from_file_location("nnsd_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuiltSite:
    def __init__(self, returncode, log, html):
        self.returncode, self.log, self.html = returncode, log, html


@pytest.fixture(scope="session")
def built_site():
    """Build the book exactly as `python3 tasks.py build` does (warnings are errors), once per session.

    The build runs in this Python's environment (the venv under `tasks.py test`)
    and writes _build/html, which the site and browser tests then read.
    """
    tasks = _tasks()
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    if not jupyter_book.exists():
        pytest.fail(f"jupyter-book is not installed next to {sys.executable}; run the tests with "
                    "`python3 tasks.py test`")
    out = subprocess.run([str(jupyter_book), "build", str(ROOT), *tasks.BUILD_FLAGS],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    log = (out.stdout + out.stderr)[-6000:]
    return BuiltSite(out.returncode, log, ROOT / "_build" / "html")


# ---------------------------------------------------------------------- the browser (Debian's Chromium)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_SKIP = ("Chromium not found at /usr/bin/chromium; install it with apt-get install chromium "
                 "(.ci/run does) to run the browser tests")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright; skipped, with the reason, where it cannot run."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(CHROMIUM_SKIP)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(CHROMIUM_SKIP + " (and the playwright package is missing)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                              timeout=30_000)
    except Exception as exc:  # noqa: BLE001 - any launch failure means: no usable browser here
        playwright.stop()
        pytest.skip(f"{CHROMIUM_SKIP} (launch failed: {str(exc).splitlines()[0]})")
    yield chromium
    chromium.close()
    playwright.stop()
