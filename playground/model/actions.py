"""Everything a user does to the race besides moving a widget, as data, and the one function that
applies it: ``apply(experiment, action) -> experiment``.

The page's callbacks only record an action; the page applies the recorded actions at the top of
the next run, through :func:`apply`, so what a button does is tested here without Streamlit.
Widgets that edit one value (a learning rate, the steps) are read back into the experiment by the
sidebar instead. Some of those also record what they set (:class:`SetHyper`, :class:`SetRun`): a
run with only such edits to apply then knows its race before the sidebar is drawn, and sends the
race player first (``app.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import optimizers
from playground.model import lessons
from playground.model.caps import CAPS
from playground.model.experiment import LABEL_MAX, Entry, Experiment, default_experiment, round_to_window


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
    value its widget now holds. A value equal to the entry's default is not kept as its own, just as
    the sidebar reads the widgets back, so both give the same experiment."""

    index: int
    optimizer: str
    name: str
    value: float | bool


@dataclass(frozen=True)
class SetRun:
    """A run setting's widget moved: ``steps``, ``noise``, ``seed``, or coordinate ``axis`` of the
    start (``start``; a start equal to the surface's own is kept as none, as the sidebar does)."""

    name: str
    value: float
    axis: int = 0


Action = Add | Remove | Duplicate | LoadLesson | Reset | SetStart | AddSweepCell | SetHyper | SetRun


def is_edit(action: Action) -> bool:
    """Whether ``action`` only mirrors a value a sidebar widget now holds (the sidebar reads it too)."""
    return isinstance(action, SetHyper | SetRun)



def starts_afresh(action: Action) -> bool:
    """Whether the sidebar's widgets must start afresh from the experiment after ``action`` (a new
    race: a lesson, a reset, a sweep cell), rather than keep the values they hold."""
    return isinstance(action, Reset | AddSweepCell) or (isinstance(action, LoadLesson) and bool(action.key))


def apply(exp: Experiment, action: Action) -> Experiment:
    """The experiment after ``action``. An action that cannot apply (past the cap of entries, an
    index out of range, an unknown lesson, a point off the map) leaves the experiment unchanged."""
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
    if isinstance(action, SetHyper):
        if not 0 <= action.index < len(entries) or entries[action.index].optimizer != action.optimizer:
            return exp
        entry = entries[action.index]
        base = exp.entry_defaults(entry.optimizer)
        if action.name not in base:
            return exp
        hyper = entry.hyper_dict
        if action.value == base[action.name]:
            hyper.pop(action.name, None)
        else:
            hyper[action.name] = action.value
        entry = replace(entry, hyper=tuple(sorted(hyper.items())))
        return replace(exp, entries=(*entries[: action.index], entry, *entries[action.index + 1:]))
    if isinstance(action, SetRun):
        return _set_run(exp, action)
    raise TypeError(f"not an action: {action!r}")


def _set_run(exp: Experiment, action: SetRun) -> Experiment:
    if action.name in ("steps", "seed"):
        return replace(exp, **{action.name: int(action.value)})
    if action.name == "noise":
        return replace(exp, noise=float(action.value))
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
