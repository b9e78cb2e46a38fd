"""The views a race can be shown in: the one table that the link format, the view picker and the
page all read.

A view's key is what a link carries (``view=sweep``); its title is what the picker shows. The row
also says how the page shows it: ``player`` views are drawn by the race player (and drawn before the
sidebar when an edit only changed a value), ``plotly`` views need Plotly's bundle (a first visit to
one starts fetching it early), and ``figure`` names the builder in :mod:`playground.figures` whose
Plotly figure the view is. Adding a player or figure view is one row here; any other view adds one
function in :mod:`playground.page.views` registered under its key (the page refuses to start if a
row has nothing to show it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    key: str
    title: str
    needs: str  # what the view shows and what it needs, as the picker's tooltip says it
    player: bool = False  # drawn by the race player
    plotly: bool = True  # drawn with Plotly
    figure: str | None = None  # the figure builder in playground.figures that draws it, if one does


VIEWS: tuple[View, ...] = (
    View("race", "Race", "every run on one map, played step by step", player=True, plotly=False),
    View("side", "Side by side", "one panel per run on the same map and clock", player=True, plotly=False),
    View("3d", "3-D", "the surface in 3-D with the paths on it; a 1-D surface shows its curve",
         figure="surface3d_figure"),
    View("curves", "Curves", "loss, distance to the minimum and step size over the steps", figure="curves_figure"),
    View("table", "Summary", "one row of numbers per run", plotly=False),
    View("equations", "Equations", "each run's update rule and its current values", plotly=False),
    View("sweep", "Sweep", "the final loss over a grid of two hyperparameters of one run"),
    View("internals", "Internals", "each run's gradient and optimizer state over the steps"),
)

BY_KEY: dict[str, View] = {v.key: v for v in VIEWS}
KEYS: tuple[str, ...] = tuple(BY_KEY)
TITLES: dict[str, str] = {v.key: v.title for v in VIEWS}
