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


def draw_value_graph(root, ax=None, *, show_grad=True, title=None, legend=True):
    """Draw the computational graph of an ``mlcore.Value``, inputs left, output right.

    Layout: every operation is a circle and every input a box, in columns taken
    from the topological order (an operation sits one column right of its
    deepest input; an input sits just left of its first use). Constants are
    written into their operation (``×(−1)``, ``+1``). Each edge carries two
    numbers: the **value** flowing forward along it (blue, above) and, if
    ``show_grad``, the **gradient** flowing back along it (red, below), which
    is the operation's local gradient times its upstream gradient. The pair sits
    at the point of its edge, nearest a preferred one, where it overlaps no node
    and no label placed before it. A node used more than once also shows the
    sum of its edge gradients (``Σ``). The
    output leaves on an arrow with its value and the seed gradient 1. ``legend``
    writes what the two colours mean under the graph.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    value_colour, grad_colour = "#1f5fa8", "#c62828"
    dx, dy, radius, box_w, box_h = 3.0, 1.7, 0.45, 0.9, 0.5

    def fmt(v):
        return f"{v + 0.0:.4g}".replace("-", "\u2212")

    def op_text(node, consts):
        c = [fmt(k.data) for k in consts]
        op = node.op
        if op == "+":
            if c:
                return " ".join(("\u2212" + s[1:]) if s.startswith("\u2212") else "+" + s for s in c)
            return "+"
        if op == "*":
            return "\u00d7" + "\u00d7".join(f"({s})" if s.startswith("\u2212") else s for s in c) if c else "\u00d7"
        if op == "max":
            return f"max(\u00b7,{c[0]})" if c else "max"
        if op.startswith("**"):
            p = op[2:]
            return {"-1": "1/x", "2": "x\u00b2", "0.5": "\u221ax"}.get(p, f"x^{p}")
        return {"sigmoid": "\u03c3", "relu": "ReLU"}.get(op, op)

    order = root.topological_order()
    drawn = [n for n in order if not n.is_constant or n is root]
    shown = {id(n) for n in drawn}
    ins = {id(n): [(i, c) for i, c in enumerate(n.inputs) if id(c) in shown] for n in drawn}
    consts = {id(n): [c for c in n.inputs if id(c) not in shown] for n in drawn}
    is_op = {id(n): bool(n.op) for n in drawn}

    # columns: operations one right of their deepest drawn input; inputs just left of their first use
    level = {}
    for n in drawn:
        if is_op[id(n)]:
            level[id(n)] = 1 + max((level[id(c)] for _, c in ins[id(n)] if is_op[id(c)]), default=0)
    uses = {}
    for n in drawn:
        for _, c in ins[id(n)]:
            uses.setdefault(id(c), []).append(n)
    for n in drawn:
        if not is_op[id(n)]:
            level[id(n)] = min((level[id(u)] for u in uses.get(id(n), [])), default=1) - 1

    # rows: inputs in the order a left-to-right reading of the formula meets them; operations centred on their inputs
    slot, y = [0], {}
    stack, seen = [root], set()
    while stack:  # depth-first from the output, first input first
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if not ins[id(n)]:
            y[id(n)] = -dy * slot[0]
            slot[0] += 1
        stack.extend(c for _, c in reversed(ins[id(n)]))
    leaves = [n for n in drawn if not ins[id(n)]]
    columns = {}
    for n in drawn:
        columns.setdefault(level[id(n)], []).append(n)

    def gap(n):  # an operation that reads one input twice (x * x) draws two curved edges: more room
        return 1.0 * dy if len({id(c) for _, c in ins[id(n)]}) < len(ins[id(n)]) else 0.5 * dy

    def place_operations():
        # column by column, left to right: an operation sits at the mean height of its inputs
        # (all in earlier columns), then the nodes of the column are pushed apart
        for lev in sorted(columns):
            col = columns[lev]
            for n in col:
                if ins[id(n)]:
                    y[id(n)] = sum(y[id(c)] for _, c in ins[id(n)]) / len(ins[id(n)])
            col.sort(key=lambda n: -y[id(n)])
            for above, below in zip(col, col[1:]):
                y[id(below)] = min(y[id(below)], y[id(above)] - gap(above) - gap(below))

    place_operations()
    # one barycentre pass: reorder the input slots by where their users sit, so that an input
    # used twice moves between its users instead of crossing the other edges
    slots = sorted((y[id(n)] for n in leaves), reverse=True)
    pull = {id(n): sum(y[id(u)] for u in uses.get(id(n), [n])) / len(uses.get(id(n), [n])) for n in leaves}
    for n, slot_y in zip(sorted(leaves, key=lambda n: (-pull[id(n)], -y[id(n)])), slots):
        y[id(n)] = slot_y
    place_operations()
    # inputs sit a little further left than their column, to leave room for the labels of their edges
    pos = {id(n): (level[id(n)] * dx - (0 if is_op[id(n)] else 0.4), y[id(n)]) for n in drawn}
    n_uses = {id(n): sum(1 for u in drawn for _, c in ins[id(u)] if c is n) for n in drawn}

    def bend(c, n, k, twice):
        """arc3's rad for the edge c -> n: > 0 bends a left-to-right edge down, by 2 t (1 - t) rad length."""
        if twice:  # the same input read twice (x * x): one arc below, one above
            return 0.3 if k == 0 else -0.3
        (x0, y0), (x1, y1) = pos[id(c)], pos[id(n)]
        for m in drawn:  # an edge that spans several columns bends around the nodes in its way
            if level[id(c)] < level[id(m)] < level[id(n)]:
                xb, yb = pos[id(m)]
                tb = (xb - x0) / (x1 - x0)
                off = yb - (y0 + tb * (y1 - y0))          # how far the node sits above the edge
                if abs(off) < 1.0:
                    rad = (1.0 - abs(off)) / (2 * tb * (1 - tb) * (x1 - x0)) * (1 if off >= 0 else -1)
                    return max(-0.5, min(0.5, rad))
        return 0.0

    xs = [p[0] for p in pos.values()]
    x_out = pos[id(root)][0] + 0.85 * dx
    fans_out = any(n_uses[id(n)] > 1 for n in leaves)
    xlim = (min(xs) - (1.6 if fans_out else 0.8), x_out + 0.3)
    # inches per data unit (the axes fill the figure; a wide graph is shrunk to 13 inches), used to
    # estimate the size of a fontsize-10 label in data units
    inch = min(0.5, 13.0 / (xlim[1] - xlim[0]))
    char_w, text_h = 10 * 0.64 / 72 / inch, 10 * 1.3 / 72 / inch

    def label_box(xm, ym, width, both=True):  # the box of the two labels of one edge
        return (xm - width / 2, ym - (0.07 + text_h if both else 0), xm + width / 2, ym + 0.07 + text_h)

    def clash(box):  # overlapping area with the nodes and the labels placed so far
        return sum(max(0.0, min(box[2], q[2]) - max(box[0], q[0])) * max(0.0, min(box[3], q[3]) - max(box[1], q[1]))
                   for q in taken)

    taken = [(x - h, y - h, x + h, y + h) if is_op[id(n)] else
             (x - box_w / 2 - 0.12, y - box_h / 2 - 0.05, x + box_w / 2 + 0.12, y + box_h / 2 + 0.05)
             for n in drawn for (x, y), h in [(pos[id(n)], radius + 0.03)]]
    x1, y1 = pos[id(root)]
    out_text = (f"{root.label} = " if root.label else "") + fmt(root.data)
    taken.append(label_box((x1 + radius + x_out) / 2, y1, char_w * len(out_text) + 0.1))
    for n in drawn:  # the sums above operations used more than once
        if show_grad and n_uses[id(n)] > 1 and is_op[id(n)]:
            x0, y0 = pos[id(n)]
            width = char_w * 1.1 * len(f"\u03a3 {fmt(n.grad)}")
            taken.append((x0 - width / 2, y0 + radius, x0 + width / 2, y0 + radius + 0.1 + text_h))

    edges = []  # (input, node, index of the input, rad, label position)
    for n in drawn:
        seen_inputs = {}
        for i, c in ins[id(n)]:
            k = seen_inputs.get(id(c), 0)
            seen_inputs[id(c)] = k + 1
            rad = bend(c, n, k, sum(1 for _, d in ins[id(n)] if d is c) > 1)
            (x0, y0), (x1, y1) = pos[id(c)], pos[id(n)]
            # the labels sit on a point of the (possibly curved) edge: by preference nearer the start
            # when it leaves an input box (neighbouring edges are still far apart there), else at the
            # first point where they overlap no node and no label placed before them; with equal
            # aspect, arc3's control point is the chord's midpoint moved by rad * (y1 - y0, -(x1 - x0))
            preferred = 0.62 if n_uses[id(c)] > 1 else (0.5 if is_op[id(c)] else 0.45)
            cx, cy = (x0 + x1) / 2 + rad * (y1 - y0), (y0 + y1) / 2 - rad * (x1 - x0)
            name = f"{c.label} = " if (c.label and is_op[id(c)]) else ""
            chars = max(len(name + fmt(c.data)), len(fmt(n.local_grads()[i] * n.grad)) if show_grad else 0)
            best = None
            for t in sorted((0.22, 0.3, 0.38, 0.45, 0.5, 0.55, 0.62, 0.7, 0.78), key=lambda t: abs(t - preferred)):
                at = ((1 - t) ** 2 * x0 + 2 * t * (1 - t) * cx + t * t * x1,
                      (1 - t) ** 2 * y0 + 2 * t * (1 - t) * cy + t * t * y1)
                box = label_box(*at, char_w * chars + 0.1, show_grad)
                if best is None or clash(box) < best[0] - 1e-9:
                    best = (clash(box), at, box)
            taken.append(best[2])
            edges.append((c, n, i, rad, best[1]))

    ys = [p[1] for p in pos.values()] + [e[4][1] for e in edges]
    ylim = (min(ys) - 0.9, max(ys) + 0.9)
    if ax is None:  # the axes fill the figure but for room for the title above and the legend below
        top, bottom, height = (0.45 if title else 0.1), (0.4 if legend else 0.1), inch * (ylim[1] - ylim[0])
        width = inch * (xlim[1] - xlim[0])
        fig = plt.figure(figsize=(max(width, 5.8 if legend else 0.0), top + height + bottom))
        ax = fig.add_axes((0, bottom / fig.get_figheight(), width / fig.get_figwidth(), height / fig.get_figheight()))

    patches = {}
    for n in drawn:
        x0, y0 = pos[id(n)]
        if is_op[id(n)]:
            patch = Circle((x0, y0), radius, fc="#fdf1e4", ec="0.25", lw=1.2, zorder=3)
            text = op_text(n, consts[id(n)])
            size = 12 if len(text) <= 2 else (9.5 if len(text) <= 4 else 8.5)
        else:
            patch = FancyBboxPatch((x0 - box_w / 2, y0 - box_h / 2), box_w, box_h, boxstyle="round,pad=0.04",
                                   fc="#e8f0fb", ec="0.25", lw=1.2, zorder=3)
            text = n.label or fmt(n.data)
            size = 12 if len(text) <= 3 else 9.5
        ax.add_patch(patch)
        patches[id(n)] = patch
        ax.text(x0, y0, text, ha="center", va="center", fontsize=size, zorder=4)

    def edge_labels(xm, ym, value_text, grad_text):
        box = dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85)
        ax.text(xm, ym + 0.07, value_text, ha="center", va="bottom", fontsize=10, color=value_colour,
                zorder=5, bbox=box)
        if show_grad:
            ax.text(xm, ym - 0.07, grad_text, ha="center", va="top", fontsize=10, color=grad_colour,
                    zorder=5, bbox=box)

    for c, n, i, rad, (xm, ym) in edges:
        ax.add_patch(FancyArrowPatch(pos[id(c)], pos[id(n)], patchA=patches[id(c)], patchB=patches[id(n)],
                                     arrowstyle="-|>", mutation_scale=11, color="0.35", lw=1.1,
                                     connectionstyle=f"arc3,rad={rad}", zorder=2))
        name = f"{c.label} = " if (c.label and is_op[id(c)]) else ""
        # the gradient along this edge: the node's local gradient for this input times its upstream gradient
        edge_labels(xm, ym, name + fmt(c.data), fmt(n.local_grads()[i] * n.grad))
    x1, y1 = pos[id(root)]
    ax.add_patch(FancyArrowPatch((x1, y1), (x_out, y1), patchA=patches[id(root)], arrowstyle="-|>",
                                 mutation_scale=11, color="0.35", lw=1.1, zorder=2))
    edge_labels((x1 + radius + x_out) / 2, y1, (f"{root.label} = " if root.label else "") + fmt(root.data),
                fmt(root.grad))
    if show_grad:
        for n in drawn:  # a node used more than once: its gradient is the sum over its outgoing edges
            if n_uses[id(n)] > 1:
                x0, y0 = pos[id(n)]
                where = ((x0 - box_w / 2 - 0.08, y0, "right", "center") if not is_op[id(n)]
                         else (x0, y0 + radius + 0.08, "center", "bottom"))
                ax.text(where[0], where[1], f"\u03a3 {fmt(n.grad)}", ha=where[2], va=where[3], fontsize=10,
                        color=grad_colour, fontweight="bold", zorder=5)
    if legend:
        ax.annotate("blue, above an edge: the value flowing forward", (0.0, 0.0), xycoords="axes fraction",
                    ha="left", va="top", fontsize=9, color=value_colour)
    if legend and show_grad:
        ax.annotate("red, below an edge: the gradient of the output flowing back (local \u00d7 upstream)",
                    (0.0, 0.0), xycoords="axes fraction", xytext=(0, -13), textcoords="offset points",
                    ha="left", va="top", fontsize=9, color=grad_colour)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11, pad=14)
    return ax
