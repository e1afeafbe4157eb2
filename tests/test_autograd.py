"""Value: the scalar reverse-mode engine, checked by hand, by sympy and by finite differences."""

import math
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from mlcore import Value  # noqa: E402


def test_lecture_example_x_plus_y_times_z():
    # f = (x + y) z at x = -2, y = 5, z = -4: q = x + y = 3, f = q z = -12
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    f = q * z
    assert q.data == 3.0 and f.data == -12.0
    f.backward()
    # df/dq = z = -4; the add gate passes it on: df/dx = df/dy = -4; df/dz = q = 3
    assert (x.grad, y.grad, z.grad, q.grad, f.grad) == (-4.0, -4.0, 3.0, -4.0, 1.0)


def test_lecture_example_against_sympy():
    xs, ys, zs = sp.symbols("x y z")
    f = (xs + ys) * zs
    point = {xs: -2, ys: 5, zs: -4}
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    out = (x + y) * z
    out.backward()
    assert out.data == float(f.subs(point))
    for v, s in ((x, xs), (y, ys), (z, zs)):
        assert v.grad == float(sp.diff(f, s).subs(point))


def test_a_neuron_against_sympy():
    # sigma(w0 x0 + w1 x1 + b), the CS231n circuit, checked against sympy's derivatives
    names = sp.symbols("w0 x0 w1 x1 b")
    w0, x0, w1, x1, b = names
    f = 1 / (1 + sp.exp(-(w0 * x0 + w1 * x1 + b)))
    values = dict(zip(names, (2.0, -1.0, -3.0, -2.0, -3.0)))
    vs = {s: Value(v, str(s)) for s, v in values.items()}
    out = (vs[w0] * vs[x0] + vs[w1] * vs[x1] + vs[b]).sigmoid()
    out.backward()
    assert out.data == pytest.approx(float(f.subs(values)), rel=1e-14)   # 0.7311
    for s in names:
        assert vs[s].grad == pytest.approx(float(sp.diff(f, s).subs(values)), rel=1e-12)
    assert vs[w0].grad == pytest.approx(-0.19661193, rel=1e-6)            # the famous -0.20


# Every operation of Value, as a function of two leaves; checked against centred differences.
OPS = {
    "add": lambda a, b: a + b,
    "radd": lambda a, b: 3.0 + a,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 2.0 - a,
    "neg": lambda a, b: -a,
    "mul": lambda a, b: a * b,
    "rmul": lambda a, b: 2.5 * b,
    "div": lambda a, b: a / b,
    "rdiv": lambda a, b: 1.0 / b,
    "pow2": lambda a, b: a ** 2,
    "pow3": lambda a, b: a ** 3,
    "pow_half": lambda a, b: b ** 0.5,
    "pow_neg": lambda a, b: b ** -2,
    "exp": lambda a, b: a.exp(),
    "log": lambda a, b: b.log(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "sigmoid_negative": lambda a, b: (a * -3).sigmoid(),
    "relu_pos": lambda a, b: b.relu(),
    "relu_neg": lambda a, b: (-b).relu() + a,
    "max_a": lambda a, b: a.max(b - 5),
    "max_b": lambda a, b: a.max(b),
    "composite": lambda a, b: ((a * b).tanh() + (a / b).exp() - (b ** 2 + 1).log()) * a.sigmoid(),
}


@pytest.mark.parametrize("name", list(OPS))
def test_every_operation_matches_finite_differences(name):
    op = OPS[name]
    a0, b0 = 0.7, 1.9                  # b > a, b > 0: log and powers are defined, max_b picks b
    a, b = Value(a0), Value(b0)
    out = op(a, b)
    out.backward()

    def f(x, y):
        return op(Value(x), Value(y)).data

    h = 1e-5
    da = (f(a0 + h, b0) - f(a0 - h, b0)) / (2 * h)
    db = (f(a0, b0 + h) - f(a0, b0 - h)) / (2 * h)
    for analytic, numeric in ((a.grad, da), (b.grad, db)):
        assert abs(analytic - numeric) / max(1e-8, abs(analytic) + abs(numeric)) < 1e-7


def test_operations_compute_the_right_values():
    a, b = Value(0.7), Value(1.9)
    assert (a / b).data == pytest.approx(0.7 / 1.9)
    assert (b ** 0.5).data == pytest.approx(math.sqrt(1.9))
    assert a.exp().data == pytest.approx(math.exp(0.7))
    assert b.log().data == pytest.approx(math.log(1.9))
    assert a.tanh().data == pytest.approx(math.tanh(0.7))
    assert Value(-800.0).sigmoid().data == pytest.approx(0.0)       # no overflow
    assert Value(-1.5).relu().data == 0.0
    assert (2 - a).data == pytest.approx(1.3) and (1 / b).data == pytest.approx(1 / 1.9)


def test_fan_out_accumulates_x_times_x_gives_2x():
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == 6.0
    x = Value(-1.5)
    z = x + x + x * 2        # the copy gate sums: 1 + 1 + 2
    z.backward()
    assert x.grad == 4.0


def test_max_routes_the_gradient_to_the_larger_input():
    a, b = Value(2.0), Value(5.0)
    m = a.max(b) * 3
    m.backward()
    assert (a.grad, b.grad) == (0.0, 3.0)
    a, b = Value(7.0), Value(5.0)
    a.max(b).backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    a, b = Value(1.0), Value(1.0)      # a tie goes to self
    a.max(b).backward()
    assert (a.grad, b.grad) == (1.0, 0.0)


def test_relu_gradient_is_zero_for_negative_inputs():
    x = Value(-2.0)
    x.relu().backward()
    assert x.grad == 0.0
    x = Value(2.0)
    x.relu().backward()
    assert x.grad == 1.0


def test_backward_twice_gives_the_same_gradients():
    x, y = Value(1.5), Value(-0.5)
    f = (x * y + x.exp()) * y
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == first


def test_deep_chain_does_not_hit_the_recursion_limit():
    n = max(5000, sys.getrecursionlimit() + 100)
    x = Value(0.0)
    out = x
    for _ in range(n):
        out = out + 1.0
    out.backward()
    assert out.data == float(n)
    assert x.grad == 1.0
    assert len(out.topological_order()) == 2 * n + 1      # every '+' adds a constant leaf and a node


def test_topological_order_puts_every_node_after_its_inputs():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a
    e = d * c
    order = e.topological_order()
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for child in node._prev:
            assert position[id(child)] < position[id(node)]
    assert order[-1] is e


@pytest.mark.parametrize("make, error, match", [
    (lambda: Value(0.0).log(), ValueError, r"log needs a positive argument, got 0\.0"),
    (lambda: Value(-1.0).log(), ValueError, r"log needs a positive argument, got -1\.0"),
    (lambda: Value(Value(1.0)), ValueError, r"data must be a number, got a Value"),
    (lambda: Value("3"), ValueError, r"data must be a real number, got '3'"),
    (lambda: Value(True), ValueError, r"data must be a real number, got True"),
    (lambda: Value(1.0) + "a", ValueError, r"cannot combine a Value with 'a'"),
    (lambda: Value(1.0) * [2.0], ValueError, r"cannot combine a Value with \[2\.0\]"),
    (lambda: Value(1.0).max(None), ValueError, r"cannot combine a Value with None"),
    (lambda: Value(2.0) ** Value(2.0), ValueError, r"exponent must be a plain number"),
    (lambda: Value(-2.0) ** 0.5, ValueError, r"negative base -2\.0 needs an integer exponent"),
    (lambda: Value(0.0) ** -1, ValueError, r"0 \*\* -1 has no finite derivative"),
    (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, r"division by a Value whose data is 0"),
])
def test_bad_operands_raise_with_a_clear_message(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_to_dot_contains_labels_values_and_operations():
    x, y = Value(-2.0, "x"), Value(5.0, "y")
    f = x * y
    f.label = "f"
    f.backward()
    dot = f.to_dot()
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for text in ("x |", "y |", "f |", "data -10", "grad 5", "grad -2", 'label="*"'):
        assert text in dot


def test_draw_returns_axes_with_the_labels():
    x, y = Value(-2.0, "x"), Value(5.0, "y")
    f = (x + y) * Value(-4.0, "z")
    f.backward()
    ax = f.draw()
    try:
        assert isinstance(ax, matplotlib.axes.Axes)
        texts = " ".join(t.get_text() for t in ax.texts)
        for label in ("x", "y", "z"):
            assert label in texts
    finally:
        plt.close("all")


def test_repr_shows_label_value_and_gradient():
    v = Value(2.5, "w")
    assert repr(v) == "Value(w=2.5, grad=0)"


# ---------------------------------------------------------------- local gradients, inputs, constants

def test_local_grads_are_the_gate_rules():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    assert (a + b).local_grads() == (1.0, 1.0)          # add distributes
    assert (a * b).local_grads() == (-3.0, 2.0)         # multiply swaps
    assert a.max(b).local_grads() == (1.0, 0.0)         # max routes to the larger input
    assert b.max(a).local_grads() == (0.0, 1.0)
    s = Value(1.0).sigmoid()
    assert s.local_grads() == pytest.approx((s.data * (1 - s.data),))
    assert (a ** 3).local_grads() == (12.0,)
    assert a.local_grads() == () and a.inputs == ()


def test_downstream_is_local_times_upstream_on_every_edge():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    f = q * z
    f.backward()
    for node in f.topological_order():
        for child, local in zip(node.inputs, node.local_grads()):
            # each child here has one consumer, so its gradient is exactly this edge's contribution
            assert child.grad == local * node.grad


def test_plain_numbers_become_constant_leaves_and_add_no_extra_nodes():
    x = Value(3.0, "x")
    assert [v.is_constant for v in (x * 2).inputs] == [False, True]
    assert len((x - 2).topological_order()) == 3        # x, the constant -2 and the sum
    assert len((x / 4).topological_order()) == 3        # x, the constant 0.25 and the product
    assert (x - 2).data == 1.0 and (x / 4).data == 0.75
    assert not x.is_constant


def test_topological_order_explores_the_first_input_first():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    assert [n.label for n in f.topological_order()] == ["x", "y", "q", "z", "f"]


def test_backward_visits_the_reverse_topological_order():
    w = [Value(v, f"v{i}") for i, v in enumerate((2.0, -1.0, -3.0))]
    f = (w[0] * w[1] + w[2]).sigmoid() * w[0]
    visited = []
    f.backward(on_visit=visited.append)
    assert visited == list(reversed(f.topological_order()))
    position = {id(n): i for i, n in enumerate(visited)}
    for node in visited:                 # every consumer is visited before the nodes it reads
        for child in node.inputs:
            assert position[id(node)] < position[id(child)]


# ---------------------------------------------------------------- the drawing

def _coloured_numbers(ax, colour):
    """Numbers written in one colour on the Axes (unicode minus read as '-'; 'q = 3' read as 3)."""
    out = []
    for t in ax.texts:
        if matplotlib.colors.same_color(t.get_color(), colour):
            text = t.get_text().replace("\u2212", "-").replace("\u03a3", "").split("=")[-1].strip()
            try:
                out.append(float(text))
            except ValueError:
                pass
    return out


BLUE, RED = "#1f5fa8", "#c62828"


def test_draw_puts_every_value_and_every_gradient_on_the_graph_in_two_colours():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    f.backward()
    ax = f.draw(title="f = (x + y) z")
    try:
        values = sorted(_coloured_numbers(ax, BLUE))
        grads = sorted(_coloured_numbers(ax, RED))
        # one value and one gradient per edge: x->+, y->+, q->*, z->*, and the output edge
        assert values == sorted([-2.0, 5.0, 3.0, -4.0, -12.0])
        assert grads == sorted([-4.0, -4.0, -4.0, 3.0, 1.0])
        texts = {t.get_text(): t for t in ax.texts}
        assert "q = 3" in texts and "f = \u221212" in texts
        # layered left to right: inputs, then the add node, then the multiply node
        x_of = {name: texts[name].get_position()[0] for name in ("x", "y", "z", "+", "\u00d7")}
        assert x_of["x"] == x_of["y"] < x_of["+"] < x_of["\u00d7"]
        assert x_of["z"] < x_of["\u00d7"]
        assert ax.get_title() == "f = (x + y) z"
    finally:
        plt.close("all")


def test_draw_fan_out_shows_each_edge_gradient_and_their_sum():
    a, b, c = Value(2.0, "a"), Value(-1.0, "b"), Value(3.0, "c")
    f = a * b + a * c                      # a is copied to two multiply gates
    f.backward()
    assert a.grad == 2.0
    ax = f.draw()
    try:
        grads = _coloured_numbers(ax, RED)
        assert -1.0 in grads and 3.0 in grads            # b * 1 and c * 1, one per copy of a
        sums = [t.get_text() for t in ax.texts if t.get_text().startswith("\u03a3")]
        assert sums == ["\u03a3 2"]                      # the copy gate adds: -1 + 3
    finally:
        plt.close("all")


def test_draw_an_input_read_twice_draws_two_edges():
    x = Value(3.0, "x")
    f = x * x
    f.backward()
    ax = f.draw()
    try:
        assert sorted(_coloured_numbers(ax, RED)) == [1.0, 3.0, 3.0, 6.0]    # 3 + 3 on the edges, sum 6
        assert len([p for p in ax.patches if isinstance(p, matplotlib.patches.FancyArrowPatch)]) == 3
    finally:
        plt.close("all")


def test_draw_without_gradients_writes_no_red_numbers():
    x, y = Value(1.5, "x"), Value(-2.0, "y")
    f = (x * y).tanh()
    f.backward()
    ax = f.draw(show_grad=False)
    try:
        assert _coloured_numbers(ax, RED) == []
        assert len(_coloured_numbers(ax, BLUE)) == 4      # x, y, x*y and the output
    finally:
        plt.close("all")


def test_draw_writes_constants_into_their_operation():
    w, x = Value(2.0, "w"), Value(-1.0, "x")
    f = ((w * x * -1).exp() + 1) ** -1
    f.backward()
    ax = f.draw()
    try:
        texts = [t.get_text() for t in ax.texts]
        for op in ("\u00d7", "\u00d7(\u22121)", "exp", "+1", "1/x"):
            assert op in texts
        # the constants -1 and 1 are not drawn as input boxes: only w and x are
        boxes = [p for p in ax.patches if isinstance(p, matplotlib.patches.FancyBboxPatch)]
        assert len(boxes) == 2
        # values on the edges w, x, w x, -w x, exp(-w x), 1 + exp(-w x) and the output
        assert len(_coloured_numbers(ax, BLUE)) == 7
    finally:
        plt.close("all")


def _sigmoid_neuron_from_primitives():
    w0, x0, w1, x1, w2 = Value(2.0, "w0"), Value(-1.0, "x0"), Value(-3.0, "w1"), Value(-2.0, "x1"), Value(-3.0, "w2")
    return 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())


def _tanh_from_exponentials():
    x = Value(0.5, "x")
    e2x = (2 * x).exp()
    e2x.label = "e2x"
    return (e2x - 1) / (e2x + 1)


@pytest.mark.parametrize("build", [
    lambda: (lambda a, b, c: a * b + a * c)(Value(2.0, "a"), Value(-1.0, "b"), Value(4.0, "c")),
    _sigmoid_neuron_from_primitives,
    _tanh_from_exponentials,
    lambda: (lambda x, w1, b1, w2, w3: w2 * (w1 * x + b1).relu() + w3 * x)(
        *(Value(v, n) for v, n in zip((1.5, 2.0, -1.0, 0.5, -2.0), ("x", "w1", "b1", "w2", "w3")))),
], ids=["fan-out", "sigmoid-neuron", "tanh-from-exp", "skip-connection"])
def test_draw_labels_overlap_neither_each_other_nor_the_nodes(build):
    # the rendered extent of every blue and red number is disjoint from every other one and from every node
    f = build()
    f.backward()
    ax = f.draw()
    try:
        renderer = ax.figure.canvas.get_renderer()
        ax.figure.canvas.draw()
        numbers = [t.get_window_extent(renderer) for t in ax.texts
                   if type(t) is matplotlib.text.Text and any(matplotlib.colors.same_color(t.get_color(), c)
                                                               for c in (BLUE, RED))]
        nodes = [p.get_window_extent(renderer) for p in ax.patches
                 if isinstance(p, (matplotlib.patches.Circle, matplotlib.patches.FancyBboxPatch))]
        assert len(numbers) >= 2 * len(nodes) - 2
        for i, box in enumerate(numbers):
            assert not any(box.overlaps(other) for other in numbers[i + 1:])
            assert not any(box.overlaps(node) for node in nodes)
    finally:
        plt.close("all")
