"""What a new user sees around the race: the entry list keeps its selection, the summary table and the
equations show each run's colour, no text needs a glyph the machine's fonts lack, and playing,
pausing and scrubbing raise no page error (the ``page`` fixture fails a test on any)."""

from __future__ import annotations

import re
import subprocess

import pytest
from browser_support import PLAYER

from playground.model import views
from playground.model.link import decode
from playground.page import keys

pytestmark = pytest.mark.browser

LOAD = 60_000


def open_page(page, app_url: str, query: str) -> None:
    page.goto(f"{app_url}/?{query}")
    page.locator('[data-testid="stSidebar"]').wait_for(timeout=LOAD)


def wait_for_player(page) -> str:
    page.locator(PLAYER).wait_for(timeout=LOAD)
    player = page.locator(PLAYER)
    player.wait_for(timeout=LOAD)
    player.and_(page.locator(':not([data-revision="0"])')).wait_for(timeout=LOAD)
    return player.get_attribute("data-revision")


def rgb(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return f"rgb({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)})"


def test_the_entry_list_keeps_its_selection_when_the_surface_changes(page, app_url):
    open_page(page, app_url, "")
    revision = wait_for_player(page)
    radios = page.locator('[data-testid="stSidebar"] [role="radiogroup"] input')
    assert [radios.nth(i).is_checked() for i in range(radios.count())].count(True) == 1
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
    page.get_by_role("option", name="Oblong bowl").click()
    page.wait_for_function("() => location.search.includes('surface=bowl')", timeout=LOAD)
    page.locator(PLAYER).and_(page.locator(f':not([data-revision="{revision}"])')).wait_for(timeout=LOAD)
    radios = page.locator('[data-testid="stSidebar"] [role="radiogroup"] input')
    page.wait_for_timeout(500)
    checked = [radios.nth(i).is_checked() for i in range(radios.count())]
    assert checked.count(True) == 1, f"after a surface change the list shows {checked}"


def _glyph_missing(ch: str) -> bool:
    out = subprocess.run(["fc-list", f":charset={ord(ch):x}"], capture_output=True, text=True, check=True).stdout
    return not out.strip()


PAGE_TEXT = """() => {
  const parts = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.closest && el.closest('.katex')) continue;   // KaTeX brings its own fonts
      if (el.shadowRoot) walk(el.shadowRoot);
      for (const n of el.childNodes) if (n.nodeType === 3) parts.push(n.textContent);
    }
  };
  walk(document);
  return parts.join('');
}"""


def test_summary_and_equations_show_each_runs_colour_and_no_glyph_is_missing(page, app_url):
    query = "surface=bowl&opt=adam:lr=0.05;sgd:lr=0.1&steps=200"
    exp, _ = decode(query)
    colors = exp.colors()
    seen = ""
    open_page(page, app_url, query)
    wait_for_player(page)
    page.get_by_role("button", name="Add optimizer").wait_for()
    seen += page.evaluate(PAGE_TEXT)

    open_page(page, app_url, query + "&view=table")
    table = page.locator('[data-testid="stTable"] table')
    table.wait_for(timeout=LOAD)
    rows = table.locator("tbody tr")
    assert rows.count() == len(colors)
    for i, color in enumerate(colors):
        cell = rows.nth(i).locator("td, th").first
        assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == rgb(color)
    text = table.inner_text()
    assert "None" not in text and "#" not in text
    assert "never" in text  # Adam never diverges; gradient descent at lr 0.1 > 2/25 does
    seen += page.evaluate(PAGE_TEXT)

    open_page(page, app_url, query + "&view=equations")
    page.locator(".katex").first.wait_for(timeout=LOAD)
    swatches = page.locator('[data-testid="stMarkdownContainer"] h4 span[style*="background"]')
    assert [swatches.nth(i).evaluate("e => getComputedStyle(e).backgroundColor")
            for i in range(swatches.count())] == [rgb(c) for c in colors]
    katex = [t.replace("\xa0", " ") for t in page.locator(".katex").all_inner_texts()]
    assert any("bias correction: on" in t and "AMSGrad: off" in t for t in katex), katex
    seen += page.evaluate(PAGE_TEXT)

    missing = sorted({ch for ch in seen if ord(ch) > 127 and not ch.isspace() and _glyph_missing(ch)})
    assert not missing, f"characters no installed font can draw: {missing}"


def test_play_twice_pause_and_scrub_while_playing_raise_no_page_error(page, app_url):
    open_page(page, app_url, "surface=bowl&opt=adam:lr=0.05;sgd:lr=0.02&steps=2000")
    wait_for_player(page)
    player = page.locator(PLAYER)
    play = player.locator('[data-testid="race-player-play"]')
    play.click()
    play.click()  # pause at once
    play.click()  # and play again
    page.wait_for_function("() => true")
    assert player.get_attribute("data-playing") == "true"
    slider = player.locator('input[type="range"]')
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)  # scrub while playing
    page.wait_for_timeout(300)
    playing = player.get_attribute("data-playing")
    play.click()
    assert player.get_attribute("data-playing") != playing, "Play/Pause no longer toggles after a scrub"
    if player.get_attribute("data-playing") == "true":
        play.click()
    assert player.get_attribute("data-playing") == "false"
    assert int(player.get_attribute("data-step")) >= 0.2 * 2000, "the scrub did not move the clock"


def test_on_a_phone_every_view_is_on_screen_and_reachable(page, app_url):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app_url}/")  # the sidebar starts folded on a phone
    wait_for_player(page)
    picker = page.locator(f".st-key-{keys.view(0)}")
    for title in views.TITLES.values():
        button = picker.locator("button").filter(has_text=re.compile(f"^{re.escape(title)}$"))
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (title, box)
    picker.locator("button").filter(has_text=re.compile(f"^{views.TITLES['table']}$")).click()
    page.locator('[data-testid="stTable"]').wait_for(timeout=LOAD)


def test_on_a_phone_a_formula_fits_or_scrolls_sideways(page, app_url):
    """A display formula never runs off a phone's screen: it fits (the oblong bowl's, set at the
    phone's size), or it scrolls inside its own box (Beale's is wider than any phone)."""
    page.set_viewport_size({"width": 390, "height": 844})
    for surface, fits in (("bowl", True), ("beale", False)):
        page.goto(f"{app_url}/?surface={surface}")
        wait_for_player(page)
        formula = page.locator(".katex-display").first
        box = formula.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (surface, box)
        scroll, client, overflow = formula.evaluate(
            "e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX]")
        assert (scroll <= client) == fits, (surface, scroll, client)
        assert overflow == "auto", f"{surface}: a formula wider than the box must scroll, not be cut"
