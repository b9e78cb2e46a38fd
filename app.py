"""Optimizer Playground: watch gradient-descent optimizers race on loss surfaces.

Run with ``make run`` (or ``streamlit run app.py``). The page reads like a script: state from the
link, widgets, then the chosen view (a run that only edited a value draws the race player before the
widgets). Everything else lives in the ``playground`` package.
"""

from pathlib import Path

import streamlit as st

from playground.page import header, sidebar, state, style, views

ICON = Path(__file__).parent / "assets" / "icon.svg"  # a file, so the tab's icon needs no emoji font

state.init_state()
st.set_page_config(page_title="Optimizer Playground", page_icon=str(ICON), layout="wide",
                   initial_sidebar_state="collapsed" if st.session_state.experiment.present else "auto")
edits_only = state.apply_recorded()
head, body = st.container(), st.container()
with body:
    preload = style.preload_plotly(st.session_state.experiment.view)  # a first visit to a Plotly view
    places = views.places()
# A run that only edited values (a learning rate, the steps...) already knows its race: the player
# goes out first, and the browser draws it while the sidebar and the header follow.
drawn = st.session_state.experiment if edits_only else None
if drawn is not None:
    places = views.draw_first(drawn, places)
experiment = sidebar.sidebar(st.session_state.experiment)
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
        view = views.view_picker(experiment)
    with top[1]:
        header.share_box(experiment)
experiment = views.with_view(experiment, view)
with places.notes:  # under the player: a warning never moves it
    header.show_warnings()
    header.surface_error(experiment)

st.session_state.experiment = experiment
state.sync_url(experiment)
if places.drawn and experiment != drawn:
    st.rerun()  # the sidebar read back another race than the one drawn first: draw the page again
preload.empty()
with body:
    views.show_view(experiment, places)
