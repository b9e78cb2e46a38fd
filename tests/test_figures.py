"""The figure builders: payload size, animation structure, markers, finiteness, determinism.

No Streamlit here: races come from ``playground.model.simulate`` and figures are the plain dicts the
builders return (what ``st.plotly_chart`` receives).
"""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import plotly.io as pio
import pytest

from playground import figures
from playground.model import defaults
from playground.model.experiment import Entry, Experiment, default_experiment
from playground.model.simulate import Simulation, simulate

THEME = figures.Theme()
MAX_BYTES = 500_000

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


def payload(spec: dict) -> int:
    return len(pio.to_json(spec, validate=False))


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


def xy(trace: dict) -> tuple[np.ndarray, np.ndarray]:
    x, y = decode(trace["x"]), decode(trace["y"])
    assert x is not None and y is not None, trace
    return x, y


def moving_indices(spec: dict) -> list[int]:
    lists = {tuple(f["traces"]) for f in spec["frames"]}
    assert len(lists) == 1, "every frame should touch the same moving traces"
    return list(lists.pop())


def frame_traces(spec: dict, frame: dict) -> dict[int, dict]:
    """A frame's updates merged over the full traces they update: index → trace as shown in that frame."""
    assert len(frame["data"]) == len(frame["traces"])
    return {i: {**spec["data"][i], **upd} for i, upd in zip(frame["traces"], frame["data"], strict=True)}


def is_head(trace: dict, oned: bool = False) -> bool:
    if trace.get("mode") != "markers":
        return False
    # The 1-D figure also moves a marker in its x-over-steps panel (axes x2/y2): not a head.
    return not (oned and trace.get("xaxis") == "x2")


def heads(spec: dict, oned: bool = False) -> list[int]:
    return [i for i in moving_indices(spec) if is_head(spec["data"][i], oned)]


def is_iso_lines(trace: dict) -> bool:
    return trace.get("mode") == "lines" and trace.get("line", {}).get("color") in (
        figures.Theme(dark=False).iso, figures.Theme(dark=True).iso)


def all_figures(race: Simulation) -> dict[str, dict]:
    out = {"curves": figures.curves_figure(race, THEME)}
    if race.surface.dim == 1:
        out["oned"] = figures.oned_figure(race, THEME)
    else:
        out.update(race=figures.race_figure(race, THEME), side=figures.side_figure(race, THEME),
                   surface3d=figures.surface3d_figure(race, THEME))
    return out


def animated(race: Simulation) -> dict[str, dict]:
    return {k: v for k, v in all_figures(race).items() if k in ("race", "side", "oned")}


# --- Payload --------------------------------------------------------------------------------------


def test_default_race_payload_is_bounded():
    race = race_of(default_experiment())
    spec = figures.race_figure(race, THEME)
    size = payload(spec)
    assert size <= MAX_BYTES, f"default race figure is {size / 1e6:.2f} MB"
    assert len(spec["frames"]) > 0


@pytest.mark.parametrize("steps", [(500, 1000, 2000), (2500, 5000)])
def test_payload_grows_at_most_linearly(steps):
    entries = default_experiment().entries
    sizes = [payload(figures.race_figure(race_of(Experiment(entries=entries, steps=s)), THEME)) for s in steps]
    for (s0, b0), (s1, b1) in zip(zip(steps, sizes, strict=True), zip(steps[1:], sizes[1:], strict=True),
                                  strict=False):
        assert b1 <= 2 * b0, f"{s0}→{s1} steps: {b0} → {b1} bytes (more than doubled)"


# --- Animation structure --------------------------------------------------------------------------


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SLOPE, SHORT], ids=["default", "diverging",
                                                                                     "slope", "short"])
def test_animated_figures_have_no_contour_and_image_background(exp):
    race = race_of(exp)
    for name, spec in animated(race).items():
        kinds = {t.get("type", "scatter") for t in spec["data"]}
        kinds |= {t.get("type", "scatter") for f in spec["frames"] for t in f["data"]}
        assert not kinds & {"contour", "heatmap", "histogram2dcontour", "contourcarpet"}, (name, kinds)
        if name == "oned":
            continue
        images = spec["layout"].get("images", [])
        assert images, f"{name}: no background image"
        for im in images:
            assert im["layer"] == "below"
            assert im["source"].startswith("data:image/png;base64,")
            (x0, x1), (y0, y1) = race.surface.bounds
            assert math.isclose(im["x"], x0) and math.isclose(im["sizex"], x1 - x0)
            assert math.isclose(im["y"], y1) and math.isclose(im["sizey"], y1 - y0)


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SLOPE, SHORT], ids=["default", "diverging",
                                                                                     "slope", "short"])
def test_frames_touch_only_moving_traces(exp):
    race = race_of(exp)
    n = len(exp.entries)
    for name, spec in animated(race).items():
        frames = spec["frames"]
        assert 0 < len(frames) <= figures.MAX_FRAMES, (name, len(frames))
        # Frames are named by their step, in order, from the start to the last step.
        steps = [int(f["name"]) for f in frames]
        assert steps[0] == 0 and steps[-1] == exp.steps and steps == sorted(set(steps))
        if exp.steps < figures.MAX_FRAMES:
            assert steps == list(range(exp.steps + 1))
        moving = moving_indices(spec)
        per_entry = 3 if name == "oned" else 2
        assert len(moving) == per_entry * n == len(set(moving))
        assert all(0 <= i < len(spec["data"]) for i in moving)
        static = [t for i, t in enumerate(spec["data"]) if i not in moving]
        assert static, "the full paths, iso-lines and landmarks are static traces"
        for i, t in enumerate(spec["data"]):
            if is_iso_lines(t) or t.get("meta") == "click-target":
                assert i not in moving, f"{name}: frames re-send the static trace {i}"
        for f in frames:
            for upd in f["data"]:
                assert set(upd) <= {"x", "y"}, f"{name}: frame {f['name']} carries {sorted(upd)}"
                assert set(upd) == {"x", "y"}
        # Frame 0 is what the figure shows before Play.
        for i, t in frame_traces(spec, frames[0]).items():
            np.testing.assert_array_equal(xy(t)[0], xy(spec["data"][i])[0])
            np.testing.assert_array_equal(xy(t)[1], xy(spec["data"][i])[1])


def _redraws(obj: Any) -> Iterator[Any]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "redraw":
                yield v
            else:
                yield from _redraws(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _redraws(v)


@pytest.mark.parametrize("exp", [default_experiment(), SLOPE], ids=["default", "slope"])
def test_play_and_slider_never_redraw(exp):
    for name, spec in animated(race_of(exp)).items():
        layout = spec["layout"]
        buttons = [b for m in layout["updatemenus"] for b in m["buttons"]]
        assert any(b["label"].endswith("Play") and b["method"] == "animate" for b in buttons), name
        slider_steps = [s for sl in layout["sliders"] for s in sl["steps"]]
        assert [s["args"][0] for s in slider_steps] == [[f["name"]] for f in spec["frames"]]
        redraws = list(_redraws(buttons)) + list(_redraws(slider_steps))
        assert redraws and len(redraws) >= len(slider_steps), name
        assert all(r is False for r in redraws), f"{name}: a Play/slider arg redraws"


# --- Heads, panels, positions ---------------------------------------------------------------------


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SHORT], ids=["default", "diverging", "short"])
def test_one_head_per_entry_with_its_colour(exp):
    race = race_of(exp)
    colors = exp.colors()
    for name in ("race", "side"):
        spec = animated(race)[name]
        idx = heads(spec)
        assert len(idx) == len(exp.entries), name
        assert [spec["data"][i]["marker"]["color"] for i in idx] == colors, name
        if name == "race":
            assert [spec["data"][i]["name"].split(" — ")[0] for i in idx] == exp.labels()
    if any(e.color for e in exp.entries):
        spec = figures.race_figure(race, THEME)
        assert "#123456" in [spec["data"][i]["marker"]["color"] for i in heads(spec)]


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, SHORT], ids=["default", "diverging", "short"])
def test_heads_follow_the_trajectories(exp):
    """In the frame named s, each head sits at the run's position after s steps (or its last good one)."""
    race = race_of(exp)
    for name in ("race", "side"):
        spec = animated(race)[name]
        idx = heads(spec)
        for f in spec["frames"][:: max(1, len(spec["frames"]) // 25)] + spec["frames"][-1:]:
            shown = frame_traces(spec, f)
            s = int(f["name"])
            for i, tr in zip(idx, race.trajectories, strict=True):
                x, y = xy(shown[i])
                want = tr.path[min(s, len(tr.path) - 1)]
                np.testing.assert_allclose([x[-1], y[-1]], want, rtol=1e-6, atol=1e-6, err_msg=f"{name} step {s}")


def test_side_by_side_has_one_panel_per_entry_and_frames_update_all():
    exp = Experiment(surface_key="beale", entries=tuple(Entry(k) for k in ("sgd", "adam", "rmsprop", "lion", "nadam")),
                     steps=120)
    race = race_of(exp)
    spec = figures.side_figure(race, THEME)
    layout = spec["layout"]
    n = len(exp.entries)
    suffixes = ["" if i == 0 else str(i + 1) for i in range(n)]
    for s in suffixes:
        assert "xaxis" + s in layout and "yaxis" + s in layout
    assert "xaxis" + str(n + 1) not in layout
    pairs = {(im["xref"], im["yref"]) for im in layout["images"]}
    assert pairs == {("x" + s, "y" + s) for s in suffixes}
    assert len(layout["images"]) == n
    head_axes = [(spec["data"][i].get("xaxis", "x"), spec["data"][i].get("yaxis", "y")) for i in heads(spec)]
    assert head_axes == [("x" + s, "y" + s) for s in suffixes]
    for f in spec["frames"]:
        axes_touched = {(spec["data"][i].get("xaxis", "x"), spec["data"][i].get("yaxis", "y")) for i in f["traces"]}
        assert axes_touched == set(head_axes), f"frame {f['name']} misses a panel"


# --- Divergence -----------------------------------------------------------------------------------


def test_diverged_run_is_named_and_crossed():
    race = race_of(DIVERGING)
    bad, good = race.trajectories[0], race.trajectories[1]
    assert bad.diverged_at is not None and good.diverged_at is None
    k = bad.diverged_at
    label = race.labels[0]
    for name in ("race", "side"):
        spec = animated(race)[name]
        idx = heads(spec)
        if name == "race":
            assert f"diverged at step {k}" in spec["data"][idx[0]]["name"]
            assert "diverged" not in spec["data"][idx[1]]["name"]
        else:
            texts = [a["text"] for a in spec["layout"]["annotations"]]
            assert f"diverged at step {k}" in texts[0] and "diverged" not in texts[1]
        crosses = [t for t in spec["data"] if str(t.get("marker", {}).get("symbol", "")).startswith("x")]
        assert len(crosses) == 1, f"{name}: one cross for the one diverged run"
        cross = crosses[0]
        assert cross["marker"]["color"] == race.colors[0]
        last_good = bad.path[-1]
        assert np.all(np.isfinite(last_good))
        np.testing.assert_allclose(np.concatenate(xy(cross)), last_good, rtol=1e-12)
        # The head stops there too once the run has diverged.
        final = frame_traces(spec, spec["frames"][-1])[idx[0]]
        np.testing.assert_allclose(np.concatenate(xy(final)), last_good, rtol=1e-6)
    assert label in figures.race_figure(race, THEME)["data"][heads(figures.race_figure(race, THEME))[0]]["name"]
    legend3d = [t["name"] for t in figures.surface3d_figure(race, THEME)["data"] if t["type"] == "scatter3d"
                and "name" in t]
    assert any(f"diverged at step {k}" in n for n in legend3d)


def test_diverged_1d_run_is_named():
    race = race_of(DIVERGING_1D)
    k = race.trajectories[0].diverged_at
    assert k is not None
    spec = figures.oned_figure(race, THEME)
    names = [spec["data"][i]["name"] for i in heads(spec, oned=True)]
    assert f"diverged at step {k}" in names[0] and "diverged" not in names[1]


# --- Finiteness -----------------------------------------------------------------------------------


def _assert_iso_separators(where: str, trace: dict) -> None:
    """Iso-lines are one polyline broken into pieces: the breaks must be ``None`` gaps in a plain list
    (single ones, at the same places in x and y), never NaN or inf."""
    gaps = []
    for axis in ("x", "y"):
        raw = trace[axis]
        if isinstance(raw, dict):
            values = decode(raw)
            assert values is not None and np.all(np.isfinite(values)), f"{where}.{axis}: NaN/inf separators"
            gaps.append(np.zeros(values.size, bool))
            continue
        assert isinstance(raw, list), f"{where}.{axis}"
        gap = np.array([v is None for v in raw], bool)
        numbers = np.array([v for v in raw if v is not None], float)
        assert np.all(np.isfinite(numbers)), f"{where}.{axis} holds NaN or inf"
        assert gap.size == 0 or not (gap[0] or (gap[1:] & gap[:-1]).any()), f"{where}: separators must be single"
        gaps.append(gap)
    np.testing.assert_array_equal(gaps[0], gaps[1], err_msg=f"{where}: x and y break at different places")


def assert_finite(spec: dict, name: str) -> None:
    for part in ("data", "frames"):
        for i, trace in enumerate(spec.get(part, [])):
            if part == "data" and is_iso_lines(trace):
                _assert_iso_separators(f"{name} data[{i}]", trace)
                continue
            for where, _, arr in numeric_arrays(trace, f"{name}.{part}[{i}]"):
                assert np.all(np.isfinite(arr)), f"{where} holds NaN or inf"


@pytest.mark.parametrize("exp", [default_experiment(), DIVERGING, DIVERGING_1D, SLOPE,
                                 Experiment(surface_key="rastrigin", entries=(Entry("sgd", (("lr", 0.5),)),
                                                                          Entry("adam")), noise=3.0, seeds=4,
                                            steps=150),
                                 replace(DIVERGING, noise=2.0, seeds=5)],
                         ids=["default", "diverging", "diverging-1d", "slope", "noisy",
                                                                 "noisy-diverging"])
def test_no_nan_or_inf_reaches_a_figure(exp):
    race = race_of(exp)
    for name, spec in all_figures(race).items():
        assert_finite(spec, name)
    assert_finite(figures.race_figure(race, figures.Theme(dark=True, present=True)) if race.surface.dim == 2
                  else figures.oned_figure(race, figures.Theme(dark=True, present=True)), "dark/present")


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
def test_figures_are_deterministic(exp):
    first = {k: pio.to_json(v, validate=False) for k, v in all_figures(simulate(exp)).items()}
    second = {k: pio.to_json(v, validate=False) for k, v in all_figures(simulate(exp)).items()}
    assert first.keys() == second.keys()
    for k in first:
        assert first[k] == second[k], f"{k} differs between two builds"


# --- 1-D ------------------------------------------------------------------------------------------


def test_oned_balls_sit_on_the_curve_and_steps_panel_tracks_x():
    race = race_of(SLOPE)
    spec = figures.oned_figure(race, THEME)
    layout = spec["layout"]
    assert layout["xaxis2"]["title"]["text"] == "step"
    assert "yaxis2" in layout
    n = len(SLOPE.entries)
    head_idx = heads(spec, oned=True)
    assert len(head_idx) == n
    assert [spec["data"][i]["marker"]["color"] for i in head_idx] == SLOPE.colors()
    step_markers = [i for i in moving_indices(spec) if spec["data"][i].get("xaxis") == "x2"]
    assert len(step_markers) == n
    # The static x-over-steps lines: one per run, x = step, y = the run's position.
    lines = [t for i, t in enumerate(spec["data"])
             if i not in moving_indices(spec) and t.get("xaxis") == "x2" and t.get("mode") == "lines"]
    assert len(lines) == n
    for t, tr in zip(lines, race.trajectories, strict=True):
        x, y = xy(t)
        np.testing.assert_array_equal(x, np.arange(len(tr.path)))
        np.testing.assert_allclose(y, tr.path[:, 0], rtol=1e-6, atol=1e-6)
    moved = False
    for f in spec["frames"]:
        shown = frame_traces(spec, f)
        s = int(f["name"])
        for h, m, tr in zip(head_idx, step_markers, race.trajectories, strict=True):
            hx, hy = xy(shown[h])
            assert hx.size == hy.size == 1
            np.testing.assert_allclose(hy, race.surface.value(hx[:, None]), rtol=1e-5, atol=1e-5,
                                       err_msg=f"step {s}: ball off the curve")
            want = tr.path[min(s, len(tr.path) - 1), 0]
            np.testing.assert_allclose(hx, want, rtol=1e-6, atol=1e-6)
            mx, my = xy(shown[m])
            assert mx[0] == min(s, len(tr.path) - 1)
            np.testing.assert_allclose(my, hx, rtol=1e-6)
            moved |= bool(abs(hx[0] - tr.path[0, 0]) > 1e-3)
    assert moved, "no ball ever moved"


def test_default_palette_is_used_in_order():
    exp = Experiment(entries=tuple(Entry(k) for k in ("adam", "sgd", "lion")), steps=20)
    spec = figures.race_figure(race_of(exp), THEME)
    assert [spec["data"][i]["marker"]["color"] for i in heads(spec)] == list(defaults.PALETTE[:3])


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
