"""The data panel's arrays: the points, the line or boundary per step, full and mini-batch gradients."""

import numpy as np

from playground.model.datapanel import data_panel
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import simulate


def _race(surface, batch=0, **params):
    entries = (Entry("sgd", (("lr", 0.05),)), Entry("adam", (("lr", 0.1),)), Entry("sgd", (("lr", 1e3),)))
    exp = Experiment(surface_key=surface, surface_params=tuple(sorted(params.items())), steps=60, batch_size=batch,
                     entries=entries)
    return simulate(exp)


def test_no_panel_off_a_data_surface():
    assert data_panel(simulate(Experiment(surface_key="bowl", entries=(Entry("sgd"),), steps=5))) is None


def test_the_fitted_line_at_each_step_passes_through_the_positions_slope_and_intercept():
    race = _race("linear_regression", batch=4, n=20)
    panel = data_panel(race)
    assert panel.kind == "line"
    np.testing.assert_array_equal(panel.x, race.surface.data.x)
    (x0, x1), (y0, y1) = panel.window
    assert x0 < panel.x.min() and panel.x.max() < x1 and y0 < panel.y.min() and panel.y.max() < y1
    steps = np.array([0, 1, 30, 60])
    seg = panel.segments(1, steps)
    w, b = race.trajectories[1].path[steps].T
    np.testing.assert_allclose(seg[:, :, 0], [[x0, x1]] * 4)
    np.testing.assert_allclose(seg[:, 0, 1], w * x0 + b, rtol=1e-12)
    np.testing.assert_allclose(seg[:, 1, 1], w * x1 + b, rtol=1e-12)
    # The diverged run holds its last good line.
    bad = race.trajectories[2]
    assert bad.diverged_at is not None
    np.testing.assert_array_equal(panel.segments(2, np.array([60])), panel.segments(2, np.array([len(bad.path) - 1])))


def test_full_and_mini_batch_gradients_per_step():
    race = _race("linear_regression", batch=4, n=20)
    panel = data_panel(race)
    s = race.surface
    for i, tr in enumerate(race.trajectories):
        np.testing.assert_array_equal(panel.batch_grads[i], tr.grads)
        for k in {0, min(7, len(tr.grads) - 1), len(tr.grads) - 1}:
            np.testing.assert_allclose(panel.full_grads[i][k], s.grad(tr.path[k]), rtol=1e-12)
    # Mini-batch gradients differ from the full one; with every point they agree.
    assert np.abs(panel.batch_grads[0] - panel.full_grads[0]).max() > 1e-3
    full = data_panel(_race("linear_regression", n=20))
    np.testing.assert_array_equal(full.batch_grads[0], full.full_grads[0])


def test_the_decision_boundary_is_perpendicular_to_the_weights_and_reaches_the_corners():
    race = _race("logistic_regression", batch=8, n=30)
    panel = data_panel(race)
    assert panel.kind == "boundary" and panel.x.shape == (30, 2)
    steps = np.arange(0, 61, 10)
    seg = panel.segments(0, steps)
    w = race.trajectories[0].path[steps]
    for end in (0, 1):
        np.testing.assert_allclose(np.sum(seg[:, end] * w, axis=1), 0.0, atol=1e-9)
    (x0, x1), (y0, y1) = panel.window
    corner = np.hypot(max(abs(x0), abs(x1)), max(abs(y0), abs(y1)))
    np.testing.assert_allclose(np.linalg.norm(seg[:, 0], axis=1), corner, rtol=1e-12)
    # w = 0 has no boundary.
    zero = Experiment(surface_key="logistic_regression", start=(0.0, 0.0), steps=3, entries=(Entry("sgd"),))
    assert np.isnan(data_panel(simulate(zero)).segments(0, np.array([0]))).all()


def test_the_page_shows_the_panel_beside_a_race_on_data_only():
    """The player draws the panel on its clock (its payload carries the points and each step's
    boundary); the page names it in a caption under the player, on a data surface only."""
    import base64
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from playground.figures import player_data as player
    from playground.model.link import decode

    app = str(Path(__file__).resolve().parent.parent / "app.py")

    def captions(query):
        at = AppTest.from_file(app, default_timeout=120)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return " ".join(c.value for c in at.caption)

    assert "decision boundary w·x = 0 at the current step" in captions(
        {"surface": "logistic_regression:n=24", "opt": "sgd;adam", "steps": "30"})
    assert "at the current step" not in captions({"surface": "bowl", "opt": "sgd", "steps": "30"})
    exp, _ = decode("surface=logistic_regression:n=24&opt=sgd;adam&steps=30")
    race = simulate(exp)
    data = player.payload(race, "race")["data"]
    assert data["kind"] == "boundary"
    assert np.frombuffer(base64.b64decode(data["points"]), dtype="<f4").size == 2 * 24
