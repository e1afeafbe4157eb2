#!/usr/bin/env python3
"""The two commands of the course, plus one for reading it live.

    python3 tasks.py build   # -> _build/html/index.html, and the JupyterLite site in _build/html/lite/
    python3 tasks.py test    # unit tests + every notebook under book/ (nbval)
    python3 tasks.py pdf     # -> _build/pdf/book.pdf (copied to _build/html/ when built)
    python3 tasks.py lab     # JupyterLab in book/
    python3 tasks.py execute book/NN_name.ipynb [...]   # re-run and store a chapter

Each command first makes sure the virtual environment `.venv` exists and
matches requirements.txt: it creates `.venv` with `python3 -m venv` when it is
missing and runs `pip install -r requirements.txt` when requirements.txt or
pyproject.toml changed since the last successful install (a SHA-256 of both is
kept in `.venv/.requirements.sha256`). Only the standard library is used, so
this file runs with any Python 3.11 before anything is installed.

Extra arguments after `test` go to pytest (`python3 tasks.py test -k relu -x`);
extra arguments after `lab` go to JupyterLab (`python3 tasks.py lab --no-browser`).
`pdf` builds the whole book as one HTML page (Sphinx's singlehtml builder, warnings are
errors) and prints it with Debian's Chromium (/usr/bin/chromium) through Playwright;
see _ext/nnsd_pdf.py.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXE = ".exe" if os.name == "nt" else ""
PYTHON = BIN / f"python{EXE}"
STAMP = VENV / ".requirements.sha256"
# What the environment is built from. pyproject.toml is included because
# requirements.txt ends with `-e .`, which installs mlcore as it describes.
ENV_FILES = [ROOT / "requirements.txt", ROOT / "pyproject.toml"]
PYTEST_NO_TESTS = 5  # pytest's exit code when it collected nothing
# The site build, shared with tests/conftest.py so that `test` checks the very
# build that `build` makes. -W: warnings are errors; -n: also warn about every
# unresolved reference; --keep-going: report all warnings, then fail; --all:
# re-read every page, so that a warning on an unchanged page is not hidden by
# the cache. Notebooks are not executed (execute_notebooks: off in
# _config.yml): the site shows the outputs stored in them.
BUILD_FLAGS = ["--builder", "html", "-W", "-n", "--keep-going", "--all"]


class TaskError(Exception):
    """A failure with a message for the user; main() prints it and exits 1."""


def say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def child_env() -> dict[str, str]:
    """The current environment with the venv activated (as `activate` would)."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    return env


def run(cmd: list, what: str, cwd: Path = ROOT) -> int:
    """Run a command, echo it first, and return its exit code."""
    cmd = [str(part) for part in cmd]
    say("$ " + " ".join(cmd))
    try:
        return subprocess.run(cmd, cwd=cwd, env=child_env()).returncode
    except FileNotFoundError as exc:
        raise TaskError(f"cannot {what}: {exc.filename} not found") from exc


def check(cmd: list, what: str, cwd: Path = ROOT) -> None:
    """Run a command and raise TaskError if it fails."""
    code = run(cmd, what, cwd)
    if code != 0:
        raise TaskError(f"could not {what} (exit code {code}); see the output above")


def env_hash() -> str:
    digest = hashlib.sha256()
    for path in ENV_FILES:
        if not path.is_file():
            raise TaskError(f"{path.name} is missing from {ROOT}")
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def mlcore_location() -> str:
    """Where the venv's Python finds `mlcore` (without importing it), or ''."""
    probe = "import importlib.util as u; s = u.find_spec('mlcore'); print(s.origin if s else '')"
    # Run outside ROOT so that the checkout itself is not on sys.path.
    out = subprocess.run([str(PYTHON), "-c", probe], cwd=VENV, env=child_env(),
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else ""


def ensure_env() -> None:
    """Create .venv if needed and install requirements.txt if it changed."""
    if sys.version_info < (3, 11):
        raise TaskError(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}; "
                        "run this file with python3.11")
    if not PYTHON.exists():
        say(f"creating the virtual environment {VENV.relative_to(ROOT)}/ with {sys.executable}")
        check([sys.executable, "-m", "venv", VENV],
              "create the virtual environment (on Debian/Ubuntu: apt-get install python3-venv)")

    wanted = env_hash()
    installed = STAMP.read_text().strip() if STAMP.exists() else ""
    if installed == wanted:
        say("environment is up to date with requirements.txt")
    else:
        reason = "first install" if not installed else "requirements.txt or pyproject.toml changed"
        say(f"installing requirements.txt into .venv ({reason}); this may take a few minutes")
        # `-e .` in requirements.txt is resolved against the working directory,
        # so pip must run from the repository root.
        check([PYTHON, "-m", "pip", "install", "--disable-pip-version-check",
               "-r", "requirements.txt"], "install requirements.txt")
        STAMP.write_text(wanted + "\n")
        say(f"installed; stamp written to {STAMP.relative_to(ROOT)}")

    # An editable install records where the package lives at install time; if
    # mlcore/ was created (or the checkout moved) after that, reinstall it.
    package = ROOT / "mlcore" / "__init__.py"
    if package.exists():
        found = mlcore_location()
        if not found or Path(found).resolve() != package.resolve():
            say(f"mlcore resolves to {found or 'nothing'}; reinstalling it in editable mode")
            check([PYTHON, "-m", "pip", "install", "--disable-pip-version-check",
                   "--no-deps", "-e", "."], "install mlcore in editable mode")


def build(extra: list[str]) -> int:
    """Build the HTML site into _build/html, treating every warning as an error."""
    ensure_env()
    code = run([BIN / f"jupyter-book{EXE}", "build", ROOT, *BUILD_FLAGS, *extra], "build the book")
    if code != 0:
        raise TaskError(f"the book build failed (exit code {code}): fix the warnings or "
                        "errors printed above (they are errors here, by design)")
    index = ROOT / "_build" / "html" / "index.html"
    if not index.exists():
        raise TaskError(f"the build reported success but {index} is missing")
    say(f"built: open {index}")
    return 0


def test(extra: list[str]) -> int:
    """Run the unit tests and every notebook (nbval) in one pytest session."""
    ensure_env()
    paths = [name for name in ("tests", "book") if (ROOT / name).is_dir()]
    missing = {"tests", "book"} - set(paths)
    if missing:
        say(f"note: no {' or '.join(sorted(missing))}/ directory; not collecting it")
    # --nbval collects *.ipynb and checks each cell's output against the stored
    # one; .py test files are collected as usual. --nbval-current-env runs the
    # notebooks in a kernel of this venv, whatever kernels are installed
    # elsewhere. -p no:cacheprovider keeps .pytest_cache out of the tree.
    code = run([PYTHON, "-m", "pytest", *paths, "--nbval", "--nbval-current-env",
                "-p", "no:cacheprovider", *extra], "run pytest")
    if code == PYTEST_NO_TESTS:
        raise TaskError("pytest collected no tests (exit code 5). Either nothing exists yet "
                        "under tests/ and book/, or the arguments deselected everything. "
                        "A test run that tests nothing counts as a failure.")
    if code != 0:
        say(f"pytest failed with exit code {code}")
    return code


def lab(extra: list[str]) -> int:
    """Open JupyterLab on book/ with the venv's kernel, so `import mlcore` works."""
    ensure_env()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        # Containers often run as root, which JupyterLab refuses by default.
        say("running as root: passing --allow-root to JupyterLab")
        extra = [*extra, "--allow-root"]
    say("starting JupyterLab in book/ (stop it with Ctrl-C)")
    try:
        return run([PYTHON, "-m", "jupyterlab", *extra], "start JupyterLab", cwd=ROOT / "book")
    except KeyboardInterrupt:
        return 0


# Run inside the venv after nbconvert: keep stored notebooks small, stable and
# offline-friendly. Widget state in the metadata would make the static site
# load the widget manager from a CDN and show a dead widget, so it is dropped.
# A cell that shows a live widget gets two cell tags: nbval-ignore-output
# (nbval cannot replay widget output) and remove-output (a widget is dead on
# the static site). Per-cell execution timestamps only add noise to diffs.
NORMALIZE = r"""
import sys, nbformat
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if ".widget()" in cell.source:
            tags = cell.metadata.setdefault("tags", [])
            for tag in ("nbval-ignore-output", "remove-output"):
                if tag not in tags:
                    tags.append(tag)
    nbformat.write(nb, path)
    print("[tasks] stored", path)
"""


def execute(extra: list[str]) -> int:
    """Re-execute notebooks top to bottom in a fresh kernel and store them normalised."""
    if not extra:
        raise TaskError("name the notebooks to execute, e.g. python3 tasks.py execute book/02_activations.ipynb")
    ensure_env()
    for name in extra:
        path = (ROOT / name).resolve()
        if path.suffix != ".ipynb" or not path.is_file():
            raise TaskError(f"{name} is not a notebook file")
        check([BIN / f"jupyter{EXE}", "nbconvert", "--to", "notebook", "--execute", "--inplace", path],
              f"execute {name}")
    check([PYTHON, "-c", NORMALIZE, *extra], "normalise the stored notebooks")
    return 0


PDF_DIR = ROOT / "_build" / "pdf"
PDF_FILE = PDF_DIR / "book.pdf"
# The one-page build: the site build's flags with another builder.
PDF_BUILD_FLAGS = ["--builder", "singlehtml", *BUILD_FLAGS[2:]]
# Run inside the venv: _config.yml plus the extension that lets the singlehtml
# builder write myst-nb's nodes, with the local extensions' paths made absolute
# (jupyter-book resolves them against the configuration file's folder).
PDF_CONFIG = r"""
import sys, yaml
root, out = sys.argv[1], sys.argv[2]
with open(root + "/_config.yml", encoding="utf-8") as f:
    config = yaml.safe_load(f)
sphinx = config.setdefault("sphinx", {})
local = sphinx.get("local_extensions") or {}
local = {name: path if path.startswith("/") else root + "/" + path for name, path in local.items()}
local["nnsd_pdf"] = root + "/_ext"
sphinx["local_extensions"] = local
with open(out, "w", encoding="utf-8") as f:
    yaml.safe_dump(config, f, sort_keys=False)
print(config.get("title", "") + "\n" + config.get("author", ""))
"""


def pdf(extra: list[str]) -> int:
    """Print the whole book into _build/pdf/book.pdf (and copy it into _build/html/ if built)."""
    import shutil
    import time

    ensure_env()
    if not os.path.exists("/usr/bin/chromium"):
        raise TaskError("Chromium is needed at /usr/bin/chromium to print the book "
                        "(on Debian/Ubuntu: apt-get install chromium)")
    start = time.monotonic()
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    config = PDF_DIR / "_config.yml"
    out = subprocess.run([str(PYTHON), "-c", PDF_CONFIG, str(ROOT), str(config)], cwd=ROOT,
                         env=child_env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise TaskError(f"could not write {config}: {out.stderr.strip()}")
    title, _, author = out.stdout.strip().partition("\n")
    check([BIN / f"jupyter-book{EXE}", "build", ROOT, "--config", config, "--path-output", PDF_DIR,
           *PDF_BUILD_FLAGS, *extra], "build the book as one HTML page (singlehtml)")
    single = PDF_DIR / "_build" / "singlehtml"
    # The root document is book/intro, but its links are written relative to the
    # output folder's top: the page is printed from there.
    page = single / "whole-book.html"
    shutil.copyfile(single / "book" / "intro.html", page)
    check([PYTHON, ROOT / "_ext" / "nnsd_pdf.py", page, PDF_FILE, title, author], "print the book to PDF")
    html = ROOT / "_build" / "html"
    if (html / "index.html").exists():
        shutil.copyfile(PDF_FILE, html / "book.pdf")
        say(f"copied into {(html / 'book.pdf').relative_to(ROOT)} (the site links to book.pdf)")
    say(f"wrote {PDF_FILE.relative_to(ROOT)} in {time.monotonic() - start:.0f} s")
    return 0


COMMANDS = {"build": build, "test": test, "lab": lab, "execute": execute, "pdf": pdf}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip())
        print(f"\nusage: python3 {Path(__file__).name} {{{','.join(COMMANDS)}}} [args...]")
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    command, extra = argv[0], argv[1:]
    try:
        return COMMANDS[command](extra)
    except TaskError as exc:
        print(f"[tasks] error: {exc}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
