"""_ext/nnsd_lite.py without a network: the lock rewrite, the contents, and the fallback
when the npm registry cannot be reached (the book must still build, and say so)."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import subprocess
import sys
import tarfile
import urllib.error
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lite():
    spec = importlib.util.spec_from_file_location("nnsd_lite", ROOT / "_ext" / "nnsd_lite.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wheel(tmp_path, name, data=b"wheel bytes"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _lock():
    return {"info": {}, "packages": {
        "sympy": {"name": "sympy", "version": "1.0", "file_name": "sympy-1.0-py3-none-any.whl", "sha256": "old",
                  "depends": ["mpmath"], "imports": ["sympy"], "install_dir": "site", "package_type": "package",
                  "unvendored_tests": True},
        "mpmath": {"name": "mpmath", "version": "1.0", "file_name": "mpmath-1.0-py3-none-any.whl", "sha256": "m",
                   "depends": [], "imports": ["mpmath"], "install_dir": "site", "package_type": "package"},
        "numpy": {"name": "numpy", "version": "2.0", "file_name": "numpy-2.0-cp314-wasm32.whl", "sha256": "n",
                  "depends": [], "imports": ["numpy"], "install_dir": "site", "package_type": "package"},
    }}


def test_rewrite_lock_serves_local_wheels_and_sends_the_rest_to_the_cdn(lite, tmp_path):
    sympy = _wheel(tmp_path, "sympy-1.0-py3-none-any.whl", b"from pypi")
    mine = _wheel(tmp_path, "mine-0.1-py3-none-any.whl", b"mine")
    lock = _lock()
    new = lite.rewrite_lock(lock, {"sympy": sympy},
                            {"mine": {"version": "0.1", "wheel": mine, "imports": ["mine"], "depends": ["numpy"]}})
    packages = new["packages"]
    assert packages["sympy"]["file_name"] == sympy.name
    assert packages["sympy"]["sha256"] == hashlib.sha256(b"from pypi").hexdigest()
    assert packages["sympy"]["unvendored_tests"] is False
    assert packages["numpy"]["file_name"] == lite.PYODIDE_CDN + "numpy-2.0-cp314-wasm32.whl"
    assert packages["numpy"]["sha256"] == "n"            # the CDN's file: its hash stays
    assert packages["mpmath"]["file_name"].startswith("https://cdn.jsdelivr.net/pyodide/v314.0.6/full/")
    assert packages["mine"]["sha256"] == hashlib.sha256(b"mine").hexdigest() and packages["mine"]["depends"] == ["numpy"]
    assert lock["packages"]["sympy"]["file_name"] == "sympy-1.0-py3-none-any.whl", "the input lock was modified"


def test_rewrite_lock_refuses_what_it_cannot_serve(lite, tmp_path):
    mine = _wheel(tmp_path, "mine-0.1-py3-none-any.whl")
    with pytest.raises(RuntimeError, match="depends on \\['nowhere'\\]"):
        lite.rewrite_lock(_lock(), {}, {"mine": {"version": "0.1", "wheel": mine, "imports": [], "depends": ["nowhere"]}})
    with pytest.raises(RuntimeError, match="already in Pyodide's lock"):
        lite.rewrite_lock(_lock(), {}, {"numpy": {"version": "9", "wheel": mine, "imports": [], "depends": []}})


def test_contents_are_the_chapters_without_widget_outputs(lite, tmp_path):
    written = lite.write_contents(ROOT, tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in (ROOT / "book").glob("*.ipynb"))
    explorers = json.loads((tmp_path / "book" / "explorers.ipynb").read_text(encoding="utf-8"))
    widget_cells = [c for c in explorers["cells"] if "remove-output" in c.get("metadata", {}).get("tags", [])]
    assert widget_cells and all(c["outputs"] == [] for c in widget_cells)
    static_cells = [c for c in explorers["cells"] if c["cell_type"] == "code" and ".static()" in c["source"]]
    assert static_cells and all(c["outputs"] == [] for c in static_cells), "script-drawn HTML would show blank"
    assert all("<script" not in json.dumps(c.get("outputs", [])) for c in explorers["cells"])
    for cell in explorers["cells"]:
        assert isinstance(cell["source"], str)
        for output in cell.get("outputs", []):
            assert isinstance(output.get("text", ""), str)
            assert all(isinstance(v, (str, dict)) for v in output.get("data", {}).values())


def test_without_the_npm_registry_the_build_falls_back_to_the_cdn_and_says_so(lite, tmp_path, monkeypatch, capsys):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(lite.urllib.request, "urlopen", offline)
    lite_dir, contents = tmp_path / "lite" / "site", tmp_path / "lite" / "contents"
    (lite_dir / "static" / "pyodide").mkdir(parents=True)          # left over from an earlier build
    assert lite.prepare(ROOT, lite_dir, contents) is False
    said = capsys.readouterr().out
    assert "could not prepare a local Pyodide" in said and "no network" in said
    assert "%pip install mlcore" in said and lite.PYODIDE_CDN in said
    assert not (lite_dir / "static" / "pyodide").exists(), "a stale local Pyodide would shadow the CDN"
    config = json.loads((lite_dir / "jupyter_lite_config.json").read_text(encoding="utf-8"))
    (wheel,) = config["PipliteAddon"]["piplite_urls"]
    assert Path(wheel).is_file() and Path(wheel).name.startswith("mlcore-")
    assert (contents / "book" / "02_activations.ipynb").is_file()


def _offline(monkeypatch, lite):
    def urlopen(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(lite.urllib.request, "urlopen", urlopen)


def test_fallback_builds_a_lite_site_that_offers_mlcore_to_pip(lite, tmp_path, monkeypatch):
    _offline(monkeypatch, lite)
    lite_dir, contents, out = tmp_path / "site", tmp_path / "contents", tmp_path / "out"
    assert lite.prepare(ROOT, lite_dir, contents) is False
    subprocess.run([sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite_dir), "--contents",
                    str(contents), "--output-dir", str(out), "--apps", "lab"], check=True, cwd=tmp_path,
                   capture_output=True)
    settings = json.loads((out / "jupyter-lite.json").read_text(encoding="utf-8"))
    kernel = settings["jupyter-config-data"].get("litePluginSettings", {}).get(
        "@jupyterlite/pyodide-kernel-extension:kernel", {})
    assert "pyodideUrl" not in kernel, "the fallback must not point the kernel at a local Pyodide"
    assert not (out / "static" / "pyodide").exists()
    index = json.loads((out / "pypi" / "all.json").read_text(encoding="utf-8"))
    assert "mlcore" in index, f"mlcore is not in the piplite index: {sorted(index)}"


def test_require_local_turns_the_fallback_into_an_error(lite, tmp_path, monkeypatch):
    _offline(monkeypatch, lite)
    monkeypatch.setenv("NNSD_LITE_REQUIRE_LOCAL", "1")
    with pytest.raises(RuntimeError, match="NNSD_LITE_REQUIRE_LOCAL=1 and a registry cannot be reached: the npm registry"):
        lite.prepare(ROOT, tmp_path / "site", tmp_path / "contents")


def _fake_pyodide(path, lock):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in [*((n, b"core") for n in ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                                                     "python_stdlib.zip", "pyodide.js", "package.json"]),
                           ("pyodide-lock.json", json.dumps(lock).encode())]:
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_bug_is_an_error_not_a_fallback(lite, tmp_path, monkeypatch):
    """A lock without the packages the site must serve raises; it does not quietly fall back to the CDN."""
    fake = _fake_pyodide(tmp_path / "pyodide.tgz", _lock())            # no micropip, ipython, ...
    monkeypatch.setattr(lite, "_fetch_pyodide", lambda cache: fake)
    lite_dir = tmp_path / "site"
    (lite_dir / "static" / "pyodide").mkdir(parents=True)
    (lite_dir / "static" / "pyodide" / "kept").write_text("an earlier, complete build")
    with pytest.raises(KeyError):
        lite.prepare(ROOT, lite_dir, tmp_path / "contents")
    assert (lite_dir / "static" / "pyodide" / "kept").exists(), "a failed build must not destroy the last good one"


def test_a_kernel_wanting_another_pyodide_is_an_error(lite, tmp_path, monkeypatch):
    import jupyterlite_pyodide_kernel.constants as constants
    monkeypatch.setattr(constants, "PYODIDE_VERSION", "999.0.0")
    with pytest.raises(RuntimeError, match="expects Pyodide 999.0.0"):
        lite.prepare_pyodide(ROOT, tmp_path / "site", tmp_path / "cache")

