"""Benchmark: how live the explorers feel, and how heavy and fast their static pages are.

For every explorer in mlcore.explore it measures

- compute, first visit: ``compute`` at every (canonical) grid point once, in
  grid order, from empty caches: what a reader moving the controls meets
  (shared work such as a whole step-size sweep is done on the first point that
  needs it and reused after);
- compute, cold: ``compute`` with every cache cleared before each call, at an
  evenly spaced sample of grid points (the worst case for a single move);
- update, first visit: the live widget's kernel side for one control change,
  ``widget.values = ...`` -> compute (cached) + JSON (4 significant digits) +
  the widget's state message, once for every frame (the grid with client-side
  controls at their last value, which need no new data) in grid order from
  empty caches; and the same when the frame was seen before (JSON cached);
- the static form: its size, the time to build it, and (when Chromium is at
  /usr/bin/chromium and playwright is installed) its draw time in the browser:
  the first draw when the page loads, then redraws at a sample of grid points
  (draw function + SVG into the page; and with the page's layout forced, which
  is what a reader waits for before the next frame).

Medians and maxima in milliseconds; the targets are a median under 16 ms for
an update and for a draw (one frame at 60 Hz). This is a measurement, not a
test: nothing here asserts a time. The machine's load average is printed,
since other processes slow everything down.

    .venv/bin/python benchmarks/bench_explore.py [--cold 24] [--draws 40] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from mlcore import explore

EXPLORERS = {"step_size": explore.step_size, "depth": explore.depth, "activation": explore.activation,
             "linear_classifier": explore.linear_classifier, "batch_size": explore.batch_size,
             "optimizer_race": explore.optimizer_race, "playground": explore.playground}
CHROMIUM = "/usr/bin/chromium"


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sample(points, k):
    idx = np.unique(np.linspace(0, len(points) - 1, min(k, len(points))).astype(int))
    return [points[i] for i in idx]


def ms(seconds):
    return 1000 * np.asarray(seconds, dtype=float)


def stats(values_ms):
    v = np.asarray(values_ms, dtype=float)
    return f"median {np.median(v):7.2f} ms   max {v.max():8.2f} ms   (n = {v.size})"


def kernel_side(name, make, args):
    """compute and widget-update timings; returns a row for the summary table and the static page."""
    ex = make()
    points = list(ex.grid_points())
    print(f"{name}: {len(points)} grid points, controls "
          f"{', '.join(f'{k} ({len(v)})' for k, v in ex.params.items())}")

    ex.clear_cache()
    first = ms([timed(lambda v=v: ex.compute(**v)) for v in points])
    print(f"  compute, first visit        {stats(first)}")

    cold = []
    for v in sample(points, args.cold):
        ex.clear_cache()
        cold.append(timed(lambda v=v: ex.compute(**v)))
    cold = ms(cold)
    print(f"  compute, cold               {stats(cold)}")

    fresh = make()
    fresh.clear_cache()
    widget = fresh.widget()
    # one point per frame (client-side controls at their last value): every move needs new data
    frames = list(fresh.grid_points(static=True))
    indices = [fresh.indices(**v) for v in frames]

    def move(i):
        widget.values = i

    update = ms([timed(lambda i=i: move(i)) for i in indices])
    print(f"  update (kernel), first      {stats(update)}")
    again = ms([timed(lambda i=i: move(i)) for i in sample(indices, 200)])
    print(f"  update (kernel), seen       {stats(again)}")
    json_kb = np.array([len(fresh.frame_json(**v)[1]) for v in sample(points, 50)]) / 1024
    print(f"  JSON per update             median {np.median(json_kb):7.1f} KB   max {json_kb.max():7.1f} KB")

    built = make()
    built.clear_cache()
    start, cpu = time.perf_counter(), time.process_time()
    page = built.to_html()
    build, cpu = time.perf_counter() - start, time.process_time() - cpu
    kb = len(page.encode()) / 1024
    n_frames = len(list(built.grid_points(static=True)))
    print(f"  static HTML                 {kb:7.1f} KB, {n_frames} frames, built in {build:.2f} s "
          f"({cpu:.2f} s of CPU)")
    row = {"name": name, "compute_med": np.median(first), "compute_max": first.max(), "cold_max": cold.max(),
           "update_med": np.median(update), "update_max": update.max(), "html_kb": kb, "build_s": build,
           "build_cpu": cpu}
    return row, built, page, points


DRAW_JS = """([indices]) => {
  const root = document.querySelector('div.mlx');
  const out = [];
  for (const st of indices) {
    root.mlx.setState(st);
    const t0 = performance.now();
    const script = root.mlx.redraw();
    void root.getBoundingClientRect().height;          // force style and layout of the new SVG
    out.push([script, performance.now() - t0]);
  }
  return out;
}"""


def browser_draws(rows, pages, args):
    """First draw and redraw times of each static form in Chromium (if available)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser draw: skipped (playwright is not installed)")
        return
    if not os.path.exists(CHROMIUM):
        print(f"browser draw: skipped ({CHROMIUM} not found)")
        return
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            for row in rows:
                explorer, page_html, points = pages[row["name"]]
                path = Path(tmp) / f"{row['name']}.html"
                path.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>'
                                "</head><body>" + page_html + "</body></html>", encoding="utf-8")
                firsts = []
                for _ in range(3):                       # a fresh page each time: the cost a reader meets first
                    page = browser.new_page(viewport={"width": 1280, "height": 1000})
                    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                    page.goto(path.as_uri())
                    page.wait_for_function("() => document.querySelector('div.mlx[data-mlx-draw-ms]')")
                    firsts.append(float(page.get_attribute("div.mlx", "data-mlx-draw-ms")))
                    page.close()
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(path.as_uri())
                page.wait_for_function("() => document.querySelector('div.mlx[data-mlx-draw-ms]')")
                chosen = sample(points, args.draws)
                indices = [explorer.indices(**v) for v in chosen]
                page.evaluate(DRAW_JS, [indices[:5]])      # warm up the JIT
                times = np.array(page.evaluate(DRAW_JS, [indices]))
                page.close()
                row.update(first_ms=np.median(firsts), draw_med=np.median(times[:, 0]), draw_max=times[:, 0].max(),
                           frame_med=np.median(times[:, 1]), frame_max=times[:, 1].max())
                print(f"{row['name']}: browser first draw {np.median(firsts):.2f} ms (median of 3 page loads); "
                      f"redraw {stats(times[:, 0])}; with layout {stats(times[:, 1])}")
        finally:
            browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=24, help="grid points timed with all caches cleared")
    parser.add_argument("--draws", type=int, default=40, help="grid points redrawn in the browser")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium draw timings")
    args = parser.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; Python {platform.python_version()}\n")

    rows, pages = [], {}
    for name, make in EXPLORERS.items():
        row, explorer, page, points = kernel_side(name, make, args)
        rows.append(row)
        pages[name] = (explorer, page, points)
        print()
    if not args.no_browser:
        browser_draws(rows, pages, args)
        print()

    head = (f"{'explorer':18s} {'compute':>16s} {'update (kernel)':>16s} {'static':>8s} {'build CPU':>9s} "
            f"{'first draw':>10s} {'redraw':>14s} {'+ layout':>14s}")
    print(head)
    print(f"{'':18s} {'median/max ms':>16s} {'median/max ms':>16s} {'KB':>8s} {'s':>9s} "
          f"{'ms':>10s} {'median/max ms':>14s} {'median/max ms':>14s}")
    for r in rows:
        browser = (f"{r['first_ms']:10.1f} {r['draw_med']:6.2f}/{r['draw_max']:<7.1f} {r['frame_med']:6.2f}/{r['frame_max']:<7.1f}"
                   if "first_ms" in r else f"{'-':>10s} {'-':>14s} {'-':>14s}")
        print(f"{r['name']:18s} {r['compute_med']:7.2f}/{r['compute_max']:<8.1f} {r['update_med']:7.2f}/{r['update_max']:<8.1f} "
              f"{r['html_kb']:8.1f} {r['build_cpu']:9.2f} {browser}")


if __name__ == "__main__":
    main()
