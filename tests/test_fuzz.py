"""Adversarial runs: every optimizer on every surface at learning rates from 1e-6 to 1e3.

Nothing may raise, no NumPy warning may escape (pytest turns RuntimeWarning into an error), a run
is marked diverged exactly when its path leaves the finite region, and no NaN or inf reaches a
figure.
"""

import base64

import numpy as np
import pytest

import optimizers
import surfaces
from playground import figures
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import simulate

LRS = np.geomspace(1e-6, 1e3, 10)
STEPS = 1000
SURFACES = [*surfaces.names(), "custom"]


def get_surface(key):
    if key == "custom":
        return surfaces.from_formula("exp(x) + y**4 - 3*cos(x*y)", bounds=[[-2, 2], [-2, 2]])
    return surfaces.get(key)


@pytest.mark.parametrize("surface_key", SURFACES)
@pytest.mark.parametrize("key", optimizers.names())
def test_divergence_grid(key, surface_key):
    s = get_surface(surface_key)
    tr = optimizers.run(optimizers.make(key, lr=LRS), s, steps=STEPS)
    limit = optimizers.DIVERGENCE_LIMIT
    for row, d in enumerate(tr.diverged_at):
        path = tr.path[:, row]
        good = np.isfinite(path).all(axis=1) & (np.abs(path) <= limit).all(axis=1)
        if d < 0:
            assert good.all(), f"{key} lr={LRS[row]:g} left the finite region without being marked"
        else:
            assert good[:d].all() and not good[d:].any(), f"{key} lr={LRS[row]:g}: diverged_at={d} is wrong"
            assert np.isnan(path[d:]).all()
            assert d > 0
    # The smallest learning rate never diverges on these windows.
    assert tr.diverged_at[0] == -1


def test_gradient_descent_diverges_above_the_stability_limit():
    tr = optimizers.run(optimizers.make("sgd", lr=LRS), surfaces.get("bowl"), steps=STEPS)
    unstable = LRS > 2 / 25
    assert (tr.diverged_at[unstable] > 0).all()
    assert (tr.diverged_at[~unstable] == -1).all()


def _numbers(obj):
    """Every number in a figure dict: typed arrays decoded, lists and scalars walked."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            yield from np.frombuffer(base64.b64decode(obj["bdata"]), dtype="<" + obj["dtype"]).tolist()
            return
        for value in obj.values():
            yield from _numbers(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _numbers(value)
    elif isinstance(obj, float | int) and not isinstance(obj, bool):
        yield obj


@pytest.mark.parametrize("surface_key", ["bowl", "rosenbrock", "slope", "beale", "custom"])
def test_no_nan_or_inf_reaches_a_figure(surface_key):
    # Half of the entries diverge, one at step 1 (lr = 1e3 on a steep surface).
    entries = tuple(Entry(key, (("lr", lr),)) for key, lr in
                    [("sgd", 1e3), ("adam", 1e3), ("momentum", 1.0), ("rmsprop", 1e-2), ("adagrad", 0.3),
                     ("lion", 1e-2), ("nadam", 50.0), ("adadelta", 1.0)])
    exp = Experiment(surface_key=surface_key, entries=entries, steps=400)
    if surface_key == "custom":
        # exp(x) overflows long before |x| reaches the divergence limit: the loss is inf at finite positions.
        exp = Experiment(surface_key="custom", formula="exp(x) + y**4 - 3*cos(x*y)", bounds=((-2, 2), (-2, 2)),
                         entries=entries, steps=400)
    race = simulate(exp)
    if surface_key != "slope":  # the slope's gradient is bounded: nothing diverges there
        assert any(tr.diverged_at is not None for tr in race.trajectories)
    builders = [figures.curves_figure]
    if race.surface.dim == 2:
        builders += [figures.race_figure, figures.side_figure, figures.surface3d_figure]
    else:
        builders += [figures.oned_figure]
    for build in builders:
        spec = build(race)
        numbers = [v for v in _numbers({"data": spec["data"], "frames": spec.get("frames", [])}) if v is not None]
        values = np.array(numbers, dtype=float)
        assert values.size and np.isfinite(values).all(), f"{build.__name__} carries a NaN or inf"
