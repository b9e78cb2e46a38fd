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


def batch_size(exp: Experiment, surface: surfaces.Surface) -> int | None:
    """The mini-batch size the race runs with: None (every point) off a data surface or when the
    experiment asks for all of them; never more than the surface's points."""
    if surface.data is None or exp.batch_size <= 0:
        return None
    return min(exp.batch_size, len(surface.data.y))


def simulate(exp: Experiment) -> Simulation:
    surface = exp.build_surface()
    start = exp.start_point(surface)
    opts = [exp.resolve(e) for e in exp.entries]
    facs = [schedules.factors(e.schedule, exp.steps) for e in exp.entries]
    batch = batch_size(exp, surface)
    trajectories = optimizers.race(opts, surface, start, steps=exp.steps, noise=exp.noise, seed=exp.seed,
                                   lr_factors=facs, batch_size=batch)
    spread = None
    if exp.seeds > 1 and (exp.noise > 0 or batch is not None) and opts:
        seeds = exp.seed + np.arange(exp.seeds)
        spread = optimizers.race(opts, surface, start, steps=exp.steps, noise=exp.noise, seed=seeds,
                                 record_state=False, lr_factors=facs, batch_size=batch)
    lr = [
        np.full(exp.steps, float(o.hyper["lr"])) if f is None else float(o.hyper["lr"]) * f
        for o, f in zip(opts, facs, strict=True)
    ]
    return Simulation(exp, surface, start, exp.labels(), exp.colors(), trajectories, spread, lr)
