"""Every built page, opened in Chromium as a reader opens it (file://, network blocked).

Each page must:
- raise no page error and log no console error (a page error is a defect, not noise);
- render its mathematics: MathJax reports no error and no raw TeX (``$$``, ``\\frac``)
  is left in the visible text;
- keep every solution closed: no text inside a sphinx-exercise solution is visible
  until its toggle is clicked, and clicking the toggle shows it (so the check
  can tell the two apart).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _browser import offline_context
from _toc import toc_entries

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]


# Wait for MathJax, then report what is left unrendered.
MATH_REPORT = r"""async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const root = (document.querySelector('main') || document.body).cloneNode(true);
  root.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove());
  const text = root.textContent;
  const raw = text.match(/\$\$|\\\(|\\\[|\\(frac|mathbf|boldsymbol|partial|sum|begin|left|right)(?![a-z])/g) || [];
  return {rendered: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length,
          raw: raw.slice(0, 5)};
}"""

# Text inside a solution (outside its title bar) that the reader can see. sphinx-togglebutton
# hides with `visibility: hidden`, which checkVisibility() only reports when asked to.
VISIBLE_SOLUTION_TEXT = r"""(sel) => Array.from(document.querySelectorAll(sel)).flatMap(sol =>
  Array.from(sol.querySelectorAll('*'))
    .filter(el => !el.closest('.admonition-title') && el.children.length === 0
                  && el.textContent.trim()
                  && el.checkVisibility({visibilityProperty: true, opacityProperty: true}))
    .map(el => el.textContent.trim().slice(0, 60)))"""


# sphinx-exercise solutions, and any other dropdown (sphinx-togglebutton) a page has.
SOLUTIONS = "div.solution, div.admonition.dropdown"


@pytest.fixture(scope="module")
def site(built_site):
    assert built_site.returncode == 0, f"the strict site build failed:\n{built_site.log}"
    return built_site.html


@pytest.mark.parametrize("entry", toc_entries())
def test_page_has_no_error_renders_math_and_hides_solutions(browser, site, entry):
    page_file = site / f"{entry}.html"
    context, _ = offline_context(browser, "file://")
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error" else None)
        page.goto(page_file.as_uri(), wait_until="load")

        math = page.evaluate(MATH_REPORT)
        assert math["errors"] == 0, f"{entry}: MathJax could not typeset {math['errors']} expression(s)"
        assert not math["raw"], f"{entry}: raw TeX left in the page text: {math['raw']}"

        n_solutions = page.locator(SOLUTIONS).count()
        if n_solutions:
            page.wait_for_function(f"() => document.querySelector('{SOLUTIONS} .toggle-button') !== null")
            leaked = page.evaluate(VISIBLE_SOLUTION_TEXT, SOLUTIONS)
            assert not leaked, f"{entry}: solution text visible before its toggle is opened: {leaked[:3]}"
            # A solution's title links back to its exercise; following that link
            # must not throw (sphinx-togglebutton did, see _ext/static/nnsd.js).
            title_link = page.locator("div.solution .admonition-title a").first
            if title_link.count():
                title_link.click()
            # The check above must be able to fail: opening a solution shows its text.
            first = page.locator(SOLUTIONS).first
            first.locator(".toggle-button").first.click()
            page.wait_for_function(f"() => ({VISIBLE_SOLUTION_TEXT})('{SOLUTIONS}').length > 0")

        page.wait_for_timeout(300)  # late console errors (theme scripts run after load)
        assert not errors, f"{entry}: " + "; ".join(errors)
    finally:
        context.close()
