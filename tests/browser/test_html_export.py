"""The standalone HTML export plays from a file with the network switched off: no server at all.

It carries the page's race player and the race's data; the readout at a step shows the core's numbers.
"""

import re

import numpy as np
import pytest
from browser_support import PLAYER

from playground import exports
from playground.model.link import decode
from playground.model.simulate import simulate

pytestmark = pytest.mark.browser

QUERY = "surface=bowl:b=10&opt=adam:lr=0.05;momentum:lr=0.01&steps=150"


def test_html_export_plays_offline_from_a_file(browser, tmp_path, shots):
    exp, warnings = decode(QUERY)
    assert not warnings
    race = simulate(exp)
    result = exports.export(exp, "html")
    path = tmp_path / result.filename
    path.write_bytes(result.data)

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_offline(True)
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    errors = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        player = page.locator(PLAYER)
        player.wait_for(timeout=30_000)
        page.wait_for_function(f"() => document.querySelector('{PLAYER}').dataset.revision === '1'", timeout=30_000)
        assert player.get_attribute("data-steps") == "150"
        assert player.get_attribute("data-step") == "0"
        names = player.locator(".rp-readout .rp-name span").all_inner_texts()
        assert names == race.labels
        player.get_by_role("button", name="Play").click()
        page.wait_for_timeout(600)
        first = int(player.get_attribute("data-step"))
        page.wait_for_timeout(600)
        second = int(player.get_attribute("data-step"))
        page.screenshot(path=str(shots / "html-export-offline.png"))
        assert 0 < first < second, f"the player did not advance offline ({first} → {second})"
        player.get_by_role("button", name="Pause").click()
        player.locator("input.rp-slider").fill("100")
        rows = player.locator(".rp-readout tbody tr")
        for i, tr in enumerate(race.trajectories):
            text = " ".join(rows.nth(i).locator("td.rp-num").all_inner_texts()).replace("\u2212", "-")
            shown = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", text)]
            np.testing.assert_allclose(shown, [*tr.path[100], tr.loss[100]], rtol=2e-3, atol=1e-12)
        assert all(url.startswith("file:") or url.startswith("data:") for url in requests), requests
        assert not errors, errors
    finally:
        context.close()
