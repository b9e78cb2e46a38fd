"""The data panel on a data surface's race: the player draws it beside the race, on its clock
(``assets/datapanel.js``, from the payload's ``data``); the page adds a line on how to read it."""

from __future__ import annotations

import streamlit as st

from playground.model.datapanel import data_panel
from playground.model.simulate import Simulation


def show(race: Simulation, dark: bool, present: bool) -> None:
    """A caption under the player for the data panel it draws (``dark`` is unused: the player
    follows the page's theme)."""
    panel = data_panel(race)
    if panel is None or present:
        return
    shown = "fitted line y = w·x + b" if panel.kind == "line" else "decision boundary w·x = 0"
    text = f"Beside the race: the data and each optimizer's {shown} at the current step."
    sizes = race.batch_sizes()
    if sizes:
        said = " or ".join(str(k) for k in sizes)
        text += (f" Steps use mini-batches of {said} of the {len(panel.y)} points: at each head the dotted arrow "
                 "points downhill along the gradient over all the points, the solid one along the mini-batch's.")
    st.caption(text)
