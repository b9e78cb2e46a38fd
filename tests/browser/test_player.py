"""The race player in headless chromium: its test contract, Play, every-step scrubbing, the keyboard,
click-to-start, resizing, the side-by-side and 1-D layouts, and that it fits the screens it is shown on.

Expected numbers come from the core (``simulate``), never from the player. Every test fails on a
console error or a page error. Run: ``.venv/bin/python -m pytest tests/browser/test_player.py -q``.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from browser_support import LOAD_TIMEOUT, PLAYER, open_player
from PIL import Image

from playground.model.link import decode
from playground.model.simulate import simulate

pytestmark = pytest.mark.browser

# A pixel counts as shaded (the backdrop is drawn) when all its channels are below this.
SHADED_BELOW = 245
VIEWPORTS = [("1280x720", "?present=1", True), ("1440x900", "", False), ("1920x1080", "", False)]


# --- helpers ----------------------------------------------------------------------------------------


def attr(player, name: str) -> str:
    return player.get_attribute(f"data-{name}")


def step(player) -> int:
    return int(attr(player, "step"))


def plots(player) -> list[dict]:
    """The plot boxes in page coordinates (the player publishes them on its canvas)."""
    canvas = player.locator("canvas")
    box = canvas.bounding_box()
    out = []
    for part in (canvas.get_attribute("data-plots") or "").split(";"):
        left, top, w, h = map(float, part.split(","))
        out.append({"x": box["x"] + left, "y": box["y"] + top, "width": w, "height": h})
    return out


def shaded_fraction(png: bytes, box: dict, inset: int = 4) -> float:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    a = np.asarray(img.crop((round(box["x"]) + inset, round(box["y"]) + inset,
                             round(box["x"] + box["width"]) - inset, round(box["y"] + box["height"]) - inset)), int)
    return float((a.max(axis=-1) < SHADED_BELOW).mean())


def readout(player) -> list[list[float]]:
    """Per run, the numbers its readout row shows (position coordinates, then the loss)."""
    rows = player.locator(".rp-readout tbody tr")
    out = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td.rp-num").all_inner_texts()
        text = " ".join(cells).replace("\u2212", "-")
        out.append([float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", text)])
    return out


def assert_clean(page) -> None:
    assert page.console_errors == [], "console errors:\n" + "\n".join(page.console_errors)


def new_page(browser, width: int, height: int, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(f"page error: {e}"))
    return context, page


# --- the contract, Play, scrubbing, keyboard ----------------------------------------------------------


def test_contract_and_play_over_the_backdrop(page, app_url):
    player = open_player(page, app_url, "?surface=bowl&opt=adam:lr=0.05;sgd:lr=0.01&steps=400")
    assert attr(player, "steps") == "400"
    assert attr(player, "step") == "0"
    assert attr(player, "playing") == "false"
    revision = int(attr(player, "revision"))
    assert revision >= 1
    play = player.get_by_role("button", name="Play")
    assert play.count() == 1, "the Play control is inside the player"

    player.scroll_into_view_if_needed()
    before = shaded_fraction(page.screenshot(), plots(player)[0])
    assert before > 0.5, f"only {before:.0%} of the plot is shaded: is the backdrop drawn?"

    play.click()
    assert attr(player, "playing") == "true"
    samples = []
    for _ in range(3):
        page.wait_for_timeout(400)
        samples.append(step(player))
    assert samples[0] > 0 and samples == sorted(samples) and samples[-1] > samples[0], samples
    during = shaded_fraction(page.screenshot(), plots(player)[0])
    assert during > 0.8 * before, f"the backdrop faded during Play: {before:.0%} → {during:.0%}"
    player.get_by_role("button", name="Pause").click()
    assert attr(player, "playing") == "false"
    held = step(player)
    page.wait_for_timeout(400)
    assert step(player) == held, "Pause did not stop the clock"
    assert int(attr(player, "revision")) == revision, "playing must not reload the data"
    assert_clean(page)


def test_every_step_is_reachable_and_the_readout_shows_the_core_numbers(page, app_url):
    query = "?surface=bowl:b=10&opt=adam:lr=0.05;momentum:lr=0.01;sgd:lr=0.25&steps=1000"
    exp, warnings = decode(query)
    assert not warnings
    race = simulate(exp)
    player = open_player(page, app_url, query)
    slider = player.locator("input.rp-slider")
    assert slider.get_attribute("max") == "1000"
    diverged = race.trajectories[2].diverged_at
    assert diverged is not None, "lr 0.25 on this bowl must diverge (largest curvature 10: limit 0.2)"
    for k in [*range(0, 40), 499, 500, 501, 998, 999, 1000]:
        slider.fill(str(k))
        assert step(player) == k, f"the slider at {k} drew step {step(player)}"
        if k % 13 == 0 or k >= 998:
            for shown, tr, label in zip(readout(player), race.trajectories, race.labels, strict=True):
                j = min(k, len(tr.path) - 1)
                want = [*tr.path[j], tr.loss[j]]
                np.testing.assert_allclose(shown, want, rtol=2e-3, atol=1e-12, err_msg=f"{label} at step {k}")
    rows = player.locator(".rp-readout tbody tr")
    note = rows.nth(2).locator(".rp-note").inner_text()
    assert note == f"diverged at step {diverged}", note
    assert rows.nth(0).locator(".rp-note").inner_text() == ""
    assert_clean(page)


def test_keyboard_and_step_buttons(page, app_url):
    player = open_player(page, app_url, "?surface=bowl&opt=adam:lr=0.05&steps=300")
    player.focus()
    page.keyboard.press("End")
    assert step(player) == 300
    page.keyboard.press("ArrowLeft")
    assert step(player) == 299
    page.keyboard.press("Home")
    assert step(player) == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert step(player) == 2
    page.keyboard.press(" ")
    assert attr(player, "playing") == "true"
    page.wait_for_timeout(300)
    page.keyboard.press(" ")
    assert attr(player, "playing") == "false"
    held = step(player)
    assert held > 2
    player.get_by_role("button", name="One step forward").click()
    assert step(player) == held + 1
    player.get_by_role("button", name="One step back").click()
    player.get_by_role("button", name="One step back").click()
    assert step(player) == held - 1
    assert_clean(page)


def test_speed_sets_steps_per_second(page, app_url):
    player = open_player(page, app_url, "?surface=bowl&opt=adam:lr=0.05&steps=1000")
    player.locator("select.rp-speed").select_option("10")
    player.get_by_role("button", name="Play").click()
    page.wait_for_timeout(200)
    a = step(player)
    page.wait_for_timeout(1500)
    b = step(player)
    # 10 steps a second: about 15 in 1.5 s (a loaded machine may drop a few frames, never add steps).
    assert 8 <= b - a <= 17, f"{b - a} steps in 1.5 s at 10 steps/s"
    assert_clean(page)


# --- click, data changes, resize ----------------------------------------------------------------------


def test_a_click_sets_the_start_and_new_data_arrives(page, app_url):
    player = open_player(page, app_url, "?surface=bowl&opt=adam;sgd")
    bounds = decode("surface=bowl")[0].build_surface().bounds
    (x0, x1), (y0, y1) = bounds
    revision = int(attr(player, "revision"))
    player.scroll_into_view_if_needed()
    box = plots(player)[0]
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    page.wait_for_function("() => new URLSearchParams(location.search).has('start')", timeout=LOAD_TIMEOUT)
    x, y = map(float, page.evaluate("new URLSearchParams(location.search).get('start')").split(","))
    want = (x0 + 0.75 * (x1 - x0), y1 - 0.25 * (y1 - y0))
    tol = [0.02 * (x1 - x0), 0.02 * (y1 - y0)]
    assert abs(x - want[0]) <= tol[0] and abs(y - want[1]) <= tol[1], f"clicked near {want}, start is {(x, y)}"
    for v, span in ((x, x1 - x0), (y, y1 - y0)):
        unit = 10 ** (np.floor(np.log10(span)) - 2)
        assert abs(v / unit - round(v / unit)) < 1e-6, f"{v} is not rounded to {unit}"
    page.wait_for_function(
        f"r => {{ const h = [...document.querySelectorAll('*')].find(e => e.shadowRoot &&"
        f" e.shadowRoot.querySelector('{PLAYER}'));"
        f" return Number(h.shadowRoot.querySelector('{PLAYER}').dataset.revision) > r; }}",
        arg=revision, timeout=LOAD_TIMEOUT)
    player.press("Home")
    shown = readout(player)
    assert all(np.allclose(row[:2], [x, y], rtol=1e-3) for row in shown), shown
    assert_clean(page)


def test_resize_lays_the_player_out_again(browser, app_url):
    context, page = new_page(browser, 1440, 900)
    try:
        player = open_player(page, app_url, "?surface=bowl&opt=adam;sgd")
        before = player.bounding_box()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.wait_for_timeout(800)
        after = player.bounding_box()
        canvas = player.locator("canvas").bounding_box()
        assert after["width"] < before["width"] - 50, f"the player kept its width: {before} → {after}"
        assert canvas["x"] + canvas["width"] <= after["x"] + after["width"] + 1, (canvas, after)
        assert after["x"] + after["width"] <= 1280
        play = player.get_by_role("button", name="Play").bounding_box()
        assert play["y"] + play["height"] <= 800 + 1, f"Play below the fold after resizing: {play}"
        assert_clean(page)
    finally:
        context.close()


# --- layouts -------------------------------------------------------------------------------------------


def test_side_by_side_is_a_grid_of_panels_on_one_clock(page, app_url):
    player = open_player(page, app_url, "?surface=bowl&opt=adam:lr=0.05;sgd:lr=0.01;momentum;rmsprop&view=side")
    assert attr(player, "layout") == "side"
    assert attr(player, "panels") == "4"
    player.scroll_into_view_if_needed()
    png = page.screenshot()
    boxes = plots(player)
    fractions = [shaded_fraction(png, b) for b in boxes]
    assert min(fractions) > 0.5, f"a panel has no backdrop: {fractions}"
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            p, q = boxes[a], boxes[b]
            apart = (p["x"] + p["width"] <= q["x"] or q["x"] + q["width"] <= p["x"]
                     or p["y"] + p["height"] <= q["y"] or q["y"] + q["height"] <= p["y"])
            assert apart, f"panels {a} and {b} overlap: {p} {q}"
    player.get_by_role("button", name="Play").click()
    page.wait_for_timeout(600)
    assert step(player) > 0
    assert_clean(page)


def test_one_dimensional_layout_plays_the_balls_on_the_curve(page, app_url):
    query = "?surface=slope&opt=adam:lr=0.01;rmsprop:lr=0.001,rho=0.9,momentum=0.9&steps=200"
    exp, _ = decode(query)
    race = simulate(exp)
    player = open_player(page, app_url, query)
    assert attr(player, "layout") == "oned"
    assert attr(player, "panels") == "2"
    player.locator("input.rp-slider").fill("150")
    for shown, tr in zip(readout(player), race.trajectories, strict=True):
        np.testing.assert_allclose(shown, [tr.path[150, 0], tr.loss[150]], rtol=2e-3, atol=1e-12)
    player.get_by_role("button", name="Play").click()
    page.wait_for_timeout(500)
    assert attr(player, "playing") in ("true", "false") and step(player) != 150
    assert_clean(page)


# --- fitting the screen ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("size", "query", "present"), VIEWPORTS)
def test_player_and_controls_fit_the_first_screen(browser, app_url, size, query, present, scheme):
    width, height = map(int, size.split("x"))
    context, page = new_page(browser, width, height, scheme)
    try:
        player = open_player(page, app_url, query)
        page.wait_for_timeout(300)
        box = player.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, f"player {box} in {size}"
        for control in ("button.rp-play", "input.rp-slider", "select.rp-speed"):
            c = player.locator(control).bounding_box()
            assert c["y"] + c["height"] <= height and c["x"] + c["width"] <= width, f"{control} {c} in {size}"
        if present:
            assert box["height"] >= 0.75 * height, f"presentation mode: player {box['height']:.0f} of {height} px"
        assert_clean(page)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_controls_never_overlap(browser, app_url, scheme):
    context, page = new_page(browser, 390, 844, scheme)
    try:
        player = open_player(page, app_url, "")
        player.scroll_into_view_if_needed()
        names = ["button.rp-play", "button.rp-step >> nth=0", "button.rp-step >> nth=1", "input.rp-slider",
                 "span.rp-label", "select.rp-speed"]
        boxes = {n: player.locator(n).bounding_box() for n in names}
        for n, b in boxes.items():
            assert b["x"] >= 0 and b["x"] + b["width"] <= 390 + 1, f"{n} sticks out: {b}"
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                p, q = boxes[a], boxes[b]
                apart = (p["x"] + p["width"] <= q["x"] + 1 or q["x"] + q["width"] <= p["x"] + 1
                         or p["y"] + p["height"] <= q["y"] + 1 or q["y"] + q["height"] <= p["y"] + 1)
                assert apart, f"{a} overlaps {b}: {p} {q}"
        canvas = player.locator("canvas").bounding_box()
        assert canvas["width"] >= 300, f"the plot is squeezed on a phone: {canvas}"
        assert_clean(page)
    finally:
        context.close()


def test_arrows_show_the_downhill_direction_and_the_step_at_the_current_step(page, app_url):
    player = open_player(page, app_url, "?surface=bowl&opt=adam:lr=0.05&steps=200")
    revision = int(attr(player, "revision"))
    player.locator("input.rp-slider").fill("15")
    player.scroll_into_view_if_needed()
    box = plots(player)[0]
    clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
    without = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"), int)
    page.get_by_text("Show the downhill direction").click()
    page.wait_for_function(
        f"r => {{ const h = [...document.querySelectorAll('*')].find(e => e.shadowRoot &&"
        f" e.shadowRoot.querySelector('{PLAYER}'));"
        f" return Number(h.shadowRoot.querySelector('{PLAYER}').dataset.revision) > r; }}",
        arg=revision, timeout=LOAD_TIMEOUT)
    assert step(player) == 15, "new data keeps the step on screen"
    box = plots(player)[0]
    clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
    with_arrows = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"), int)
    assert with_arrows.shape == without.shape
    changed = np.abs(with_arrows - without).max(axis=-1) > 60
    # Two arrows of 8% of the window's diagonal: a few hundred pixels change, near the head only.
    assert changed.sum() > 100, f"only {changed.sum()} pixels changed: no arrows drawn?"
    assert changed.mean() < 0.05, f"{changed.mean():.1%} of the plot changed: more than two arrows"
    assert_clean(page)


def test_leaving_the_race_and_coming_back_draws_it_again(page, app_url):
    player = open_player(page, app_url, "?surface=bowl&opt=adam:lr=0.05&steps=200")
    player.get_by_role("button", name="Play").click()
    page.locator('[role="radiogroup"][aria-label="View"] button', has_text="Curves").click()
    page.wait_for_selector(".js-plotly-plot .nsewdrag", timeout=LOAD_TIMEOUT)
    assert page.locator(PLAYER).count() == 0, "the player stays on the Curves view"
    page.locator('[role="radiogroup"][aria-label="View"] button', has_text="Race").click()
    player = page.locator(PLAYER)
    player.wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function(
        f"() => {{ const h = [...document.querySelectorAll('*')].find(e => e.shadowRoot &&"
        f" e.shadowRoot.querySelector('{PLAYER}'));"
        f" return h && Number(h.shadowRoot.querySelector('{PLAYER}').dataset.revision) >= 1; }}",
        timeout=LOAD_TIMEOUT)
    assert page.locator(PLAYER).count() == 1
    assert attr(player, "steps") == "200"
    player.get_by_role("button", name="Play").click()
    page.wait_for_timeout(400)
    assert step(player) > 0
    assert_clean(page)


# --- a run that leaves the window (lesson 5) -----------------------------------------------------------


def green(rgb: np.ndarray) -> np.ndarray:
    """Pixels of lesson 5's diverged run (#009E73), faint or solid, over the grey shading."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (g - r > 50) & (g - b > 10)


def test_a_diverged_run_is_drawn_to_the_windows_edge_and_no_further(page, app_url):
    """Lesson 5: the run at lr 0.085 zig-zags out of the window and blows up far outside. What is
    drawn of it ends on the window's edge, where its path crosses it, with the cross there; the
    window is not painted over by its steps outside (neither the faint path nor the tail)."""
    exp, _ = decode("lesson=learning-rate")
    race = simulate(exp)
    tr = race.trajectories[2]
    (x0, x1), (y0, y1) = race.surface.bounds
    p = tr.path
    ok = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    out = int(np.argmin(ok))
    a, b = p[out - 1], p[out]
    side = y1 if b[1] > y1 else y0
    exit_x = a[0] + (side - a[1]) / (b[1] - a[1]) * (b[0] - a[0])  # the crossing, worked out here

    player = open_player(page, app_url, "?lesson=learning-rate")
    player.scroll_into_view_if_needed()
    player.focus()
    page.keyboard.press("End")  # the last step: long after the run left; its tail would be outside
    assert step(player) == exp.steps
    box = plots(player)[0]
    shot = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), int)
    inner = shot[round(box["y"]) + 3: round(box["y"] + box["height"]) - 3,
                 round(box["x"]) + 3: round(box["x"] + box["width"]) - 3]
    share = green(inner).mean()
    # Its 6 steps inside the window, drawn faint, cover about 1% of the plot; its steps outside,
    # clipped to the window, covered a seventh of it.
    assert 0.002 < share < 0.03, f"the diverged run covers {share:.1%} of the plot"
    # Far outside it zig-zags at x near 0, right of where it left (x ≈ -1.5): below the label at the
    # top, nothing of it may show there (the old drawing filled that part with its faint path and,
    # after it left, with its tail).
    right = round(box["x"] + (exit_x + 0.4 - x0) / (x1 - x0) * box["width"])
    below = round(box["y"] + 0.2 * box["height"])
    rest = green(shot[below: round(box["y"] + box["height"]) - 3, right: round(box["x"] + box["width"]) - 3])
    assert rest.sum() < 20, f"{rest.sum()} pixels of the diverged run's steps outside the window"

    # Where the drawing code says its path ends and its cross is (the numbers it drew with) ...
    canvas = player.locator("canvas")
    cbox = canvas.bounding_box()
    want = (box["x"] + (exit_x - x0) / (x1 - x0) * box["width"], box["y"] + (y1 - side) / (y1 - y0) * box["height"])
    for name in ("ends", "crosses"):
        xy = canvas.get_attribute(f"data-{name}").split(";")[0].split(" ")[2]
        got = [cbox["x"] + float(v) if i == 0 else cbox["y"] + float(v) for i, v in enumerate(xy.split(","))]
        assert abs(got[0] - want[0]) <= 1.5 and abs(got[1] - want[1]) <= 1.5, f"{name}: {got} != {want}"
    # ... and there the pixels show it: the run's green reaches the edge at the crossing.
    x, y = round(want[0]), round(want[1])
    near = shot[y - 12: y + 13, x - 12: x + 13]
    assert green(near).sum() > 30, "no cross drawn at the point where the run leaves the window"


# --- presentation mode and lessons on real screens ---------------------------------------------------------


PAGE_TEXT = {
    "view tabs": '[role="radiogroup"][aria-label="View"] button',
    "lesson title": '[data-testid="stExpander"] summary, [data-testid="stVerticalBlockBorderWrapper"] strong',
    "surface name": '[data-testid="stMarkdownContainer"] strong',
    "formula": ".katex-display .katex",
}


def font_sizes(page) -> dict[str, float]:
    return {name: page.locator(css).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            for name, css in PAGE_TEXT.items()}


def test_presentation_mode_scales_the_page_text_not_only_the_player(browser, app_url):
    sizes = {}
    for query in ("?lesson=learning-rate", "?lesson=learning-rate&present=1"):
        context, page = new_page(browser, 1280, 720)
        try:
            open_player(page, app_url, query)
            sizes[query] = font_sizes(page)
            assert_clean(page)
        finally:
            context.close()
    plain, present = sizes.values()
    for name in PAGE_TEXT:
        assert present[name] >= 1.2 * plain[name], f"{name}: {plain[name]} px → {present[name]} px in presentation mode"
    # The Summary view's table too.
    cells = []
    for query in ("?view=table", "?view=table&present=1"):
        context, page = new_page(browser, 1280, 720)
        try:
            page.goto(app_url + "/" + query)
            cell = page.locator('[data-testid="stTable"] td').first
            cell.wait_for(timeout=LOAD_TIMEOUT)
            cells.append(cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
            assert_clean(page)
        finally:
            context.close()
    assert cells[1] >= 1.2 * cells[0], f"summary table: {cells[0]} px → {cells[1]} px in presentation mode"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_lesson_in_presentation_mode_leaves_the_player_the_screen(browser, app_url, scheme):
    """1280 × 720 (a projector) with lesson 5 open: the lesson folds to its title, and the player, Play
    included, takes at least three quarters of the window's height on the first screen."""
    context, page = new_page(browser, 1280, 720, scheme)
    try:
        player = open_player(page, app_url, "?lesson=learning-rate&present=1")
        page.wait_for_timeout(300)
        assert page.evaluate("() => (document.scrollingElement || document.body).scrollTop") == 0
        box = player.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720 + 1, f"player {box}"
        assert box["height"] >= 0.75 * 720, f"the player has {box['height']:.0f} of 720 px"
        play = player.get_by_role("button", name="Play").bounding_box()
        assert play["y"] + play["height"] <= 720, f"Play is below the first screen: {play}"
        assert_clean(page)
    finally:
        context.close()


def test_a_lesson_on_a_laptop_gets_a_plot_as_tall_as_the_window_allows(browser, app_url):
    """1440 × 900 with lesson 5: its text and warning fill the first screen's top half; the plot is
    sized for the window (the page scrolls to it), not squeezed into what is left below them."""
    context, page = new_page(browser, 1440, 900)
    try:
        player = open_player(page, app_url, "?lesson=learning-rate")
        page.wait_for_timeout(300)
        player.scroll_into_view_if_needed()
        box = plots(player)[0]
        assert box["height"] >= 0.55 * 900, f"the plot is {box['height']:.0f} px high in a 900 px window"
        whole = player.bounding_box()
        assert whole["height"] <= 900, f"the player is taller than the window: {whole}"
        assert_clean(page)
    finally:
        context.close()
