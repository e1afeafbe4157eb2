"""Benchmark: how live the explorers feel, and how heavy their static pages are.

For every explorer in mlcore.explore it prints

- compute, first visit: ``compute`` at every (canonical) grid point once, in
  grid order, starting from empty caches: what a reader dragging the controls
  around meets (shared work such as a whole step-size sweep is done on the
  first point that needs it and reused after);
- compute, cold: ``compute`` with every cache cleared before each call, at an
  evenly spaced sample of grid points (the worst case for a single move);
- render: ``render`` (compute + matplotlib Agg + PNG), the widget's redraw, at
  a sample of points;
- to_html: the static fragment's size and build time.

Medians and maxima in milliseconds. This is a measurement, not a test:
nothing here asserts a time. The target is a median under 100 ms.

    .venv/bin/python benchmarks/bench_explore.py [--cold 24] [--renders 12]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from matplotlib.figure import Figure

from mlcore import explore

EXPLORERS = {"step_size": explore.step_size, "depth": explore.depth, "activation": explore.activation}


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sample(points, k):
    idx = np.unique(np.linspace(0, len(points) - 1, min(k, len(points))).astype(int))
    return [points[i] for i in idx]


def stats(seconds):
    ms = 1000 * np.asarray(seconds)
    return f"median {np.median(ms):7.2f} ms   max {ms.max():8.2f} ms   (n = {ms.size})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=24, help="grid points timed with all caches cleared")
    parser.add_argument("--renders", type=int, default=12, help="grid points timed for render()")
    args = parser.parse_args()

    for name, make in EXPLORERS.items():
        ex = make()
        points = list(ex.grid_points())
        print(f"{name}: {len(points)} grid points, controls {', '.join(f'{k} ({len(v)})' for k, v in ex.params.items())}")

        ex.clear_cache()
        first = [timed(lambda v=v: ex.compute(**v)) for v in points]
        print(f"  compute, first visit   {stats(first)}")

        cold = []
        for v in sample(points, args.cold):
            ex.clear_cache()
            cold.append(timed(lambda v=v: ex.compute(**v)))
        print(f"  compute, cold          {stats(cold)}")

        fig = Figure(figsize=ex.figsize, dpi=ex.dpi)
        ex.render(fig, **points[0])  # font cache and first-draw costs
        renders = [timed(lambda v=v: ex.render(fig, **v)) for v in sample(points, args.renders)]
        print(f"  render (widget redraw) {stats(renders)}")

        fresh = make()
        fresh.clear_cache()
        start = time.perf_counter()
        page = fresh.to_html()
        build = time.perf_counter() - start
        n_frames = len(list(fresh.grid_points(static=True)))
        print(f"  to_html                {len(page.encode()) / 1024:7.1f} KB, {n_frames} frames, "
              f"built in {build:.2f} s")
        print()


if __name__ == "__main__":
    main()
