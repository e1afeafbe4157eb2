"""The book's pages as _toc.yml lists them (shared by the tests that walk the site)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def toc_entries() -> list[str]:
    """Every `file:` and `root:` of _toc.yml, in order, as paths without suffix (e.g. "book/intro")."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)", text, flags=re.M)


def notebook_pages() -> list[str]:
    """The entries that are notebooks (the chapters and the explorers page)."""
    return [entry for entry in toc_entries() if (ROOT / f"{entry}.ipynb").exists()]
