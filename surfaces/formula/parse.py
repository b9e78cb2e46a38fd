"""Reading a formula: the character scan, the syntax-tree whitelist and the messages that refuse.

The text never runs as Python. A scan first refuses, by position, what the parser should never see
(non-ASCII, strings, ``^``, unknown names, malformed numbers). ``ast.parse(text, mode="eval")``
then builds a syntax tree, and every node in it must belong to the language; the leftmost (then
innermost) node outside it is named in the message. The checked tree becomes our own
:class:`~.nodes.Node` tree, and constants are folded with huge exponents and non-finite constants
refused.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from typing import Any, NamedTuple

from .language import (
    ALLOWED,
    CONSTANTS,
    FUNCTIONS,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_NODES,
    MAX_NUMBER,
    VARIABLES,
)
from .nodes import Node, make, variables

_KNOWN_NAMES = frozenset((*FUNCTIONS, *VARIABLES, *CONSTANTS))
_NUMBER = re.compile(r"(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?")
_WORD = re.compile(r"[A-Za-z0-9_.]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _scan(text: str) -> None:
    """Refuse, by position, what the parser should never see."""
    depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        where = f"position {i + 1}"
        if ch in "\n\r":
            raise ValueError("the formula must be a single line")
        if not (" " <= ch <= "~" or ch == "\t"):
            raise ValueError(f"{where}: the character {ch!r} is not allowed (type plain ASCII): {ALLOWED}")
        if ch in "'\"":
            raise ValueError(f"{where}: strings are not allowed: {ALLOWED}")
        if ch == "^":
            raise ValueError(f"{where}: '^' is not a power in Python (it means xor); write x**2 for x squared")
        if ch in "#\\":
            raise ValueError(f"{where}: {ch!r} is not allowed: {ALLOWED}")
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError(f"{where}: brackets are nested more than {MAX_DEPTH} deep")
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        elif (number := _NUMBER.match(text, i)) is not None:
            end = number.end()
            if end < n and (text[end].isalnum() or text[end] in "_."):
                word = text[i : _WORD.match(text, end).end()]
                if text[end] in "jJ" and word[-1] in "jJ":
                    raise ValueError(f"{where}: complex numbers ({word!r}) are not allowed: {ALLOWED}")
                raise ValueError(f"{where}: {word!r} is not a number; write a product with *, as in 2*x")
            i = end
            continue
        elif ch.isalpha() or ch == "_":
            end = _NAME.match(text, i).end()
            name = text[i:end]
            # Keywords (lambda, if, and, ...) are left to the parse tree, which can say more about them.
            if name not in _KNOWN_NAMES and not keyword.iskeyword(name):
                raise ValueError(f"{where}: '{name}' is not allowed: {ALLOWED}")
            i = end
            continue
        i += 1


_NOT_ALLOWED = {
    ast.Lambda: "'lambda'",
    ast.IfExp: "a conditional ('if ... else')",
    ast.ListComp: "a comprehension ('for')",
    ast.SetComp: "a comprehension ('for')",
    ast.DictComp: "a comprehension ('for')",
    ast.GeneratorExp: "a comprehension ('for')",
    ast.List: "a list ('[...]')",
    ast.Tuple: "a tuple ('(a, b)')",
    ast.Set: "a set ('{...}')",
    ast.Dict: "a dict ('{...}')",
    ast.Starred: "unpacking ('*')",
    ast.NamedExpr: "assignment (':=')",
    ast.JoinedStr: "an f-string",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
    ast.Slice: "a slice (':')",
}
_OPERATORS = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.BitXor: "^",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
}
_COMPARISONS = {
    ast.Lt: "<",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# Nodes that carry no position of their own and are judged through their parent.
_PARTS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.comprehension, ast.arguments,
          ast.arg)


def _skip(text: str, i: int) -> int:
    """Index of the first character at or after ``i`` that is not a space or a closing bracket."""
    while i < len(text) and text[i] in " \t)":
        i += 1
    return i


def _problem(node: ast.AST, text: str, called: bool) -> tuple[int, str] | None:
    """(index in ``text``, what is wrong) for a node outside the language, else None."""
    if isinstance(node, ast.Constant):
        v = node.value
        seg = ast.get_source_segment(text, node)
        if isinstance(v, str | bytes | complex):
            kind = {str: "strings", bytes: "bytes", complex: "complex numbers"}[type(v)]
            return node.col_offset, f"{kind} are not allowed: {ALLOWED}"
        if isinstance(v, bool) or not isinstance(v, int | float):
            return node.col_offset, f"'{seg}' is not allowed: {ALLOWED}"
        if not (isinstance(v, int) or math.isfinite(v)) or abs(v) > MAX_NUMBER:
            return node.col_offset, f"the number {seg} is too large (at most {MAX_NUMBER:g} in size)"
        return None
    if isinstance(node, ast.Name):
        name = node.id
        if called:
            if name in FUNCTIONS:
                return None
            if name in VARIABLES or name in CONSTANTS:
                return node.col_offset, f"'{name}' is not a function; write a product with *, as in {name}*(x + 1)"
        elif name in VARIABLES or name in CONSTANTS:
            return None
        elif name in FUNCTIONS:
            return node.col_offset, f"'{name}' needs an argument in brackets, as in {name}(x)"
        return node.col_offset, f"'{name}' is not allowed: {ALLOWED}"
    if isinstance(node, ast.BinOp):
        if type(node.op) in _BINARY:
            return None
        sym = _OPERATORS.get(type(node.op), type(node.op).__name__)
        hint = " (write / for division)" if sym == "//" else ""
        return _skip(text, node.left.end_col_offset), f"'{sym}' is not allowed{hint}: {ALLOWED}"
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub | ast.UAdd):
            return None
        sym = "not" if isinstance(node.op, ast.Not) else "~"
        return node.col_offset, f"'{sym}' is not allowed: {ALLOWED}"
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            return _skip(text, node.func.end_col_offset), f"only the listed functions can be called: {ALLOWED}"
        n_args = len(node.args) + len(node.keywords)
        if n_args != 1 and not node.keywords:
            return node.col_offset, f"{node.func.id} takes exactly one argument, found {n_args}"
        return None
    if isinstance(node, ast.keyword):
        return node.col_offset, f"keyword arguments ('{ast.get_source_segment(text, node)}') are not allowed"
    if isinstance(node, ast.Attribute):
        return _skip(text, node.value.end_col_offset), f"attribute access ('.{node.attr}') is not allowed: {ALLOWED}"
    if isinstance(node, ast.Subscript):
        return _skip(text, node.value.end_col_offset), f"indexing ('[...]') is not allowed: {ALLOWED}"
    if isinstance(node, ast.Compare):
        sym = _COMPARISONS.get(type(node.ops[0]), "==")
        return _skip(text, node.left.end_col_offset), f"comparisons ('{sym}') are not allowed: {ALLOWED}"
    if isinstance(node, ast.BoolOp):
        sym = "and" if isinstance(node.op, ast.And) else "or"
        return _skip(text, node.values[0].end_col_offset), f"'{sym}' is not allowed: {ALLOWED}"
    if isinstance(node, ast.IfExp):
        return _skip(text, node.body.end_col_offset), f"a conditional ('if ... else') is not allowed: {ALLOWED}"
    what = _NOT_ALLOWED.get(type(node), f"'{type(node).__name__}'")
    return getattr(node, "col_offset", 0), f"{what} is not allowed: {ALLOWED}"


def _check(tree: ast.Expression, text: str, lead: int) -> None:
    """Walk the whole parse tree; raise for the leftmost (then innermost) node outside the language."""
    problems: list[tuple[int, int, str]] = []
    called: set[int] = set()
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ValueError(f"the formula has too many parts (more than {MAX_NODES}); shorten it")
        found = _problem(node, text, id(node) in called)
        if found is not None:
            problems.append((found[0], -depth, found[1]))
        if depth > MAX_DEPTH:
            deep = f"the formula is nested too deeply (more than {MAX_DEPTH} levels of operations)"
            problems.append((getattr(node, "col_offset", 0), 0, deep))
            continue
        if isinstance(node, ast.Call):
            called.add(id(node.func))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _PARTS):
                # Descend through position-less parts (a comprehension's clauses) to what they hold.
                stack.extend((c, depth + 1) for c in ast.iter_child_nodes(child) if not isinstance(c, _PARTS))
            else:
                stack.append((child, depth + 1))
    if problems:
        at, _, message = min(problems)
        raise ValueError(f"position {at + lead + 1}: {message}")


def _convert(node: ast.expr, lead: int) -> Node:
    """The checked parse tree as our tree (no folding yet: the LaTeX shows what was typed)."""
    span = (node.col_offset + lead, node.end_col_offset + lead)
    if isinstance(node, ast.Constant):
        return Node("num", value=float(node.value), label=repr(node.value), span=span)
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return Node("num", value=CONSTANTS[node.id], label=node.id, span=span)
        return Node("var", value=float(VARIABLES.index(node.id)), label=node.id, span=span)
    if isinstance(node, ast.UnaryOp):
        inner = _convert(node.operand, lead)
        return Node("neg", (inner,), span=span) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        return Node(_BINARY[type(node.op)], (_convert(node.left, lead), _convert(node.right, lead)), span=span)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return Node(node.func.id, (_convert(node.args[0], lead),), span=span)


def _lower(node: Node, text: str) -> Node:
    """Fold constants; refuse huge constant exponents and constant parts that are not finite."""
    if node.op in ("num", "var"):
        return node
    args = [_lower(a, text) for a in node.args]
    if node.op == "**" and args[1].op == "num" and not abs(args[1].value) <= MAX_EXPONENT:
        lo, hi = node.args[1].span
        seg = text[lo:hi]
        shown = seg if node.args[1].op == "num" else f"{seg} = {args[1].value:.6g}"
        raise ValueError(f"position {lo + 1}: the exponent {shown} is too large (at most {MAX_EXPONENT} in size)")
    out = make(node.op, *args)
    if out.op == "num" and not math.isfinite(out.value):
        lo, hi = node.span
        raise ValueError(f"position {lo + 1}: {text[lo:hi]} is not a finite number ({out.value})")
    return out


class Reading(NamedTuple):
    """A formula read and checked: the text without its outer blanks, the tree as typed (for the
    LaTeX), the tree with constants folded (for the arithmetic) and how many variables it uses."""

    body: str
    typed: Node
    folded: Node
    dim: int


def read(text: Any) -> Reading:
    """Read ``text`` as a formula; ValueError, with a message fit to show as it is, for anything
    outside the language."""
    if not isinstance(text, str):
        raise ValueError(f"the formula must be text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ValueError(f"the formula is {len(text)} characters long; at most {MAX_CHARS} are allowed")
    _scan(text)
    body = text.strip(" \t")
    if not body:
        raise ValueError("the formula is empty; type an expression in x and y, such as x**2 + 10*y**2")
    lead = len(text) - len(text.lstrip(" \t"))
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as err:
        raise ValueError(f"position {(err.offset or 1) + lead}: {err.msg}") from None
    except (ValueError, MemoryError, RecursionError):
        raise ValueError("the formula could not be read") from None
    _check(tree, body, lead)
    typed = _convert(tree.body, lead)
    folded = _lower(typed, text)
    used = variables(typed)
    if not used:
        raise ValueError("the formula must use x (and optionally y)")
    return Reading(body, typed, folded, 2 if "y" in used else 1)
