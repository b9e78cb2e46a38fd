"""The plot window and the start of a formula surface: bounds checked row by row, a grid over the
window, and a default start where the formula is finite.

A formula that is not finite (``nan``/``inf``) on more than half of a ``GRID`` × ``GRID`` grid over
its window is refused: its picture would be mostly empty.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .language import GRID, MAX_BOUND, VARIABLES
from .program import Compiled


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def read_bounds(bounds: Any, dim: int) -> np.ndarray:
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


def describe(bounds: np.ndarray) -> str:
    return ", ".join(f"{name} ∈ [{lo:g}, {hi:g}]" for name, (lo, hi) in zip(VARIABLES, bounds, strict=False))


def grid(bounds: np.ndarray) -> np.ndarray:
    if len(bounds) == 1:
        return np.linspace(*bounds[0], GRID * GRID)[:, None]
    xs, ys = (np.linspace(lo, hi, GRID) for lo, hi in bounds)
    return np.stack(np.meshgrid(xs, ys), axis=-1)


def _tidy(points: np.ndarray) -> np.ndarray:
    """Coordinates rounded to 12 digits, so a window of [-3, 3] gives -2.1 and not -2.0999999999999996."""
    return np.array([[float(f"{c:.12g}") for c in p] for p in points])


def start_point(start: Any, bounds: np.ndarray, fn: Compiled) -> tuple[float, ...]:
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
            raise ValueError(f"start ({shown}) must lie inside the window {describe(bounds)}")
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
    points = _tidy(grid(bounds).reshape(-1, dim))
    ok = points[np.isfinite(fn.value(points))]
    return tuple(float(c) for c in ok[np.linalg.norm(ok - candidates[0], axis=1).argmin()])


def check_finite(fn: Compiled, bounds: np.ndarray) -> None:
    """Refuse a formula that is not finite on more than half of the grid over its window."""
    finite = np.isfinite(fn.value(grid(bounds)))
    share = 1.0 - np.count_nonzero(finite) / finite.size
    if share > 0.5:
        raise ValueError(
            f"the formula is not finite (nan or inf) on {share:.0%} of the window {describe(bounds)}; "
            "check log, sqrt, divisions and powers of negative numbers, or change the window"
        )
