"""Suggested settings that make every default race tell its surface's story: learning rates, colours.

The suggested learning rate of an optimizer on a surface follows one rule, :func:`rule_lr`: the
largest rate on a 1-2-5 grid (10⁻⁶ … 500) whose run of :data:`RULE_STEPS` = 1,000 steps from the
surface's default start

* never diverges and never leaves the plot window: twice the default race's 500 steps, so a race run
  longer than it is shown, or an entry that lingers, is still safe (the margin is in time, not in a
  smaller rate: one grid step down would halve gradient descent's rate on the oblong bowl, 0.05 to
  0.02, and its zig-zag, the thing that surface is there to show, would be gone);
* strides but does not leap: its first step at most 25% of the window's diagonal, every later step
  at most 15%. The first step is sized by where the user put the start (gradient descent's first
  step on the oblong bowl's steep wall is 22% of the diagonal, its whole story); later long steps
  are the rule's own (Adam at 1 on Rosenbrock leaps 15% and 19% of the picture at its second and
  third steps, then lands beside momentum's run: two runs, one picture);
* settles: over the second half of the horizon no step is longer than 2% of the diagonal, so a rate
  that keeps a sign rule (Lion) or an undamped rule (RMSprop) bouncing across the picture is not
  chosen;
* moves visibly: at some step at least 2% of the diagonal away from the start;
* and the rate just below it on the grid passes too: a rate that passes by luck between rates
  that fail is not chosen (sign descent at 0.5 lands exactly on the oblong bowl's minimum where
  0.2 bounces; momentum at 0.02 on Beale's surface stays inside the window where 0.01 leaves it).

Where no such run moves, the smallest rate that moves visibly and stays in the window (:func:`choose`).

Version 2 of the table asked every step, the first included, to be at most 2% of the diagonal over
300 steps. That made every race crawl: on the default race (Rosenbrock, 500 steps) nobody reached
the minimum, and on the oblong bowl gradient descent at 0.002 slid down without the zig-zag (its
stability limit is 2/25 = 0.08). With this rule gradient descent runs there at 0.05 and its y
coordinate changes sign at every step; on Rosenbrock heavy-ball momentum (0.002) reaches (1, 1),
Adam (0.5) is on the valley floor close behind, RMSprop (0.01) is halfway along it and gradient
descent (0.001) still crawls down the far arm.

``tools/make_lr_table.py`` runs those sweeps (all optimizers and rates of a surface in one batched
pass of the core) and writes a new version of the table whenever the rule's rows differ from
:data:`CURRENT_LR_TABLE`; its ``custom`` row (typed formulas) is each optimizer's median over the
built-in 2-D surfaces. A registered surface the current table does not list (one added after it)
gets the rule's rate worked out on first use, as does an optimizer the table does not know. A rule
whose η only scales a step it sizes itself (``lr_per_surface=False`` on its spec: Newton, Prodigy)
keeps its spec's default everywhere.

Released tables are data that links name (``lrtable=N``), never edited: :data:`LR_TABLE_V1` is the
hand-picked table of before versions, :data:`LR_TABLE_V2` the previous rule's. Both lent their
``custom`` row to any surface they did not list, and are still read that way so their links keep
their race. An entry that sets its own lr ignores every table.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

import optimizers
import surfaces

from . import lr_table_v1, lr_table_v2, lr_table_v3

# Okabe & Ito's colour-blind-safe palette, ordered for contrast on a pale or dark background.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")

#: The rates :func:`rule_lr` chooses from, and what a run must respect to be chosen (lengths are
#: fractions of the window's diagonal).
LR_GRID = tuple(m * 10.0**e for e in range(-6, 3) for m in (1.0, 2.0, 5.0))
RULE_STEPS = 1000
MAX_FIRST_STEP = 0.25
MAX_STEP = 0.15  # every step after the first
SETTLED_STEP = 0.02  # every step of the second half of the horizon
MIN_MOVE = 0.02  # "moves visibly"

Table = Mapping[str, Mapping[str, float]]


def _frozen(table: dict[str, dict[str, float]]) -> Table:
    return MappingProxyType({s: MappingProxyType(dict(row)) for s, row in table.items()})


LR_TABLE_V1: Table = _frozen(lr_table_v1.TABLE)
LR_TABLE_V2: Table = _frozen(lr_table_v2.TABLE)
LR_TABLE_V3: Table = _frozen(lr_table_v3.TABLE)
LR_TABLES: Mapping[int, Table] = MappingProxyType({1: LR_TABLE_V1, 2: LR_TABLE_V2, 3: LR_TABLE_V3})
CURRENT_LR_VERSION = 3
CURRENT_LR_TABLE: Table = LR_TABLES[CURRENT_LR_VERSION]
# The tables that were read with their custom row for every surface they did not list.
_LENDING_CUSTOM = (LR_TABLE_V1, LR_TABLE_V2)


def lookup(table: Table, optimizer: str, surface: str) -> float | None:
    """The table's rate for ``optimizer`` on ``surface``, or None when the table does not know the
    pair. Its ``custom`` row serves typed formulas (``"custom"`` and any name that is not a
    registered surface); a registered surface the table does not list has no rate in it (tables 1
    and 2 excepted: they lent it their custom row, and their links keep meaning that)."""
    row = table.get(surface)
    if row is None and (surface not in surfaces.names() or any(table is t for t in _LENDING_CUSTOM)):
        row = table["custom"]
    return None if row is None else row.get(optimizer)


def default_lr(optimizer: str, surface: str) -> float:
    """The suggested learning rate of ``optimizer`` on ``surface``: what the page uses for an entry
    without an lr of its own (a key of :mod:`surfaces`, ``"custom"`` or any other name)."""
    spec = optimizers.spec(optimizer)
    if not spec.lr_per_surface:
        return float(spec.defaults["lr"])
    found = lookup(CURRENT_LR_TABLE, optimizer, surface)
    if found is not None:
        return found
    known = surface in surfaces.names()
    return _rule_lr_cached(optimizer, surface) if known else _custom_lr_cached(optimizer)


def learning_rate(surface: str, optimizer: str) -> float:
    """The same as :func:`default_lr`, arguments the other way round (the older name)."""
    return default_lr(optimizer, surface)


# --- The rule ----------------------------------------------------------------------------------------


def measure(surface, path: np.ndarray, diverged: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per run of ``path`` (``(steps + 1, n, dim)``): kept (never diverged, never outside the
    window), calm (kept, first step at most ``MAX_FIRST_STEP``, later ones at most ``MAX_STEP``,
    those of the second half at most ``SETTLED_STEP``), and visible (at some step at least
    ``MIN_MOVE`` away from the start); lengths as fractions of the window's diagonal."""
    bounds = np.asarray(surface.bounds, dtype=np.float64)
    diagonal = float(np.linalg.norm(bounds[:, 1] - bounds[:, 0]))
    with np.errstate(invalid="ignore"):
        inside = ((path >= bounds[:, 0]) & (path <= bounds[:, 1])).all(axis=(0, 2))
        steps = np.linalg.norm(np.diff(path, axis=0), axis=2) / diagonal
        farthest = np.linalg.norm(path - path[0], axis=2).max(axis=0) / diagonal
    steps = np.nan_to_num(steps, nan=np.inf)
    kept = (diverged < 0) & inside
    calm = (kept & (steps[0] <= MAX_FIRST_STEP) & (steps[1:].max(axis=0, initial=0.0) <= MAX_STEP)
            & (steps[len(steps) // 2:].max(axis=0, initial=0.0) <= SETTLED_STEP))
    return kept, calm, farthest >= MIN_MOVE


def choose(grid: np.ndarray, kept: np.ndarray, calm: np.ndarray, visible: np.ndarray) -> float:
    """The largest calm rate that moves visibly and whose neighbour below on the grid does too (so a
    rate that passes by luck, between rates that fail, is not chosen); failing that, the largest
    calm rate that moves visibly; failing that (no calm run leaves the start, as SAM on top of
    Himmelblau's hill), the smallest kept rate that moves visibly; failing that, the largest calm
    rate, or the smallest of the grid."""
    passes = calm & visible
    steady = passes & np.concatenate([[False], passes[:-1]])
    for ok, pick in ((steady, np.max), (passes, np.max), (kept & visible, np.min), (calm, np.max)):
        if ok.any():
            return float(pick(grid[ok]))
    return float(grid[0])


def sweep(surface_key: str, rates: Mapping[str, np.ndarray]) -> list:
    """One batched race of :data:`RULE_STEPS` steps from the surface's default start: every rate of
    ``rates`` for its optimizer (one trajectory per optimizer, a row per rate)."""
    surface = surfaces.get(surface_key)
    return optimizers.race([optimizers.make(k, lr=np.asarray(r, dtype=np.float64)) for k, r in rates.items()],
                           surface, surface.default_start, steps=RULE_STEPS, record_state=False)


def verdicts(surface_key: str, rates: Mapping[str, np.ndarray]) -> dict[str, tuple[np.ndarray, ...]]:
    """For each optimizer of ``rates`` (all with ``lr_per_surface``), what :func:`measure` says of
    each of its rates in their :func:`sweep`: ``(kept, calm, visible)``."""
    surface = surfaces.get(surface_key)
    runs = sweep(surface_key, rates)
    return {k: measure(surface, tr.path, tr.diverged_at) for k, tr in zip(rates, runs, strict=True)}


def rule_lrs(surface_key: str, keys: list[str]) -> dict[str, float]:
    """:func:`rule_lr` for several optimizers at once: every rate of every optimizer in one race."""
    grid = np.array(LR_GRID)
    swept = verdicts(surface_key, {k: grid for k in keys if optimizers.spec(k).lr_per_surface})
    out = {k: float(optimizers.spec(k).defaults["lr"]) for k in keys}
    out.update({k: choose(grid, *v) for k, v in swept.items()})
    return out


def rule_lr(optimizer: str, surface_key: str) -> float:
    """The rate the rule picks for ``optimizer`` on the registered surface ``surface_key``."""
    return rule_lrs(surface_key, [optimizer])[optimizer]


def custom_row(rows: Mapping[str, Mapping[str, float]], keys: list[str]) -> dict[str, float]:
    """Each optimizer's median rate over the 2-D surfaces in ``rows`` (the lower middle one when
    their number is even), for typed formulas."""
    planar = [s for s in rows if surfaces.get(s).dim == 2]
    return {k: sorted(rows[s][k] for s in planar)[(len(planar) - 1) // 2] for k in keys}


@functools.lru_cache(maxsize=256)
def _rule_lr_cached(optimizer: str, surface_key: str) -> float:
    return rule_lr(optimizer, surface_key)


@functools.lru_cache(maxsize=64)
def _custom_lr_cached(optimizer: str) -> float:
    rows = {s: {optimizer: _rule_lr_cached(optimizer, s)} for s in surfaces.names()}
    return custom_row(rows, [optimizer])[optimizer]
