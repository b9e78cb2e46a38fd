"""A surface typed as a formula in x and y, read without ever running it as Python.

The text goes through three gates. A character scan refuses anything outside plain one-line ASCII,
strings, ``^``, unknown names and malformed numbers (the last also keeps the parser quiet). Then
``ast.parse(text, mode="eval")`` builds a syntax tree, and every node must be on a whitelist:
numbers, ``x``, ``y``, ``pi``, ``e``, binary ``+ - * / **``, unary ``-`` and ``+``, and one-argument
calls of sin cos tan exp log sqrt abs tanh sinh cosh arctan. Last, the tree is rebuilt as our own
expression tree with constants folded, and the gradient :math:`\\partial f/\\partial x_i` is its
symbolic derivative. Both are flattened into a list of NumPy operations with shared
subexpressions, so one pass gives every gradient component. Differentiating each gradient
component once more gives the exact second derivatives (the Hessian), upper triangle only, so the
matrix is symmetric by construction.

Caps: at most 200 characters, 150 tree nodes, 40 levels of nesting (tree or brackets); numbers
typed in at most 1e6 in size; constant exponents at most 100 in size. A formula that is not finite
(``nan``/``inf``) on more than half of a 41×41 grid over its window is refused.

Conventions: :math:`|u|' = \\operatorname{sign}(u)`, 0 at :math:`u = 0`. Where the value is finite
but a gradient component is not (a cusp such as :math:`\\sqrt{x^2+y^2}` at the origin, or an
overflowing inner factor under a saturating function such as :math:`\\tanh(e^{e^{e^x}})`), that
component is reported as 0: the true limit in the overflow case, a resting point at a cusp.
Elsewhere non-finite values pass through; the optimizer loop counts them as divergence. The
Hessian follows the same rule (:math:`\\operatorname{sign}' = 0`).
"""

from __future__ import annotations

import ast
import keyword
import math
import numbers
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from ._base import Surface

MAX_CHARS = 200
MAX_NODES = 150
MAX_DEPTH = 40
MAX_NUMBER = 1e6
MAX_EXPONENT = 100
MAX_BOUND = 1e4
#: Points per axis of the grid that checks where the formula is finite.
GRID = 41

FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh", "arctan")
VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}
_KNOWN_NAMES = frozenset((*FUNCTIONS, *VARIABLES, *CONSTANTS))
ALLOWED = "use only x, y, numbers, + - * / **, and sin cos tan exp log sqrt abs tanh sinh cosh arctan, pi, e"

_NUMBER = re.compile(r"(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?")
_WORD = re.compile(r"[A-Za-z0-9_.]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# --- our expression tree ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, slots=True)
class _Node:
    """One operation. ``op`` is "num", "var", "neg", "+", "-", "*", "/", "**", a function name or
    "sign" (only in gradients). ``value`` holds the number of a "num" and the axis of a "var";
    ``label`` how a number or variable was written; ``span`` where the node sits in the text."""

    op: str
    args: tuple[_Node, ...] = ()
    value: float = 0.0
    label: str = ""
    span: tuple[int, int] = (0, 0)


_KERNELS = {
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


def _num(v: float) -> _Node:
    return _Node("num", value=float(v))


def _is(node: _Node, v: float) -> bool:
    return node.op == "num" and node.value == v


def _make(op: str, *args: _Node) -> _Node:
    """A node with constants folded and the trivial 0/1 cases removed, so derivatives stay small."""
    if all(a.op == "num" for a in args):
        with np.errstate(all="ignore"):
            return _num(_KERNELS[op](*(np.float64(a.value) for a in args)))
    a = args[0]
    b = args[1] if len(args) > 1 else None
    if op == "neg" and a.op == "neg":
        return a.args[0]
    if op == "+":
        if _is(a, 0):
            return b
        if _is(b, 0):
            return a
    elif op == "-":
        if _is(b, 0):
            return a
        if _is(a, 0):
            return _make("neg", b)
    elif op == "*":
        if _is(a, 0) or _is(b, 0):
            return _num(0.0)
        if _is(a, 1):
            return b
        if _is(b, 1):
            return a
        if _is(a, -1):
            return _make("neg", b)
    elif op == "/":
        if _is(a, 0):
            return _num(0.0)
        if _is(b, 1):
            return a
    elif op == "**":
        if _is(b, 1):
            return a
        if _is(b, 0):
            return _num(1.0)
    return _Node(op, args)


def _derivative(node: _Node, axis: int, memo: dict[int, _Node]) -> _Node:
    """:math:`\\partial\\,\\mathrm{node} / \\partial x_{axis}` as a new tree that reuses ``node``'s parts."""
    done = memo.get(id(node))
    if done is not None:
        return done
    op, args = node.op, node.args
    if op == "num":
        d = _num(0.0)
    elif op == "var":
        d = _num(1.0 if node.value == axis else 0.0)
    elif op == "sign":
        d = _num(0.0)
    else:
        u = args[0]
        du = _derivative(u, axis, memo)
        if op == "neg":
            d = _make("neg", du)
        elif op in ("+", "-", "*", "/", "**"):
            v = args[1]
            dv = _derivative(v, axis, memo)
            if op in ("+", "-"):
                d = _make(op, du, dv)
            elif op == "*":
                d = _make("+", _make("*", du, v), _make("*", u, dv))
            elif op == "/":
                # (u/v)' = (u' - (u/v) v') / v
                d = _make("/", _make("-", du, _make("*", node, dv)), v)
            elif v.op == "num":
                d = _make("*", _make("*", v, _make("**", u, _num(v.value - 1.0))), du)
            else:
                # (u^v)' = u^v ln(u) v' + v u^(v-1) u'
                along_v = _make("*", _make("*", node, _make("log", u)), dv)
                along_u = _make("*", _make("*", v, _make("**", u, _make("-", v, _num(1.0)))), du)
                d = _make("+", along_v, along_u)
        elif op == "sin":
            d = _make("*", _make("cos", u), du)
        elif op == "cos":
            d = _make("neg", _make("*", _make("sin", u), du))
        elif op == "tan":
            d = _make("/", du, _make("**", _make("cos", u), _num(2.0)))
        elif op == "exp":
            d = _make("*", node, du)
        elif op == "log":
            d = _make("/", du, u)
        elif op == "sqrt":
            d = _make("/", du, _make("*", _num(2.0), node))
        elif op == "abs":
            d = _make("*", _make("sign", u), du)
        elif op == "tanh":
            d = _make("*", _make("-", _num(1.0), _make("**", node, _num(2.0))), du)
        elif op == "sinh":
            d = _make("*", _make("cosh", u), du)
        elif op == "cosh":
            d = _make("*", _make("sinh", u), du)
        elif op == "arctan":
            d = _make("/", du, _make("+", _num(1.0), _make("**", u, _num(2.0))))
        else:  # pragma: no cover - every op of the language is handled above
            raise AssertionError(op)
    memo[id(node)] = d
    return d


# --- evaluation ---------------------------------------------------------------------------------


class _Program:
    """Several trees flattened into one list of NumPy calls; equal subtrees are computed once."""

    def __init__(self, roots: list[_Node]):
        self.slots: list[Any] = []
        self.inputs: list[tuple[int, int]] = []  # (slot, axis of x)
        self.steps: list[tuple[int, Any, int, int]] = []  # (slot, ufunc, arg slot, arg slot or -1)
        self._by_key: dict[tuple, int] = {}
        self._by_id: dict[int, int] = {}
        self.roots = [self._emit(r) for r in roots]
        del self._by_key, self._by_id

    def _slot(self, key: tuple, leaf: Any = None) -> tuple[int, bool]:
        found = self._by_key.get(key)
        if found is not None:
            return found, False
        self.slots.append(leaf)
        self._by_key[key] = len(self.slots) - 1
        return len(self.slots) - 1, True

    def _emit(self, node: _Node) -> int:
        known = self._by_id.get(id(node))
        if known is not None:
            return known
        if node.op == "num":
            slot, _ = self._slot(("num", node.value, math.copysign(1.0, node.value)), node.value)
        elif node.op == "var":
            slot, new = self._slot(("var", int(node.value)))
            if new:
                self.inputs.append((slot, int(node.value)))
        elif node.op == "**" and _is(node.args[1], 2):
            a = self._emit(node.args[0])
            slot, new = self._slot(("square", a))
            if new:
                self.steps.append((slot, np.square, a, -1))
        else:
            a = self._emit(node.args[0])
            b = self._emit(node.args[1]) if len(node.args) > 1 else -1
            slot, new = self._slot((node.op, a, b))
            if new:
                self.steps.append((slot, _KERNELS[node.op], a, b))
        self._by_id[id(node)] = slot
        return slot

    def run(self, x: np.ndarray) -> list[Any]:
        """Every root at the points ``x`` (``(..., dim)``); call under ``np.errstate``."""
        vals = list(self.slots)
        for slot, axis in self.inputs:
            vals[slot] = x[..., axis]
        for slot, fn, a, b in self.steps:
            vals[slot] = fn(vals[a]) if b < 0 else fn(vals[a], vals[b])
        return [vals[r] for r in self.roots]


class _Compiled:
    """The value and gradient functions a custom :class:`Surface` calls."""

    def __init__(self, tree: _Node, dim: int):
        self.dim = dim
        self._value = _Program([tree])
        slopes = [_derivative(tree, axis, {}) for axis in range(dim)]
        self.constant = all(_is(d, 0) for d in slopes)
        self._grad = _Program(slopes)
        # Second derivatives: each slope differentiated again, upper triangle only (the matrix is
        # symmetric by construction, not up to rounding).
        memos: list[dict[int, _Node]] = [{} for _ in range(dim)]
        self._pairs = [(i, j) for i in range(dim) for j in range(i, dim)]
        self._hessian = _Program([_derivative(slopes[i], j, memos[j]) for i, j in self._pairs])

    def _points(self, x: np.ndarray) -> np.ndarray:
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"points need {self.dim} coordinate(s) on the last axis, got shape {x.shape}")
        return x

    def value(self, x: np.ndarray) -> np.ndarray:
        x = self._points(x)
        out = np.empty(x.shape[:-1])
        with np.errstate(all="ignore"):
            out[...] = self._value.run(x)[0]
        return out

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = self._points(x)
        out = np.empty(x.shape)
        with np.errstate(all="ignore"):
            for axis, component in enumerate(self._grad.run(x)):
                out[..., axis] = component
            bad = ~np.isfinite(out)
            if bad.any():
                # See the module docstring: a finite value keeps a finite gradient.
                finite = np.isfinite(np.asarray(self._value.run(x)[0]))
                out[bad & np.broadcast_to(finite[..., None], out.shape)] = 0.0
        return out


    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = self._points(x)
        out = np.empty((*x.shape, self.dim))
        with np.errstate(all="ignore"):
            for (i, j), entry in zip(self._pairs, self._hessian.run(x), strict=True):
                out[..., i, j] = entry
                out[..., j, i] = entry
            bad = ~np.isfinite(out)
            if bad.any():
                finite = np.isfinite(np.asarray(self._value.run(x)[0]))
                out[bad & np.broadcast_to(finite[..., None, None], out.shape)] = 0.0
        return out


# --- reading the text ---------------------------------------------------------------------------


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


def _convert(node: ast.expr, lead: int) -> _Node:
    """The checked parse tree as our tree (no folding yet: the LaTeX shows what was typed)."""
    span = (node.col_offset + lead, node.end_col_offset + lead)
    if isinstance(node, ast.Constant):
        return _Node("num", value=float(node.value), label=repr(node.value), span=span)
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return _Node("num", value=CONSTANTS[node.id], label=node.id, span=span)
        return _Node("var", value=float(VARIABLES.index(node.id)), label=node.id, span=span)
    if isinstance(node, ast.UnaryOp):
        inner = _convert(node.operand, lead)
        return _Node("neg", (inner,), span=span) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        return _Node(_BINARY[type(node.op)], (_convert(node.left, lead), _convert(node.right, lead)), span=span)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return _Node(node.func.id, (_convert(node.args[0], lead),), span=span)


def _lower(node: _Node, text: str) -> _Node:
    """Fold constants; refuse huge constant exponents and constant parts that are not finite."""
    if node.op in ("num", "var"):
        return node
    args = [_lower(a, text) for a in node.args]
    if node.op == "**" and args[1].op == "num" and not abs(args[1].value) <= MAX_EXPONENT:
        lo, hi = node.args[1].span
        seg = text[lo:hi]
        shown = seg if node.args[1].op == "num" else f"{seg} = {args[1].value:.6g}"
        raise ValueError(f"position {lo + 1}: the exponent {shown} is too large (at most {MAX_EXPONENT} in size)")
    out = _make(node.op, *args)
    if out.op == "num" and not math.isfinite(out.value):
        lo, hi = node.span
        raise ValueError(f"position {lo + 1}: {text[lo:hi]} is not a finite number ({out.value})")
    return out


def _names(node: _Node) -> set[str]:
    if node.op == "var":
        return {node.label}
    return set().union(*(_names(a) for a in node.args))


def _ops(node: _Node) -> list[_Node]:
    return [node, *(n for a in node.args for n in _ops(a))]


def _kinked(node: _Node) -> bool:
    """Whether a node can put a kink or cusp in the surface: abs, sqrt, a power not a whole number."""
    if node.op in ("abs", "sqrt"):
        return True
    if node.op != "**":
        return False
    base, exponent = node.args
    whole = exponent.op == "num" and exponent.value >= 0 and exponent.value.is_integer()
    return not (whole or (base.op == "num" and base.value > 0))


# --- LaTeX --------------------------------------------------------------------------------------

_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


def _paren(s: str) -> str:
    return rf"\left({s}\right)"


def _tex_number(node: _Node) -> str:
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


def _tex(node: _Node) -> tuple[str, int]:
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


# --- window and start ---------------------------------------------------------------------------


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _bounds(bounds: Any, dim: int) -> np.ndarray:
    shape_hint = "bounds must be [[x_low, x_high]] or [[x_low, x_high], [y_low, y_high]]"
    try:
        rows = list(bounds)
        if not (len(rows) == 2 and all(_is_number(v) for v in rows)):
            rows = [list(r) for r in rows]
        else:
            rows = [rows]  # a bare [low, high]
    except TypeError:
        raise ValueError(f"{shape_hint}, got {bounds!r}") from None
    if dim == 1 and len(rows) == 2:
        rows = rows[:1]
    if len(rows) != dim or any(len(r) != 2 or not all(_is_number(v) for v in r) for r in rows):
        need = "one row [x_low, x_high]" if dim == 1 else "two rows [[x_low, x_high], [y_low, y_high]]"
        raise ValueError(f"bounds for a formula in {', '.join(VARIABLES[:dim])} need {need}, got {bounds!r}")
    out = np.array(rows, dtype=np.float64)
    for name, (lo, hi) in zip(VARIABLES, out, strict=False):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"bounds for {name} must be finite, got [{lo:g}, {hi:g}]")
        if not lo < hi:
            raise ValueError(f"bounds for {name} need low < high, got [{lo:g}, {hi:g}]")
        if max(abs(lo), abs(hi)) > MAX_BOUND:
            raise ValueError(f"bounds for {name} must lie within ±{MAX_BOUND:g}, got [{lo:g}, {hi:g}]")
    return out


def _window(bounds: np.ndarray) -> str:
    return ", ".join(f"{name} ∈ [{lo:g}, {hi:g}]" for name, (lo, hi) in zip(VARIABLES, bounds, strict=False))


def _grid(bounds: np.ndarray) -> np.ndarray:
    if len(bounds) == 1:
        return np.linspace(*bounds[0], GRID * GRID)[:, None]
    xs, ys = (np.linspace(lo, hi, GRID) for lo, hi in bounds)
    return np.stack(np.meshgrid(xs, ys), axis=-1)


def _tidy(points: np.ndarray) -> np.ndarray:
    """Coordinates rounded to 12 digits, so a window of [-3, 3] gives -2.1 and not -2.0999999999999996."""
    return np.array([[float(f"{c:.12g}") for c in p] for p in points])


def _start(start: Any, bounds: np.ndarray, fn: _Compiled) -> tuple[float, ...]:
    dim = len(bounds)
    lo, hi = bounds[:, 0], bounds[:, 1]
    if start is not None:
        coords = [start] if _is_number(start) else start
        try:
            coords = list(coords)
        except TypeError:
            raise ValueError(f"start must be {dim} number(s), got {start!r}") from None
        if len(coords) != dim or not all(_is_number(c) for c in coords):
            raise ValueError(f"start must be {dim} number(s), got {start!r}")
        point = np.array(coords, dtype=np.float64)
        shown = ", ".join(f"{c:g}" for c in point)
        if not (np.isfinite(point).all() and (lo <= point).all() and (point <= hi).all()):
            raise ValueError(f"start ({shown}) must lie inside the window {_window(bounds)}")
        if not np.isfinite(fn.value(point)):
            raise ValueError(f"the formula is not finite at the start ({shown}); pick another start")
        return tuple(float(c) for c in point)
    centre = (lo + hi) / 2
    # 70% of the way from the centre to a corner: top-left first, then the others.
    corners = [(hi[0],), (lo[0],)] if dim == 1 else [(lo[0], hi[1]), (hi[0], hi[1]), (lo[0], lo[1]), (hi[0], lo[1])]
    candidates = _tidy(centre + 0.7 * (np.array(corners) - centre))
    finite = np.isfinite(fn.value(candidates))
    if finite.any():
        return tuple(float(c) for c in candidates[finite.argmax()])
    # Every candidate is a pole or outside the domain: take the finite grid point nearest the first.
    grid = _tidy(_grid(bounds).reshape(-1, dim))
    ok = grid[np.isfinite(fn.value(grid))]
    return tuple(float(c) for c in ok[np.linalg.norm(ok - candidates[0], axis=1).argmin()])


# --- the public function ------------------------------------------------------------------------


def from_formula(text: str, bounds: Any = ((-3.0, 3.0), (-3.0, 3.0)), start: Any = None) -> Surface:
    """The :class:`Surface` for a formula in ``x`` (and ``y``) typed by a user.

    ``bounds`` is the plot window, one ``[low, high]`` row per variable (a formula in ``x`` alone
    takes the first row); ``start`` the default start, else 70% of the way from the centre to the
    top-left corner (right edge in 1-D), or the next corner where the formula is finite.
    Raises ValueError, with a message fit to show as it is, for anything outside the language.
    """
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
    used = _names(typed)
    if not used:
        raise ValueError("the formula must use x (and optionally y)")
    dim = 2 if "y" in used else 1
    window = _bounds(bounds, dim)
    fn = _Compiled(folded, dim)
    if fn.constant:
        raise ValueError("the formula is constant: it does not change with x or y")

    finite = np.isfinite(fn.value(_grid(window)))
    share = 1.0 - np.count_nonzero(finite) / finite.size
    if share > 0.5:
        raise ValueError(
            f"the formula is not finite (nan or inf) on {share:.0%} of the window {_window(window)}; "
            "check log, sqrt, divisions and powers of negative numbers, or change the window"
        )

    latex = ("f(x) = " if dim == 1 else "f(x, y) = ") + _tex(typed)[0]
    return Surface(
        key="custom",
        name=f"Custom: {body}",
        dim=dim,
        params=MappingProxyType({}),
        bounds=window,
        minima=[],
        minimum_values=[],
        default_start=_start(start, window, fn),
        latex=latex,
        summary="A formula typed by hand: minima unknown.",
        smooth=not any(_kinked(n) for n in _ops(folded)),
        _value=fn.value,
        _grad=fn.grad,
        _hessian=fn.hessian,
    )
