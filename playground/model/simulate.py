"""Run an experiment on the core. Pure: the same experiment always gives the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import optimizers
import surfaces
from playground.model import schedules
from playground.model.experiment import Experiment


@dataclass(frozen=True)
class Simulation:
    """An experiment's results: one trajectory per entry, in entry order.

    ``spread`` holds, per entry, a batched trajectory over ``seeds`` seeds (``seed``, ``seed+1``, …)
    of the noise and the mini-batches when the experiment asks for more than one; otherwise None.
    """

    experiment: Experiment
    surface: surfaces.Surface
    start: tuple[float, ...]
    labels: list[str]
    colors: list[str]
    trajectories: list[optimizers.Trajectory]
    spread: list[optimizers.Trajectory] | None = None
    lr: list[np.ndarray] | None = None  # the learning rate used at each step, per entry
    batches: tuple[int | None, ...] = ()  # per entry, its mini-batch size (None: every point)

    def mini_batched(self, i: int) -> bool:
        """Whether entry ``i``'s steps used fewer points than the surface has."""
        size = self.batches[i] if i < len(self.batches) else None
        return size is not None and self.surface.data is not None and size < len(self.surface.data.y)


def _race(exp: Experiment, surface: surfaces.Surface, start, opts, facs, batches, seed, record_state: bool):
    """One vectorised pass of the core per distinct mini-batch size, back in entry order."""
    out: list = [None] * len(opts)
    for size in dict.fromkeys(batches):
        rows = [i for i, b in enumerate(batches) if b == size]
        got = optimizers.race([opts[i] for i in rows], surface, start, steps=exp.steps, noise=exp.noise, seed=seed,
                              record_state=record_state, lr_factors=[facs[i] for i in rows], batch_size=size)
        for i, tr in zip(rows, got, strict=True):
            out[i] = tr
    return out


def simulate(exp: Experiment) -> Simulation:
    surface = exp.build_surface()
    start = exp.start_point(surface)
    opts = [exp.resolve(e) for e in exp.entries]
    facs = [schedules.factors(e.schedule, exp.steps) for e in exp.entries]
    batches = [exp.batch_for(e, surface) for e in exp.entries]
    trajectories = _race(exp, surface, start, opts, facs, batches, exp.seed, True)
    spread = None
    if exp.seeds > 1 and (exp.noise > 0 or any(b is not None for b in batches)) and opts:
        seeds = exp.seed + np.arange(exp.seeds)
        spread = _race(exp, surface, start, opts, facs, batches, seeds, False)
    lr = [
        np.full(exp.steps, float(o.hyper["lr"])) if f is None else float(o.hyper["lr"]) * f
        for o, f in zip(opts, facs, strict=True)
    ]
    return Simulation(exp, surface, start, exp.labels(), exp.colors(), trajectories, spread, lr, tuple(batches))
