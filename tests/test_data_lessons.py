"""The qualitative claims of the data lessons (feature scale, mini-batch noise, Reddi's problem,
separable classes), measured on the lessons' own runs; their numbers are in test_lesson_claims.py."""

import base64
import functools

import numpy as np

from playground.figures.curves import curves_figure
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


def drawn_bands(key: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each run's band as the Curves view draws it, (lower edge, upper edge) per step, read from the figure."""
    fig = curves_figure(race(key))
    bands = {}
    for trace in fig["data"]:
        if trace.get("fill") == "toself":
            typed = trace["y"]  # Plotly's typed array: little-endian base64
            y = np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.dtype(typed["dtype"]).newbyteorder("<"))
            n = len(y) // 2
            bands[trace["legendgroup"]] = (y[n:][::-1].astype(np.float64), y[:n].astype(np.float64))
    assert fig["layout"]["yaxis"]["type"] == "log", "the loss panel the lesson opens on is on a log axis"
    return bands


def test_minibatch_bands_where_the_log_axis_draws_them():
    """What to watch, read from the bands drawn: on the log axis a band's width says little (the
    decaying run's widens in decades as its loss nears the minimum), so the text speaks of where the
    bands lie: the constant rate's levels off, the decaying rate's starts above it, keeps falling and
    ends wholly below it."""
    labels = dict(zip(lessons.find("minibatch-noise").runs, race("minibatch-noise").labels, strict=True))
    bands = drawn_bands("minibatch-noise")
    (c_lo, c_hi), (d_lo, d_hi) = bands[labels["const"]], bands[labels["decay"]]
    middle = np.sqrt(c_lo * c_hi)  # the band's middle on the log axis
    blocks = [float(np.exp(np.log(middle[a : a + 50]).mean())) for a in range(50, 300, 50)]
    assert max(blocks) < 1.5 * min(blocks), "the constant rate's band levels off"
    assert d_lo[50] > c_hi[50] and d_lo[100] > c_hi[100], "the decaying rate's band starts above"
    assert np.all(np.diff(d_hi[100::50]) < 0), "and keeps falling"
    assert np.all(d_hi[-50:] < c_lo[-50:]), "and ends wholly below the constant rate's band"


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
