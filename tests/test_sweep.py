"""Sweeps: one batched pass equals the runs one by one, and agrees with the theory on the bowl."""

import numpy as np
import pytest

import optimizers
from playground.model import metrics
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import simulate
from playground.model.sweep import SweepSpec, clamp, run_sweep

BOWL = Experiment(surface_key="bowl", entries=(Entry("momentum"),), steps=400)


def test_sweep_equals_the_runs_one_by_one():
    exp = Experiment(surface_key="rosenbrock", entries=(Entry("adam"),), steps=150)
    spec = SweepSpec(0, "lr", (1e-3, 0.5), "beta1", (0.0, 0.95), resolution=5)
    result = run_sweep(exp, spec)
    for i, b1 in enumerate(result.ys):
        for j, lr in enumerate(result.xs):
            single = exp.resolve(Entry("adam", (("beta1", float(b1)), ("lr", float(lr)))))
            tr = optimizers.run(single, exp.build_surface(), steps=150)
            assert result.diverged[i, j] == (tr.diverged_at is not None)
            if tr.diverged_at is None:
                assert result.values[i, j] == np.log10(max(abs(tr.loss[-1]), 1e-300))


def test_steps_to_tolerance_matches_the_summary_metric():
    exp = Experiment(surface_key="bowl", entries=(Entry("sgd"),), steps=300)
    result = run_sweep(exp, SweepSpec(0, "lr", (0.005, 0.09), "", resolution=12, metric="steps", tol=1e-3))
    for j, lr in enumerate(result.xs):
        race = simulate(Experiment(surface_key="bowl", entries=(Entry("sgd", (("lr", float(lr)),)),), steps=300))
        want = metrics.steps_to_tolerance(race.trajectories[0], race.surface, 1e-3)
        got = result.values[0, j]
        assert (want is None and np.isnan(got)) or want == got


@pytest.mark.parametrize(
    ("key", "beta", "limit"),
    [
        ("momentum", "momentum", lambda b, L: (2 + 2 * b) / L),
        ("nesterov", "momentum", lambda b, L: (2 + 2 * b) / ((1 + 2 * b) * L)),
        ("ema_momentum", "beta", lambda b, L: (2 + 2 * b) / ((1 - b) * L)),
    ],
)
def test_measured_stability_boundary_agrees_with_the_theory(key, beta, limit):
    exp = Experiment(surface_key="bowl", entries=(Entry(key),), steps=1500)
    result = run_sweep(exp, SweepSpec(0, "lr", (1e-3, 5.0), beta, (0.0, 0.9), resolution=40))
    L = 25.0
    lim = limit(result.ys[:, None], L)
    lr = result.xs[None, :]
    assert not result.diverged[lr < 0.9 * lim].any(), "diverged below the theory's limit"
    assert result.diverged[lr > 1.1 * lim].all(), "stable above the theory's limit"
    # The overlay drawn on the heatmap is that same curve.
    (_, cx, cy), = result.theory
    np.testing.assert_allclose(cx, limit(cy, L))


def test_gradient_descent_limit_is_two_over_l():
    exp = Experiment(surface_key="bowl", surface_params=(("a", 2.0), ("b", 40.0)), entries=(Entry("sgd"),), steps=800)
    result = run_sweep(exp, SweepSpec(0, "lr", (1e-3, 0.2), "", resolution=60))
    lr = result.xs
    assert not result.diverged[0, lr < 0.95 * 2 / 40].any()
    assert result.diverged[0, lr > 1.05 * 2 / 40].all()
    (_, cx, _), = result.theory
    assert cx[0] == pytest.approx(2 / 40)


def test_polyak_optimum_is_the_fastest_corner():
    result = run_sweep(BOWL, SweepSpec(0, "lr", (1e-3, 0.3), "momentum", (0.0, 0.95), resolution=48))
    lr_opt, beta_opt = result.optimum
    L, mu = 25.0, 1.0
    assert lr_opt == pytest.approx(4 / (np.sqrt(L) + np.sqrt(mu)) ** 2)
    assert beta_opt == pytest.approx(((np.sqrt(L) - 1) / (np.sqrt(L) + 1)) ** 2)
    i, j = np.unravel_index(np.nanargmin(result.values), result.values.shape)
    # The best cell of the grid lies next to the theory's optimum (within a few cells).
    assert abs(np.log(result.xs[j] / lr_opt)) < 0.35 and abs(result.ys[i] - beta_opt) < 0.12


def test_requests_beyond_the_caps_are_clamped_with_a_message():
    spec, messages = clamp(SweepSpec(0, "lr", (1e-3, 1.0), "momentum", (0.0, 0.99), resolution=1000), BOWL)
    assert spec.resolution == 128 and any("resolution" in m for m in messages)
    spec, messages = clamp(SweepSpec(5, "nope", (1.0, 1.0), "", resolution=10), BOWL)
    assert spec.entry == 0 and spec.x == "lr" and messages
