"""Finished runs are kept per entry: a change to one entry reruns that entry alone, and what comes
back is exactly what a fresh race gives."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import optimizers
from playground.model import simulate as simulate_module
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import RunCache, simulate


@pytest.fixture
def raced(monkeypatch):
    """Every call the simulation makes to the core's race: the optimizers it was asked to run."""
    monkeypatch.setattr(simulate_module, "RUNS", RunCache())
    calls: list[list[str]] = []
    real = optimizers.race

    def spy(opts, *args, **kwargs):
        calls.append([f"{o.key}:{o.hyper['lr']}" for o in opts])
        return real(opts, *args, **kwargs)

    monkeypatch.setattr(optimizers, "race", spy)
    return calls


EXP = Experiment(entries=(Entry("sgd", (("lr", 0.001),)), Entry("adam", (("lr", 0.05),)), Entry("rmsprop")),
                 steps=200, noise=0.3, seed=4)


def test_a_new_learning_rate_reruns_one_entry(raced):
    first = simulate(EXP)
    assert len(raced) == 1 and len(raced[0]) == 3
    changed = replace(EXP, entries=(EXP.entries[0], EXP.entries[1].with_hyper(lr=0.02), EXP.entries[2]))
    second = simulate(changed)
    assert raced[1] == ["adam:0.02"]
    assert second.trajectories[0] is first.trajectories[0] and second.trajectories[2] is first.trajectories[2]
    # Exactly the race a fresh cache gives.
    simulate_module.RUNS.clear()
    fresh = simulate(changed)
    for a, b in zip(second.trajectories, fresh.trajectories, strict=True):
        np.testing.assert_array_equal(a.path, b.path)
        np.testing.assert_array_equal(a.loss, b.loss)
    # The same experiment again runs nothing.
    count = len(raced)
    simulate(changed)
    assert len(raced) == count


@pytest.mark.parametrize("change", [
    {"steps": 150}, {"noise": 0.5}, {"seed": 5}, {"start": (0.5, 0.5)}, {"surface_key": "himmelblau"},
    {"bounds": ((-3.0, 3.0), (-2.0, 4.0))},
])
def test_anything_the_numbers_depend_on_reruns_every_entry(raced, change):
    simulate(EXP)
    simulate(replace(EXP, **change))
    assert len(raced) == 2 and len(raced[1]) == 3, change


def test_a_schedule_or_a_batch_size_is_part_of_a_run(raced):
    data = Experiment(surface_key="linear_regression", entries=(Entry("sgd", batch=4), Entry("adam")), steps=80)
    simulate(data)
    assert [len(c) for c in raced] == [1, 1]  # one pass per distinct batch size
    simulate(replace(data, entries=(replace(data.entries[0], batch=8), data.entries[1])))
    assert [len(c) for c in raced] == [1, 1, 1] and raced[2][0].startswith("sgd")
    from playground.model.experiment import Schedule

    simulate(replace(data, entries=(data.entries[0], replace(data.entries[1], schedule=Schedule("cosine")))))
    assert [len(c) for c in raced] == [1, 1, 1, 1] and raced[3][0].startswith("adam")


def test_kept_runs_are_read_only_and_the_cache_is_bounded():
    cache = RunCache(size=2)
    s = simulate(replace(EXP, steps=20)).trajectories[0]
    with pytest.raises(ValueError):
        s.path[0, 0] = 1.0
    for k in range(3):
        cache.put(("k", k), optimizers.run(optimizers.make("sgd"), simulate(EXP).surface, steps=5))
    assert cache.get(("k", 0)) is None and cache.get(("k", 2)) is not None


def test_the_cache_keeps_to_its_byte_budget():
    s = simulate(EXP).surface
    run = optimizers.run(optimizers.make("sgd"), s, steps=100)
    each = sum(a.nbytes for a in (run.path, run.loss, run.grads, *run.state.values()))
    cache = RunCache(size=100, budget=int(2.5 * each))
    for k in range(4):
        cache.put(("k", k), optimizers.run(optimizers.make("sgd"), s, steps=100))
    assert cache.nbytes <= 2.5 * each
    assert cache.get(("k", 0)) is None and cache.get(("k", 1)) is None and cache.get(("k", 3)) is not None


def test_more_seeds_run_the_spread_alone(raced):
    """The runs drawn are those of the seed alone: asking for a spread over seeds keeps them."""
    first = simulate(EXP)
    spread = simulate(replace(EXP, seeds=4))
    assert len(raced) == 2 and len(raced[1]) == 3  # one batched pass over four seeds
    assert all(a is b for a, b in zip(first.trajectories, spread.trajectories, strict=True))
    assert spread.spread is not None and spread.spread[0].path.shape[1] == 4


def test_what_does_not_fix_the_numbers_runs_nothing(raced):
    calm = replace(EXP, noise=0.0)
    simulate(calm)
    simulate(replace(calm, seed=9, seeds=5))  # nothing is drawn from a seed without noise or mini-batches
    simulate(replace(calm, view="curves", lesson="rosenbrock", entries=tuple(
        replace(e, label="x", color="#000000") for e in calm.entries)))
    assert len(raced) == 1
