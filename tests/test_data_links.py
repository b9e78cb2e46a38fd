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


ENTRY_LINK = ("surface=linear_regression:n=32&opt=sgd:lr=0.05,batch=1;sgd:lr=0.05;sgd:lr=0.05,batch=0;"
              "sgd:lr=0.05,batch=99&batch=8&seed=3&seeds=3&steps=60")


def test_each_entry_may_race_its_own_batch_size():
    exp, warnings = decode(ENTRY_LINK)
    assert warnings == []
    assert [e.batch for e in exp.entries] == [1, None, 0, 99]
    assert decode(to_query_string(exp)) == (exp, [])
    race = simulate(exp)
    # Its own size, the race's where it has none, every point for 0 and for more than the data hold.
    assert race.batches == (1, 8, None, 32)
    assert [race.mini_batched(i) for i in range(4)] == [True, True, False, False]
    s = surfaces.get("linear_regression", n=32)
    opt = optimizers.make("sgd", lr=0.05)
    for tr, size in zip(race.trajectories, (1, 8, None, 32), strict=True):
        np.testing.assert_array_equal(tr.path, optimizers.run(opt, s, steps=60, batch_size=size, seed=3).path)
    # The spread over seeds runs each entry at its size too: the full-batch runs do not spread.
    for band, size in zip(race.spread, (1, 8, None, 32), strict=True):
        direct = optimizers.run(opt, s, steps=60, batch_size=size, seed=3 + np.arange(3), record_state=False)
        np.testing.assert_array_equal(band.path, direct.path)
    assert np.ptp(race.spread[2].path[-1], axis=0).max() == 0
    # Two links that race the same sizes race identically; another size is another race.
    spelt_out = decode(ENTRY_LINK.replace("sgd:lr=0.05;", "sgd:lr=0.05,batch=8;"))[0]
    assert exp.race_signature() == spelt_out.race_signature()
    assert exp.race_signature() != decode(ENTRY_LINK.replace("batch=1;", "batch=2;"))[0].race_signature()


@pytest.mark.parametrize("value", ["-1", "1025", "2.5", "many", ""])
def test_a_bad_entry_batch_size_falls_back_to_the_race_s(value):
    exp, warnings = decode(f"surface=linear_regression&opt=sgd:batch={value}&batch=4")
    assert exp.entries[0].batch is None and simulate(exp).batches == (4,)
    assert any("optimizer 1: batch must be a whole number from 0 to 1024" in w and "the race's" in w
               for w in warnings), warnings


def test_the_entry_batch_cap_is_the_most_points_a_data_surface_holds():
    from playground.model.caps import CAPS

    for key in ("linear_regression", "logistic_regression"):
        (n,) = [p for p in surfaces.spec(key).params if p.name == "n"]
        assert n.high == CAPS.points


def test_the_sidebar_sets_an_entry_s_own_batch_size():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    for k, v in {"surface": "linear_regression:n=32", "opt": "sgd:lr=0.01", "steps": "40"}.items():
        at.query_params[k] = v
    at.run()
    (control,) = [w for w in at.number_input if "-batch-" in w.key]
    assert control.value is None and control.max == 32
    control.set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["experiment"].entries[0].batch == 2
    link = {k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()}
    assert link["opt"].startswith("sgd:") and link["opt"].endswith("batch=2")
    # The list of entries names the size.
    assert any("batch 2" in str(o) for r in at.radio for o in r.options)


def test_an_entry_s_own_batch_size_names_it_in_the_legend():
    exp, _ = decode("surface=linear_regression&opt=sgd:batch=1;sgd:batch=0;sgd;adam:batch=1,label=Mine")
    assert exp.labels() == ["Gradient descent, batch 1", "Gradient descent, all points", "Gradient descent", "Mine"]
    # Off a data surface a batch size changes nothing, and the legend does not mention it.
    assert decode("surface=bowl&opt=sgd:batch=1;sgd")[0].labels() == ["Gradient descent", "Gradient descent (2)"]
