"""What each button, widget and click does to the race, without Streamlit: ``actions.apply``."""

from __future__ import annotations

from dataclasses import replace

import pytest

import optimizers
from playground.model import actions, defaults, lessons
from playground.model.caps import CAPS
from playground.model.experiment import Entry, Experiment, Schedule, default_experiment


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


def test_actions_that_renumber_the_entries_go_last_in_a_run():
    """Actions of one run name entries as that run drew them: an edit of entry 2 recorded with the
    removal of entry 1 still edits the entry that was at place 2."""
    exp = race("sgd", "momentum", "adam")
    recorded = [actions.Remove(1), actions.SetLabel(2, "mine"), actions.Add(), actions.SetRun("steps", 50)]
    assert actions.ordered(recorded) == [recorded[1], recorded[3], recorded[0], recorded[2]]
    after = exp
    for action in actions.ordered(recorded):
        after = actions.apply(after, action)
    assert [(e.optimizer, e.label) for e in after.entries][:2] == [("sgd", ""), ("adam", "mine")]
    assert len(after.entries) == 3 and after.steps == 50


def test_a_new_optimizer_drops_the_old_rule_s_settings_and_keeps_label_colour_and_batch():
    entry = Entry("adam", (("beta1", 0.8), ("lr", 0.02)), "Mine", "#ff0000", Schedule("cosine"), 8)
    exp = Experiment(entries=(Entry("sgd"), entry))
    after = actions.apply(exp, actions.SetOptimizer(1, "lion"))
    assert after.entries[1] == Entry("lion", (), "Mine", "#ff0000", Schedule(), 8)
    assert after.entries[0] == Entry("sgd")
    assert actions.apply(exp, actions.SetOptimizer(1, "adam")) is exp
    assert actions.apply(exp, actions.SetOptimizer(1, "nonsense")) is exp
    assert actions.apply(exp, actions.SetOptimizer(2, "lion")) is exp


def test_a_label_is_cleaned_and_the_palette_s_colour_for_its_place_is_kept_as_none():
    exp = race("sgd", "adam")
    assert actions.apply(exp, actions.SetLabel(1, "  <b>fast</b> ")).entries[1].label == "bfast/b"
    assert actions.apply(exp, actions.SetLabel(1, "x" * 60)).entries[1].label == "x" * 40
    red = actions.apply(exp, actions.SetColor(1, "#FF0000"))
    assert red.entries[1].color == "#ff0000"
    # Entry 1's own colour is the palette's second: picking it keeps none, so the link leaves it out.
    second = defaults.PALETTE[1]
    assert actions.apply(red, actions.SetColor(1, second.upper())).entries[1].color == ""
    assert actions.apply(red, actions.SetColor(0, second)).entries[0].color == second.lower()


def test_a_schedule_sets_one_part_at_a_time_for_the_optimizer_it_was_drawn_for():
    exp = race("sgd", "adam")
    step = actions.apply(exp, actions.SetSchedule(1, "adam", "kind", "step"))
    assert step.entries[1].schedule == Schedule("step")
    every = actions.apply(step, actions.SetSchedule(1, "adam", "every", 25.0))
    warm = actions.apply(every, actions.SetSchedule(1, "adam", "warmup", 10.0))
    gamma = actions.apply(warm, actions.SetSchedule(1, "adam", "gamma", 0.25))
    assert gamma.entries[1].schedule == Schedule("step", warmup=10, gamma=0.25, every=25)
    assert gamma.entries[0] == Entry("sgd")
    for refused in (actions.SetSchedule(1, "sgd", "kind", "step"), actions.SetSchedule(1, "adam", "kind", "zigzag"),
                    actions.SetSchedule(1, "adam", "slope", 2.0), actions.SetSchedule(4, "adam", "warmup", 3)):
        assert actions.apply(exp, refused) == exp, refused


def test_an_entry_s_own_batch_size_and_the_race_s():
    exp = race("sgd", "sgd", surface_key="linear_regression")
    own = actions.apply(exp, actions.SetBatch(1, 8))
    assert [e.batch for e in own.entries] == [None, 8]
    assert actions.apply(own, actions.SetBatch(1, None)).entries[1].batch is None
    assert actions.apply(own, actions.SetBatch(1, 0)).entries[1].batch == 0
    assert actions.apply(exp, actions.SetRun("batch", 16)).batch_size == 16


def test_run_settings_seeds_and_speed():
    exp = race("sgd")
    assert actions.apply(exp, actions.SetRun("seeds", 5.0)).seeds == 5
    assert actions.apply(exp, actions.SetRun("speed", 2.0)).speed == 2.0
    assert actions.apply(exp, actions.SetRun("speed", 3.0)) == exp  # not a speed the page offers


def test_another_surface_starts_from_its_own_parameters_window_and_start():
    exp = race("sgd", surface_key="bowl", surface_params=(("b", 10.0),), bounds=((-2.0, 2.0), (-1.0, 1.0)),
               start=(1.0, 0.5))
    after = actions.apply(exp, actions.SetSurface("himmelblau"))
    assert (after.surface_key, after.surface_params, after.bounds, after.start) == ("himmelblau", (), (), ())
    assert after.entries == exp.entries
    assert actions.apply(exp, actions.SetSurface("bowl")) is exp
    assert actions.apply(exp, actions.SetSurface("nonsense")) is exp


def test_a_surface_without_data_points_has_no_batch_size_and_one_with_them_caps_it():
    data = race("sgd", surface_key="linear_regression", batch_size=500)
    capped = actions.apply(actions.apply(data, actions.SetSurface("logistic_regression")), actions.SetRun("steps", 9))
    assert capped.batch_size == 64  # the logistic problem's 64 points
    assert actions.apply(data, actions.SetSurface("bowl")).batch_size == 0


def test_the_custom_surface_opens_on_its_formula_in_its_window():
    after = actions.apply(race("sgd", start=(1.0, 1.0)), actions.SetSurface("custom"))
    assert after.surface_key == "custom" and after.start == ()
    assert after.formula == "0.5*x**2 + 3*sin(y)**2" and after.bounds == ((-4.0, 4.0), (-4.0, 4.0))


def test_a_surface_parameter_equal_to_its_default_is_not_kept():
    exp = race("sgd", surface_key="bowl")
    b = actions.apply(exp, actions.SetSurfaceParam("bowl", "b", 10.0))
    assert b.surface_params == (("b", 10.0),)
    angle = actions.apply(b, actions.SetSurfaceParam("bowl", "angle", 30.0))
    assert angle.surface_params == (("angle", 30.0), ("b", 10.0))
    assert actions.apply(angle, actions.SetSurfaceParam("bowl", "b", 25.0)).surface_params == (("angle", 30.0),)
    # Drawn for another surface, or no such parameter: nothing changes.
    assert actions.apply(exp, actions.SetSurfaceParam("rosenbrock", "b", 10.0)) is exp
    assert actions.apply(exp, actions.SetSurfaceParam("bowl", "nonsense", 1.0)) is exp


def test_a_formula_that_cannot_be_used_keeps_the_last_one_that_could():
    exp = actions.apply(race("sgd"), actions.SetSurface("custom"))
    moved = replace(exp, start=(1.0, 1.0))
    typed = actions.apply(moved, actions.SetFormula("x**2 + 2*y**2"))
    assert typed.formula == "x**2 + 2*y**2" and typed.start == ()
    assert actions.apply(typed, actions.SetFormula("x**2 +")) is typed
    assert actions.apply(typed, actions.SetFormula("__import__('os')")) is typed
    assert actions.apply(race("sgd"), actions.SetFormula("x**2")) == race("sgd")  # not on the custom surface


def test_the_window_moves_one_end_at_a_time_and_keeps_the_start():
    exp = replace(actions.apply(race("sgd"), actions.SetSurface("custom")), start=(1.0, 1.0))
    wide = actions.apply(exp, actions.SetWindow(1, 6.0))
    assert wide.bounds == ((-4.0, 6.0), (-4.0, 6.0)) and wide.start == (1.0, 1.0)
    assert actions.apply(wide, actions.SetWindow(0, 7.0)) is wide  # low past high: refused
    # A link's formula without a window means [-3, 3]².
    bare = Experiment(surface_key="custom", formula="x**2 + y**2", entries=(Entry("sgd"),))
    assert actions.apply(bare, actions.SetWindow(0, -5.0)).bounds == ((-5.0, 3.0), (-5.0, 3.0))


def test_presentation_mode_and_the_view():
    exp = race("sgd")
    assert actions.apply(exp, actions.SetPresent(True)).present is True
    assert actions.apply(exp, actions.SetView("curves")).view == "curves"
    assert actions.apply(exp, actions.SetView(None)) is exp  # a picker with nothing selected
    assert actions.apply(exp, actions.SetView("nonsense")) is exp
