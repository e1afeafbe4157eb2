"""Structural checks of the stored notebooks (nbval checks their outputs).

These catch, before a reader or CI does, a chapter that was committed
unexecuted, with an error in it, with widget state that makes the static
site fetch JavaScript from a CDN, or without the parts every chapter has.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _toc import toc_entries

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
MAX_BYTES = 8 * 1024 * 1024


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks under book/"


def test_toc_and_book_agree():
    listed = set(toc_entries())
    for entry in listed:
        stem = ROOT / entry
        assert any(stem.with_suffix(ext).exists() for ext in (".md", ".ipynb")), f"_toc.yml lists missing {entry}"
    for path in NOTEBOOKS:
        entry = path.relative_to(ROOT).with_suffix("").as_posix()
        assert entry in listed, f"{path.name} is not listed in _toc.yml, so the site would not show it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_and_clean(path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size / 1e6:.1f} MB; keep it small"
    nb = _load(path)
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    assert "widgets" not in nb["metadata"], (
        f"{path.name} stores widget state; the static site would load the widget manager from a CDN. "
        "Re-run it with `python3 tasks.py execute book/{path.name}`")
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]
    assert code, "a notebook without code has nothing for nbval to check"
    for i, cell in enumerate(code):
        assert cell.get("execution_count") is not None, f"{path.name}: code cell {i} was never executed"
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: code cell {i} stores an error"
    counts = [c["execution_count"] for c in code]
    assert counts == sorted(counts), f"{path.name}: cells were not executed top to bottom in one kernel"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_live_widgets_are_ignored_by_nbval_and_hidden_on_the_site(path):
    for cell in _load(path)["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code" and ".widget()" in _source(cell):
            assert "nbval-ignore-output" in tags, (
                f"{path.name}: nbval cannot replay a widget; tag its cell nbval-ignore-output "
                "(python3 tasks.py execute does this)")
            assert "remove-output" in tags, (
                f"{path.name}: a live widget is dead on the static site; tag its cell remove-output "
                "(python3 tasks.py execute does this)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_test_machinery_in_the_rendered_code(path):
    for cell in _load(path)["cells"]:
        if cell["cell_type"] == "code":
            assert not re.search(r"#\s*NBVAL", _source(cell), flags=re.I), (
                f"{path.name}: readers see '# NBVAL_...' comments; use the cell tag nbval-ignore-output")


def _solution_spans(cells):
    """(start, end) cell indices of every gated solution, checking that each one is closed."""
    spans, open_at = [], None
    for i, cell in enumerate(cells):
        src = _source(cell) if cell["cell_type"] == "markdown" else ""
        if "{solution-start}" in src:
            assert open_at is None, f"cell {i}: a solution starts inside another solution"
            open_at = i
        if "{solution-end}" in src:
            assert open_at is not None, f"cell {i}: solution-end without solution-start"
            spans.append((open_at, i))
            open_at = None
    assert open_at is None, f"the solution started at cell {open_at} is never closed"
    return spans


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_are_gated_dropdowns_linked_to_labelled_exercises(path):
    cells = _load(path)["cells"]
    markdown = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    labels = re.findall(r"```\{exercise\}[^\n]*\n:label:\s*(\S+)", markdown)
    n_exercises = len(re.findall(r"```\{exercise\}", markdown))
    assert len(labels) == n_exercises, f"{path.name}: every exercise needs a :label:"
    assert not re.search(r"```\{admonition\}\s*(Exercise|Solution)", markdown), (
        f"{path.name}: exercises and solutions use sphinx-exercise, not plain admonitions")
    starts = re.findall(r"```\{solution-start\}\s*(\S+)\s*\n:class:\s*dropdown", markdown)
    assert len(starts) == len(re.findall(r"\{solution-start\}", markdown)), (
        f"{path.name}: every solution-start needs ':class: dropdown' on the next line")
    assert sorted(starts) == sorted(labels), (
        f"{path.name}: exercises {sorted(labels)} and solutions {sorted(starts)} do not match one to one")
    for start, end in _solution_spans(cells):
        for cell in cells[start:end]:
            assert "hide-input" not in cell.get("metadata", {}).get("tags", []), (
                f"{path.name}: a solution cell needs no hide-input tag (the dropdown hides it all)")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_objectives_derivation_checks_and_exercises(path):
    nb = _load(path)
    markdown = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert markdown.lstrip().startswith("# "), f"{path.name} must start with its title"
    assert "learning objectives" in markdown.lower(), f"{path.name} has no learning objectives"
    exercises = re.findall(r"```\{exercise\}", markdown)
    assert len(exercises) >= 4, f"{path.name} has {len(exercises)} exercises; a chapter needs at least 4"
    assert re.search(r"\bimport mlcore|\bfrom mlcore\b", code), f"{path.name} does not use mlcore"
    assert re.search(r"assert_equal|check_derivative", code), (
        f"{path.name} states no sympy-checked derivative (mlcore.symbolic.assert_equal)")
    assert re.search(r"numerical_gradient|numerical_jacobian|numerical_vjp", code), (
        f"{path.name} compares nothing with finite differences")
    words = len(re.sub(r"\$\$.*?\$\$|\$[^$]*\$|```.*?```", " ", markdown, flags=re.S).split())
    assert words >= 1500, f"{path.name} has about {words} words of prose; a chapter has 1,500 or more"


# A code cell on the site is about 90 characters wide (13px, beside both sidebars, from a
# 1440-px window); longer lines make the reader scroll sideways.
MAX_CODE_LINE = 88


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_page(path):
    long_lines = [f"cell {i}, line {j + 1} ({len(line)} characters): {line.strip()[:60]}"
                  for i, cell in enumerate(_load(path)["cells"]) if cell["cell_type"] == "code"
                  for j, line in enumerate(_source(cell).splitlines()) if len(line) > MAX_CODE_LINE]
    assert not long_lines, (f"{path.name}: code lines over {MAX_CODE_LINE} characters scroll sideways "
                            "on the page; wrap them inside brackets:\n" + "\n".join(long_lines))
