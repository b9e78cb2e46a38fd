"""The data panel under the race on a data surface (a still picture; the player keeps the clock)."""

from __future__ import annotations

import streamlit as st

from playground.figures import Theme, for_streamlit
from playground.figures.datapanel import datapanel_figure
from playground.model.datapanel import data_panel
from playground.model.simulate import Race
from playground.page import keys


def show(race: Race, dark: bool, present: bool) -> None:
    panel = data_panel(race)
    if panel is None:
        return
    spec = datapanel_figure(panel, race.labels, race.colors, Theme(dark=dark, present=present))
    st.plotly_chart(for_streamlit(spec), config={"displaylogo": False}, theme=None, key=keys.DATA_PANEL)
