r"""A scalar reverse-mode automatic differentiation engine.

Each :class:`Value` holds a number ``data``, a gradient ``grad`` and the
closure ``_backward`` that turns the *upstream* gradient of its output into
*downstream* gradients of its inputs:

    downstream += local * upstream

``backward()`` sorts the graph topologically (every node after the nodes it
depends on) and runs the closures in reverse. Gradients **accumulate** with
``+=``, which is exactly the rule "a copy (fan-out) gate adds gradients".

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
    """A scalar node of a computational graph."""

    __slots__ = ("data", "grad", "label", "op", "_prev", "_backward")

    def __init__(self, data, label: str = "", *, _children=(), _op: str = ""):
        if isinstance(data, Value):
            raise ValueError("data must be a number, got a Value (use the Value itself)")
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise ValueError(f"data must be a real number, got {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = _op
        self._prev = tuple(_children)
        self._backward = lambda: None

    # ------------------------------------------------------------------ primitives
    def __add__(self, other):
        other = _wrap(other)
        out = Value(self.data + other.data, _children=(self, other), _op="+")

        def _backward():  # add gate: distributes the upstream gradient unchanged
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _wrap(other)
        out = Value(self.data * other.data, _children=(self, other), _op="*")

        def _backward():  # multiply gate: each input gets the *other* input times upstream
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Value) or not isinstance(exponent, numbers.Real):
            raise ValueError(f"exponent must be a plain number, got {exponent!r}")
        if self.data == 0 and exponent < 1:
            raise ValueError(f"0 ** {exponent} has no finite derivative")
        if self.data < 0 and not float(exponent).is_integer():
            raise ValueError(f"a negative base {self.data} needs an integer exponent, got {exponent}")
        out = Value(self.data ** exponent, _children=(self,), _op=f"**{exponent:g}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), _children=(self,), _op="exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive argument, got {self.data}")
        out = Value(math.log(self.data), _children=(self,), _op="log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, _children=(self,), _op="tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        out = Value(s, _children=(self,), _op="sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), _children=(self,), _op="relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        """max gate: routes the whole upstream gradient to the larger input (ties go to self)."""
        other = _wrap(other)
        self_wins = self.data >= other.data
        out = Value(self.data if self_wins else other.data, _children=(self, other), _op="max")

        def _backward():
            if self_wins:
                self.grad += out.grad
            else:
                other.grad += out.grad
        out._backward = _backward
        return out

    # ------------------------------------------------------------------ built from primitives
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-_wrap(other))

    def __truediv__(self, other):
        other = _wrap(other)
        if other.data == 0:
            raise ZeroDivisionError("division by a Value whose data is 0")
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
        """All nodes this one depends on, each after its inputs (depth-first post-order)."""
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
            for child in node._prev:
                if id(child) not in seen:
                    stack.append((child, False))
        return order

    def backward(self):
        """Set d self / d self = 1 and sweep the graph in reverse topological order.

        Gradients of all nodes are reset to zero first, so calling ``backward``
        twice gives the same result (not twice the gradient).
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
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

    def draw(self, ax=None, *, show_grad=True):
        """Draw the computational graph with matplotlib, inputs on the left.

        Each node shows its label, value and (after ``backward``) its gradient;
        each operation is a small circle. Returns the matplotlib Axes.
        """
        from .plot import draw_value_graph
        return draw_value_graph(self, ax=ax, show_grad=show_grad)


def _wrap(x) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"cannot combine a Value with {x!r}; expected a number or a Value")
    return Value(x)
