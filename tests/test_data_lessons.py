"""The qualitative claims of the data lessons (feature scale, mini-batch noise, Reddi's problem,
separable classes), measured on the lessons' own runs; their numbers are in test_lesson_claims.py."""

import functools

import numpy as np

from playground.model import lessons
from playground.model.simulate import Simulation, simulate


@functools.cache
def race(key: str) -> Simulation:
    return simulate(lessons.find(key).experiment)


def named(key: str) -> dict:
    r = race(key)
    return dict(zip(lessons.find(key).runs, r.trajectories, strict=True))


def test_gradient_descent_zig_zags_across_the_stretched_bowl_and_adam_does_not():
    r, t = race("feature-scale"), named("feature-scale")
    fit = np.array(r.surface.minima[0])
    side = np.sign(t["gd"].path[:200, 0] - fit[0])
    assert (side[1:] != side[:-1]).all(), "the slope changes side on every step"
    adam_side = np.sign(t["adam"].path[:, 0] - fit[0])
    assert np.count_nonzero(adam_side[1:] != adam_side[:-1]) < 10
    # …and the intercept creeps: after all its steps gradient descent is still short of the fit.
    assert np.linalg.norm(t["gd"].path[-1] - fit) > 10 * np.linalg.norm(t["adam"].path[-1] - fit)


def test_spreads_shrink_as_the_batch_grows():
    r = race("batch-size")
    band = dict(zip(lessons.find("batch-size").runs, r.spread, strict=True))
    best = r.surface.minimum_values[0]
    # Over the seeds, both the final loss and the last positions spread less as the batch grows.
    loss_spread = [float(np.std(band[k].loss[-1] - best)) for k in ("one", "eight", "all")]
    path_spread = [float(np.std(band[k].path[-1], axis=0).sum()) for k in ("one", "eight", "all")]
    assert loss_spread[0] > loss_spread[1] > loss_spread[2] and loss_spread[2] < 1e-12
    assert path_spread[0] > path_spread[1] > path_spread[2]
    # The small batches level off above the minimum; all the points go on down to it.
    excess = {k: tr.loss - best for k, tr in band.items()}
    assert excess["one"][-100:-50].mean() < 2 * excess["one"][-50:].mean()
    assert excess["all"][-1].max() < 1e-9 < excess["eight"][-1].mean() < excess["one"][-1].mean()


def test_a_constant_learning_rate_keeps_wandering_a_decaying_one_settles():
    r = race("minibatch-noise")
    const, decay = (r.spread[list(lessons.find("minibatch-noise").runs).index(k)] for k in ("const", "decay"))
    best = r.surface.minimum_values[0]
    excess = {k: tr.loss - best for k, tr in (("const", const), ("decay", decay))}
    # The constant run levels off: its mean excess loss over the last hundred steps hardly falls.
    assert excess["const"][-100:-50].mean() < 2 * excess["const"][-50:].mean()
    assert excess["const"][-1].mean() > 10 * excess["decay"][-1].mean()
    # The decaying run's band keeps narrowing.
    assert np.std(excess["decay"][-1]) < 0.5 * np.std(excess["decay"][100])
    assert np.std(excess["const"][-1]) > 0.3 * np.std(excess["const"][100])


def test_on_separable_classes_the_loss_falls_for_ever_and_the_weights_keep_growing():
    r, t = race("separable-classes"), named("separable-classes")
    assert r.surface.minima == []
    for name, tr in t.items():
        assert tr.diverged_at is None
        assert (np.diff(tr.loss[100:]) < 0).all(), name
        norms = np.linalg.norm(tr.path, axis=1)
        assert (np.diff(norms[1000:]) > 0).all(), name
        # The direction settles: it turns less from step 1,000 to the end than from step 100 to 1,000.
        d = tr.path[[100, 1000, -1]] / norms[[100, 1000, -1], None]
        assert d[1] @ d[2] > 0.98 and d[1] @ d[2] > d[0] @ d[1], name
        assert (tr.path[-1] > 0).all(), f"{name} heads to the upper right"


def test_reddi_lesson_runs_differ_only_in_amsgrad():
    exp = lessons.find("adam-fails-online").experiment
    adam, ams = exp.entries
    assert dict(ams.hyper) == {**dict(adam.hyper), "amsgrad": True}
    assert adam.schedule == ams.schedule and adam.schedule.kind == "inv_sqrt"
