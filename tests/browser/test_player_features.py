"""The race player's second clock and its extra marks, in headless chromium, from the standalone HTML
export (the page's own player and payload, no server): the clock by gradient evaluations, Schedule-
Free's z and y trails, the data panel on the player's clock, the full and mini-batch gradients at the
heads, and Newton's steps against an H that is not positive definite.

Expected numbers come from the core (``simulate``, ``data_panel``), never from the player. Every test
fails on a console error or a page error. Run under the browser lock:
``flock /tmp/browser.lock .venv/bin/python -m pytest tests/browser/test_player_features.py -q``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from playground import exports
from playground.model.link import decode
from playground.model.simulate import simulate

pytestmark = pytest.mark.browser

PLAYER = '[data-testid="race-player"]'


@pytest.fixture
def open_race(browser, tmp_path):
    """Open a race (a link's query) as the HTML export in a fresh page; yields (page, player, race)."""
    contexts, errors = [], []

    def opener(query: str, width: int = 1440, height: int = 900):
        exp, warnings = decode(query)
        assert not warnings, warnings
        race = simulate(exp)
        result = exports.export(exp, "html")
        path = tmp_path / result.filename
        path.write_bytes(result.data)
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        player = page.locator(PLAYER)
        player.wait_for(timeout=30_000)
        page.wait_for_function(f"() => document.querySelector('{PLAYER}').dataset.revision === '1'", timeout=30_000)
        return page, player, race

    yield opener
    for c in contexts:
        c.close()
    assert not errors, errors


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", text.replace("\u2212", "-"))]


def row_numbers(player, i: int) -> list[float]:
    return numbers(" ".join(player.locator(".rp-readout tbody tr").nth(i).locator("td.rp-num").all_inner_texts()))


def go_to(player, tick: int) -> None:
    player.locator("input.rp-slider").fill(str(tick))
    assert int(player.get_attribute("data-step")) == tick


# --- the clock by gradient evaluations ----------------------------------------------------------------


def test_clock_by_gradient_evaluations_puts_sam_at_half_the_steps(open_race, shots):
    page, player, race = open_race("surface=bowl:b=10&opt=sam:lr=0.02;sgd:lr=0.02&steps=200")
    sam, sgd = race.trajectories
    assert list(sam.grad_evals[:3]) == [2, 2, 2] and list(sgd.grad_evals[:3]) == [1, 1, 1]
    clock = player.locator("select.rp-clock")
    assert clock.is_visible()
    assert player.get_attribute("data-clock") == "steps" and player.get_attribute("data-steps") == "200"
    go_to(player, 100)
    rows = player.locator(".rp-readout tbody tr")
    assert [rows.nth(i).get_attribute("data-index") for i in range(2)] == ["100", "100"]

    clock.select_option("evals")
    assert player.get_attribute("data-clock") == "evals"
    assert player.get_attribute("data-steps") == "400", "SAM's 200 steps took 400 evaluations"
    go_to(player, 100)
    assert [rows.nth(i).get_attribute("data-index") for i in range(2)] == ["50", "100"]
    assert "step 50" in rows.nth(0).locator(".rp-note").inner_text()
    assert "step 100" in rows.nth(1).locator(".rp-note").inner_text()
    np.testing.assert_allclose(row_numbers(player, 0), [*sam.path[50], sam.loss[50]], rtol=2e-3, atol=1e-9)
    np.testing.assert_allclose(row_numbers(player, 1), [*sgd.path[100], sgd.loss[100]], rtol=2e-3, atol=1e-9)
    assert "Evaluations 100 / 400" in player.locator(".rp-label").inner_text()
    page.screenshot(path=str(shots / "player-clock-evals.png"))
    clock.select_option("steps")
    assert player.get_attribute("data-steps") == "200"
    assert [rows.nth(i).get_attribute("data-index") for i in range(2)] == ["50", "50"]


def test_no_clock_choice_when_every_run_takes_one_evaluation_a_step(open_race):
    _, player, _ = open_race("surface=bowl:b=10&opt=adam:lr=0.05;sgd:lr=0.02&steps=50")
    assert not player.locator("select.rp-clock").is_visible()
    assert player.get_attribute("data-clock") == "steps"
