"""What the Plotly views show at a lecture's size (issue 20, item 6): the Internals panels' scales and
titles, the log axes' labels, the 3-D view's heights and colours, and readable warnings in dark mode.

Each test reads the figure dict the page hands to ``st.plotly_chart``; expected numbers come from the
race itself or from arithmetic written here (WCAG's contrast, a font's character width).
"""

from __future__ import annotations

import base64
import functools
import math

import numpy as np

from playground import figures
from playground.figures.sweep import sweep_figure
from playground.model import lessons
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import Simulation, simulate
from playground.model.sweep import SweepSpec, run_sweep

DARK_PAGE = "#0e1117"


@functools.cache
def lesson_race(key: str) -> Simulation:
    return simulate(lessons.find(key).experiment)


def values(v) -> np.ndarray:
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]).newbyteorder("<")).astype(float)
    return np.asarray(v, dtype=float)


def traces_on(spec: dict, axis_key: str) -> list[dict]:
    ref = "y" + axis_key[len("yaxis"):]
    return [t for t in spec["data"] if t.get("yaxis") == ref]


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
