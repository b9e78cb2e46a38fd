"""The Internals view: for one entry, everything its rule keeps over the run."""

from __future__ import annotations

import numpy as np
import streamlit as st

import optimizers
from playground import figures
from playground.figures.internals import internals_figure
from playground.model import lessons
from playground.model.experiment import Experiment
from playground.model.simulate import Simulation
from playground.page import keys
from playground.page.style import dark_theme

#: Prodigy's distance estimate d is drawn against the true distance it estimates, in its own panel.
TRUE_DISTANCE = "distance from the start to the nearest minimum"


def _as_panels(quantities: dict[str, np.ndarray], tr: optimizers.Trajectory, race: Simulation) -> dict[str, np.ndarray]:
    """Every quantity as ``(steps, columns)`` panels: a matrix kept per step (full-matrix AdaGrad's G)
    becomes one panel per row; Prodigy's distance estimate d gets the true distance beside it."""
    out: dict[str, np.ndarray] = {}
    for name, arr in quantities.items():
        if arr.ndim == 3:
            for i in range(arr.shape[1]):
                out[f"{name} row {i + 1}"] = arr[:, i]
        else:
            out[name] = arr
    if "d" in out and len(tr.path) and race.surface.minima:
        gap = race.surface.nearest_minimum_distance(tr.path[:1])
        if gap is not None:
            out[TRUE_DISTANCE] = np.full((len(out["d"]), 1), float(gap[0]))
    return out


def lesson_panel(exp: Experiment) -> str | None:
    """The quantity a lesson's text speaks of, drawn first so it is on the first screen."""
    found = lessons.find(exp.lesson) if exp.lesson else None
    return found.picture.panel if found is not None and found.picture.view == "internals" else None


def show(exp: Experiment, race: Simulation) -> None:
    gen = st.session_state.gen
    idx = st.selectbox("Entry", range(len(race.labels)), format_func=lambda i: race.labels[i],
                       key=keys.internals_entry(gen))
    tr = race.trajectories[idx]
    spec = optimizers.spec(exp.entries[idx].optimizer)
    quantities = _as_panels(optimizers.internals(tr), tr, race)
    lr = race.lr[idx][: len(tr.grads)] if race.lr is not None else None
    lines = ("Solid lines are coordinate 1 (across the map), dotted ones coordinate 2 (up the map); x, y, z in a "
             "panel's name are the rule's own sequences. " if race.surface.dim == 2 else "")
    # One short line above the panels; the rule and the longer reading guide fold away under them, so
    # the panels start on the first screen.
    st.caption(lines or "Each panel is one quantity the rule keeps, over the steps.")
    if len(tr.grads) == 0:
        st.info("This run stopped before its first step.")
        return
    fig = internals_figure(quantities, race.labels[idx], race.colors[idx], lr if lr is not None and
                           not np.all(lr == lr[0]) else None, figures.Theme(dark=dark_theme(), present=exp.present),
                           optimizer=exp.entries[idx].optimizer, guides={TRUE_DISTANCE: "d"}, first=lesson_panel(exp))
    st.plotly_chart(figures.for_streamlit(fig), config={"displaylogo": False}, theme=None)
    with st.expander("The rule, and what the panels hold", expanded=False):
        st.caption(f"{spec.name} keeps: {', '.join(spec.state_names) or 'nothing but the position'}. "
                   "The step taken is the change of position; for the Adam family it equals −η·m̂/(√v̂ + ε) per "
                   "coordinate. A quantity that never changes is written under the panels; where the first steps "
                   "dwarf the rest, the panel says so and shows the rest.")
        st.latex(spec.rule_latex)
