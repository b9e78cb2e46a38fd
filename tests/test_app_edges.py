"""What a new user hits first, driven through the page with AppTest: custom formulas keep their own
backdrop, a bad formula keeps the last good surface, mangled links fall back to the default race's
values, and the small display rules (code-formatted formulas, swatches, flags in words)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import surfaces
from playground import figures
from playground.figures import transport
from playground.model.link import decode
from playground.page import keys
from tests.test_app import new_app, no_exception


def player(at: AppTest) -> dict:
    """The data the race player was sent (what it draws)."""
    found = at.get("bidi_component")
    assert len(found) == 1, f"expected one race player, found {len(found)}"
    return transport.unpack(found[0].proto.bytes)


#: Backdrops by id, as the page's player keeps them: a page is sent a surface's picture once.
SEEN: dict[str, str] = {}


def background(at: AppTest) -> str:
    """The picture the player draws: sent now, or named by the id of one this page was sent."""
    data = player(at)
    assert data.get("backdrop"), "the player has no shaded backdrop"
    if data.get("image"):
        SEEN[data["backdrop"]] = data["image"]
    else:
        assert data["backdrop"] in at.session_state["backdrops_sent"], "a backdrop this page was never sent"
    return SEEN[data["backdrop"]]


def test_a_page_is_sent_a_surface_s_backdrop_once():
    at = new_app(surface="bowl", opt="adam:lr=0.05")
    first = player(at)
    assert first["image"] and first["iso"] and first["backdrop"]
    at.slider(key=keys.steps(0)).set_value(120).run()
    again = player(at)
    assert again["backdrop"] == first["backdrop"] and again["image"] is None and again["iso"] is None
    assert again["id"] != first["id"], "a new race"
    at.selectbox(key=keys.surface(0)).set_value("himmelblau").run()
    other = player(at)
    assert other["image"] and other["backdrop"] != first["backdrop"]


FORMULAS = [
    "0.5*x**2 + 3*sin(y)**2",
    "x**2 + 10*y**2",
    "  (x - 1)**2   +   2 * (y + 0.5)**2 ",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_custom_formula_is_drawn_over_its_own_backdrop(formula):
    at = new_app(surface="custom", formula=formula, opt="adam:lr=0.05")
    no_exception(at)
    got = background(at)
    s = surfaces.from_formula(formula, bounds=[[-3, 3], [-3, 3]])
    theme = figures.Theme(dark=False, present=False)
    want = figures.backdrop(s, theme).image["source"]
    rosen = figures.backdrop(surfaces.get("rosenbrock"), theme).image["source"]
    assert got != rosen, "the formula is drawn over Rosenbrock's backdrop"
    assert got == want


def test_formula_typed_in_the_sidebar_with_escapes_keeps_its_backdrop():
    """A formula typed with '+', a '%'-escape look-alike label and spaces: the backdrop is the formula's."""
    at = new_app(surface="custom", formula="x**2 + y**2", opt="adam:lr=0.05,label=a%2B b%25 c")
    no_exception(at)
    text = "x**2 +  4*(y - 1)**2"
    at.text_input(key=keys.formula(0)).set_value(text).run()
    no_exception(at)
    s = surfaces.from_formula(text, bounds=[[-3, 3], [-3, 3]])
    want = figures.backdrop(s, figures.Theme(dark=False, present=False)).image["source"]
    assert background(at) == want
    exp, warnings = decode({k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()})
    assert not warnings and exp.formula == text
    assert exp.entries[0].label == "a+ b% c"


def url_experiment(at: AppTest):
    exp, warnings = decode({k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()})
    assert not warnings, warnings
    return exp


def main_errors(at: AppTest) -> list[str]:
    return [e.value for e in at.main.error]


def test_a_bad_formula_keeps_the_last_valid_surface_and_says_so_beside_the_chart():
    good = "x**2 + 3*y**2"
    at = new_app(surface="custom", formula=good, opt="adam:lr=0.05")
    before = background(at)
    at.text_input(key=keys.formula(0)).set_value("x** + (").run()
    no_exception(at)
    exp = url_experiment(at)
    assert exp.surface_key == "custom" and exp.formula == good, "the race left the last valid surface"
    assert background(at) == before
    errors = main_errors(at)
    assert len(errors) == 1 and "x** + (" in errors[0] and good in errors[0], errors
    # Fixing the formula clears the message.
    at.text_input(key=keys.formula(0)).set_value("x**2 + y**2").run()
    assert not main_errors(at) and url_experiment(at).formula == "x**2 + y**2"


def test_a_hostile_formula_is_refused_and_the_race_keeps_its_surface():
    at = new_app(surface="bowl", opt="adam:lr=0.05")
    at.selectbox(key=keys.surface(0)).set_value("custom").run()
    first = url_experiment(at).formula
    assert first
    at.text_input(key=keys.formula(0)).set_value("__import__('os')").run()
    no_exception(at)
    exp = url_experiment(at)
    assert exp.surface_key == "custom" and exp.formula == first
    assert any("__import__" in e and first in e for e in main_errors(at)), main_errors(at)


def test_an_unknown_lesson_opens_the_default_race():
    at = new_app(lesson="nope")
    no_exception(at)
    names = [r["label"] for r in player(at)["runs"]]
    for label in ("Gradient descent", "Adam"):
        assert any(n.startswith(label) for n in names), names
    assert any("nope" in w.value and "default race" in w.value for w in at.warning)


def test_a_mangled_step_count_uses_the_value_the_message_names():
    at = new_app(surface="bowl", opt="adam:lr=0.05", steps="-5")
    no_exception(at)
    text = "\n".join(w.value for w in at.warning)
    used = at.slider(key=keys.steps(0)).value
    assert f"using {used}" in text, (used, text)
    assert url_experiment(at).steps == used
    assert player(at)["steps"] == used


def test_the_formula_header_is_code_not_markdown():
    at = new_app(surface="custom", formula="0.5*x**2 + 3*sin(y)**2", opt="adam")
    no_exception(at)
    shown = [m.value for m in at.main.markdown if "Custom formula" in m.value]
    assert shown and "`0.5*x**2 + 3*sin(y)**2`" in shown[0], shown


def markdown(at: AppTest) -> list[str]:
    out = []
    for m in at.main.markdown:
        try:
            out.append(m.value)
        except AttributeError:  # a widget-like element listed with the markdown ones
            continue
    return out


def lesson_texts(at: AppTest) -> list[str]:
    """What to watch, wherever the page puts it: beside the race player's map (in the data it is
    sent), or above another view."""
    beside = player(at).get("lesson") if at.get("bidi_component") else None
    return [m for m in markdown(at) if m.startswith("**What to watch:**")] + ([beside["watch"]] if beside else [])


def test_choosing_no_lesson_takes_the_lesson_text_away_and_keeps_the_race():
    at = new_app(lesson="oblong-bowl")
    assert lesson_texts(at)
    race = url_experiment(at)
    at.selectbox(key=keys.lesson(0)).set_value("").run()
    no_exception(at)
    assert not lesson_texts(at)
    after = url_experiment(at)
    assert after.lesson == "" and after.race_signature() == race.race_signature()


def test_an_edited_lesson_is_marked_as_edited_and_can_be_restored():
    at = new_app(lesson="oblong-bowl")
    titles = [m for m in markdown(at) if m.startswith("**")]
    assert not any("edited" in t for t in titles) and not at.main.warning
    at.slider(key=keys.steps(0)).set_value(37).run()
    no_exception(at)
    assert any("— edited" in m for m in markdown(at)), markdown(at)
    assert any("changed this lesson" in w.value for w in at.main.warning)
    at.button(key=keys.RESTORE_LESSON).click().run()
    no_exception(at)
    assert not any("— edited" in m for m in markdown(at))
    assert url_experiment(at).steps != 37
