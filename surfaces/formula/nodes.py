"""The expression tree of a formula, its simplifying constructor and its symbolic derivative.

:func:`make` folds constants and drops the trivial 0 and 1 cases as it builds a node, which keeps a
derivative (and the derivative of a derivative, for the Hessian) small. :func:`derivative` applies
the textbook rules node by node and shares the parts of the tree it differentiates, so a product
rule does not copy its factors. The convention for :math:`|u|` is :math:`|u|' = \\operatorname{sign}(u)`
with :math:`\\operatorname{sign}' = 0`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False, slots=True)
class Node:
    """One operation. ``op`` is "num", "var", "neg", "+", "-", "*", "/", "**", a function name or
    "sign" (only in gradients). ``value`` holds the number of a "num" and the axis of a "var";
    ``label`` how a number or variable was written; ``span`` where the node sits in the text."""

    op: str
    args: tuple[Node, ...] = ()
    value: float = 0.0
    label: str = ""
    span: tuple[int, int] = (0, 0)


KERNELS = {
    "neg": np.negative,
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "**": np.power,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "arctan": np.arctan,
    "sign": np.sign,
}


def num(v: float) -> Node:
    return Node("num", value=float(v))


def is_num(node: Node, v: float) -> bool:
    return node.op == "num" and node.value == v


def make(op: str, *args: Node) -> Node:
    """A node with constants folded and the trivial 0/1 cases removed, so derivatives stay small."""
    if all(a.op == "num" for a in args):
        with np.errstate(all="ignore"):
            return num(KERNELS[op](*(np.float64(a.value) for a in args)))
    a = args[0]
    b = args[1] if len(args) > 1 else None
    if op == "neg" and a.op == "neg":
        return a.args[0]
    if op == "+":
        if is_num(a, 0):
            return b
        if is_num(b, 0):
            return a
    elif op == "-":
        if is_num(b, 0):
            return a
        if is_num(a, 0):
            return make("neg", b)
    elif op == "*":
        if is_num(a, 0) or is_num(b, 0):
            return num(0.0)
        if is_num(a, 1):
            return b
        if is_num(b, 1):
            return a
        if is_num(a, -1):
            return make("neg", b)
    elif op == "/":
        if is_num(a, 0):
            return num(0.0)
        if is_num(b, 1):
            return a
    elif op == "**":
        if is_num(b, 1):
            return a
        if is_num(b, 0):
            return num(1.0)
    return Node(op, args)


def derivative(node: Node, axis: int, memo: dict[int, Node]) -> Node:
    """:math:`\\partial\\,\\mathrm{node} / \\partial x_{axis}` as a new tree that reuses ``node``'s parts."""
    done = memo.get(id(node))
    if done is not None:
        return done
    op, args = node.op, node.args
    if op == "num":
        d = num(0.0)
    elif op == "var":
        d = num(1.0 if node.value == axis else 0.0)
    elif op == "sign":
        d = num(0.0)
    else:
        u = args[0]
        du = derivative(u, axis, memo)
        if op == "neg":
            d = make("neg", du)
        elif op in ("+", "-", "*", "/", "**"):
            v = args[1]
            dv = derivative(v, axis, memo)
            if op in ("+", "-"):
                d = make(op, du, dv)
            elif op == "*":
                d = make("+", make("*", du, v), make("*", u, dv))
            elif op == "/":
                # (u/v)' = (u' - (u/v) v') / v
                d = make("/", make("-", du, make("*", node, dv)), v)
            elif v.op == "num":
                d = make("*", make("*", v, make("**", u, num(v.value - 1.0))), du)
            else:
                # (u^v)' = u^v ln(u) v' + v u^(v-1) u'
                along_v = make("*", make("*", node, make("log", u)), dv)
                along_u = make("*", make("*", v, make("**", u, make("-", v, num(1.0)))), du)
                d = make("+", along_v, along_u)
        elif op == "sin":
            d = make("*", make("cos", u), du)
        elif op == "cos":
            d = make("neg", make("*", make("sin", u), du))
        elif op == "tan":
            d = make("/", du, make("**", make("cos", u), num(2.0)))
        elif op == "exp":
            d = make("*", node, du)
        elif op == "log":
            d = make("/", du, u)
        elif op == "sqrt":
            d = make("/", du, make("*", num(2.0), node))
        elif op == "abs":
            d = make("*", make("sign", u), du)
        elif op == "tanh":
            d = make("*", make("-", num(1.0), make("**", node, num(2.0))), du)
        elif op == "sinh":
            d = make("*", make("cosh", u), du)
        elif op == "cosh":
            d = make("*", make("sinh", u), du)
        elif op == "arctan":
            d = make("/", du, make("+", num(1.0), make("**", u, num(2.0))))
        else:  # pragma: no cover - every op of the language is handled above
            raise AssertionError(op)
    memo[id(node)] = d
    return d


def variables(node: Node) -> set[str]:
    """The names of the variables the tree uses."""
    if node.op == "var":
        return {node.label}
    return set().union(*(variables(a) for a in node.args))


def walk(node: Node) -> list[Node]:
    """Every node of the tree, the root first."""
    return [node, *(n for a in node.args for n in walk(a))]


def kinked(node: Node) -> bool:
    """Whether a node can put a kink or cusp in the surface: abs, sqrt, a power not a whole number."""
    if node.op in ("abs", "sqrt"):
        return True
    if node.op != "**":
        return False
    base, exponent = node.args
    whole = exponent.op == "num" and exponent.value >= 0 and exponent.value.is_integer()
    return not (whole or (base.op == "num" and base.value > 0))
