"""The race player's second clock and its extra marks, in headless chromium, from the standalone HTML
export (the page's own player and payload, no server): the clock by gradient evaluations, Schedule-
Free's z and y trails, the data panel on the player's clock, the full and mini-batch gradients at the
heads, and Newton's steps against an H that is not positive definite.

Expected numbers come from the core (``simulate``, ``data_panel``), never from the player. Every test
fails on a console error or a page error. Run under the browser lock:
``flock /tmp/browser.lock .venv/bin/python -m pytest tests/browser/test_player_features.py -q``.
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from browser_support import PLAYER
from PIL import Image

from playground import exports
from playground.model.datapanel import data_panel
from playground.model.link import decode
from playground.model.simulate import simulate

pytestmark = pytest.mark.browser



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
    assert rows.nth(0).locator(".rp-at").inner_text() == "step 50"
    assert rows.nth(1).locator(".rp-at").inner_text() == "step 100"
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


# --- helpers reading the canvas -------------------------------------------------------------------------


def canvas_box(player) -> tuple[float, float, float, float]:
    """The race map's plot box (left, top, width, height) in canvas CSS px."""
    first = player.locator("canvas.rp-canvas").get_attribute("data-plots").split(";")[0]
    return tuple(map(float, first.split(",")))


def to_px(player, bounds, xy) -> np.ndarray:
    left, top, w, h = canvas_box(player)
    (x0, x1), (y0, y1) = bounds
    xy = np.asarray(xy, dtype=np.float64)
    return np.stack([left + (xy[..., 0] - x0) / (x1 - x0) * w, top + (y1 - xy[..., 1]) / (y1 - y0) * h], axis=-1)


def drawn_marks(player) -> list[dict]:
    return json.loads(player.locator("canvas.rp-canvas").get_attribute("data-marks"))


def pixel(page, player, xy) -> np.ndarray:
    """The colour on screen at canvas CSS px ``xy``."""
    box = player.locator("canvas.rp-canvas").bounding_box()
    png = page.screenshot(clip={"x": box["x"] + xy[0] - 1, "y": box["y"] + xy[1] - 1, "width": 3, "height": 3})
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)[1, 1]


def rgb(color: str) -> np.ndarray:
    return np.array([int(color[i: i + 2], 16) for i in (1, 3, 5)], dtype=float)


# --- Schedule-Free's three sequences ------------------------------------------------------------------


def test_schedule_free_draws_z_and_y_beside_its_path(open_race, shots):
    page, player, race = open_race("surface=bowl:b=10&opt=schedule_free_sgd:lr=0.15;sgd:lr=0.05&steps=120")
    tr = race.trajectories[0]
    keys = player.locator(".rp-keys").inner_text()
    spec = race.trajectories[0].optimizer.spec
    assert f"■ {spec.label('z')}" in keys and f"◆ {spec.label('y')}" in keys  # named as its spec names them
    for k in (10, 30):
        go_to(player, k)
        marks = drawn_marks(player)
        assert [m["run"] for m in marks] == [0, 1]
        assert "z" not in marks[1] and "y" not in marks[1], "plain SGD has no z or y"
        for name in ("z", "y"):
            want = to_px(player, race.surface.bounds, tr.state[name][k - 1])
            np.testing.assert_allclose(marks[0][name], want, atol=0.6)
        # The z mark is painted in the run's colour where it is said to be (its white rim around it).
        np.testing.assert_allclose(pixel(page, player, marks[0]["z"]), rgb(race.colors[0]), atol=40)
    assert np.linalg.norm(np.subtract(marks[0]["z"], marks[0]["y"])) > 2, "z and y apart at step 30"
    page.screenshot(path=str(shots / "player-schedule-free.png"))


# --- Newton against an H that is not positive definite -------------------------------------------------


def test_newton_marks_the_steps_against_an_indefinite_hessian(open_race, shots):
    page, player, race = open_race("surface=himmelblau&opt=newton&start=2,0&steps=10")
    tr = race.trajectories[0]
    eig = np.asarray(tr.state["eigenvalues"])
    bad = np.flatnonzero(eig.min(axis=1) < 0)
    good = np.flatnonzero(eig.min(axis=1) > 0)
    assert len(bad) and len(good), "this start has steps of both kinds"
    triangles = json.loads(player.locator("canvas.rp-canvas").get_attribute("data-triangles"))[0][0]
    got = np.array([[float(v) for v in t.split(",")] for t in triangles])
    np.testing.assert_allclose(got, to_px(player, race.surface.bounds, tr.path[bad]), atol=0.15)
    note = player.locator(".rp-readout tbody tr .rp-note")
    for k in bad[:2]:
        go_to(player, int(k))
        assert "H indefinite at this step" in note.inner_text()
    go_to(player, int(good[0]))
    assert "indefinite" not in note.inner_text()
    assert "H not positive definite" in player.locator(".rp-keys").inner_text()
    page.screenshot(path=str(shots / "player-newton.png"))


# --- the data panel on the player's clock, and the two gradients --------------------------------------


def data_lines(player) -> list[dict]:
    return json.loads(player.locator("canvas.rp-data").get_attribute("data-lines"))


@pytest.mark.parametrize("query", [
    "surface=linear_regression&opt=sgd:lr=0.1;adam:lr=0.05&steps=120&batch=8",
    "surface=logistic_regression:separation=3&opt=sgd:lr=1;adam:lr=0.05&steps=120",
])
def test_data_panel_draws_each_runs_line_of_the_current_step(open_race, query, shots):
    page, player, race = open_race(query)
    panel = data_panel(race)
    data = player.locator("canvas.rp-data")
    assert data.is_visible()
    shown = {}
    for k in (3, 60):
        go_to(player, k)
        lines = data_lines(player)
        assert [line["run"] for line in lines] == [0, 1] and all(line["index"] == k for line in lines)
        for line in lines:
            want = panel.segments(line["run"], np.array([k]))[0].ravel()
            np.testing.assert_allclose(line["data"], want, rtol=1e-5, atol=1e-5)
            # The canvas shows the run's colour along the segment (inside the plot box).
            left, top, w, h = map(float, data.get_attribute("data-plot").split(","))
            x0, y0, x1, y1 = line["px"]
            box = data.bounding_box()
            hits = 0
            for f in (0.3, 0.45, 0.55, 0.7):
                x, y = x0 + f * (x1 - x0), y0 + f * (y1 - y0)
                if left + 2 < x < left + w - 2 and top + 2 < y < top + h - 2:
                    png = page.screenshot(clip={"x": box["x"] + x - 1, "y": box["y"] + y - 1, "width": 3, "height": 3})
                    seen = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
                    hits += bool(np.min(np.abs(seen - rgb(race.colors[line["run"]])).max(axis=-1)) < 60)
            assert hits >= 2, f"run {line['run']} at step {k}: its colour is not along its segment"
        shown[k] = [line["data"] for line in lines]
    assert not np.allclose(shown[3], shown[60]), "the lines move with the clock"
    page.screenshot(path=str(shots / f"player-data-{query.split('&')[0].split('=')[1].split(':')[0]}.png"))


def test_a_mini_batch_race_shows_the_full_and_the_mini_batch_gradient(open_race):
    _, player, race = open_race("surface=linear_regression&opt=sgd:lr=0.1;adam:lr=0.05&steps=120&batch=8")
    panel = data_panel(race)
    assert "full gradient" in player.locator(".rp-keys").inner_text()
    for k in (5, 40):
        go_to(player, k)
        for m in drawn_marks(player):
            i = m["run"]
            head = to_px(player, race.surface.bounds, race.trajectories[i].path[k])
            tips = {n: np.subtract(m["arrows"][n], head) for n in ("full", "batch")}
            # Downhill: against the gradient; the y axis points down on the canvas.
            for name, g in (("full", panel.full_grads[i][k]), ("batch", panel.batch_grads[i][k])):
                want = np.array([-g[0], g[1]])
                cos = tips[name] @ want / np.linalg.norm(tips[name]) / np.linalg.norm(want)
                assert cos > 0.999, (name, k, cos)
            ratio = np.linalg.norm(tips["full"]) / np.linalg.norm(tips["batch"])
            want = np.linalg.norm(panel.full_grads[i][k]) / np.linalg.norm(panel.batch_grads[i][k])
            assert ratio == pytest.approx(want, rel=0.02)


def test_no_gradient_pair_without_mini_batches(open_race):
    _, player, _ = open_race("surface=linear_regression&opt=sgd:lr=0.1&steps=60")
    go_to(player, 10)
    assert all("arrows" not in m for m in drawn_marks(player))
    assert "full gradient" not in player.locator(".rp-keys").inner_text()
    assert player.locator("canvas.rp-data").is_visible()
