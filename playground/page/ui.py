"""The page's widgets and views. ``app.py`` calls these in order; no optimizer maths happens here.

State: the current :class:`Experiment` lives in ``st.session_state["experiment"]``; widgets are
drawn from it and read back into a new one on every run. Keys carry a generation number that
changes when the experiment is replaced wholesale (a lesson, a reset), so the widgets start afresh
from it; entry widgets also carry a stable id per entry, so adding, removing or duplicating one
leaves the others' settings alone.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import optimizers
import surfaces
from playground import figures
from playground.model import defaults, lessons, metrics, schedules
from playground.model.caps import CAPS
from playground.model.experiment import (
    COLOR_RE,
    LABEL_MAX,
    SCHEDULES,
    Entry,
    Experiment,
    Schedule,
    clean_label,
    decode,
    default_experiment,
    encode,
    round_to_window,
    surface_only,
    to_query_string,
)
from playground.model.simulate import Race, simulate
from playground.page import player

VIEW_NAMES = {
    "race": "Race",
    "side": "Side by side",
    "3d": "3-D",
    "curves": "Curves",
    "table": "Summary",
    "equations": "Equations",
    "sweep": "Sweep",
    "internals": "Internals",
}

# --- State ------------------------------------------------------------------------------------


def init_state() -> None:
    """Read the experiment from the URL once per session."""
    ss = st.session_state
    if "experiment" in ss:
        return
    exp, warnings = decode(st.query_params.to_dict())
    ss.experiment = exp
    ss.warnings = warnings
    ss.gen = 0
    ss.ids = list(range(len(exp.entries)))
    ss.next_id = len(exp.entries)
    ss.last_click = None


def replace_experiment(exp: Experiment) -> None:
    ss = st.session_state
    ss.experiment = exp
    ss.gen += 1
    ss.ids = list(range(ss.next_id, ss.next_id + len(exp.entries)))
    ss.next_id += len(exp.entries)


def _on_lesson() -> None:
    key = st.session_state.get(f"lesson-{st.session_state.gen}")
    if not key:  # "— choose a lesson —": the race stays, the lesson's text goes
        st.session_state.experiment = replace(st.session_state.experiment, lesson="")
        return
    lesson = lessons.find(key)
    if lesson is not None:
        replace_experiment(replace(lesson.experiment, present=st.session_state.experiment.present))
        st.session_state.warnings = []


def _on_restore_lesson(key: str) -> None:
    lesson = lessons.find(key)
    if lesson is not None:
        replace_experiment(replace(lesson.experiment, present=st.session_state.experiment.present))


def _on_reset() -> None:
    replace_experiment(default_experiment())
    st.session_state.warnings = []


def _on_add() -> None:
    ss = st.session_state
    exp: Experiment = ss.experiment
    if len(exp.entries) >= CAPS.entries:
        return
    used = {e.optimizer for e in exp.entries}
    key = next((k for k in optimizers.names() if k not in used), "adam")
    ss.experiment = replace(exp, entries=(*exp.entries, Entry(key)))
    ss.ids.append(ss.next_id)
    ss.editing = ss.next_id
    ss.next_id += 1


def _on_remove(i: int) -> None:
    ss = st.session_state
    exp: Experiment = ss.experiment
    ss.experiment = replace(exp, entries=exp.entries[:i] + exp.entries[i + 1 :])
    del ss.ids[i]
    if ss.ids:
        ss.editing = ss.ids[min(i, len(ss.ids) - 1)]


def _on_duplicate(i: int) -> None:
    ss = st.session_state
    exp: Experiment = ss.experiment
    if len(exp.entries) >= CAPS.entries:
        return
    copy = exp.entries[i]
    copy = replace(copy, label=(copy.label + " copy")[:LABEL_MAX] if copy.label else "", color="")
    ss.experiment = replace(exp, entries=(*exp.entries[: i + 1], copy, *exp.entries[i + 1 :]))
    ss.ids.insert(i + 1, ss.next_id)
    ss.editing = ss.next_id
    ss.next_id += 1


def apply_chart_click() -> None:
    """A click on the race chart's click target sets the start (read before the widgets are drawn)."""
    ss = st.session_state
    event = ss.get(f"chart-{ss.gen}")
    try:
        points = event["selection"]["points"] if event else []
    except (KeyError, TypeError):
        points = []
    if not points:
        return
    p = points[0]
    token = (p.get("x"), p.get("y"), p.get("curve_number"))
    if token == ss.last_click or p.get("curve_number") != 1:
        return
    ss.last_click = token
    exp: Experiment = ss.experiment
    try:
        start = (float(p["x"]), float(p["y"]))
    except (KeyError, TypeError, ValueError):
        return
    if all(math.isfinite(c) for c in start):
        try:
            start = round_to_window(start, exp.build_surface().bounds)
        except ValueError:
            return
        ss.experiment = replace(exp, start=start)
        for i, c in enumerate(start):
            ss[f"start{i}-{ss.gen}-{exp.surface}"] = c


# --- Widgets ------------------------------------------------------------------------------------


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


def _sync_from_slider(kn: str, ks: str) -> None:
    st.session_state[kn] = float(st.session_state[ks])


def _sync_from_number(kn: str, ks: str, options: list[float]) -> None:
    value = st.session_state.get(kn)
    if value is not None and value > 0:
        st.session_state[ks] = _nearest(options, value)


def log_number(
    label: str,
    value: float,
    ui_low: float,
    ui_high: float,
    key: str,
    help: str,
    min_value: float | None = None,
    max_value: float | None = None,
) -> float:
    """A log-scale slider of round values plus a number box for the exact value, kept in step.

    Both widgets are keyed and seeded through session state (never ``value=`` as well), because
    each one's callback writes the other's value.
    """
    options = _nice_options(ui_low, ui_high)
    ks, kn = key + "-s", key + "-n"
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
            args=(kn, ks),
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
            args=(kn, ks, options),
        )
    return float(out)


def linear_number(label: str, value: float, ui_low: float, ui_high: float, key: str, help: str) -> float:
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
        )
    )


def hyper_widget(h: optimizers.Hyper, value: Any, key: str) -> Any:
    label = h.name
    if h.is_flag:
        return bool(st.toggle(label, value=bool(value), key=key, help=h.help))
    low = max(h.low, 0.0) if h.low_open else h.low
    if h.log:
        min_value = low if not h.low_open else min(1e-12, h.ui_low or 1e-12)
        max_value = None if math.isinf(h.high) else (h.high if not h.high_open else h.high - 1e-9)
        return log_number(label, float(value), h.ui_low, h.ui_high, key, h.help, min_value, max_value)
    return linear_number(
        label,
        float(value),
        h.ui_low if h.ui_low is not None else low,
        h.ui_high if h.ui_high is not None else h.high,
        key,
        h.help,
    )


def surface_controls(exp: Experiment, gen: int) -> Experiment:
    keys = [*surfaces.names(), "custom"]
    index = keys.index(exp.surface) if exp.surface in keys else 0
    key = st.selectbox(
        "Surface",
        keys,
        index=index,
        key=f"surface-{gen}",
        format_func=lambda k: "Custom formula" if k == "custom" else surfaces.spec(k).name,
    )
    if key == "custom":
        text = st.text_input(
            "f(x, y) =",
            value=exp.formula or "0.5*x**2 + 3*sin(y)**2",
            key=f"formula-{gen}",
            max_chars=CAPS.formula_length,
            help="Numbers, x, y, + − * / **, and sin cos tan exp log sqrt abs tanh sinh cosh "
            "arctan, pi, e. Uses only x → a 1-D surface.",
        )
        c1, c2 = st.columns(2)
        b = exp.bounds if exp.bounds else ((-3.0, 3.0), (-3.0, 3.0))
        lo = c1.number_input("window from", value=float(b[0][0]), key=f"blo-{gen}", step=0.5)
        hi = c2.number_input("to", value=float(b[0][1]), key=f"bhi-{gen}", step=0.5)
        bounds = ((float(lo), float(hi)), (float(lo), float(hi)))
        try:
            s = surfaces.from_formula(text, bounds=[list(r) for r in bounds])
        except ValueError as err:
            # Keep racing on the last valid surface; the page says why beside the chart.
            st.error(f"That formula can't be used: {code_span(str(err))}")
            st.session_state.surface_error = (text, str(err))
            return exp
        st.session_state.surface_error = None
        start = exp.start if exp.surface == "custom" and exp.formula == text and len(exp.start) == s.dim else ()
        return replace(exp, surface="custom", surface_params=(), formula=text, bounds=bounds, start=start)
    st.session_state.surface_error = None
    spec = surfaces.spec(key)
    same = key == exp.surface
    current = dict(exp.surface_params) if same else {}
    st.caption(spec.summary)
    params = {}
    for p in spec.params:
        value = current.get(p.name, p.default)
        lo = p.ui_low if p.ui_low is not None else p.low
        hi = p.ui_high if p.ui_high is not None else p.high
        v = linear_number(p.name, value, lo, hi, f"sp-{gen}-{key}-{p.name}", p.help)
        if v != p.default:
            params[p.name] = v
    return replace(
        exp,
        surface=key,
        surface_params=tuple(sorted(params.items())),
        formula="",
        bounds=exp.bounds if same else (),  # a lesson's view window stays until the surface changes
        start=exp.start if same else (),
    )


def run_controls(exp: Experiment, gen: int) -> Experiment:
    try:
        surface = exp.build_surface()
    except ValueError:
        surface = surfaces.get("rosenbrock")
    start = exp.start_point(surface)
    cols = st.columns(surface.dim)
    coords = []
    for i, c in enumerate(cols):
        key = f"start{i}-{gen}-{exp.surface}"
        if key not in st.session_state:  # seeded here, since a click on the chart also writes it
            st.session_state[key] = float(start[i])
        with c:
            coords.append(
                float(
                    st.number_input(
                        f"start {'xy'[i]}",
                        step=0.1,
                        format="%.3f",
                        key=key,
                        min_value=-CAPS.coordinate,
                        max_value=CAPS.coordinate,
                    )
                )
            )
    new_start = tuple(coords)
    if surface.dim == 2:
        st.caption("Or click on the race chart to start there.")
    # Any whole number of steps a link may carry (1 to the cap), so the page runs what the link says.
    steps = st.slider("Steps", 1, CAPS.steps, int(min(max(exp.steps, 1), CAPS.steps)), step=1, key=f"steps-{gen}")
    speed = st.select_slider(
        "Animation speed",
        options=[0.25, 0.5, 1.0, 2.0, 4.0],
        value=exp.speed if exp.speed in (0.25, 0.5, 1.0, 2.0, 4.0) else 1.0,
        key=f"speed-{gen}",
        format_func=lambda v: f"{v:g}×",
    )
    batch = 0
    if surface.data is not None:
        n = len(surface.data.y)
        batch = st.number_input(
            f"Mini-batch size (0 = all {n} points)",
            min_value=0,
            max_value=n,
            value=int(min(exp.batch_size, n)),
            step=1,
            key=f"batch-{gen}-{exp.surface}-{n}",
            help="Each step's gradient comes from this many points, drawn without replacement and reshuffled "
            "every epoch, from the seed under Noisy gradients.",
        )
    with st.expander("Noisy gradients", expanded=exp.noise > 0):
        noise = st.number_input(
            "Noise σ (added to every gradient)",
            min_value=0.0,
            max_value=CAPS.noise,
            value=float(exp.noise),
            step=0.1,
            key=f"noise-{gen}",
            format="%g",
        )
        seed = st.number_input("Seed", min_value=0, max_value=2**31 - 1, value=int(exp.seed), step=1, key=f"seed-{gen}")
        seeds = st.slider("Seeds shown as a spread (curves view)", 1, CAPS.seeds, int(exp.seeds), key=f"seeds-{gen}")
    return replace(
        exp,
        start=() if new_start == tuple(surface.default_start) else new_start,
        steps=int(steps),
        speed=float(speed),
        noise=float(noise),
        seed=int(seed),
        seeds=int(seeds),
        batch_size=int(batch),
    )


def entry_controls(exp: Experiment, i: int, entry: Entry, uid: int, color: str, label: str) -> Entry:
    keys = optimizers.names()
    k = f"e{uid}"
    c1, c2 = st.columns([3, 1])
    opt = c1.selectbox(
        "Optimizer",
        keys,
        index=keys.index(entry.optimizer),
        key=f"{k}-opt",
        format_func=lambda o: optimizers.spec(o).name,
    )
    picked = c2.color_picker("Colour", value=color, key=f"{k}-color")
    spec = optimizers.spec(opt)
    st.caption(spec.summary)
    name = st.text_input("Label", value=entry.label, key=f"{k}-label", max_chars=LABEL_MAX, placeholder=label)
    overrides = entry.hyper_dict if opt == entry.optimizer else {}
    base = {**spec.defaults, "lr": defaults.learning_rate(exp.surface, opt)}
    hyper = {}
    for h in spec.hypers:
        value = overrides.get(h.name, base[h.name])
        wkey = f"{k}-{opt}-{exp.surface if h.name == 'lr' else ''}-{h.name}"
        v = hyper_widget(h, value, wkey)
        if v != base[h.name]:
            hyper[h.name] = v
    sched = schedule_controls(entry.schedule if opt == entry.optimizer else Schedule(), f"{k}-{opt}", exp.steps)
    b1, b2 = st.columns(2)
    b1.button(
        "Duplicate",
        key=f"{k}-dup",
        on_click=_on_duplicate,
        args=(i,),
        disabled=len(exp.entries) >= CAPS.entries,
        width="stretch",
    )
    b2.button("Remove", key=f"{k}-rm", on_click=_on_remove, args=(i,), width="stretch")
    default_color = defaults.PALETTE[i % len(defaults.PALETTE)]
    return Entry(
        opt,
        tuple(sorted(hyper.items())),
        clean_label(name or ""),
        "" if picked.lower() == default_color.lower() else picked.lower(),
        sched,
    )


def _entry_summary(exp: Experiment, i: int, labels: list[str]) -> str:
    """One line per entry in the list: its label and learning rate."""
    entry = exp.entries[i]
    try:
        lr = exp.resolve(entry).hyper["lr"]
    except ValueError:
        return labels[i]
    return f"{labels[i]} · lr {lr:g}"


def schedule_controls(sched: Schedule, key: str, steps: int) -> Schedule:
    kind = st.selectbox(
        "Learning-rate schedule",
        SCHEDULES,
        index=SCHEDULES.index(sched.kind),
        key=f"{key}-sched",
        format_func=lambda s: schedules.NAMES[s],
    )
    warmup = st.number_input(
        "Warm-up steps", min_value=0, max_value=CAPS.steps, value=int(sched.warmup), step=10, key=f"{key}-warmup"
    )
    gamma, every = sched.gamma, sched.every
    if kind in ("step", "exponential"):
        gamma = st.number_input(
            "Decay factor γ",
            min_value=1e-6,
            max_value=1.0,
            value=float(sched.gamma),
            format="%g",
            key=f"{key}-gamma",
            step=0.05 if kind == "step" else 0.001,
        )
    if kind == "step":
        every = st.number_input(
            "Every k steps", min_value=1, max_value=CAPS.steps, value=int(sched.every), key=f"{key}-every"
        )
    out = Schedule(kind, int(warmup), float(gamma), int(every))
    fac = schedules.factors(out, steps)
    if fac is not None:
        st.latex(schedules.LATEX[kind])
        st.line_chart(fac, height=90, x_label="step", y_label="lr factor")
    return out


def sidebar(exp: Experiment) -> Experiment:
    ss = st.session_state
    gen = ss.gen
    with st.sidebar:
        st.header("Optimizer Playground")
        titles = {lesson.key: lesson.title for lesson in lessons.LESSONS}
        options = ["", *titles]
        st.selectbox(
            "Lessons",
            options,
            index=options.index(exp.lesson) if exp.lesson in options else 0,
            key=f"lesson-{gen}",
            on_change=_on_lesson,
            format_func=lambda k: titles.get(k, "— choose a lesson —"),
        )
        present = st.toggle(
            "Presentation mode",
            value=exp.present,
            key=f"present-{gen}",
            help="Large fonts and markers, chart filling the screen; also ?present=1 in a link.",
        )
        with st.expander("Surface", expanded=True):
            exp = surface_controls(exp, gen)
        with st.expander("Start and run", expanded=True):
            exp = run_controls(exp, gen)
        st.subheader("Optimizers")
        colors = exp.colors()
        labels = exp.labels()
        entries = list(exp.entries)
        if entries:
            # One entry's widgets at a time: eight full sets would make every rerun slow and the
            # sidebar endless. The others keep their settings in the experiment.
            by_uid = {uid: i for i, uid in enumerate(ss.ids)}
            editing = ss.get("editing")
            if editing not in by_uid:
                editing = ss.ids[0]
            shown = [_entry_summary(exp, by_uid[uid], labels) for uid in ss.ids]
            # The browser drops a radio's selection when its option texts change (a new surface
            # changes every learning rate), so new texts make a new widget, seeded with the entry
            # being edited.
            signature = zlib.crc32("\n".join(shown).encode())
            chosen = st.radio(
                "Edit",
                ss.ids,
                index=ss.ids.index(editing),
                key=f"edit-{gen}-{'-'.join(map(str, ss.ids))}-{signature}",
                format_func=dict(zip(ss.ids, shown, strict=True)).get,
                label_visibility="collapsed",
            )
            ss.editing = chosen
            i = by_uid[chosen]
            with st.container(border=True):
                entries[i] = entry_controls(exp, i, exp.entries[i], chosen, colors[i], labels[i])
        st.button(
            "Add optimizer",
            icon=":material/add:",
            on_click=_on_add,
            disabled=len(exp.entries) >= CAPS.entries,
            width="stretch",
            key="add",
            help=f"Up to {CAPS.entries} optimizers; the same one may appear with different settings.",
        )
        if len(exp.entries) >= CAPS.entries:
            st.caption(f"A race holds at most {CAPS.entries} optimizers: remove one to add another.")
        st.button("Reset to the default race", on_click=_on_reset, width="stretch", key="reset")
    return replace(exp, entries=tuple(entries), present=present)


def sync_url(exp: Experiment) -> None:
    """Make the address bar describe the current experiment (so a reload or a shared link restores it)."""
    wanted = encode(exp)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# --- Cached computation --------------------------------------------------------------------------


def race_key(exp: Experiment) -> Experiment:
    """The part of the experiment that fixes the race: how it is shown (view, presentation, speed,
    the lesson it came from) does not change a single number."""
    return replace(exp, view="race", present=False, speed=1.0, lesson="")


# Caches are keyed on the frozen experiment itself (or the part of it that matters), never on a
# link string made from it: text that takes a round trip through the link codec can come back
# changed (a formula's '+' read as a space once drew a formula over Rosenbrock's backdrop).
@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def cached_race(key: Experiment) -> Race:
    return simulate(key)


def surface_key(exp: Experiment) -> Experiment:
    """The part of the experiment that fixes the surface (and so its shaded backdrop)."""
    return surface_only(exp)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def cached_backdrop(key: Experiment, side: bool, dark: bool, present: bool) -> figures.Backdrop:
    theme = figures.Theme(dark=dark, present=present)
    return figures.backdrop(key.build_surface(), theme, **(figures.SIDE_BACKDROP if side else {}))


@st.cache_data(max_entries=48, ttl=3600, show_spinner=False)
def cached_figure(key: Experiment, view: str, speed: float, dark: bool, present: bool, arrows: bool = False) -> dict:
    race = cached_race(key)
    race = replace(race, experiment=replace(race.experiment, speed=speed))
    theme = figures.Theme(dark=dark, present=present)
    height = 860 if present else 720
    if race.surface.dim == 1 and view in ("race", "side", "3d"):
        return figures.oned_figure(race, theme, height=height)
    if view == "3d":
        return figures.surface3d_figure(race, theme, height=height)
    if view == "curves":
        return figures.curves_figure(race, theme, height=height + 80)
    backdrop = cached_backdrop(surface_key(race.experiment), view == "side", dark, present)
    if view == "side":
        return figures.side_figure(race, theme, backdrop=backdrop)
    return figures.race_figure(race, theme, height=height, with_arrows=arrows, backdrop=backdrop)


# --- Main area ------------------------------------------------------------------------------------


_STYLE = """
<style>
.block-container {padding-top: 2.2rem;}
</style>
"""

_PRESENT_STYLE = """
<style>
.block-container {padding-top: 0.6rem; padding-left: 1rem; padding-right: 1rem; max-width: 100%;}
header[data-testid="stHeader"] {height: 0; min-height: 0; visibility: hidden;}
.stMarkdown p, .stMarkdown li {font-size: 1.25rem;}
</style>
"""


def page_style(present: bool) -> None:
    """Tighter margins; in presentation mode, chrome hidden and larger text (fixed CSS, no user input)."""
    st.markdown(_PRESENT_STYLE if present else _STYLE, unsafe_allow_html=True)


def preload_plotly():
    """On a session's first run, an empty chart before the sidebar is built: the browser then fetches
    Plotly's 4.7 MB bundle while the server is still working. Returns the slot to clear afterwards."""
    slot = st.empty()
    if not st.session_state.get("plotly_preloaded"):
        st.session_state.plotly_preloaded = True
        empty = {"data": [{"type": "scatter", "x": [], "y": []}],
                 "layout": {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}
        slot.plotly_chart(figures.for_streamlit(empty), config={"staticPlot": True}, theme=None)
    return slot


def dark_theme() -> bool:
    try:
        return st.context.theme.type == "dark"
    except AttributeError:
        return False


def code_span(text: str) -> str:
    """User text as inline code in Markdown: a backtick inside it could close the span, so it is
    shown as a look-alike quote."""
    return "`" + text.replace("`", "\u02cb") + "`"


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
    if exp.surface == "custom":
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
        if st.button("Dismiss", key="dismiss-warnings"):
            st.session_state.warnings = []
            st.rerun()


def view_picker(exp: Experiment) -> str:
    gen = st.session_state.gen
    view = st.segmented_control(
        "View",
        list(VIEW_NAMES),
        default=exp.view,
        key=f"view-{gen}",
        format_func=VIEW_NAMES.get,
        label_visibility="collapsed",
    )
    return view or exp.view


def with_view(exp: Experiment, view: str) -> Experiment:
    return replace(exp, view=view)


@st.cache_data(max_entries=48, ttl=3600, show_spinner=False)
def cached_player_data(key: Experiment, view: str, speed: float, dark: bool, present: bool, arrows: bool) -> dict:
    """The race player's data (every step, typed arrays), built once per race and look."""
    race = cached_race(key)
    race = replace(race, experiment=replace(race.experiment, speed=speed))
    layout = player.layout_for(race, view)
    backdrop = None
    if layout != "oned":
        backdrop = cached_backdrop(surface_key(race.experiment), layout == "side", dark, present)
    return player.payload(race, layout, backdrop, dark=dark, present=present, arrows=arrows)


def _start_from_player(point: tuple[float, ...]) -> None:
    """A click on the player's map: the new start, written before the sidebar's inputs are drawn."""
    ss = st.session_state
    exp: Experiment = ss.experiment
    ss.experiment = replace(exp, start=point)
    for i, c in enumerate(point):
        ss[f"start{i}-{ss.gen}-{exp.surface}"] = c


def show_view(exp: Experiment) -> None:
    if not exp.entries:
        st.info("Add an optimizer in the sidebar to start a race.")
        return
    key = race_key(exp)
    with st.spinner("Running the optimizers…"):
        race = cached_race(key)
    diverged = [
        f"{label} diverged at step {tr.diverged_at}"
        for label, tr in zip(race.labels, race.trajectories, strict=True)
        if tr.diverged_at is not None
    ]
    if diverged:
        st.warning(" · ".join(diverged) + " — its path stops at the last finite position (|coordinate| ≤ 10⁶).")
    view = exp.view
    if view in ("race", "side") or (view == "3d" and race.surface.dim == 1):
        if view == "3d":
            st.caption("A 1-D surface has no 3-D view; here is the curve instead.")
        elif view == "side" and race.surface.dim == 1:
            st.caption("On a 1-D surface every run moves on the same curve, so one panel per optimizer would "
                       "repeat it: the runs share the curve here, and x over the steps below keeps them apart.")
        arrows = False
        if view == "race" and race.surface.dim == 2 and not exp.present:  # the chart keeps the room
            arrows = st.toggle(
                "Show the downhill direction (dotted) and the step taken (solid) at the current step",
                key=f"arrows-{st.session_state.gen}",
            )
        data = cached_player_data(key, view, exp.speed, dark_theme(), exp.present, arrows)
        player.show(data, key=f"{player.KEY_PREFIX}-{st.session_state.gen}", on_start=_start_from_player)
        st.caption(
            "▶ Play runs every optimizer on one clock (space; ← → step; Home/End); drag the slider to scrub. "
            + ("Faint lines are the whole paths; ★ marks the known minima, ○ the start. Click the map to start "
               "there." if race.surface.dim == 2 else "Below the curve: each run's x over the steps.")
        )
        if race.surface.data is not None and view == "race":
            from playground.page import data_view

            data_view.show(race, dark_theme(), exp.present)
        if not exp.present:
            from playground.page import export_panel

            export_panel.show(exp, race)
    elif view in ("3d", "curves"):
        spec = cached_figure(key, view, exp.speed, dark_theme(), exp.present)
        st.plotly_chart(figures.for_streamlit(spec), config={"displaylogo": False}, theme=None)
        if not exp.present:
            from playground.page import export_panel

            export_panel.show(exp, race)
    elif view == "table":
        summary_table(race)
    elif view == "equations":
        equations(exp, race)
    elif view == "sweep":
        from playground.page import sweep_view

        sweep_view.show(exp, race)
    elif view == "internals":
        from playground.page import internals_view

        internals_view.show(exp, race)


# Columns where a missing number means "it never happened"; elsewhere it means "unknown here".
_NEVER = ("diverged at", "steps to within")


def summary_cell(column: str, value: Any) -> str:
    """A summary value as the table shows it: 4 significant digits, whole numbers with separators,
    and words instead of None."""
    if value is None:
        return "never" if column.startswith(_NEVER) else "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    v = float(value)
    return f"{v:.4g}" if math.isfinite(v) else "—"


def summary_table(race: Race) -> None:
    rows = []
    for label, tr in zip(race.labels, race.trajectories, strict=True):
        row = {"": "", "optimizer": label}
        row.update({k: summary_cell(k, v) for k, v in metrics.summary(tr, race.surface).items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    # The first column is a swatch in each run's colour (a filled cell, no glyph a font may lack).
    swatches = [f"background-color: {c}" for c in race.colors]
    styled = frame.style.apply(lambda _: swatches, subset=[""], axis=0).hide(axis="index")
    st.table(styled)
    st.caption(
        "Steps to within 0.001: the first step from which the loss stays within 0.001 of the known minimum "
        "value (never: it has not settled there by the last step). Path length: the distance travelled, "
        "summed over the steps."
    )


def equations(exp: Experiment, race: Race) -> None:
    for entry, label, color, tr in zip(exp.entries, race.labels, race.colors, race.trajectories, strict=True):
        spec = optimizers.spec(entry.optimizer)
        st.markdown(f"#### {swatch(color)} {label}", unsafe_allow_html=True)
        st.caption(f"{spec.name} — {spec.reference}")
        st.latex(spec.rule_latex)
        st.latex(hyper_values_latex(spec, tr.optimizer.hyper))
        if not entry.schedule.is_default():
            st.latex(
                schedules.LATEX[entry.schedule.kind]
                + (
                    rf"\quad(\text{{warm-up }} {entry.schedule.warmup} \text{{ steps}})"
                    if entry.schedule.warmup
                    else ""
                )
            )


def swatch(color: str) -> str:
    """A small square in a run's colour (CSS, no glyph a font may lack). Colours are #rrggbb only:
    links and pickers are validated, so nothing else reaches this HTML."""
    color = color if COLOR_RE.match(color) else "#808080"
    return (f'<span style="display:inline-block;width:0.8em;height:0.8em;border-radius:0.2em;'
            f'background:{color};vertical-align:baseline"></span>')


def hyper_values_latex(spec: optimizers.OptimizerSpec, hyper: dict) -> str:
    """The current values: symbols for numbers (η = 0.05), words for switches (AMSGrad: off)."""
    numbers = [f"{h.symbol} = {_fmt(hyper[h.name])}" for h in spec.hypers if not h.is_flag]
    flags = [rf"\text{{{h.display_name}: {'on' if hyper[h.name] else 'off'}}}" for h in spec.hypers if h.is_flag]
    return r",\quad ".join([", ".join(numbers), *flags] if numbers else flags)


def _fmt(v: Any) -> str:
    """A hyperparameter value in LaTeX: 0.05, 1 \\times 10^{-8}, on/off."""
    if isinstance(v, bool | np.bool_):
        return r"\text{on}" if v else r"\text{off}"
    text = f"{float(v):g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


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
    if exp.surface == "custom":
        # What the user typed is shown as code, never read as Markdown ('**' would turn bold).
        st.markdown(f"**Custom formula** &nbsp; {code_span(exp.formula)}")
    else:
        params = ", ".join(f"{k} = {v:g}" for k, v in surface.params.items())
        st.markdown(f"**{surface.name}**" + (f" &nbsp; ({params})" if params else ""))
    st.latex(surface.latex)


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
            st.button("Restore the lesson's settings", key="restore-lesson", on_click=_on_restore_lesson,
                      args=(lesson.key,))
        st.markdown(f"**What to watch:** {lesson.watch}")
        if exp.present:
            st.markdown(lesson.explanation)
        else:
            with st.expander("Why this happens", expanded=False):
                st.markdown(lesson.explanation)
