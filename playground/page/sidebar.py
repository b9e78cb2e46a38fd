"""The sidebar: lesson picker, surface, start and run settings, and the optimizer entries (one
editor at a time)."""

from __future__ import annotations

import functools
import zlib
from dataclasses import replace

import streamlit as st

import optimizers
import surfaces
from playground.model import actions, defaults, lessons, schedules
from playground.model.caps import CAPS
from playground.model.experiment import (
    LABEL_MAX,
    Entry,
    Experiment,
    Schedule,
    clean_label,
)
from playground.page import keys
from playground.page.state import on_hyper, on_lesson, on_run, record
from playground.page.style import code_span
from playground.page.widgets import hyper_widget, linear_number

# The custom surface as it opens from another surface. Its start (70% of the way to the top-left
# corner) lies past y = π/2, so every run heads for the minimum at (0, π): the window is wide enough
# to hold it, the two other minima (0, 0) and (0, -π), and each default run's overshoot past π
# (Adam's is the largest).
# tests/test_formula_minima.py races the default entries here and checks it.
CUSTOM_FORMULA = "0.5*x**2 + 3*sin(y)**2"
CUSTOM_WINDOW = ((-4.0, 4.0), (-4.0, 4.0))


def surface_controls(exp: Experiment, gen: int) -> Experiment:
    choices = [*surfaces.names(), "custom"]
    index = choices.index(exp.surface_key) if exp.surface_key in choices else 0
    key = st.selectbox(
        "Surface",
        choices,
        index=index,
        key=keys.surface(gen),
        format_func=lambda k: "Custom formula" if k == "custom" else surfaces.spec(k).name,
    )
    if key == "custom":
        text = st.text_input(
            "f(x, y) =",
            value=exp.formula or CUSTOM_FORMULA,
            key=keys.formula(gen),
            max_chars=CAPS.formula_length,
            help="Numbers, x, y, + − * / **, and sin cos tan exp log sqrt abs tanh sinh cosh "
            "arctan, pi, e. Uses only x → a 1-D surface.",
        )
        c1, c2 = st.columns(2)
        # Opened from another surface: the default window (never a lesson's view window of that
        # surface). A formula already raced keeps its window; a link's formula without one means [-3, 3]².
        b = CUSTOM_WINDOW if exp.surface_key != "custom" else exp.bounds or ((-3.0, 3.0), (-3.0, 3.0))
        lo = c1.number_input("window from", value=float(b[0][0]), key=keys.window_from(gen), step=0.5)
        hi = c2.number_input("to", value=float(b[0][1]), key=keys.window_to(gen), step=0.5)
        bounds = ((float(lo), float(hi)), (float(lo), float(hi)))
        try:
            s = surfaces.from_formula(text, bounds=[list(r) for r in bounds])
        except ValueError as err:
            # Keep racing on the last valid surface; the page says why beside the chart.
            st.error(f"That formula can't be used: {code_span(str(err))}")
            st.session_state.surface_error = (text, str(err))
            return exp
        st.session_state.surface_error = None
        start = exp.start if exp.surface_key == "custom" and exp.formula == text and len(exp.start) == s.dim else ()
        return replace(exp, surface_key="custom", surface_params=(), formula=text, bounds=bounds, start=start)
    st.session_state.surface_error = None
    spec = surfaces.spec(key)
    same = key == exp.surface_key
    current = dict(exp.surface_params) if same else {}
    st.caption(spec.summary)
    params = {}
    for p in spec.params:
        value = current.get(p.name, p.default)
        lo = p.ui_low if p.ui_low is not None else p.low
        hi = p.ui_high if p.ui_high is not None else p.high
        v = linear_number(p.name, value, lo, hi, keys.surface_param(gen, key, p.name), p.help)
        if v != p.default:
            params[p.name] = v
    return replace(
        exp,
        surface_key=key,
        surface_params=tuple(sorted(params.items())),
        formula="",
        bounds=exp.bounds if same else (),  # a lesson's view window stays until the surface changes
        start=exp.start if same else (),
    )


def _surface(exp: Experiment) -> surfaces.Surface:
    try:
        return exp.build_surface()
    except ValueError:
        return surfaces.get("rosenbrock")


def run_controls(exp: Experiment, gen: int, surface: surfaces.Surface) -> Experiment:
    start = exp.start_point(surface)
    cols = st.columns(surface.dim)
    coords = []
    for i, c in enumerate(cols):
        key = keys.start(i, gen, exp.surface_key)
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
                        on_change=on_run,
                        args=("start", key, i),
                    )
                )
            )
    new_start = tuple(coords)
    if surface.dim == 2:
        st.caption("Or click on the race chart to start there.")
    # Any whole number of steps a link may carry (1 to the cap), so the page runs what the link says.
    steps = st.slider("Steps", 1, CAPS.steps, int(min(max(exp.steps, 1), CAPS.steps)), step=1, key=keys.steps(gen),
                      on_change=on_run, args=("steps", keys.steps(gen)))
    speed = st.select_slider(
        "Animation speed",
        options=[0.25, 0.5, 1.0, 2.0, 4.0],
        value=exp.speed if exp.speed in (0.25, 0.5, 1.0, 2.0, 4.0) else 1.0,
        key=keys.speed(gen),
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
            key=keys.batch(gen, exp.surface_key, n),
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
            key=keys.noise(gen),
            format="%g",
            on_change=on_run,
            args=("noise", keys.noise(gen)),
        )
        seed = st.number_input("Seed", min_value=0, max_value=2**31 - 1, value=int(exp.seed), step=1,
                               key=keys.seed(gen), on_change=on_run, args=("seed", keys.seed(gen)))
        seeds = st.slider("Seeds shown as a spread (curves view)", 1, CAPS.seeds, int(exp.seeds), key=keys.seeds(gen))
    return replace(
        exp.with_start(new_start, surface),
        steps=int(steps),
        speed=float(speed),
        noise=float(noise),
        seed=int(seed),
        seeds=int(seeds),
        batch_size=int(batch),
    )


def entry_controls(exp: Experiment, i: int, entry: Entry, uid: int, color: str, label: str, points: int = 0) -> Entry:
    """One entry's widgets; ``points`` is the surface's number of data points (0: not a data surface)."""
    choices = optimizers.names()
    c1, c2 = st.columns([3, 1])
    opt = c1.selectbox(
        "Optimizer",
        choices,
        index=choices.index(entry.optimizer),
        key=keys.entry(uid, "opt"),
        format_func=lambda o: optimizers.spec(o).name,
    )
    picked = c2.color_picker("Colour", value=color, key=keys.entry(uid, "color"))
    spec = optimizers.spec(opt)
    st.caption(spec.summary)
    name = st.text_input("Label", value=entry.label, key=keys.entry(uid, "label"), max_chars=LABEL_MAX,
                         placeholder=label)
    overrides = entry.hyper_dict if opt == entry.optimizer else {}
    base = exp.entry_defaults(opt)
    hyper = {}
    for h in spec.hypers:
        value = overrides.get(h.name, base[h.name])
        wkey = keys.hyper(uid, opt, exp.surface_key, h.name)
        v = hyper_widget(h, value, wkey, functools.partial(on_hyper, i, opt, h.name))
        if v != base[h.name]:
            hyper[h.name] = v
    sched = schedule_controls(entry.schedule if opt == entry.optimizer else Schedule(), uid, opt, exp.steps)
    batch = entry.batch
    if points:
        shown = None if batch is None else min(batch, points)
        batch = st.number_input(
            "Own mini-batch size (empty: the race's)",
            min_value=0,
            max_value=points,
            value=shown,
            step=1,
            placeholder=f"the race's ({exp.batch_size or 'all'})",
            key=keys.entry_batch(uid, exp.surface_key, points),
            help="Race the same optimizer at several batch sizes: 0 takes all the points.",
        )
        batch = None if batch is None else int(batch)
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
    default_color = defaults.PALETTE[i % len(defaults.PALETTE)]
    return Entry(
        opt,
        tuple(sorted(hyper.items())),
        clean_label(name or ""),
        "" if picked.lower() == default_color.lower() else picked.lower(),
        sched,
        batch,
    )


def _entry_summary(exp: Experiment, i: int, labels: list[str]) -> str:
    """One line per entry in the list: its label (which names its own mini-batch size) and learning rate."""
    entry = exp.entries[i]
    try:
        lr = exp.resolve(entry).hyper["lr"]
    except ValueError:
        return labels[i]
    return f"{labels[i]} · lr {lr:g}"


def schedule_controls(sched: Schedule, uid: int, opt: str, steps: int) -> Schedule:
    kind = st.selectbox(
        "Learning-rate schedule",
        list(schedules.KINDS),
        index=list(schedules.KINDS).index(sched.kind),
        key=keys.schedule(uid, opt, "sched"),
        format_func=lambda s: schedules.NAMES[s],
    )
    warmup = st.number_input(
        "Warm-up steps", min_value=0, max_value=CAPS.steps, value=int(sched.warmup), step=10,
        key=keys.schedule(uid, opt, "warmup"),
    )
    gamma, every = sched.gamma, sched.every
    if "gamma" in schedules.KINDS[kind].uses:
        gamma = st.number_input(
            "Decay factor γ",
            min_value=1e-6,
            max_value=1.0,
            value=float(sched.gamma),
            format="%g",
            key=keys.schedule(uid, opt, "gamma"),
            step=0.05 if kind == "step" else 0.001,
        )
    if "every" in schedules.KINDS[kind].uses:
        every = st.number_input(
            "Every k steps", min_value=1, max_value=CAPS.steps, value=int(sched.every),
            key=keys.schedule(uid, opt, "every"),
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
            key=keys.lesson(gen),
            on_change=on_lesson,
            format_func=lambda k: titles.get(k, "— choose a lesson —"),
        )
        present = st.toggle(
            "Presentation mode",
            value=exp.present,
            key=keys.present(gen),
            help="Large fonts and markers, chart filling the screen; also ?present=1 in a link.",
        )
        with st.expander("Surface", expanded=True):
            exp = surface_controls(exp, gen)
        with st.expander("Start and run", expanded=True):
            surface = _surface(exp)  # built once a run, for the start boxes and the batch sizes
            exp = run_controls(exp, gen, surface)
        st.subheader("Optimizers")
        colors = exp.colors()
        labels = exp.labels()
        entries = list(exp.entries)
        if entries:
            # One entry's widgets at a time: eight full sets would make every rerun slow and the
            # sidebar endless. The others keep their settings in the experiment.
            by_uid = {uid: i for i, uid in enumerate(ss.ids)}
            # The list goes above the entry's widgets but is written after them, so its texts show
            # what those widgets have just set (a learning rate typed now, not one rerun late).
            slot = st.empty()
            last = ss.get("entry_list_key")
            chosen = ss.get(last) if last else None
            chosen = chosen if chosen in by_uid else ss.get("editing")
            if chosen not in by_uid:
                chosen = ss.ids[0]
            i = by_uid[chosen]
            with st.container(border=True):
                points = len(surface.data.y) if surface.data is not None else 0
                entries[i] = entry_controls(exp, i, exp.entries[i], chosen, colors[i], labels[i], points)
            now = replace(exp, entries=tuple(entries))
            shown = [_entry_summary(now, by_uid[uid], now.labels()) for uid in ss.ids]
            # The browser drops a radio's selection when its option texts change (a new surface
            # changes every learning rate), so new texts make a new widget, seeded with the entry
            # being edited.
            signature = zlib.crc32("\n".join(shown).encode())
            ss.entry_list_key = keys.entry_list(gen, ss.ids, signature)
            slot.radio(
                "Edit",
                ss.ids,
                index=ss.ids.index(chosen),
                key=ss.entry_list_key,
                format_func=dict(zip(ss.ids, shown, strict=True)).get,
                label_visibility="collapsed",
            )
            ss.editing = chosen
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
    return replace(exp, entries=tuple(entries), present=present)
