"""What the Plotly views show at a lecture's size (issue 20, item 6): the Internals panels' scales and
titles, the log axes' labels, the 3-D view's heights and colours, and readable warnings in dark mode.

Each test reads the figure dict the page hands to ``st.plotly_chart``; expected numbers come from the
race itself or from arithmetic written here (WCAG's contrast, a font's character width).
"""

from __future__ import annotations

import base64
import functools
import inspect
import math

import numpy as np
import pytest

import optimizers
from playground import figures
from playground.figures.internals import internals_figure
from playground.figures.sweep import sweep_figure
from playground.model import lessons
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import Simulation, simulate
from playground.model.sweep import SweepSpec, run_sweep
from playground.page import internals_view

DARK_PAGE = "#0e1117"
LIGHT = figures.Theme()


@functools.cache
def lesson_race(key: str) -> Simulation:
    return simulate(lessons.find(key).experiment)


def values(v) -> np.ndarray:
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]).newbyteorder("<")).astype(float)
    return np.asarray(v, dtype=float)


def internals_of(race: Simulation, idx: int, theme: figures.Theme = LIGHT) -> dict:
    """The Internals figure as the view builds it for entry ``idx``."""
    tr = race.trajectories[idx]
    panels = internals_view._as_panels(optimizers.internals(tr), tr, race)
    return internals_figure(panels, race.labels[idx], race.colors[idx], None, theme,
                            optimizer=race.experiment.entries[idx].optimizer,
                            guides={internals_view.TRUE_DISTANCE: "d"})


def panel_axes(spec: dict) -> dict[str, str]:
    """Each panel's title (line breaks read as spaces) → its y axis's key in the layout."""
    return {axis["title"]["text"].replace("<br>", " "): key for key, axis in spec["layout"].items()
            if key.startswith("yaxis") and axis.get("title")}


def traces_on(spec: dict, axis_key: str) -> list[dict]:
    ref = "y" + axis_key[len("yaxis"):]
    return [t for t in spec["data"] if t.get("yaxis") == ref]


# --- 1. the first steps do not set the scale -------------------------------------------------------------


BOWL_GD = Experiment(surface_key="bowl", entries=(Entry("sgd", (("lr", 0.03),)),), steps=300)


@pytest.mark.parametrize("race, idx", [(lambda: lesson_race("schedule-free"), 0),
                                        (lambda: lesson_race("schedule-free"), 1),
                                        (lambda: simulate(BOWL_GD), 0)], ids=["sf", "sf-gd", "bowl-gd"])
def test_the_gradient_panel_is_scaled_to_the_run_not_to_its_first_step(race, idx):
    race = race()
    tr = race.trajectories[idx]
    g = np.asarray(tr.grads)
    later = np.abs(g[5:][np.isfinite(g[5:])])
    assert np.abs(g[0]).max() > 5 * np.quantile(later, 0.99)  # the spike this is about
    spec = internals_of(race, idx)
    axis = spec["layout"][panel_axes(spec)["gradient g"]]
    if axis.get("range") is not None and axis.get("autorange") is not True:
        lo, hi = axis["range"]
    else:  # Plotly's autorange spans every point drawn
        ys = np.concatenate([values(t["y"]) for t in traces_on(spec, panel_axes(spec)["gradient g"])])
        lo, hi = ys.min(), ys.max()
    assert max(abs(lo), abs(hi)) <= 3 * np.quantile(later, 0.99), (lo, hi)
    # ... and the panel says the first steps are off its scale, with how far they go.
    notes = [a["text"] for a in spec["layout"].get("annotations", [])]
    assert any("off the scale" in n and f"{np.abs(g[:5]).max():.3g}" in n for n in notes), notes


# --- 2. titles fit their panels; Prodigy's d on a log axis ----------------------------------------------


@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize("key, idx", [("prodigy", 0), ("prodigy", 1), ("schedule-free", 0)])
def test_every_panel_title_fits_along_its_panel(key, idx, present):
    """A y title runs up the panel's side: each of its lines, at about 0.55 em a character, must be no
    longer than the panel is tall."""
    theme = figures.Theme(present=present)
    spec = internals_of(lesson_race(key), idx, theme)
    layout = spec["layout"]
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    for name, axis in layout.items():
        if not name.startswith("yaxis"):
            continue
        size = axis["title"]["font"]["size"]
        panel_px = (axis["domain"][1] - axis["domain"][0]) * plot_px
        for line in axis["title"]["text"].split("<br>"):
            assert len(line) * 0.55 * size <= panel_px, (name, line, panel_px)


def test_prodigys_d_is_on_a_log_axis_beside_the_true_distance():
    race = lesson_race("prodigy")
    spec = internals_of(race, 0)
    axes = panel_axes(spec)
    d_axis = spec["layout"][axes["distance estimate d"]]
    assert d_axis["type"] == "log"
    # Its start (10⁻⁶) is drawn, not read as 0; the true distance is a dashed line in the same panel.
    on_d = traces_on(spec, axes["distance estimate d"])
    d = values(on_d[0]["y"])
    assert d[0] == pytest.approx(1e-6)
    start, minimum = np.asarray(race.start), np.asarray(race.surface.minima[0])
    guide = [t for t in on_d if t["line"].get("dash") == "dash"]
    assert len(guide) == 1 and values(guide[0]["y"]) == pytest.approx(np.hypot(*(start - minimum)))
    assert "distance from the start to the nearest minimum" not in axes  # no long title of its own


# --- 3. nothing flat, coordinates named apart from the rule's x, y, z ------------------------------------


def test_schedule_free_shows_no_flat_panel_and_names_its_constant_learning_rate():
    race = lesson_race("schedule-free")
    spec = internals_of(race, 0)
    for title, key in panel_axes(spec).items():
        ys = np.concatenate([values(t["y"]) for t in traces_on(spec, key)])
        assert np.ptp(ys) > 0, f"{title} is a flat line"
    lr = dict(race.experiment.entries[0].hyper)["lr"]
    notes = " ".join(a["text"] for a in spec["layout"]["annotations"])
    assert f"largest η so far = {lr:g}" in notes


def test_coordinates_are_numbered_as_the_caption_says():
    spec = internals_of(lesson_race("schedule-free"), 0)
    legend = {t["name"]: t["line"]["dash"] for t in spec["data"] if t.get("showlegend")}
    assert legend == {"coordinate 1": "solid", "coordinate 2": "dot"}
    caption = inspect.getsource(internals_view.show)
    assert "Solid lines are coordinate 1" in caption and "dotted ones coordinate 2" in caption
    # The rule's sequences keep their letters in the titles; no legend entry is a bare letter.
    assert {"SGD sequence z", "gradient point y"} <= set(panel_axes(spec))


# --- 4, 5. log axes label decades, as powers of ten -------------------------------------------------------


def labelled_decades(axis: dict, lo: float, hi: float) -> list[float]:
    """The exponents Plotly labels on a log axis from ``dtick``/``tick0`` (an integer dtick: every
    dtick-th decade; "D1"/"D2" or none: digits between the decades too)."""
    dtick = axis.get("dtick")
    assert isinstance(dtick, int) and dtick >= 1, f"labels between decades: dtick={dtick!r}"
    first = math.ceil((lo - axis.get("tick0", 0)) / dtick) * dtick + axis.get("tick0", 0)
    return list(np.arange(first, hi + 1e-9, dtick))


def test_curves_log_axes_label_powers_of_ten_only():
    race = lesson_race("oblong-bowl")
    spec = figures.curves_figure(race, figures.Theme())
    logs = {k: a for k, a in spec["layout"].items() if k.startswith("yaxis") and a.get("type") == "log"}
    assert len(logs) >= 2
    for key, axis in logs.items():
        ys = np.concatenate([values(t["y"]) for t in traces_on(spec, key)])
        ys = ys[ys > 0]
        lo, hi = np.log10(ys.min()), np.log10(ys.max())
        assert hi - lo > 3
        labels = labelled_decades(axis, lo, hi)
        assert 2 <= len(labels) <= 10, (key, labels)
        assert axis["exponentformat"] == "power"


def test_the_sweep_writes_rates_as_powers_of_ten():
    exp = Experiment(surface_key="bowl", entries=(Entry("adam"),), steps=40)
    result = run_sweep(exp, SweepSpec(0, "lr", (1e-5, 1.0), "beta1", (0.0, 0.9), resolution=8))
    assert result.x_log
    layout = sweep_figure(result)["layout"]
    assert layout["xaxis"]["exponentformat"] in ("power", "e")  # not Plotly's "B" with SI prefixes: 10µ
    assert labelled_decades(layout["xaxis"], -5, 0) == [-5, -4, -3, -2, -1, 0]
    heat = sweep_figure(result)["data"][0]
    assert heat["colorbar"]["exponentformat"] in ("power", "e")


# --- 6. the 3-D view -------------------------------------------------------------------------------------


def test_3d_paths_keep_their_colours_and_the_heights_fit_the_runs():
    race = lesson_race("rosenbrock")
    spec = figures.surface3d_figure(race, figures.Theme())
    for label, color, tr in zip(race.labels, race.colors, race.trajectories, strict=True):
        mine = [t for t in spec["data"] if t["type"] == "scatter3d" and t.get("legendgroup") == label]
        path = [t for t in mine if t["mode"] == "lines"]
        head = [t for t in mine if t["mode"] == "markers"]
        assert len(path) == 1 and path[0]["line"]["color"] == color and path[0]["line"]["width"] >= 6
        assert len(head) == 1 and head[0]["marker"]["color"] == color
        assert (head[0]["x"][0], head[0]["y"][0]) == pytest.approx(tuple(tr.path[-1]), abs=1e-9)
    # Rosenbrock's walls reach 2,500 in the window; the runs stay under 12.5 (their start).
    losses = np.concatenate([race.surface.value(tr.path) for tr in race.trajectories])
    lo, hi = spec["layout"]["scene"]["zaxis"]["range"]
    assert hi - lo <= 1.5 * (losses.max() - min(losses.min(), 0.0))
    assert hi >= losses.max()
    notes = " ".join(a["text"] for a in spec["layout"].get("annotations", []))
    assert "cut flat" in notes  # the view says what it did


# --- 7. "diverged at step" is readable on the dark page ----------------------------------------------------


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    c = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_is_wcags():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


DIVERGING = Experiment(surface_key="bowl", surface_params=(("b", 25.0),),
                       entries=(Entry("sgd", (("lr", 0.1),)), Entry("adam"), Entry("momentum")), steps=120)


def test_diverged_text_is_readable_on_the_dark_page():
    """The 3-D view names a diverged run in its legend (the race and side views are the player's
    canvas, assets/)."""
    race = simulate(DIVERGING)
    assert race.trajectories[0].diverged_at is not None
    spec = figures.surface3d_figure(race, figures.Theme(dark=True))
    layout = spec["layout"]
    page_ink = layout["font"]["color"]
    found = []
    for t in spec["data"]:
        if "diverged at step" in str(t.get("name", "")) and t.get("showlegend", True):
            found.append(layout["legend"].get("font", {}).get("color", page_ink))
        if "diverged at step" in str(t.get("text", "")):
            found.append(t.get("textfont", {}).get("color", page_ink))
    for a in layout.get("annotations", []):
        if "diverged at step" in a["text"]:
            found.append(a.get("font", {}).get("color", page_ink))
    assert found
    for color in found:
        assert contrast(color, DARK_PAGE) >= 4.5, color
