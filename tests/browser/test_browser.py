"""The running app in headless chromium: the race plays over its shaded background, the side-by-side
and 1-D views render and play, and a shared link reproduces the race the core computes.

What AppTest cannot see lives here: JavaScript (Plotly's Play), pixels, the address bar. Timings are
printed at the end of the run, never asserted (performance lives in ``benchmarks``). Screenshots go
to ``artifacts/screenshots/``.

Run: ``.venv/bin/python -m pytest tests/browser -q -m browser``.
"""

from __future__ import annotations

import io
import time
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from playground.experiment import Experiment, decode, round_significant, round_to_window
from playground.figures._common import diverged_text
from playground.simulate import simulate

pytestmark = pytest.mark.browser

GD = "document.querySelector('.js-plotly-plot')"
CHART = ".js-plotly-plot .nsewdrag"
LOAD_TIMEOUT = 60_000
# A pixel counts as shaded (the background image is there) when all its channels are below this.
SHADED_BELOW = 245  # the lightest shade of the background is 0.99 of the grey ramp, about 252


# --- helpers ----------------------------------------------------------------------------------------


def wait_for_figure(page, subplots: int | None = None) -> None:
    """Wait until a Plotly chart is drawn with its slider (and, if given, that many subplots)."""
    page.wait_for_function(
        """n => {
            const gd = document.querySelector('.js-plotly-plot');
            if (!gd || !gd._fullLayout || !gd._fullLayout.sliders || !gd._fullLayout.sliders.length) return false;
            if (!document.querySelector('.js-plotly-plot .nsewdrag')) return false;
            return n === null || gd._fullLayout._subplots.cartesian.length === n;
        }""",
        arg=subplots, timeout=LOAD_TIMEOUT,
    )


def open_app(page, app_url: str, query: str, timing, name: str) -> float:
    t0 = time.perf_counter()
    page.goto(app_url + "/" + query)
    page.wait_for_selector(CHART, state="visible", timeout=LOAD_TIMEOUT)
    elapsed = time.perf_counter() - t0
    timing(f"{name}: goto to chart visible", elapsed)
    print(f"{name}: chart visible after {elapsed:.2f} s")
    wait_for_figure(page)
    return elapsed


def active_frame(page) -> int:
    return page.evaluate(f"{GD}._fullLayout.sliders[0].active")


def press_play(page) -> None:
    page.locator(".js-plotly-plot .updatemenu-button", has_text="Play").first.click()


def assert_slider_advances(page) -> list[int]:
    """Three readings ~0.5 s apart: the frame goes up and never back (a rerun would reset it to 0)."""
    samples = [active_frame(page)]
    for _ in range(2):
        page.wait_for_timeout(500)
        samples.append(active_frame(page))
    assert samples[-1] > samples[0], f"the frame slider did not advance during Play: {samples}"
    assert samples == sorted(samples), f"the animation went backwards (restarted?): {samples}"
    return samples


def coloured_fraction(png: bytes, box: dict, inset: int = 3) -> float:
    """Share of the pixels inside ``box`` (CSS px, device scale 1) that are shaded: not the page's white.

    The background image is a grey ramp that never reaches white, with coloured paths on it; an empty
    plot area (the image gone) is white.
    """
    img = Image.open(io.BytesIO(png)).convert("RGB")
    left, top = round(box["x"]) + inset, round(box["y"]) + inset
    right, bottom = round(box["x"] + box["width"]) - inset, round(box["y"] + box["height"]) - inset
    a = np.asarray(img.crop((left, top, right, bottom)), dtype=int)
    assert a.size, f"empty plot area {box}"
    return float((a.max(axis=-1) < SHADED_BELOW).mean())


def plot_boxes(page) -> list[dict]:
    boxes = [b for b in (loc.bounding_box() for loc in page.locator(CHART).all()) if b]
    assert boxes, "no plot area found"
    return boxes


OVERLAPS_JS = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    const box = e => {
        const r = e.getBoundingClientRect();
        return {x0: r.left, x1: r.right, y0: r.top, y1: r.bottom};
    };
    const controls = [...gd.querySelectorAll('.slider-container, .updatemenu-container')]
        .map(e => [e.getAttribute('class'), box(e)]);
    // axis titles (g-xtitle, g-x2title, ...) and tick labels (xtick, x2tick, ytick, ...)
    const labels = [...gd.querySelectorAll('[class^="g-x"][class$="title"] text, [class$="tick"] text')]
        .filter(e => e.textContent.trim()).map(e => [e.textContent, box(e)]);
    const hit = (a, b) => a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
    const out = [];
    for (const [text, b] of labels) for (const [cls, c] of controls) if (hit(b, c)) out.push(`${text} overlaps ${cls}`);
    return out;
}"""


def assert_controls_clear(page) -> None:
    """Axis titles and tick labels must not run into the Play/Pause buttons or the step slider."""
    overlaps = page.evaluate(OVERLAPS_JS)
    assert not overlaps, f"chart text collides with the animation controls: {overlaps}"


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


TRACES_JS = """() => Array.from(document.querySelector('.js-plotly-plot')._fullData)
    .filter(t => t.legendgroup)
    .map(t => ({name: t.name, mode: t.mode, opacity: t.opacity, legendgroup: t.legendgroup, showlegend: t.showlegend,
                marker: t.marker ? t.marker.color : null, line: t.line ? t.line.color : null,
                x: Array.from(t.x || []), y: Array.from(t.y || [])}))"""


# --- tests ------------------------------------------------------------------------------------------


def test_race_plays_over_its_background(page, app_url, shots, timing):
    open_app(page, app_url, "", timing, "race (default link)")
    drag = page.locator(CHART).first
    drag.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    before = coloured_fraction(page.screenshot(path=shots / "01-race-loaded.png"), drag.bounding_box())
    assert before > 0.5, f"only {before:.0%} of the plot area is coloured before Play: is the background drawn?"

    press_play(page)
    samples = assert_slider_advances(page)
    png = page.screenshot(path=shots / "02-race-playing.png")
    during = coloured_fraction(png, drag.bounding_box())
    print(f"race: frames {samples}; coloured plot area {before:.0%} before Play, {during:.0%} during")
    assert during > 0.5, f"the background vanished during Play: {during:.0%} of the plot area is coloured"
    assert during > 0.8 * before, f"the plot area lost colour during Play ({before:.0%} → {during:.0%})"
    assert active_frame(page) > samples[0], "Play stopped right after the screenshot"

    # plotly.js draws a layer-"below" image that refers to axes inside that subplot's g.imagelayer.
    images = page.locator(".js-plotly-plot .layer-below image, .js-plotly-plot g.imagelayer image")
    assert images.count() >= 1, "the layout.images background is not in the DOM during Play"
    assert (images.first.get_attribute("href") or "").startswith("data:image/png")
    assert_controls_clear(page)
    assert_page_healthy(page)


def test_side_by_side_has_a_panel_per_optimizer_and_plays(page, app_url, shots, timing):
    open_app(page, app_url, "", timing, "race before side by side")
    exp, _ = decode(query_of(page.url))
    n = len(exp.entries)
    assert n >= 2, f"the default race should have several optimizers, link was {page.url}"

    t0 = time.perf_counter()
    # Streamlit's segmented control: buttons with role "radio" in a radiogroup labelled by the widget.
    page.locator('[role="radiogroup"][aria-label="View"] button', has_text="Side by side").click()
    wait_for_figure(page, subplots=n)
    timing("side by side: click to new chart", time.perf_counter() - t0)
    # plotly.js swaps the race's single subplot for the panels in place; wait for the DOM to settle.
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot g.cartesianlayer .subplot').length === n",
        arg=n, timeout=LOAD_TIMEOUT,
    )
    page.wait_for_function("() => location.search.includes('view=side')", timeout=10_000)

    page.locator(CHART).first.scroll_into_view_if_needed()
    press_play(page)
    assert_slider_advances(page)
    png = page.screenshot(path=shots / "03-side-by-side-playing.png")
    fractions = [coloured_fraction(png, b) for b in plot_boxes(page)]
    print(f"side by side: coloured share per panel during Play {[f'{f:.0%}' for f in fractions]}")
    assert len(fractions) == n
    assert min(fractions) > 0.5, f"a panel lost its background during Play: {fractions}"
    assert_controls_clear(page)
    assert_page_healthy(page)


def test_one_dimensional_surface_shows_curve_and_steps(page, app_url, shots, timing):
    query = "?surface=slope&opt=adam:lr=0.01;rmsprop:lr=0.001,rho=0.9,momentum=0.9"
    open_app(page, app_url, query, timing, "1-D slope")
    subplots = page.evaluate(f"{GD}._fullLayout._subplots.cartesian")
    assert sorted(subplots) == ["x2y2", "xy"], subplots
    assert page.locator(".js-plotly-plot g.cartesianlayer .subplot").count() == 2
    curve = page.evaluate(f"Array.from({GD}._fullData).filter(t => t.name === 'f(x)').map(t => t.x.length)")
    assert curve and curve[0] >= 100, f"the curve f(x) is missing or too coarse: {curve}"
    heads = [t for t in page.evaluate(TRACES_JS) if t["mode"] == "markers" and t["showlegend"]]
    exp, warnings = decode(query)
    assert not warnings
    assert [t["name"] for t in heads] == exp.labels()

    page.locator(CHART).first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "04-one-d-loaded.png")
    press_play(page)
    assert_slider_advances(page)
    page.screenshot(path=shots / "05-one-d-playing.png")
    assert_controls_clear(page)
    assert_page_healthy(page)


def test_shared_link_reproduces_the_race(page, app_url, shots, timing):
    query = "?surface=bowl:b=10,angle=30&opt=adam:lr=0.05,beta1=0.8;sgd:lr=0.05&steps=200&start=-2,1.5"
    exp, warnings = decode(query)
    assert not warnings, warnings
    race = simulate(exp)

    open_app(page, app_url, query, timing, "shared link")
    page.locator(CHART).first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "06-shared-link.png")
    assert page.get_by_text("Parts of this link could not be used").count() == 0

    traces = page.evaluate(TRACES_JS)
    heads = [t for t in traces if t["mode"] == "markers" and t["showlegend"]]
    paths = [t for t in traces if t["mode"] == "lines" and t["opacity"] < 1]
    assert [t["name"] for t in heads] == [diverged_text(label, tr.diverged_at)
                                          for label, tr in zip(race.labels, race.trajectories, strict=True)]
    assert [t["marker"].lower() for t in heads] == [c.lower() for c in race.colors]
    assert [t["name"] for t in paths] == race.labels
    assert [t["line"].lower() for t in paths] == [c.lower() for c in race.colors]
    for t, tr, label in zip(paths, race.trajectories, race.labels, strict=True):
        shown = np.column_stack([t["x"], t["y"]])
        assert shown.shape == tr.path.shape, f"{label}: path of {shown.shape} in the page, {tr.path.shape} computed"
        for i in (0, -1):
            np.testing.assert_allclose(shown[i], tr.path[i], rtol=1e-6, atol=1e-4,
                                       err_msg=f"{label}: point {i} differs from simulate()")
        np.testing.assert_allclose(shown, tr.path, rtol=1e-6, atol=1e-4, err_msg=f"{label}: path differs")

    page.wait_for_function("() => location.search.includes('surface=')", timeout=10_000)
    after, warnings_after = decode(query_of(page.url))
    assert not warnings_after, f"the page rewrote the link into one with problems: {page.url}: {warnings_after}"
    assert canonical(after) == canonical(exp), f"the address bar no longer encodes the shared race: {page.url}"
    assert_controls_clear(page)
    assert_page_healthy(page)


def test_clicks_set_the_start_and_add_a_sweep_cell(page, app_url, shots, timing):
    """A click on the race chart starts the race there; a click on a sweep cell offers its setting."""
    open_app(page, app_url, "?surface=bowl&opt=adam;sgd", timing, "race for a click")
    box = page.locator(CHART).first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    # Streamlit rewrites the address with history.replaceState: read location, not page.url.
    page.wait_for_function("() => new URLSearchParams(location.search).has('start')", timeout=LOAD_TIMEOUT)
    start = page.evaluate("new URLSearchParams(location.search).get('start')").split(",")
    x, y = map(float, start)
    assert x > 0 and y > 0, f"clicked the upper right quarter but the start is {start}"
    bounds = decode("surface=bowl")[0].build_surface().bounds
    assert round_to_window((x, y), bounds) == (x, y), f"the start carries float noise: {start}"

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
