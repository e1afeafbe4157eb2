"""The whole-book PDF (`python3 tasks.py pdf`): built once, then read back as text.

Text extraction uses `pdftotext`/`pdfinfo` from Debian's poppler-utils; the test skips,
saying so, where they are missing (.ci/run installs them). Printing needs Chromium.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "pdf" / "book.pdf"
POPPLER_SKIP = ("pdftotext/pdfinfo not found: apt-get install poppler-utils "
                "(.ci/run does) to check the book's PDF")


def _chapter_titles() -> list[str]:
    """Each numbered chapter's title as the PDF prints it ("2. Activation functions")."""
    import nbformat

    titles, number = [], 0
    for line in (ROOT / "_toc.yml").read_text().splitlines():
        m = re.match(r"\s*- file: (book/\d\d_\w+)", line)
        if not m:
            continue
        nb = nbformat.read(ROOT / f"{m.group(1)}.ipynb", as_version=4)
        heading = next(c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# "))
        number += 1
        titles.append(f"{number}. " + heading.splitlines()[0][2:].strip())
    return titles


@pytest.fixture(scope="session")
def book_pdf():
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip(POPPLER_SKIP)
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Chromium not found at /usr/bin/chromium; apt-get install chromium to print the book")
    out = subprocess.run([sys.executable, str(ROOT / "tasks.py"), "pdf"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert PDF.is_file()
    return PDF


def test_pdf_pages_and_text(book_pdf):
    info = subprocess.run(["pdfinfo", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages > 50, f"only {pages} pages"
    text = subprocess.run(["pdftotext", str(book_pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    titles = _chapter_titles()
    assert len(titles) >= 13
    missing = [t for t in titles if " ".join(t.split()) not in flat]
    assert not missing, f"chapter titles not in the PDF's text: {missing}"
    assert "Contents" in text.split("\f")[1], "page 2 should be the table of contents"
    assert "$$" not in text, "raw $$ math leaked into the PDF"
    assert "\\frac" not in text, "raw \\frac leaked into the PDF"
    assert "Solution to Exercise" not in text, "a solution is printed inline"
