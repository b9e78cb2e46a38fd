"""The page's session state: the current experiment, the widget generation, and the actions that
change them.

The current :class:`Experiment` lives in ``st.session_state["experiment"]``; widgets are drawn from
it and never read back. A button, a widget or a click only records an action (:func:`record`,
:func:`on_widget`); :func:`apply_recorded`, at the top of the next run, applies them through the
pure :func:`playground.model.actions.apply` (the only way the experiment changes) and keeps the
widget keys in step:

- keys carry a generation number that changes when the race is replaced wholesale (a lesson, a
  reset, a sweep cell), so the widgets start afresh from the new experiment;
- an entry's widgets carry a stable id per entry (``ss.ids``), so adding, removing or duplicating
  one leaves the others' settings alone; ``ss.editing`` is the entry whose editor is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from playground.model import actions
from playground.model.experiment import Experiment
from playground.model.link import decode, encode
from playground.page import keys


def init_state() -> None:
    """Read the experiment from the URL once per session."""
    ss = st.session_state
    if "experiment" in ss:
        return
    exp, warnings = decode(st.query_params.to_dict())
    ss.experiment = exp
    ss.warnings = warnings
    ss.gen = 0
    ss.ids = list(range(len(exp.entries)))
    ss.next_id = len(exp.entries)
    ss.recorded = []


def record(action: actions.Action) -> None:
    """A callback's whole job: note what the user asked for."""
    st.session_state.setdefault("recorded", []).append(action)


def apply_recorded() -> bool:
    """Apply the actions recorded since the last run, before any widget is drawn; True when there
    were any. The experiment is then the one this run shows, whatever the sidebar draws after, so
    the race player may be drawn before it.

    The actions of one run all name entries by their places in the race that run drew; those that
    renumber the entries go last (:func:`actions.ordered`).
    """
    ss = st.session_state
    recorded, ss.recorded = list(ss.get("recorded", [])), []
    for action in actions.ordered(recorded):
        before: Experiment = ss.experiment
        after = actions.apply(before, action)
        ss.experiment = after
        _follow(action, before, after)
    if recorded:
        _seed_start(ss.experiment)
    return bool(recorded)


def _new_id() -> int:
    ss = st.session_state
    ss.next_id += 1
    return ss.next_id - 1


def _follow(action: actions.Action, before: Experiment, after: Experiment) -> None:
    """Keep the widget keys in step with what the action did to the experiment."""
    ss = st.session_state
    editing = ss.get("editing")
    if actions.starts_afresh(action):
        ss.gen += 1
        ss.ids = [_new_id() for _ in after.entries]
        if isinstance(action, actions.LoadLesson | actions.Reset):
            ss.warnings = []
    elif after.entries == before.entries:
        pass
    elif isinstance(action, actions.Add):
        ss.ids.append(_new_id())
        ss.editing = ss.ids[-1]
    elif isinstance(action, actions.Duplicate):
        ss.ids.insert(action.index + 1, _new_id())
        ss.editing = ss.ids[action.index + 1]
    elif isinstance(action, actions.Remove):
        del ss.ids[action.index]
        if ss.ids:
            ss.editing = ss.ids[min(action.index, len(ss.ids) - 1)]
    if ss.get("editing") != editing:
        ss.pop("entry_list_key", None)  # the list follows the entry the action opened, not its last click


def _seed_start(exp: Experiment) -> None:
    """The start boxes hold the experiment's start point. They are seeded from session state (a
    click on the map moves them too), so a start the boxes did not set (a click, a new formula) is
    written into them."""
    ss = st.session_state
    try:
        point = exp.start_point()
    except ValueError:
        return
    for i, c in enumerate(point):
        key = keys.start(i, ss.gen, exp.surface_key)
        if key in ss and ss[key] != c:
            ss[key] = float(c)


def on_widget(key: str, make: Callable[[Any], actions.Action]) -> None:
    """A widget's callback: record ``make(value)``, the action of the value widget ``key`` now holds."""
    record(make(st.session_state.get(key)))


def recorder(make: Callable[[Any], actions.Action]) -> Callable[[Any], None]:
    """What a number widget of :mod:`playground.page.widgets` tells its new value: it records ``make(value)``."""
    return lambda value: record(make(value))


def on_lesson() -> None:
    """The lesson list changed: load that lesson ("— choose a lesson —" keeps the race, drops the text)."""
    record(actions.LoadLesson(st.session_state.get(keys.lesson(st.session_state.gen)) or ""))


def on_view() -> None:
    """The view picker changed (nothing selected keeps the view)."""
    record(actions.SetView(st.session_state.get(keys.view(st.session_state.gen))))


def on_hyper(index: int, optimizer: str, name: str, value: float | bool) -> None:
    """A hyperparameter's widget moved (its value is what the widget now holds)."""
    record(actions.SetHyper(index, optimizer, name, value))


def on_run(name: str, key: str, axis: int = 0) -> None:
    """A run setting's widget moved (steps, noise, seed, a start coordinate)."""
    value = st.session_state.get(key)
    if value is not None:
        record(actions.SetRun(name, value, axis))


def on_start(point: tuple[float, ...]) -> None:
    """A click on the player's map."""
    record(actions.SetStart(point))


def sync_url(exp: Experiment) -> None:
    """Make the address bar describe the current experiment (so a reload or a shared link restores it)."""
    wanted = encode(exp)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
