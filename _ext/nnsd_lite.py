"""The book in JupyterLite: every chapter runs in the reader's browser, with no install.

jupyterlite-sphinx runs `jupyter lite build` at the end of the HTML build and
writes the lite site to ``_build/html/lite/``; each chapter's "JupyterLite"
launch button (``launch_buttons.jupyterlite_url`` in _config.yml) opens that
chapter's notebook there. This extension prepares what that build reads, in
``_build/.lite/`` (``jupyterlite_dir`` and ``jupyterlite_content_dir``):

- the contents: every notebook under book/, in a ``book/`` folder so that the
  launch button's ``?path=book/NN_name.ipynb`` finds it. Two kinds of stored
  output are dropped: live widgets (cells tagged ``remove-output``), whose
  models exist only in the kernel that made them, and HTML drawn by a
  ``<script>`` (the explorers' static forms), which JupyterLab does not run in
  a notebook it has not trusted, so it would show an empty box; running the
  cell draws it. Multi-line strings are stored as strings, not lists of
  lines, which JupyterLite would show joined by commas.
- the Pyodide core (``pyodide.mjs``, ``pyodide.asm.wasm``, the standard
  library) from the npm package ``pyodide@PYODIDE_VERSION``, the version that
  jupyterlite-pyodide-kernel pins, fetched from the npm registry over HTTPS and
  checked against the registry's sha512 (no npm program needed). It lands in
  ``static/pyodide/``, which the kernel then loads from the site itself.
- Pyodide's lock file (``pyodide-lock.json``), rewritten:

  * what a kernel needs to start, sympy, and the pure-Python packages mlcore
    and the widgets import are wheels downloaded from PyPI (the lock's
    versions, but PyPI's builds, not Pyodide's: tests included, no Pyodide
    patches) and served with the site, with the lock's sha256 replaced by the
    downloaded file's;
  * packages Pyodide's lock lacks (ipywidgets, anywidget and theirs) are added
    at the versions requirements.txt pins;
  * mlcore itself is built into a wheel (``pip wheel . --no-deps``) and added
    with its dependencies from pyproject.toml, so that a chapter's own
    ``import mlcore`` loads it, with no ``%pip`` cell. The wheel sits in a
    folder named after its hash, so a browser never reuses a cached copy of
    an older build;
  * everything else (numpy, matplotlib and the other compiled packages, which
    no registry reachable at build time publishes for WebAssembly) points at
    the Pyodide CDN by absolute URL and is fetched by the reader's browser.

If the npm registry or PyPI cannot be reached, the book still builds: the lite
site then loads Pyodide and its packages from the CDN, and mlcore must be
installed with ``%pip install mlcore`` (its wheel is in the site's piplite
index). The build says so; with ``NNSD_LITE_REQUIRE_LOCAL=1`` in the
environment (the publishing workflow sets it) it fails instead. Anything else
that goes wrong (a package the lock no longer has, a version that does not
match the kernel's) is an error, not a fallback.

Only the ``html`` builder builds the lite site (not ``singlehtml``, which the
PDF uses).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from packaging.requirements import Requirement

PYODIDE_VERSION = "314.0.6"   # what jupyterlite-pyodide-kernel pins; checked against it in prepare_pyodide
PYODIDE_TARBALL = f"https://registry.npmjs.org/pyodide/-/pyodide-{PYODIDE_VERSION}.tgz"
PYODIDE_INTEGRITY = "sha512-BKDTJyIqFxC4BExLqeRS3f5xvXZIjOt8C3zGLN/Cc7tFxSwvKVhVkchQQ2AGLOtR4YrVOIFxbV8poyDOOmWwxQ=="
PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
# The files of the npm package the kernel loads (the rest are docs, types and source maps).
CORE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide.js",
              "package.json"]
# Pyodide's environment, for the markers of mlcore's dependencies.
PYODIDE_MARKERS = {"python_version": "3.14", "sys_platform": "emscripten", "platform_system": "Emscripten"}

# Served from the site, at the lock's versions, so that they work with no network:
# what the kernel loads to start (micropip, which vendors its own packaging; then
# ipython, jedi and comm through piplite), sympy for the chapters' derivations, and
# the pure-Python packages mlcore (tqdm) and anywidget (typing-extensions) import.
LOCAL_FROM_LOCK = ["micropip", "ipython", "asttokens", "decorator", "executing", "matplotlib-inline",
                   "prompt-toolkit", "pure-eval", "pygments", "six", "stack-data", "wcwidth", "traitlets",
                   "jedi", "parso", "sympy", "mpmath", "tqdm", "typing-extensions"]
# Not in Pyodide's lock: added at requirements.txt's pins, with what they import at import time.
ADDED = {
    "comm": {"imports": ["comm"], "depends": []},
    "ipywidgets": {"imports": ["ipywidgets"], "depends": ["comm", "ipython", "traitlets"]},
    "psygnal": {"imports": ["psygnal"], "depends": []},
    "anywidget": {"imports": ["anywidget"], "depends": ["ipywidgets", "psygnal", "typing-extensions"]},
}
# A registry that cannot be reached: fall back to the CDN. Everything else is a bug and raises.
NETWORK_ERRORS = (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException)


class Unreachable(Exception):
    """A registry (npm or PyPI) could not be reached."""


def say(message: str) -> None:
    print(f"[nnsd-lite] {message}", flush=True)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------- contents
def write_contents(root: Path, contents: Path) -> list[Path]:
    """Copy book/*.ipynb to ``contents/book/``, without the stored outputs of widget cells."""
    target = contents / "book"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in sorted((root / "book").glob("*.ipynb")):
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            cell["source"] = _joined(cell["source"])
            if cell["cell_type"] != "code":
                continue
            if "remove-output" in cell.get("metadata", {}).get("tags", []) or any(
                    "<script" in _joined(out.get("data", {}).get("text/html", "")) for out in cell["outputs"]):
                cell["outputs"] = []
                cell["execution_count"] = None
            for output in cell["outputs"]:
                if "text" in output:
                    output["text"] = _joined(output["text"])
                for mime, value in output.get("data", {}).items():
                    if not mime.endswith("json"):
                        output["data"][mime] = _joined(value)
        out = target / notebook.name
        out.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(out)
    return written


def _joined(text):
    """nbformat stores multi-line strings as lists of lines; JupyterLite's front end shows a list
    joined with commas (",z = ..." at the start of every output line), so give it strings."""
    return "".join(text) if isinstance(text, list) else text


# ---------------------------------------------------------------------- downloads
def _fetch_pyodide(cache: Path) -> Path:
    """The npm package's tarball, downloaded once into ``cache`` and checked against its sha512."""
    tarball = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    algorithm, _, expected = PYODIDE_INTEGRITY.partition("-")
    if tarball.exists() and base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode() == expected:
        return tarball
    say(f"downloading the Pyodide core {PYODIDE_TARBALL}")
    try:
        with urllib.request.urlopen(PYODIDE_TARBALL, timeout=120) as response:
            data = response.read()
    except NETWORK_ERRORS as exc:
        raise Unreachable(f"the npm registry: {exc}") from exc
    got = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if got != expected:
        raise RuntimeError(f"{PYODIDE_TARBALL} does not match its registry integrity {PYODIDE_INTEGRITY}")
    cache.mkdir(parents=True, exist_ok=True)
    tarball.write_bytes(data)
    return tarball


def _download_wheels(specs: list[str], dest: Path) -> None:
    """Pure-Python wheels from PyPI (pip's own index settings apply), skipped when already there."""
    dest.mkdir(parents=True, exist_ok=True)
    missing = [s for s in specs if not any(dest.glob(_wheel_glob(s)))]
    if not missing:
        return
    say(f"downloading {len(missing)} pure-Python wheels for the lite kernel from PyPI")
    result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary",
                             ":all:", "--python-version", "3.14", "--implementation", "py", "--abi", "none",
                             "--platform", "any", "--dest", str(dest), *missing],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise Unreachable(f"PyPI (pip download failed: {result.stderr.strip().splitlines()[-1:]})")


def _wheel_glob(spec: str) -> str:
    name, _, version = spec.partition("==")
    return f"{normalize(name).replace('-', '_')}-{version}-*.whl"


def _find_wheel(dest: Path, spec: str) -> Path:
    found = sorted(dest.glob(_wheel_glob(spec)))
    if not found:
        raise RuntimeError(f"no wheel for {spec} in {dest}")
    return found[0]


def _build_mlcore_wheel(root: Path, dest: Path) -> Path:
    """``pip wheel --no-deps`` of the course package, built from a copy so the checkout stays clean."""
    if dest.exists():
        shutil.rmtree(dest)
    source = dest / "src"
    shutil.copytree(root / "mlcore", source / "mlcore",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))
    shutil.copy2(root / "pyproject.toml", source / "pyproject.toml")
    try:
        import setuptools  # noqa: F401 - present in a Python 3.11 venv: no build isolation, no download
        isolation = ["--no-build-isolation"]
    except ImportError:
        isolation = []
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation, "--wheel-dir",
                    str(dest), str(source)], check=True, cwd=source)
    (wheel,) = dest.glob("mlcore-*.whl")
    return wheel


def _pins(root: Path) -> dict[str, str]:
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if match:
            pins[normalize(match[1])] = match[2]
    return pins


def mlcore_depends(root: Path) -> list[str]:
    """pyproject.toml's dependencies that apply in Pyodide, as normalized names."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(dep) for dep in project["dependencies"]]
    return [normalize(r.name) for r in requirements if r.marker is None or r.marker.evaluate(PYODIDE_MARKERS)]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------- the lock
def rewrite_lock(lock: dict, local: dict[str, Path], added: dict[str, dict]) -> dict:
    """Pyodide's lock with ``local`` wheels served from the site and ``added`` packages appended.

    ``local`` maps a lock name to a wheel file (copied next to the lock);
    ``added`` maps a new name to a full lock entry without file_name/sha256
    but with a ``wheel`` path (and optionally the ``folder``, next to the
    lock, it is served from). Every other package points at the CDN.
    """
    lock = json.loads(json.dumps(lock))
    packages = lock["packages"]
    for name, entry in packages.items():
        if name in local:
            entry.update(file_name=local[name].name, sha256=_sha256(local[name]), unvendored_tests=False)
        elif "://" not in entry["file_name"]:
            entry["file_name"] = PYODIDE_CDN + entry["file_name"]
    for name, spec in added.items():
        if name in packages:
            raise RuntimeError(f"{name} is already in Pyodide's lock; use its entry instead of adding one")
        wheel = spec["wheel"]
        file_name = f"{spec['folder']}/{wheel.name}" if spec.get("folder") else wheel.name
        packages[name] = {"name": name, "version": spec["version"], "file_name": file_name, "install_dir": "site",
                          "sha256": _sha256(wheel), "package_type": "package", "imports": spec["imports"],
                          "depends": spec["depends"], "unvendored_tests": False}
    names = {normalize(n) for n in packages}
    for name, entry in packages.items():
        unknown = [d for d in entry["depends"] if normalize(d) not in names]
        if unknown and name in {**local, **added}:
            raise RuntimeError(f"lock entry {name} depends on {unknown}, which the lock does not have")
    return lock


def prepare_pyodide(root: Path, lite_dir: Path, cache: Path) -> None:
    """Fill ``lite_dir/static/pyodide`` (core, rewritten lock, local wheels), replacing it only when complete."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION as KERNEL_PYODIDE
    if KERNEL_PYODIDE != PYODIDE_VERSION:
        raise RuntimeError(f"jupyterlite-pyodide-kernel expects Pyodide {KERNEL_PYODIDE}, but _ext/nnsd_lite.py "
                           f"serves {PYODIDE_VERSION}: update PYODIDE_VERSION and PYODIDE_INTEGRITY (the "
                           "registry's dist.integrity of the npm package) together")
    out = lite_dir / "static" / "pyodide"
    staging = out.with_name("pyodide.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(_fetch_pyodide(cache)) as tar:
        for name in CORE_FILES + ["pyodide-lock.json"]:
            (staging / name).write_bytes(tar.extractfile(f"package/{name}").read())
    lock = json.loads((staging / "pyodide-lock.json").read_text(encoding="utf-8"))
    packages = lock["packages"]
    wheels = cache / "wheels"
    pins = _pins(root)
    missing_pins = [n for n in ADDED if n not in pins]
    if missing_pins:
        raise RuntimeError(f"requirements.txt pins no version of {missing_pins}")
    specs = [f"{packages[n]['name']}=={packages[n]['version']}" for n in LOCAL_FROM_LOCK]
    specs += [f"{n}=={pins[n]}" for n in ADDED]
    _download_wheels(specs, wheels)

    local = {n: _find_wheel(wheels, f"{packages[n]['name']}=={packages[n]['version']}") for n in LOCAL_FROM_LOCK}
    added = {n: {**spec, "version": pins[n], "wheel": _find_wheel(wheels, f"{n}=={pins[n]}")}
             for n, spec in ADDED.items()}
    mlcore_wheel = _build_mlcore_wheel(root, cache / "mlcore")
    folder = f"mlcore-{_sha256(mlcore_wheel)[:12]}"
    added["mlcore"] = {"version": mlcore_wheel.name.split("-")[1], "wheel": mlcore_wheel, "imports": ["mlcore"],
                       "depends": mlcore_depends(root), "folder": folder}
    new_lock = rewrite_lock(lock, local, added)
    for name, wheel in [*local.items(), *((n, spec["wheel"]) for n, spec in added.items())]:
        target = staging / added.get(name, {}).get("folder", "") / wheel.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(wheel, target)
    (staging / "pyodide-lock.json").write_text(json.dumps(new_lock, indent=1, sort_keys=True) + "\n",
                                               encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    say(f"Pyodide {PYODIDE_VERSION} core and {len(local) + len(added)} wheels (mlcore {added['mlcore']['version']} "
        f"among them) in {out}; numpy, matplotlib and the other compiled packages load from {PYODIDE_CDN}")


def prepare_fallback(root: Path, lite_dir: Path, cache: Path, reason: str) -> None:
    """No local Pyodide: the kernel loads it from the CDN; mlcore goes into the piplite index for %pip."""
    for stale in ("pyodide", "pyodide.partial"):
        shutil.rmtree(lite_dir / "static" / stale, ignore_errors=True)
    say(f"could not prepare a local Pyodide ({reason}).")
    say(f"The lite site will load Pyodide and every package from {PYODIDE_CDN} at run time, and a chapter "
        "needs `%pip install mlcore` before `import mlcore` there.")
    wheel = _build_mlcore_wheel(root, cache / "mlcore")
    config = {"PipliteAddon": {"piplite_urls": [str(wheel)]}}
    (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------- Sphinx
def _drop_lite_build(app) -> None:
    """Only the html builder makes the lite site: remove jupyterlite-sphinx's build-finished hook otherwise."""
    listeners = [listener for listener in app.events.listeners.get("build-finished", [])
                 if getattr(listener.handler, "__name__", "") == "jupyterlite_build"]
    if not listeners:
        raise RuntimeError("jupyterlite-sphinx's build-finished handler `jupyterlite_build` was not found; "
                           f"the {app.builder.name} build would build the lite site too")
    for listener in listeners:
        app.disconnect(listener.id)


# jupyterlite-sphinx adds these to every page for its directives (which the book does not use);
# the first is a web font from fonts.googleapis.com, a request every page would make.
_UNUSED_ASSETS = {"https://fonts.googleapis.com/css?family=Vibur", "jupyterlite_sphinx.css", "jupyterlite_sphinx.js"}


def _drop_unused_assets(app, config) -> None:
    app.registry.css_files[:] = [f for f in app.registry.css_files if f[0] not in _UNUSED_ASSETS]
    app.registry.js_files[:] = [f for f in app.registry.js_files if f[0] not in _UNUSED_ASSETS]


def prepare(root: Path, lite_dir: Path, contents: Path) -> bool:
    """Everything the lite build reads; True with a local Pyodide, False when it fell back to the CDN."""
    cache = lite_dir.parent / "cache"
    lite_dir.mkdir(parents=True, exist_ok=True)
    (lite_dir / "jupyter_lite_config.json").unlink(missing_ok=True)
    notebooks = write_contents(root, contents)
    say(f"{len(notebooks)} notebooks in the lite contents ({contents / 'book'})")
    try:
        prepare_pyodide(root, lite_dir, cache)
        return True
    except Unreachable as exc:
        if os.environ.get("NNSD_LITE_REQUIRE_LOCAL") == "1":
            raise RuntimeError(f"NNSD_LITE_REQUIRE_LOCAL=1 and a registry cannot be reached: {exc}") from exc
        prepare_fallback(root, lite_dir, cache, f"cannot reach {exc}")
        return False


def _on_builder_inited(app) -> None:
    if app.builder.name != "html":
        _drop_lite_build(app)
        return
    root = Path(app.srcdir)
    prepare(root, root / app.config.jupyterlite_dir, root / app.config.jupyterlite_content_dir)


def setup(app):
    # builder-inited comes after jupyterlite-sphinx's config-inited handler, which empties the content folder
    app.connect("config-inited", _drop_unused_assets)   # after every extension's setup
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
