"""Running optimizers on a surface: one vectorised loop for a single run, a race and a sweep.

Every configuration is a row of one ``(N, dim)`` array. All rows share one gradient evaluation per
step; each optimizer updates its own block of rows. A single run is a batch of one, so a sweep, a
race and a lone run take the same arithmetic and agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._lockstep import DIVERGENCE_LIMIT, Recorded, Setting, Working, blank_after_divergence, run_chunks
from ._minibatch import MiniBatches, batch_size_for
from ._rows import Group, gradient
from ._spec import Optimizer
from ._trajectory import Trajectory, internals

__all__ = ["DIVERGENCE_LIMIT", "Trajectory", "gradient", "internals", "race", "run"]

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


def _check_steps(steps: Any) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
    return int(steps)


def _check_noise(noise: Any, seed: Any) -> tuple[Any, Any]:
    """The noise's standard deviation and the seed, each a scalar or a 1-D array (one per row)."""
    sigma = _per_row("noise", noise, float)
    seeds = _per_row("seed", seed, int)
    if np.any(np.asarray(sigma) < 0) or not np.all(np.isfinite(sigma)):
        raise ValueError(f"noise must be a finite standard deviation ≥ 0, got {noise!r}")
    return sigma, seeds


def _rows_per_optimizer(opts: Sequence[Optimizer], x0: np.ndarray, sigma: Any,
                        seeds: Any) -> tuple[list[int], list[bool]]:
    """How many rows each optimizer gets, and whether its trajectory keeps a batch axis.

    An optimizer's rows are its own batch of hyperparameters, the batch of starts, or that of the
    noise levels or seeds; whichever of these are batches must agree. With none, it runs one row and
    its trajectory has no batch axis.
    """
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
    return [n or 1 for n in sizes], [n is not None for n in sizes]


def _first_positions(x0: np.ndarray, sizes: list[int]) -> np.ndarray:
    """The working array at step 0, ``(rows, dim)``: one start for every row, or the batch of starts
    repeated in each optimizer's block."""
    x = np.empty((sum(sizes), x0.shape[-1]))
    if x0.ndim == 1:
        x[:] = x0
        return x
    offset = 0
    for n in sizes:
        x[offset : offset + n] = x0
        offset += n
    return x


def _noise_rows(sigma: Any, seeds: Any, steps: int, dim: int, copies: int) -> tuple[Any, np.ndarray | None]:
    """Each row's noise level (a float, or a ``(rows, 1)`` column) and the standard normal draws,
    ``(steps, 1 or rows, dim)``, or None without noise.

    One seed draws one sequence that every row shares, so a race compares rules, not luck. An array
    of seeds draws one sequence per seed; each optimizer's block (``copies`` of them) repeats them,
    so row i of every block sees seed i's noise, as in its run alone.
    """
    if isinstance(sigma, np.ndarray):
        sigma = np.concatenate([sigma] * copies)[:, None]
    if not np.any(np.asarray(sigma) > 0):
        return sigma, None
    if not isinstance(seeds, np.ndarray):
        return sigma, np.random.default_rng(seeds).standard_normal((steps, 1, dim))
    per_seed = [np.random.default_rng(int(s)).standard_normal((steps, dim)) for s in seeds]
    return sigma, np.concatenate([np.stack(per_seed, axis=1)] * copies, axis=1)


def _groups(opts: Sequence[Optimizer], x: np.ndarray, sizes: list[int], lr_factors: Sequence[Any] | None,
            steps: int, record_state: bool) -> list[Group]:
    """Each optimizer's block of rows: its hyperparameters per row, its initial state at its starts,
    its learning-rate factors (checked: one per step, finite, ≥ 0) and, with ``record_state``, the
    arrays its states will be recorded in."""
    factors = list(lr_factors) if lr_factors is not None else [None] * len(opts)
    if len(factors) != len(opts):
        raise ValueError(f"lr_factors needs one entry per optimizer ({len(opts)}), got {len(factors)}")
    groups, offset = [], 0
    for opt, n, fac in zip(opts, sizes, factors, strict=True):
        if fac is not None:
            fac = np.asarray(fac, dtype=np.float64)
            if fac.shape != (steps,) or not np.all(np.isfinite(fac)) or np.any(fac < 0):
                raise ValueError(f"lr_factors must be {steps} finite factors ≥ 0, got shape {fac.shape}")
        hp = opt.row_hyper(n)
        groups.append(Group(opt, n, hp, opt.spec.init(x[offset : offset + n], hp), slice(offset, offset + n), fac,
                            steps if record_state else None))
        offset += n
    return groups


def _recorded(x: np.ndarray, steps: int, record_path: bool) -> Recorded:
    """Where the race writes what it keeps: NaN until written, so a row that stops early reads NaN."""
    path = grads = None
    if record_path:
        path = np.full((steps + 1, *x.shape), np.nan)
        grads = np.full((steps, *x.shape), np.nan)
        path[0] = x
    return Recorded(path, grads, np.full(len(x), -1, dtype=np.int64), x.copy())


def _start_and_end(rec: Recorded, x0: np.ndarray, copies: int) -> None:
    """Without recorded paths, keep two rows: each run's start and its last good position (NaN for
    a run that diverged at its start)."""
    ends = rec.last_good
    rec.path = np.stack([np.empty_like(ends), ends])
    rec.path[0] = x0 if x0.ndim == 1 else np.concatenate([x0] * copies)
    rec.path[1, rec.diverged == 0] = np.nan
    rec.grads = np.empty((0, *ends.shape))


def _trajectory(opt: Optimizer, grp: Group, rows: slice, batched: bool, rec: Recorded, loss: np.ndarray,
                states: dict[str, np.ndarray], steps: int, noise: Any, seed: Any, every_step: bool) -> Trajectory:
    """One optimizer's trajectory cut from the race's arrays: its block ``rows`` with the batch
    axis, or its one row without it, ending at its last good position."""
    div = rec.diverged[rows]
    evals = np.ones(steps, dtype=np.int64)
    evals[: len(grp.evals)] = grp.evals
    if batched:
        return Trajectory(opt, rec.path[:, rows], loss[:, rows], rec.grads[:, rows], states, div.copy(),
                          steps, noise, seed, grad_evals=evals)
    d = int(div[0])
    end = steps + 1 if d < 0 else d
    if not every_step:  # paths not recorded: the start and the end only
        end = 2 if d != 0 else 0
    row, done = rows.start, max(end - 1, 0)
    return Trajectory(opt, rec.path[:end, row], loss[:end, row], rec.grads[:done, row],
                      {name: arr[:done, 0] for name, arr in states.items()}, None if d < 0 else d, steps,
                      noise, seed, grad_evals=evals[: steps if d < 0 else done])


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
    steps = _check_steps(steps)
    x0 = _as_start(start, surface.dim)
    sigma, seeds = _check_noise(noise, seed)
    k = batch_size_for(surface, batch_size)
    sizes, batched = _rows_per_optimizer(opts, x0, sigma, seeds)
    if not sizes:
        return []
    x = _first_positions(x0, sizes)
    sigma_rows, draws = _noise_rows(sigma, seeds, steps, surface.dim, len(opts))
    batches = None if k is None else MiniBatches(len(surface.data.y), k, seeds)
    # Which seed's batches each row takes (None: one seed, shared by every row).
    batch_rows = np.concatenate([np.arange(seeds.size)] * len(opts)) if k and isinstance(seeds, np.ndarray) else None
    record_state = record_state and record_path
    groups = _groups(opts, x, sizes, lr_factors, steps, record_state)
    setting = Setting(surface, getattr(surface, "feasible", None), batches, draws is not None, record_state)
    rec = _recorded(x, steps, record_path)
    with np.errstate(all="ignore"):
        run_chunks(setting, Working(x, np.arange(len(x)), sigma_rows, draws, batch_rows), groups, rec, steps, observe)
        if record_path:
            blank_after_divergence(rec)
        else:
            _start_and_end(rec, x0, len(opts))
        loss = surface.value(rec.path)
    offsets = np.cumsum([0, *sizes[:-1]]).tolist()
    return [
        _trajectory(opt, grp, slice(off, off + grp.n), is_batched, rec, loss,
                    grp.records(rec.diverged[off : off + grp.n]), steps, sigma, seeds,
                    record_path)
        for opt, grp, off, is_batched in zip(opts, groups, offsets, batched, strict=True)
    ]


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
