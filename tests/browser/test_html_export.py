"""The standalone HTML export plays from a file with the network switched off: no server at all."""

import time

import pytest

from playground import export
from playground.experiment import decode

pytestmark = pytest.mark.browser

QUERY = "surface=bowl:b=10&opt=adam:lr=0.05;momentum:lr=0.01&steps=150"


def test_html_export_plays_offline_from_a_file(browser, tmp_path, shots):
    exp, warnings = decode(QUERY)
    assert not warnings
    result = export.export(exp, "html")
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
        page.wait_for_selector(".js-plotly-plot .nsewdrag", timeout=60_000)
        active = "document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active"
        assert page.evaluate(active) == 0
        names = page.evaluate("document.querySelector('.js-plotly-plot').data.map(t => t.name)")
        assert any(n and n.startswith("Adam") for n in names) and any(n and n.startswith("Momentum") for n in names)
        page.locator(".updatemenu-button", has_text="Play").first.click()
        time.sleep(1.5)
        first = page.evaluate(active)
        time.sleep(1.0)
        second = page.evaluate(active)
        page.screenshot(path=str(shots / "html-export-offline.png"))
        assert 0 < first < second, f"the slider did not advance offline ({first} → {second})"
        assert all(url.startswith("file:") or url.startswith("data:") for url in requests), requests
        assert not errors, errors
    finally:
        context.close()
