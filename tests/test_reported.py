"""Every number the page and the exports report, against a value this file computes itself.

The race runs on the bowl f = ½(a·x² + b·y²) (a = 1, b = 25, not rotated), where gradient descent
has a closed form: x_t = (1 − η·a)ᵗ·x₀ and y_t = (1 − η·b)ᵗ·y₀. The summary table, the curves, the
10–90% band over noise seeds, the internals view and the CSV/JSON exports are each compared with
that closed form, or with a plain loop over the trajectory, or with runs made one seed at a time;
none of the expected values comes from the function under test.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math

import numpy as np
import pytest

import optimizers
from playground import exports
from playground.figures.curves import curves_figure
from playground.figures.internals import internals_figure
from playground.model import metrics
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import simulate

A, B = 1.0, 25.0
START = (-2.0, 1.5)
STEPS = 200
TOL = 1e-3
LABELS = ("Adam", "GD slow", "GD too fast")


def f(p) -> float:
    return 0.5 * (A * p[0] ** 2 + B * p[1] ** 2)


def grad(p) -> tuple[float, float]:
    return A * p[0], B * p[1]


def gd_closed_form(lr: float, steps: int) -> np.ndarray:
    t = np.arange(steps + 1, dtype=np.float64)
    return np.stack([(1 - lr * A) ** t * START[0], (1 - lr * B) ** t * START[1]], axis=1)


def gd_diverges_at(lr: float) -> int:
    """The first step at which a coordinate of the closed form exceeds the divergence limit."""
    t = 0
    while max(abs((1 - lr * A) ** t * START[0]), abs((1 - lr * B) ** t * START[1])) <= optimizers.DIVERGENCE_LIMIT:
        t += 1
    return t


def experiment(**kw) -> Experiment:
    entries = (Entry("adam", (("lr", 0.05),), LABELS[0]), Entry("sgd", (("lr", 0.03),), LABELS[1]),
               Entry("sgd", (("lr", 0.1),), LABELS[2]))
    return Experiment(surface_key="bowl", surface_params=(("a", A), ("angle", 0.0), ("b", B)), entries=entries,
                      start=START, steps=STEPS, **kw)


@pytest.fixture(scope="module")
def race():
    return simulate(experiment())


def runs(race) -> dict[str, optimizers.Trajectory]:
    return dict(zip(race.labels, race.trajectories, strict=True))


def decode(typed) -> np.ndarray:
    if isinstance(typed, dict):
        return np.frombuffer(base64.b64decode(typed["bdata"]), dtype="<" + typed["dtype"]).astype(np.float64)
    return np.asarray(typed, dtype=np.float64)


def test_the_closed_form_is_what_runs(race):
    r = runs(race)
    np.testing.assert_allclose(r["GD slow"].path, gd_closed_form(0.03, STEPS), rtol=1e-12, atol=1e-300)
    k = gd_diverges_at(0.1)
    assert r["GD too fast"].diverged_at == k
    np.testing.assert_allclose(r["GD too fast"].path, gd_closed_form(0.1, k - 1), rtol=1e-12)


# --- the summary table --------------------------------------------------------------------------------


def expected_row(path: np.ndarray, diverged_at: int | None) -> dict:
    losses = [f(p) for p in path]
    settled = None
    if losses[-1] <= TOL:
        settled = len(losses)
        while settled > 0 and losses[settled - 1] <= TOL:
            settled -= 1
    length = sum(math.hypot(*(path[i + 1] - path[i])) for i in range(len(path) - 1))
    return {"final loss": losses[-1], "distance to minimum": math.hypot(*path[-1]),
            f"steps to within {TOL:g}": settled, "diverged at": diverged_at, "path length": length,
            "steps run": len(path) - 1, "gradient evaluations": len(path) - 1}  # one per gradient step


@pytest.mark.parametrize("label", LABELS)
def test_summary_row_matches_the_trajectory(race, label):
    tr = runs(race)[label]
    if label == "GD slow":
        path, diverged = gd_closed_form(0.03, STEPS), None
    elif label == "GD too fast":
        k = gd_diverges_at(0.1)
        path, diverged = gd_closed_form(0.1, k - 1), k
    else:
        path, diverged = tr.path, None
    got = metrics.summary(tr, race.surface, TOL)
    want = expected_row(path, diverged)
    assert set(got) == set(want)
    for key, value in want.items():
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-300), key
        else:
            assert got[key] == value, key
    if label != "GD too fast":
        assert want[f"steps to within {TOL:g}"] not in (None, 0)  # the tolerance column is exercised


# --- the curves and the seed band --------------------------------------------------------------------


def panels(spec: dict) -> dict[str, str]:
    """Each y-axis's title → its axis name ("y", "y2", ...)."""
    out = {}
    for key, axis in spec["layout"].items():
        if key.startswith("yaxis") and axis.get("title"):
            out[axis["title"]["text"]] = "y" + key[5:]
    return out


def line(spec: dict, axis: str, label: str) -> tuple[np.ndarray, np.ndarray]:
    found = [t for t in spec["data"] if t.get("yaxis") == axis and t.get("name") == label and not t.get("fill")]
    assert len(found) == 1, (axis, label)
    return decode(found[0]["x"]), decode(found[0]["y"])


def test_curves_are_the_trajectories_losses_distances_and_steps(race):
    spec = curves_figure(race)
    axes = panels(spec)
    for label, tr in runs(race).items():
        path = tr.path
        x, y = line(spec, axes["loss above the minimum"], label)
        np.testing.assert_array_equal(x, np.arange(len(path)))
        np.testing.assert_allclose(y, [f(p) for p in path], rtol=1e-12)
        x, y = line(spec, axes["distance to the nearest minimum"], label)
        np.testing.assert_array_equal(x, np.arange(len(path)))
        np.testing.assert_allclose(y, [math.hypot(*p) for p in path], rtol=1e-12)
        x, y = line(spec, axes["step length"], label)
        np.testing.assert_array_equal(x, np.arange(1, len(path)))
        np.testing.assert_allclose(y, [math.hypot(*(path[i] - path[i - 1])) for i in range(1, len(path))],
                                   rtol=1e-12)


def test_seed_band_is_the_10_to_90_percent_range_of_seeds_run_one_at_a_time():
    seeds, noise, seed = 6, 2.0, 11
    exp = Experiment(surface_key="bowl", surface_params=(("a", A), ("angle", 0.0), ("b", B)),
                     entries=(Entry("adam", (("lr", 0.05),), "Adam"), Entry("sgd", (("lr", 0.03),), "GD")),
                     start=START, steps=120, noise=noise, seed=seed, seeds=seeds)
    race = simulate(exp)
    spec = curves_figure(race)
    for entry, label in zip(exp.entries, race.labels, strict=True):
        opt = exp.resolve(entry)
        losses = []
        for s in range(seed, seed + seeds):
            tr = optimizers.run(opt, race.surface, race.start, steps=exp.steps, noise=noise, seed=s)
            assert tr.diverged_at is None
            losses.append([f(p) for p in tr.path])
        losses = np.array(losses)
        assert np.ptp(losses[:, -1]) > 0  # the seeds really differ
        lo, hi = np.percentile(losses, 10, axis=0), np.percentile(losses, 90, axis=0)
        band = [t for t in spec["data"] if t.get("fill") == "toself" and t["name"].startswith(label + " ")]
        assert len(band) == 1
        x, y = decode(band[0]["x"]), decode(band[0]["y"])
        n = exp.steps + 1
        np.testing.assert_array_equal(x, np.concatenate([np.arange(n), np.arange(n)[::-1]]))
        np.testing.assert_allclose(y[:n], hi, rtol=1e-9)
        np.testing.assert_allclose(y[n:], lo[::-1], rtol=1e-9)


# --- the internals view -------------------------------------------------------------------------------


def test_internals_show_the_gradient_the_step_and_adams_corrected_moments(race):
    tr = runs(race)["Adam"]
    spec = internals_figure(optimizers.internals(tr), "Adam", "#000000", None)
    axes = panels(spec)
    beta1, beta2 = tr.optimizer.hyper["beta1"], tr.optimizer.hyper["beta2"]
    g = np.array([grad(p) for p in tr.path[:-1]])
    m, v = np.zeros(2), np.zeros(2)
    m_hat, v_hat = [], []
    for t, gt in enumerate(g, start=1):
        m = beta1 * m + (1 - beta1) * gt
        v = beta2 * v + (1 - beta2) * gt**2
        m_hat.append(m / (1 - beta1**t))
        v_hat.append(v / (1 - beta2**t))
    expected = {"gradient g": g, "step taken Δx": np.diff(tr.path, axis=0), "bias-corrected m̂": np.array(m_hat),
                "bias-corrected v̂": np.array(v_hat)}
    for title, want in expected.items():
        traces = [t for t in spec["data"] if t.get("yaxis") == axes[title]]
        assert len(traces) == 2, title  # x and y coordinates
        for coord, trace in enumerate(traces):
            np.testing.assert_array_equal(decode(trace["x"]), np.arange(1, len(want) + 1))
            np.testing.assert_allclose(decode(trace["y"]), want[:, coord], rtol=1e-9, err_msg=title)


# --- the CSV and JSON exports -------------------------------------------------------------------------


def test_csv_rows_are_the_closed_form_positions_losses_and_gradients(race):
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(race).data.decode("utf-8"))))
    by_label = {label: [r for r in rows if r["optimizer"] == label] for label in LABELS}
    k = gd_diverges_at(0.1)
    for label, path, flag in (("GD slow", gd_closed_form(0.03, STEPS), "0"),
                              ("GD too fast", gd_closed_form(0.1, k - 1), "1")):
        got = by_label[label]
        assert [int(r["step"]) for r in got] == list(range(len(path)))
        assert {r["diverged"] for r in got} == {flag}
        xy = np.array([[float(r["x"]), float(r["y"])] for r in got])
        np.testing.assert_allclose(xy, path, rtol=1e-12)
        np.testing.assert_allclose([float(r["loss"]) for r in got], [f(p) for p in path], rtol=1e-12)
        g = np.array([[float(r["grad_x"]), float(r["grad_y"])] for r in got[:-1]])
        np.testing.assert_allclose(g, [grad(p) for p in path[:-1]], rtol=1e-12)
        assert got[-1]["grad_x"] == "" or flag == "1"


def test_json_runs_are_the_closed_form(race):
    record = json.loads(exports.to_json(race).data)
    got = {r["label"]: r for r in record["runs"]}
    k = gd_diverges_at(0.1)
    assert got["GD slow"]["diverged_at"] is None and got["GD too fast"]["diverged_at"] == k
    np.testing.assert_allclose(got["GD slow"]["path"], gd_closed_form(0.03, STEPS), rtol=1e-12)
    np.testing.assert_allclose(got["GD too fast"]["path"], gd_closed_form(0.1, k - 1), rtol=1e-12)
    np.testing.assert_allclose(got["GD slow"]["loss"], [f(p) for p in gd_closed_form(0.03, STEPS)], rtol=1e-12)
    assert got["Adam"]["hyperparameters"]["lr"] == 0.05 and got["GD too fast"]["hyperparameters"]["lr"] == 0.1
    assert record["start"] == list(START) and record["steps"] == STEPS


# --- the summary table as the page shows it -----------------------------------------------------------


def shown_number(text: str) -> float | int | None:
    if text in ("never", "—"):
        return None
    return int(text.replace(",", "")) if text.replace(",", "").lstrip("-").isdigit() else float(text)


def test_the_page_table_shows_the_closed_form_numbers():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    for key, value in {"surface": "bowl:a=1,b=25,angle=0", "opt": "adam:lr=0.05;sgd:lr=0.03;sgd:lr=0.1",
                       "start": "-2,1.5", "steps": str(STEPS), "view": "table"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (table,) = at.table
    frame = table.value
    assert len(frame) == 3
    k = gd_diverges_at(0.1)
    for row, (path, diverged) in zip(frame.to_dict("records")[1:], ((gd_closed_form(0.03, STEPS), None),
                                                                   (gd_closed_form(0.1, k - 1), k)), strict=True):
        want = expected_row(path, diverged)
        for column, value in want.items():
            got = shown_number(str(row[column]))
            if value is None or isinstance(value, int):
                assert got == value, column
            else:
                assert got == pytest.approx(value, rel=5e-4), column  # four significant digits
