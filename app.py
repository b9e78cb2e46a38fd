"""Optimizer Playground: watch gradient-descent optimizers race on loss surfaces.

Run with ``make run`` (or ``streamlit run app.py``). The page reads like a script: state from the
link and the actions recorded since the last run, widgets drawn from it, then the chosen view (a run
with actions to apply draws the race player before the widgets). Everything else lives in the
``playground`` package.
"""

from pathlib import Path

import streamlit as st

from playground.page import header, sidebar, state, style, views

ICON = Path(__file__).parent / "assets" / "icon.svg"  # a file, so the tab's icon needs no emoji font

state.init_state()
st.set_page_config(page_title="Optimizer Playground", page_icon=str(ICON), layout="wide",
                   initial_sidebar_state="collapsed" if st.session_state.experiment.present else "auto")
acted = state.apply_recorded()
# Widgets only record actions, so the experiment is settled here: nothing drawn below changes it.
experiment = st.session_state.experiment
head, body = st.container(), st.container()
with body:
    preload = style.preload_plotly(experiment.view)  # a first visit to a Plotly view
    places = views.places()
# A run with an action to apply (a learning rate, Add optimizer, a lesson...) has a new race: the
# player goes out first, and the browser draws it while the sidebar and the header follow.
if acted:
    places = views.draw_first(experiment, places)
sidebar.sidebar(experiment)
style.page_style(experiment.present)

with head:
    # A lesson is the page's heading: the map beside its words keeps the first screen.
    if not experiment.present and not experiment.lesson:
        st.title("Optimizer Playground")
        st.caption("Pick a surface and some optimizers in the sidebar, then press ▶ Play. Every optimizer runs the "
                   "exact update rule shown under Equations, in float64.")
    if experiment.present:
        header.present_header(experiment)
    else:
        header.lesson_box(experiment)
        header.surface_header(experiment)
    top = st.columns([5, 1])
    with top[0]:
        views.view_picker(experiment)
    with top[1]:
        header.share_box(experiment)
with places.notes:  # under the player: a warning never moves it
    header.show_warnings()
    header.surface_error(experiment)

state.sync_url(experiment)
preload.empty()
with body:
    views.show_view(experiment, places)
