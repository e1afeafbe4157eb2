"""The published site: it builds without a warning, has every page, and needs no network."""

from __future__ import annotations

import re
from pathlib import Path

from _toc import toc_entries

ROOT = Path(__file__).resolve().parents[1]


def test_site_builds_without_warnings(built_site):
    assert built_site.returncode == 0, f"the strict site build failed:\n{built_site.log}"
    assert (built_site.html / "index.html").exists()


def test_every_toc_entry_has_a_page(built_site):
    for entry in toc_entries():
        page = built_site.html / f"{entry}.html"
        assert page.exists(), f"{entry} is in _toc.yml but {page} was not built"


def test_pages_load_no_script_or_style_from_the_network(built_site):
    # Readers offline (or behind a firewall) must still get the equations and
    # the explorers: MathJax is vendored, explorers are self-contained.
    remote = re.compile(r'<(?:script|link)\b[^>]*(?:src|href)="(https?:)?//[^"]*"', re.I)
    for entry in toc_entries():
        html = (built_site.html / f"{entry}.html").read_text(encoding="utf-8")
        found = [m.group(0)[:120] for m in remote.finditer(html)]
        assert not found, f"{entry}.html loads from the network: {found}"


def test_no_stored_error_output_on_any_page(built_site):
    for entry in toc_entries():
        html = (built_site.html / f"{entry}.html").read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in html, f"{entry}.html shows a traceback"
