"""The sidebar: lesson picker, surface, start and run settings, and the optimizer entries (one
editor at a time).

Every widget is drawn from the experiment and records an action in its callback
(:mod:`playground.model.actions`); the sidebar never reads a widget back into the experiment, so
it returns nothing."""

from __future__ import annotations

import functools
import zlib

import streamlit as st

import optimizers
import surfaces
from playground.model import actions, lessons, schedules
from playground.model.actions import CUSTOM_FORMULA, CUSTOM_WINDOW, FORMULA_WINDOW, SPEEDS
from playground.model.caps import CAPS
from playground.model.experiment import LABEL_MAX, Entry, Experiment, Schedule
from playground.page import keys
from playground.page.state import on_hyper, on_lesson, on_run, on_widget, record, recorder
from playground.page.style import code_span
from playground.page.widgets import hyper_widget, linear_number

__all__ = ["CUSTOM_FORMULA", "CUSTOM_WINDOW", "sidebar"]


def surface_controls(exp: Experiment, gen: int) -> None:
    choices = [*surfaces.names(), "custom"]
    index = choices.index(exp.surface_key) if exp.surface_key in choices else 0
    st.selectbox(
        "Surface",
        choices,
        index=index,
        key=keys.surface(gen),
        format_func=lambda k: "Custom formula" if k == "custom" else surfaces.spec(k).name,
        on_change=on_widget,
        args=(keys.surface(gen), actions.SetSurface),
    )
    if exp.surface_key == "custom":
        formula_controls(exp, gen)
        return
    st.session_state.surface_error = None
    spec = surfaces.spec(exp.surface_key)
    current = dict(exp.surface_params)
    st.caption(spec.summary)
    for p in spec.params:
        lo = p.ui_low if p.ui_low is not None else p.low
        hi = p.ui_high if p.ui_high is not None else p.high
        linear_number(p.name, current.get(p.name, p.default), lo, hi, keys.surface_param(gen, exp.surface_key, p.name),
                      p.help, recorder(functools.partial(actions.SetSurfaceParam, exp.surface_key, p.name)))


def formula_controls(exp: Experiment, gen: int) -> None:
    """The custom surface's formula and window. One the race cannot use stays in its box, and the
    page says why beside the chart while the race keeps the last one that worked."""
    text = st.text_input(
        "f(x, y) =",
        value=exp.formula or CUSTOM_FORMULA,
        key=keys.formula(gen),
        max_chars=CAPS.formula_length,
        help="Numbers, x, y, + − * / **, and sin cos tan exp log sqrt abs tanh sinh cosh "
        "arctan, pi, e. Uses only x → a 1-D surface.",
        on_change=on_widget,
        args=(keys.formula(gen), actions.SetFormula),
    )
    c1, c2 = st.columns(2)
    b = exp.bounds or FORMULA_WINDOW  # a link's formula without a window means [-3, 3]²
    lo = c1.number_input("window from", value=float(b[0][0]), key=keys.window_from(gen), step=0.5,
                         on_change=on_widget, args=(keys.window_from(gen), functools.partial(actions.SetWindow, 0)))
    hi = c2.number_input("to", value=float(b[0][1]), key=keys.window_to(gen), step=0.5,
                         on_change=on_widget, args=(keys.window_to(gen), functools.partial(actions.SetWindow, 1)))
    st.session_state.surface_error = None
    if (text, float(lo), float(hi)) != (exp.formula, float(b[0][0]), float(b[0][1])):
        # The boxes hold what the race refused: only to say why (the experiment is not read from them).
        try:
            surfaces.from_formula(text, bounds=[[float(lo), float(hi)], [float(lo), float(hi)]])
        except ValueError as err:
            st.error(f"That formula can't be used: {code_span(str(err))}")
            st.session_state.surface_error = (text, str(err))


def _surface(exp: Experiment) -> surfaces.Surface:
    try:
        return exp.build_surface()
    except ValueError:
        return surfaces.get("rosenbrock")


def run_controls(exp: Experiment, gen: int, surface: surfaces.Surface) -> None:
    start = exp.start_point(surface)
    cols = st.columns(surface.dim)
    for i, c in enumerate(cols):
        key = keys.start(i, gen, exp.surface_key)
        if key not in st.session_state:  # seeded here, since a click on the chart also writes it
            st.session_state[key] = float(start[i])
        c.number_input(
            f"start {'xy'[i]}",
            step=0.1,
            format="%.3f",
            key=key,
            min_value=-CAPS.coordinate,
            max_value=CAPS.coordinate,
            on_change=on_run,
            args=("start", key, i),
        )
    if surface.dim == 2:
        st.caption("Or click on the race chart to start there.")
    # Any whole number of steps a link may carry (1 to the cap), so the page runs what the link says.
    st.slider("Steps", 1, CAPS.steps, int(min(max(exp.steps, 1), CAPS.steps)), step=1, key=keys.steps(gen),
              on_change=on_run, args=("steps", keys.steps(gen)))
    st.select_slider(
        "Animation speed",
        options=list(SPEEDS),
        value=exp.speed if exp.speed in SPEEDS else 1.0,
        key=keys.speed(gen),
        format_func=lambda v: f"{v:g}×",
        on_change=on_run,
        args=("speed", keys.speed(gen)),
    )
    if surface.data is not None:
        n = len(surface.data.y)
        key = keys.batch(gen, exp.surface_key, n)
        st.number_input(
            f"Mini-batch size (0 = all {n} points)",
            min_value=0,
            max_value=n,
            value=int(min(exp.batch_size, n)),
            step=1,
            key=key,
            help="Each step's gradient comes from this many points, drawn without replacement and reshuffled "
            "every epoch, from the seed under Noisy gradients.",
            on_change=on_run,
            args=("batch", key),
        )
    with st.expander("Noisy gradients", expanded=exp.noise > 0):
        st.number_input(
            "Noise σ (added to every gradient)",
            min_value=0.0,
            max_value=CAPS.noise,
            value=float(exp.noise),
            step=0.1,
            key=keys.noise(gen),
            format="%g",
            on_change=on_run,
            args=("noise", keys.noise(gen)),
        )
        st.number_input("Seed", min_value=0, max_value=2**31 - 1, value=int(exp.seed), step=1,
                        key=keys.seed(gen), on_change=on_run, args=("seed", keys.seed(gen)))
        st.slider("Seeds shown as a spread (curves view)", 1, CAPS.seeds, int(exp.seeds), key=keys.seeds(gen),
                  on_change=on_run, args=("seeds", keys.seeds(gen)))


def entry_controls(exp: Experiment, i: int, entry: Entry, uid: int, color: str, label: str, points: int = 0) -> None:
    """One entry's widgets; ``points`` is the surface's number of data points (0: not a data surface)."""
    choices = optimizers.names()
    opt = entry.optimizer
    c1, c2 = st.columns([3, 1])
    c1.selectbox(
        "Optimizer",
        choices,
        index=choices.index(opt),
        key=keys.entry(uid, "opt"),
        format_func=lambda o: optimizers.spec(o).name,
        on_change=on_widget,
        args=(keys.entry(uid, "opt"), functools.partial(actions.SetOptimizer, i)),
    )
    c2.color_picker("Colour", value=color, key=keys.entry(uid, "color"),
                    on_change=on_widget, args=(keys.entry(uid, "color"), functools.partial(actions.SetColor, i)))
    spec = optimizers.spec(opt)
    st.caption(spec.summary)
    st.text_input("Label", value=entry.label, key=keys.entry(uid, "label"), max_chars=LABEL_MAX,
                  placeholder=label,
                  on_change=on_widget, args=(keys.entry(uid, "label"), functools.partial(actions.SetLabel, i)))
    values = {**exp.entry_defaults(opt), **entry.hyper_dict}
    for h in spec.hypers:
        wkey = keys.hyper(uid, opt, exp.surface_key, h.name)
        hyper_widget(h, values[h.name], wkey, functools.partial(on_hyper, i, opt, h.name))
    schedule_controls(entry.schedule, i, uid, opt, exp.steps)
    if points:
        key = keys.entry_batch(uid, exp.surface_key, points)
        st.number_input(
            "Own mini-batch size (empty: the race's)",
            min_value=0,
            max_value=points,
            value=None if entry.batch is None else min(entry.batch, points),
            step=1,
            placeholder=f"the race's ({exp.batch_size or 'all'})",
            key=key,
            help="Race the same optimizer at several batch sizes: 0 takes all the points.",
            on_change=on_widget,
            args=(key, functools.partial(actions.SetBatch, i)),
        )
    b1, b2 = st.columns(2)
    b1.button(
        "Duplicate",
        key=keys.entry(uid, "dup"),
        on_click=record,
        args=(actions.Duplicate(i),),
        disabled=len(exp.entries) >= CAPS.entries,
        width="stretch",
    )
    b2.button("Remove", key=keys.entry(uid, "rm"), on_click=record, args=(actions.Remove(i),), width="stretch")


def _entry_summary(exp: Experiment, i: int, labels: list[str]) -> str:
    """One line per entry in the list: its label (which names its own mini-batch size) and learning rate."""
    entry = exp.entries[i]
    try:
        lr = exp.resolve(entry).hyper["lr"]
    except ValueError:
        return labels[i]
    return f"{labels[i]} · lr {lr:g}"


def schedule_controls(sched: Schedule, i: int, uid: int, opt: str, steps: int) -> None:
    def part(name: str) -> dict:
        """A schedule widget's key and the callback that records what it sets."""
        key = keys.schedule(uid, opt, "sched" if name == "kind" else name)
        return {"key": key, "on_change": on_widget,
                "args": (key, functools.partial(actions.SetSchedule, i, opt, name))}

    kinds = list(schedules.KINDS)
    st.selectbox("Learning-rate schedule", kinds, index=kinds.index(sched.kind),
                 format_func=schedules.NAMES.get, **part("kind"))
    st.number_input("Warm-up steps", min_value=0, max_value=CAPS.steps, value=int(sched.warmup), step=10,
                    **part("warmup"))
    if "gamma" in schedules.KINDS[sched.kind].uses:
        st.number_input("Decay factor γ", min_value=1e-6, max_value=1.0, value=float(sched.gamma), format="%g",
                        step=0.05 if sched.kind == "step" else 0.001, **part("gamma"))
    if "every" in schedules.KINDS[sched.kind].uses:
        st.number_input("Every k steps", min_value=1, max_value=CAPS.steps, value=int(sched.every), **part("every"))
    fac = schedules.factors(sched, steps)
    if fac is not None:
        st.latex(schedules.LATEX[sched.kind])
        st.line_chart(fac, height=90, x_label="step", y_label="lr factor")


def sidebar(exp: Experiment) -> None:
    """Draw the sidebar from ``exp``; what its widgets change comes back as recorded actions."""
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
            key=keys.lesson(gen),
            on_change=on_lesson,
            format_func=lambda k: titles.get(k, "— choose a lesson —"),
        )
        st.toggle(
            "Presentation mode",
            value=exp.present,
            key=keys.present(gen),
            help="Large fonts and markers, chart filling the screen; also ?present=1 in a link.",
            on_change=on_widget,
            args=(keys.present(gen), actions.SetPresent),
        )
        with st.expander("Surface", expanded=True):
            surface_controls(exp, gen)
        with st.expander("Start and run", expanded=True):
            surface = _surface(exp)  # built once a run, for the start boxes and the batch sizes
            run_controls(exp, gen, surface)
        st.subheader("Optimizers")
        if exp.entries:
            entry_list(exp, gen, surface)
        st.button(
            "Add optimizer",
            icon=":material/add:",
            on_click=record,
            args=(actions.Add(),),
            disabled=len(exp.entries) >= CAPS.entries,
            width="stretch",
            key=keys.ADD,
            help=f"Up to {CAPS.entries} optimizers; the same one may appear with different settings.",
        )
        if len(exp.entries) >= CAPS.entries:
            st.caption(f"A race holds at most {CAPS.entries} optimizers: remove one to add another.")
        st.button("Reset to the default race", on_click=record, args=(actions.Reset(),), width="stretch",
                  key=keys.RESET)


def entry_list(exp: Experiment, gen: int, surface: surfaces.Surface) -> None:
    """The list of entries, then the widgets of the one being edited. One entry's widgets at a time:
    eight full sets would make every rerun slow and the sidebar endless; the others keep their
    settings in the experiment. Which entry is open is the page's, not the race's."""
    ss = st.session_state
    by_uid = {uid: i for i, uid in enumerate(ss.ids)}
    last = ss.get("entry_list_key")
    chosen = ss.get(last) if last else None
    chosen = chosen if chosen in by_uid else ss.get("editing")
    if chosen not in by_uid:
        chosen = ss.ids[0]
    labels = exp.labels()
    shown = [_entry_summary(exp, by_uid[uid], labels) for uid in ss.ids]
    # The browser drops a radio's selection when its option texts change (a new surface changes
    # every learning rate), so new texts make a new widget, seeded with the entry being edited.
    signature = zlib.crc32("\n".join(shown).encode())
    ss.entry_list_key = keys.entry_list(gen, ss.ids, signature)
    st.radio(
        "Edit",
        ss.ids,
        index=ss.ids.index(chosen),
        key=ss.entry_list_key,
        format_func=dict(zip(ss.ids, shown, strict=True)).get,
        label_visibility="collapsed",
    )
    ss.editing = chosen
    i = by_uid[chosen]
    with st.container(border=True):
        points = len(surface.data.y) if surface.data is not None else 0
        entry_controls(exp, i, exp.entries[i], chosen, exp.colors()[i], labels[i], points)
