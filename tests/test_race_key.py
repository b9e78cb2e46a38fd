"""One key for one fact: :meth:`Experiment.race_key` says exactly what fixes a race's numbers, and
every cache of a race (the page's races, figures, player data and sweeps, the finished runs kept per
entry) keys on it. Suggested learning rates are resolved once per surface and optimizer."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

import optimizers
from playground.model import actions, defaults
from playground.model import experiment as experiment_module
from playground.model import simulate as simulate_module
from playground.model.experiment import Entry, Experiment, Schedule, default_experiment
from playground.model.simulate import RunCache, simulate
from playground.model.sweep import default_spec
from playground.page import compute, sweep_view

BASE = Experiment(entries=(Entry("sgd", (("lr", 0.001),)), Entry("adam"), Entry("rmsprop", label="mine")),
                  steps=120, noise=0.2, seed=3)
DATA = Experiment(surface_key="linear_regression", entries=(Entry("sgd", batch=4), Entry("adam")), steps=40)

# How a race is shown: none of it changes a number.
SHOWN = [{"view": "curves"}, {"view": "side"}, {"present": True}, {"speed": 2.5}, {"lesson": "rosenbrock"}]


def relabelled(exp: Experiment) -> Experiment:
    return replace(exp, entries=tuple(replace(e, label=f"run {i}", color="#123456") for i, e in enumerate(exp.entries)))


def with_entry(exp: Experiment, i: int, **changes) -> Experiment:
    entries = list(exp.entries)
    entries[i] = replace(entries[i], **changes)
    return replace(exp, entries=tuple(entries))


@pytest.mark.parametrize("shown", SHOWN, ids=lambda c: next(iter(c)))
def test_how_a_race_is_shown_is_not_in_its_key(shown):
    assert replace(BASE, **shown).race_key() == BASE.race_key()


def test_labels_and_colours_are_not_in_the_key():
    assert relabelled(BASE).race_key() == BASE.race_key()


# Each changes what the optimizers compute (the start, the gradients, the rates, the steps they take).
NUMBERS = {
    "surface": lambda e: replace(e, surface_key="himmelblau"),
    "surface parameter": lambda e: replace(e, surface_params=(("b", 50.0),)),
    "window": lambda e: replace(e, bounds=((-3.0, 3.0), (-2.0, 4.0))),
    "start": lambda e: replace(e, start=(0.5, 0.5)),
    "steps": lambda e: replace(e, steps=121),
    "noise": lambda e: replace(e, noise=0.3),
    "seed": lambda e: replace(e, seed=4),
    "seeds": lambda e: replace(e, seeds=5),
    "an lr": lambda e: with_entry(e, 0, hyper=(("lr", 0.002),)),
    "a suggested lr set": lambda e: with_entry(e, 1, hyper=(("lr", 0.003),)),
    "another hyperparameter": lambda e: with_entry(e, 1, hyper=(("beta1", 0.8),)),
    "a schedule": lambda e: with_entry(e, 1, schedule=Schedule("cosine")),
    "an optimizer": lambda e: with_entry(e, 2, optimizer="momentum"),
    "one more entry": lambda e: replace(e, entries=(*e.entries, Entry("lion"))),
    "entry order": lambda e: replace(e, entries=e.entries[::-1]),
}


@pytest.mark.parametrize("change", NUMBERS.values(), ids=NUMBERS.keys())
def test_anything_that_fixes_the_numbers_changes_the_key(change):
    assert change(BASE).race_key() != BASE.race_key()


def test_the_numbers_of_a_data_race_are_in_its_key():
    key = DATA.race_key()
    assert with_entry(DATA, 0, batch=8).race_key() != key
    assert with_entry(DATA, 1, batch=4).race_key() != key
    assert replace(DATA, batch_size=2).race_key() != key  # the race's size, taken by the entry without one
    assert replace(DATA, surface_params=(("n", 30.0),)).race_key() != key
    assert replace(DATA, seed=9).race_key() != key  # the mini-batches are drawn from it
    custom = Experiment(surface_key="custom", formula="x**2 + 3*y**2", entries=(Entry("adam"),))
    assert replace(custom, formula="x**2 + 4*y**2").race_key() != custom.race_key()


def test_a_value_written_out_equal_to_its_default_gives_the_same_key():
    suggested = defaults.default_lr("adam", BASE.surface_key)
    spelt = with_entry(BASE, 1, hyper=(("beta1", 0.9), ("lr", suggested)))
    assert spelt.race_key() == BASE.race_key()
    # And the surface's own start and parameters written out.
    surface = BASE.build_surface()
    assert replace(BASE, start=tuple(surface.default_start)).race_key() == BASE.race_key()
    assert replace(BASE, surface_params=tuple(surface.params.items())).race_key() == BASE.race_key()
    # On a surface without mini-batches, a batch size changes nothing.
    assert with_entry(BASE, 0, batch=4).race_key() == BASE.race_key()


def test_what_nothing_is_drawn_from_is_not_in_the_key():
    """Without noise and mini-batches the seed is never used, and a spread over seeds would be one line."""
    calm = replace(BASE, noise=0.0)
    assert replace(calm, seed=11).race_key() == calm.race_key() == replace(calm, seeds=5).race_key()
    # The runs agree to the last bit (independently of any cache: the core run directly).
    a, b = (optimizers.race([calm.resolve(e) for e in calm.entries], calm.build_surface(), calm.start_point(),
                            steps=calm.steps, seed=s) for s in (0, 11))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.path, y.path)


def test_equal_keys_race_identically():
    """Two spellings of one race, run on the core directly (no cache between them)."""
    other = replace(relabelled(with_entry(BASE, 1, hyper=(("lr", defaults.default_lr("adam", "rosenbrock")),))),
                    view="curves", lesson="rosenbrock", start=tuple(BASE.build_surface().default_start))
    assert other.race_key() == BASE.race_key()
    runs = [optimizers.race([e.resolve(x) for x in e.entries], e.build_surface(), e.start_point(), steps=e.steps,
                            noise=e.noise, seed=e.seed) for e in (BASE, other)]
    for x, y in zip(*runs, strict=True):
        np.testing.assert_array_equal(x.path, y.path)


def test_the_key_is_one_string_for_the_page_caches():
    """The page's caches hash a key by its repr: numbers given as NumPy floats or ints write the same."""
    numpy_spelt = replace(BASE, start=(np.float64(-1.5), np.float64(2.0)), noise=np.float64(0.2),
                          entries=(Entry("sgd", (("lr", np.float64(0.001)),)), *BASE.entries[1:]))
    plain = replace(BASE, start=(-1.5, 2.0))
    assert numpy_spelt.race_key() == plain.race_key()
    assert repr(numpy_spelt.race_key()) == repr(plain.race_key())
    assert compute.KEYED[type(plain.race_key())] is repr
    hash(plain.race_key())


# --- every cache keys on it ------------------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    """Fresh caches, and how many times each expensive step ran."""
    monkeypatch.setattr(simulate_module, "RUNS", RunCache())
    for cached in (compute._simulation, compute._figure, compute._player_data, sweep_view.cached_sweep):
        cached.clear()
    calls: Counter = Counter()

    def spy(module, name):
        real = getattr(module, name)

        def counting(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)

    spy(compute, "simulate")
    spy(optimizers, "race")
    spy(compute.figures, "curves_figure")
    spy(sweep_view, "run_sweep")
    yield calls
    for cached in (compute._simulation, compute._figure, compute._player_data, sweep_view.cached_sweep):
        cached.clear()


def test_the_page_caches_are_hit_on_a_second_call(counted):
    first = compute.cached_race(BASE)
    assert counted == {"simulate": 1, "race": 1}  # the three entries in one pass
    again = compute.cached_race(BASE)
    assert counted["simulate"] == 1 and again.trajectories[0] is first.trajectories[0]
    data = compute.cached_player_data(BASE, "race", 1.0, False, False, False)
    assert compute.cached_player_data(BASE, "race", 1.0, False, False, False) is data  # kept, not made again
    compute.cached_figure(BASE, "curves", 1.0, False, False)
    compute.cached_figure(BASE, "curves", 1.0, False, False)
    assert counted["curves_figure"] == 1 and counted["simulate"] == 1


@pytest.mark.parametrize("shown", SHOWN, ids=lambda c: next(iter(c)))
def test_a_race_shown_another_way_runs_nothing(counted, shown):
    compute.cached_race(BASE)
    data = compute.cached_player_data(BASE, "race", 1.0, False, False, False)
    compute.cached_figure(BASE, "curves", 1.0, False, False)
    before = dict(counted)
    other = replace(BASE, **shown)
    race = compute.cached_race(other)
    assert compute.cached_player_data(other, "race", 1.0, False, False, False) is data
    compute.cached_figure(other, "curves", 1.0, False, False)
    assert counted == before, shown
    assert race.experiment == other  # shown as the experiment asked, with the runs already made


def test_a_relabelled_race_runs_nothing_and_shows_its_own_names(counted):
    compute.cached_race(BASE)
    runs_before = dict(counted)
    race = compute.cached_race(relabelled(BASE))
    assert counted == runs_before
    assert race.labels == ["run 0", "run 1", "run 2"] and race.colors == ["#123456"] * 3
    assert compute.cached_race(BASE).labels == BASE.labels() and BASE.labels()[2] == "mine"
    # What the player draws names the runs as the page does: its data is made again, the race is not.
    data = compute.cached_player_data(relabelled(BASE), "race", 1.0, False, False, False)
    assert [r["label"] for r in data["runs"]] == ["run 0", "run 1", "run 2"]
    assert counted["simulate"] == 1 and counted["race"] == runs_before["race"]


def test_the_sweep_is_kept_under_the_race_key(counted):
    spec = replace(default_spec(BASE, 1), resolution=8)
    sweep_view.cached_sweep(BASE.race_key(), spec, BASE)
    other = relabelled(replace(BASE, view="sweep", lesson="rosenbrock"))
    sweep_view.cached_sweep(other.race_key(), spec, other)
    assert counted["run_sweep"] == 1
    sweep_view.cached_sweep(replace(BASE, steps=60).race_key(), spec, replace(BASE, steps=60))
    assert counted["run_sweep"] == 2


def test_an_lr_spelt_out_reuses_the_finished_runs(counted):
    simulate(BASE)
    count = counted["race"]
    simulate(with_entry(BASE, 1, hyper=(("lr", defaults.default_lr("adam", "rosenbrock")),)))
    simulate(relabelled(replace(BASE, view="table")))
    assert counted["race"] == count


# --- suggested learning rates, resolved once -----------------------------------------------------------


@pytest.fixture
def suggesting(monkeypatch):
    """Counts the calls of defaults.default_lr, per optimizer, from a cold cache."""
    experiment_module._suggested_lr.cache_clear()
    calls: Counter = Counter()
    real = defaults.default_lr

    def spy(optimizer, surface):
        calls[optimizer] += 1
        return real(optimizer, surface)

    monkeypatch.setattr(defaults, "default_lr", spy)
    yield calls
    experiment_module._suggested_lr.cache_clear()  # nothing a patched rule said outlives the test


def test_building_the_key_twice_resolves_each_suggestion_once(suggesting):
    exp = replace(default_experiment(), entries=(*default_experiment().entries, Entry("adam"), Entry("newton")))
    first = exp.race_key()
    assert suggesting == {"sgd": 1, "momentum": 1, "rmsprop": 1, "adam": 1, "newton": 1}
    assert exp.race_key() == first
    simulate(exp)
    exp.entry_defaults("adam")
    assert max(suggesting.values()) == 1
    # Another surface is another suggestion.
    replace(exp, surface_key="bowl").race_key()
    assert suggesting["sgd"] == 2


def test_another_rule_is_another_suggestion(monkeypatch):
    """A swapped rule (a tool, a test) is obeyed at once: the cache keys on it."""
    exp = Experiment(entries=(Entry("sgd"),))
    before = exp.race_key().runs[0].hyper
    monkeypatch.setattr(defaults, "default_lr", lambda optimizer, surface: 0.0123)
    assert dict(exp.race_key().runs[0].hyper)["lr"] == 0.0123
    monkeypatch.undo()
    assert exp.race_key().runs[0].hyper == before


@pytest.fixture
def raced(monkeypatch):
    """Batched races the suggestions start (the rule's sweeps) and the core's races."""
    experiment_module._suggested_lr.cache_clear()
    calls: Counter = Counter()
    for module, name in ((defaults, "rule_lrs"), (optimizers, "race")):
        real = getattr(module, name)

        def counting(*args, _name=name, _real=real, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    yield calls
    experiment_module._suggested_lr.cache_clear()


@pytest.mark.parametrize("name, value", [("lr", 0.004), ("momentum", 0.5), ("lr", None)])
def test_editing_a_hyperparameter_of_the_default_race_runs_no_race(raced, name, value):
    exp = default_experiment()
    index = [e.optimizer for e in exp.entries].index("momentum")
    if value is None:
        value = exp.suggested_lr("momentum")  # back to the suggestion
        raced.clear()
    after = actions.apply(exp, actions.SetHyper(index, "momentum", name, value))
    assert after != exp or value == exp.suggested_lr("momentum")
    assert raced == {}


def test_a_rate_the_table_does_not_know_is_worked_out_once(raced, monkeypatch):
    """The fault the test above guards against, planted: without Rosenbrock's row the rule runs its
    batched race to find gradient descent's rate; a second edit, and the race's key, do not run it again."""
    table = defaults._frozen({s: dict(r) for s, r in defaults.CURRENT_LR_TABLE.items() if s != "rosenbrock"})
    monkeypatch.setattr(defaults, "CURRENT_LR_TABLE", table)
    defaults._rule_lr_cached.cache_clear()
    exp = default_experiment()
    after = actions.apply(exp, actions.SetHyper(0, "sgd", "lr", 0.004))
    assert raced["rule_lrs"] == 1 and raced["race"] == 1
    actions.apply(after, actions.SetHyper(0, "sgd", "lr", 0.005))
    replace(after, entries=(Entry("sgd"),)).race_key()
    assert raced["rule_lrs"] == 1 and raced["race"] == 1
