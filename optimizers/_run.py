"""Running optimizers on a surface: one vectorised loop for a single run, a race and a sweep.

Every configuration is a row of one ``(N, dim)`` array. All rows share one gradient evaluation per
step; each optimizer updates its own block of rows. A single run is a batch of one, so a sweep, a
race and a lone run take the same arithmetic and agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._minibatch import MiniBatches, batch_size_for
from ._spec import Optimizer, Oracle

#: A position with a coordinate beyond this (or not finite) counts as diverged.
DIVERGENCE_LIMIT = 1e6


@dataclass(frozen=True)
class Trajectory:
    """What a run recorded.

    For one configuration: ``path`` is ``(k+1, dim)`` with ``path[0]`` the start, ``loss`` ``(k+1,)``,
    ``grads`` ``(k, dim)`` (the gradient, noise included, used at each step), ``state`` maps each
    state field to ``(k, dim)`` (its value after each step) and ``diverged_at`` is ``None`` or the
    first step whose position left the finite region; the path then stops at the last good position.

    Batched: the arrays gain a batch axis after the step axis (``path`` is ``(steps+1, n, dim)``),
    rows are NaN from their divergence on, and ``diverged_at`` is an int array, -1 for never.

    ``grad_evals`` counts the gradient evaluations of each step (``(k,)``, or ``(steps,)`` batched):
    1 for most rules, 2 for SAM; its running sum is the clock that compares them fairly.
    """

    optimizer: Optimizer
    path: np.ndarray
    loss: np.ndarray
    grads: np.ndarray
    state: Mapping[str, np.ndarray]
    diverged_at: int | np.ndarray | None
    steps: int
    noise: float | np.ndarray = 0.0
    seed: int | np.ndarray = 0
    extras: Mapping[str, Any] = field(default_factory=dict)
    grad_evals: np.ndarray | None = None

    @property
    def batched(self) -> bool:
        return self.path.ndim == 3

    @property
    def final(self) -> np.ndarray:
        """The last good position (``(dim,)``, or ``(n, dim)`` when batched)."""
        if not self.batched:
            return self.path[-1]
        last = np.where(self.diverged_at < 0, self.steps, self.diverged_at - 1)
        last = np.maximum(last, 0)
        return self.path[last, np.arange(self.path.shape[1])]


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


def gradient(surface: Any, x: np.ndarray, t: int, idx: np.ndarray | None = None,
             noise: np.ndarray | None = None) -> np.ndarray:
    """The gradient a rule sees at positions ``x`` (``(rows, dim)``) at step ``t``: every gradient
    the runner evaluates goes through here, so mini-batches, online objectives and noise reach
    every rule the same way.

    ``idx`` (``(rows or 1, k)``) picks the step's mini-batch of data points; an online objective
    gives the step's own loss; ``noise`` (``(rows or 1, dim)``) is added as it is.
    """
    if idx is not None:
        g = surface.batch_grad(x, idx)
    elif getattr(surface, "time_dependent", False):
        g = surface.grad(x, t)
    else:
        g = surface.grad(x)
    return g if noise is None else g + noise


def _oracle(surface: Any, t: int, idx: np.ndarray | None, noise: np.ndarray | None, sl: slice) -> Oracle:
    """The oracle a rule's block of rows ``sl`` gets at step ``t``: its extra gradients see the
    step's own mini-batch and noise, through :func:`gradient` like every other evaluation."""

    def rows(a: np.ndarray | None) -> np.ndarray | None:
        return a if a is None or a.shape[0] == 1 else a[sl]

    return Oracle(lambda points: gradient(surface, points, t, rows(idx), rows(noise)), surface.hessian)


class _Group:
    """One optimizer's block of rows inside the shared working array, and what it recorded."""

    def __init__(
        self, opt: Optimizer, n: int, hp: dict[str, Any], state: Any, sl: slice, lr_factors: np.ndarray | None
    ) -> None:
        self.update = opt.spec.update
        self.grad_point = opt.spec.grad_point
        self.uses_oracle = opt.spec.uses_oracle
        self.evals: list[int] = []  # gradient evaluations per step, for rules that ask for more
        self.lr_factors = lr_factors
        self.base_lr = hp["lr"]
        self.n = n
        self.hp = hp
        self.state = state
        self.slice = sl
        self.rows = np.arange(n)  # local row numbers still running
        self.x = np.empty((0, 0))
        self.trail: list[Any] = []
        self.segments: list[tuple[int, np.ndarray, list[Any]]] = []

    def begin(self, t: int, x: np.ndarray) -> None:
        self.trail = []
        self.segments.append((t, self.rows, self.trail))
        # This block's rows of the working array, as a view: updated in place, sliced once per chunk.
        self.x = x[self.slice]

    def compact(self, keep: np.ndarray, offset: int) -> int:
        mine = keep[self.slice]
        self.rows = self.rows[mine]
        self.state = type(self.state)(*(f[mine] for f in self.state))
        self.hp = {k: (v[mine] if isinstance(v, np.ndarray) else v) for k, v in self.hp.items()}
        if isinstance(self.base_lr, np.ndarray):
            self.base_lr = self.base_lr[mine]
        count = int(mine.sum())
        self.slice = slice(offset, offset + count)
        return offset + count

    def records(self, steps: int, dim: int, diverged: np.ndarray) -> dict[str, np.ndarray]:
        fields = self.state._fields
        tails = {name: getattr(self.state, name).shape[1:] for name in fields}
        out = {name: np.full((steps, self.n, *tails[name]), np.nan) for name in fields}
        segments = [(t, rows, trail) for t, rows, trail in self.segments if trail and rows.size]
        if segments and all(rows.size == self.n for _, rows, _ in segments):
            # No row left early: the trails fill steps 1, 2, … in order, so each field is one block
            # (one concatenation instead of one conversion per chunk).
            done = sum(len(trail) for _, _, trail in segments)
            blocks = {}
            for i, name in enumerate(fields):
                try:
                    block = np.concatenate([s[i] for _, _, trail in segments for s in trail], axis=0)
                except ValueError:
                    break
                if block.shape != (done * self.n, *tails[name]):
                    break
                blocks[name] = block.reshape(done, self.n, *tails[name])
            else:
                for name, block in blocks.items():
                    out[name][:done] = block
                segments = []
        for t, rows, trail in segments:
            for i, name in enumerate(fields):
                out[name][t - 1 : t - 1 + len(trail), rows] = [s[i] for s in trail]
        for row in np.flatnonzero(diverged >= 0):
            for arr in out.values():
                arr[max(diverged[row] - 1, 0) :, row] = np.nan
        return out


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
            _Group(opt, n, hp, opt.spec.init(x[off : off + n], hp), slice(int(off), int(off + n)), fac)
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
                        oracle = _oracle(surface, tt, idx, shake, grp.slice)
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


def internals(tr: Trajectory) -> dict[str, np.ndarray]:
    """Everything an optimizer keeps over a run, per step: the gradient, its raw state and, where
    the rule has them, derived quantities such as bias-corrected moments.

    Arrays are ``(k, dim)`` (or ``(k, n, dim)`` batched); ``step`` is the change each step made.
    """
    out = {"grad": tr.grads, **tr.state}
    k = tr.grads.shape[0]
    out["step"] = np.diff(tr.path, axis=0)[:k]
    spec = tr.optimizer.spec
    if spec.derived is not None and tr.state:
        t = np.arange(1, k + 1, dtype=np.float64)
        if tr.batched:
            n = tr.path.shape[1]
            hp = tr.optimizer.row_hyper(n)
            hp = {name: (v.reshape(1, n, 1) if isinstance(v, np.ndarray) else v) for name, v in hp.items()}
            t = t.reshape(k, 1, 1)
        else:
            hp = dict(tr.optimizer.hyper)
            t = t.reshape(k, 1)
        with np.errstate(all="ignore"):
            out.update(spec.derived(tr.state, t, hp))
    return out
