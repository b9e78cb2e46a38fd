"""Every lesson's claim, measured on the core from the lesson's own experiment.

A lesson whose claim fails its test is a bug in the lesson, not in the test: the numbers below are
the ones the explanations and "what to watch" texts promise.
"""

import functools
import math
import re

import numpy as np
import pytest

import optimizers
from playground.model import lessons
from playground.model.link import decode, to_query_string
from playground.model.simulate import Simulation, simulate

KEYS = lessons.names()


@functools.cache
def race(key: str) -> Simulation:
    return simulate(lessons.find(key).experiment)


def by_label(r: Simulation) -> dict[str, optimizers.Trajectory]:
    return dict(zip(r.labels, r.trajectories, strict=True))


def x_of(tr: optimizers.Trajectory) -> np.ndarray:
    return tr.path[:, 0]


def steps_of(tr: optimizers.Trajectory) -> np.ndarray:
    """The length of each step of a 1-D run (downhill on the slope is positive)."""
    return -np.diff(x_of(tr))


def first_crossing(x: np.ndarray) -> int | None:
    """The first step that lands at or past the kink at 0, or None."""
    hits = np.flatnonzero(x <= 0)
    return int(hits[0]) if hits.size else None


def hyper(tr: optimizers.Trajectory, name: str) -> float:
    return float(tr.optimizer.hyper[name])


# --- the lessons as a collection ---------------------------------------------------------------------


def test_keys_are_unique_and_every_lesson_is_complete():
    assert len(KEYS) == len(set(KEYS))
    for number, lesson in enumerate(lessons.LESSONS, start=1):
        # The number is its place in the list, written at the head of the title, never typed in it.
        assert lesson.title == f"{number}. {lesson.write(lesson.templates['title'])}"
        assert not re.match(r"\d", lesson.templates["title"])
        assert lesson.title.strip() and lesson.explanation.strip() and lesson.watch.strip()
        assert lesson.experiment.lesson == lesson.key
        assert lesson.experiment.entries


@pytest.mark.parametrize("key", KEYS)
def test_lesson_links_round_trip_and_load_by_key(key):
    lesson = lessons.find(key)
    exp = lesson.experiment
    assert decode(to_query_string(exp)) == (exp, [])
    assert decode(f"lesson={key}") == (exp, [])
    assert decode({"lesson": key}) == (exp, [])
    for entry in exp.entries:
        exp.resolve(entry)


CODE = [
    (r"`", "backticks"),
    (r"\*\*", "a Python power"),
    (r"[A-Za-z_]\w*\(", "a call"),
    (r"\b[a-z]+_[a-z0-9_]+\b", "a snake_case identifier"),
    (r"\w=|=\w", "a keyword argument"),
    (r"\b(import|def|lambda|return|np|numpy)\b", "a Python keyword"),
    (r"[{}\[\]$\\]|<\w|</", "markup"),
]


@pytest.mark.parametrize("key", KEYS)
def test_lesson_texts_are_prose_not_code(key):
    lesson = lessons.find(key)
    for text in (lesson.title, lesson.explanation, lesson.watch):
        for pattern, what in CODE:
            assert not re.search(pattern, text), f"{key}: {what} in {text!r}"


# --- 1. constant slope --------------------------------------------------------------------------------


def test_constant_slope_momentum_reaches_ten_times_adams_speed():
    runs = by_label(race("constant-slope"))
    adam, rms = runs["Adam"], runs["RMSprop + momentum 0.9"]
    lr, mu = hyper(rms, "lr"), hyper(rms, "momentum")
    assert hyper(adam, "lr") == lr  # the same learning rate, as the text says
    crossings = [c for c in (first_crossing(x_of(adam)), first_crossing(x_of(rms))) if c is not None]
    # RMSprop reaches the kink long before Adam (which would need 2/lr = 2000 steps).
    assert first_crossing(x_of(rms)) is not None and first_crossing(x_of(adam)) is None
    n = min(crossings)  # measure only on the slope, before either crosses 0
    a, r = steps_of(adam)[:n], steps_of(rms)[:n]
    # Adam: every step is the learning rate, from the first step on.
    assert np.all(np.abs(a / lr - 1) < 0.01)
    # RMSprop + momentum: the step approaches lr/(1 − μ), ten times Adam's.
    terminal = lr / (1 - mu)
    assert terminal == pytest.approx(0.01)
    assert r[-1] == pytest.approx(terminal, rel=1e-3)
    assert np.all(np.abs(r[-20:] / terminal - 1) < 0.01)
    assert r[-1] / a[-1] >= 8
    assert r[-1] / a[-1] == pytest.approx(10, rel=0.05)
    # It speeds up first: the early steps grow from about a third of the terminal speed.
    assert r[0] < 0.35 * terminal and np.all(np.diff(r[:10]) > 0)


# --- 2. changing direction ------------------------------------------------------------------------------


def turning_and_return(x: np.ndarray) -> tuple[float, int]:
    """The furthest point left of 0, and the steps from there back to within 0.01 of 0."""
    turn = int(np.argmin(x))
    back = np.flatnonzero(np.abs(x[turn:]) <= 0.01)
    assert back.size, "never came back to 0"
    return float(x[turn]), int(back[0])


def test_changing_direction_adam_overshoots_further_and_returns_slower():
    runs = by_label(race("changing-direction"))
    adam, rms = runs["Adam (lr 0.01)"], runs["RMSprop + momentum (lr 0.001)"]
    # Adam's lr equals RMSprop's lr/(1 − μ): the same speed at the kink.
    assert hyper(adam, "lr") == pytest.approx(hyper(rms, "lr") / (1 - hyper(rms, "momentum")))
    ca, cr = first_crossing(x_of(adam)), first_crossing(x_of(rms))
    assert ca is not None and cr is not None
    assert steps_of(adam)[ca - 1] == pytest.approx(steps_of(rms)[cr - 1], rel=0.05)
    low_adam, return_adam = turning_and_return(x_of(adam))
    low_rms, return_rms = turning_and_return(x_of(rms))
    assert low_adam < 0 and low_rms < 0  # both overshoot
    assert low_adam < low_rms  # Adam travels further left
    assert return_adam >= 2 * return_rms  # and takes several times longer to come back


# --- 3. bias correction ---------------------------------------------------------------------------------


def test_bias_correction_exact_steps_and_the_uncorrected_lurch():
    runs = by_label(race("bias-correction"))
    corrected, raw = runs["Adam (bias-corrected)"], runs["Adam without bias correction"]
    lr = hyper(corrected, "lr")
    assert hyper(raw, "lr") == lr and raw.optimizer.hyper["bias_correction"] is False
    on_slope = x_of(corrected)[:-1] > 0
    assert on_slope.sum() > 100
    np.testing.assert_allclose(steps_of(corrected)[on_slope], lr, rtol=1e-9)

    b1, b2 = hyper(raw, "beta1"), hyper(raw, "beta2")
    first = (1 - b1) / math.sqrt(1 - b2) * lr
    assert first / lr == pytest.approx(3.16, abs=0.01)
    d = steps_of(raw)
    assert d[0] == pytest.approx(first, rel=1e-6)
    n = first_crossing(x_of(raw))
    assert n is not None
    d = d[:n]
    # It keeps growing for several steps, then slows down while still on the slope.
    peak = int(np.argmax(d))
    assert peak >= 5 and np.all(np.diff(d[: peak + 1]) > 0)
    assert d[-1] < d[peak] and np.all(d > 3 * lr)


# --- 4. oblong bowl ------------------------------------------------------------------------------------


def sign_changes(values: np.ndarray) -> int:
    s = np.sign(values)
    return int(np.count_nonzero(s[1:] != s[:-1]))


def test_oblong_bowl_zig_zag_momentum_and_rmsprop_diagonal():
    r = race("oblong-bowl")
    a, b = r.surface.params["a"], r.surface.params["b"]
    assert b / a == 25 and r.surface.params["angle"] == 0
    runs = by_label(r)
    gd, mom, rms = runs["Gradient descent"], runs["Momentum (β = 0.9)"], runs["RMSprop"]
    window = slice(0, 31)  # the start and the first 30 steps
    assert sign_changes(gd.path[window, 1]) >= 29
    assert sign_changes(mom.path[window, 1]) <= 5
    dx, dy = np.abs(rms.path[1] - rms.path[0])
    assert dx == pytest.approx(dy, rel=0.05)


# --- 5. learning rate ----------------------------------------------------------------------------------


def test_learning_rate_limit_is_two_over_the_steepest_curvature():
    r = race("learning-rate")
    p = r.surface.params
    curvature = max(p["a"], p["b"])  # the bowl's Hessian has eigenvalues a and b
    limit = 2 / curvature
    assert limit == pytest.approx(0.08)
    runs = {hyper(tr, "lr"): tr for tr in r.trajectories}
    assert sorted(runs) == [0.01, 0.077, 0.085]
    small, good, large = runs[0.01], runs[0.077], runs[0.085]
    assert 0.085 > limit > 0.077
    assert large.diverged_at is not None
    assert good.diverged_at is None and small.diverged_at is None
    good_dist = np.linalg.norm(good.path, axis=1)
    small_dist = np.linalg.norm(small.path, axis=1)
    assert good_dist[-1] < 1e-3
    arrived = int(np.flatnonzero(good_dist < 1e-3)[0])
    assert small_dist[arrived] > 0.1 and small_dist[-1] > 0.1


# --- 6. local minima ----------------------------------------------------------------------------------


def test_local_minima_momentum_rolls_into_the_deep_basin():
    r = race("local-minima")
    minima, values = r.surface.minima, r.surface.minimum_values
    assert len(minima) == 2
    shallow = minima[int(np.argmax(values))]
    deep = minima[int(np.argmin(values))]
    assert shallow[0] > 0 > deep[0]  # shallow on the right, deep on the left
    assert r.start[0] > shallow[0]  # both released on the right
    # The numbers the "what to watch" text quotes.
    assert round(shallow[0], 2) == 0.93 and round(deep[0], 2) == -1.06
    runs = by_label(r)
    gd, mom = runs["Gradient descent"], runs["Momentum 0.9"]
    np.testing.assert_allclose(gd.final, shallow, atol=1e-3)
    np.testing.assert_allclose(mom.final, deep, atol=1e-3)


# --- 7. AdaGrad against RMSprop ---------------------------------------------------------------------


def test_adagrad_steps_shrink_like_one_over_root_t():
    runs = by_label(race("adagrad-vs-rmsprop"))
    ada, rms = runs["AdaGrad"], runs["RMSprop"]
    lr = hyper(ada, "lr")
    d = steps_of(ada)
    assert d[999] == pytest.approx(lr / math.sqrt(1000), rel=0.05)
    assert d[0] / d[999] == pytest.approx(30, rel=0.1)  # "about 30 times shorter"
    assert len(x_of(ada)) == 2001 and x_of(ada)[-1] > 0.5
    assert abs(x_of(rms)[-1]) < 0.05
    assert first_crossing(x_of(rms)) < 500  # RMSprop reaches the kink early


# --- 8. Rosenbrock -------------------------------------------------------------------------------------


def test_rosenbrock_adam_follows_the_bend_gradient_descent_crawls():
    r = race("rosenbrock")
    assert r.experiment.steps == 1000 and r.surface.minima == [(1.0, 1.0)]
    runs = by_label(r)
    dist = {label: float(np.linalg.norm(tr.path[-1] - (1.0, 1.0))) for label, tr in runs.items()}
    assert all(tr.diverged_at is None for tr in runs.values())
    assert dist["Gradient descent"] > 1
    assert dist["Adam"] < 0.1


# --- 9. Adam hovers -----------------------------------------------------------------------------------


def test_adam_hovers_while_momentum_converges():
    r = race("adam-hovers")
    runs = by_label(r)
    adam, mom = runs["Adam (β₂ = 0.99)"], runs["SGD with momentum 0.9"]
    assert adam.diverged_at is None and mom.diverged_at is None
    da, dm = np.linalg.norm(adam.path, axis=1), np.linalg.norm(mom.path, axis=1)
    # Over the last 500 steps Adam never settles; momentum is at the minimum.
    assert da[-500:].max() >= 1e-3 and da[-500:].min() > 0
    assert dm[-500:].max() < 1e-8
    # At first both home in together, within a factor of 30 of each other.
    for t in (300, 600, 900):
        assert da[t] < 1e-5 and 1 / 30 < da[t] / dm[t] < 30
    # Then Adam is flung back out, around step 1,300, and does not come down again.
    best = int(np.argmin(da))
    jump = best + int(np.flatnonzero(da[best:] > 1e-4)[0])
    assert 1100 <= jump <= 1400
    assert da[1400:].min() > 1e-8 > 1e12 * da[best]
    # Momentum's distance keeps falling.
    assert dm[-1] < dm[2000] < dm[1000] < dm[300]


def test_adam_with_default_beta2_settles_on_the_same_bowl():
    exp = lessons.find("adam-hovers").experiment
    entry = next(e for e in exp.entries if e.optimizer == "adam")
    settings = {k: v for k, v in entry.hyper if k != "beta2"}
    tr = optimizers.run(optimizers.make("adam", **settings), exp.build_surface(), exp.start_point(), steps=exp.steps)
    dist = np.linalg.norm(tr.path, axis=1)
    assert tr.diverged_at is None and dist[-500:].max() < 1e-8


def test_changing_direction_frames_the_overshoot_at_the_kink():
    """At the chart's scale the two overshoots must be told apart: both inside the lesson's window,
    their depths differing by at least 5% of its width (over the whole slope it was 1–5 pixels)."""
    r = race("changing-direction")
    (lo, hi), = r.surface.bounds.tolist()
    deepest = [float(tr.path[:, 0].min()) for tr in r.trajectories]
    assert all(lo < d < 0 for d in deepest), (deepest, lo, hi)
    assert abs(deepest[0] - deepest[1]) >= 0.05 * (hi - lo), (deepest, lo, hi)
    assert lo <= 0 <= hi  # the kink itself is in view


# --- 17. sharp and flat ---------------------------------------------------------------------------


def test_sharp_flat_as_opened_momentum_settles_in_the_narrow_basin_and_sam_is_thrown_out():
    """What to watch, from the lesson's own start (no click): both begin beside the narrow basin."""
    r = race("sharp-flat")
    sharp, flat = (np.array(m) for m in r.surface.minima)
    assert r.surface.hessian(sharp)[0, 0] > r.surface.hessian(flat)[0, 0]  # the first is the narrow one
    mom, sam = r.trajectories  # in the lesson's order: momentum, SAM
    to_sharp = np.linalg.norm(sam.path - sharp, axis=1)
    start = to_sharp[0]
    assert start < 1 and start < np.linalg.norm(np.array(r.start) - flat) / 2  # beside the narrow basin
    # Momentum never strays further than its start and ends at the narrow minimum.
    assert np.linalg.norm(mom.path - sharp, axis=1).max() <= start + 1e-12
    np.testing.assert_allclose(mom.final, sharp, atol=1e-6)
    # SAM dips towards the narrow minimum, is thrown out within a few steps, and ends in the wide one.
    dip = int(np.argmin(to_sharp))
    assert dip <= 10 and to_sharp[dip] < start / 2
    assert to_sharp[dip + 10] > start  # further out than it began
    np.testing.assert_allclose(sam.final, flat, atol=0.02)


# --- 18. schedule-free, 19. Prodigy: what the Internals panels show ---------------------------------


def test_schedule_free_z_keeps_jittering_while_the_steps_of_x_shrink():
    tr = race("schedule-free").trajectories[0]
    kept = optimizers.internals(tr)
    jitter = np.linalg.norm(np.diff(kept["z"], axis=0), axis=1)
    step = np.linalg.norm(kept["step"], axis=1)
    early, late = slice(100, 500), slice(-500, None)
    assert jitter[late].mean() > 0.8 * jitter[early].mean()  # z jitters to the end as much as before
    assert step[late].mean() < 0.2 * step[early].mean()  # x's steps shrink towards zero
    assert step[late].mean() < 0.02 * jitter[late].mean()


def test_prodigy_d_climbs_and_flattens_out_below_the_true_distance():
    r = race("prodigy")
    tr = r.trajectories[0]
    d = tr.state["d"][:, 0]
    true = float(np.linalg.norm(np.array(r.start) - np.array(r.surface.minima[0])))
    assert d[0] < 1e-3 * d[-1] and np.all(np.diff(d) >= 0)  # climbs from a tiny start, never down
    half = len(d) // 2
    assert d[-1] - d[half] < 0.01 * d[-1] and d[-1] < true  # flat over the second half, below the truth
