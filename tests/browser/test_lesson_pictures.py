"""Every lesson shows its claim as it opens: its picture's contract (``Lesson.picture``), checked in
Chromium at a laptop's 1440×900 and a projector's 1280×720 in presentation mode.

For a lesson on the race player, on the first screen: what to watch, the map (at least half the
window's height) and Play; after End and at the step the text speaks of, every run the picture does
not let out is drawn inside the window (a head, never an edge marker or a cross), and at 1440×900 the
two runs the claim compares are at least the picture's pixels apart. For a lesson on a Plotly view,
what to watch and the panel the text points at are on the first screen.
"""

from __future__ import annotations

import math

import pytest
from browser_support import LOAD_TIMEOUT, PLAYER, drawn_marks, plot_boxes, seek, wait_revision, wait_step

import optimizers
from playground.model import lessons, views

pytestmark = pytest.mark.browser

SIZES = [pytest.param(1440, 900, False, id="1440x900"), pytest.param(1280, 720, True, id="1280x720-present")]
PLAYER_VIEWS = tuple(v.key for v in views.VIEWS if v.player)


def _main_plot_height(player) -> float:
    """The height of the panels the lesson is read from (the map, or the 1-D view's two panels)."""
    boxes = plot_boxes(player)
    if len(boxes) == 2:  # the 1-D view: the curve over x against the steps
        return boxes[1][1] + boxes[1][3] - boxes[0][1]
    return boxes[0][3]


def _check_inside(lesson, marks: list[dict], when: str) -> None:
    keys = list(lesson.runs)
    allowed = {keys.index(name) for name in lesson.picture.outside}
    for m in marks:
        if m["run"] in allowed:
            continue
        assert "head" in m, (f"{lesson.key} {when}: run {keys[m['run']]!r} is not drawn inside the window "
                             f"({m}); the picture lets out only {sorted(lesson.picture.outside)}")


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda item: item.key)
@pytest.mark.parametrize(("width", "height", "present"), SIZES)
def test_the_lesson_opens_on_its_claim(browser, app_url, lesson, width, height, present):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    try:
        page.goto(f"{app_url}/?lesson={lesson.key}" + ("&present=1" if present else ""))
        picture = lesson.picture
        if picture.view in PLAYER_VIEWS:
            _check_player(page, lesson, width, height)
        else:
            _check_figure(page, lesson, height)
        assert not errors, "console or page errors:\n" + "\n".join(errors)
    finally:
        context.close()


def _check_player(page, lesson, width: int, height: int) -> None:
    picture = lesson.picture
    player = page.locator(PLAYER)
    player.wait_for(timeout=LOAD_TIMEOUT)
    wait_revision(page, 1)
    page.wait_for_timeout(50)  # the layout after the fonts settle is the one the user sees
    watch = player.locator('[data-testid="race-player-lesson"]').bounding_box()
    play = player.locator('[data-testid="race-player-play"]').bounding_box()
    assert watch is not None and watch["y"] >= 0 and watch["y"] + min(watch["height"], 60) <= height, (
        f"{lesson.key}: what to watch is not on the first screen ({watch})")
    assert play is not None and play["y"] + play["height"] <= height, f"{lesson.key}: Play is below the first screen"
    plot = _main_plot_height(player)
    least = 0.6 if height >= 1080 else 0.5
    assert plot >= least * height, f"{lesson.key}: the map is {plot:.0f} px tall, under {least:.0%} of {height}"
    steps = int(player.get_attribute("data-steps"))
    player.focus()
    page.keyboard.press("End")
    wait_step(page, steps)
    _check_inside(lesson, drawn_marks(player), "after End")
    at = steps if picture.step is None else picture.step
    seek(player, at)
    marks = drawn_marks(player)
    _check_inside(lesson, marks, f"at step {at}")
    if picture.apart is not None and width == 1440:
        a, b, px = picture.apart
        keys = list(lesson.runs)
        heads = {m["run"]: m["head"] for m in marks if "head" in m and m["panel"] == picture.panel}
        ia, ib = keys.index(a), keys.index(b)
        assert ia in heads and ib in heads, f"{lesson.key}: {a} and {b} have no heads in the {picture.panel} panel"
        gap = math.dist(heads[ia], heads[ib])
        assert gap >= px, f"{lesson.key}: at step {at} {a} and {b} are {gap:.0f} px apart, under {px:.0f}"


def _check_figure(page, lesson, height: int) -> None:
    picture = lesson.picture
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=LOAD_TIMEOUT)
    watch = page.get_by_text("What to watch:").first.bounding_box()
    assert watch is not None and watch["y"] + watch["height"] <= height, f"{lesson.key}: what to watch is off screen"
    # The panel's title as the view writes it: Internals names a rule's quantity by its spec's label.
    name = picture.panel
    if picture.view == "internals":
        name = optimizers.spec(lesson.experiment.entries[0].optimizer).label(picture.panel)
    texts = chart.locator(".infolayer text, .annotation-text")
    bare = "".join(name.split())
    found = [texts.nth(i).bounding_box() for i in range(texts.count())
             if bare in "".join((texts.nth(i).text_content() or "").split())]
    assert found, f"{lesson.key}: no panel titled {name!r} in the {picture.view} view"
    top = min(box["y"] for box in found if box is not None)
    assert top < height - 120, f"{lesson.key}: the {picture.panel!r} panel starts at {top:.0f} px, off the first screen"


def _open(browser, app_url, query: str, width: int = 1440, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.goto(f"{app_url}/?{query}")
    player = page.locator(PLAYER)
    player.wait_for(timeout=LOAD_TIMEOUT)
    wait_revision(page, 1)
    return context, page, player, errors


def test_warnings_and_notes_never_move_the_player(browser, app_url):
    """A link with a part that cannot be used, and a race with a diverged run, put their notes under
    the player: it starts where it starts on the clean link."""
    tops = {}
    for name, query in (("clean", "lesson=learning-rate"), ("warned", "lesson=learning-rate&bogus=1&steps=x")):
        context, page, player, errors = _open(browser, app_url, query)
        try:
            page.get_by_text("diverged at step").first.wait_for(timeout=LOAD_TIMEOUT)  # the note, under it
            if name == "warned":
                page.get_by_text("could not be used").first.wait_for(timeout=LOAD_TIMEOUT)
            tops[name] = player.bounding_box()["y"]
            if name == "warned":
                below = tops[name] + player.bounding_box()["height"] - 1
                assert page.get_by_text("could not be used").first.bounding_box()["y"] > below, "the warning is above"
            assert not errors, errors
        finally:
            context.close()
    assert tops["warned"] == pytest.approx(tops["clean"], abs=1), tops


def test_the_readout_keeps_each_number_and_position_on_one_line(browser, app_url):
    """Long numbers (a diverged run's 1.022e+13, positions like (−1.093e−4, −9.043e+5)) at a laptop's
    and a projector's sizes."""
    for width, height, extra in ((1440, 900, ""), (1280, 720, "&present=1"), (390, 844, "")):
        context, page, player, errors = _open(browser, app_url, "lesson=learning-rate" + extra, width, height)
        try:
            player.focus()
            page.keyboard.press("End")
            lines = player.locator(".rp-readout td.rp-num").evaluate_all(
                "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);"
                " return [c.textContent, new Set([...r.getClientRects()].map(x => Math.round(x.top))).size]; })")
            assert lines and all(n == 1 for _, n in lines), f"{width}x{height}: broken across lines: {lines}"
            assert not errors, errors
        finally:
            context.close()


def test_presentation_modes_explanation_opens_under_the_player(browser, app_url):
    context, page, player, errors = _open(browser, app_url, "lesson=oblong-bowl&present=1", 1280, 720)
    try:
        top = player.bounding_box()["y"]
        # Clicked as a script does, so the page does not scroll to it: what moves is what opening moves.
        page.get_by_text("Why this happens").first.evaluate("e => e.click()")
        body = page.get_by_text("steeper across").first
        body.wait_for(timeout=10_000)
        assert player.bounding_box()["y"] == pytest.approx(top, abs=1), "opening the explanation moved the map"
        assert body.bounding_box()["y"] > top + player.bounding_box()["height"] - 1
        paragraphs = page.locator('[data-testid="stExpander"] [data-testid="stMarkdownContainer"] p')
        assert paragraphs.count() >= 1
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("key", ["rosenbrock", "constant-slope", "batch-size", "turned-bowl"])
def test_on_a_1920_screen_the_map_takes_sixty_percent_of_the_height(browser, app_url, key):
    context, page, player, errors = _open(browser, app_url, f"lesson={key}", 1920, 1080)
    try:
        page.wait_for_timeout(50)
        plot = _main_plot_height(player)
        assert plot >= 0.6 * 1080, f"{key}: the map is {plot:.0f} px tall, under 60% of 1080"
        play = player.locator('[data-testid="race-player-play"]').bounding_box()
        assert play["y"] + play["height"] <= 1080
        assert not errors, errors
    finally:
        context.close()


def test_on_a_phone_the_lessons_title_starts_under_streamlits_header_bar(browser, app_url):
    context, page, _player, errors = _open(browser, app_url, "lesson=learning-rate", 390, 844)
    try:
        bar = page.locator('header[data-testid="stHeader"]').bounding_box()
        title = page.get_by_text(lessons.find("learning-rate").title).first.bounding_box()
        assert title["y"] >= bar["y"] + bar["height"] - 1, f"the title at {title['y']:.0f} px is under the bar {bar}"
        assert not errors, errors
    finally:
        context.close()
