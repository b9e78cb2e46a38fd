"""Running optimizers on a surface: one vectorised loop for a single run, a race and a sweep.

Every configuration is a row of one ``(N, dim)`` array. All rows share one gradient evaluation per
step; each optimizer updates its own block of rows. A single run is a batch of one, so a sweep, a
race and a lone run take the same arithmetic and agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._minibatch import MiniBatches, batch_size_for
from ._rows import Group, gradient, oracle_for
from ._spec import Optimizer
from ._trajectory import Trajectory, internals

__all__ = ["DIVERGENCE_LIMIT", "Trajectory", "gradient", "internals", "race", "run"]

#: A position with a coordinate beyond this (or not finite) counts as diverged.
DIVERGENCE_LIMIT = 1e6


def _as_start(start: Any, dim: int) -> np.ndarray:
    arr = np.array(start, dtype=np.float64)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.shape[-1] != dim or arr.ndim > 2:
        raise ValueError(f"start must have {dim} coordinate(s) (shape ({dim},) or (n, {dim})), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"start must be finite, got {start!r}")
    return arr


def _per_row(name: str, value: Any, kind: type) -> Any:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return kind(arr)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a 1-D array, got shape {arr.shape}")
    return arr.astype(np.float64 if kind is float else np.int64)


#: Steps between divergence checks; a row found bad is dropped from the working arrays.
_CHUNK = 32



def race(
    opts: Sequence[Optimizer],
    surface: Any,
    start: Any,
    steps: int = 300,
    noise: Any = 0.0,
    seed: Any = 0,
    record_state: bool = True,
    lr_factors: Sequence[Any] | None = None,
    record_path: bool = True,
    observe: Any = None,
    batch_size: int | None = None,
) -> list[Trajectory]:
    """Run several optimizers from the same start, in lockstep, on one clock.

    Each result equals :func:`run` of that optimizer alone (the rows never interact). ``noise`` is
    the standard deviation of Gaussian noise added to every gradient, drawn from ``seed``: every
    optimizer sees the same noise sequence, so a race compares rules, not luck.

    ``lr_factors`` (one per optimizer, each ``None`` or a length-``steps`` array) schedules the
    learning rate: step ``t`` runs the same rule with ``lr · factor[t-1]``.

    For sweeps of thousands of configurations, ``record_path=False`` keeps memory flat: ``path``
    and ``loss`` then hold only two rows, the start and the last good position, and ``grads`` and
    ``state`` are empty. ``observe(t, positions, rows)`` is called with each block of positions
    (steps ``t, t+1, …``; ``positions`` is ``(steps_in_block, rows, dim)``, ``rows`` the global row
    numbers still running) so a caller can track its own per-step measure.

    On a data surface, ``batch_size=k`` takes each step's gradient over a mini-batch of k points
    (see :class:`MiniBatches`), drawn from ``seed`` like the noise: with one seed every optimizer
    sees the same batches. ``None`` uses every point, the full gradient. On an online objective
    (``surface.time_dependent``) step t uses the gradient of the step's loss; a surface with a
    ``feasible`` box has every position projected onto it after each step.
    """
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
    steps = int(steps)
    dim = surface.dim
    x0 = _as_start(start, dim)
    sigma = _per_row("noise", noise, float)
    seeds = _per_row("seed", seed, int)
    if np.any(np.asarray(sigma) < 0) or not np.all(np.isfinite(sigma)):
        raise ValueError(f"noise must be a finite standard deviation ≥ 0, got {noise!r}")
    k = batch_size_for(surface, batch_size)
    box = getattr(surface, "feasible", None)

    # How many rows each optimizer gets: its own batch, the starts' batch, or the noise's.
    wanted = {x0.shape[0]} if x0.ndim == 2 else set()
    for value in (sigma, seeds):
        if isinstance(value, np.ndarray):
            wanted.add(value.size)
    sizes = []
    for opt in opts:
        n_opt = set(wanted)
        if opt.batch is not None:
            n_opt.add(opt.batch)
        if len(n_opt) > 1:
            raise ValueError(f"batch sizes disagree: {sorted(n_opt)} (start, noise, seed and hyperparameters)")
        sizes.append(n_opt.pop() if n_opt else None)
    batched = [n is not None for n in sizes]
    sizes = [n or 1 for n in sizes]
    offsets = np.cumsum([0, *sizes])
    total = int(offsets[-1])
    if total == 0:
        return []

    x = np.empty((total, dim))
    if x0.ndim == 2:
        for off, n in zip(offsets[:-1], sizes, strict=True):
            x[off : off + n] = x0
    else:
        x[:] = x0

    def per_group(values: Any) -> Any:
        """A per-row array of length n, repeated for every optimizer's block, as a column."""
        if not isinstance(values, np.ndarray):
            return values
        return np.concatenate([values] * len(opts))[:, None]

    sigma_rows = per_group(sigma)
    with_noise = bool(np.any(np.asarray(sigma) > 0))
    draws = None
    if with_noise:
        if isinstance(seeds, np.ndarray):
            per_seed = [np.random.default_rng(int(s)).standard_normal((steps, dim)) for s in seeds]
            draws = np.concatenate([np.stack(per_seed, axis=1)] * len(opts), axis=1)
        else:
            draws = np.random.default_rng(seeds).standard_normal((steps, 1, dim))
    batches = None if k is None else MiniBatches(len(surface.data.y), k, seeds)
    # Which seed's batches each working row takes (None: one seed, shared by every row).
    batch_rows = np.concatenate([np.arange(seeds.size)] * len(opts)) if k and isinstance(seeds, np.ndarray) else None

    record_state = record_state and record_path
    factors = list(lr_factors) if lr_factors is not None else [None] * len(opts)
    if len(factors) != len(opts):
        raise ValueError(f"lr_factors needs one entry per optimizer ({len(opts)}), got {len(factors)}")
    groups = []
    for opt, off, n, fac in zip(opts, offsets[:-1], sizes, factors, strict=True):
        if fac is not None:
            fac = np.asarray(fac, dtype=np.float64)
            if fac.shape != (steps,) or not np.all(np.isfinite(fac)) or np.any(fac < 0):
                raise ValueError(f"lr_factors must be {steps} finite factors ≥ 0, got shape {fac.shape}")
        hp = opt.row_hyper(n)
        groups.append(
            Group(opt, n, hp, opt.spec.init(x[off : off + n], hp), slice(int(off), int(off + n)), fac)
        )

    if record_path:
        path = np.full((steps + 1, total, dim), np.nan)
        grads = np.full((steps, total, dim), np.nan)
        path[0] = x
    last_good = x.copy()
    diverged = np.full(total, -1, dtype=np.int64)
    live = np.arange(total)  # global row numbers still running
    keep = np.abs(x).max(axis=1) <= DIVERGENCE_LIMIT
    diverged[~keep] = 0
    if observe is not None:
        observe(0, x[None], live)

    with np.errstate(all="ignore"):
        t = 1
        while t <= steps:
            if not keep.all():
                x, live = x[keep], live[keep]
                if isinstance(sigma_rows, np.ndarray):
                    sigma_rows = sigma_rows[keep]
                if draws is not None and draws.shape[1] > 1:
                    draws = draws[:, keep]
                if batch_rows is not None:
                    batch_rows = batch_rows[keep]
                offset = 0
                for grp in groups:
                    offset = grp.compact(keep, offset)
            if x.shape[0] == 0:
                break
            stop = min(steps, t + _CHUNK - 1)
            xs, gs = [], []
            for grp in groups:
                grp.begin(t, x)
            pointed = [grp for grp in groups if grp.grad_point is not None]
            for tt in range(t, stop + 1):
                idx = None
                if batches is not None:
                    idx = batches.at(tt)
                    if batch_rows is not None:
                        idx = idx[batch_rows]
                shake = sigma_rows * draws[tt - 1] if with_noise else None
                at = x
                if pointed:  # rules that take their gradient elsewhere than at x
                    at = x.copy()
                    for grp in pointed:
                        at[grp.slice] = grp.grad_point(grp.state, grp.x, grp.hp)
                g = gradient(surface, at, tt, idx, shake)
                for grp in groups:
                    if grp.lr_factors is not None:
                        grp.hp["lr"] = grp.base_lr * grp.lr_factors[tt - 1]
                    if grp.uses_oracle:
                        oracle = oracle_for(surface, tt, idx, shake, grp.slice)
                        delta, grp.state = grp.update(g[grp.slice], grp.state, grp.x, tt, grp.hp, oracle=oracle)
                        grp.evals.append(1 + oracle.extra_grads)
                    else:
                        delta, grp.state = grp.update(g[grp.slice], grp.state, grp.x, tt, grp.hp)
                    grp.x += delta
                    if box is not None:
                        np.clip(grp.x, box[:, 0], box[:, 1], out=grp.x)
                    if record_state:
                        grp.trail.append(grp.state)
                xs.append(x.copy())
                gs.append(g)
            chunk = np.stack(xs)
            # A row diverges at the first step whose position leaves the finite region; it is
            # dropped from the working arrays before the next chunk.
            bad = ~(np.abs(chunk) <= DIVERGENCE_LIMIT).all(axis=2)
            keep = ~bad.any(axis=0)
            first = bad.argmax(axis=0)
            gone = np.flatnonzero(~keep)
            diverged[live[gone]] = t + first[gone]
            last_good[live[keep]] = chunk[-1, keep]
            moved = gone[first[gone] > 0]
            last_good[live[moved]] = chunk[first[moved] - 1, moved]
            if record_path:
                if len(live) == total:
                    path[t : stop + 1] = chunk
                    grads[t - 1 : stop] = gs
                else:
                    path[t : stop + 1, live] = chunk
                    grads[t - 1 : stop, live] = gs
            if observe is not None:
                observe(t, chunk, live)
            t = stop + 1

        if record_path:
            for row in np.flatnonzero(diverged >= 0):
                d = diverged[row]
                path[d:, row] = np.nan
                grads[max(d - 1, 0) :, row] = np.nan
        else:
            # Only where each run started and where it ended (its last good position).
            path = np.stack([path0 := np.empty_like(last_good), last_good])
            path0[:] = x0 if x0.ndim == 1 else np.concatenate([x0] * len(opts))
            path[1, diverged == 0] = np.nan
            grads = np.empty((0, total, dim))
        loss = surface.value(path)

    records = [
        grp.records(steps, dim, diverged[off : off + grp.n]) if record_state and record_path else {}
        for grp, off in zip(groups, offsets[:-1], strict=True)
    ]
    results = []
    for grp, opt, off, n, rec, is_batched in zip(groups, opts, offsets[:-1], sizes, records, batched, strict=True):
        sl = slice(int(off), int(off + n))
        div = diverged[sl]
        evals = np.ones(steps, dtype=np.int64)
        evals[: len(grp.evals)] = grp.evals
        if is_batched:
            results.append(Trajectory(opt, path[:, sl], loss[:, sl], grads[:, sl], rec, div.copy(),
                                      steps, sigma, seeds, grad_evals=evals))
            continue
        d = int(div[0])
        end = steps + 1 if d < 0 else d
        if not record_path:
            end = 2 if d != 0 else 0
        results.append(
            Trajectory(
                opt,
                path[:end, sl.start],
                loss[:end, sl.start],
                grads[: max(end - 1, 0), sl.start],
                {name: arr[: max(end - 1, 0), 0] for name, arr in rec.items()},
                None if d < 0 else d,
                steps,
                sigma,
                seeds,
                grad_evals=evals[: steps if d < 0 else max(d - 1, 0)],
            )
        )
    return results


def run(
    opt: Optimizer,
    surface: Any,
    start: Any = None,
    steps: int = 300,
    noise: Any = 0.0,
    seed: Any = 0,
    record_state: bool = True,
    lr_factors: Any = None,
    record_path: bool = True,
    observe: Any = None,
    batch_size: int | None = None,
) -> Trajectory:
    """Run one optimizer (or one batch of configurations) on ``surface`` from ``start``.

    ``start`` defaults to the surface's ``default_start``; it may be ``(n, dim)`` for a batch, and
    any hyperparameter of ``opt`` may be a length-n array. ``noise > 0`` adds seeded Gaussian noise
    of that standard deviation to every gradient (same seed, same path). On a data surface
    ``batch_size=k`` takes each gradient over a mini-batch of k points drawn from ``seed``.
    """
    if start is None:
        start = surface.default_start
    return race(
        [opt], surface, start, steps=steps, noise=noise, seed=seed, record_state=record_state,
        lr_factors=None if lr_factors is None else [lr_factors], record_path=record_path, observe=observe,
        batch_size=batch_size,
    )[0]
