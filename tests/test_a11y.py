"""Accessibility: axe-core over every built page, opened as a reader opens it (file://, network blocked).

axe-core comes bundled in the `axe-playwright-python` package (its axe.min.js is
injected into the page with page.evaluate; nothing is fetched). A page fails on
any violation whose impact is "serious" or "critical"; moderate and minor ones
are not checked here.

Speed: axe's colour-contrast rule costs time per element, and a chapter has
~10,000 Pygments token spans in its code cells. Before axe runs, every span
whose (token class, code-block class) pair was already seen on the page is
replaced by its text, so each token colour is still checked once per page on
its real background, and the unwrapped text is checked in the block's own colour.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _browser import offline_context
from _toc import toc_entries

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FAIL_ON = ("serious", "critical")


# Wait for MathJax (it adds many elements), then keep one span per code-token kind.
PREPARE = r"""async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const seen = new Set(), repeats = [];
  document.querySelectorAll('.highlight pre span').forEach(s => {
    const key = s.className + '|' + s.closest('.highlight').className;
    if (seen.has(key)) { repeats.push(s); } else { seen.add(key); }
  });
  repeats.forEach(s => s.replaceWith(...s.childNodes));
  return seen.size;
}"""


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is not installed; run the tests with `python3 tasks.py test`")
    return Axe()


@pytest.fixture(scope="module")
def site(built_site):
    assert built_site.returncode == 0, f"the strict site build failed:\n{built_site.log}"
    return built_site.html


def _describe(violation) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
    more = len(violation["nodes"]) - len(targets)
    return (f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} element(s)): "
            + "; ".join(targets) + (f"; ... {more} more" if more > 0 else ""))


@pytest.mark.parametrize("entry", toc_entries())
def test_page_has_no_serious_accessibility_violation(browser, site, axe, entry):
    context, blocked = offline_context(browser, "file://")
    try:
        page = context.new_page()
        page.goto((site / f"{entry}.html").as_uri(), wait_until="load")
        page.evaluate(PREPARE)
        response = axe.run(page).response
    finally:
        context.close()
    assert response["testEngine"]["name"] == "axe-core"
    bad = [v for v in response["violations"] if v["impact"] in FAIL_ON]
    assert not bad, f"{entry}: axe-core {response['testEngine']['version']} found:\n" + "\n".join(map(_describe, bad))
