"""Suggested settings that make every default race move visibly: learning rates per surface, colours.

The suggested learning rate of an optimizer on a surface follows one rule, :func:`rule_lr`: the
largest rate on a 1-2-5 grid (10⁻⁶ … 500) whose 300-step run from the surface's default start never
diverges, never leaves the plot window, never takes a step longer than 2% of the window's diagonal
(so a race takes at least fifty steps to cross the picture) and moves visibly (at least 2% of the
diagonal away from the start). Where no such calm run moves, the smallest rate that moves visibly
and stays in the window (:func:`choose`).
``tools/make_lr_table.py`` runs those sweeps (all optimizers and rates of a surface in one batched
pass of the core) and writes :data:`CURRENT_LR_TABLE`; its ``custom`` row (typed formulas, and
surfaces the table does not know) is each optimizer's median over the built-in 2-D surfaces. A rule
whose η only scales a step it sizes itself (``lr_per_surface=False`` on its spec: Newton, Prodigy)
keeps its spec's default everywhere. An optimizer the table does not know yet gets the rule's rate
worked out on first use.

:data:`LR_TABLE_V1` is the hand-picked table the page used before (version 1), kept unchanged as data
so that a link made then can be read with the rates it meant. An entry that sets its own lr ignores
every table.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

import optimizers
import surfaces

from . import lr_table_v1, lr_table_v2

# Okabe & Ito's colour-blind-safe palette, ordered for contrast on a pale or dark background.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")

#: The rates :func:`rule_lr` chooses from, and what a run must respect to be chosen.
LR_GRID = tuple(m * 10.0**e for e in range(-6, 3) for m in (1.0, 2.0, 5.0))
RULE_STEPS = 300
MAX_STEP = 0.02  # of the window's diagonal
MIN_MOVE = 0.02  # of the window's diagonal: "moves visibly"

Table = Mapping[str, Mapping[str, float]]


def _frozen(table: dict[str, dict[str, float]]) -> Table:
    return MappingProxyType({s: MappingProxyType(dict(row)) for s, row in table.items()})


LR_TABLE_V1: Table = _frozen(lr_table_v1.TABLE)
LR_TABLE_V2: Table = _frozen(lr_table_v2.TABLE)
LR_TABLES: Mapping[int, Table] = MappingProxyType({1: LR_TABLE_V1, 2: LR_TABLE_V2})
CURRENT_LR_VERSION = 2
CURRENT_LR_TABLE: Table = LR_TABLES[CURRENT_LR_VERSION]


def lookup(table: Table, optimizer: str, surface: str) -> float | None:
    """The table's rate for ``optimizer`` on ``surface`` (its ``custom`` row for a surface it does
    not list), or None when the table does not know the optimizer."""
    row = table.get(surface, table["custom"])
    return row.get(optimizer)


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


def _measure(surface, path: np.ndarray, diverged: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per run of ``path`` (``(steps + 1, n, dim)``): kept (never diverged, never outside the
    window), calm (kept, and no step longer than ``MAX_STEP`` of the window's diagonal), and visible
    (at some step at least ``MIN_MOVE`` of the diagonal away from the start)."""
    bounds = np.asarray(surface.bounds, dtype=np.float64)
    diagonal = float(np.linalg.norm(bounds[:, 1] - bounds[:, 0]))
    with np.errstate(invalid="ignore"):
        inside = ((path >= bounds[:, 0]) & (path <= bounds[:, 1])).all(axis=(0, 2))
        longest = np.linalg.norm(np.diff(path, axis=0), axis=2).max(axis=0)
        farthest = np.linalg.norm(path - path[0], axis=2).max(axis=0)
    kept = (diverged < 0) & inside
    return kept, kept & (longest <= MAX_STEP * diagonal), farthest >= MIN_MOVE * diagonal


def choose(grid: np.ndarray, kept: np.ndarray, calm: np.ndarray, visible: np.ndarray) -> float:
    """The largest calm rate that moves visibly; failing that (no calm run leaves the start, as SAM
    on top of Himmelblau's hill), the smallest kept rate that moves visibly; failing that, the
    largest calm rate, or the smallest of the grid."""
    for ok, pick in ((calm & visible, np.max), (kept & visible, np.min), (calm, np.max)):
        if ok.any():
            return float(pick(grid[ok]))
    return float(grid[0])


def rule_lrs(surface_key: str, keys: list[str]) -> dict[str, float]:
    """:func:`rule_lr` for several optimizers at once: every rate of every optimizer in one race."""
    surface = surfaces.get(surface_key)
    grid = np.array(LR_GRID)
    swept = [k for k in keys if optimizers.spec(k).lr_per_surface]
    runs = optimizers.race([optimizers.make(k, lr=grid) for k in swept], surface, surface.default_start,
                           steps=RULE_STEPS, record_state=False)
    out = {k: float(optimizers.spec(k).defaults["lr"]) for k in keys}
    for key, tr in zip(swept, runs, strict=True):
        out[key] = choose(grid, *_measure(surface, tr.path, tr.diverged_at))
    return out


def rule_lr(optimizer: str, surface_key: str) -> float:
    """The rate the rule picks for ``optimizer`` on the registered surface ``surface_key``."""
    return rule_lrs(surface_key, [optimizer])[optimizer]


def custom_row(rows: Mapping[str, Mapping[str, float]], keys: list[str]) -> dict[str, float]:
    """Each optimizer's median rate over the 2-D surfaces in ``rows`` (the lower middle one when
    their number is even), for surfaces the table does not know."""
    planar = [s for s in rows if surfaces.get(s).dim == 2]
    return {k: sorted(rows[s][k] for s in planar)[(len(planar) - 1) // 2] for k in keys}


@functools.lru_cache(maxsize=256)
def _rule_lr_cached(optimizer: str, surface_key: str) -> float:
    return rule_lr(optimizer, surface_key)


@functools.lru_cache(maxsize=64)
def _custom_lr_cached(optimizer: str) -> float:
    rows = {s: {optimizer: _rule_lr_cached(optimizer, s)} for s in surfaces.names()}
    return custom_row(rows, [optimizer])[optimizer]
