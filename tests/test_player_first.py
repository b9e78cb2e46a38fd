"""A run with a recorded action draws the race player before the sidebar.

Every widget's callback and every button records an action (:mod:`playground.model.actions`); the
next run applies them, knows its race at once, and sends the player ahead of the sidebar and the
header. These checks drive the page headless (AppTest) and spy on the page's own functions: which
runs drew the player first, how many times the sidebar ran (a second time would mean the page had
to draw itself again), and that the player sent is the race the page ends on (and the link names),
in the place it always has.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT, edit, f32, no_exception, player_data, url_experiment

from playground.model import actions, defaults
from playground.model.link import encode
from playground.model.simulate import simulate
from playground.page import keys, sidebar, views


@pytest.fixture
def spy(monkeypatch):
    """Counts the sidebar's runs and records whether each run drew the player first."""
    seen = {"sidebar": 0, "first": []}
    draw_first, run_sidebar = views.draw_first, sidebar.sidebar

    def first(exp, at):
        out = draw_first(exp, at)
        seen["first"].append(out.drawn)
        return out

    def side(exp):
        seen["sidebar"] += 1
        return run_sidebar(exp)

    monkeypatch.setattr(views, "draw_first", first)
    monkeypatch.setattr(sidebar, "sidebar", side)
    return seen


@pytest.fixture
def sent(monkeypatch):
    """The elements each run sends, in order, as (root, kind): root 0 is the main column, 1 the sidebar."""
    out = []
    enqueue = ScriptRunContext.enqueue

    def spy(self, msg):
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            out.append((msg.metadata.delta_path[0], msg.delta.new_element.WhichOneof("type")))
        return enqueue(self, msg)

    monkeypatch.setattr(ScriptRunContext, "enqueue", spy)
    return out


def player_before_sidebar(sent: list) -> bool:
    player = next(i for i, (_, kind) in enumerate(sent) if kind == "bidi_component")
    sidebar = next(i for i, (root, _) in enumerate(sent) if root == 1)
    return player < sidebar


def started() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    no_exception(at)
    return at


def drawn_first(spy, change, what: str = "the change") -> None:
    """Make ``change`` (a widget move; its ``.run()`` reruns the page) and check that the run drew
    the player first and ran the sidebar once (it did not have to draw the page again)."""
    spy["first"].clear()
    spy["sidebar"] = 0
    at = change.run()
    no_exception(at)
    assert spy["first"] == [True], f"{what}: the player was not drawn first"
    assert spy["sidebar"] == 1, f"{what}: the page had to draw itself again"


def players(at: AppTest) -> list:
    return [c for c in at.get("bidi_component") if c.proto.component_name == "race_player"]


def place(at: AppTest) -> tuple:
    """The player's address in the main column (the keys of the blocks down to it): it must stay
    the same whichever order a run draws things in, or the browser would remount the player."""
    target = players(at)[0]

    def find(node, path):
        if node is target:
            return path
        for k, child in getattr(node, "children", {}).items():
            found = find(child, (*path, k))
            if found is not None:
                return found
        return None

    return find(at.main, ())


def drawn_race_is_read_back(at: AppTest) -> None:
    """The player holds exactly the race of the experiment the page ends on (and the link names)."""
    exp = url_experiment(at)
    assert at.session_state.experiment == exp
    sent = player_data(at)
    fresh = simulate(exp)
    assert [r["label"] for r in sent["runs"]] == fresh.labels
    for run, tr in zip(sent["runs"], fresh.trajectories, strict=True):
        want = np.asarray(tr.path, dtype=np.float64)[:, : fresh.surface.dim]
        assert np.array_equal(f32(run["path"]), want.astype("<f4").ravel(), equal_nan=True)
    assert len(players(at)) == 1


def test_a_typed_learning_rate_draws_the_player_first(spy, sent):
    at = started()
    assert not player_before_sidebar(sent), "a first visit draws the sidebar first"
    before_place = place(at)
    sent.clear()
    drawn_first(spy, at.number_input(key=keys.hyper(0, "sgd", "rosenbrock", "lr") + keys.LOG_EXACT).set_value(0.0013))
    assert player_before_sidebar(sent), "the player's data should go out before any of the sidebar"
    assert url_experiment(at).entries[0].hyper_dict["lr"] == 0.0013
    assert place(at) == before_place
    drawn_race_is_read_back(at)


def test_each_kind_of_hyperparameter_widget_draws_first(spy):
    at = started()
    cases = [
        # (entry to open, how to move its widget, what the entry then holds)
        (0, lambda: at.select_slider(key=keys.hyper(0, "sgd", "rosenbrock", "lr") + keys.LOG_SLIDER)
         .set_value(0.002), ("lr", 0.002)),
        (1, lambda: at.slider(key=keys.hyper(1, "momentum", "rosenbrock", "momentum")).set_value(0.5),
         ("momentum", 0.5)),
        (3, lambda: at.toggle(key=keys.hyper(3, "adam", "rosenbrock", "amsgrad")).set_value(True),
         ("amsgrad", True)),
    ]
    for uid, move, (name, value) in cases:
        edit(at, uid)
        drawn_first(spy, move(), name)
        assert url_experiment(at).entries[uid].hyper_dict[name] == value
        drawn_race_is_read_back(at)


def test_a_value_moved_back_to_the_default_leaves_no_override(spy):
    at = started()
    box = keys.hyper(0, "sgd", "rosenbrock", "lr") + keys.LOG_EXACT
    default = defaults.default_lr("sgd", "rosenbrock")
    at.number_input(key=box).set_value(default * 2).run()
    drawn_first(spy, at.number_input(key=box).set_value(default))
    assert "lr" not in url_experiment(at).entries[0].hyper_dict
    assert "sgd:lr" not in encode(url_experiment(at))["opt"]


def test_run_settings_draw_the_player_first(spy):
    at = started()
    cases = [
        (lambda: at.number_input(key=keys.start(0, 0, "rosenbrock")).set_value(-1.1), lambda e: e.start[0] == -1.1),
        (lambda: at.number_input(key=keys.start(1, 0, "rosenbrock")).set_value(1.9), lambda e: e.start == (-1.1, 1.9)),
        (lambda: at.slider(key=keys.steps(0)).set_value(300), lambda e: e.steps == 300),
        (lambda: at.number_input(key=keys.noise(0)).set_value(0.3), lambda e: e.noise == 0.3),
        (lambda: at.number_input(key=keys.seed(0)).set_value(7), lambda e: e.seed == 7),
    ]
    for n, (move, holds) in enumerate(cases):
        drawn_first(spy, move(), f"case {n}")
        assert holds(url_experiment(at)), f"case {n}: {url_experiment(at)}"
        drawn_race_is_read_back(at)


def test_a_start_typed_back_to_the_surfaces_own_keeps_none(spy):
    at = started()
    box = keys.start(0, 0, "rosenbrock")
    own = at.number_input(key=box).value
    at.number_input(key=box).set_value(own + 0.5).run()
    drawn_first(spy, at.number_input(key=box).set_value(own))
    assert url_experiment(at).start == ()


def test_structural_changes_draw_the_player_first(spy, sent):
    """Add optimizer, Remove, a lesson, another surface, its parameters, presentation mode: each is
    an action, so the race is known before the sidebar and the player goes out first."""
    at = started()
    lesson = "oblong-bowl"
    cases = [
        ("add", lambda: at.button(key=keys.ADD).click(), lambda e: len(e.entries) == 5),
        ("remove", lambda: at.button(key=keys.entry(4, "rm")).click(), lambda e: len(e.entries) == 4),
        ("surface parameter", lambda: at.slider(key=keys.surface_param(0, "rosenbrock", "b")).set_value(50.0),
         lambda e: dict(e.surface_params) == {"b": 50.0}),
        ("surface", lambda: at.selectbox(key=keys.surface(0)).set_value("himmelblau"),
         lambda e: e.surface_key == "himmelblau" and e.surface_params == ()),
        ("lesson", lambda: at.selectbox(key=keys.lesson(0)).set_value(lesson), lambda e: e.lesson == lesson),
        ("presentation", lambda: at.toggle(key=keys.present(1)).set_value(True), lambda e: e.present),
    ]
    for what, move, holds in cases:
        sent.clear()
        drawn_first(spy, move(), what)
        assert player_before_sidebar(sent), what
        assert holds(url_experiment(at)), f"{what}: {url_experiment(at)}"
        drawn_race_is_read_back(at)


def test_a_view_switch_draws_the_player_first_only_for_the_player_s_views(spy):
    at = started()
    drawn_first(spy, at.segmented_control(key=keys.view(0)).set_value("side"), "side by side")
    assert url_experiment(at).view == "side"
    spy["first"].clear()
    at.segmented_control(key=keys.view(0)).set_value("table").run()
    no_exception(at)
    assert spy["first"] == [False], "a table is not the player's view: nothing to draw first"
    assert url_experiment(at).view == "table" and len(at.table) == 1


def test_the_sidebar_never_changes_the_experiment(spy):
    """The recorded action is the only way in: the sidebar draws from the experiment and reads no
    widget back, so the page runs once and ends on the race the action made."""
    at = started()
    # An edit recorded with a value no widget holds: with a second route the sidebar would read the
    # widget's own value back and the page would have to draw itself again.
    at.session_state["recorded"] = [actions.SetHyper(0, "sgd", "lr", 0.0042)]
    drawn_first(spy, at, "a recorded edit")
    assert url_experiment(at).entries[0].hyper_dict["lr"] == 0.0042
    drawn_race_is_read_back(at)
    spy["first"].clear()
    at.run()  # nothing recorded: the sidebar's widgets (the box still says the old rate) change nothing
    no_exception(at)
    assert spy["first"] == []
    assert url_experiment(at).entries[0].hyper_dict["lr"] == 0.0042
