"""What a change sends the player, seen in headless chromium: a new race is drawn once, over the
backdrop the page was sent before (a page gets a surface's picture once); a rerun that leaves the
race alone redraws nothing; the player's modules load from the static folder."""

from __future__ import annotations

import pytest
from browser_support import ROOT_JS, wait_idle

from playground.page import keys
from tests.browser.test_player import PLAYER, assert_clean, attr, open_player, plots, readout, shaded_fraction

pytestmark = pytest.mark.browser

REVISION = (f"r => {{ const h = [...document.querySelectorAll('*')].find(e => e.shadowRoot &&"
            f" e.shadowRoot.querySelector('{PLAYER}'));"
            f" return h && Number(h.shadowRoot.querySelector('{PLAYER}').dataset.revision) > r; }}")


def type_into(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-{key} input").first
    box.fill(value)
    box.press("Enter")


def test_a_new_learning_rate_is_drawn_once_over_the_kept_backdrop(page, app_url):
    modules = []
    page.on("request", lambda r: modules.append(r.url) if "/app/static/" in r.url else None)
    player = open_player(page, app_url, "?surface=bowl&opt=sgd:lr=0.01;adam:lr=0.05&steps=300")
    assert any(url.split("?")[0].endswith("/app/static/player.js") for url in modules), modules
    loaded = len(modules)
    player.scroll_into_view_if_needed()
    before = shaded_fraction(page.screenshot(), plots(player)[0])
    assert before > 0.5, f"only {before:.0%} of the plot is shaded"
    revision = int(attr(player, "revision"))
    type_into(page, keys.hyper(0, "sgd", "bowl", "lr") + keys.LOG_EXACT, "0.02")
    page.wait_for_function(REVISION, arg=revision, timeout=60_000)
    wait_idle(page)  # the rerun has finished: nothing more arrives
    assert int(attr(player, "revision")) == revision + 1, "one new race, drawn once"
    after = shaded_fraction(page.screenshot(), plots(player)[0])
    assert after > 0.9 * before, f"the backdrop was lost with the new race: {before:.0%} → {after:.0%}"
    assert len(modules) == loaded, "the player's modules are fetched once a page"
    # Away to another view and back: a new player, the same page, the backdrop still drawn.
    page.locator('[role="radiogroup"][aria-label="View"] button', has_text="Summary").click()
    page.wait_for_function(f"() => ![...document.querySelectorAll('*')].some(e => e.shadowRoot &&"
                           f" e.shadowRoot.querySelector('{PLAYER}'))", timeout=60_000)
    page.locator('[role="radiogroup"][aria-label="View"] button', has_text="Race").click()
    player = page.locator(PLAYER)
    player.wait_for(timeout=60_000)
    page.wait_for_function(REVISION, arg=0, timeout=60_000)
    player.scroll_into_view_if_needed()
    back = shaded_fraction(page.screenshot(), plots(player)[0])
    assert back > 0.9 * before, f"the backdrop was lost on the way back: {before:.0%} → {back:.0%}"
    assert_clean(page)


def test_a_typed_start_is_drawn_once_from_there(page, app_url):
    """A start typed in the sidebar (drawn before the sidebar, like a learning rate): one new race,
    in the same player, beginning where it was typed."""
    player = open_player(page, app_url, "?surface=bowl&opt=sgd:lr=0.01;adam:lr=0.05&steps=300")
    revision = int(attr(player, "revision"))
    assert attr(player, "step") == "0"
    type_into(page, keys.start(0, 0, "bowl"), "0.5")
    page.wait_for_function(REVISION, arg=revision, timeout=60_000)
    wait_idle(page)
    assert int(attr(player, "revision")) == revision + 1, "one new race, drawn once, by the same player"
    assert attr(player, "step") == "0"
    assert [row[0] for row in readout(player)] == [0.5, 0.5], "both runs start at the typed x"
    assert_clean(page)


def test_a_rerun_that_leaves_the_race_alone_redraws_nothing(page, app_url):
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(len(payload))))
    player = open_player(page, app_url, "?surface=bowl&opt=adam:lr=0.05&steps=200")
    player.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({ROOT_JS}).dataset.step !== '0'", timeout=10_000)  # it moves
    player.get_by_role("button", name="Pause").click()
    held, revision = attr(player, "step"), attr(player, "revision")
    # The export panel's frame count reruns the page; the race is the same.
    page.locator("[data-testid=stExpander] summary", has_text="Export").click()
    page.locator(f".st-key-{keys.EXPORT_FRAMES} input").first.wait_for()
    wait_idle(page)
    sent = len(frames)
    type_into(page, keys.EXPORT_FRAMES, "77")
    page.wait_for_function("() => true")  # one round trip of the page's event loop
    deadline = 200
    while len(frames) - sent <= 10 and deadline:  # the rerun's elements arrive, then it ends
        page.wait_for_timeout(50)
        deadline -= 1
    wait_idle(page)
    assert len(frames) - sent > 10, "the page ran again"
    assert attr(player, "revision") == revision, "the same race was drawn again"
    assert attr(player, "step") == held, "the clock moved without a new race"
    assert_clean(page)
