"""The running app in headless chromium: a shared link reproduces the race the core computes, and a
click on a sweep cell offers that setting to the race.

The race, side-by-side and 1-D views are drawn by the race player; their browser tests (Play,
scrubbing, keyboard, click-to-start, layouts, screen fit) live in ``test_player.py``. Timings are
printed at the end of the run, never asserted (performance lives in ``benchmarks``).

Run: ``.venv/bin/python -m pytest tests/browser -q -m browser``.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import numpy as np
import pytest
from browser_support import open_player

from playground.model.experiment import Experiment, round_significant
from playground.model.link import decode
from playground.model.simulate import simulate

pytestmark = pytest.mark.browser

CHART = ".js-plotly-plot .nsewdrag"
LOAD_TIMEOUT = 60_000


# --- helpers ----------------------------------------------------------------------------------------


def assert_page_healthy(page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"the page shows an exception: {exceptions.first.inner_text()[:500]}"
    assert page.console_errors == [], "console errors:\n" + "\n".join(page.console_errors)


def query_of(url: str) -> str:
    return urlsplit(url).query


def canonical(exp: Experiment) -> tuple:
    """What determines the race, with defaults filled in (a link may spell a default out or omit it)."""
    surface = exp.build_surface()
    entries = tuple((e.optimizer, tuple(sorted(exp.resolve(e).hyper.items())), e.schedule) for e in exp.entries)
    return (surface.name, tuple(sorted(surface.params.items())), tuple(exp.start_point(surface)), exp.steps,
            exp.noise, exp.seed, exp.seeds, entries, tuple(exp.labels()), tuple(exp.colors()))


def open_timed(page, app_url: str, query: str, timing, name: str):
    t0 = time.perf_counter()
    player = open_player(page, app_url, query)
    timing(f"{name}: goto to player drawn", time.perf_counter() - t0)
    return player


def rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))


# --- tests ------------------------------------------------------------------------------------------


def test_shared_link_reproduces_the_race(page, app_url, shots, timing):
    query = "?surface=bowl:b=10,angle=30&opt=adam:lr=0.05,beta1=0.8;sgd:lr=0.05&steps=200&start=-2,1.5"
    exp, warnings = decode(query)
    assert not warnings, warnings
    race = simulate(exp)

    player = open_timed(page, app_url, query, timing, "shared link")
    player.scroll_into_view_if_needed()
    page.screenshot(path=shots / "06-shared-link.png")
    assert page.get_by_text("Parts of this link could not be used").count() == 0
    assert player.get_attribute("data-steps") == "200"

    rows = player.locator(".rp-readout tbody tr")
    assert rows.count() == len(race.labels)
    assert [rows.nth(i).locator(".rp-name span").first.inner_text() for i in range(rows.count())] == race.labels
    # Each row's mark is the run's shape in its colour: the colour at the picture's centre.
    centre = ("e => { const c = document.createElement('canvas'); c.width = e.naturalWidth; c.height = e.naturalHeight;"
              " const g = c.getContext('2d'); g.drawImage(e, 0, 0);"
              " const d = g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data;"
              " return `rgb(${d[0]}, ${d[1]}, ${d[2]})`; }")
    swatches = [rows.nth(i).locator(".rp-swatch").evaluate(centre) for i in range(rows.count())]
    assert swatches == [rgb(c) for c in race.colors]
    shapes = [rows.nth(i).locator(".rp-swatch").get_attribute("data-shape") for i in range(rows.count())]
    assert len(set(shapes)) == len(shapes), f"two runs share a mark shape: {shapes}"
    slider = player.locator("input.rp-slider")
    for k in (0, 1, 50, 199, 200):
        slider.fill(str(k))
        for i, (tr, label) in enumerate(zip(race.trajectories, race.labels, strict=True)):
            text = " ".join(rows.nth(i).locator("td.rp-num").all_inner_texts()).replace("\u2212", "-")
            shown = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", text)]
            j = min(k, len(tr.path) - 1)
            np.testing.assert_allclose(shown, [*tr.path[j], tr.loss[j]], rtol=2e-3, atol=1e-12,
                                       err_msg=f"{label} at step {k}")

    page.wait_for_function("() => location.search.includes('surface=')", timeout=10_000)
    after, warnings_after = decode(query_of(page.url))
    assert not warnings_after, f"the page rewrote the link into one with problems: {page.url}: {warnings_after}"
    assert canonical(after) == canonical(exp), f"the address bar no longer encodes the shared race: {page.url}"
    assert_page_healthy(page)


def test_a_sweep_cell_click_adds_that_setting_to_the_race(page, app_url, shots, timing):
    """A click on a sweep cell offers its setting; adding it puts a second optimizer in the race.
    (A click on the race's map sets the start: ``test_player.py``.)"""
    page.goto(app_url + "/?surface=bowl&opt=momentum:lr=0.01&view=sweep")
    page.wait_for_function(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " return gd && gd.data && gd.data.some(t => t.type === 'heatmap') && gd.querySelector('.nsewdrag'); }",
        timeout=LOAD_TIMEOUT,
    )
    box = page.locator(CHART).first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    button = page.get_by_role("button", name="Add Momentum")
    button.first.wait_for(timeout=LOAD_TIMEOUT)
    button.first.click()
    page.wait_for_function("() => (new URLSearchParams(location.search).get('opt') || '').split(';').length === 2",
                           timeout=LOAD_TIMEOUT)
    added = decode(page.evaluate("location.search"))[0].entries[1]
    assert added.hyper, added
    for name, value in added.hyper:
        assert value == round_significant(value, 4), f"{name}={value!r}: a sweep cell's value carries float noise"
    page.screenshot(path=shots / "07-sweep-cell-added.png")
    assert_page_healthy(page)
