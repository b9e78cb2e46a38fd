"""One optimizer's block of rows inside the runner's shared working array, and the gradients the
rules see: every gradient the runner evaluates goes through :func:`gradient`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._spec import Optimizer, Oracle


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


def oracle_for(surface: Any, t: int, idx: np.ndarray | None, noise: np.ndarray | None, sl: slice) -> Oracle:
    """The oracle a rule's block of rows ``sl`` gets at step ``t``: its extra gradients see the
    step's own mini-batch and noise, through :func:`gradient` like every other evaluation."""

    def rows(a: np.ndarray | None) -> np.ndarray | None:
        return a if a is None or a.shape[0] == 1 else a[sl]

    return Oracle(lambda points: gradient(surface, points, t, rows(idx), rows(noise)), surface.hessian)


class Group:
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
