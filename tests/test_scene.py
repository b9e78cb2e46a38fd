"""The scene: what is drawn at a step, worked out once (``playground.figures.scene``), and that the
page's player and the GIF/MP4 drawing both draw that one scene.

Expected crossings are worked out by hand (or, for a real race, by intersecting the segment with
the window's side in the test itself).
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.figures import player_data as player
from playground.figures.drawing import MARKERS, PT, RaceDrawing
from playground.figures.scene import (
    DENSE,
    PRESENT_SCALE,
    SHAPES,
    THINNEST,
    Marks,
    Scene,
    edge_marker,
    edge_point,
    ink,
    outside_stretches,
    run_scene,
    scene,
)
from playground.model.link import decode
from playground.model.simulate import simulate

BOX = ((-1.0, 1.0), (-1.0, 1.0))


def test_a_segment_leaves_the_window_on_the_side_it_meets_first():
    assert edge_point((0, 0), (3, 0), BOX) == (1.0, 0.0)
    assert edge_point((0, 0), (0, -5), BOX) == (0.0, -1.0)
    # From (0.5, 0.5) towards (1.5, 2.5): x reaches 1 at t = 0.5, y reaches 1 at t = 0.25 first.
    assert edge_point((0.5, 0.5), (1.5, 2.5), BOX) == (0.75, 1.0)
    # Through a corner: both sides at t = 0.5.
    assert edge_point((0, 0), (2, 2), BOX) == (1.0, 1.0)
    assert edge_point((0.2, 0.3), (np.inf, 0), BOX) == (0.2, 0.3)


def test_stretches_outside_the_window():
    path = np.array([[0, 0], [2, 0], [3, 0], [0.5, 0], [1, 1], [0, 9]])
    assert outside_stretches(path, BOX) == [(1, 2), (5, 5)]  # (1, 1) is on the corner: inside
    assert outside_stretches(path[:1], BOX) == []


def test_a_diverged_run_ends_where_it_left_for_good_and_is_outside_while_outside():
    # Out at step 1 (back at 3), out for good from step 5 on, diverged at step 7.
    path = np.array([[0, 0], [2, 0], [3, 0], [0.5, 0], [0.5, 0.5], [1.5, 2.5], [-40, -90]])
    run = run_scene(path, BOX, 7, "a", "#000", head=9.5, dot=6.8)
    assert run.last == 4
    assert run.exit == (0.75, 1.0)
    assert run.cross == (0.75, 1.0)
    assert run.outside == ((1, 2, 1.0, 0.0), (5, 6, 0.75, 1.0))
    assert run.as_dict()["outside"] == [1, 2, 1, 0, 5, 6, 0.75, 1]
    # A run that never diverged is drawn whole; its stretches outside are kept for the edge marker.
    calm = run_scene(path[:5], BOX, None, "b", "#000", head=7, dot=5.6)
    assert (calm.last, calm.exit, calm.cross) == (4, None, None)
    assert calm.outside == ((1, 2, 1.0, 0.0),)
    # Diverged inside the window: the cross is at the last position.
    inside = run_scene(path[:4], BOX, 4, "c", "#000", head=7, dot=5.6)
    assert (inside.last, inside.exit, inside.cross) == (3, None, (0.5, 0.0))


def test_a_start_outside_the_window_is_outside_from_step_0():
    run = run_scene(np.array([[3.0, -0.5], [0.5, 0.0]]), BOX, None, "a", "#000", head=7, dot=5.6)
    assert run.outside == ((0, 0, 1.0, -0.5),)


def test_the_edge_marker_sits_on_the_nearest_edge_and_points_to_the_run():
    # BOX is [-1, 1]²: (3, -0.5) is right of it; its nearest point is (1, -0.5), and the run lies along +x.
    assert edge_marker((3.0, -0.5), BOX) == ((1.0, -0.5), (1.0, 0.0))
    # Beyond a corner: the corner, and the unit vector from it to the run (3-4-5 triangle).
    at, towards = edge_marker((4.0, 5.0), BOX)
    assert at == (1.0, 1.0) and towards == pytest.approx((0.6, 0.8))
    # An infinite coordinate points straight out of its side; a NaN one stays mid-window.
    assert edge_marker((-np.inf, 0.25), BOX) == ((-1.0, 0.25), (-1.0, 0.0))
    assert edge_marker((np.nan, 7.0), BOX) == ((0.0, 1.0), (0.0, 1.0))
    # Inside: itself, with no direction.
    assert edge_marker((0.5, 0.5), BOX) == ((0.5, 0.5), (0.0, 0.0))


def test_one_dimensional_points_are_on_the_curve():
    path = np.array([[0.0], [0.5], [4.0], [-9.0]])
    run = run_scene(path, ((-1.0, 2.0),), 4, "a", "#000", head=7, dot=5.6, value=lambda p: 3 * p[..., 0] ** 2)
    # Out for good at step 2: the segment 0.5 -> 4 meets x = 2; there f = 12.
    assert run.last == 1
    assert run.exit == (2.0, 12.0)
    assert run.outside == ((2, 3, 2.0, 12.0),)


@pytest.fixture(scope="module")
def lesson5():
    exp, warnings = decode("lesson=learning-rate")
    assert not warnings
    return simulate(exp)


def test_lesson_5s_large_rate_ends_on_the_windows_edge(lesson5):
    view = scene(lesson5)
    tr = lesson5.trajectories[2]
    assert tr.diverged_at is not None
    (x0, x1), (y0, y1) = lesson5.surface.bounds
    p = tr.path
    ok = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    first_out = int(np.argmin(ok))
    assert ok[:first_out].all() and not ok[first_out:].any(), "it leaves once, for good"
    a, b = p[first_out - 1], p[first_out]
    side = y1 if b[1] > y1 else y0
    want = (a[0] + (side - a[1]) / (b[1] - a[1]) * (b[0] - a[0]), side)
    run = view.runs[2]
    assert run.last == first_out - 1
    np.testing.assert_allclose(run.exit, want, rtol=0, atol=1e-12)
    assert run.cross == run.exit
    # Outside from the step it left on; the cross and "diverged at step k" only from step k.
    assert view.outside_since(2, first_out) == first_out and view.outside_since(2, first_out - 1) is None
    assert not view.crossed(2, tr.diverged_at - 1) and view.crossed(2, tr.diverged_at)
    assert first_out < tr.diverged_at, "it leaves the window well before it diverges"
    # The others never leave: drawn whole, never outside.
    assert [(r.last, r.exit, r.outside) for r in view.runs[:2]] == [(200, None, ()), (200, None, ())]


def test_tails_stop_at_the_exit_and_are_gone_a_tail_later(lesson5):
    view = scene(lesson5)
    last, tail = view.runs[2].last, view.marks.tail
    every = np.arange(view.steps + 1)
    idx, edge = view.tail(2, every, last + 3)
    assert idx.tolist() == list(range(max(0, last + 3 - tail), last + 1)) and edge == view.runs[2].exit
    idx, edge = view.tail(2, every, last + tail + 1)
    assert idx.size == 0 and edge is None
    # Frames that skip steps: the tail starts at the step shown `tail` frames back.
    frames = np.arange(0, 201, 5)
    idx, edge = view.tail(0, frames, 20)
    assert idx[0] == frames[20 - tail] and idx[-1] == 100 and edge is None


def test_heads_are_of_one_size_each_run_has_its_shape_and_presentation_scales_every_mark(lesson5):
    view = scene(lesson5)
    m = Marks()
    assert [r.head for r in view.runs] == [m.head] * 3
    assert [r.shape for r in view.runs] == list(SHAPES[:3]) and len(set(SHAPES)) == 8
    big = scene(lesson5, present=True)
    assert big.marks.head == pytest.approx(PRESENT_SCALE * m.head)
    assert big.marks.cross == pytest.approx(PRESENT_SCALE * m.cross)
    assert big.marks.tail == m.tail and big.marks.path_alpha == m.path_alpha


def test_the_player_and_the_gif_draw_the_same_scene(lesson5):
    """The payload's numbers and the matplotlib drawing's artists (heads, cross, faint path's end,
    markers' sizes) both come from the scene."""
    data = player.payload(lesson5, "race")
    frames = np.arange(lesson5.experiment.steps + 1)
    drawing = RaceDrawing(lesson5, frames, 480, 360)
    try:
        ax = drawing.axes[0]
        run = data["runs"][2]
        assert run["exit"] is not None
        # The faint path of the diverged run ends at the payload's exit point.
        faint = [ln for ln in ax.get_lines() if ln.get_color() == run["color"] and ln.get_linestyle() == "-"
                 and not ln.get_animated()]
        assert len(faint) == 1
        np.testing.assert_allclose(faint[0].get_xydata()[-1], run["exit"], atol=1e-12)
        assert len(faint[0].get_xydata()) == run["last"] + 2
        # The cross is drawn where the payload says, and only from the step the run diverged.
        cross = drawing.run_artists[2]["cross"]
        np.testing.assert_allclose(cross.get_xydata()[0], run["cross"], atol=1e-12)
        assert cross.get_markersize() == pytest.approx(2 * data["marks"]["cross"] * PT)
        drawing.show(run["diverged_at"] - 1)
        assert not cross.get_visible() and drawing.run_artists[2]["edge"].get_xydata().size == 2
        assert drawing.run_artists[2]["head"].get_xydata().size == 0, "no head while outside the window"
        # Heads: the payload's sizes and shapes; at the last frame the diverged one has none, its cross shows.
        drawing.show(len(frames) - 1)
        heads = [a["head"] for a in drawing.run_artists]
        for head, sent in zip(heads, data["runs"], strict=True):
            assert head.get_markersize() == pytest.approx(2 * sent["head"] * PT)
            assert head.get_marker() == MARKERS[sent["shape"]]
        assert heads[2].get_xydata().size == 0 and cross.get_visible()
        tail = drawing.run_artists[2]["tail"].get_xydata()
        assert len(tail) == 0, "a tail long gone past the edge"
        # Minima and start: the same points and sizes.
        star = next(ln for ln in ax.get_lines() if ln.get_marker() == "*")
        np.testing.assert_allclose(star.get_xydata(), data["minima"])
        assert star.get_markersize() == pytest.approx(2 * data["marks"]["star"] * PT)
    finally:
        drawing.close()


def test_the_gif_of_lesson_5_does_not_paint_the_window_over(lesson5):
    """At the last frame, the diverged run's green covers a sliver of the plot, not a block."""
    drawing = RaceDrawing(lesson5, np.arange(lesson5.experiment.steps + 1), 960, 720)
    try:
        rgba = drawing.frame(lesson5.experiment.steps)
        box = drawing.axes[0].get_window_extent()
        h = rgba.shape[0]
        plot = rgba[int(h - box.y1) + 2 : int(h - box.y0) - 2, int(box.x0) + 2 : int(box.x1) - 2, :3].astype(int)
        r, g, b = plot[..., 0], plot[..., 1], plot[..., 2]
        green = (g - r > 50) & (g - b > 10)  # the run's #009E73, faint or not, over the grey shading
        assert 0.0005 < green.mean() < 0.02, f"{green.mean():.2%} of the plot is the diverged run's green"
    finally:
        drawing.close()


def test_a_path_crossing_the_window_over_and_over_is_drawn_thinner():
    # 1 diagonal of ink: drawn as usual. The window's diagonal is sqrt(8).
    one = np.array([[-1.0, -1.0], [1.0, 1.0]])
    assert ink(one, 1, None, BOX) == 1.0
    # A zig-zag between the top and bottom edges, 2 units a step: 57 steps make 57·2/sqrt(8) ≈ 40.3
    # diagonals, drawn at sqrt(DENSE / 40.3) ≈ 0.5 of the usual.
    steps = 57
    zigzag = np.array([[0.0, 1.0 if k % 2 else -1.0] for k in range(steps + 1)])
    want = np.sqrt(DENSE / (steps * 2 / np.sqrt(8)))
    assert ink(zigzag, steps, None, BOX) == pytest.approx(want, rel=1e-9)
    # Steps far outside count only as far as they show in the window (points clamped to it).
    wild = zigzag * 1e5
    assert ink(wild, steps, None, BOX) == pytest.approx(want, rel=1e-9)
    # Only the part the scene draws counts (up to `last`, then the exit point).
    assert ink(zigzag, 0, (0.0, 1.0), BOX) == 1.0
    # Never thinner than THINNEST.
    assert ink(np.tile(zigzag, (20, 1)), 20 * len(zigzag) - 1, None, BOX) == THINNEST
    run = run_scene(zigzag, BOX, None, "z", "#000", head=7, dot=5.6)
    assert run.ink == pytest.approx(want, rel=1e-9) and run.as_dict()["ink"] == pytest.approx(want, abs=1e-3)


def test_the_gif_and_the_player_thin_the_same_dense_path():
    race = simulate(decode("surface=bowl:b=25&opt=sgd:lr=0.0802;sgd:lr=0.02&steps=300&start=-2.5,1.5")[0])
    data = player.payload(race, "race")
    dense, calm = (r["ink"] for r in data["runs"])
    assert dense < 0.5 and calm == 1.0, (dense, calm)
    drawing = RaceDrawing(race, np.arange(301), 480, 360)
    try:
        faint = {ln.get_color(): ln for ln in drawing.axes[0].get_lines()
                 if ln.get_linestyle() == "-" and not ln.get_animated() and ln.get_color() in race.colors}
        for sent in data["runs"]:  # the payload rounds ink to 3 decimals
            line = faint[sent["color"]]
            assert line.get_linewidth() == pytest.approx(data["marks"]["path_width"] * sent["ink"] * PT, rel=2e-3)
            assert line.get_alpha() == pytest.approx(data["marks"]["path_alpha"] * sent["ink"], rel=2e-3)
    finally:
        drawing.close()


def test_a_tail_ends_where_the_path_went_out_while_the_run_is_outside():
    """Steps far outside, clipped to the window, would be lines straight across it: the tail stops at
    the edge while the run is out, and joins every position again once it is back."""
    # In, in, out far above and below (a wild oscillation), out, back in.
    path = np.array([[0.0, 0.0], [0.0, 0.5], [0.0, 900.0], [0.0, -900.0], [0.5, 0.0]])
    run = run_scene(path, BOX, None, "a", "#000", head=7, dot=5.6)
    assert run.outside == ((2, 3, 0.0, 1.0),)
    view = Scene(bounds=BOX, dim=2, steps=4, start=(0.0, 0.0), minima=(), runs=(run,), marks=Marks())
    every = np.arange(5)
    idx, edge = view.tail(0, every, 3)
    assert idx.tolist() == [0, 1] and edge == (0.0, 1.0)
    assert view.outside_since(0, 3) == 2 and view.outside_since(0, 4) is None
    idx, edge = view.tail(0, every, 4)
    assert idx.tolist() == [0, 1, 2, 3, 4] and edge is None
