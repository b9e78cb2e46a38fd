"""Learning-rate schedules: exact factors, and a schedule changes only the lr fed to the same rule."""

import numpy as np
import pytest

import optimizers
import surfaces
from playground.model import schedules
from playground.model.experiment import Entry, Experiment, Schedule
from playground.model.simulate import simulate


def test_constant_without_warmup_is_no_schedule():
    assert schedules.factors(Schedule(), 100) is None


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (Schedule("step", gamma=0.5, every=3), lambda t: 0.5 ** ((t - 1) // 3)),
        (Schedule("exponential", gamma=0.9), lambda t: 0.9 ** (t - 1)),
        (Schedule("inv_sqrt"), lambda t: 1 / np.sqrt(t)),
        (Schedule("cosine"), lambda t: 0.5 * (1 + np.cos(np.pi * (t - 1) / 9))),
        (Schedule("constant", warmup=4), lambda t: np.minimum(t / 4, 1.0)),
    ],
)
def test_factors_follow_their_formula(schedule, expected):
    t = np.arange(1, 11, dtype=float)
    np.testing.assert_allclose(schedules.factors(schedule, 10), expected(t), rtol=1e-12)


def test_warmup_ramps_then_the_decay_starts_afresh():
    f = schedules.factors(Schedule("exponential", warmup=5, gamma=0.5), 12)
    np.testing.assert_allclose(f[:5], [0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_allclose(f[5:], 0.5 ** np.arange(7))


def test_cosine_runs_from_one_to_zero():
    f = schedules.factors(Schedule("cosine"), 50)
    assert f[0] == 1.0 and abs(f[-1]) < 1e-15 and np.all(np.diff(f) <= 0)


@pytest.mark.parametrize("key", optimizers.names())
def test_a_schedule_only_changes_the_learning_rate(key):
    """The runner with lr factors equals the bare rule stepped by hand with lr·factor[t-1]."""
    s = surfaces.get("rosenbrock")
    opt = optimizers.make(key, lr=1e-3)
    steps = 60
    factors = schedules.factors(Schedule("step", warmup=10, gamma=0.5, every=7), steps)
    tr = optimizers.run(opt, s, start=(-1.2, 1.0), steps=steps, lr_factors=factors)

    hp = opt.row_hyper(1)
    x = np.array([[-1.2, 1.0]])
    state = opt.spec.init(x, hp)
    path = [x[0].copy()]
    for t in range(1, steps + 1):
        hp_t = {**hp, "lr": hp["lr"] * factors[t - 1]}
        # The spec's contract: the gradient where the rule asks for it, an oracle if it takes one.
        point = x if opt.spec.grad_point is None else opt.spec.grad_point(state, x, hp_t)
        extra = {"oracle": optimizers.Oracle(s.grad, s.hessian)} if opt.spec.uses_oracle else {}
        delta, state = opt.spec.update(s.grad(point), state, x, t, hp_t, **extra)
        x = x + delta
        path.append(x[0].copy())
    np.testing.assert_array_equal(tr.path, np.array(path))


def test_the_experiment_records_the_learning_rate_it_used():
    sched = Schedule("cosine", warmup=20)
    exp = Experiment(surface_key="bowl", entries=(Entry("adam", (("lr", 0.1),), schedule=sched), Entry("sgd")),
                     steps=200)
    race = simulate(exp)
    np.testing.assert_allclose(race.lr[0], 0.1 * schedules.factors(sched, 200))
    assert np.all(race.lr[1] == race.lr[1][0])
