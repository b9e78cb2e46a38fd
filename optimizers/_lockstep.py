"""The race's clock: every row still running takes its steps in lockstep, a chunk of steps at a
time, and rows that leave the finite region are found once per chunk and dropped.

:func:`advance` is the hot loop (a race of eight rules calls eight rules a step, each on a ``(1,
dim)`` block, so what the loop itself costs a step is paid eight times over); the other steps run
once per chunk or once per race.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from ._minibatch import MiniBatches
from ._rows import Group, gradient, oracle_for

#: A position with a coordinate beyond this (or not finite) counts as diverged.
DIVERGENCE_LIMIT = 1e6

#: Steps between divergence checks; a row found bad is dropped from the working arrays.
CHUNK = 32


@dataclass(frozen=True)
class Setting:
    """What every step of a race shares: the surface, its feasible box (or None), the mini-batches
    (or None: full gradients), whether there is noise, and whether states are recorded."""

    surface: Any
    box: np.ndarray | None
    batches: MiniBatches | None
    noisy: bool
    record_state: bool


@dataclass
class Working:
    """The rows still running and each one's own inputs, dropped together when a row diverges.

    ``x`` is ``(rows, dim)``; ``live`` the global row numbers; ``sigma`` the noise's standard
    deviation (a float, or ``(rows, 1)``); ``draws`` the standard normal draws, ``(steps, rows or 1,
    dim)`` or None; ``batch_rows`` which seed's mini-batches each row takes (None: one seed).
    """

    x: np.ndarray
    live: np.ndarray
    sigma: float | np.ndarray
    draws: np.ndarray | None
    batch_rows: np.ndarray | None


@dataclass
class Recorded:
    """What the race keeps of every global row: ``path`` ``(steps+1, rows, dim)`` and ``grads``
    ``(steps, rows, dim)`` (None when paths are not recorded), the step each row diverged at (-1:
    never) and its last good position."""

    path: np.ndarray | None
    grads: np.ndarray | None
    diverged: np.ndarray
    last_good: np.ndarray


def drop_rows(work: Working, groups: list[Group], keep: np.ndarray) -> None:
    """Keep only the rows ``keep`` marks, in the working arrays and in every group's block.

    Diverged rows would otherwise keep producing NaN and overflow warnings at full cost; each
    group's block stays contiguous, so a rule still sees one ``(n, dim)`` slice.
    """
    work.x, work.live = work.x[keep], work.live[keep]
    if isinstance(work.sigma, np.ndarray):
        work.sigma = work.sigma[keep]
    if work.draws is not None and work.draws.shape[1] > 1:
        work.draws = work.draws[:, keep]
    if work.batch_rows is not None:
        work.batch_rows = work.batch_rows[keep]
    offset = 0
    for grp in groups:
        offset = grp.compact(keep, offset)


def _scratch(x: np.ndarray, groups: list[Group], states: list[Any], count: int) -> tuple[np.ndarray, list]:
    """The chunk's scratch ``(count, rows + state rows, dim)``: step i's changes (in ``x``'s row
    order) then its state fields (in the sinks' order), written by one concatenation, and where each
    sink's rows sit in it (empty when states are not recorded or a field is not ``(rows, dim)``)."""
    sinks = [sink for grp in groups for sink in grp.sinks]
    values = list(chain.from_iterable(states)) if sinks else []
    fits = all(np.shape(v) == s.shape[1:] and s.shape[2:] == x.shape[1:] for s, v in zip(sinks, values, strict=True))
    spans, row = [], x.shape[0]
    for sink in sinks if fits else []:
        spans.append((sink, row, row + sink.shape[1]))
        row += sink.shape[1]
    return np.empty((count, row, *x.shape[1:])), spans


def advance(setting: Setting, work: Working, groups: list[Group], t: int, positions: np.ndarray) -> list[np.ndarray]:
    """Steps ``t, t+1, …``, one per row of ``positions`` (``(steps, rows, dim)``), which receives
    the positions after each step; returns each step's gradient (noise included).

    All rows share one gradient evaluation a step, then every group's rule updates its own block of
    ``work.x`` in place. What stays the same over the chunk is looked up once here (the rules, their
    blocks as views, the states as a plain list), because at dim 2 a rule's NumPy work costs about
    as much as a few attribute lookups and calls around it. For the same reason one concatenation a
    step copies every rule's change and every state field into the chunk's scratch (a rule's state
    never shares memory with ``x``, so copying it before ``x`` moves records the same numbers);
    a step whose shapes do not fit (a change that broadcasts over its block) takes, with the rest
    of the chunk, the general path: one addition per block and one copy per state field.
    """
    surface, batches, box, noisy = setting.surface, setting.batches, setting.box, setting.noisy
    x, sigma, draws, batch_rows = work.x, work.sigma, work.draws, work.batch_rows
    for grp in groups:
        grp.begin(t, x, len(positions))
    calls = [(grp.update, grp.slice, grp.x, grp.hp, grp.uses_oracle) for grp in groups]
    plain = not any(grp.uses_oracle for grp in groups)
    states = [grp.state for grp in groups]
    pointed = [(j, grp) for j, grp in enumerate(groups) if grp.grad_point is not None]
    scheduled = [grp for grp in groups if grp.lr_factors is not None]
    sinks = [sink for grp in groups for sink in grp.sinks]  # one per state field, in the states' order
    scratch, spans = _scratch(x, groups, states, len(positions))
    fused = len(groups) > 1 and len(spans) == len(sinks)
    outs, moves = list(scratch), list(scratch[:, : x.shape[0]])
    # The plain full gradient (no mini-batch, online loss or noise) is what gradient() returns.
    grad = surface.grad if batches is None and not noisy and not getattr(surface, "time_dependent", False) else None
    deltas: list[Any] = [None] * len(groups)
    grads = []
    done = 0  # steps whose states went through the scratch
    for i in range(len(positions)):
        tt = t + i
        idx = None
        if batches is not None:
            idx = batches.at(tt)
            if batch_rows is not None:
                idx = idx[batch_rows]
        shake = sigma * draws[tt - 1] if noisy else None
        at = x
        if pointed:  # rules that take their gradient elsewhere than at x
            at = x.copy()
            for j, grp in pointed:
                at[grp.slice] = grp.grad_point(states[j], grp.x, grp.hp)
        g = grad(at) if grad is not None else gradient(surface, at, tt, idx, shake)
        for grp in scheduled:
            grp.hp["lr"] = grp.base_lr * grp.lr_factors[tt - 1]
        if plain:
            for j, (update, sl, xj, hp, _) in enumerate(calls):
                deltas[j], states[j] = update(g[sl], states[j], xj, tt, hp)
        else:
            for j, (update, sl, xj, hp, asks) in enumerate(calls):
                if asks:
                    oracle = oracle_for(surface, tt, idx, shake, sl)
                    deltas[j], states[j] = update(g[sl], states[j], xj, tt, hp, oracle=oracle)
                    groups[j].evals.append(1 + oracle.extra_grads)
                else:
                    deltas[j], states[j] = update(g[sl], states[j], xj, tt, hp)
        if fused:
            try:
                np.concatenate([*deltas, *chain.from_iterable(states)] if sinks else deltas, out=outs[i])
            except (ValueError, TypeError):
                fused = False
            else:
                x += moves[i]
                done = i + 1
        if not fused:
            step = np.concatenate(deltas) if len(deltas) > 1 else deltas[0]
            if step.shape == x.shape:  # one addition for every block (the same sums, element by element)
                x += step
            else:  # a rule's change broadcasts over its block
                for (_, _, xj, _, _), delta in zip(calls, deltas, strict=True):
                    xj += delta
            if sinks:
                for sink, value in zip(sinks, chain.from_iterable(states), strict=True):
                    sink[i] = value
        if box is not None:  # the same clip, row by row, as each block's own
            np.clip(x, box[:, 0], box[:, 1], out=x)
        positions[i] = x
        grads.append(g)
    for sink, start, stop in spans:
        sink[:done] = scratch[:done, start:stop]
    for grp, state in zip(groups, states, strict=True):
        grp.state = state
        grp.end()
    return grads


def check_divergence(positions: np.ndarray, live: np.ndarray, t: int, rec: Recorded) -> np.ndarray:
    """Which of the chunk's rows (``positions`` from step ``t`` on) are still good after it.

    A row diverges at the first step whose position leaves the finite region (a coordinate beyond
    :data:`DIVERGENCE_LIMIT`, or not finite). Checked once per chunk, not per step: a bad row then
    runs a few steps too many, but its diverged step and last good position are read off the chunk
    exactly, into ``rec``.
    """
    good = np.abs(positions) <= DIVERGENCE_LIMIT
    if good.all():  # the usual chunk: nothing left the region
        rec.last_good[live] = positions[-1]
        return np.ones(len(live), dtype=bool)
    bad = ~good.all(axis=2)
    keep = ~bad.any(axis=0)
    first = bad.argmax(axis=0)
    gone = np.flatnonzero(~keep)
    rec.diverged[live[gone]] = t + first[gone]
    rec.last_good[live[keep]] = positions[-1, keep]
    moved = gone[first[gone] > 0]
    rec.last_good[live[moved]] = positions[first[moved] - 1, moved]
    return keep


def record_chunk(rec: Recorded, positions: np.ndarray, grads: list[np.ndarray], t: int, live: np.ndarray) -> None:
    """Write the chunk's positions and gradients (steps ``t…``) into the race's rows ``live``."""
    if rec.path is None:
        return
    stop = t + len(positions)
    if len(live) == rec.path.shape[1]:  # every row still running: plain slices, no fancy indexing
        rec.path[t:stop] = positions
        rec.grads[t - 1 : stop - 1] = grads
    else:
        rec.path[t:stop, live] = positions
        rec.grads[t - 1 : stop - 1, live] = grads


def run_chunks(setting: Setting, work: Working, groups: list[Group], rec: Recorded, steps: int,
               observe: Any = None) -> None:
    """Run every row for ``steps`` steps, a chunk at a time: drop the rows the last chunk found
    diverged, advance the rest, check them, record the chunk and show it to ``observe``."""
    keep = np.abs(work.x).max(axis=1) <= DIVERGENCE_LIMIT
    rec.diverged[~keep] = 0
    if observe is not None:
        observe(0, work.x[None], work.live)
    t = 1
    while t <= steps:
        if not keep.all():
            drop_rows(work, groups, keep)
        if work.x.shape[0] == 0:
            break
        positions = np.empty((min(CHUNK, steps - t + 1), *work.x.shape))
        grads = advance(setting, work, groups, t, positions)
        keep = check_divergence(positions, work.live, t, rec)
        record_chunk(rec, positions, grads, t, work.live)
        if observe is not None:
            observe(t, positions, work.live)
        t += len(positions)


def blank_after_divergence(rec: Recorded) -> None:
    """NaN in ``path`` from each row's diverged step on, and in ``grads`` from the step before: a
    diverged run's recorded arrays end at its last good position."""
    for row in np.flatnonzero(rec.diverged >= 0):
        d = rec.diverged[row]
        rec.path[d:, row] = np.nan
        rec.grads[max(d - 1, 0) :, row] = np.nan
