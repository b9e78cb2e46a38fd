"""What each button and click does to the race, without Streamlit: ``actions.apply``."""

from __future__ import annotations

from dataclasses import replace

import pytest

import optimizers
from playground.model import actions, defaults, lessons
from playground.model.caps import CAPS
from playground.model.experiment import Entry, Experiment, default_experiment


def race(*optimizer_keys: str, **fields) -> Experiment:
    return Experiment(entries=tuple(Entry(k) for k in optimizer_keys), **fields)


def test_add_appends_the_suggested_optimizer_and_leaves_the_others():
    exp = race("adam", "sgd")
    after = actions.apply(exp, actions.Add())
    assert after.entries[:2] == exp.entries
    assert after.entries[2] == Entry(optimizers.suggestion(["adam", "sgd"]))
    assert after.entries[2].optimizer not in ("adam", "sgd")


def test_add_stops_at_the_cap():
    full = race(*["adam"] * CAPS.entries)
    assert actions.apply(full, actions.Add()) is full


def test_remove_takes_out_exactly_that_entry():
    exp = race("adam", "sgd", "momentum")
    assert [e.optimizer for e in actions.apply(exp, actions.Remove(1)).entries] == ["adam", "momentum"]
    assert actions.apply(exp, actions.Remove(3)) is exp
    assert actions.apply(exp, actions.Remove(-1)) is exp


def test_duplicate_copies_settings_but_not_the_colour_and_marks_a_custom_label():
    entry = Entry("adam", (("lr", 0.02),), "Fast", "#ff0000")
    exp = Experiment(entries=(entry, Entry("sgd")))
    after = actions.apply(exp, actions.Duplicate(0))
    assert after.entries[0] == entry and after.entries[2] == Entry("sgd")
    assert after.entries[1] == replace(entry, label="Fast copy", color="")
    unlabelled = actions.apply(race("sgd"), actions.Duplicate(0))
    assert unlabelled.entries[1].label == ""
    assert actions.apply(race(*["sgd"] * CAPS.entries), actions.Duplicate(0)).entries == (Entry("sgd"),) * CAPS.entries


def test_loading_a_lesson_takes_its_race_but_keeps_presentation_mode():
    lesson = lessons.LESSONS[4]
    after = actions.apply(race("adam", present=True), actions.LoadLesson(lesson.key))
    assert after == replace(lesson.experiment, present=True)
    assert actions.starts_afresh(actions.LoadLesson(lesson.key))


def test_no_lesson_keeps_the_race_and_drops_the_text_and_an_unknown_lesson_changes_nothing():
    exp = lessons.LESSONS[0].experiment
    cleared = actions.apply(exp, actions.LoadLesson(""))
    assert cleared == replace(exp, lesson="")
    assert not actions.starts_afresh(actions.LoadLesson(""))
    assert actions.apply(exp, actions.LoadLesson("nope")) is exp


def test_reset_gives_the_default_race_in_the_same_mode():
    exp = race("sgd", surface_key="bowl", steps=77, present=True)
    assert actions.apply(exp, actions.Reset()) == replace(default_experiment(), present=True)


def test_a_click_sets_the_start_rounded_to_the_window():
    exp = default_experiment()
    lo, hi = exp.build_surface().bounds[0]
    after = actions.apply(exp, actions.SetStart((0.123456789, -0.98765432)))
    assert after.entries == exp.entries
    # Three significant digits of the window's span: a span between 1 and 10 resolves 0.01.
    assert 1 <= hi - lo < 10
    assert after.start == (0.12, -0.99)


def test_a_click_off_the_map_or_of_the_wrong_size_changes_nothing():
    exp = default_experiment()
    assert actions.apply(exp, actions.SetStart((1.0,))) is exp
    assert actions.apply(exp, actions.SetStart(("a", "b"))) is exp


def test_a_sweep_cell_adds_its_setting_to_the_race_and_shows_the_race():
    exp = race("adam", "sgd", view="sweep")
    after = actions.apply(exp, actions.AddSweepCell.of(0, {"lr": 0.0123, "beta1": 0.8}))
    assert after.view == "race" and after.entries[:2] == exp.entries
    added = after.entries[2]
    assert added.optimizer == "adam" and added.hyper_dict == {"beta1": 0.8, "lr": 0.0123}
    assert added.label == "Adam (beta1 0.8, lr 0.0123)"
    assert actions.apply(exp, actions.AddSweepCell.of(5, {"lr": 0.1})) is exp


def test_anything_else_is_refused():
    with pytest.raises(TypeError, match="not an action"):
        actions.apply(default_experiment(), "add")  # type: ignore[arg-type]


def test_set_hyper_keeps_a_value_of_its_own_and_drops_one_equal_to_the_default():
    exp = race("sgd", "adam")
    lr = defaults.default_lr("adam", exp.surface_key)
    after = actions.apply(exp, actions.SetHyper(1, "adam", "lr", lr * 3))
    assert after.entries[1].hyper_dict == {"lr": lr * 3}
    assert after.entries[0] == exp.entries[0]
    back = actions.apply(after, actions.SetHyper(1, "adam", "lr", lr))
    assert back.entries[1].hyper_dict == {}
    flag = actions.apply(exp, actions.SetHyper(1, "adam", "amsgrad", True))
    assert flag.entries[1].hyper_dict == {"amsgrad": True}
    beta = actions.apply(flag, actions.SetHyper(1, "adam", "beta1", 0.8))
    assert beta.entries[1].hyper_dict == {"amsgrad": True, "beta1": 0.8}


@pytest.mark.parametrize("action", [
    actions.SetHyper(5, "adam", "lr", 0.1),  # no such entry
    actions.SetHyper(0, "adam", "lr", 0.1),  # entry 0 runs another optimizer now
    actions.SetHyper(1, "adam", "nonsense", 0.1),
    actions.SetRun("colour", 1.0),
    actions.SetRun("start", 1.0, axis=2),  # a 2-D surface has no third coordinate
])
def test_an_edit_that_cannot_apply_leaves_the_race(action):
    exp = race("sgd", "adam")
    assert actions.apply(exp, action) == exp


def test_set_run_sets_steps_noise_seed_and_one_start_coordinate():
    exp = race("sgd")
    assert actions.apply(exp, actions.SetRun("steps", 250.0)).steps == 250
    assert actions.apply(exp, actions.SetRun("noise", 0.25)).noise == 0.25
    assert actions.apply(exp, actions.SetRun("seed", 9)).seed == 9
    own = exp.start_point()
    moved = actions.apply(exp, actions.SetRun("start", own[0] + 1, axis=0))
    assert moved.start == (own[0] + 1, own[1])
    # Typed back to the surface's own start: no start of its own, as the sidebar reads it back.
    assert actions.apply(moved, actions.SetRun("start", own[0], axis=0)).start == ()


def test_only_value_edits_count_as_edits():
    assert actions.is_edit(actions.SetHyper(0, "sgd", "lr", 0.1)) and actions.is_edit(actions.SetRun("steps", 3))
    assert not any(actions.is_edit(a) for a in (actions.Add(), actions.Reset(), actions.SetStart((0.0, 0.0))))
