"""A race on a data surface travels in the link: the data's parameters, the batch size and the seed
come back as the identical race; a batch size where it cannot apply is named and dropped."""

import numpy as np
import pytest

import optimizers
import surfaces
from playground.model.experiment import Entry, Experiment
from playground.model.link import decode, encode, to_query_string
from playground.model.simulate import simulate

LINK = ("surface=linear_regression:feature_scale=10,n=32,noise=0.8,seed=4&opt=sgd:lr=0.004;adam:lr=0.05"
        "&batch=4&seed=17&steps=120")


def test_a_data_race_link_reopens_the_identical_race():
    exp, warnings = decode(LINK)
    assert warnings == []
    assert exp.surface_key == "linear_regression"
    assert dict(exp.surface_params) == {"feature_scale": 10.0, "n": 32.0, "noise": 0.8, "seed": 4.0}
    assert (exp.batch_size, exp.seed, exp.steps) == (4, 17, 120)
    again, more = decode(to_query_string(exp))
    assert more == [] and again == exp
    assert encode(exp)["batch"] == "4"
    first, second = simulate(exp), simulate(again)
    # The race the link describes, run on the core directly.
    s = surfaces.get("linear_regression", n=32, feature_scale=10, noise=0.8, seed=4)
    for tr, other, opt in zip(first.trajectories, second.trajectories,
                              [optimizers.make("sgd", lr=0.004), optimizers.make("adam", lr=0.05)], strict=True):
        np.testing.assert_array_equal(tr.path, other.path)
        direct = optimizers.run(opt, s, steps=120, batch_size=4, seed=17)
        np.testing.assert_array_equal(tr.path, direct.path)
    # Another seed is another sequence of batches.
    other_seed = simulate(decode(LINK.replace("seed=17", "seed=18"))[0])
    assert not np.array_equal(other_seed.trajectories[0].path, first.trajectories[0].path)


def test_full_batch_is_the_default_and_stays_out_of_the_link():
    exp = Experiment(surface_key="logistic_regression", entries=(Entry("adam"),), steps=50)
    assert "batch" not in encode(exp)
    full = simulate(exp).trajectories[0]
    s = surfaces.get("logistic_regression")
    np.testing.assert_array_equal(full.grads, s.grad(full.path[:-1]))


def test_mini_batch_seeds_make_a_spread():
    exp = decode(LINK + "&seeds=5")[0]
    spread = simulate(exp).spread
    assert spread is not None and spread[0].path.shape[1] == 5
    finals = spread[0].path[-1]
    assert len({tuple(p) for p in finals}) == 5


@pytest.mark.parametrize(("link", "word", "expected"), [
    ("surface=bowl&opt=sgd&batch=4", "batch: only read on a surface with data points", 0),
    ("surface=linear_regression:n=16&opt=sgd&batch=17", "batch: 17 is outside 0–16", 0),
    ("surface=linear_regression&opt=sgd&batch=2.5", "batch: '2.5' is not a whole number", 0),
    ("surface=logistic_regression&opt=sgd&batch=banana", "batch: 'banana' is not a finite number", 0),
    ("surface=logistic_regression:n=10&opt=sgd&batch=10", None, 10),
])
def test_bad_batch_sizes_are_named_and_dropped(link, word, expected):
    exp, warnings = decode(link)
    assert exp.batch_size == expected
    if word is None:
        assert warnings == []
    else:
        assert any(word in w for w in warnings), warnings
        assert decode(to_query_string(exp)) == (exp, [])


def test_the_sidebar_batch_control_drives_the_race_and_the_link():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    for k, v in {"surface": "linear_regression:n=32", "opt": "sgd:lr=0.01", "batch": "4", "steps": "40"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (control,) = [w for w in at.number_input if w.key.startswith("batch-")]
    assert control.value == 4 and control.max == 32
    control.set_value(8).run()
    assert not at.exception
    assert at.session_state["experiment"].batch_size == 8
    link = {k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()}
    assert link["batch"] == "8"
    # No batch control where there are no data points.
    at = AppTest.from_file(app, default_timeout=120)
    at.query_params["surface"] = "bowl"
    at.run()
    assert not [w for w in at.number_input if w.key.startswith("batch-")]
