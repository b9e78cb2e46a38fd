"""The page's session state: the current experiment, the widget generation, and the callbacks
that change them.

The current :class:`Experiment` lives in ``st.session_state["experiment"]``; widgets are drawn from
it and read back into a new one on every run. Keys carry a generation number that changes when the
experiment is replaced wholesale (a lesson, a reset), so the widgets start afresh from it; entry
widgets also carry a stable id per entry, so adding, removing or duplicating one leaves the others'
settings alone.
"""

from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st

import optimizers
from playground.model import lessons
from playground.model.caps import CAPS
from playground.model.experiment import (
    LABEL_MAX,
    Entry,
    Experiment,
    decode,
    default_experiment,
    encode,
    round_to_window,
)


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
    ss.last_click = None


def replace_experiment(exp: Experiment) -> None:
    ss = st.session_state
    ss.experiment = exp
    ss.gen += 1
    ss.ids = list(range(ss.next_id, ss.next_id + len(exp.entries)))
    ss.next_id += len(exp.entries)


def _on_lesson() -> None:
    key = st.session_state.get(f"lesson-{st.session_state.gen}")
    if not key:  # "— choose a lesson —": the race stays, the lesson's text goes
        st.session_state.experiment = replace(st.session_state.experiment, lesson="")
        return
    lesson = lessons.find(key)
    if lesson is not None:
        replace_experiment(replace(lesson.experiment, present=st.session_state.experiment.present))
        st.session_state.warnings = []


def _on_restore_lesson(key: str) -> None:
    lesson = lessons.find(key)
    if lesson is not None:
        replace_experiment(replace(lesson.experiment, present=st.session_state.experiment.present))


def _on_reset() -> None:
    replace_experiment(default_experiment())
    st.session_state.warnings = []


def _on_add() -> None:
    ss = st.session_state
    exp: Experiment = ss.experiment
    if len(exp.entries) >= CAPS.entries:
        return
    used = {e.optimizer for e in exp.entries}
    key = next((k for k in optimizers.names() if k not in used), "adam")
    ss.experiment = replace(exp, entries=(*exp.entries, Entry(key)))
    ss.ids.append(ss.next_id)
    ss.editing = ss.next_id
    ss.next_id += 1


def _on_remove(i: int) -> None:
    ss = st.session_state
    exp: Experiment = ss.experiment
    ss.experiment = replace(exp, entries=exp.entries[:i] + exp.entries[i + 1 :])
    del ss.ids[i]
    if ss.ids:
        ss.editing = ss.ids[min(i, len(ss.ids) - 1)]


def _on_duplicate(i: int) -> None:
    ss = st.session_state
    exp: Experiment = ss.experiment
    if len(exp.entries) >= CAPS.entries:
        return
    copy = exp.entries[i]
    copy = replace(copy, label=(copy.label + " copy")[:LABEL_MAX] if copy.label else "", color="")
    ss.experiment = replace(exp, entries=(*exp.entries[: i + 1], copy, *exp.entries[i + 1 :]))
    ss.ids.insert(i + 1, ss.next_id)
    ss.editing = ss.next_id
    ss.next_id += 1


def apply_chart_click() -> None:
    """A click on the race chart's click target sets the start (read before the widgets are drawn)."""
    ss = st.session_state
    event = ss.get(f"chart-{ss.gen}")
    try:
        points = event["selection"]["points"] if event else []
    except (KeyError, TypeError):
        points = []
    if not points:
        return
    p = points[0]
    token = (p.get("x"), p.get("y"), p.get("curve_number"))
    if token == ss.last_click or p.get("curve_number") != 1:
        return
    ss.last_click = token
    exp: Experiment = ss.experiment
    try:
        start = (float(p["x"]), float(p["y"]))
    except (KeyError, TypeError, ValueError):
        return
    if all(math.isfinite(c) for c in start):
        try:
            start = round_to_window(start, exp.build_surface().bounds)
        except ValueError:
            return
        ss.experiment = replace(exp, start=start)
        for i, c in enumerate(start):
            ss[f"start{i}-{ss.gen}-{exp.surface}"] = c


def _start_from_player(point: tuple[float, ...]) -> None:
    """A click on the player's map: the new start, written before the sidebar's inputs are drawn."""
    ss = st.session_state
    exp: Experiment = ss.experiment
    ss.experiment = replace(exp, start=point)
    for i, c in enumerate(point):
        ss[f"start{i}-{ss.gen}-{exp.surface}"] = c


def sync_url(exp: Experiment) -> None:
    """Make the address bar describe the current experiment (so a reload or a shared link restores it)."""
    wanted = encode(exp)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
