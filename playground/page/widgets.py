"""Number widgets the sidebar builds from: a log slider kept in step with an exact box, a linear
slider, and one widget per optimizer hyperparameter."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import streamlit as st

import optimizers
from playground.page import keys


def _nice_options(low: float, high: float) -> list[float]:
    out = []
    for k in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
        for m in (1, 2, 5):
            v = float(f"{m}e{k}")
            if low * 0.999 <= v <= high * 1.001:
                out.append(v)
    return out


def _nearest(options: list[float], value: float) -> float:
    return min(options, key=lambda o: abs(math.log10(o) - math.log10(max(value, 1e-300))))


#: Told a widget's new value in its callback, before the run (the page records it as an action).
OnSet = Callable[[Any], None] | None


def _sync_from_slider(kn: str, ks: str, on_set: OnSet = None) -> None:
    st.session_state[kn] = float(st.session_state[ks])
    if on_set:
        on_set(st.session_state[kn])


def _sync_from_number(kn: str, ks: str, options: list[float], on_set: OnSet = None) -> None:
    value = st.session_state.get(kn)
    if value is not None and value > 0:
        st.session_state[ks] = _nearest(options, value)
    if value is not None and on_set:
        on_set(float(value))


def _changed(key: str, cast: type, on_set: OnSet) -> None:
    if on_set and st.session_state.get(key) is not None:
        on_set(cast(st.session_state[key]))


def log_number(
    label: str,
    value: float,
    ui_low: float,
    ui_high: float,
    key: str,
    help: str,
    min_value: float | None = None,
    max_value: float | None = None,
    on_set: OnSet = None,
) -> float:
    """A log-scale slider of round values plus a number box for the exact value, kept in step.

    Both widgets are keyed and seeded through session state (never ``value=`` as well), because
    each one's callback writes the other's value. ``on_set`` hears the new value from either.
    """
    options = _nice_options(ui_low, ui_high)
    ks, kn = key + keys.LOG_SLIDER, key + keys.LOG_EXACT
    ss = st.session_state
    if kn not in ss:
        ss[kn] = float(value)
    if ks not in ss or ss[ks] not in options:
        ss[ks] = _nearest(options, ss[kn])
    c1, c2 = st.columns([3, 2])
    with c1:
        st.select_slider(
            label,
            options=options,
            key=ks,
            help=help,
            format_func=lambda v: f"{v:g}",
            on_change=_sync_from_slider,
            args=(kn, ks, on_set),
        )
    with c2:
        step = 10.0 ** math.floor(math.log10(value)) if value > 0 else 1e-3
        out = st.number_input(
            f"{label} (exact)",
            min_value=min_value,
            max_value=max_value,
            step=step,
            format="%g",
            key=kn,
            label_visibility="hidden",
            on_change=_sync_from_number,
            args=(kn, ks, options, on_set),
        )
    return float(out)


def linear_number(label: str, value: float, ui_low: float, ui_high: float, key: str, help: str,
                  on_set: OnSet = None) -> float:
    lo, hi = min(ui_low, value), max(ui_high, value)
    step = 0.001 if hi - lo <= 2 else round((hi - lo) / 1000, 6) or 0.001
    return float(
        st.slider(
            label,
            min_value=float(lo),
            max_value=float(hi),
            value=float(value),
            step=step,
            key=key,
            help=help,
            format="%.4g",
            on_change=_changed,
            args=(key, float, on_set),
        )
    )


def hyper_widget(h: optimizers.Hyper, value: Any, key: str, on_set: OnSet = None) -> Any:
    """The widget of hyperparameter ``h``; ``on_set`` hears each new value (a float, or a bool for
    a switch), as the widget returns it."""
    label = h.name
    if h.is_flag:
        return bool(st.toggle(label, value=bool(value), key=key, help=h.help, on_change=_changed,
                              args=(key, bool, on_set)))
    low = max(h.low, 0.0) if h.low_open else h.low
    if h.log:
        min_value = low if not h.low_open else min(1e-12, h.ui_low or 1e-12)
        max_value = None if math.isinf(h.high) else (h.high if not h.high_open else h.high - 1e-9)
        return log_number(label, float(value), h.ui_low, h.ui_high, key, h.help, min_value, max_value, on_set)
    return linear_number(
        label,
        float(value),
        h.ui_low if h.ui_low is not None else low,
        h.ui_high if h.ui_high is not None else h.high,
        key,
        h.help,
        on_set,
    )
