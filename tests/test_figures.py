"""What the page draws: the race player's payload (size, every step once, colours, heads, the
diverged runs) and the Plotly figures of the analysis views (markers, finiteness, determinism).

No Streamlit here: races come from ``playground.model.simulate``; the player's data is what
``playground.figures.player_data.payload`` builds (the page sends it with ``transport.pack``) and
figures are the plain dicts the builders return (what ``st.plotly_chart`` receives).
"""

from __future__ import annotations

import base64
import functools
import json
import math
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import plotly.io as pio
import pytest

from playground import figures
from playground.figures import player_data, transport
from playground.figures.scene import scene
from playground.model import defaults, views
from playground.model.experiment import Entry, Experiment, default_experiment
from playground.model.simulate import Simulation, simulate

THEME = figures.Theme()
MAX_BYTES = 150_000  # a race change, backdrop included

# Sgd with lr 0.1 on a bowl with curvature 25 is unstable (lr > 2/25): it leaves the finite region.
DIVERGING = Experiment(
    surface_key="bowl", surface_params=(("b", 25.0),),
    entries=(Entry("sgd", (("lr", 0.1),)), Entry("adam"), Entry("momentum", color="#123456")),
    steps=300,
)
# A 1-D run that blows up: gradient descent on x⁴ from x = 3 with lr 1.
DIVERGING_1D = Experiment(surface_key="custom", formula="x**4", bounds=((-3.0, 3.0), (-3.0, 3.0)),
                          entries=(Entry("sgd", (("lr", 1.0),)), Entry("adam")), start=(2.5,), steps=200)
SLOPE = Experiment(surface_key="slope", entries=(Entry("adam"), Entry("momentum"), Entry("rmsprop")), steps=250)
SHORT = Experiment(surface_key="himmelblau", entries=(Entry("adam"), Entry("sgd")), steps=50)


@functools.cache
def race_of(exp: Experiment) -> Simulation:
    return simulate(exp)


def sent(race: Simulation, layout: str = "race", **kw) -> dict:
    """The player's data for ``race`` (a 2-D race with its backdrop, as a page's first race is sent:
    side by side gets the panels' smaller one)."""
    layout = player_data.layout_for(race, layout)
    size = figures.SIDE_BACKDROP if layout == "side" else {}
    drop = None if layout == "oned" else figures.backdrop(race.surface, figures.Theme(**kw), **size)
    return player_data.payload(race, layout, drop, **kw)


def f32(binary) -> np.ndarray:
    return np.frombuffer(binary.raw, dtype="<f4").astype(float)


def message_bytes(data: dict) -> int:
    return len(transport.pack(data))


# --- Helpers that read figures back -------------------------------------------------------------


def decode(value: Any) -> np.ndarray | None:
    """A typed array (``{"dtype", "bdata"}``, little-endian base64) or a plain numeric list as float64."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<"))
        return arr.astype(float)
    if isinstance(value, list | tuple):
        flat = list(_flatten(value))
        if flat and all(isinstance(v, int | float) and not isinstance(v, bool) for v in flat):
            return np.asarray(flat, dtype=float)
    return None


def _flatten(values) -> Iterator[Any]:
    for v in values:
        if isinstance(v, list | tuple):
            yield from _flatten(v)
        else:
            yield v


def numeric_arrays(obj: Any, where: str = "") -> Iterator[tuple[str, Any, np.ndarray]]:
    """Every numeric array (typed or plain list, nested lists included) and every lone number in ``obj``."""
    if isinstance(obj, dict):
        arr = decode(obj)
        if arr is not None:
            yield where, obj, arr
            return
        for k, v in obj.items():
            yield from numeric_arrays(v, f"{where}.{k}")
    elif isinstance(obj, list | tuple):
        arr = decode(obj)
        if arr is not None:
            yield where, obj, arr
            return
        flat = list(_flatten(obj))
        numbers = [v for v in flat if isinstance(v, int | float) and not isinstance(v, bool)]
        if numbers and any(v is None for v in flat):
            raise AssertionError(f"{where}: a numeric list holds None (a NaN in disguise)")
        for i, v in enumerate(obj):
            yield from numeric_arrays(v, f"{where}[{i}]")
    elif isinstance(obj, float):
        yield where, obj, np.asarray([obj])


def all_figures(race: Simulation) -> dict[str, dict]:
    """The Plotly figures of the analysis views (the 3-D one on a 2-D surface)."""
    out = {"curves": figures.curves_figure(race, THEME)}
    if race.surface.dim == 2:
        out["surface3d"] = figures.surface3d_figure(race, THEME)
    return out


def test_every_figure_view_names_a_figure_builder():
    race = race_of(SHORT)
    built = [v for v in views.VIEWS if v.figure is not None]
    assert built, "the views table names the figure builders"
    for view in built:
        assert view.plotly and not view.player, view.key
        spec = getattr(figures, view.figure)(race, THEME, height=600)
        assert spec["data"] and spec["layout"]["height"] >= 600, view.key


# --- Payload --------------------------------------------------------------------------------------


def test_default_race_message_is_bounded():
    data = sent(race_of(default_experiment()))
    size = message_bytes(data)
    assert size <= MAX_BYTES, f"the default race's message is {size / 1e3:.0f} KB"
    assert "image" in data and "iso" in data


@pytest.mark.parametrize("steps", [(500, 1000, 2000), (2500, 5000)])
def test_message_grows_at_most_linearly(steps):
    entries = default_experiment().entries
    sizes = [message_bytes(player_data.payload(race_of(Experiment(entries=entries, steps=s)), "race"))
             for s in steps]
    for (s0, b0), (s1, b1) in zip(zip(steps, sizes, strict=True), zip(steps[1:], sizes[1:], strict=True),
                                  strict=False):
        assert b1 <= 2 * b0, f"{s0}→{s1} steps: {b0} → {b1} bytes (more than doubled)"


# --- Every step, once -----------------------------------------------------------------------------


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SLOPE, SHORT], ids=["default", "diverging",
                                                                                     "slope", "short"])
def test_the_player_gets_every_step_once_on_a_picture_not_a_contour(exp):
    race = race_of(exp)
    for layout in ("race", "side"):
        data = sent(race, layout)
        assert data["steps"] == exp.steps
        for run, tr in zip(data["runs"], race.trajectories, strict=True):
            path = f32(run["path"]).reshape(-1, race.surface.dim)
            assert len(path) == len(tr.path) <= exp.steps + 1  # a diverged run stops at its last good step
            assert len(f32(run["loss"])) == len(path)
        if race.surface.dim == 1:
            assert data["layout"] == "oned" and "image" not in data and len(f32(data["curve"]["x"])) > 100
            continue
        # The shading is a server-made picture and the iso-lines a polyline: no contour to compute.
        assert data["image"].kind == "png" and data["image"].raw[:8] == b"\x89PNG\r\n\x1a\n"
        assert data["iso"].kind == "u16" and len(data["iso"].raw) > 0


# --- Heads, colours, positions --------------------------------------------------------------------


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SHORT], ids=["default", "diverging", "short"])
def test_one_run_per_entry_with_its_colour_and_a_shape_of_its_own(exp):
    race = race_of(exp)
    for layout in ("race", "side"):
        runs = sent(race, layout)["runs"]
        assert [r["label"] for r in runs] == exp.labels()
        assert [r["color"] for r in runs] == exp.colors()
        assert len({r["shape"] for r in runs}) == len(runs)
        assert len({r["head"] for r in runs}) == 1, "every head has the same size"
    if any(e.color for e in exp.entries):
        assert "#123456" in [r["color"] for r in sent(race)["runs"]]


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SHORT], ids=["default", "diverging", "short"])
def test_heads_follow_the_trajectories(exp):
    """At step s each head sits at the run's position after s steps (or its last good one)."""
    race = race_of(exp)
    drawn = scene(race)
    data = sent(race)
    for s in [*range(0, exp.steps + 1, max(1, exp.steps // 25)), exp.steps]:
        for r, (run, tr) in enumerate(zip(data["runs"], race.trajectories, strict=True)):
            path = f32(run["path"]).reshape(-1, 2)
            want = tr.path[min(s, len(tr.path) - 1)]
            np.testing.assert_allclose(path[drawn.head_index(r, s)], want, rtol=1e-6, atol=1e-6, err_msg=f"step {s}")


def test_side_by_side_sends_every_run_for_its_own_panel():
    exp = Experiment(surface_key="beale", entries=tuple(Entry(k) for k in ("sgd", "adam", "rmsprop", "lion", "nadam")),
                     steps=120)
    race = race_of(exp)
    data = sent(race, "side")
    assert data["layout"] == "side" and len(data["runs"]) == len(exp.entries)
    assert data["id"] != sent(race, "race")["id"]


# --- Divergence -----------------------------------------------------------------------------------


def test_diverged_run_is_named_and_crossed():
    race = race_of(DIVERGING)
    bad, good = race.trajectories[0], race.trajectories[1]
    assert bad.diverged_at is not None and good.diverged_at is None
    k = bad.diverged_at
    drawn = scene(race)
    for layout in ("race", "side"):
        runs = sent(race, layout)["runs"]
        assert runs[0]["diverged_at"] == k and runs[1]["diverged_at"] is None and runs[2]["diverged_at"] is None
        crosses = [r["cross"] for r in runs if r["cross"] is not None]
        assert len(crosses) == 1, f"{layout}: one cross for the one diverged run"
        last_good = bad.path[-1]
        assert np.all(np.isfinite(last_good))
        if runs[0]["exit"] is None:  # still in the window: the cross is at its last good position
            np.testing.assert_allclose(runs[0]["cross"], last_good, rtol=1e-12)
        else:  # it left for good: the cross is where it went out
            assert runs[0]["cross"] == runs[0]["exit"]
        # The head holds its last good position once the run has diverged, and the cross shows from k on.
        assert drawn.head_index(0, DIVERGING.steps) == len(bad.path) - 1
        assert not drawn.crossed(0, k - 1) and drawn.crossed(0, k)
    legend3d = [t["name"] for t in figures.surface3d_figure(race, THEME)["data"] if t["type"] == "scatter3d"
                and "name" in t]
    assert any(f"diverged at step {k}" in n for n in legend3d)


def test_diverged_1d_run_is_named_and_crossed_on_the_curve():
    race = race_of(DIVERGING_1D)
    k = race.trajectories[0].diverged_at
    assert k is not None
    runs = sent(race)["runs"]
    assert runs[0]["diverged_at"] == k and runs[1]["diverged_at"] is None
    x, y = runs[0]["cross"]
    assert y == pytest.approx(x**4), "the cross sits on the curve f = x⁴"


# --- Finiteness -----------------------------------------------------------------------------------


def assert_finite(spec: dict, name: str) -> None:
    for part in ("data", "frames"):
        for i, trace in enumerate(spec.get(part, [])):
            for where, _, arr in numeric_arrays(trace, f"{name}.{part}[{i}]"):
                assert np.all(np.isfinite(arr)), f"{where} holds NaN or inf"


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, DIVERGING_1D, SLOPE,
                                 Experiment(surface_key="rastrigin", entries=(Entry("sgd", (("lr", 0.5),)),
                                                                          Entry("adam")), noise=3.0, seeds=4,
                                            steps=150),
                                 replace(DIVERGING, noise=2.0, seeds=5)],
                         ids=["default", "diverging", "diverging-1d", "slope", "noisy",
                                                                 "noisy-diverging"])
def test_no_nan_or_inf_reaches_a_figure_or_the_player(exp):
    race = race_of(exp)
    for name, spec in all_figures(race).items():
        assert_finite(spec, name)
    for look in ({}, {"dark": True, "present": True}):
        data = sent(race, **look)
        json.dumps(data, allow_nan=False)  # the header: plain JSON
        for run in data["runs"]:
            assert np.all(np.isfinite(f32(run["path"]))) and np.all(np.isfinite(f32(run["loss"]))), run["label"]
        if "curve" in data:
            assert np.all(np.isfinite(f32(data["curve"]["x"])))


def test_finiteness_check_catches_nan():
    """The checker itself: a NaN in a typed array or a plain list is reported."""
    bad_typed = {"data": [{"type": "scatter", "x": {"dtype": "f4", "bdata": base64.b64encode(
        np.array([0.0, np.nan], "<f4").tobytes()).decode()}, "y": [1.0, 2.0]}]}
    bad_list = {"data": [], "frames": [{"data": [{"x": [0.0, math.inf], "y": [1.0, 2.0]}]}]}
    for spec in (bad_typed, bad_list):
        with pytest.raises(AssertionError):
            assert_finite(spec, "probe")


# --- Determinism ----------------------------------------------------------------------------------


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SLOPE], ids=["default", "diverging", "slope"])
def test_figures_and_player_data_are_deterministic(exp):
    first, second = simulate(exp), simulate(exp)
    a = {k: pio.to_json(v, validate=False) for k, v in all_figures(first).items()}
    b = {k: pio.to_json(v, validate=False) for k, v in all_figures(second).items()}
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == b[k], f"{k} differs between two builds"
    assert transport.pack(sent(first)) == transport.pack(sent(second))


def test_default_palette_is_used_in_order():
    exp = Experiment(entries=tuple(Entry(k) for k in ("adam", "sgd", "lion")), steps=20)
    assert [r["color"] for r in sent(race_of(exp))["runs"]] == list(defaults.PALETTE[:3])


def test_the_3d_view_marks_the_start_and_the_minima_where_they_are():
    """An off-centre start and minimum: the markers sit at their own (x, y), not swapped, on the surface."""
    exp = Experiment(surface_key="bowl", surface_params=(("angle", 30.0), ("b", 10.0)), entries=(Entry("adam"),),
                     start=(-2.0, 1.25), steps=20)
    race = simulate(exp)
    spec = figures.surface3d_figure(race)
    by_name = {t.get("name"): t for t in spec["data"]}
    start = by_name["start"]
    assert (start["x"], start["y"]) == ([-2.0], [1.25])
    assert start["z"][0] >= float(race.surface.value(np.array([[-2.0, 1.25]]))[0])
    minimum = by_name["minimum"]
    xs, ys = np.atleast_1d(decode(minimum["x"])), np.atleast_1d(decode(minimum["y"]))
    np.testing.assert_allclose(np.column_stack([xs, ys]), np.array(race.surface.minima), atol=1e-6)


# --- Analysis views: room for labels, quiet grids ------------------------------------------------


@pytest.mark.parametrize("dark", [False, True])
def test_analysis_axes_make_room_for_their_labels_and_keep_the_grid_faint(dark):
    """Axis titles must not sit on the tick labels (Plotly's automargin with a standoff), and a dark
    page must not get bright grid lines: every grid colour's alpha stays low."""
    from playground.figures.internals import internals_figure

    theme = figures.Theme(dark=dark)
    race = race_of(Experiment(surface_key="bowl", entries=(Entry("adam"),), steps=60))
    tr = race.trajectories[0]
    quantities = {"g": np.asarray(tr.grads), "step": np.diff(tr.path, axis=0)}
    for spec in (figures.curves_figure(race, theme),
                 internals_figure(quantities, race.labels[0], race.colors[0], race.lr[0], theme)):
        axes = {k: v for k, v in spec["layout"].items() if k[:5] in ("xaxis", "yaxis")}
        assert axes
        for name, axis in axes.items():
            assert axis.get("automargin") is True, name
            grid = axis.get("gridcolor", "")
            assert grid.startswith("rgba(") and float(grid.rsplit(",", 1)[1].rstrip(")")) <= 0.15, (name, grid)
            title = axis.get("title") or {}
            if title.get("text"):
                assert title.get("standoff", 0) >= 8, name
