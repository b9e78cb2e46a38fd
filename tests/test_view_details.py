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
