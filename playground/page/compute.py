"""Cached computation for the page: races, backdrops, figures and the player's data.

Caches are keyed on the frozen experiment itself (or the part of it that matters), never on a link
string made from it: text that takes a round trip through the link codec can come back changed (a
formula's '+' read as a space once drew a formula over Rosenbrock's backdrop).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from playground import figures
from playground.figures import player_data
from playground.model.experiment import (
    Experiment,
    surface_only,
)
from playground.model.simulate import Simulation, simulate

#: How the caches hash an experiment: its repr (every field, floats written exactly) is one string,
#: where Streamlit's generic hasher walks the dataclass field by field (tens of ms for eight entries).
KEYED = {Experiment: repr}


def race_key(exp: Experiment) -> Experiment:
    """The part of the experiment that fixes the race: how it is shown (view, presentation, speed,
    the lesson it came from) does not change a single number."""
    return replace(exp, view="race", present=False, speed=1.0, lesson="")


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def cached_race(key: Experiment) -> Simulation:
    return simulate(key)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def cached_backdrop(key: Experiment, side: bool, dark: bool, present: bool) -> figures.Backdrop:
    theme = figures.Theme(dark=dark, present=present)
    return figures.backdrop(key.build_surface(), theme, **(figures.SIDE_BACKDROP if side else {}))


@st.cache_data(max_entries=48, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def cached_figure(key: Experiment, view: str, speed: float, dark: bool, present: bool) -> dict:
    """The Plotly figure of an analysis view: ``3d`` (a 2-D surface) or ``curves``. The race, side by
    side and 1-D layouts are the player's."""
    race = cached_race(key)
    race = replace(race, experiment=replace(race.experiment, speed=speed))
    theme = figures.Theme(dark=dark, present=present)
    height = 860 if present else 720
    if view == "3d":
        return figures.surface3d_figure(race, theme, height=height)
    return figures.curves_figure(race, theme, height=height + 80)


@st.cache_resource(max_entries=48, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def cached_player_data(key: Experiment, view: str, speed: float, dark: bool, present: bool, arrows: bool,
                       lesson: tuple[str, str] | None = None) -> dict:
    """The race player's data (every step, typed arrays), built once per race and look; ``lesson``
    (title, what to watch) goes beside the map."""
    race = cached_race(key)
    race = replace(race, experiment=replace(race.experiment, speed=speed))
    layout = player_data.layout_for(race, view)
    backdrop = None
    if layout != "oned":
        backdrop = cached_backdrop(surface_only(race.experiment), layout == "side", dark, present)
    return player_data.payload(race, layout, backdrop, dark=dark, present=present, arrows=arrows, lesson=lesson)
