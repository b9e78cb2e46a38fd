"""The race player on the page: a Streamlit component (``st.components.v2``) that plays a simulated
race in the browser.

What it is sent is built below the page, without Streamlit: the payload in
:mod:`playground.figures.player_data`, the player's modules and stylesheet in
:mod:`playground.figures.player_script`, the arrays as bytes in :mod:`playground.figures.transport`.
This module mounts the component, sends each page a surface's backdrop once, and reads the clicks
back. The server serves ``assets/`` as ``static/`` (a link to it, with
``server.enableStaticServing``), so the page imports the modules once and each change carries only
the data and a few lines of loader; without static serving the modules go inline as one script.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import streamlit as st

from playground.figures.player_script import loader, script, style
from playground.figures.transport import pack

NAME = "race_player"
KEY_PREFIX = "race-player"


@cache
def _component():
    # Served from the static folder where the server serves it (the project's config turns that on);
    # anywhere else the modules travel inline, as one script, with every change.
    js = loader() if st.get_option("server.enableStaticServing") else script()
    return st.components.v2.component(NAME, html="", css=style(), js=js, isolate_styles=True)


def parse_start(value, dim: int = 2) -> tuple[float, ...] | None:
    """The clicked start sent back by the player, if it is ``dim`` finite numbers; else None."""
    if not isinstance(value, list | tuple) or len(value) != dim:
        return None
    try:
        out = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return out if all(math.isfinite(v) for v in out) else None


def without_known_backdrop(data: dict, sent: set[str]) -> dict:
    """``data`` to send to a page that was already sent the backdrops in ``sent``: one it has is
    named by its id only (the player keeps them); one it has not is sent, and added to ``sent``."""
    known = data.get("backdrop")
    if known is None:
        return data
    if known in sent:
        return {**data, "image": None, "iso": None}
    sent.add(known)
    return data


def show(data: dict, key: str, on_start: Callable[[tuple[float, ...]], None] | None = None):
    """Mount the player with ``data``; a click on the race chart calls ``on_start(point)`` before the
    rerun it causes (so the sidebar's start inputs are drawn with the new value). A surface's
    backdrop goes to a page once; should the player ever lack one it asks, and the rerun resends it."""
    sent = st.session_state.setdefault("backdrops_sent", set())

    def value_of(name: str):
        state = st.session_state.get(key)
        return state.get(name) if hasattr(state, "get") else getattr(state, name, None)

    def started() -> None:
        point = parse_start(value_of("start"), data.get("dim", 2))
        if point is not None and on_start is not None:
            on_start(point)

    def lacks_backdrop() -> None:
        sent.discard(str(value_of("backdrop")))

    return _component()(data=pack(without_known_backdrop(data, sent)), key=key, on_start_change=started,
                        on_backdrop_change=lacks_backdrop, width="stretch")
