"""Plotting helpers that several chapters share (matplotlib only).

Every function draws on a given Axes (or a new one) and returns it, with
labelled axes, so chapters stay short and consistent.
"""

from __future__ import annotations

import numpy as np

__all__ = ["draw_network", "decision_boundary", "draw_value_graph", "activation_panel"]


def _axes(ax, figsize=(6, 4)):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=figsize)
    return ax


def draw_network(sizes, ax=None, *, show_bias=False, title=None, max_units=12):
    """Draw a fully connected network with layer widths ``sizes``.

    Inputs on the left, outputs on the right; the title shows the number of
    weights, biases and learnable parameters (computed from ``sizes``).
    Layers wider than ``max_units`` are drawn with an ellipsis.
    """
    ax = _axes(ax, (1.6 * len(sizes) + 1, 3.6))
    sizes = [int(s) for s in sizes]
    coords = []
    for i, n in enumerate(sizes):
        shown = min(n, max_units)
        ys = np.linspace(-(shown - 1) / 2, (shown - 1) / 2, shown) if shown > 1 else np.zeros(1)
        coords.append([(i, y) for y in ys])
    for i in range(len(sizes) - 1):
        for (x0, y0) in coords[i]:
            for (x1, y1) in coords[i + 1]:
                ax.plot([x0, x1], [y0, y1], color="0.75", lw=0.6, zorder=1)
    colors = ["#4C72B0"] + ["#DD8452"] * (len(sizes) - 2) + ["#55A868"]
    for i, layer in enumerate(coords):
        xs, ys = zip(*layer)
        ax.scatter(xs, ys, s=260, color=colors[i], edgecolor="k", zorder=3)
        if sizes[i] > max_units:
            ax.text(i, max(ys) + 0.9, f"({sizes[i]} units)", ha="center", fontsize=8)
        if show_bias and i < len(sizes) - 1:
            ax.scatter([i], [min(ys) - 1.2], s=200, color="white", edgecolor="k", marker="s", zorder=3)
            ax.text(i, min(ys) - 1.2, "+1", ha="center", va="center", fontsize=7, zorder=4)
            for (x1, y1) in coords[i + 1]:
                ax.plot([i, x1], [min(ys) - 1.2, y1], color="0.85", lw=0.5, ls="--", zorder=0)
    names = ["input"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
    ax.set_xticks(range(len(sizes)))
    ax.set_xticklabels([f"{name}\n{n}" for name, n in zip(names, sizes)])
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    ax.set_title(title or f"{'-'.join(map(str, sizes))}: {weights} weights + {biases} biases "
                 f"= {weights + biases} parameters", fontsize=10)
    return ax


def decision_boundary(predict, X, y, ax=None, *, resolution=200, margin=0.5, levels=None, cmap="RdBu"):
    """Shade the plane by ``predict(grid)`` and scatter the labelled points.

    ``predict`` maps an ``(M, 2)`` array to class scores/probabilities ``(M,)``
    or ``(M, K)``: for K > 1 the arg-max class is shaded; for one column the
    0.5 level is drawn as the boundary.
    """
    ax = _axes(ax, (4.5, 4))
    X = np.asarray(X)
    x0, x1 = X[:, 0].min() - margin, X[:, 0].max() + margin
    y0, y1 = X[:, 1].min() - margin, X[:, 1].max() + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.c_[gx.ravel(), gy.ravel()]
    out = np.asarray(predict(grid))
    if out.ndim == 2 and out.shape[1] > 1:
        Z = out.argmax(axis=1).reshape(gx.shape)
        ax.contourf(gx, gy, Z, levels=np.arange(out.shape[1] + 1) - 0.5, cmap=cmap, alpha=0.35)
    else:
        Z = out.reshape(gx.shape)
        ax.contourf(gx, gy, Z, levels=levels if levels is not None else 20, cmap=cmap, alpha=0.35)
        ax.contour(gx, gy, Z, levels=[0.5], colors="k", linewidths=1.2)
    ax.scatter(X[:, 0], X[:, 1], c=np.asarray(y), cmap=cmap, edgecolor="k", s=22)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def activation_panel(activation, ax=None, *, z=None, title=None):
    """Plot an elementwise activation and its derivative on one Axes."""
    ax = _axes(ax, (4, 3))
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z, dtype=np.float64)
    ax.plot(z, activation(z), lw=2, label=r"$\varphi(z)$")
    ax.plot(z, activation.grad(z), lw=2, ls="--", label=r"$\varphi'(z)$")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.axvline(0, color="0.6", lw=0.6)
    ax.set_xlabel("pre-activation $z$")
    ax.set_ylabel("value")
    ax.set_title(title or repr(activation))
    ax.legend(loc="upper left", fontsize=8)
    return ax


def draw_value_graph(root, ax=None, *, show_grad=True):
    """Draw the computational graph of an ``mlcore.Value`` (inputs left, output right)."""
    nodes = root.topological_order()
    depth = {}
    for node in nodes:  # inputs before the nodes that use them
        depth[id(node)] = 1 + max((depth[id(c)] for c in node._prev), default=-1)
    columns = {}
    for node in nodes:
        columns.setdefault(depth[id(node)], []).append(node)
    ax = _axes(ax, (2.3 * (max(columns) + 1) + 1, 1.4 * max(len(c) for c in columns.values()) + 1.2))
    pos = {}
    for d, col in columns.items():
        for k, node in enumerate(col):
            pos[id(node)] = (d * 2.3, (len(col) - 1) / 2 - k)
    for node in nodes:
        x1, y1 = pos[id(node)]
        for child in node._prev:
            x0, y0 = pos[id(child)]
            ax.annotate("", xy=(x1 - 0.55, y1), xytext=(x0 + 0.55, y0),
                        arrowprops=dict(arrowstyle="->", color="0.4", lw=1))
    for node in nodes:
        x, y = pos[id(node)]
        head = f"{node.label}: " if node.label else ""
        op = f"[{node.op}]\n" if node.op else ""
        text = f"{op}{head}{node.data:.4g}"
        if show_grad:
            text += f"\ngrad {node.grad:.4g}"
        ax.text(x, y, text, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.35", fc="#E8F0FB" if not node._prev else "#FCEBD9", ec="0.3"))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
    ax.axis("off")
    return ax
