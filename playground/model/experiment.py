"""One typed object describes an experiment; links, lessons, exports and the CLI all read and write it.

:class:`Experiment` is frozen and hashable. What fixes a race's numbers is one value,
:meth:`Experiment.race_key` (a :class:`RaceKey`): every cache of a race or of its runs keys on it (a
picture of the surface alone keys on :func:`surface_only`), never on a link. The link itself, the
query-string form of an experiment, is :mod:`playground.model.link`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

import optimizers
import surfaces
from playground.model import defaults, views

VIEWS = views.KEYS  # the views an experiment may name: the table is playground.model.views
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LABEL_MAX = 40


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule: the lr at step t is ``lr · factor(t)``; only the lr changes.

    ``kind``: constant, step (× ``gamma`` every ``every`` steps), exponential (× ``gamma`` per
    step), cosine (to 0 at the last step), inv_sqrt (1/√t). ``warmup`` steps ramp linearly up first.
    """

    kind: str = "constant"
    warmup: int = 0
    gamma: float = 0.5
    every: int = 100

    def is_default(self) -> bool:
        return self == Schedule()


@dataclass(frozen=True)
class Entry:
    """One optimizer in the race. ``hyper`` holds only the values set explicitly, as sorted pairs."""

    optimizer: str
    hyper: tuple[tuple[str, float | bool], ...] = ()
    label: str = ""
    color: str = ""
    schedule: Schedule = field(default_factory=Schedule)
    batch: int | None = None  # its own mini-batch size on a data surface (0: every point); None: the race's

    @property
    def hyper_dict(self) -> dict[str, float | bool]:
        return dict(self.hyper)

    def with_hyper(self, **values: Any) -> Entry:
        merged = {**self.hyper_dict, **values}
        return replace(self, hyper=tuple(sorted(merged.items())))

    def display_label(self) -> str:
        return self.label or optimizers.spec(self.optimizer).name


@dataclass(frozen=True)
class RunKey:
    """What fixes one entry's run, beside the race's setting: the optimizer with every hyperparameter
    resolved (the suggested lr, the spec's defaults), its schedule and the mini-batch size it runs
    with (None: every point)."""

    optimizer: str
    hyper: tuple[tuple[str, float | bool], ...]
    schedule: Schedule
    batch: int | None

    def make(self) -> optimizers.Optimizer:
        return optimizers.make(self.optimizer, **dict(self.hyper))


@dataclass(frozen=True)
class RaceKey:
    """Exactly what fixes a race's numbers: two experiments with equal keys race identically, and
    nothing about how a race is shown (view, presentation, speed, lesson, labels, colours) is in it.

    Everything is resolved: the surface's every parameter, its window, the start point, each run's
    hyperparameters (an lr written out equal to the suggested one and one left out give the same
    key). ``seed`` is 0 and ``seeds`` 1 where nothing is drawn from them (no noise, no mini-batches),
    and ``seeds`` is 1 where the race has no spread to draw. Numbers are plain Python floats, so
    ``repr`` (what the page's caches hash) is one string per key.
    """

    surface_key: str
    formula: str  # "" off the custom surface
    surface_params: tuple[tuple[str, float], ...]
    window: tuple[tuple[float, float], ...]
    start: tuple[float, ...]
    steps: int
    noise: float
    seed: int
    seeds: int
    runs: tuple[RunKey, ...]

    def entry(self, i: int) -> RaceKey:
        """The key of entry ``i``'s run alone: a race's runs never interact, so it is the key of a
        race of that entry by itself (what :mod:`playground.model.simulate` keeps finished runs under)."""
        return replace(self, runs=(self.runs[i],))


def _plain(value: Any) -> float | bool:
    return value if isinstance(value, bool) else float(value)


@functools.lru_cache(maxsize=1024)
def _suggested_lr(rule, version: int, surface_key: str, optimizer: str) -> float:
    """The suggestion ``rule`` gives, kept per (rule, table version, surface, optimizer): a page run
    asks for it several times per entry, and an optimizer the table does not know starts a batched
    race to work it out. The rule is part of the key because a tool or a test may swap
    :func:`defaults.default_lr` for another."""
    return rule(optimizer, surface_key)


@dataclass(frozen=True)
class Experiment:
    """Everything that determines a race and how it is shown."""

    surface_key: str = "rosenbrock"
    surface_params: tuple[tuple[str, float], ...] = ()
    formula: str = ""
    bounds: tuple[tuple[float, float], ...] = ()
    entries: tuple[Entry, ...] = ()
    start: tuple[float, ...] = ()
    steps: int = 300
    noise: float = 0.0
    seed: int = 0
    seeds: int = 1
    batch_size: int = 0  # points per gradient step on a data surface; 0 takes them all
    view: str = "race"
    lesson: str = ""
    present: bool = False
    speed: float = 1.0

    def build_surface(self) -> surfaces.Surface:
        if self.surface_key == "custom":
            bounds = [list(b) for b in self.bounds] or [[-3.0, 3.0], [-3.0, 3.0]]
            return surfaces.from_formula(self.formula, bounds=bounds, start=self.start or None)
        surface = surfaces.get(self.surface_key, **dict(self.surface_params))
        if self.bounds:
            # A view window (a lesson frames what it is about): the same surface, drawn over this box.
            window = np.array(self.bounds, dtype=np.float64)
            if window.shape != (surface.dim, 2) or not (window[:, 0] < window[:, 1]).all():
                raise ValueError(f"a window needs {surface.dim} pair(s) of low < high, got {self.bounds}")
            surface = replace(surface, bounds=window)
        return surface

    def start_point(self, surface: surfaces.Surface | None = None) -> tuple[float, ...]:
        surface = surface or self.build_surface()
        if len(self.start) == surface.dim:
            return self.start
        return surface.default_start

    def with_start(self, point: tuple[float, ...], surface: surfaces.Surface) -> Experiment:
        """The experiment starting at ``point``; the surface's own start is kept as none, so a link
        leaves it out."""
        point = tuple(point)
        return replace(self, start=() if point == tuple(surface.default_start) else point)

    def entry_defaults(self, optimizer: str) -> dict[str, float | bool]:
        """What an entry of ``optimizer`` with no settings of its own races with here: the optimizer's
        defaults and the suggested learning rate. An entry keeps as its own only values that differ."""
        return {**optimizers.spec(optimizer).defaults, "lr": self.suggested_lr(optimizer)}

    def suggested_lr(self, optimizer: str) -> float:
        """The learning rate an entry of ``optimizer`` without one of its own races with here: the
        current suggestion (a link means the rate of the table it names, see :mod:`playground.model.link`)."""
        return _suggested_lr(defaults.default_lr, defaults.CURRENT_LR_VERSION, self.surface_key, optimizer)

    def resolve(self, entry: Entry) -> optimizers.Optimizer:
        """The optimizer an entry stands for on this experiment's surface."""
        hyper = {"lr": self.suggested_lr(entry.optimizer), **entry.hyper_dict}
        return optimizers.make(entry.optimizer, **hyper)

    def batch_for(self, entry: Entry, surface: surfaces.Surface) -> int | None:
        """The mini-batch size ``entry`` runs with: None (every point, the exact gradient) off a data
        surface or where it asks for all of them; never more than the surface's points."""
        size = self.batch_size if entry.batch is None else entry.batch
        if surface.data is None or size <= 0:
            return None
        return min(size, len(surface.data.y))

    def race_key(self, surface: surfaces.Surface | None = None) -> RaceKey:
        """What fixes this race's numbers (see :class:`RaceKey`); ``surface`` is this experiment's,
        when already built. Raises ValueError where the surface or an entry cannot be built."""
        surface = surface or self.build_surface()
        runs = tuple(RunKey(e.optimizer, tuple(sorted((k, _plain(v)) for k, v in self.resolve(e).hyper.items())),
                            e.schedule, self.batch_for(e, surface)) for e in self.entries)
        drawn = self.noise > 0 or any(r.batch is not None for r in runs)
        return RaceKey(
            surface_key=self.surface_key,
            formula=self.formula if self.surface_key == "custom" else "",
            surface_params=tuple(sorted((k, float(v)) for k, v in surface.params.items())),
            window=tuple((float(lo), float(hi)) for lo, hi in np.asarray(surface.bounds, dtype=np.float64)),
            start=tuple(float(c) for c in self.start_point(surface)),
            steps=int(self.steps),
            noise=float(self.noise),
            seed=int(self.seed) if drawn else 0,
            seeds=int(self.seeds) if drawn and self.seeds > 1 and runs else 1,
            runs=runs,
        )

    def race_signature(self) -> RaceKey:
        """The older name of :meth:`race_key` (tests and the lesson header compare signatures)."""
        return self.race_key()

    def labels(self) -> list[str]:
        """Entry labels, made unique ("Adam", "Adam (2)") so legends and tables stay readable."""
        seen: dict[str, int] = {}
        out = []
        on_data = self.surface_key in surfaces.REGISTRY and surfaces.spec(self.surface_key).data is not None
        for e in self.entries:
            base = e.display_label()
            if on_data and e.batch is not None and not e.label:  # its own batch size tells it apart
                base += f", batch {e.batch}" if e.batch else ", all points"
            seen[base] = seen.get(base, 0) + 1
            out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
        return out

    def colors(self) -> list[str]:
        return [e.color or defaults.PALETTE[i % len(defaults.PALETTE)] for i, e in enumerate(self.entries)]


def surface_only(exp: Experiment) -> Experiment:
    """The fields that fix the surface, on an otherwise empty experiment (a cache key for pictures
    of the surface alone)."""
    return Experiment(surface_key=exp.surface_key, surface_params=exp.surface_params, formula=exp.formula,
                      bounds=exp.bounds)


def round_significant(value: float, digits: int) -> float:
    """``value`` to ``digits`` significant digits, so a link carries 0.6057, not 0.6056929133858268."""
    return float(f"{value:.{digits}g}") if value and math.isfinite(value) else value


def round_to_window(point: Iterable[float], bounds: Iterable[Iterable[float]], digits: int = 3) -> tuple[float, ...]:
    """A clicked point rounded to what the window resolves: about ``digits`` significant digits of
    each axis's span (a window 6 wide gives steps of 0.01)."""
    out = []
    for value, (lo, hi) in zip(point, bounds, strict=False):
        span = abs(float(hi) - float(lo)) or 1.0
        quantum = 10.0 ** (math.floor(math.log10(span)) - (digits - 1))
        decimals = max(0, -math.floor(math.log10(quantum)))
        out.append(round(round(float(value) / quantum) * quantum, decimals) + 0.0)
    return tuple(out)


def default_experiment() -> Experiment:
    """The race a first visit shows: four classic rules on Rosenbrock's valley."""
    return Experiment(entries=tuple(Entry(k) for k in ("sgd", "momentum", "rmsprop", "adam")), steps=500)


def clean_label(text: str) -> str:
    """A label safe to show anywhere: printable, no markup characters, at most 40 characters."""
    text = "".join(ch for ch in text if ch.isprintable() and ch not in "<>&\"'`{}[]\\$*_|")
    # Strip again after cutting, so a cleaned label comes back unchanged from a second cleaning.
    return text.strip()[:LABEL_MAX].strip()

