"""The whole-book PDF: a Sphinx fix for the one-page build, and the script that prints it.

`python3 tasks.py pdf` builds the book with ``--builder singlehtml`` (every page in one
HTML file) into _build/pdf/, then runs this file in the venv to print that page with
Debian's Chromium through Playwright, after its scripts ran (MathJax typesets the math,
the static explorers draw their default frame into their SVG).

1. As a Sphinx extension (added only to the PDF build's configuration, see tasks.py):
   extensions register how a node is written per builder *name*; myst-nb registers its
   nodes (for example the container of a ``hide-input`` cell) for ``html`` only, so the
   ``singlehtml`` builder stopped with "unknown node type: HideCodeCellNode". Every
   ``html`` handler that ``singlehtml`` lacks is copied to it.
2. As a script: ``python _ext/nnsd_pdf.py PAGE.html OUT.pdf TITLE AUTHOR``. In print,
   solutions are removed (never inline; sphinx-togglebutton would open every dropdown on
   print), the site's navigation is hidden, a title page and a table of contents are
   added, and each chapter starts on a new page. Only file:// requests are allowed.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _share_html_handlers(app):
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, pair in handlers.get("html", {}).items():
        single.setdefault(node, pair)


def setup(app):
    app.connect("builder-inited", _share_html_handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ------------------------------------------------------------------ printing
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

# Before any page script: sphinx-togglebutton registers a "beforeprint" listener that
# opens every dropdown (its toggleOpenOnPrint = 'true'); such listeners are dropped.
NO_OPEN_ON_PRINT = """
const _add = EventTarget.prototype.addEventListener;
EventTarget.prototype.addEventListener = function (type, ...rest) {
  if (type === "beforeprint") return;
  return _add.call(this, type, ...rest);
};
"""

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
html, body { background: white !important; }
.bd-header, .bd-header-article, .header-article, .bd-sidebar-primary, .bd-sidebar-secondary,
.bd-footer, .bd-footer-article, .bd-footer-content, .prev-next-area, .skip-link,
.headerlink, .copybtn, .toggle-button, .search-button-field, #pst-back-to-top,
div.solution, .jb-print-docs-body > h1 { display: none !important; }
.bd-main .bd-content .bd-article-container, .bd-article-container, .bd-content, .bd-main,
.bd-page-width, .bd-container, .bd-container__inner { max-width: 100% !important; width: 100% !important;
  padding: 0 !important; margin: 0 !important; }
section.nnsd-chapter { break-before: page; }
.nnsd-title-page { break-after: page; text-align: center; padding-top: 35%; }
.nnsd-title-page h1 { font-size: 2.4em; margin-bottom: 1em; }
.nnsd-toc { break-after: page; }
.nnsd-toc h2 { margin-bottom: 0.8em; }
.nnsd-toc p.nnsd-part { font-weight: bold; margin: 0.9em 0 0.2em 0; }
.nnsd-toc ul { list-style: none; padding-left: 1em; margin: 0; }
.nnsd-toc a { color: inherit; text-decoration: none; }
pre, div.highlight { white-space: pre-wrap !important; word-break: break-word; }
figure, img, svg, .cell_output { break-inside: avoid; }
/* A code cell moves to the next page whole rather than leave its empty frame behind. */
div.cell_input { break-inside: avoid; }
pre { break-inside: auto !important; }
h1, h2, h3 { break-after: avoid; }
"""

# Runs in the page once its scripts are done: marks the chapters, removes the
# solutions, and writes the title page and the table of contents (from the sidebar).
PREPARE = """
([title, author]) => {
  document.querySelectorAll("div.solution").forEach((el) => el.remove());
  const article = document.querySelector("article.bd-article");
  const chapters = [];
  document.querySelectorAll('span[id^="document-"]').forEach((marker) => {
    const section = marker.nextElementSibling;
    if (!section || section.tagName !== "SECTION") return;
    section.classList.add("nnsd-chapter");
    const heading = section.querySelector("h1, h2");
    chapters.push({id: section.id, doc: marker.id.slice("document-".length),
                   title: heading ? heading.textContent.replace(/#$/, "").trim() : section.id});
  });
  const byDoc = new Map(chapters.map((c) => [c.doc, c]));
  const toc = document.createElement("nav");
  toc.className = "nnsd-toc";
  toc.innerHTML = "<h2>Contents</h2>";
  const first = document.querySelector("article.bd-article > section > h1");
  const introId = first ? first.parentElement.id : "";
  const addList = () => { const ul = document.createElement("ul"); toc.appendChild(ul); return ul; };
  const addItem = (ul, id, text) => {
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = "#" + id; a.textContent = text; li.appendChild(a); ul.appendChild(li);
  };
  addItem(addList(), introId, first ? first.textContent.replace(/#$/, "").trim() : "Introduction");
  // The one-page build puts each part's chapters in one toctree wrapper, in order;
  // the part captions are the sidebar's (its lists are empty on this page).
  const captions = [...document.querySelectorAll(".bd-docs-nav p.caption")].map((p) => p.textContent.trim());
  const seen = new Set();
  document.querySelectorAll("article.bd-article > section > div.toctree-wrapper").forEach((wrapper, i) => {
    if (captions[i]) {
      const p = document.createElement("p"); p.className = "nnsd-part";
      p.textContent = captions[i]; toc.appendChild(p);
    }
    const ul = addList();
    wrapper.querySelectorAll(':scope > span[id^="document-"]').forEach((marker) => {
      const chapter = byDoc.get(marker.id.slice("document-".length));
      if (chapter) { seen.add(chapter.doc); addItem(ul, chapter.id, chapter.title); }
    });
  });
  chapters.filter((c) => !seen.has(c.doc)).forEach((c) => addItem(addList(), c.id, c.title));
  const cover = document.createElement("div");
  cover.className = "nnsd-title-page";
  cover.innerHTML = "<h1></h1><p class='nnsd-author'></p>";
  cover.querySelector("h1").textContent = title;
  cover.querySelector("p").textContent = author;
  article.prepend(toc);
  article.prepend(cover);
  return chapters.map((c) => c.title);
}
"""

FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def print_book(page_html: Path, out_pdf: Path, title: str, author: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 1400})
        blocked = []

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        context.add_init_script(NO_OPEN_ON_PRINT)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_html.resolve().as_uri(), wait_until="load", timeout=300_000)
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=120_000)
        page.evaluate("MathJax.startup.promise", )
        # Fonts and the explorers' first frames (drawn on load) settle.
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(500)
        chapters = page.evaluate(PREPARE, [title, author])
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out_pdf), format="A4", print_background=True, outline=True, tagged=True,
                 display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                 margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        browser.close()
    if blocked:
        print(f"[pdf] blocked {len(blocked)} non-local request(s), e.g. {blocked[0]}")
    if errors:
        print(f"[pdf] page errors: {errors[:3]}")
    return chapters


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: python _ext/nnsd_pdf.py PAGE.html OUT.pdf TITLE AUTHOR")
    names = print_book(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4])
    print(f"[pdf] printed {len(names)} chapters into {sys.argv[2]}")
