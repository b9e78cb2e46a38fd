"""Cached computation for the page: races, backdrops, figures and the player's data.

What fixes a race's numbers is one key, :meth:`Experiment.race_key`; every cache of a race keys on
it (and on how the race is shown, where the cached thing shows it), never on a link string made from
the experiment: text that takes a round trip through the link codec can come back changed (a
formula's '+' read as a space once drew a formula over Rosenbrock's backdrop). The experiment itself
rides along unhashed (an argument named ``_exp`` or ``_race``), to build what the key says.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from playground import figures
from playground.figures import player_data
from playground.model import views
from playground.model.experiment import Experiment, RaceKey, surface_only
from playground.model.simulate import Simulation, simulate

#: How the caches hash a key: its repr (every field, floats written exactly) is one string, where
#: Streamlit's generic hasher walks a dataclass field by field (tens of ms for eight entries).
#: Experiments are hashed so only as the surface's key (:func:`surface_only`).
KEYED = {RaceKey: repr, Experiment: repr}


def cached_race(exp: Experiment) -> Simulation:
    """The race of ``exp``: its runs kept under ``exp.race_key()`` (a change of view, lesson, speed,
    label or colour runs nothing), named and coloured as ``exp`` says."""
    return _keyed_race(exp)[1]


def _keyed_race(exp: Experiment) -> tuple[RaceKey, Simulation]:
    key = exp.race_key()
    return key, _simulation(key, exp).shown_as(exp)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def _simulation(key: RaceKey, _exp: Experiment) -> Simulation:
    return simulate(_exp)


def _looks(race: Simulation) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How a race's runs are told apart in a picture: their labels and colours."""
    return tuple(race.labels), tuple(race.colors)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def cached_backdrop(key: Experiment, side: bool, dark: bool, present: bool) -> figures.Backdrop:
    theme = figures.Theme(dark=dark, present=present)
    return figures.backdrop(key.build_surface(), theme, **(figures.SIDE_BACKDROP if side else {}))


def cached_figure(exp: Experiment, view: str, speed: float, dark: bool, present: bool) -> dict:
    """The Plotly figure of an analysis view: its row in :mod:`playground.model.views` names the figure
    builder (the race, side by side and 1-D layouts are the player's)."""
    key, race = _keyed_race(exp)
    return _figure(key, _looks(race), view, speed, dark, present, race)


@st.cache_data(max_entries=48, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def _figure(key: RaceKey, looks: tuple, view: str, speed: float, dark: bool, present: bool, _race: Simulation) -> dict:
    race = replace(_race, experiment=replace(_race.experiment, speed=speed))
    theme = figures.Theme(dark=dark, present=present)
    height = (860 if present else 720) + (80 if view == "curves" else 0)  # Curves stacks one more panel
    return getattr(figures, views.BY_KEY[view].figure)(race, theme, height=height)


def cached_player_data(exp: Experiment, view: str, speed: float, dark: bool, present: bool, arrows: bool,
                       lesson: tuple[str, str] | None = None) -> dict:
    """The race player's data (every step, typed arrays), built once per race and look; ``lesson``
    (title, what to watch) goes beside the map."""
    key, race = _keyed_race(exp)
    return _player_data(key, _looks(race), view, speed, dark, present, arrows, lesson, race)


@st.cache_resource(max_entries=48, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def _player_data(key: RaceKey, looks: tuple, view: str, speed: float, dark: bool, present: bool, arrows: bool,
                 lesson: tuple[str, str] | None, _race: Simulation) -> dict:
    race = replace(_race, experiment=replace(_race.experiment, speed=speed))
    layout = player_data.layout_for(race, view)
    backdrop = None
    if layout != "oned":
        backdrop = cached_backdrop(surface_only(race.experiment), layout == "side", dark, present)
    return player_data.payload(race, layout, backdrop, dark=dark, present=present, arrows=arrows, lesson=lesson)
