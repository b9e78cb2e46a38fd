"""What sits above the chart: link warnings, a formula's error, the lesson, the surface's name and
formula, and the share box."""

from __future__ import annotations

import streamlit as st

from playground.model import actions, lessons
from playground.model.experiment import (
    Experiment,
)
from playground.model.link import to_query_string
from playground.page import keys
from playground.page.state import record
from playground.page.style import code_span


def surface_error(exp: Experiment) -> None:
    """A formula that can't be used, said beside the chart, with what the race shows instead."""
    failed = st.session_state.get("surface_error")
    if not failed:
        return
    text, err = failed
    try:
        kept = exp.build_surface().name
    except ValueError:
        kept = "the previous surface"
    if exp.surface_key == "custom":
        kept = f"the last formula that worked, {code_span(exp.formula)}"
    st.error(f"The formula {code_span(text)} can't be used: {code_span(err)}. The race still shows {kept}.",
             icon=":material/error:")


def show_warnings() -> None:
    warnings = st.session_state.get("warnings") or []
    if not warnings:
        return
    with st.container(border=True):
        st.warning(
            "Parts of this link could not be used, so defaults stand in for them:\n\n"
            + "\n".join(f"- {w}" for w in warnings[:20])
            + (f"\n- … and {len(warnings) - 20} more" if len(warnings) > 20 else "")
        )
        if st.button("Dismiss", key=keys.DISMISS_WARNINGS):
            st.session_state.warnings = []
            st.rerun()


def share_box(exp: Experiment) -> None:
    query = to_query_string(exp)
    base = ""
    try:
        url = st.context.url
        if url:
            base = url.split("?")[0]
    except AttributeError:
        base = ""
    with st.popover("Copy link", icon=":material/link:", width="content"):
        st.caption("This link reopens exactly this race (copy button at the right of the box).")
        st.code(f"{base}?{query}", language=None, wrap_lines=True)


def surface_header(exp: Experiment) -> None:
    """The surface's name and formula above the chart, large enough to read from the back."""
    try:
        surface = exp.build_surface()
    except ValueError:
        return
    if exp.surface_key == "custom":
        # What the user typed is shown as code, never read as Markdown ('**' would turn bold).
        st.markdown(f"**Custom formula** &nbsp; {code_span(exp.formula)}")
    else:
        params = ", ".join(f"{k} = {v:g}" for k, v in surface.params.items())
        st.markdown(f"**{surface.name}**" + (f" &nbsp; ({params})" if params else ""))
    st.latex(surface.latex)


def present_header(exp: Experiment) -> None:
    """Presentation mode: the lesson (folded to its title) beside the surface and its formula, one row,
    so the player below keeps three quarters of a projector's screen."""
    lesson = lessons.find(exp.lesson) if exp.lesson else None
    if lesson is None:
        surface_header(exp)
        return
    left, right = st.columns([2, 3], vertical_alignment="center")
    with left:
        lesson_box(exp)
    with right:
        surface_header(exp)


def lesson_box(exp: Experiment) -> None:
    lesson = lessons.find(exp.lesson) if exp.lesson else None
    if lesson is None:
        return
    try:
        edited = exp.race_signature() != lesson.experiment.race_signature()
    except ValueError:
        edited = True
    title = lesson.title + (" — edited" if edited else "")
    # The lesson stays short above the race (title and what to watch); the explanation folds open
    # on demand, so the player keeps the first screen. Presentation mode folds the whole lesson.
    box = st.expander(title, expanded=False) if exp.present else st.container(border=True)
    with box:
        if not exp.present:
            st.markdown(f"**{title}**")
        if edited:
            st.warning("You have changed this lesson's settings: the text below describes the lesson's own race, "
                       "which may no longer be what the chart shows.", icon=":material/edit:")
            st.button("Restore the lesson's settings", key=keys.RESTORE_LESSON, on_click=record,
                      args=(actions.LoadLesson(lesson.key),))
        st.markdown(f"**What to watch:** {lesson.watch}")
        if exp.present:
            st.markdown(lesson.explanation)
        else:
            with st.expander("Why this happens", expanded=False):
                st.markdown(lesson.explanation)
