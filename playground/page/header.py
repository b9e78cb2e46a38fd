"""What sits above the chart: link warnings, a formula's error, the lesson, the surface's name and
formula, and the share box."""

from __future__ import annotations

import streamlit as st

from playground.model import actions, lessons, views
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
    """Presentation mode: the lesson's title beside the surface and its formula, one row, so the player
    below keeps most of a projector's screen (what to watch is beside the map, the explanation under it)."""
    lesson = lessons.find(exp.lesson) if exp.lesson else None
    if lesson is None:
        surface_header(exp)
        return
    left, right = st.columns([2, 3], vertical_alignment="center")
    with left:
        lesson_box(exp)
    with right:
        surface_header(exp)


def beside_player(exp: Experiment) -> bool:
    """Whether the view is the race player's, which shows a lesson's "what to watch" beside its map."""
    row = views.BY_KEY.get(exp.view)
    return row is not None and row.player


def _edited(exp: Experiment, lesson: lessons.Lesson) -> bool:
    try:
        return exp.race_signature() != lesson.experiment.race_signature()
    except ValueError:
        return True


def lesson_box(exp: Experiment) -> None:
    """The lesson above the view: its title (and a note when its settings were changed). Beside the
    race player, what to watch goes into the player's side column and the explanation under it, so
    the map keeps the first screen; above any other view both stay here."""
    lesson = lessons.find(exp.lesson) if exp.lesson else None
    if lesson is None:
        return
    edited = _edited(exp, lesson)
    title = lesson.title + (" — edited" if edited else "")
    st.markdown(f"**{title}**")
    if edited:
        st.warning("You have changed this lesson's settings: the lesson's text describes its own race, "
                   "which may no longer be what the chart shows.", icon=":material/edit:")
        st.button("Restore the lesson's settings", key=keys.RESTORE_LESSON, on_click=record,
                  args=(actions.LoadLesson(lesson.key),))
    if not beside_player(exp):
        st.markdown(f"**What to watch:** {lesson.watch}")
        _explanation(lesson)


def lesson_explanation(exp: Experiment) -> None:
    """Under the race player: why the lesson's race does what it does, folded."""
    lesson = lessons.find(exp.lesson) if exp.lesson else None
    if lesson is not None and beside_player(exp):
        _explanation(lesson)


def _explanation(lesson: lessons.Lesson) -> None:
    with st.expander("Why this happens", expanded=False):
        # One paragraph a sentence group, as written; Markdown keeps them apart.
        st.markdown(lesson.explanation)
