"""Launch and download links: every one opens a notebook that exists, from the one repository URL.

sphinx-book-theme writes the launch buttons from _config.yml (`repository` and
`launch_buttons`); nothing else in the repository may hard-code the URL. These
tests read the built site (the `built_site` fixture) and check, on every chapter
page and the explorers page:

- the Binder button: https://mybinder.org/v2/gh/<owner>/<repo>/<branch>?urlpath=lab/tree/<path>,
  built from _config.yml, opening the page's own notebook, and <path> exists here;
- the download button: a .ipynb under _sources/ that is this repository's notebook, byte for byte.

JupyterLite launch links are checked in tests/test_lite.py.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml
from _toc import notebook_pages

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


PAGES = notebook_pages()


def _repo_slug():
    url = CONFIG["repository"]["url"].rstrip("/")
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "github.com", f"repository.url is not a GitHub URL: {url}"
    slug = parts.path.strip("/").removesuffix(".git")
    assert slug.count("/") == 1, f"repository.url should be https://github.com/<owner>/<repo>, not {url}"
    return slug


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            if attrs.get("href"):
                self.links.append(attrs)


def _links(page_html: Path):
    parser = _Links()
    parser.feed(page_html.read_text(encoding="utf-8"))
    return parser.links


def _binder_prefix():
    hub = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    return f"{hub}/v2/gh/{_repo_slug()}/{CONFIG['repository'].get('branch', 'main')}"


def test_launch_config():
    assert CONFIG["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert CONFIG["launch_buttons"]["binderhub_url"].rstrip("/") == "https://mybinder.org"
    assert CONFIG["repository"].get("branch"), "_config.yml repository.branch is not set"
    _repo_slug()
    assert len(PAGES) >= 14, f"expected 13 chapters and the explorers page in _toc.yml, found {PAGES}"
    assert "book/explorers" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_binder_link_opens_this_notebook(built_site, page):
    assert built_site.returncode == 0, f"the strict site build failed:\n{built_site.log}"
    binder = [a["href"] for a in _links(built_site.html / f"{page}.html") if "/v2/gh/" in a["href"]]
    assert len(binder) == 1, f"{page}.html should have one Binder button, has {binder}"
    href = binder[0]
    base, _, query = href.partition("?")
    assert base == _binder_prefix(), f"{page}.html: Binder link {href} is not built from _config.yml ({_binder_prefix()})"
    urlpath = parse_qs(query)["urlpath"]
    assert len(urlpath) == 1 and urlpath[0].startswith("lab/tree/"), f"{page}.html: {href} does not open JupyterLab"
    path = unquote(urlpath[0].removeprefix("lab/tree/"))
    assert (ROOT / path).is_file(), f"{page}.html: Binder opens {path}, which is not in the repository"
    book_prefix = CONFIG["repository"].get("path_to_book", "") or ""
    assert path == os.path.join(book_prefix, f"{page}.ipynb"), f"{page}.html: Binder opens {path}, not the page's notebook"


@pytest.mark.parametrize("page", PAGES)
def test_download_link_is_this_notebook(built_site, page):
    assert built_site.returncode == 0, f"the strict site build failed:\n{built_site.log}"
    html = built_site.html
    downloads = [a["href"] for a in _links(html / f"{page}.html") if "btn-download-source-button" in a.get("class", "")]
    assert len(downloads) == 1, f"{page}.html should have one source download button, has {downloads}"
    href = downloads[0]
    assert not urlsplit(href).scheme, f"{page}.html: the download link {href} leaves the site"
    # Resolve the relative link the way the browser does, from the page's URL.
    target = urlsplit(urljoin(f"http://site/{page}.html", href)).path.lstrip("/")
    assert target.startswith("_sources/") and target.endswith(".ipynb"), f"{page}.html: {href} is not a notebook download"
    served, source = html / unquote(target), ROOT / unquote(target).removeprefix("_sources/")
    assert served.is_file(), f"{page}.html: the download link {href} points at {target}, which was not built"
    assert source.is_file(), f"{page}.html: the download {target} maps to {source}, not in the repository"
    assert source == ROOT / f"{page}.ipynb", f"{page}.html: downloads {source}, not the page's notebook"
    assert served.read_bytes() == source.read_bytes(), f"{page}.html: the downloaded notebook differs from {source}"


def test_every_binder_link_on_the_site_uses_the_configured_repository(built_site):
    assert built_site.returncode == 0, f"the strict site build failed:\n{built_site.log}"
    prefix = _binder_prefix()
    for page in sorted(built_site.html.rglob("*.html")):
        if "_static" in page.parts or "lite" in page.relative_to(built_site.html).parts[:1]:
            continue
        for a in _links(page):
            if "/v2/gh/" in a["href"]:
                assert a["href"].startswith(prefix + "?"), f"{page}: Binder link {a['href']} is not {prefix}"


# Folders that hold no hand-written file of this repository (environments, builds, vendored code).
_SKIP_DIRS = {".git", ".venv", "_build", "_vendor", "node_modules", ".hypothesis", ".pytest_cache", "__pycache__",
              ".ipynb_checkpoints", ".jupyterlite.doit.db"}
_TEXT = {".py", ".md", ".yml", ".yaml", ".toml", ".txt", ".cfg", ".ini", ".ipynb", ".sh", ".html", ".js", ".json", ""}


def test_repository_url_is_set_only_in_config():
    slug = _repo_slug()
    offenders = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info")]
        for name in filenames:
            path = Path(dirpath) / name
            if path.suffix not in _TEXT or path == ROOT / "_config.yml" or path.stat().st_size > 20_000_000:
                continue
            try:
                if slug in path.read_text(encoding="utf-8", errors="ignore"):
                    offenders.append(str(path.relative_to(ROOT)))
            except OSError:
                continue
    assert not offenders, (f"the repository URL ({slug}) is hard-coded in {offenders}; set it only in _config.yml "
                           "(repository.url) and derive it from there")
