"""The views under the chart, one function each, and the picker between them."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import optimizers
from playground import figures
from playground.model import lessons, metrics, schedules, views
from playground.model.experiment import (
    COLOR_RE,
    Experiment,
)
from playground.model.simulate import Simulation
from playground.page import data_view, export_panel, header, internals_view, keys, player, sweep_view
from playground.page.compute import cached_figure, cached_player_data, cached_race
from playground.page.state import on_start, on_view
from playground.page.style import dark_theme


@dataclass(frozen=True)
class Places:
    """The top of the main column, made before the sidebar is drawn: the race player, then the notes
    on the race under it (a diverged run, a link's warnings, the player's own switch), so a note
    never moves the player. A run with a recorded action to apply (a value, Add, a lesson, a surface)
    draws both there before the sidebar (:func:`draw_first`), so the browser gets the new race ahead
    of the rest of the page. Every run makes them in the same place,
    so the player is never remounted. ``drawn``: whether this run drew them already."""

    notes: Any
    player: Any
    drawn: bool = False


def places() -> Places:
    # The player comes first and the notes under it: a warning never moves the player.
    player_place = st.container()
    return Places(st.container(), player_place)


# (experiment, its race, the places above the view); the caches take the race's key from the experiment
Renderer = Callable[[Experiment, Simulation, Places], None]
_RENDERERS: dict[str, Renderer] = {}


def renders(*keys: str) -> Callable[[Renderer], Renderer]:
    """Registers the function that shows the views ``keys`` (rows of :data:`views.VIEWS` that are
    neither the player's nor a figure's)."""
    def register(fn: Renderer) -> Renderer:
        for key in keys:
            _RENDERERS[key] = fn
        return fn
    return register


def renderer(key: str) -> Renderer | None:
    """What shows the view ``key``: the race player for a player view, the Plotly figure for a
    figure view, else the function registered for it."""
    row = views.BY_KEY[key]
    if row.player:
        return show_player
    if row.figure is not None:
        return show_figure
    return _RENDERERS.get(key)


def view_picker(exp: Experiment) -> None:
    """The views, the experiment's own selected; a pick is recorded as an action (see ``on_view``)."""
    gen = st.session_state.gen
    st.segmented_control(
        "View",
        list(views.KEYS),
        default=exp.view,
        key=keys.view(gen),
        format_func=views.TITLES.get,
        label_visibility="collapsed",
        on_change=on_view,  # the view enters the experiment as an action, as every widget's value does
    )


#: After the player is drawn first, the run waits this long before the rest of the page. The browser
#: then draws the player in a commit of its own; otherwise the ~80 unchanged elements of the sidebar
#: and header arrive with it, and it re-renders them all before the player sees its data. Measured
#: with benchmarks/bench_player.py: 217 ms median to the new race without the pause, 111-155 ms with
#: it. The wait holds no CPU and no lock; only this session's page comes 50 ms later.
FIRST_PAUSE_S = 0.05


def draw_first(exp: Experiment, at: Places) -> Places:
    """Draw the notes and the race player of ``exp`` into ``at`` before the sidebar, when its view
    is the player's; the places returned say whether they were drawn."""
    if not exp.entries or not views.BY_KEY[exp.view].player:
        return at
    try:
        race = cached_race(exp)
    except ValueError:  # a surface that cannot be built: the page explains it in the usual order
        return at
    _notes(exp, race, at)
    _player(exp, race, at)
    time.sleep(FIRST_PAUSE_S)
    return replace(at, drawn=True)


def show_view(exp: Experiment, at: Places) -> None:
    if not exp.entries:
        with at.notes:
            st.info("Add an optimizer in the sidebar to start a race.")
        return
    if at.drawn:
        race = cached_race(exp)
    else:
        with at.notes, st.spinner("Running the optimizers…"):
            race = cached_race(exp)
        _notes(exp, race, at)
    renderer(exp.view)(exp, race, at)


def _notes(exp: Experiment, race: Simulation, at: Places) -> None:
    diverged = [
        f"{label} diverged at step {tr.diverged_at}"
        for label, tr in zip(race.labels, race.trajectories, strict=True)
        if tr.diverged_at is not None
    ]
    if diverged and not exp.present:  # presentation mode: the player marks and names them; it keeps the room
        at.notes.warning(" · ".join(diverged) + " — its path stops at the last finite position (|coordinate| ≤ 10⁶).")


def show_player(exp: Experiment, race: Simulation, at: Places) -> None:
    """The race player (race and side by side; 1-D surfaces draw their curve), then what goes under it."""
    if not at.drawn:
        _player(exp, race, at)
    st.caption(
        "▶ Play runs every optimizer on one clock (space; ← → step; Home/End); drag the slider to scrub. "
        + ("Faint lines are the whole paths; ★ marks the known minima, ○ the start. Click the map to start "
           "there." if race.surface.dim == 2 else "Below the curve: each run's x over the steps.")
    )
    header.lesson_explanation(exp)
    if race.surface.data is not None and exp.view == "race":
        data_view.show(race, dark_theme(), exp.present)
    if not exp.present:
        export_panel.show(exp, race)


def lesson_beside(exp: Experiment) -> tuple[str, str] | None:
    """A lesson's title and what to watch, shown in the player's side column beside the map."""
    found = lessons.find(exp.lesson) if exp.lesson and header.beside_player(exp) else None
    return (found.title, found.watch) if found is not None else None


def _player(exp: Experiment, race: Simulation, at: Places) -> None:
    """The player's notes and switch (into ``at.notes``) and the player itself (into ``at.player``)."""
    view = exp.view
    if exp.view == "3d":
        at.notes.caption("A 1-D surface has no 3-D view; here is the curve instead.")
        view = "race"
    elif view == "side" and race.surface.dim == 1:
        at.notes.caption("On a 1-D surface every run moves on the same curve, so one panel per optimizer "
                         "would repeat it: the runs share the curve here, and x over the steps below keeps "
                         "them apart.")
    arrows = False
    if view == "race" and race.surface.dim == 2 and not exp.present:  # the chart keeps the room
        arrows = at.notes.toggle(
            "Show the downhill direction (dotted) and the step taken (solid) at the current step",
            key=keys.arrows(st.session_state.gen),
        )
    data = cached_player_data(exp, view, exp.speed, dark_theme(), exp.present, arrows, lesson_beside(exp))
    with at.player:
        player.show(data, key=keys.player(st.session_state.gen), on_start=on_start)


def show_figure(exp: Experiment, race: Simulation, at: Places) -> None:
    """A Plotly figure: the 3-D surface (a 1-D surface goes to the player) or the curves."""
    if exp.view == "3d" and race.surface.dim == 1:
        show_player(exp, race, at)
        return
    spec = cached_figure(exp, exp.view, exp.speed, dark_theme(), exp.present)
    st.plotly_chart(figures.for_streamlit(spec), config={"displaylogo": False}, theme=None)
    if not exp.present:
        export_panel.show(exp, race)


@renders("table")
def show_summary(exp: Experiment, race: Simulation, at: Places) -> None:
    summary_table(race)


@renders("equations")
def show_equations(exp: Experiment, race: Simulation, at: Places) -> None:
    equations(exp, race)


@renders("sweep")
def show_sweep(exp: Experiment, race: Simulation, at: Places) -> None:
    sweep_view.show(exp, race)


@renders("internals")
def show_internals(exp: Experiment, race: Simulation, at: Places) -> None:
    internals_view.show(exp, race)


# Columns where a missing number means "it never happened"; elsewhere it means "unknown here".
_NEVER = ("diverged at", "steps to within")


def summary_cell(column: str, value: Any) -> str:
    """A summary value as the table shows it: 4 significant digits, whole numbers with separators,
    and words instead of None."""
    if value is None:
        return "never" if column.startswith(_NEVER) else "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    v = float(value)
    return f"{v:.4g}" if math.isfinite(v) else "—"


def summary_table(race: Simulation) -> None:
    rows = []
    for label, tr in zip(race.labels, race.trajectories, strict=True):
        row = {"": "", "optimizer": label}
        row.update({k: summary_cell(k, v) for k, v in metrics.summary(tr, race.surface).items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    # The first column is a swatch in each run's colour (a filled cell, no glyph a font may lack).
    swatches = [f"background-color: {c}" for c in race.colors]
    styled = frame.style.apply(lambda _: swatches, subset=[""], axis=0).hide(axis="index")
    st.table(styled)
    st.caption(
        "Steps to within 0.001: the first step from which the loss stays within 0.001 of the known minimum "
        "value (never: it has not settled there by the last step). Path length: the distance travelled, "
        "summed over the steps."
    )


def equations(exp: Experiment, race: Simulation) -> None:
    for entry, label, color, tr in zip(exp.entries, race.labels, race.colors, race.trajectories, strict=True):
        spec = optimizers.spec(entry.optimizer)
        st.markdown(f"#### {swatch(color)} {label}", unsafe_allow_html=True)
        st.caption(f"{spec.name} — {spec.reference}")
        st.latex(spec.rule_latex)
        st.latex(hyper_values_latex(spec, tr.optimizer.hyper))
        if not entry.schedule.is_default():
            st.latex(
                schedules.LATEX[entry.schedule.kind]
                + (
                    rf"\quad(\text{{warm-up }} {entry.schedule.warmup} \text{{ steps}})"
                    if entry.schedule.warmup
                    else ""
                )
            )


def swatch(color: str) -> str:
    """A small square in a run's colour (CSS, no glyph a font may lack). Colours are #rrggbb only:
    links and pickers are validated, so nothing else reaches this HTML."""
    color = color if COLOR_RE.match(color) else "#808080"
    return (f'<span style="display:inline-block;width:0.8em;height:0.8em;border-radius:0.2em;'
            f'background:{color};vertical-align:baseline"></span>')


def hyper_values_latex(spec: optimizers.OptimizerSpec, hyper: dict) -> str:
    """The current values: symbols for numbers (η = 0.05), words for switches (AMSGrad: off)."""
    numbers = [f"{h.symbol} = {_fmt(hyper[h.name])}" for h in spec.hypers if not h.is_flag]
    flags = [rf"\text{{{h.display_name}: {'on' if hyper[h.name] else 'off'}}}" for h in spec.hypers if h.is_flag]
    return r",\quad ".join([", ".join(numbers), *flags] if numbers else flags)


def _fmt(v: Any) -> str:
    """A hyperparameter value in LaTeX: 0.05, 1 \\times 10^{-8}, on/off."""
    if isinstance(v, bool | np.bool_):
        return r"\text{on}" if v else r"\text{off}"
    text = f"{float(v):g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


_missing = [key for key in views.KEYS if renderer(key) is None]
if _missing:  # a row in the views table with nothing to show it: fail at start, not on a click
    raise ImportError(f"no renderer for the views {sorted(_missing)}")
