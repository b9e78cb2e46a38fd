"""Where things are drawn: every picture checked against positions computed here.

The surface is a tilted, off-centre bowl in an asymmetric window,
f = (x − 1.5)² + 4·(y + 0.8)² + 0.5·x·y over x ∈ [−3, 3], y ∈ [−2, 2.5], whose minimum (solved
below from ∇f = 0) sits away from the middle, so an exchanged axis or a flipped picture moves it.
For each renderer the test reads the output back (decoded pixels, or the drawn data through the
axes) and checks that the lowest shading lies at the minimum, that the shading follows f, and that
each run's head is at ``path[step]`` in the run's own colour.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess

import numpy as np
import pytest
from matplotlib import colormaps
from PIL import Image

from playground import exports
from playground.figures import SIDE_BACKDROP, Theme, backdrop, player_data
from playground.figures.drawing import RaceDrawing, css_color
from playground.figures.surface3d import surface3d_figure
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import simulate

FORMULA = "(x-1.5)**2 + 4*(y+0.8)**2 + 0.5*x*y"
BOUNDS = ((-3.0, 3.0), (-2.0, 2.5))
STEPS = 60
# ∇f = 0: [[2, 0.5], [0.5, 8]] · (x, y) = (3, −6.4)
MINIMUM = np.linalg.solve([[2.0, 0.5], [0.5, 8.0]], [3.0, -6.4])


def f(x, y):
    return (x - 1.5) ** 2 + 4 * (y + 0.8) ** 2 + 0.5 * x * y


def experiment(**kw) -> Experiment:
    entries = (Entry("sgd", (("lr", 0.02),), "GD"), Entry("adam", (("lr", 0.08),), "Adam"),
               Entry("momentum", (("lr", 0.004), ("momentum", 0.9)), "Momentum"))
    return Experiment(surface_key="custom", formula=FORMULA, bounds=BOUNDS, entries=entries, start=(-2.5, 2.0),
                      steps=STEPS, **kw)


@pytest.fixture(scope="module")
def race():
    r = simulate(experiment())
    assert np.allclose(np.asarray(r.surface.bounds, dtype=float), BOUNDS)
    return r


def rgb(color: str) -> np.ndarray:
    return np.array(css_color(color)[:3]) * 255


def shade_index(pixels: np.ndarray, theme: Theme) -> np.ndarray:
    """Each pixel's place on the theme's shading ramp (0 = lowest ground), by nearest colour."""
    lo, hi = theme.shade_range
    ramp = colormaps[theme.colormap](np.linspace(lo, hi, 256))[:, :3] * 255
    d = np.linalg.norm(pixels[..., None, :3].astype(float) - ramp, axis=-1)
    return d.argmin(axis=-1)


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def check_shading(sample, theme: Theme, n: int = 15, margin: float = 0.04) -> None:
    """``sample(x, y)`` gives the picture's colour at a data point; the shading must follow f."""
    (x0, x1), (y0, y1) = BOUNDS
    xs = np.linspace(x0 + margin * (x1 - x0), x1 - margin * (x1 - x0), n)
    ys = np.linspace(y0 + margin * (y1 - y0), y1 - margin * (y1 - y0), n)
    X, Y = np.meshgrid(xs, ys)
    colours = np.array([sample(x, y) for x, y in zip(X.ravel(), Y.ravel(), strict=True)])
    shade = shade_index(colours, theme)
    values = f(X.ravel(), Y.ravel())
    assert rank_correlation(shade, values) > 0.9, "the shading does not follow the surface"
    lowest = np.argmin(shade + 1e-6 * values)  # the darkest sample (ties: the lower ground)
    spacing = np.hypot(xs[1] - xs[0], ys[1] - ys[0])
    assert np.hypot(X.ravel()[lowest] - MINIMUM[0], Y.ravel()[lowest] - MINIMUM[1]) <= 1.5 * spacing


# --- the page's race player ------------------------------------------------------------------------


def f32(binary) -> np.ndarray:
    return np.frombuffer(binary.raw, dtype="<f4").astype(float)


def map_sampler(data: dict):
    """The player stretches the backdrop's picture over the plot box: its top-left corner at the
    window's (x0, y1), its bottom-right at (x1, y0) (``assets/paint.js``)."""
    px = np.array(Image.open(io.BytesIO(data["image"].raw)).convert("RGB"))
    h, w = px.shape[:2]
    (x0, x1), (y0, y1) = data["bounds"]

    def sample(x, y):
        col = int((x - x0) / (x1 - x0) * w)
        row = int((y1 - y) / (y1 - y0) * h)
        assert 0 <= col < w and 0 <= row < h
        return px[row, col]

    return sample


def drawn_heads(data: dict, step: int) -> dict[str, tuple[float, float, str]]:
    """Each run's head as the player draws it at ``step`` (``assets/core.js``: the position at the
    step, a run that stopped holding its last one; none while the run is outside the window, where an
    edge marker stands instead): label → (x, y, colour)."""
    out = {}
    for run in data["runs"]:
        path = f32(run["path"]).reshape(-1, data["dim"])
        k = max(0, min(step, len(path) - 1))
        outside = np.reshape(run["outside"], (-1, 4))
        if any(first <= k <= last for first, last, *_ in outside):
            continue
        out[run["label"]] = (*(float(v) for v in path[k]), run["color"])
    return out


@pytest.mark.parametrize(("layout", "dark"), [("race", False), ("race", True), ("side", False)])
def test_player_shading_window_and_heads(race, layout, dark):
    theme = Theme(dark=dark)
    drop = backdrop(race.surface, theme, **(SIDE_BACKDROP if layout == "side" else {}))
    data = player_data.payload(race, layout, drop, dark=dark)
    assert data["layout"] == layout and data["bounds"] == [list(b) for b in BOUNDS]
    check_shading(map_sampler(data), theme)
    colours = dict(zip(race.labels, race.colors, strict=True))
    paths = {label: tr.path for label, tr in zip(race.labels, race.trajectories, strict=True)}
    checked = 0
    for step in range(data["steps"] + 1):
        found = drawn_heads(data, step)
        assert set(found) == set(race.labels), f"step {step}: every run is inside this window"
        for label, (x, y, colour) in found.items():
            p = paths[label][min(step, len(paths[label]) - 1)]
            assert (x, y) == pytest.approx(tuple(p), abs=1e-5), (label, step)
            assert BOUNDS[0][0] <= x <= BOUNDS[0][1] and BOUNDS[1][0] <= y <= BOUNDS[1][1], (label, step)
            assert colour == colours[label]
            checked += 1
    assert checked == len(race.labels) * (STEPS + 1)


def test_a_head_is_drawn_only_inside_the_window():
    """A run that leaves the window has no head outside it: while it is out, an edge marker on the
    window's edge stands for it, and its faint path ends on the edge."""
    exp = experiment()
    exp = Experiment(surface_key="custom", formula=FORMULA, bounds=BOUNDS, start=(-2.5, 2.0), steps=STEPS,
                     entries=(Entry("sgd", (("lr", 0.3),), "GD"), *exp.entries[1:]))
    race = simulate(exp)
    data = player_data.payload(race, "race")
    (x0, x1), (y0, y1) = BOUNDS
    gone = data["runs"][0]
    assert gone["outside"], "lr 0.3 on curvature 8 leaves the window"
    for step in range(data["steps"] + 1):
        for label, (x, y, _) in drawn_heads(data, step).items():
            assert x0 <= x <= x1 and y0 <= y <= y1, (label, step, x, y)
    for first, last, x, y in np.reshape(gone["outside"], (-1, 4)):
        assert "GD" not in drawn_heads(data, int(first)) and "GD" not in drawn_heads(data, int(last))
        assert min(abs(x - x0), abs(x - x1), abs(y - y0), abs(y - y1)) < 1e-9, "the marker sits on the edge"
    if gone["exit"] is not None:
        x, y = gone["exit"]
        assert min(abs(x - x0), abs(x - x1), abs(y - y0), abs(y - y1)) < 1e-9


def test_3d_surface_heights_and_paths(race):
    spec = json.loads(json.dumps(surface3d_figure(race), default=float))
    (surface,) = [t for t in spec["data"] if t["type"] == "surface"]
    xs, ys = np.array(surface["x"]), np.array(surface["y"])
    z = np.array([[np.nan if v is None else v for v in row] for row in surface["z"]])
    assert z.shape == (len(ys), len(xs))  # Plotly: z[row j][column i] is the height at (x[i], y[j])
    X, Y = np.meshgrid(xs, ys)
    ok = np.isfinite(z) & (z < np.nanmax(z))  # the tallest values are clipped on purpose
    np.testing.assert_allclose(z[ok], f(X, Y)[ok], rtol=1e-5, atol=1e-5)
    j, i = np.unravel_index(np.nanargmin(z), z.shape)
    assert abs(xs[i] - MINIMUM[0]) <= xs[1] - xs[0] and abs(ys[j] - MINIMUM[1]) <= ys[1] - ys[0]
    colours = dict(zip(race.labels, race.colors, strict=True))
    for trace in spec["data"]:
        if trace["type"] == "scatter3d" and trace.get("mode") == "lines":
            label = trace["name"]
            path = race.trajectories[race.labels.index(label)].path
            px = np.frombuffer(base64.b64decode(trace["x"]["bdata"]), dtype="<" + trace["x"]["dtype"])
            py = np.frombuffer(base64.b64decode(trace["y"]["bdata"]), dtype="<" + trace["y"]["dtype"])
            np.testing.assert_allclose(px, path[:, 0], rtol=1e-6, atol=1e-6)
            np.testing.assert_allclose(py, path[:, 1], rtol=1e-6, atol=1e-6)
            assert trace["line"]["color"] == colours[label]


# --- the exported pictures ----------------------------------------------------------------------------


def drawing_geometry(race, shown, width, height):
    """The exporter's own axes, to map data to pixels (rows counted from the top)."""
    drawing = RaceDrawing(race, shown, width, height)
    drawing.canvas.draw()
    ax = drawing.axes[0]
    transform = ax.transData.frozen()
    drawing.close()

    def to_pixel(x, y):
        px, py = transform.transform((x, y))
        return round(float(px)), round(float(height - py))

    # The axes point the usual way: x to the right, y up.
    (a, b), (c, d) = to_pixel(BOUNDS[0][0], BOUNDS[1][0]), to_pixel(BOUNDS[0][1], BOUNDS[1][1])
    assert c > a and d < b
    return to_pixel


def check_heads(picture: np.ndarray, to_pixel, race, step: int, tolerance: float) -> None:
    # Later runs are drawn on top; check each head where no later head covers it.
    for i, (tr, colour) in enumerate(zip(race.trajectories, race.colors, strict=True)):
        p = tr.path[min(step, len(tr.path) - 1)]
        col, row = to_pixel(*p)
        later = [to_pixel(*t.path[min(step, len(t.path) - 1)]) for t in race.trajectories[i + 1:]]
        if any(abs(col - c) < 12 and abs(row - r) < 12 for c, r in later):
            continue
        patch = picture[row - 1: row + 2, col - 1: col + 2, :3].reshape(-1, 3).astype(float)
        assert np.linalg.norm(patch.mean(axis=0) - rgb(colour)) < tolerance, (race.labels[i], step, patch)


def png_sampler(picture: np.ndarray, to_pixel):
    def sample(x, y):
        col, row = to_pixel(x, y)
        return np.median(picture[row - 1: row + 2, col - 1: col + 2, :3].reshape(-1, 3), axis=0)
    return sample


W, H = 480, 360


def test_png_shading_and_final_heads(race):
    picture = np.array(Image.open(io.BytesIO(exports.to_png(race, width=W, height=H).data)).convert("RGB"))
    assert picture.shape == (H, W, 3)
    shown = exports.export_steps(exports.steps_run(race), min(exports.steps_run(race) + 1, exports.DEFAULT_FRAMES))
    to_pixel = drawing_geometry(race, shown, W, H)
    check_shading(png_sampler(picture, to_pixel), Theme(), n=9, margin=0.08)
    check_heads(picture, to_pixel, race, int(shown[-1]), tolerance=8)


def gif_frames(data: bytes) -> list[np.ndarray]:
    image = Image.open(io.BytesIO(data))
    frames = []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.array(image.convert("RGB")))
    return frames


def test_gif_heads_follow_their_paths(race):
    n = 7
    frames = gif_frames(exports.to_gif(race, frames=n, width=W, height=H).data)
    shown = exports.export_steps(exports.steps_run(race), n)
    assert len(frames) == len(shown) == n
    to_pixel = drawing_geometry(race, shown, W, H)
    check_shading(png_sampler(frames[0], to_pixel), Theme(), n=9, margin=0.08)
    for picture, step in zip(frames, shown, strict=True):
        check_heads(picture, to_pixel, race, int(step), tolerance=12)


def mp4_frames(data: bytes, width: int, height: int) -> list[np.ndarray]:
    import imageio_ffmpeg

    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", "pipe:0", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "pipe:1"], input=data, capture_output=True, check=True).stdout
    return list(np.frombuffer(out, dtype=np.uint8).reshape(-1, height, width, 3))


def test_mp4_heads_follow_their_paths(race):
    n = 5
    frames = mp4_frames(exports.to_mp4(race, frames=n, width=W, height=H).data, W, H)
    shown = exports.export_steps(exports.steps_run(race), n)
    assert len(frames) == n
    to_pixel = drawing_geometry(race, shown, W, H)
    check_shading(png_sampler(frames[0], to_pixel), Theme(), n=9, margin=0.08)
    for picture, step in zip(frames, shown, strict=True):
        check_heads(picture, to_pixel, race, int(step), tolerance=40)  # H.264 shifts colours a little


# --- the 1-D view --------------------------------------------------------------------------------------


def test_oned_curve_and_balls_sit_on_the_slope():
    exp = Experiment(surface_key="slope", entries=(Entry("adam", (("lr", 0.05),), "Adam"),
                                               Entry("momentum", (("lr", 0.01), ("momentum", 0.9)), "Momentum")),
                     start=(1.7,), steps=80)
    race = simulate(exp)
    right, left = race.surface.params["right"], race.surface.params["left"]

    def g(x):  # the slope, written out here
        return np.where(x > 0, right * x, -left * x)

    data = player_data.payload(race, "oned")
    assert data["layout"] == "oned" and data["dim"] == 1 and "image" not in data
    xs, ys = f32(data["curve"]["x"]), f32(data["curve"]["y"])
    (x0, x1), = race.surface.bounds
    assert xs[0] == pytest.approx(x0) and xs[-1] == pytest.approx(x1)
    np.testing.assert_allclose(ys, g(xs), rtol=1e-6, atol=1e-6)
    assert data["start"] == [1.7]
    checked = 0
    for run, tr, colour in zip(data["runs"], race.trajectories, race.colors, strict=True):
        # The player draws run i's ball at (path[k], loss[k]) (assets/core.js): on the curve at the run's x.
        x, loss = f32(run["path"]), f32(run["loss"])
        np.testing.assert_allclose(x, tr.path[:, 0], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(loss, g(x), rtol=1e-5, atol=1e-5)
        assert run["color"] == colour
        assert len(x) == exp.steps + 1 and abs(x[-1] - x[0]) > 1e-3, "the ball moved"
        checked += len(x)
    assert checked == 2 * (exp.steps + 1)


# --- the sweep heatmap against its overlay ------------------------------------------------------------


def blank(v) -> bool:
    """A cell Plotly leaves empty: null (or NaN before it is sent)."""
    return v is None or (isinstance(v, float) and np.isnan(v))


def test_sweep_cells_line_up_with_their_hyperparameters_and_the_stability_line():
    import optimizers
    from playground.figures.sweep import sweep_figure
    from playground.model.sweep import SweepSpec, run_sweep

    exp = Experiment(surface_key="bowl", surface_params=(("a", 1.0), ("angle", 0.0), ("b", 25.0)),
                     entries=(Entry("momentum", (("lr", 0.02), ("momentum", 0.5)), "Heavy ball"),),
                     start=(-2.0, 1.5), steps=150)
    spec = SweepSpec(entry=0, x="lr", x_range=(0.05, 0.25), y="momentum", y_range=(0.0, 0.9), resolution=16)
    result = run_sweep(exp, spec)
    fig = json.loads(json.dumps(sweep_figure(result), default=float))
    heat = fig["data"][0]
    assert heat["type"] == "heatmap"
    xs, ys = np.array(heat["x"]), np.array(heat["y"])
    assert xs[0] < xs[-1] and ys[0] < ys[-1] and len(xs) == len(ys) == 16
    assert fig["layout"]["xaxis"]["title"]["text"] == "lr" and fig["layout"]["yaxis"]["title"]["text"] == "momentum"
    overlay = next(t for t in fig["data"] if t["type"] == "heatmap" and t["name"] == "diverged")
    surface = exp.build_surface()
    diverged = np.zeros((len(ys), len(xs)), dtype=bool)
    shrank = np.zeros((len(ys), len(xs)), dtype=bool)  # ended below the starting loss
    start_loss = 0.5 * (exp.start[0] ** 2 + 25 * exp.start[1] ** 2)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            tr = optimizers.run(optimizers.make("momentum", lr=x, momentum=y), surface, exp.start, steps=exp.steps)
            diverged[j, i] = tr.diverged_at is not None
            cell, marked = heat["z"][j][i], overlay["z"][j][i]
            if diverged[j, i]:
                assert blank(cell) and marked == 1, (x, y)
            else:
                px, py = tr.path[-1]
                shrank[j, i] = 0.5 * (px**2 + 25 * py**2) < start_loss
                assert cell == pytest.approx(np.log10(max(0.5 * (px**2 + 25 * py**2), 1e-300)), abs=2e-6), (x, y)
                assert blank(marked)
    assert diverged.any() and not diverged.all()
    # The drawn stability line separates the cells: left of it the runs shrink, right of it they grow.
    (line,) = [t for t in fig["data"] if t.get("mode") == "lines" and t["name"].startswith("stable iff")]
    assert len(line["x"]) == len(ys)
    for cx, cy in zip(line["x"], line["y"], strict=True):
        j = int(np.argmin(np.abs(ys - cy)))
        assert ys[j] == pytest.approx(cy)
        left, right = xs < 0.9 * cx, xs > 1.1 * cx
        assert left.any() and right.any()
        assert shrank[j, left].all() and not diverged[j, left].any(), cy
        assert not shrank[j, right].any(), cy
    star = next(t for t in fig["data"] if t["name"] == "current setting")
    assert (star["x"][0], star["y"][0]) == (0.02, 0.5)
