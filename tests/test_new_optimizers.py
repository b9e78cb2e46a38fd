"""The optimizers after Adam, and Newton: golden paths from their reference implementations, first
steps derived by hand where no reference package exists, and the gradient-evaluation count.

``tests/golden/reference_optimizers.json`` holds the positions the reference packages produced
(``schedulefree``, ``prodigyopt``, ``adabelief-pytorch``, TensorFlow Addons' Yogi, davda54/sam over
torch's SGD), written once by ``tools/make_golden_refs.py``; this file imports none of them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces

GOLDEN = Path(__file__).parent / "golden" / "reference_optimizers.json"
CASES = json.loads(GOLDEN.read_text())["cases"]
RTOL = 1e-9
# Every optimizer whose spec names a reference implementation outside torch.optim.
WITH_REFERENCE = [k for k, s in optimizers.REGISTRY.items() if s.equivalent is not None and not s.equivalent.is_torch]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_path_matches_the_reference(case):
    opt = optimizers.make(case["optimizer"], **case["hyper"])
    surface = surfaces.get(case["surface"], **case["params"])
    tr = optimizers.run(opt, surface, start=case["start"], steps=case["steps"])
    want = np.array(case["path"])
    assert tr.diverged_at is None
    off = np.abs(tr.path - want) > RTOL * np.maximum(1.0, np.abs(want))
    if off.any():
        step, coord = np.argwhere(off)[0]
        pytest.fail(f"{case['id']}: differs from {case['reference']} first at step {step} (coordinate {coord}): "
                    f"ours {float(tr.path[step, coord])!r}, reference {float(want[step, coord])!r}")


@pytest.mark.parametrize("key", WITH_REFERENCE)
def test_every_referenced_optimizer_is_covered(key):
    """Defaults on at least 3 surfaces, and each hyperparameter away from its default (a switch: each
    way) on at least 3 surfaces."""
    cases = [c for c in CASES if c["optimizer"] == key]
    spec = optimizers.spec(key)
    defaults = spec.defaults

    def surfaces_where(test):
        return {c["surface"] for c in cases if test({**defaults, **c["hyper"]})}

    plain = surfaces_where(lambda hp: all(hp[n] == defaults[n] for n in defaults if n != "lr"))
    assert len(plain) >= 3, f"{key}: default settings on {sorted(plain)} only"
    for h in spec.hypers:
        values = [True, False] if h.is_flag else [None]
        for value in values:
            if value is None:
                where = surfaces_where(lambda hp, n=h.name: hp[n] != defaults[n])
            else:
                where = surfaces_where(lambda hp, n=h.name, v=value: hp[n] == v)
            what = f"{h.name} away from its default" if value is None else f"{h.name}={value}"
            assert len(where) >= 3, f"{key}: {what} on {sorted(where)} only"


# Newton and full-matrix AdaGrad have no reference package: their first steps by hand.


def _rot(deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s], [s, c]])


def _solve2(m, v):
    """Cramer's rule for a 2 × 2 system."""
    det = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
    return np.array([v[0] * m[1, 1] - m[0, 1] * v[1], m[0, 0] * v[1] - v[0] * m[1, 0]]) / det


def _inv_sqrt2(m):
    """(M)^(-1/2) of a 2 × 2 symmetric positive definite matrix: √M = (M + √det I)/√(tr + 2√det)."""
    root_det = math.sqrt(m[0, 0] * m[1, 1] - m[0, 1] ** 2)
    root = (m + root_det * np.eye(2)) / math.sqrt(m[0, 0] + m[1, 1] + 2 * root_det)
    det = root[0, 0] * root[1, 1] - root[0, 1] ** 2
    return np.array([[root[1, 1], -root[0, 1]], [-root[0, 1], root[0, 0]]]) / det


@pytest.mark.parametrize("angle", [0.0, 30.0, -71.0])
def test_newton_lands_on_the_bowls_minimum_in_one_step(angle):
    s = surfaces.get("bowl", a=1.0, b=50.0, angle=angle)
    tr = optimizers.run(optimizers.make("newton"), s, start=(-2.5, 1.5), steps=3)
    np.testing.assert_allclose(tr.path[1:], 0.0, atol=1e-13)
    np.testing.assert_allclose(tr.state["eigenvalues"][0], [1.0, 50.0], rtol=1e-13)
    half = optimizers.run(optimizers.make("newton", lr=0.5), s, start=(-2.5, 1.5), steps=2)
    np.testing.assert_allclose(half.path, [[-2.5, 1.5], [-1.25, 0.75], [-0.625, 0.375]], rtol=1e-13)


def test_newton_first_steps_on_rosenbrock_by_hand():
    lr, lam = 0.7, 3.0
    tr = optimizers.run(optimizers.make("newton", lr=lr, damping=lam), surfaces.get("rosenbrock"),
                        start=(-1.5, 2.0), steps=2)
    x = np.array([-1.5, 2.0])
    want = [x]
    for _ in range(2):
        p, q = x
        g = np.array([-2 * (1 - p) - 400 * p * (q - p * p), 200 * (q - p * p)])
        h = np.array([[2 - 400 * (q - p * p) + 800 * p * p, -400 * p], [-400 * p, 200.0]])
        x = x - lr * _solve2(h + lam * np.eye(2), g)
        want.append(x)
    np.testing.assert_allclose(tr.path, want, rtol=1e-12)


def test_newton_at_a_saddle_steps_towards_it_and_says_so():
    # The pure saddle ½x² − ½y²: the Newton step from anywhere lands on the saddle point.
    s = surfaces.get("saddle", a=1.0, b=1.0, c=0.0)
    tr = optimizers.run(optimizers.make("newton"), s, start=(-1.8, 0.3), steps=1)
    np.testing.assert_allclose(tr.path[1], [0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(tr.state["eigenvalues"][0], [-1.0, 1.0])
    # Uphill along y: the step and −g point apart (cosine (x² − y²)/(x² + y²) here).
    np.testing.assert_allclose(tr.state["descent"][0, 0], (1.8**2 - 0.3**2) / (1.8**2 + 0.3**2), rtol=1e-12)
    up = optimizers.run(optimizers.make("newton"), s, start=(-0.1, 0.3), steps=1)
    assert up.state["descent"][0, 0] < 0 and up.loss[1] > up.loss[0]
    # With the quartic that closes the valleys, undamped Newton near the ridge still goes to the saddle,
    # while enough damping makes H + λI positive definite and the step goes downhill, away from it.
    s = surfaces.get("saddle")
    plain = optimizers.run(optimizers.make("newton"), s, start=(-1.8, 0.1), steps=8)
    assert np.linalg.norm(plain.path[-1]) < 1e-6
    damped = optimizers.run(optimizers.make("newton", damping=2.0, lr=1.0), s, start=(-1.8, 0.1), steps=200)
    np.testing.assert_allclose(np.abs(damped.path[-1]), [0.0, 1.0], atol=1e-6)


def test_newton_does_not_move_along_zero_curvature():
    s = surfaces.get("slope")
    still = optimizers.run(optimizers.make("newton"), s, start=(2.0,), steps=5)
    assert still.diverged_at is None
    np.testing.assert_array_equal(still.path, 2.0)
    damped = optimizers.run(optimizers.make("newton", lr=0.5, damping=4.0), s, start=(2.0,), steps=2)
    np.testing.assert_allclose(damped.path[:, 0], [2.0, 2.0 - 0.5 / 4.0, 2.0 - 2 * 0.5 / 4.0], rtol=1e-15)


def test_full_matrix_adagrad_first_steps_by_hand():
    lr, eps = 0.3, 1e-3
    s = surfaces.get("bowl", a=2.0, b=9.0, angle=20.0)
    tr = optimizers.run(optimizers.make("adagrad_full", lr=lr, eps=eps), s, start=(-2.0, 1.0), steps=3)
    x = np.array([-2.0, 1.0])
    gram = np.zeros((2, 2))
    want = [x]
    for _ in range(3):
        g = s.grad(x)
        gram = gram + np.outer(g, g)
        x = x - lr * _inv_sqrt2(gram + eps * np.eye(2)) @ g
        want.append(x)
    np.testing.assert_allclose(tr.path, want, rtol=1e-10)
    np.testing.assert_allclose(tr.state["G"][-1], gram, rtol=1e-14)
    # Step 1 in closed form: (εI + g gᵀ)^(−1/2) g = g/√(ε + |g|²).
    g1 = s.grad(np.array([-2.0, 1.0]))
    np.testing.assert_allclose(tr.path[1], [-2.0, 1.0] - lr * g1 / math.sqrt(eps + g1 @ g1), rtol=1e-13)


@pytest.mark.parametrize("key", ["newton", "adagrad_full"])
def test_rotation_aware_rules_follow_the_rotated_bowl(key):
    """Lesson 1: on the bowl rotated by θ, from the rotated start, the path is the rotated path."""
    flat = surfaces.get("bowl", a=1.0, b=25.0, angle=0.0)
    turned = surfaces.get("bowl", a=1.0, b=25.0, angle=45.0)
    opt = optimizers.make(key, lr=0.3)
    x0 = np.array([-2.5, 1.0])
    # The turned bowl is f(R(−θ) p) (bowl.py's u, v), so p(t) = R(θ) p_flat(t) is its path.
    r = _rot(45.0)
    a = optimizers.run(opt, flat, start=x0, steps=150)
    b = optimizers.run(opt, turned, start=r @ x0, steps=150)
    np.testing.assert_allclose(b.path, a.path @ r.T, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("key", ["adam", "rmsprop"])
def test_per_coordinate_rules_do_not_follow_the_rotation(key):
    flat = surfaces.get("bowl", a=1.0, b=25.0, angle=0.0)
    turned = surfaces.get("bowl", a=1.0, b=25.0, angle=45.0)
    opt = optimizers.make(key, lr=0.05)
    x0, r = np.array([-2.5, 1.0]), _rot(45.0)
    a = optimizers.run(opt, flat, start=x0, steps=150)
    b = optimizers.run(opt, turned, start=r @ x0, steps=150)
    assert np.abs(b.path - a.path @ r.T).max() > 0.1


# Gradient evaluations, and where the gradient is taken.


def test_sam_counts_two_gradients_a_step_and_the_rest_one():
    s = surfaces.get("bowl")
    for key in optimizers.names():
        tr = optimizers.run(optimizers.make(key), s, steps=12)
        per_step = 2 if key == "sam" else 1
        np.testing.assert_array_equal(tr.grad_evals, np.full(12, per_step), err_msg=key)
    batch = optimizers.run(optimizers.make("sam", lr=[1e-3, 1e6]), surfaces.get("rosenbrock"), steps=40)
    assert batch.diverged_at[1] > 0 and batch.grad_evals.shape == (40,)
    alone = optimizers.run(optimizers.make("sam", lr=1e6), surfaces.get("rosenbrock"), steps=40)
    assert len(alone.grad_evals) == len(alone.path) - 1


def test_sam_first_steps_by_hand_with_noise():
    """Both gradients of a step see the same noise draw (as both passes see the same mini-batch)."""
    lr, rho, mu, sigma, seed = 0.01, 0.1, 0.9, 0.3, 5
    s = surfaces.get("bowl", a=1.0, b=10.0, angle=0.0)
    tr = optimizers.run(optimizers.make("sam", lr=lr, rho=rho, momentum=mu), s, start=(-2.0, 1.0), steps=3,
                        noise=sigma, seed=seed)
    draws = np.random.default_rng(seed).standard_normal((3, 2))
    x, b = np.array([-2.0, 1.0]), None
    want, ascents = [x], []
    for t in range(3):
        g = np.array([x[0], 10 * x[1]]) + sigma * draws[t]
        ascent = x + rho * g / (np.linalg.norm(g) + 1e-12)
        g2 = np.array([ascent[0], 10 * ascent[1]]) + sigma * draws[t]
        b = g2 if b is None else mu * b + g2
        x = x - lr * b
        want.append(x)
        ascents.append(ascent)
    np.testing.assert_allclose(tr.path, want, rtol=1e-13)
    np.testing.assert_allclose(tr.state["ascent"], ascents, rtol=1e-13)


@pytest.mark.parametrize("key", ["schedule_free_sgd", "schedule_free_adamw"])
def test_schedule_free_takes_its_gradient_at_y(key):
    s = surfaces.get("rosenbrock")
    tr = optimizers.run(optimizers.make(key, lr=1e-3), s, start=(-1.5, 2.0), steps=30)
    y = tr.state["y"]
    np.testing.assert_array_equal(tr.grads[0], s.grad(np.array([-1.5, 2.0])))
    np.testing.assert_array_equal(tr.grads[1:], s.grad(y[:-1]))
    assert np.abs(y[:-1] - tr.path[1:-1]).max() > 1e-4  # y is not x


def test_schedule_free_sgd_by_hand():
    """Constant η, no warm-up: c_t = 1/t, so x is the plain running mean of z₁ … z_t."""
    lr, beta = 0.05, 0.8
    s = surfaces.get("bowl", a=1.0, b=10.0, angle=0.0)
    tr = optimizers.run(optimizers.make("schedule_free_sgd", lr=lr, beta=beta), s, start=(-2.0, 1.0), steps=50)
    z, y, zs = np.array([-2.0, 1.0]), np.array([-2.0, 1.0]), []
    for _ in range(50):
        z = z - lr * np.array([y[0], 10 * y[1]])
        zs.append(z)
        x = np.mean(zs, axis=0)
        y = beta * x + (1 - beta) * z
    np.testing.assert_allclose(tr.path[1:], np.cumsum(zs, axis=0) / np.arange(1, 51)[:, None], rtol=1e-12)
    np.testing.assert_allclose(tr.state["z"], zs, rtol=1e-12)


def test_summary_counts_gradient_evaluations():
    from playground.model import metrics

    s = surfaces.get("bowl")
    sam = optimizers.run(optimizers.make("sam"), s, steps=25)
    adam = optimizers.run(optimizers.make("adam"), s, steps=25)
    assert metrics.summary(sam, s)["gradient evaluations"] == 50
    assert metrics.summary(adam, s)["gradient evaluations"] == 25
    gone = optimizers.run(optimizers.make("sam", lr=1e6), surfaces.get("rosenbrock"), steps=25)
    assert metrics.summary(gone, surfaces.get("rosenbrock"))["gradient evaluations"] == 2 * (len(gone.path) - 1)


def test_internals_view_gets_panels_for_matrices_and_prodigys_true_distance():
    from playground.figures.internals import internals_figure
    from playground.model.experiment import Entry, Experiment
    from playground.model.simulate import simulate
    from playground.page import internals_view

    race = simulate(Experiment(surface_key="bowl", entries=(Entry("adagrad_full"), Entry("prodigy")), steps=30))
    full, prodigy = race.trajectories
    panels = internals_view._as_panels(optimizers.internals(full), full, race)
    np.testing.assert_array_equal(panels["G row 2"], full.state["G"][:, 1])
    assert all(a.ndim == 2 for a in panels.values())
    assert internals_figure(panels, "full", "#000000", None)["data"]
    panels = internals_view._as_panels(optimizers.internals(prodigy), prodigy, race)
    # The start (−2.5, 1.5) is √8.5 from the bowl's minimum at the origin.
    np.testing.assert_allclose(panels["distance from the start to the nearest minimum"], math.sqrt(8.5))
    assert panels["d"][0, 0] == 1e-6


@pytest.mark.parametrize("surface", ["bowl", "slope", "rosenbrock", "beale", "himmelblau", "saddle", "double_well",
                                     "rastrigin", "sharp_flat"])
def test_suggested_learning_rates_keep_the_default_race_on_the_surface(surface):
    from playground.model import defaults

    s = surfaces.get(surface)
    for key in [*WITH_REFERENCE, "adagrad_full", "newton"]:
        tr = optimizers.run(optimizers.make(key, lr=defaults.learning_rate(surface, key)), s, steps=300)
        assert tr.diverged_at is None, key
