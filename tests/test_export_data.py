"""Exports of a race on a data surface (PNG, GIF, MP4 frames) show the data panel the page shows:
the points, and each run's line or boundary at the frame's step, moving from frame to frame."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from playground import exports
from playground.figures.drawing import RaceDrawing, css_color, title_lines
from playground.model.datapanel import data_panel
from playground.model.link import decode
from playground.model.simulate import simulate

W, H = 960, 720


def _race(link: str):
    return simulate(decode(link)[0])


def _pixel(image: np.ndarray, ax, point) -> np.ndarray:
    """The RGB pixels around a data point of ``ax`` in a frame (rows top-down), as ``(n, 3)``."""
    x, y = ax.transData.transform(point)
    col, row = round(float(x)), round(float(H - y))
    return image[row - 1 : row + 2, col - 1 : col + 2, :3].reshape(-1, 3).astype(float)


def _distance(p: np.ndarray, seg: np.ndarray) -> float:
    """Pixels from ``p`` to the segment ``seg`` (two end points, in pixels)."""
    a, b = seg
    t = np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-12), 0, 1)
    return float(np.linalg.norm(p - (a + t * (b - a))))


def _near(pixels: np.ndarray, color: str, within: float = 40.0) -> bool:
    target = np.array(css_color(color)[:3]) * 255
    return bool((np.linalg.norm(pixels - target, axis=1) < within).any())


@pytest.mark.parametrize("link", [
    "surface=logistic_regression&opt=sgd:lr=0.5;adam:lr=0.05&steps=120",
    "surface=linear_regression:feature_scale=3&opt=sgd:lr=0.02;rmsprop:lr=0.05&batch=8&steps=120",
])
def test_every_frame_draws_each_run_s_line_at_its_step(link):
    race = _race(link)
    panel = data_panel(race)
    shown = np.array([0, 10, 60, 120])
    drawing = RaceDrawing(race, shown, W, H, animated=False)
    assert drawing.data is not None
    ax = drawing.data.ax
    # The panel lies inside the picture, right of the race and clear of it.
    box = ax.get_window_extent()
    race_box = drawing.axes[0].get_window_extent()
    assert race_box.x1 < box.x0 and box.x1 <= W and box.y0 >= 0 and box.y1 <= H
    assert box.width > 150 and box.height > 150
    moved, probed = False, 0
    for f, step in enumerate(shown):
        image = drawing.frame(f)
        for i, (line, color) in enumerate(zip(drawing.data.lines, race.colors, strict=True)):
            want = panel.segments(i, [step])[0]
            np.testing.assert_allclose(np.asarray(line.get_data()).T, want)
            # The line's pixels are the run's colour, a quarter of the way along its visible part.
            (x0, x1), (y0, y1) = panel.window
            t = np.linspace(0, 1, 400)[:, None]
            pts = want[0] + t * (want[1] - want[0])
            inside = pts[(pts[:, 0] > x0) & (pts[:, 0] < x1) & (pts[:, 1] > y0) & (pts[:, 1] < y1)]
            assert len(inside) > 20
            # Lines drawn later cover this one where they pass within a few pixels (runs start together,
            # and may end on the same fit): probe where none does.
            px = ax.transData.transform(inside)
            later = [ax.transData.transform(panel.segments(j, [step])[0]) for j in range(i + 1, len(race.colors))]
            clear = [p for p in px if all(_distance(p, seg) > 6 for seg in later)]
            if clear:
                probe = ax.transData.inverted().transform(clear[len(clear) // 2])
                assert _near(_pixel(image, ax, probe), color), (f, i)
                probed += 1
        moved |= f > 0 and not np.allclose(drawing.data.lines[0].get_data(), panel.segments(0, [0])[0].T)
    assert moved, "the lines move with the clock"
    assert probed >= len(shown), "most lines were checked on their pixels"
    drawing.close()


def test_a_race_without_data_has_no_panel():
    drawing = RaceDrawing(_race("surface=bowl&opt=sgd&steps=20"), np.arange(21), W, H, animated=False)
    assert drawing.data is None and len(drawing.figure.axes) == 1
    drawing.close()


def test_the_gif_s_panel_changes_between_frames_and_the_page_s_arrays_drive_it():
    race = _race("surface=logistic_regression&opt=sgd:lr=0.5&steps=60")
    gif = exports.export(race, "gif", frames=4, width=W, height=H).data
    frames = []
    with Image.open(io.BytesIO(gif)) as im:
        for k in range(im.n_frames):
            im.seek(k)
            frames.append(np.asarray(im.convert("RGB")).astype(int))
    drawing = RaceDrawing(race, np.linspace(0, 60, 4).round().astype(int), W, H, animated=False)
    box = drawing.data.ax.get_window_extent()
    rows = slice(int(H - box.y1) + 2, int(H - box.y0) - 2)
    cols = slice(int(box.x0) + 2, int(box.x1) - 2)
    first, last = frames[0][rows, cols], frames[-1][rows, cols]
    changed = np.abs(first - last).sum(axis=2) > 60
    assert changed.mean() > 0.002, "the boundary moves inside the panel"
    # The points are the same in every frame: most of the panel is unchanged.
    assert changed.mean() < 0.2
    drawing.close()


def test_the_title_names_the_mini_batch_sizes():
    race = _race("surface=linear_regression&opt=sgd:batch=1;sgd:batch=8;sgd&steps=30&seed=5")
    _, details = title_lines(race)
    assert "mini-batches of 1 and 8 of 64 points, seed 5" in details
    _, details = title_lines(_race("surface=linear_regression&opt=sgd&steps=30"))
    assert not any("mini-batch" in d for d in details)


def test_the_json_export_names_each_run_s_batch_size():
    import json

    race = _race("surface=linear_regression&opt=sgd:batch=1;sgd;adam:batch=0&batch=8&steps=20")
    runs = json.loads(exports.export(race, "json").data)["runs"]
    assert [r.get("batch_size") for r in runs] == [1, 8, None]


def test_runs_on_mini_batches_show_both_gradients_at_their_heads():
    race = _race("surface=linear_regression&opt=sgd:lr=0.1,batch=2;adam:lr=0.05;sgd:lr=0.1,batch=0&steps=60")
    shown = np.array([0, 5, 30, 60])
    drawing = RaceDrawing(race, shown, W, H, animated=False)
    arrows = drawing.batch_arrows
    assert arrows is not None and [i for i, *_ in arrows.arrows] == [0], "only the run on mini-batches"
    panel = data_panel(race)
    (_, full, used), = arrows.arrows
    (x0, x1), (y0, y1) = race.surface.bounds
    reach = 0.08 * np.hypot(x1 - x0, y1 - y0)
    for f, step in enumerate(shown):
        drawing.frame(f)
        k = drawing.scene.head_index(0, step)
        if k >= len(panel.full_grads[0]):
            assert not full.get_visible() and not used.get_visible()  # the last position took no step
            continue
        at = race.trajectories[0].path[k]
        g_full, g_used = -panel.full_grads[0][k], -race.trajectories[0].grads[k]
        scale = reach / max(np.hypot(*g_full), np.hypot(*g_used))
        for arrow, g in ((full, g_full), (used, g_used)):
            start, end = arrow._posA_posB
            np.testing.assert_allclose(start, at)
            np.testing.assert_allclose(end, at + g * scale)
            assert arrow.get_visible()
        # The mini-batch gradient is not the full one: the two arrows differ.
        assert not np.allclose(g_full, g_used)
    drawing.close()
    assert RaceDrawing(_race("surface=linear_regression&opt=sgd&steps=20"), np.arange(21), W, H,
                       animated=False).batch_arrows is None
