"""A surface typed as a formula in x and y, read without ever running it as Python.

The text goes through three gates (:mod:`.parse`). A character scan refuses anything outside plain
one-line ASCII, strings, ``^``, unknown names and malformed numbers (the last also keeps the parser
quiet). Then ``ast.parse(text, mode="eval")`` builds a syntax tree, and every node must be on a
whitelist: numbers, ``x``, ``y``, ``pi``, ``e``, binary ``+ - * / **``, unary ``-`` and ``+``, and
one-argument calls of sin cos tan exp log sqrt abs tanh sinh cosh arctan. Last, the tree is rebuilt
as our own expression tree with constants folded (:mod:`.nodes`), and the gradient
:math:`\\partial f/\\partial x_i` is its symbolic derivative. Both are flattened into a list of
NumPy operations with shared subexpressions (:mod:`.program`), so one pass gives every gradient
component. Differentiating each gradient component once more gives the exact second derivatives
(the Hessian), upper triangle only, so the matrix is symmetric by construction. :mod:`.latex`
writes the equation as typed; :mod:`.window` checks the bounds and picks the start; :mod:`.minima`
finds the minima in the window (a damped Newton search from a grid of starts), which the race marks ★.

Caps (:mod:`.language`): at most 200 characters, 150 tree nodes, 40 levels of nesting (tree or
brackets); numbers typed in at most 1e6 in size; constant exponents at most 100 in size. A formula
that is not finite (``nan``/``inf``) on more than half of a 41×41 grid over its window is refused.

Conventions: :math:`|u|' = \\operatorname{sign}(u)`, 0 at :math:`u = 0`. Where the value is finite
but a gradient component is not (a cusp such as :math:`\\sqrt{x^2+y^2}` at the origin, or an
overflowing inner factor under a saturating function such as :math:`\\tanh(e^{e^{e^x}})`), that
component is reported as 0: the true limit in the overflow case, a resting point at a cusp.
Elsewhere non-finite values pass through; the optimizer loop counts them as divergence. The
Hessian follows the same rule (:math:`\\operatorname{sign}' = 0`).
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any

import numpy as np

from .._base import Surface
from .language import (
    ALLOWED,
    CONSTANTS,
    FUNCTIONS,
    GRID,
    MAX_BOUND,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_NODES,
    MAX_NUMBER,
    VARIABLES,
)
from .latex import equation
from .minima import find_minima
from .nodes import kinked, walk
from .parse import read
from .program import Compiled
from .window import check_finite, read_bounds, start_point

__all__ = [
    "ALLOWED",
    "CONSTANTS",
    "FUNCTIONS",
    "GRID",
    "MAX_BOUND",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_NODES",
    "MAX_NUMBER",
    "VARIABLES",
    "from_formula",
]


def from_formula(text: str, bounds: Any = ((-3.0, 3.0), (-3.0, 3.0)), start: Any = None) -> Surface:
    """The :class:`Surface` for a formula in ``x`` (and ``y``) typed by a user.

    ``bounds`` is the plot window, one ``[low, high]`` row per variable (a formula in ``x`` alone
    takes the first row); ``start`` the default start, else 70% of the way from the centre to the
    top-left corner (right edge in 1-D), or the next corner where the formula is finite.
    ``minima`` are those :func:`.minima.find_minima` finds in the window, lowest first (at most 8).
    Raises ValueError, with a message fit to show as it is, for anything outside the language.
    """
    formula = read(text)
    window = read_bounds(bounds, formula.dim)
    fn = Compiled(formula.folded, formula.dim)
    if fn.constant:
        raise ValueError("the formula is constant: it does not change with x or y")
    check_finite(fn, window)
    minima, values = _minima(formula.body, tuple(map(tuple, window.tolist())))
    return Surface(
        key="custom",
        name=f"Custom: {formula.body}",
        dim=formula.dim,
        params=MappingProxyType({}),
        bounds=window,
        minima=list(minima),
        minimum_values=list(values),
        default_start=start_point(start, window, fn),
        latex=equation(formula.typed, formula.dim),
        summary="A formula typed by hand: ★ marks the minima a Newton search from a grid finds in the window.",
        smooth=not any(kinked(n) for n in walk(formula.folded)),
        _value=fn.value,
        _grad=fn.grad,
        _hessian=fn.hessian,
    )


@functools.lru_cache(maxsize=256)
def _minima(body: str, window: tuple[tuple[float, float], ...]):
    """The minima :func:`.minima.find_minima` finds for a formula over a window, kept: the page builds
    the surface on every rerun, and the search costs tens of milliseconds."""
    formula = read(body)
    return find_minima(Compiled(formula.folded, formula.dim), np.array(window))
