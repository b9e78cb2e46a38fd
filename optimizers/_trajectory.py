"""What a run records, and the per-step internals read off it afterwards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._spec import Optimizer


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
