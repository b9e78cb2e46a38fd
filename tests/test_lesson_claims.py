"""Every number a lesson quotes and every optimizer it names, measured on the lesson's own runs.

A lesson states its claims as data (``Lesson.runs``, ``Lesson.numbers``) and its prose is written
from them. Here each lesson has one measurement that computes, from the trajectories and the
surface, a value for every number the text quotes; a number without a measurement fails, and so
does a measurement that finds something other than what the text says. The templates are checked
to hold no number and no optimizer name of their own, so nothing the reader sees escapes this file.
"""

from __future__ import annotations

import functools
import math
import re
import string
from dataclasses import replace

import numpy as np
import pytest

import optimizers
from playground.model import lessons
from playground.model.simulate import Simulation, simulate

KEYS = lessons.names()
NAN = math.nan


@functools.cache
def race(key: str) -> Simulation:
    return simulate(lessons.find(key).experiment)


def runs(key: str) -> dict[str, optimizers.Trajectory]:
    """The lesson's trajectories under the names its text uses."""
    r = race(key)
    return dict(zip(lessons.find(key).runs, r.trajectories, strict=True))


def hyper(tr: optimizers.Trajectory, name: str) -> float:
    return float(tr.optimizer.hyper[name])


def same(*values: float) -> float:
    """The common value, or NaN when the runs the text speaks of together disagree."""
    return values[0] if all(v == values[0] for v in values) else NAN


def steps_1d(tr: optimizers.Trajectory) -> np.ndarray:
    return -np.diff(tr.path[:, 0])


def first_at_or_below_zero(x: np.ndarray) -> int:
    hits = np.flatnonzero(x <= 0)
    return int(hits[0]) if hits.size else len(x)


def hessian_eigenvalues(r: Simulation, at) -> np.ndarray:
    """The curvatures at ``at``, by central differences of the surface's gradient (not its formula)."""
    at = np.asarray(at, dtype=np.float64)
    h = 1e-4
    cols = []
    for i in range(at.size):
        e = np.zeros_like(at)
        e[i] = h
        cols.append((r.surface.grad(at + e) - r.surface.grad(at - e)).reshape(-1) / (2 * h))
    hess = np.array(cols)
    return np.linalg.eigvalsh(0.5 * (hess + hess.T))


def only_if(claim: bool, value: float) -> float:
    return float(value) if claim else NAN


# --- one measurement per lesson -------------------------------------------------------------------------


def measure_constant_slope() -> dict[str, float]:
    t = runs("constant-slope")
    adam, rms = t["adam"], t["rms"]
    n = min(first_at_or_below_zero(adam.path[:, 0]), first_at_or_below_zero(rms.path[:, 0])) - 1
    a, m = steps_1d(adam)[:n], steps_1d(rms)[:n]
    surface = race("constant-slope").surface
    grid = np.linspace(*surface.bounds[0], 1001)
    g = surface.grad(grid[:, None])[:, 0]
    flip = np.flatnonzero(np.sign(g[1:]) != np.sign(g[:-1]))
    kink = NAN
    if flip.size == 1:  # where the gradient changes sign, to the last bit by bisection
        lo, hi = grid[flip[0]], grid[flip[0] + 1]
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.sign(surface.grad(np.array([[mid]]))[0, 0]) == np.sign(g[flip[0]]) else (lo, mid)
        kink = 0.5 * (lo + hi)
    rms_first = first_at_or_below_zero(rms.path[:, 0]) < first_at_or_below_zero(adam.path[:, 0])
    return {
        "start": same(adam.path[0, 0], rms.path[0, 0]),
        # Adam's every step is the learning rate, and RMSprop's learning rate is the same.
        "lr": only_if(np.allclose(a, hyper(rms, "lr"), rtol=1e-6), hyper(rms, "lr")),
        "keep": 100 * hyper(rms, "momentum"),
        "mu": hyper(rms, "momentum"),
        "ratio": m[-1] / a[-1],
        "kink": only_if(rms_first, kink),
    }


def measure_changing_direction() -> dict[str, float]:
    t = runs("changing-direction")
    s = race("changing-direction").surface
    down, up = float(s.grad(np.array([[1.0]]))[0, 0]), float(s.grad(np.array([[-0.5]]))[0, 0])
    return {
        "gentle": abs(down / up),
        "beta2": hyper(t["adam"], "beta2"),
        "memory": 1 / (1 - hyper(t["adam"], "beta2")),
        "rho": hyper(t["rms"], "rho"),
        "rms_memory": 1 / (1 - hyper(t["rms"], "rho")),
    }


def measure_bias_correction() -> dict[str, float]:
    t = runs("bias-correction")
    raw = t["raw"]
    g1 = raw.grads[0, 0]
    m1, v1 = raw.state["exp_avg"][0, 0], raw.state["exp_avg_sq"][0, 0]
    return {
        "first_share": 100 * m1 / g1,
        "second_share": 100 * v1 / g1**2,
        "cut": m1 / g1,
        "root": math.sqrt(v1 / g1**2),
        "lurch": steps_1d(raw)[0] / steps_1d(t["adam"])[0],
        "eps": same(hyper(raw, "eps"), hyper(t["adam"], "eps")),
    }


def measure_oblong_bowl() -> dict[str, float]:
    r = race("oblong-bowl")
    low, high = hessian_eigenvalues(r, r.surface.minima[0])
    return {"steep": high / low}


def converged(tr: optimizers.Trajectory, tol: float = 1e-3) -> bool:
    return tr.diverged_at is None and float(np.linalg.norm(tr.path[-1])) < tol


def measure_learning_rate() -> dict[str, float]:
    r = race("learning-rate")
    t = runs("learning-rate")
    curvature = float(hessian_eigenvalues(r, r.surface.minima[0]).max())
    good_dist = np.linalg.norm(t["good"].path, axis=1)
    arrived = np.flatnonzero(good_dist < 1e-3)
    still_far = arrived.size > 0 and float(np.linalg.norm(t["small"].path[arrived[0]])) > 0.1
    return {
        "L": curvature,
        "limit": 2 / curvature,
        "lr_small": only_if(still_far and t["small"].diverged_at is None, hyper(t["small"], "lr")),
        "lr_good": only_if(converged(t["good"]) and hyper(t["good"], "lr") < 2 / curvature, hyper(t["good"], "lr")),
        "lr_large": only_if(t["large"].diverged_at is not None, hyper(t["large"], "lr")),
    }


def measure_local_minima() -> dict[str, float]:
    t = runs("local-minima")
    s = race("local-minima").surface
    values = s.value(np.array(s.minima))
    return {"basins": len(set(np.round(values, 9))), "shallow": float(t["gd"].final[0]),
            "deep": float(t["mom"].final[0])}


def measure_adagrad_vs_rmsprop() -> dict[str, float]:
    t = runs("adagrad-vs-rmsprop")
    at = int(lessons.find("adagrad-vs-rmsprop").numbers["at"].value)
    x = t["ada"].path[:, 0]
    d = steps_1d(t["ada"])
    on_slope_at = len(d) >= at and x[at] > 0
    return {
        "at": only_if(on_slope_at, at),
        "shrink": d[0] / d[at - 1] if on_slope_at else NAN,
        "steps": only_if(x[-1] > 0 and abs(t["rms"].path[-1, 0]) < 0.05, len(x) - 1),
    }


def measure_rosenbrock() -> dict[str, float]:
    adam = runs("rosenbrock")["adam"]
    return {"min_x": float(adam.final[0]), "min_y": float(adam.final[1])}


def measure_adam_hovers() -> dict[str, float]:
    r = race("adam-hovers")
    t = runs("adam-hovers")
    adam = t["adam"]
    curvature = float(hessian_eigenvalues(r, r.surface.minima[0]).max())
    dist = np.linalg.norm(adam.path, axis=1)
    best = int(np.argmin(dist))
    jump = best + int(np.flatnonzero(dist[best:] > 1e-4)[0]) if np.any(dist[best:] > 1e-4) else NAN
    # The text's aside: with the default β₂ the same Adam settles on this bowl.
    exp = r.experiment
    entry = exp.entries[list(lessons.find("adam-hovers").runs).index("adam")]
    settings = {k: v for k, v in entry.hyper if k != "beta2"}
    default = optimizers.run(optimizers.make("adam", **settings), r.surface, r.start, steps=exp.steps)
    d = np.linalg.norm(default.path, axis=1)
    outside = np.flatnonzero(d >= 1e-8)
    settled_by = int(outside[-1] + 1) if outside.size else 0
    return {
        "beta2": hyper(adam, "beta2"),
        "effective": hyper(adam, "lr") / hyper(adam, "eps"),
        "limit": 2 / curvature,
        "jump": jump,
        "default_beta2": only_if(settled_by < exp.steps, hyper(default, "beta2")),
        "steps": only_if(settled_by < exp.steps, len(d) - 1),
    }


def run_named(r: Simulation, key: str, name: str) -> optimizers.Trajectory:
    return r.trajectories[list(lessons.find(key).runs).index(name)]


def measure_feature_scale() -> dict[str, float]:
    r = race("feature-scale")
    low, high = hessian_eigenvalues(r, r.surface.minima[0])
    # The aside: at feature scale 1 the bowl is round and gradient descent runs straight to the fit.
    other = simulate(replace(r.experiment, surface_params=(("feature_scale", 1.0),)))
    low1, high1 = hessian_eigenvalues(other, other.surface.minima[0])
    d = run_named(other, "feature-scale", "gd").path - np.array(other.surface.minima[0])
    u = d[0] / np.linalg.norm(d[0])
    off_line = np.abs(d[:, 0] * u[1] - d[:, 1] * u[0]).max()
    straight = off_line < 1e-9 and np.linalg.norm(d[-1]) < 0.02 * np.linalg.norm(d[0])
    return {
        "scale": float(np.std(r.surface.data.x)),  # the standardised feature has unit spread
        "condition": high / low,
        "round": only_if(straight and math.isclose(high1, low1, rel_tol=1e-6), other.surface.params["feature_scale"]),
    }


def measure_batch_size() -> dict[str, float]:
    key = "batch-size"
    r = race(key)
    exp = r.experiment
    names = list(lessons.find(key).runs)
    spread = dict(zip(names, r.spread, strict=True))
    n = len(r.surface.data.y)
    sizes = dict(zip(names, r.batches, strict=True))
    tail = slice(-50, None)

    def apart(tr: optimizers.Trajectory) -> float:
        """How far the seeds' positions lie from their mean, over the last steps."""
        p = tr.path[tail]
        return float(np.linalg.norm(p - p.mean(axis=1, keepdims=True), axis=-1).mean())

    rates = {float(hyper(t, "lr")) for t in r.trajectories}
    # The runs the text compares differ only in the batch.
    plain = all(e.optimizer == "sgd" and e.hyper == exp.entries[0].hyper for e in exp.entries)
    plain = plain and all(e.schedule.is_default() for e in exp.entries)
    assert (sizes["one"], sizes["eight"], sizes["all"]) == (1, 8, None)
    # With every point in each batch the seeds only reorder the sums: one path for all of them.
    same_path = np.abs(spread["all"].path - spread["all"].path[:, :1]).max() < 1e-12
    return {
        "n": only_if(same_path, n),
        "seeds": spread["one"].path.shape[1],
        "rate": only_if(plain, same(*rates)),
        "path": apart(spread["one"]) / apart(spread["eight"]),
        "wider": float(np.std(spread["one"].loss[-1]) / np.std(spread["eight"].loss[-1])),
    }


def measure_minibatch_noise() -> dict[str, float]:
    key = "minibatch-noise"
    r = race(key)
    exp = r.experiment
    names = list(lessons.find(key).runs)
    const, decay = r.spread[names.index("const")], r.spread[names.index("decay")]
    fit = np.array(r.surface.minima[0])
    tail = slice(-50, None)
    wander = [float(np.linalg.norm(tr.path[tail] - fit, axis=-1).mean()) for tr in (const, decay)]
    # With every point in each batch the seeds only reorder the sums: one path for all of them.
    n = len(r.surface.data.y)
    opt = exp.resolve(exp.entries[names.index("const")])
    whole = optimizers.run(opt, r.surface, steps=exp.steps, batch_size=n, seed=np.arange(exp.seeds))
    same_path = np.abs(whole.path - whole.path[:, :1]).max() < 1e-12
    return {
        "batch": exp.batch_size,
        "n": only_if(same_path, n),
        "seeds": const.path.shape[1],
        "settle": wander[0] / wander[1],
    }


def measure_adam_fails_online() -> dict[str, float]:
    key = "adam-fails-online"
    r = race(key)
    t = runs(key)
    s = r.surface
    g = [float(s.grad(np.zeros(1), k)[0]) for k in range(1, 13)]
    cycle = next(p for p in range(1, 7) if all(g[i] == g[i + p] for i in range(12 - p)))
    lo, hi = s.feasible[0]
    best = lo if s.value(np.array([lo])) < s.value(np.array([hi])) else NAN
    big = max(g)
    betas = [hyper(tr, "beta2") for tr in t.values()]
    return {
        "cycle": cycle,
        "C": only_if(min(g) == -1, big),
        "best": only_if(t["ams"].path[-100:, 0].max() < best + 0.05, best),
        "worst": only_if(t["adam"].path[-100:, 0].min() > hi - 0.05, hi),
        "beta1": same(*(hyper(tr, "beta1") for tr in t.values())),
        "beta2": only_if(math.isclose(betas[0], 1 / (1 + big * big), rel_tol=1e-12), same(*betas)),
    }


def measure_separable_classes() -> dict[str, float]:
    key = "separable-classes"
    r = race(key)
    l2 = 0.01
    other = simulate(replace(r.experiment, surface_params=(("l2", l2), *((k, v) for k, v in
                                                                       r.experiment.surface_params if k != "l2"))))
    (m,) = other.surface.minima
    close = all(np.linalg.norm(tr.path[-1] - m) < 1e-3 * np.linalg.norm(m) for tr in other.trajectories)
    return {"l2": only_if(close and not r.surface.minima, other.surface.params["l2"])}


def first_below(loss: np.ndarray, tol: float) -> float:
    hits = np.flatnonzero(loss < tol)
    return float(hits[0]) if hits.size else NAN


def measure_turned_bowl() -> dict[str, float]:
    key = "turned-bowl"
    r, t = race(key), runs(key)
    angle = r.surface.params["angle"]
    tol, steps = 1e-6, float(r.experiment.steps)
    # The unturned bowl from the start turned back: the same problem in the axes' frame.
    c, s_ = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    back = np.array([[c, s_], [-s_, c]]) @ np.asarray(r.experiment.start_point(r.surface))
    flat = simulate(replace(r.experiment, surface_params=(("a", 1.0), ("angle", 0.0), ("b", 25.0)),
                            start=tuple(back)))
    f = dict(zip(lessons.find(key).runs, flat.trajectories, strict=True))
    turned_again = np.array([[c, -s_], [s_, c]])
    same_paths = all(np.allclose(t[k].path, f[k].path @ turned_again.T, rtol=1e-9, atol=1e-9)
                     for k in ("full", "newton"))
    both_miss = all(np.isnan(first_below(t[k].loss, tol)) for k in ("rms", "adam"))
    return {"angle": angle, "tol": tol, "rms_flat": first_below(f["rms"].loss, tol),
            "adam_flat": first_below(f["adam"].loss, tol), "steps": only_if(both_miss, steps),
            "full_steps": only_if(same_paths, first_below(t["full"].loss, tol)),
            "newton_steps": only_if(first_below(f["newton"].loss, tol) == 1, first_below(t["newton"].loss, tol))}


def measure_newton_rosenbrock() -> dict[str, float]:
    t = runs("newton-rosenbrock")
    newton, damped = t["newton"], t["damped"]
    at_min = np.flatnonzero(np.linalg.norm(newton.path - [1.0, 1.0], axis=1) < 1e-9)
    peak = int(np.argmax(newton.loss))
    never_up = bool(np.all(np.diff(damped.loss) <= 0))
    return {"arrive": float(at_min[0]) if at_min.size else NAN,
            "peak": only_if(peak == 2, newton.loss[peak]), "start_loss": newton.loss[0],
            "lam": only_if(never_up, hyper(damped, "damping")),
            "left": float(np.linalg.norm(damped.path[-1] - [1.0, 1.0]))}


def measure_sharp_flat() -> dict[str, float]:
    key = "sharp-flat"
    r = race(key)
    s = r.surface
    grid = np.array([(a, b) for a in np.linspace(-2.4, 2.4, 13) for b in np.linspace(-1.9, 1.9, 11)])
    ends = {}
    for name, run_ in lessons.find(key).runs.items():
        tr = optimizers.run(r.experiment.resolve(run_.entry), s, start=grid, steps=r.experiment.steps,
                            record_state=False)
        final = tr.final
        ends[name] = [int((np.linalg.norm(final - m, axis=1) < 0.2).sum()) for m in (s.minima[1], s.minima[0])]
    sharp_c, flat_c = np.array(s.minima)
    assert s.value(np.array([sharp_c, flat_c])).tolist() == [0.0, 0.0]
    curv = [float(np.linalg.eigvalsh(s.hessian(m)).max()) for m in (sharp_c, flat_c)]
    return {"sharp": curv[0], "flat": curv[1], "starts": float(len(grid)),
            "mom_flat": ends["mom"][0], "mom_sharp": ends["mom"][1],
            "sam_flat": only_if(ends["sam"][0] > ends["mom"][0], ends["sam"][0]),
            "sam_sharp": only_if(ends["sam"][1] < ends["mom"][1], ends["sam"][1]),
            "rho": hyper(runs(key)["sam"], "rho")}


def measure_schedule_free() -> dict[str, float]:
    r, t = race("schedule-free"), runs("schedule-free")
    last = 500

    def rms(points):
        return float(np.sqrt(np.mean(np.sum(points[-last:] ** 2, axis=1))))

    z, x, sgd = rms(t["sf"].state["z"]), rms(t["sf"].path), rms(t["sgd"].path)
    return {"noise": r.experiment.noise, "last": float(last), "z_rms": only_if(z > sgd, z),
            "x_rms": only_if(x < sgd, x), "sgd_rms": sgd}


def measure_prodigy() -> dict[str, float]:
    r, t = race("prodigy"), runs("prodigy")
    p, adam = t["prodigy"], t["adam"]
    d = p.state["d"][:, 0]
    true = float(r.surface.nearest_minimum_distance(p.path[:1])[0])
    by = 20
    ends = max(float(np.linalg.norm(p.path[-1])), float(np.linalg.norm(adam.path[-1])))
    grows_below = bool(np.all(np.diff(d) >= 0) and d[by - 1] < true)
    return {"d0": hyper(p, "d0"), "by": float(by), "d": only_if(grows_below, d[by - 1]),
            "true": true, "lr": hyper(adam, "lr"), "close": only_if(ends < 1e-6, 1e-6)}


def measure_adabelief_slope() -> dict[str, float]:
    t = runs("adabelief-slope")
    belief, adam = steps_1d(t["belief"]), steps_1d(t["adam"])
    still_on_slope = bool(np.all(t["belief"].path[:, 0] > 0))
    adam_constant = bool(np.allclose(adam, hyper(t["adam"], "lr"), rtol=1e-6))
    return {"lr": same(hyper(t["belief"], "lr"), hyper(t["adam"], "lr")), "steps": float(len(belief)),
            "ratio": only_if(still_on_slope and adam_constant, belief[-1] / adam[-1])}


MEASURE = {
    "constant-slope": measure_constant_slope,
    "changing-direction": measure_changing_direction,
    "bias-correction": measure_bias_correction,
    "oblong-bowl": measure_oblong_bowl,
    "learning-rate": measure_learning_rate,
    "local-minima": measure_local_minima,
    "adagrad-vs-rmsprop": measure_adagrad_vs_rmsprop,
    "rosenbrock": measure_rosenbrock,
    "adam-hovers": measure_adam_hovers,
    "feature-scale": measure_feature_scale,
    "batch-size": measure_batch_size,
    "minibatch-noise": measure_minibatch_noise,
    "adam-fails-online": measure_adam_fails_online,
    "separable-classes": measure_separable_classes,
    "turned-bowl": measure_turned_bowl,
    "newton-rosenbrock": measure_newton_rosenbrock,
    "sharp-flat": measure_sharp_flat,
    "schedule-free": measure_schedule_free,
    "prodigy": measure_prodigy,
    "adabelief-slope": measure_adabelief_slope,
}


def test_every_lesson_has_a_measurement():
    assert sorted(MEASURE) == sorted(KEYS), "a new lesson needs a measurement of every number it quotes"


@pytest.mark.parametrize("key", KEYS)
def test_every_number_the_text_quotes_is_measured(key):
    lesson = lessons.find(key)
    measured = MEASURE[key]()
    assert set(measured) == set(lesson.numbers), "numbers quoted and numbers measured differ"
    for name, number in lesson.numbers.items():
        rel = max(number.within, 1e-9)
        value = measured[name]
        assert math.isfinite(value), f"{key}: the claim behind {{{name}}} does not hold"
        assert value == pytest.approx(number.value, rel=rel, abs=1e-12), (
            f"{key}: the text says {name} = {lessons.show(number.value)}, the runs give {value!r}")


@pytest.mark.parametrize("key", KEYS)
def test_every_number_appears_in_the_text_as_written(key):
    lesson = lessons.find(key)
    text = " ".join((lesson.title, lesson.explanation, lesson.watch))
    used = {f for t in lesson.templates.values() for _, f, _, _ in string.Formatter().parse(t) if f}
    assert set(lesson.numbers) <= used, "a number the lesson states but never quotes"
    for number in lesson.numbers.values():
        assert lessons.show(number.value) in text


# --- the optimizers the text names ---------------------------------------------------------------------


def optimizer_word(key: str) -> str:
    """The optimizer's name without a parenthesised remark: "Momentum (moving average)" → "momentum"."""
    return re.sub(r"\s*\(.*\)", "", optimizers.spec(key).name).strip().lower()


NAMES = sorted({optimizer_word(k) for k in optimizers.names()} | {"sgd"}, key=len, reverse=True)


def has_momentum(entry) -> bool:
    return "momentum" in optimizer_word(entry.optimizer) or float(dict(entry.hyper).get("momentum", 0)) > 0


@pytest.mark.parametrize("key", KEYS)
def test_every_named_optimizer_is_raced_under_its_own_name(key):
    lesson = lessons.find(key)
    entries = lesson.experiment.entries
    assert lesson.named_runs(), "the text names none of its runs"
    for name, run in lesson.runs.items():
        assert run.entry in entries
        said = run.said.lower()
        assert re.search(rf"\b{re.escape(optimizer_word(run.entry.optimizer))}\b", said), (
            f"{key}: {{{name}}} is written {run.said!r} but runs {run.entry.optimizer}")
        own = optimizer_word(run.entry.optimizer)
        allowed = {w for w in NAMES if w in own}
        if run.entry.optimizer in ("sgd", "momentum", "nesterov"):
            allowed.add("sgd")  # torch's name for the family
        if has_momentum(run.entry):
            allowed.add("momentum")
        for other in set(NAMES) - allowed:  # and it names no other optimizer
            assert not re.search(rf"\b{re.escape(other)}\b", said), f"{key}: {run.said!r} names {other}"


@pytest.mark.parametrize("key", KEYS)
def test_templates_hold_no_numbers_or_optimizer_names_of_their_own(key):
    lesson = lessons.find(key)
    for part, template in lesson.templates.items():
        literal = "".join(text for text, *_ in string.Formatter().parse(template))
        formulas = re.sub(r"1 − |1/|2/L|float64", "", literal)
        assert not re.search(r"\d", formulas), f"{key} {part}: a number typed into the text: {literal!r}"
        words = re.findall(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                           r"forty|fifty|hundreds?|thousands?|millions?|billions?|twice|half|double|triple)\b",
                           literal, re.I)
        assert not words, f"{key} {part}: numbers in words: {words}"
        for name in NAMES:
            if name == "momentum" and any(has_momentum(e) for e in lesson.experiment.entries):
                continue  # the hyperparameter's name, and one of the runs has it
            assert not re.search(rf"\b{re.escape(name)}\b", literal, re.I), (
                f"{key} {part}: names {name!r} directly; name a run instead")


@pytest.mark.parametrize("key", KEYS)
def test_legend_numbers_are_the_runs_settings(key):
    lesson = lessons.find(key)
    for entry in lesson.experiment.entries:
        values = [float(v) for v in lesson.experiment.resolve(entry).hyper.values() if not isinstance(v, bool)]
        values += [] if entry.batch is None else [float(entry.batch)]  # its own mini-batch size
        for found in re.findall(r"\d+(?:\.\d+)?", entry.label):
            assert any(math.isclose(float(found), v) for v in values), (
                f"{key}: the legend {entry.label!r} quotes {found}, which no hyperparameter of the run has")


# --- the writer itself --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, shown", [
    (2.0, "2"), (1000.0, "1,000"), (5e6, "5,000,000"), (0.077, "0.077"), (-1.06, "−1.06"),
    (1e-10, "10⁻¹⁰"), (1e-8, "10⁻⁸"), (3.2, "3.2"), (0.0, "0"), (2.5e-5, "2.5e-05"),
])
def test_numbers_are_written_the_way_people_read_them(value, shown):
    assert lessons.show(value) == shown


def test_a_misspelt_placeholder_fails_when_the_lesson_is_made():
    runs_ = {"gd": lessons.run("sgd", "Gradient descent", said="gradient descent", lr=0.1)}
    made = lessons.lesson("t", "1. {gd} on a bowl", runs=runs_, numbers={"lr": 0.1}, surface="bowl", steps=5,
                          explanation="{gd} steps {lr}.", watch="{gd}.")
    assert made.explanation == "Gradient descent steps 0.1."
    assert made.named_runs() == {"gd"}
    with pytest.raises(KeyError, match="lr_typo"):
        lessons.lesson("t", "x", runs=runs_, numbers={"lr": 0.1}, surface="bowl", steps=5,
                       explanation="{lr_typo}", watch="")
    with pytest.raises(ValueError, match="both a run and a number"):
        lessons.lesson("t", "x", runs=runs_, numbers={"gd": 1.0}, surface="bowl", steps=5,
                       explanation="", watch="")
