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
    """One optimizer's block of rows inside the shared working array, and what it recorded.

    With ``steps`` given, every state field is recorded after every step into ``record`` (``(steps,
    n, *field's shape)``, allocated once, NaN until written): the runner writes each step's state
    into ``sinks`` as it goes, so no step's state is kept alive to be gathered at the end.
    """

    def __init__(
        self, opt: Optimizer, n: int, hp: dict[str, Any], state: Any, sl: slice, lr_factors: np.ndarray | None,
        steps: int | None = None,
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
        fields = zip(state._fields, state, strict=True)
        self.record = None if steps is None else {
            name: np.full((steps, n, *np.shape(value)[1:]), np.nan) for name, value in fields
        }
        self.sinks: list[np.ndarray] = []  # per field, where this chunk's steps go: [step in chunk] = value
        self._scatter: tuple[int, np.ndarray] | None = None

    def begin(self, t: int, x: np.ndarray, count: int) -> None:
        """Start a chunk of ``count`` steps from step ``t`` on the working array ``x``."""
        # This block's rows of the working array, as a view: updated in place, sliced once per chunk.
        self.x = x[self.slice]
        if self.record is None:
            return
        if self.rows.size == self.n:  # every row running: write straight into the record
            self.sinks = [arr[t - 1 : t - 1 + count] for arr in self.record.values()]
        else:  # rows left: write into the chunk's own arrays, then into the rows still running
            self.sinks = [np.empty((count, self.rows.size, *arr.shape[2:])) for arr in self.record.values()]
            self._scatter = (t, self.rows)

    def end(self) -> None:
        """Finish the chunk: the states of rows still running into their rows of the record."""
        if self._scatter is not None:
            t, rows = self._scatter
            for arr, sink in zip(self.record.values(), self.sinks, strict=True):
                arr[t - 1 : t - 1 + len(sink), rows] = sink
            self._scatter = None

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

    def records(self, diverged: np.ndarray) -> dict[str, np.ndarray]:
        """Each state field after every step, ``(steps, n, *field's shape)``, NaN from the step
        before a row's divergence on (where its recorded path ends)."""
        out = self.record or {}
        for row in np.flatnonzero(diverged >= 0):
            for arr in out.values():
                arr[max(diverged[row] - 1, 0) :, row] = np.nan
        return out
