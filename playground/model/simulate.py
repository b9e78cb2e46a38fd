"""Run an experiment on the core. Pure: the same experiment always gives the same numbers, and so
does any experiment with the same :meth:`~playground.model.experiment.Experiment.race_key`."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

import optimizers
import surfaces
from playground.model import schedules
from playground.model.experiment import Experiment, RaceKey


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

    def shown_as(self, exp: Experiment) -> Simulation:
        """These runs as ``exp`` shows them (its labels, colours, view, lesson and speed): for an
        experiment with the same race key, whose numbers these are."""
        return replace(self, experiment=exp, labels=exp.labels(), colors=exp.colors())

    def batch_sizes(self) -> list[int]:
        """The distinct mini-batch sizes the race's runs use, smallest first (empty: all use every point)."""
        return sorted({self.batches[i] for i in range(len(self.trajectories)) if self.mini_batched(i)})


class RunCache:
    """Finished runs, each under the key of its entry's race alone (:meth:`RaceKey.entry`), most
    recent last (at most ``size`` runs and ``budget`` bytes of arrays, so a busy server's memory
    stays bounded). A key with ``seeds`` = 1 holds the run of its seed, recording the optimizer's
    state; one with ``seeds`` = n the batched run over n seeds that draws the spread.

    A race's rows never interact (:func:`optimizers.race` gives each optimizer the run it would have
    alone), so a change to one entry leaves the other entries' runs as they were: a new learning
    rate reruns one optimizer, not eight. The arrays are made read-only, as they are shared.
    """

    def __init__(self, size: int = 256, budget: int = 256 * 2**20) -> None:
        self.size, self.budget = size, budget
        self._runs: OrderedDict[RaceKey, optimizers.Trajectory] = OrderedDict()
        self._bytes: dict[RaceKey, int] = {}
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(self._bytes.values())

    def get(self, key: RaceKey) -> optimizers.Trajectory | None:
        with self._lock:
            found = self._runs.get(key)
            if found is not None:
                self._runs.move_to_end(key)
            return found

    def put(self, key: RaceKey, run: optimizers.Trajectory) -> None:
        arrays = (run.path, run.loss, run.grads, *run.state.values())
        for array in arrays:
            array.flags.writeable = False
        with self._lock:
            self._runs[key] = run
            self._bytes[key] = sum(a.nbytes for a in arrays)
            self._runs.move_to_end(key)
            while len(self._runs) > 1 and (len(self._runs) > self.size or sum(self._bytes.values()) > self.budget):
                old, _ = self._runs.popitem(last=False)
                del self._bytes[old]

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()
            self._bytes.clear()


RUNS = RunCache()


def _race(key: RaceKey, surface: surfaces.Surface, opts: list, facs: list) -> list:
    """The runs of ``key``'s entries, in entry order, over its ``seeds`` seeds (one: the runs drawn,
    with their state; more: the spread): those not run before in one vectorised pass of the core
    per distinct mini-batch size, the others from :data:`RUNS`."""
    keys = [key.entry(i) for i in range(len(key.runs))]
    batches = [r.batch for r in key.runs]
    seed = key.seed if key.seeds == 1 else key.seed + np.arange(key.seeds)
    out: list = [RUNS.get(k) for k in keys]
    missing = [i for i, tr in enumerate(out) if tr is None]
    for size in dict.fromkeys(batches[i] for i in missing):
        rows = [i for i in missing if batches[i] == size]
        got = optimizers.race([opts[i] for i in rows], surface, key.start, steps=key.steps, noise=key.noise,
                              seed=seed, record_state=key.seeds == 1, lr_factors=[facs[i] for i in rows],
                              batch_size=size)
        for i, tr in zip(rows, got, strict=True):
            RUNS.put(keys[i], tr)
            out[i] = tr
    return out


def simulate(exp: Experiment) -> Simulation:
    """The race ``exp`` fixes, run from its :meth:`~Experiment.race_key` (each entry's
    hyperparameters resolved once)."""
    surface = exp.build_surface()
    key = exp.race_key(surface)
    opts = [r.make() for r in key.runs]
    facs = [schedules.factors(r.schedule, key.steps) for r in key.runs]
    trajectories = _race(replace(key, seeds=1), surface, opts, facs)
    spread = _race(key, surface, opts, facs) if key.seeds > 1 else None
    lr = [
        np.full(key.steps, float(o.hyper["lr"])) if f is None else float(o.hyper["lr"]) * f
        for o, f in zip(opts, facs, strict=True)
    ]
    return Simulation(exp, surface, key.start, exp.labels(), exp.colors(), trajectories, spread, lr,
                      tuple(r.batch for r in key.runs))
