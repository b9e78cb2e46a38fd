"""Everything a user does to the race, as data, and the one function that applies it:
``apply(experiment, action) -> experiment``.

Every button and every widget of the page only records an action in its callback; the page applies
the recorded actions at the top of the next run, through :func:`apply`, and draws its widgets from
the experiment that gives. Nothing reads a widget back, so a rule such as "a value equal to the
default is not kept" is written once, here, and tested without Streamlit. A run with actions to
apply knows its race before the sidebar is drawn, and sends the race player first (``app.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import optimizers
import surfaces
from playground.model import defaults, lessons, schedules
from playground.model.caps import CAPS
from playground.model.experiment import (
    LABEL_MAX,
    VIEWS,
    Entry,
    Experiment,
    Schedule,
    clean_label,
    default_experiment,
    round_to_window,
)

# The custom surface as it opens from another surface. Its start (70% of the way to the top-left
# corner) lies past y = π/2, so every run heads for the minimum at (0, π): the window is wide enough
# to hold it, the two other minima (0, 0) and (0, -π), and each default run's overshoot past π
# (Adam's is the largest).
# tests/test_formula_minima.py races the default entries here and checks it.
CUSTOM_FORMULA = "0.5*x**2 + 3*sin(y)**2"
CUSTOM_WINDOW = ((-4.0, 4.0), (-4.0, 4.0))
#: The window of a link's formula that names none.
FORMULA_WINDOW = ((-3.0, 3.0), (-3.0, 3.0))
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class Add:
    """Add the optimizer the registry suggests next (the race's entries stay as they are)."""


@dataclass(frozen=True)
class Remove:
    index: int


@dataclass(frozen=True)
class Duplicate:
    """A copy right after entry ``index``, with its own colour and "copy" added to a custom label."""

    index: int


@dataclass(frozen=True)
class LoadLesson:
    """Open a lesson's race (presentation mode stays as it is); an empty key leaves the race and
    drops the lesson's text. Restoring an edited lesson is loading it again."""

    key: str


@dataclass(frozen=True)
class Reset:
    """Back to the default race."""


@dataclass(frozen=True)
class SetStart:
    """Start every run at ``point`` (a click on the map), rounded to what the window resolves."""

    point: tuple[float, ...]


@dataclass(frozen=True)
class AddSweepCell:
    """Add entry ``index`` again with the hyperparameters of a sweep cell, and show the race."""

    index: int
    values: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, index: int, values: Mapping[str, Any]) -> AddSweepCell:
        return cls(index, tuple(sorted(values.items())))


@dataclass(frozen=True)
class SetHyper:
    """Entry ``index`` (running ``optimizer``) takes ``value`` for its hyperparameter ``name``: the
    value its widget now holds. A value equal to the entry's default is not kept as its own."""

    index: int
    optimizer: str
    name: str
    value: float | bool


@dataclass(frozen=True)
class SetRun:
    """A run setting's widget moved: ``steps``, ``noise``, ``seed``, ``seeds`` (the spread over seeds),
    ``speed``, ``batch`` (the race's mini-batch size, 0: every point), or coordinate ``axis`` of the
    start (``start``; a start equal to the surface's own is kept as none)."""

    name: str
    value: float
    axis: int = 0


@dataclass(frozen=True)
class SetOptimizer:
    """Entry ``index`` runs ``optimizer`` instead: its settings and schedule start afresh (they belong
    to the old rule); its label, colour and own mini-batch size stay."""

    index: int
    optimizer: str


@dataclass(frozen=True)
class SetLabel:
    """Entry ``index``'s label, cleaned (an empty one shows the optimizer's name)."""

    index: int
    label: str


@dataclass(frozen=True)
class SetColor:
    """Entry ``index``'s colour; the palette's colour for its place is kept as none."""

    index: int
    color: str


@dataclass(frozen=True)
class SetSchedule:
    """Entry ``index`` (running ``optimizer``) sets ``part`` of its learning-rate schedule: ``kind``,
    ``warmup``, ``gamma`` or ``every``."""

    index: int
    optimizer: str
    part: str
    value: Any


@dataclass(frozen=True)
class SetBatch:
    """Entry ``index``'s own mini-batch size (0: every point); None races with the race's."""

    index: int
    size: int | None


@dataclass(frozen=True)
class SetSurface:
    """Race on surface ``key`` (or ``"custom"``, a typed formula): its own parameters, window and
    start; a lesson's view window stays until the surface changes."""

    key: str


@dataclass(frozen=True)
class SetSurfaceParam:
    """The surface ``surface_key``'s parameter ``name`` takes ``value``; its default is kept as none."""

    surface_key: str
    name: str
    value: float


@dataclass(frozen=True)
class SetFormula:
    """The custom surface's formula. One that cannot be used leaves the race on the last one that
    could (the page says why)."""

    text: str


@dataclass(frozen=True)
class SetWindow:
    """One end (``side`` 0: low, 1: high) of the custom surface's square window."""

    side: int
    value: float


@dataclass(frozen=True)
class SetPresent:
    on: bool


@dataclass(frozen=True)
class SetView:
    """Show view ``view``; None (a picker with nothing selected) keeps the current one."""

    view: str | None


Action = (Add | Remove | Duplicate | LoadLesson | Reset | SetStart | AddSweepCell | SetHyper | SetRun
          | SetOptimizer | SetLabel | SetColor | SetSchedule | SetBatch | SetSurface | SetSurfaceParam
          | SetFormula | SetWindow | SetPresent | SetView)


def renumbers(action: Action) -> bool:
    """Whether ``action`` changes which entry an index names (adds, removes, or replaces the race).

    Actions recorded in one run all name entries as that run drew them, so the page applies the
    others first (:func:`ordered`)."""
    return isinstance(action, Add | Remove | Duplicate | LoadLesson | Reset | AddSweepCell)


def ordered(recorded: list[Action]) -> list[Action]:
    """Actions recorded in one run, in the order to apply them: those that keep the entries' indices
    first, each group as recorded (a Remove then finds the entry its index named when drawn)."""
    return sorted(recorded, key=renumbers)


def starts_afresh(action: Action) -> bool:
    """Whether the sidebar's widgets must start afresh from the experiment after ``action`` (a new
    race: a lesson, a reset, a sweep cell), rather than keep the values they hold."""
    return isinstance(action, Reset | AddSweepCell) or (isinstance(action, LoadLesson) and bool(action.key))


def apply(exp: Experiment, action: Action) -> Experiment:
    """The experiment after ``action``. An action that cannot apply (past the cap of entries, an
    index out of range, an unknown lesson, a point off the map, a formula that cannot be used)
    leaves the experiment unchanged."""
    entries = exp.entries
    if isinstance(action, Add):
        if len(entries) >= CAPS.entries:
            return exp
        return replace(exp, entries=(*entries, Entry(optimizers.suggestion(e.optimizer for e in entries))))
    if isinstance(action, Remove):
        if not 0 <= action.index < len(entries):
            return exp
        return replace(exp, entries=entries[: action.index] + entries[action.index + 1:])
    if isinstance(action, Duplicate):
        if len(entries) >= CAPS.entries or not 0 <= action.index < len(entries):
            return exp
        copy = entries[action.index]
        copy = replace(copy, label=(copy.label + " copy")[:LABEL_MAX] if copy.label else "", color="")
        return replace(exp, entries=(*entries[: action.index + 1], copy, *entries[action.index + 1:]))
    if isinstance(action, LoadLesson):
        if not action.key:
            return replace(exp, lesson="")
        lesson = lessons.find(action.key)
        return exp if lesson is None else replace(lesson.experiment, present=exp.present)
    if isinstance(action, Reset):
        return replace(default_experiment(), present=exp.present)
    if isinstance(action, SetStart):
        try:
            surface = exp.build_surface()
            point = round_to_window(action.point, surface.bounds)
        except (ValueError, TypeError):
            return exp
        return exp if len(point) != surface.dim else replace(exp, start=point)
    if isinstance(action, AddSweepCell):
        if len(entries) >= CAPS.entries or not 0 <= action.index < len(entries):
            return exp
        src = entries[action.index]
        values = dict(action.values)
        said = ", ".join(f"{k} {v:.3g}" for k, v in values.items())
        entry = replace(src.with_hyper(**values), label=f"{src.display_label()} ({said})"[:LABEL_MAX], color="")
        return replace(exp, entries=(*entries, entry), view="race")
    if isinstance(action, SetRun):
        return _set_run(exp, action)
    if isinstance(action, SetHyper | SetOptimizer | SetLabel | SetColor | SetSchedule | SetBatch):
        return _set_entry(exp, action)
    if isinstance(action, SetSurface | SetSurfaceParam | SetFormula | SetWindow):
        return _set_surface(exp, action)
    if isinstance(action, SetPresent):
        return replace(exp, present=bool(action.on))
    if isinstance(action, SetView):
        return replace(exp, view=action.view) if action.view in VIEWS else exp
    raise TypeError(f"not an action: {action!r}")


def _set_run(exp: Experiment, action: SetRun) -> Experiment:
    if action.name in ("steps", "seed", "seeds"):
        return replace(exp, **{action.name: int(action.value)})
    if action.name == "noise":
        return replace(exp, noise=float(action.value))
    if action.name == "speed":
        return replace(exp, speed=float(action.value)) if action.value in SPEEDS else exp
    if action.name == "batch":
        return replace(exp, batch_size=max(int(action.value), 0))
    if action.name != "start":
        return exp
    try:
        surface = exp.build_surface()
    except ValueError:
        return exp
    point = list(exp.start_point(surface))
    if not 0 <= action.axis < len(point):
        return exp
    point[action.axis] = float(action.value)
    return exp.with_start(tuple(point), surface)


def _set_entry(exp: Experiment, action: SetHyper | SetOptimizer | SetLabel | SetColor | SetSchedule | SetBatch,
               ) -> Experiment:
    """An action on one entry; one naming an entry that is not there (or no longer runs the
    optimizer the widget was drawn for) changes nothing."""
    entries = exp.entries
    if not 0 <= action.index < len(entries):
        return exp
    entry = entries[action.index]
    if isinstance(action, SetHyper | SetSchedule) and entry.optimizer != action.optimizer:
        return exp
    if isinstance(action, SetHyper):
        base = exp.entry_defaults(entry.optimizer)
        if action.name not in base:
            return exp
        hyper = entry.hyper_dict
        if action.value == base[action.name]:
            hyper.pop(action.name, None)
        else:
            hyper[action.name] = action.value
        entry = replace(entry, hyper=tuple(sorted(hyper.items())))
    elif isinstance(action, SetOptimizer):
        if action.optimizer not in optimizers.names() or action.optimizer == entry.optimizer:
            return exp
        entry = replace(entry, optimizer=action.optimizer, hyper=(), schedule=Schedule())
    elif isinstance(action, SetLabel):
        entry = replace(entry, label=clean_label(action.label or ""))
    elif isinstance(action, SetColor):
        color = (action.color or "").lower()
        own = defaults.PALETTE[action.index % len(defaults.PALETTE)].lower()
        entry = replace(entry, color="" if color == own else color)
    elif isinstance(action, SetSchedule):
        entry = _set_schedule(entry, action)
        if entry is None:
            return exp
    else:
        entry = replace(entry, batch=None if action.size is None else max(int(action.size), 0))
    return replace(exp, entries=(*entries[: action.index], entry, *entries[action.index + 1:]))


def _set_schedule(entry: Entry, action: SetSchedule) -> Entry | None:
    casts = {"kind": str, "warmup": int, "gamma": float, "every": int}
    if action.part not in casts or action.value is None:
        return None
    value = casts[action.part](action.value)
    if action.part == "kind" and value not in schedules.KINDS:
        return None
    return replace(entry, schedule=replace(entry.schedule, **{action.part: value}))


def _set_surface(exp: Experiment, action: SetSurface | SetSurfaceParam | SetFormula | SetWindow) -> Experiment:
    if isinstance(action, SetSurface):
        if action.key == exp.surface_key:
            return exp
        if action.key == "custom":
            after = replace(exp, surface_key="custom", surface_params=(), formula=CUSTOM_FORMULA,
                            bounds=CUSTOM_WINDOW, start=())
        elif action.key in surfaces.names():
            after = replace(exp, surface_key=action.key, surface_params=(), formula="", bounds=(), start=())
        else:
            return exp
        return _batch_for_surface(after)
    if isinstance(action, SetSurfaceParam):
        if action.surface_key != exp.surface_key or exp.surface_key == "custom":
            return exp
        param = next((p for p in surfaces.spec(exp.surface_key).params if p.name == action.name), None)
        if param is None:
            return exp
        params = dict(exp.surface_params)
        if action.value == param.default:
            params.pop(action.name, None)
        else:
            params[action.name] = float(action.value)
        return _usable(replace(exp, surface_params=tuple(sorted(params.items()))), exp)
    if exp.surface_key != "custom":
        return exp
    if isinstance(action, SetFormula):
        if action.text == exp.formula:
            return exp
        return _usable(replace(exp, formula=action.text, start=()), exp)
    if action.side not in (0, 1) or action.value is None:
        return exp
    ends = list((exp.bounds or FORMULA_WINDOW)[0])
    ends[action.side] = float(action.value)
    return _usable(replace(exp, bounds=(tuple(ends), tuple(ends))), exp)


def _usable(after: Experiment, before: Experiment) -> Experiment:
    """``after`` if its surface can be built, else ``before`` (the race stays on the last surface that works)."""
    try:
        after.build_surface()
    except (ValueError, TypeError):
        return before
    return after


def _batch_for_surface(exp: Experiment) -> Experiment:
    """The race's mini-batch size on a new surface: none off a data surface, at most its points on one."""
    try:
        data = exp.build_surface().data
    except ValueError:
        return exp
    return replace(exp, batch_size=0 if data is None else min(exp.batch_size, len(data.y)))
