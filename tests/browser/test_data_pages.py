"""The data surfaces and Reddi's online problem in headless chromium: the player loads and plays,
the data panel is drawn beside the race, and nothing logs an error (the ``page`` fixture fails on any
console or page error)."""

from __future__ import annotations

import pytest
from browser_support import open_player

pytestmark = pytest.mark.browser

# The player's root inside its shadow root; its data attributes are the test contract.
ROOT = ("[...document.querySelectorAll('*')].find(e => e.shadowRoot && e.shadowRoot.querySelector("
        "'[data-testid=race-player]')).shadowRoot.querySelector('[data-testid=race-player]')")


@pytest.mark.parametrize("query", [
    "?surface=linear_regression:feature_scale=10&opt=sgd:lr=0.0095;adam:lr=0.05&batch=8&steps=120",
    "?surface=logistic_regression:separation=6,l2=0&opt=sgd:lr=1;adam:lr=0.05&steps=120",
    "?lesson=adam-fails-online",
])
def test_a_data_race_loads_plays_and_draws_its_panel(page, app_url, query):
    player = open_player(page, app_url, query)
    player.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => Number(({ROOT}).dataset.step) > 5", timeout=30_000)
    if "regression" in query:
        # The player draws the data panel on its clock: a canvas beside the race with a line per run.
        data = f"({ROOT}).querySelector('canvas.rp-data')"
        page.wait_for_function(f"() => {data} && JSON.parse({data}.dataset.lines || '[]').length === 2", timeout=30_000)
