"""Each lesson's :class:`~playground.model.lessons.Picture`, checked on the lesson's own runs without a
browser: the view it names is the one the lesson opens on and has the panel the text points at; the
runs it does not let out stay inside the window at every step; the step it speaks of is in the race
(and is the step the text means); the two runs it compares are far enough apart to be seen.

``tests/browser/test_lesson_pictures.py`` checks the same contract in Chromium; this file is the fast
check that the lessons' data can keep it at all.

How far apart two heads are drawn, at 1440×900
----------------------------------------------
The distances are worked out here from the window, with a conservative estimate of the plot's size,
so that a separation passing here passes on the screen:

* The map (a 2-D race). At 1440×900 the player's canvas is about 520–560 px tall and up to ~800 px
  wide, less 40 px of tick labels: the plot is at least :data:`MAP_PX` = 480 px both ways. A window
  whose sides are within a factor 2 is drawn with one scale for both axes (``equalAspect`` in
  ``assets/core.js``), ``min(width/x-span, height/y-span)``, so at least ``MAP_PX / longer span`` px per
  data unit; any other window gets at least ``MAP_PX / span`` px per unit along each axis.
* The 1-D view's lower panel ("steps": x over the steps). It takes 48% of the canvas's height, less
  ~73 px of axis titles and tick labels: at least :data:`STEPS_PX` = 160 px for the window's x span,
  drawn upwards. Both heads are at the same step, so only their x differs: ``|Δx| · STEPS_PX / span``.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

import optimizers
from playground.figures.curves import curves_figure
from playground.figures.internals import internals_figure
from playground.model import lessons, views
from playground.model.simulate import Simulation, simulate

MAP_PX = 480.0
STEPS_PX = 160.0
KEYS = lessons.names()
PLAYER_VIEWS = tuple(v.key for v in views.VIEWS if v.player)


@functools.cache
def race(key: str) -> Simulation:
    return simulate(lessons.find(key).experiment)


def named(key: str) -> dict[str, optimizers.Trajectory]:
    return dict(zip(lessons.find(key).runs, race(key).trajectories, strict=True))


def at(tr: optimizers.Trajectory, step: int) -> np.ndarray:
    """Where the run's head is at ``step`` (a run that stopped early holds its last position)."""
    return tr.path[min(step, len(tr.path) - 1)]


def inside(path: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    return np.all((path >= bounds[:, 0]) & (path <= bounds[:, 1]), axis=-1)


def px_apart(a: np.ndarray, b: np.ndarray, bounds: np.ndarray) -> float:
    """How far apart two heads are drawn at 1440×900, at the least (see the module's docstring)."""
    span = bounds[:, 1] - bounds[:, 0]
    if len(span) == 1:  # the lower panel of the 1-D view: x upwards, the same step across
        return float(abs(a[0] - b[0]) * STEPS_PX / span[0])
    if 0.5 <= span[1] / span[0] <= 2:  # equal scales
        return float(np.linalg.norm(a - b) * MAP_PX / span.max())
    return float(np.linalg.norm((a - b) * MAP_PX / span))


def panel_titles(key: str) -> list[str]:
    """The titles of the panels of the Plotly view the lesson opens on, as drawn (line breaks as spaces)."""
    lesson, r = lessons.find(key), race(key)
    if lesson.picture.view == "curves":
        fig = curves_figure(r)
    elif lesson.picture.view == "internals":  # the view opens on the first run
        tr = r.trajectories[0]
        fig = internals_figure(optimizers.internals(tr), r.labels[0], r.colors[0], None,
                               optimizer=lesson.experiment.entries[0].optimizer)
    else:
        raise AssertionError(f"{key}: no panel titles known for the {lesson.picture.view} view")
    titles = [axis["title"]["text"] for name, axis in fig["layout"].items()
              if name.startswith("yaxis") and (axis.get("title") or {}).get("text")]
    return [t.replace("<br>", " ") for t in titles]


# --- the contract, lesson by lesson ------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_the_picture_names_the_view_the_lesson_opens_on_and_a_panel_it_has(key):
    lesson = lessons.find(key)
    picture, exp = lesson.picture, lesson.experiment
    assert picture.view in views.KEYS and picture.view == exp.view
    if picture.view in PLAYER_VIEWS:
        surface = race(key).surface
        panels = ("curve", "steps") if surface.dim == 1 else ("map", "data") if surface.data is not None else ("map",)
        assert picture.panel in panels, f"{key}: the {picture.view} view has no panel {picture.panel!r}"
    else:  # the browser looks for a panel whose title holds the name as a word
        titles = panel_titles(key)
        word = re.compile(rf"(?<!\w){re.escape(picture.panel)}(?!\w)")
        assert any(word.search(t) for t in titles), f"{key}: no panel titled {picture.panel!r} in {titles}"


@pytest.mark.parametrize("key", KEYS)
def test_runs_the_picture_does_not_let_out_stay_in_the_window_at_every_step(key):
    lesson = lessons.find(key)
    bounds = race(key).surface.bounds
    for name, tr in named(key).items():
        stays = inside(tr.path, bounds)
        if name in lesson.picture.outside:
            # A run let out does leave, and the picture says why.
            assert not stays.all() and lesson.picture.why.strip(), f"{key}: {name} is let out for no reason"
        else:
            assert tr.diverged_at is None, f"{key}: {name} diverges at step {tr.diverged_at}"
            left = np.flatnonzero(~stays)
            assert left.size == 0, (f"{key}: {name} leaves the window {bounds.tolist()} at steps {left[:5].tolist()}, "
                                    f"e.g. at {tr.path[left[0]].tolist()}")


@pytest.mark.parametrize("key", KEYS)
def test_the_step_the_picture_speaks_of_is_in_the_race(key):
    lesson = lessons.find(key)
    step = lesson.picture.step
    assert step is None or 0 <= step <= lesson.experiment.steps
    if lesson.picture.view not in PLAYER_VIEWS:
        assert step is None and lesson.picture.apart is None, "a Plotly view has no clock and no heads"


@pytest.mark.parametrize("key", [k for k in KEYS if lessons.find(k).picture.apart is not None])
def test_the_runs_the_claim_compares_are_apart_at_1440x900(key):
    lesson = lessons.find(key)
    a, b, px = lesson.picture.apart
    step = lesson.experiment.steps if lesson.picture.step is None else lesson.picture.step
    bounds = race(key).surface.bounds
    runs = named(key)
    heads = at(runs[a], step), at(runs[b], step)
    assert inside(np.array(heads), bounds).all(), f"{key}: a compared run is outside the window at step {step}"
    gap = px_apart(*heads, bounds)
    assert gap >= px, f"{key}: at step {step} {a} and {b} are at least {gap:.0f} px apart, under {px:.0f}"


def test_the_distances_by_hand():
    """The conversion on windows worked by hand: equal scales on [−3, 3]², unequal on a flat strip, the 1-D panel."""
    square = np.array([[-3.0, 3.0], [-3.0, 3.0]])
    assert px_apart(np.array([0.0, 0.0]), np.array([0.6, 0.8]), square) == pytest.approx(80.0)  # 1 unit, 480/6 px
    strip = np.array([[0.0, 10.0], [0.0, 1.0]])  # sides a factor 10 apart: 48 px per unit across, 480 up
    assert px_apart(np.array([0.0, 0.0]), np.array([10.0, 0.0]), strip) == pytest.approx(480.0)
    assert px_apart(np.array([0.0, 0.0]), np.array([0.0, 0.5]), strip) == pytest.approx(240.0)
    line = np.array([[-0.1, 0.06]])
    assert px_apart(np.array([-0.05]), np.array([0.0]), line) == pytest.approx(50.0)  # 0.05 of 0.16 of 160 px


# --- the steps the texts speak of ------------------------------------------------------------------


def first(condition: np.ndarray, after: int = 0) -> int:
    hits = np.flatnonzero(condition[after:])
    assert hits.size, "never"
    return after + int(hits[0])


def rms_reaches_the_kink() -> int:
    return first(named("constant-slope")["rms"].path[:, 0] <= 0)


def rms_is_back_at_the_kink() -> int:
    x = named("changing-direction")["rms"].path[:, 0]
    return first(np.abs(x) <= 0.01, after=int(np.argmin(x)))


def uncorrected_reaches_the_kink() -> int:
    return first(named("bias-correction")["raw"].path[:, 0] <= 0)


def good_rate_arrives() -> int:
    return first(np.linalg.norm(named("learning-rate")["good"].path, axis=1) < 1e-3)


def newton_leaps_uphill() -> int:
    return int(np.argmax(named("newton-rosenbrock")["newton"].loss))


STEPS = {
    "constant-slope": rms_reaches_the_kink,
    "changing-direction": rms_is_back_at_the_kink,
    "bias-correction": uncorrected_reaches_the_kink,
    "learning-rate": good_rate_arrives,
    "newton-rosenbrock": newton_leaps_uphill,
}


@pytest.mark.parametrize("key", KEYS)
def test_a_pictures_step_is_the_moment_its_text_speaks_of(key):
    step = lessons.find(key).picture.step
    if key in STEPS:
        assert step == STEPS[key](), f"{key}: the picture's step {step} is not the moment the text speaks of"
    else:
        assert step is None, f"{key}: a step of the picture with no moment measured here"


def test_changing_direction_at_its_step_adam_is_still_far_left_and_rmsprop_back():
    runs, step = named("changing-direction"), lessons.find("changing-direction").picture.step
    adam, rms = runs["adam"].path[step, 0], runs["rms"].path[step, 0]
    assert abs(rms) <= 0.01 and adam < 0.8 * runs["adam"].path[:, 0].min()  # 80% of its deepest yet


def test_the_lessons_that_open_on_their_claims_panels():
    assert {k: lessons.find(k).picture.view for k in ("schedule-free", "prodigy")} == {
        "schedule-free": "internals", "prodigy": "internals"}
    one_d = [k for k in KEYS if race(k).surface.dim == 1]
    assert {lessons.find(k).picture.panel for k in one_d} == {"steps"}
    assert {"constant-slope", "changing-direction", "bias-correction", "adagrad-vs-rmsprop",
            "adabelief-slope"} <= set(one_d)
