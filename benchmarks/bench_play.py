"""Animation smoothness in Chromium while Play runs: 8 optimizers on the race chart.

Two numbers, each against a baseline from the same page in the same run:

- **browser frame rate** during Play: ``requestAnimationFrame`` callbacks per second over 4 s,
  against the same count on the same page at rest (what the browser manages when nothing moves);
  goal ≥ 30 fps.
- **animation frames per second**: how fast the step slider advances during Play, against the rate
  the figure asks for (one frame per 1/30 s at speed 1×).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ._common import ROOT, row
from .bench_app import CHART, CHROMIUM, CHROMIUM_ARGS, RACE, streamlit_server

COUNT_RAF = """ms => new Promise(done => {
    let n = 0; const t0 = performance.now();
    const tick = now => { n += 1; if (now - t0 < ms) requestAnimationFrame(tick); else done(n * 1000 / (now - t0)); };
    requestAnimationFrame(tick);
})"""
ACTIVE = "document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active"
QUERY = "?opt=" + ";".join(RACE) + "&steps=1000"
WINDOW_MS = 4000


def measure(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "/" + QUERY, timeout=120_000)
            page.wait_for_selector(CHART, state="visible", timeout=120_000)
            page.wait_for_function(f"() => {ACTIVE} === 0", timeout=120_000)
            page.wait_for_timeout(1500)
            idle = page.evaluate(COUNT_RAF, WINDOW_MS)
            page.locator(".updatemenu-button", has_text="Play").first.click()
            page.wait_for_timeout(300)
            start_frame, t0 = page.evaluate(ACTIVE), time.perf_counter()
            playing = page.evaluate(COUNT_RAF, WINDOW_MS)
            advanced = (page.evaluate(ACTIVE) - start_frame) / (time.perf_counter() - t0)
            return {"idle": idle, "playing": playing, "advance": advanced}
        finally:
            browser.close()


def run(quick: bool | None = None) -> list[dict]:
    name = "browser frame rate during Play, 8 optimizers × 1,000 steps (rAF per second)"
    if not Path(CHROMIUM).exists():
        return [row(name, None, "fps", "same page at rest", None, None, "≥ 30 fps", None,
                    note=f"skipped: {CHROMIUM} is missing (make chromium installs it)")]
    with tempfile.TemporaryDirectory(prefix="bench-play-") as tmp, \
            streamlit_server(ROOT / "app.py", Path(tmp) / "app.log") as url:
        m = measure(url)
    target = 30.0  # the figure's frame duration is 1000/30 ms at speed 1×
    return [
        row(name, m["playing"], "fps", "same page at rest (rAF per second)", m["idle"], m["playing"] / m["idle"],
            "≥ 30 fps", m["playing"] >= 30.0),
        row("animation frames shown per second during Play", m["advance"], "frames/s",
            "rate the figure asks for (speed 1×)", target, m["advance"] / target, "≥ 0.8× of the asked rate",
            m["advance"] >= 0.8 * target),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
