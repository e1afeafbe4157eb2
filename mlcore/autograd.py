r"""A scalar reverse-mode automatic differentiation engine.

Each :class:`Value` holds a number ``data``, a gradient ``grad``, the Values it
was computed from (``inputs``) and its **local gradients**
``local_grads()``: the partial derivative of this node with respect to each
input, evaluated at the forward values. The backward pass applies the chain
rule on every edge of the graph,

    downstream gradient += local gradient * upstream gradient

where *upstream* is the gradient of the final output with respect to this
node and *downstream* the gradient with respect to one of its inputs.

``backward()`` sorts the graph topologically (every node after the nodes it
depends on) and visits the nodes in reverse. Gradients **accumulate** with
``+=``: a Value used by several operations (fan-out, a *copy gate*) receives
one contribution from each use, and its gradient is their sum.

    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> (x.grad, y.grad, z.grad)
    (-4.0, -4.0, 3.0)
"""

from __future__ import annotations

import math
import numbers

__all__ = ["Value"]


class Value:
    """A scalar node of a computational graph.

    Parameters
    ----------
    data : float
        The forward value.
    label : str
        A name used by ``repr``, ``to_dot`` and ``draw``.

    Plain numbers combined with a Value (``x * 2``, ``1 + x``) become
    *constant* leaves; ``draw`` writes them into the operation (``×2``, ``+1``).
    """

    __slots__ = ("data", "grad", "label", "op", "_prev", "_local", "_const")

    def __init__(self, data, label: str = "", *, _children=(), _op: str = "", _local=None):
        if isinstance(data, Value):
            raise ValueError("data must be a number, got a Value (use the Value itself)")
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise ValueError(f"data must be a real number, got {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = _op
        self._prev = tuple(_children)
        self._local = _local if _local is not None else tuple
        self._const = False

    # ------------------------------------------------------------------ the graph
    @property
    def inputs(self):
        """The Values this node was computed from, in argument order (empty for a leaf)."""
        return self._prev

    @property
    def is_constant(self):
        """True for a leaf made from a plain number (``x * 2`` makes the 2 a constant)."""
        return self._const

    def local_grads(self):
        """The partial derivatives of this node with respect to each of ``inputs``, as a tuple.

        For ``out = a * b`` this is ``(b.data, a.data)``: the multiply gate swaps.
        """
        return tuple(float(g) for g in self._local())

    # ------------------------------------------------------------------ primitives
    # Each operation computes its output and states its local gradients:
    # d out / d input, one per input, evaluated at the forward values.
    def __add__(self, other):
        other = _wrap(other)
        # add gate: both local gradients are 1, so it distributes the upstream gradient unchanged
        return Value(self.data + other.data, _children=(self, other), _op="+",
                     _local=lambda: (1.0, 1.0))

    def __mul__(self, other):
        other = _wrap(other)
        # multiply gate: each input's local gradient is the *other* input (it swaps)
        return Value(self.data * other.data, _children=(self, other), _op="*",
                     _local=lambda: (other.data, self.data))

    def __pow__(self, exponent):
        if isinstance(exponent, Value) or not isinstance(exponent, numbers.Real):
            raise ValueError(f"exponent must be a plain number, got {exponent!r}")
        if self.data == 0 and exponent < 1:
            raise ValueError(f"0 ** {exponent} has no finite derivative")
        if self.data < 0 and not float(exponent).is_integer():
            raise ValueError(f"a negative base {self.data} needs an integer exponent, got {exponent}")
        # d x^p / dx = p x^(p-1)
        return Value(self.data ** exponent, _children=(self,), _op=f"**{exponent:g}",
                     _local=lambda: (exponent * self.data ** (exponent - 1),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, _children=(self,), _op="exp", _local=lambda: (e,))          # d e^x/dx = e^x

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive argument, got {self.data}")
        return Value(math.log(self.data), _children=(self,), _op="log",
                     _local=lambda: (1.0 / self.data,))                              # d log x/dx = 1/x

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, _children=(self,), _op="tanh", _local=lambda: (1 - t * t,))  # 1 - tanh^2

    def sigmoid(self):
        """The sigmoid gate as one node: local gradient sigma (1 - sigma), from the output alone."""
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        return Value(s, _children=(self,), _op="sigmoid", _local=lambda: (s * (1 - s),))

    def relu(self):
        return Value(max(self.data, 0.0), _children=(self,), _op="relu",
                     _local=lambda: (1.0 if self.data > 0 else 0.0,))

    def max(self, other):
        """max gate: routes the whole upstream gradient to the larger input (ties go to self)."""
        other = _wrap(other)
        self_wins = self.data >= other.data
        return Value(self.data if self_wins else other.data, _children=(self, other), _op="max",
                     _local=lambda: (1.0, 0.0) if self_wins else (0.0, 1.0))

    # ------------------------------------------------------------------ built from primitives
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        if isinstance(other, Value):
            return self + (-other)
        return self + (-_wrap(other).data)          # x - 2 is x + (-2): one constant, no extra node

    def __truediv__(self, other):
        other = _wrap(other)
        if other.data == 0:
            raise ZeroDivisionError("division by a Value whose data is 0")
        if other._const:
            return self * (1.0 / other.data)        # x / 2 is x * 0.5
        return self * other ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _wrap(other) - self

    def __rtruediv__(self, other):
        return _wrap(other) / self

    # ------------------------------------------------------------------ the reverse sweep
    def topological_order(self):
        """All nodes this one depends on, each after its inputs (depth-first post-order).

        The last entry is ``self``; ``backward`` visits the list in reverse.
        """
        order, seen = [], set()
        stack = [(self, False)]
        while stack:  # iterative, so deep graphs do not hit Python's recursion limit
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for child in reversed(node._prev):   # reversed: the first input is explored first
                if id(child) not in seen:
                    stack.append((child, False))
        return order

    def _backward(self):
        """One step of the reverse sweep: pass this node's gradient to its inputs (chain rule)."""
        for child, local in zip(self._prev, self.local_grads()):
            child.grad += local * self.grad       # downstream += local * upstream

    def backward(self, *, on_visit=None):
        """Set d self / d self = 1 and sweep the graph in reverse topological order.

        Gradients of all nodes are reset to zero first, so calling ``backward``
        twice gives the same result (not twice the gradient). ``on_visit``, if
        given, is called with each node just before it passes its gradient on.
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            if on_visit is not None:
                on_visit(node)
            node._backward()

    # ------------------------------------------------------------------ display
    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"

    def to_dot(self) -> str:
        """The graph in Graphviz DOT format (render it with any Graphviz tool)."""
        lines = ["digraph G {", "  rankdir=LR;"]
        for node in self.topological_order():
            nid = f"n{id(node)}"
            label = f"{node.label} | " if node.label else ""
            lines.append(f'  {nid} [shape=record, label="{{ {label}data {node.data:.4g} | grad {node.grad:.4g} }}"];')
            if node.op:
                lines.append(f'  {nid}op [label="{node.op}"];')
                lines.append(f"  {nid}op -> {nid};")
                for child in node._prev:
                    lines.append(f"  n{id(child)} -> {nid}op;")
        lines.append("}")
        return "\n".join(lines)

    def draw(self, ax=None, *, show_grad=True, title=None, legend=True):
        """Draw the computational graph with matplotlib, inputs on the left, output on the right.

        Each operation is a circle; each input a box. Every edge carries the value
        flowing forward along it (blue, above the edge) and, after ``backward``,
        the gradient flowing back along it (red, below the edge): the local
        gradient times the upstream gradient. ``legend`` explains the two colours
        under the graph. Returns the matplotlib Axes.
        """
        from .plot import draw_value_graph
        return draw_value_graph(self, ax=ax, show_grad=show_grad, title=title, legend=legend)


def _wrap(x) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"cannot combine a Value with {x!r}; expected a number or a Value")
    v = Value(x)
    v._const = True
    return v
