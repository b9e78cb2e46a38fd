"""The Sweep view: pick an entry, two hyperparameters, ranges and a metric; see the heatmap; add a
cell's setting to the race."""

from __future__ import annotations

import streamlit as st

import optimizers
from playground import figures
from playground.figures.sweep import sweep_figure
from playground.model import actions
from playground.model.caps import CAPS
from playground.model.experiment import Experiment, RaceKey, round_significant
from playground.model.simulate import Simulation
from playground.model.sweep import METRICS, SweepResult, SweepSpec, default_spec, numeric_hypers, run_sweep
from playground.page import keys
from playground.page.compute import KEYED
from playground.page.state import record
from playground.page.style import dark_theme


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False, hash_funcs=KEYED)
def cached_sweep(key: RaceKey, spec: SweepSpec, _exp: Experiment) -> SweepResult:
    """The sweep of ``_exp``, whose race key is ``key`` (what fixes the numbers; a label or a view does not)."""
    return run_sweep(_exp, spec)


def _readable(key: str, base: dict, values: dict) -> dict:
    """A cell's values to 4 significant digits, so the link stays short; more digits only where
    rounding would leave the valid range (β₁ = 0.99996 must not become 1)."""
    out = {}
    for name, v in values.items():
        for digits in (4, 6, 8, 17):
            r = round_significant(v, digits)
            try:
                optimizers.make(key, **{**base, name: r})
            except ValueError:
                continue
            break
        out[name] = r
    return out


def show(exp: Experiment, race: Simulation) -> None:
    gen = st.session_state.gen
    labels = race.labels
    c1, c2, c3 = st.columns([2, 2, 2])
    idx = c1.selectbox(
        "Entry to sweep", range(len(exp.entries)), format_func=lambda i: labels[i], key=keys.sweep(gen, "entry")
    )
    key = exp.entries[idx].optimizer
    base = default_spec(exp, idx)
    hypers = numeric_hypers(key)
    names = [h.name for h in hypers]
    x = c2.selectbox("Across (x)", names, index=names.index(base.x), key=keys.sweep(gen, "x", key))
    y_options = ["", *[n for n in names if n != x]]
    y_default = base.y if base.y in y_options else ""
    y = c3.selectbox(
        "Up (y)",
        y_options,
        index=y_options.index(y_default),
        key=keys.sweep(gen, "y", key, x),
        format_func=lambda n: n or "— one hyperparameter —",
    )
    spec = optimizers.spec(key)
    hx = spec.hyper(x)
    c4, c5, c6, c7 = st.columns(4)
    x_default = base.x_range if x == base.x else (hx.ui_low, hx.ui_high)
    x_lo = c4.number_input(f"{x} from", value=float(x_default[0]), format="%g", key=keys.sweep(gen, "xlo", key, x))
    x_hi = c5.number_input(f"{x} to", value=float(x_default[1]), format="%g", key=keys.sweep(gen, "xhi", key, x))
    y_range = (0.0, 1.0)
    if y:
        hy = spec.hyper(y)
        y_lo = c6.number_input(f"{y} from", value=float(hy.ui_low), format="%g", key=keys.sweep(gen, "ylo", key, y))
        y_hi = c7.number_input(f"{y} to", value=float(hy.ui_high), format="%g", key=keys.sweep(gen, "yhi", key, y))
        y_range = (float(y_lo), float(y_hi))
    c8, c9, c10 = st.columns(3)
    res = c8.slider("Resolution (cells per side)", 8, CAPS.sweep_resolution, 48, step=8, key=keys.sweep(gen, "res"))
    metric = c9.selectbox("Metric", list(METRICS), format_func=METRICS.get, key=keys.sweep(gen, "metric"))
    tol = 1e-3
    if metric == "steps":
        tol = c10.number_input("Tolerance", min_value=1e-12, value=1e-3, format="%g", key=keys.sweep(gen, "tol"))
    sweep_spec = SweepSpec(idx, x, (float(x_lo), float(x_hi)), y, y_range, int(res), metric, float(tol))
    n = res * (res if y else 1)
    with st.spinner(f"Running {n:,} configurations × {exp.steps:,} steps in one vectorised pass…"):
        result = cached_sweep(exp.race_key(), sweep_spec, exp)
    for m in result.messages:
        st.info(m)
    fig = figures.for_streamlit(sweep_figure(result, figures.Theme(dark=dark_theme(), present=exp.present)))
    event = st.plotly_chart(
        fig,
        key=keys.sweep_chart(gen),
        on_select="rerun",
        selection_mode="points",
        theme=None,
        config={"displaylogo": False},
    )
    share = f"{result.diverged.mean():.0%}" if result.diverged.size else "0%"
    st.caption(
        f"Red cells diverged ({share} of the grid). ★ is the entry's current setting. "
        + ("The dashed line is the theory's stability limit; ◆ its best setting. " if result.theory else "")
        + "Click a cell to pick its setting."
    )
    points = []
    try:
        points = event["selection"]["points"] if event else []
    except (KeyError, TypeError):
        points = []
    picked = points[-1] if points else None
    if picked is not None and picked.get("x") is not None:
        values = {x: float(picked["x"])}
        if y and picked.get("y") is not None:
            values[y] = float(picked["y"])
        values = _readable(key, exp.resolve(exp.entries[idx]).hyper, values)
        try:
            optimizers.make(key, **{**exp.resolve(exp.entries[idx]).hyper, **values})
        except ValueError as err:
            st.warning(f"That cell's setting is not valid: {err}")
            return
        text = ", ".join(f"{k} = {v:.4g}" for k, v in values.items())
        st.button(
            f"Add {labels[idx]} with {text} to the race",
            key=keys.sweep(gen, "add"),
            on_click=record,
            args=(actions.AddSweepCell.of(idx, values),),
            disabled=len(exp.entries) >= CAPS.entries,
            type="primary",
        )
