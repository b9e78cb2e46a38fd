"""Adversarial runs: every optimizer on every surface at learning rates from 1e-6 to 1e3.

Nothing may raise, no NumPy warning may escape (pytest turns RuntimeWarning into an error), a run
is marked diverged exactly when its path leaves the finite region, and no NaN or inf reaches a
figure or a place where the race player draws.
"""

import base64

import numpy as np
import pytest

import optimizers
import surfaces
from playground import figures
from playground.figures import player_data
from playground.figures.transport import Binary
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


def _numbers(obj, where=""):
    """Every number in a figure dict or a player payload, with where it sits: typed arrays (Plotly's
    base64 ones, the payload's float32 ones) decoded, lists and scalars walked."""
    if isinstance(obj, Binary):
        if obj.kind == "f32":  # u16 (iso-lines) has no NaN; a png is a picture
            for value in np.frombuffer(obj.raw, dtype="<f4").tolist():
                yield where, value
        return
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            for value in np.frombuffer(base64.b64decode(obj["bdata"]), dtype="<" + obj["dtype"]).tolist():
                yield where, value
            return
        for key, value in obj.items():
            yield from _numbers(value, f"{where}.{key}")
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _numbers(value, where)
    elif isinstance(obj, float | int) and not isinstance(obj, bool):
        yield where, obj


def _fuzzed_race(surface_key):
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
    return race


@pytest.mark.parametrize("surface_key", ["bowl", "rosenbrock", "slope", "beale", "custom"])
def test_no_nan_or_inf_reaches_a_figure(surface_key):
    race = _fuzzed_race(surface_key)
    builders = [figures.curves_figure] + ([figures.surface3d_figure] if race.surface.dim == 2 else [])
    for build in builders:
        spec = build(race)
        values = np.array([v for _, v in _numbers({"data": spec["data"], "frames": spec.get("frames", [])})
                           if v is not None], dtype=float)
        assert values.size and np.isfinite(values).all(), f"{build.__name__} carries a NaN or inf"


@pytest.mark.parametrize("surface_key", ["bowl", "rosenbrock", "slope", "beale", "custom"])
def test_no_nan_or_inf_reaches_where_the_player_draws(surface_key):
    """Every position, scene point, mark and arrow the player is sent is finite, with the arrows on. A
    run's loss is only written in the readout: an overflowed loss there is inf (the truth), never NaN."""
    race = _fuzzed_race(surface_key)
    drop = figures.backdrop(race.surface, figures.Theme()) if race.surface.dim == 2 else None
    for layout in ("race", "side"):
        data = player_data.payload(race, player_data.layout_for(race, layout), drop, arrows=True)
        found = list(_numbers(data))
        assert any(where.endswith(".path") for where, _ in found)
        for where, value in found:
            if where.endswith(".loss"):
                assert not np.isnan(value), f"{layout}: a run's loss holds NaN"
            elif not where.startswith(".curve.y"):  # the curve breaks (NaN) where f is not finite
                assert np.isfinite(value), f"{layout}: {where} holds {value}"
        curve = [v for where, v in found if where == ".curve.y"]
        if race.surface.dim == 1:
            assert curve and np.isfinite(curve).all(), "the slope is finite across its window"
