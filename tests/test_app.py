"""The Streamlit page, driven headless with ``streamlit.testing.v1.AppTest`` (no browser, no JavaScript).

Each check reads the page back: the Plotly spec Streamlit would send, the address bar
(``at.query_params``) and the warnings. The figure caches are process-wide, so later tests reuse
races computed by earlier ones.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground.figures import transport
from playground.model import defaults, lessons
from playground.model.experiment import VIEWS, Entry, Experiment, Schedule, default_experiment
from playground.model.link import decode, encode
from playground.model.simulate import simulate
from playground.page import keys

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


def edit(at, uid: int) -> None:
    """Open entry ``uid`` in the sidebar's editor (only one entry's widgets are drawn at a time)."""
    at.radio[0].set_value(uid).run()
    no_exception(at)


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(e.value for e in at.exception)


def chart(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1, f"expected one chart, found {len(charts)}"
    return json.loads(charts[0].proto.spec)


def player_data(at: AppTest) -> dict:
    """The data the race player was sent (race, side by side and 1-D views)."""
    found = [c for c in at.get("bidi_component") if c.proto.component_name == "race_player"]
    assert len(found) == 1, f"expected one race player, found {len(found)}"
    return transport.unpack(found[0].proto.bytes)


def runs(at: AppTest) -> list[dict]:
    return player_data(at)["runs"]


def f32(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(float)


def url(at: AppTest) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()}


def url_experiment(at: AppTest) -> Experiment:
    exp, warnings = decode(url(at))
    assert not warnings, f"the page wrote a URL it cannot read back: {warnings}"
    return exp


def assert_same_race(got: Experiment, want: Experiment) -> None:
    """Same race, whether a value is written out or left to its default (the page drops defaults)."""
    assert got.surface_key == want.surface_key and got.formula == want.formula
    assert got.build_surface().params == want.build_surface().params
    assert got.start_point() == want.start_point()
    for name in ("steps", "noise", "seed", "seeds", "view", "lesson", "present", "speed"):
        assert getattr(got, name) == getattr(want, name), name
    assert [e.optimizer for e in got.entries] == [e.optimizer for e in want.entries]
    assert [got.resolve(e).hyper for e in got.entries] == [want.resolve(e).hyper for e in want.entries]
    assert [e.schedule for e in got.entries] == [e.schedule for e in want.entries]
    assert got.labels() == want.labels() and got.colors() == want.colors()


def assert_chart_shows(at: AppTest, exp: Experiment) -> None:
    """The player is sent exactly the race of ``exp``: one run per entry, with its label and colour,
    and that entry's simulated position and loss at every step (float32 of the core's float64)."""
    data = player_data(at)
    got = data["runs"]
    assert len(got) == len(exp.entries)
    assert [r["label"] for r in got] == exp.labels()
    assert [r["color"] for r in got] == exp.colors()
    assert data["steps"] == exp.steps
    race = simulate(exp)
    dim = race.surface.dim
    for run, tr in zip(got, race.trajectories, strict=True):
        path = f32(run["path"]).reshape(-1, dim)
        assert len(path) == len(tr.path), "every step is sent, nothing decimated"
        np.testing.assert_allclose(path, tr.path[:, :dim], rtol=1e-6, atol=1e-30)
        np.testing.assert_allclose(f32(run["loss"]), tr.loss[: len(path)], rtol=1e-6, atol=1e-30)
        assert run["diverged_at"] == tr.diverged_at


# --- Default page and sidebar edits ---------------------------------------------------------------


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return new_app()


def test_default_page_renders_the_race(default_app):
    at = default_app
    no_exception(at)
    data = player_data(at)
    assert data["layout"] == "race" and data["image"].startswith("data:image/png;base64,")
    exp = default_experiment()
    assert len(data["runs"]) == len(exp.entries) == 4
    assert url_experiment(at) == exp
    assert_chart_shows(at, exp)
    assert not at.warning, [w.value for w in at.warning]
    assert any("Optimizer Playground" in t.value for t in at.title)


def test_add_remove_duplicate_and_edit_follow_into_chart_and_url(default_app):
    at = default_app
    n0 = len(runs(at))

    at.button(key=keys.ADD).click().run()
    no_exception(at)
    exp = url_experiment(at)
    assert len(exp.entries) == n0 + 1
    assert len(runs(at)) == n0 + 1
    assert_chart_shows(at, exp)

    removed = exp.entries[1]
    edit(at, 1)
    at.button(key=keys.entry(1, "rm")).click().run()
    no_exception(at)
    exp = url_experiment(at)
    assert len(exp.entries) == n0
    assert [e.optimizer for e in exp.entries].count(removed.optimizer) == 0
    assert len(runs(at)) == n0
    assert_chart_shows(at, exp)

    first = exp.entries[0]
    edit(at, 0)
    at.button(key=keys.entry(0, "dup")).click().run()
    no_exception(at)
    exp = url_experiment(at)
    assert len(exp.entries) == n0 + 1
    assert exp.entries[1].optimizer == first.optimizer
    assert len(runs(at)) == n0 + 1
    assert_chart_shows(at, exp)

    # Change Adam's learning rate through its exact-value box (uid 3: the default race's fourth entry).
    adam = next(i for i, e in enumerate(exp.entries) if e.optimizer == "adam")
    edit(at, 3)
    before = runs(at)
    at.number_input(key=keys.hyper(3, "adam", "rosenbrock", "lr") + keys.LOG_EXACT).set_value(0.02).run()
    no_exception(at)
    exp = url_experiment(at)
    assert exp.entries[adam].hyper_dict.get("lr") == 0.02
    assert "adam:lr=0.02" in url(at)["opt"]
    after = runs(at)
    assert f32(after[adam]["path"])[-2:].tolist() != f32(before[adam]["path"])[-2:].tolist(), \
        "Adam's head should end somewhere else"
    others = [i for i in range(len(after)) if i != adam]
    assert [after[i]["path"] for i in others] == [before[i]["path"] for i in others]
    # The log slider followed the exact value.
    assert at.select_slider(key=keys.hyper(3, "adam", "rosenbrock", "lr") + keys.LOG_SLIDER).value == 0.02
    assert_chart_shows(at, exp)


def test_only_the_entry_being_edited_has_widgets():
    at = new_app()
    assert at.number_input(key=keys.hyper(0, "sgd", "rosenbrock", "lr") + keys.LOG_EXACT)
    assert not [w for w in at.number_input if w.key.startswith(keys.entry(3, ""))]
    edit(at, 3)
    assert at.number_input(key=keys.hyper(3, "adam", "rosenbrock", "lr") + keys.LOG_EXACT)
    assert not [w for w in at.number_input if w.key.startswith(keys.entry(0, ""))]
    # Adding an entry opens it for editing.
    at.button(key=keys.ADD).click().run()
    assert at.selectbox(key=keys.entry(4, "opt")).value == url_experiment(at).entries[-1].optimizer


def test_switching_to_slope_gives_the_1d_figure():
    at = new_app()
    at.selectbox(key=keys.surface(0)).set_value("slope").run()
    no_exception(at)
    assert url(at)["surface"] == "slope"
    data = player_data(at)
    assert data["layout"] == "oned" and data["dim"] == 1 and "curve" in data
    assert not data.get("image")
    exp = url_experiment(at)
    assert exp.surface_key == "slope" and len(data["runs"]) == len(exp.entries)
    assert_chart_shows(at, exp)


# --- Links ----------------------------------------------------------------------------------------


def test_a_link_reproduces_its_experiment():
    exp = Experiment(surface_key="bowl", surface_params=(("angle", 30.0), ("b", 10.0)),
                     entries=(Entry("adam", (("beta1", 0.8), ("lr", 0.07)), label="Fast Adam", color="#aa3377"),
                              Entry("nesterov", (("lr", 0.02),), schedule=Schedule("cosine", warmup=20))),
                     start=(-2.0, 1.5), steps=140, view="race")
    at = new_app(**encode(exp))
    no_exception(at)
    assert not at.warning
    assert url_experiment(at) == exp
    assert url(at) == encode(exp)
    assert at.slider(key=keys.steps(0)).value == 140
    assert at.slider(key=keys.surface_param(0, "bowl", "angle")).value == 30.0
    assert at.number_input(key=keys.start(0, 0, "bowl")).value == -2.0
    assert at.text_input(key=keys.entry(0, "label")).value == "Fast Adam"
    assert at.number_input(key=keys.hyper(0, "adam", "bowl", "lr") + keys.LOG_EXACT).value == 0.07
    edit(at, 1)
    assert at.selectbox(key=keys.schedule(1, "nesterov", "sched")).value == "cosine"
    assert runs(at)[0]["label"] == "Fast Adam"
    assert runs(at)[0]["color"] == "#aa3377"
    assert_chart_shows(at, exp)


def test_a_mangled_link_keeps_the_valid_parts_and_says_what_it_ignored():
    opt = ";".join(["bogus", "adam:lr=-1", "sgd:lr=0.01,label=<script>alert(1)</script>", *["momentum"] * 50])
    at = new_app(surface="bowl:b=10", opt=opt, steps="99999", start="nan,1", frobnicate="1", view="nope")
    no_exception(at)
    assert at.warning, "a mangled link must be reported"
    text = "\n".join(w.value for w in at.warning)
    for named in ("frobnicate", "bogus", "lr", "label", "99999", "start", "optimizers requested", "nope"):
        assert named in text, f"warning does not mention {named!r}:\n{text}"
    exp = url_experiment(at)
    assert exp.surface_key == "bowl" and dict(exp.surface_params) == {"b": 10.0}
    assert exp.steps == Experiment().steps  # out of range: the link format's default, as the warning says
    assert f"using {Experiment().steps}" in text
    assert exp.start == ()
    assert len(exp.entries) == 7  # 8 kept, 'bogus' dropped
    # The bad lr fell back to what a link without it means: table 1's rate (see playground.model.link).
    assert exp.entries[0] == decode("surface=bowl:b=10&opt=adam")[0].entries[0]
    assert exp.resolve(exp.entries[0]).hyper["lr"] == defaults.LR_TABLES[1]["bowl"]["adam"]
    assert exp.entries[1].optimizer == "sgd" and exp.entries[1].hyper_dict == {"lr": 0.01}
    assert "<" not in exp.entries[1].label and "script" in exp.entries[1].label
    assert len(runs(at)) == 7
    assert all("<" not in r["label"] for r in runs(at))
    # The warning can be dismissed.
    at.button(key=keys.DISMISS_WARNINGS).click().run()
    no_exception(at)
    assert not at.warning


# --- Views, presentation, lessons -----------------------------------------------------------------


@pytest.fixture(scope="module")
def views_app() -> AppTest:
    # A noisy race with a spread over seeds, where gradient descent diverges (lr 0.1 > 2/25): every
    # view must cope with a run that stops early and with seeds that blow up.
    return new_app(surface="bowl", opt="adam;sgd:lr=0.1", steps="200", noise="1", seeds="4")


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders(views_app, view):
    at = views_app
    at.segmented_control(key=keys.view(0)).set_value(view).run()
    no_exception(at)
    assert url(at).get("view", "race") == view
    n = 2
    k = simulate(url_experiment(at)).trajectories[1].diverged_at
    assert k is not None
    assert any(f"diverged at step {k}" in w.value for w in at.warning)
    if view == "race":
        assert len(runs(at)) == n
        assert runs(at)[1]["diverged_at"] == k
    elif view == "side":
        data = player_data(at)
        assert data["layout"] == "side" and len(data["runs"]) == n and data["image"]
    elif view == "3d":
        spec = chart(at)
        assert any(t["type"] == "surface" for t in spec["data"])
        assert sum(t["type"] == "scatter3d" and t.get("mode") == "lines" for t in spec["data"]) == n
    elif view == "curves":
        spec = chart(at)
        assert not spec.get("frames")
        assert sum(bool(t.get("showlegend")) for t in spec["data"]) == n
        assert sum(t.get("fill") == "toself" for t in spec["data"]) == n, "one seed band per run"
    elif view == "table":
        assert len(at.table) == 1 and len(at.table[0].value) == n
    elif view == "equations":
        assert len(at.latex) >= 2 * n


def test_presentation_mode_from_the_link():
    at = new_app(opt="adam;rmsprop", steps="100", present="1")
    no_exception(at)
    assert not at.title, "presentation mode hides the page title"
    assert at.toggle(key=keys.present(0)).value is True
    assert url(at).get("present") == "1"
    assert player_data(at)["present"] is True
    assert_chart_shows(at, url_experiment(at))
    at.toggle(key=keys.present(0)).set_value(False).run()
    no_exception(at)
    assert "present" not in url(at)
    assert at.title
    assert player_data(at)["present"] is False


def test_choosing_a_lesson_loads_its_experiment():
    at = new_app()
    lesson = lessons.find("oblong-bowl")
    assert lesson is not None
    at.selectbox(key=keys.lesson(0)).set_value(lesson.key).run()
    no_exception(at)
    exp = url_experiment(at)
    assert url(at)["lesson"] == lesson.key
    want = lesson.experiment
    assert exp.surface_key == want.surface_key == "bowl"
    assert len(exp.entries) == len(want.entries) >= 2
    assert_same_race(exp, want)
    assert any(lesson.title in m.value for m in at.markdown)
    if want.view == "race":
        assert_chart_shows(at, exp)
    # Widgets were rebuilt from the lesson (a new generation of keys).
    assert at.selectbox(key=keys.surface(1)).value == want.surface_key


def test_removing_every_optimizer_and_adding_one_back():
    at = new_app(surface="himmelblau", opt="lion", steps="60")
    no_exception(at)
    at.button(key=keys.entry(0, "rm")).click().run()
    no_exception(at)
    assert not at.get("plotly_chart")
    assert any("Add an optimizer" in i.value for i in at.info)
    assert url_experiment(at).entries == ()
    at.button(key=keys.ADD).click().run()
    no_exception(at)
    exp = url_experiment(at)
    assert len(exp.entries) == 1 and exp.surface_key == "himmelblau" and exp.steps == 60
    assert_chart_shows(at, exp)
