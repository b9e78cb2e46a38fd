"""The views a race can be shown in: the one table that the link format, the view picker and the
page's renderers all read.

A view's key is what a link carries (``view=sweep``); its title is what the picker shows. Adding a
view is one row here and one function in :mod:`playground.page.views` registered under its key
(the page refuses to start if a row has no renderer).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    key: str
    title: str
    needs: str  # what the view shows and what it needs, as the picker's tooltip says it
    animated: bool = False  # drawn by the race player (steps on one clock) or a Plotly animation


VIEWS: tuple[View, ...] = (
    View("race", "Race", "every run on one map, played step by step", animated=True),
    View("side", "Side by side", "one panel per run on the same map and clock", animated=True),
    View("3d", "3-D", "the surface in 3-D with the paths on it; a 1-D surface shows its curve", animated=True),
    View("curves", "Curves", "loss, distance to the minimum and step size over the steps"),
    View("table", "Summary", "one row of numbers per run"),
    View("equations", "Equations", "each run's update rule and its current values"),
    View("sweep", "Sweep", "the final loss over a grid of two hyperparameters of one run"),
    View("internals", "Internals", "each run's gradient and optimizer state over the steps"),
)

KEYS: tuple[str, ...] = tuple(v.key for v in VIEWS)
TITLES: dict[str, str] = {v.key: v.title for v in VIEWS}
