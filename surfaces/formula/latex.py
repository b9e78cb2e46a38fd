"""The LaTeX of a formula, written from the tree as it was typed (before constants are folded).

Each node reports how tightly it binds, and a part gets brackets only where its parent binds more
tightly, so ``(x + y)*z`` keeps its brackets and ``x + y*z`` gets none. ``pi`` and ``e`` keep their
names; a number that Python writes with an exponent (``1e-07``) is written with a power of ten.
"""

from __future__ import annotations

from .language import CONSTANTS, FUNCTIONS
from .nodes import Node

_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


def _paren(s: str) -> str:
    return rf"\left({s}\right)"


def _tex_number(node: Node) -> str:
    if node.label in CONSTANTS:
        return r"\pi" if node.label == "pi" else "e"
    v = node.value
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    mantissa, _, exponent = repr(v).partition("e")
    if not exponent:
        return mantissa
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1.0" or mantissa == "1" else rf"{mantissa} \cdot {power}"


def _tex(node: Node) -> tuple[str, int]:
    """LaTeX for ``node`` and how tightly it binds (to decide on brackets)."""
    op = node.op
    if op == "num":
        s = _tex_number(node)
        return s, _ATOM if " " not in s else _MUL
    if op == "var":
        return node.label, _ATOM
    parts = [_tex(a) for a in node.args]
    s, p = parts[0]
    if op == "neg":
        return "-" + (_paren(s) if p in (_ADD, _NEG) else s), _NEG
    if op in FUNCTIONS:
        if op == "sqrt":
            return rf"\sqrt{{{s}}}", _ATOM
        if op == "abs":
            return rf"\left|{s}\right|", _ATOM
        if op == "exp":
            return f"e^{{{s}}}", _POW
        name = r"\ln" if op == "log" else "\\" + op
        return name + _paren(s), _ATOM
    r, q = parts[1]
    if op == "/":
        return rf"\frac{{{s}}}{{{r}}}", _MUL
    if op == "**":
        return f"{s if p == _ATOM else _paren(s)}^{{{r}}}", _POW
    if q in (_ADD, _NEG):
        r = _paren(r)
    if op in ("+", "-"):
        return f"{s} {op} {r}", _ADD
    if p == _ADD:
        s = _paren(s)
    joint = r" \cdot " if r[0].isdigit() or r[0] == "." else r"\,"
    return f"{s}{joint}{r}", _MUL


def equation(typed: Node, dim: int) -> str:
    """``f(x) = ...`` or ``f(x, y) = ...`` for the tree as typed."""
    return ("f(x) = " if dim == 1 else "f(x, y) = ") + _tex(typed)[0]
