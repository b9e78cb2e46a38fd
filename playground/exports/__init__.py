"""Exports: a race as a file. Pure functions from an :class:`Experiment` (or a :class:`Race`) to bytes.

Formats:

- ``gif`` and ``mp4``: the race animated, drawn with matplotlib;
- ``png``: the final picture, the same drawing at the last step;
- ``html``: the page's own race player and the race's data in one self-contained file that plays offline;
- ``csv``: the trajectories in long format, one row per optimizer and step;
- ``json``: the experiment's link, labels, colours, hyperparameters, paths, losses and divergence.

Every function returns an :class:`ExportResult`; a request beyond a cap (:data:`CAPS.export_frames`,
:data:`MAX_WIDTH`, …) is clamped and the result says so in ``messages``.

Animations are fast because a frame only redraws what moves. The figure is drawn once without the
moving artists and the pixels are kept; each frame restores those pixels, draws the heads, tails and
step counter, and reads the buffer. The GIF is encoded as it goes (:class:`GifStream`): one
palette for the whole animation (the run colours kept exact, the rest from the static picture),
and each frame stores only the rectangle that changed since the previous one, its unchanged pixels
transparent. MP4 frames are piped to imageio-ffmpeg's ffmpeg. Memory stays at a few frames whatever
the frame count.

The matplotlib drawing (:class:`RaceDrawing`) takes trajectories as data and does no optimizer maths.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import itertools
import json
import math
import os
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from playground.figures import SIDE_BACKDROP, Theme, backdrop
from playground.figures.drawing import SEPARATOR, RaceDrawing, css_color, title_lines
from playground.model.caps import CAPS
from playground.model.experiment import Experiment, to_query_string
from playground.model.simulate import Race, simulate
from playground.page import player

FORMATS = ("gif", "mp4", "png", "html", "csv", "json")
ANIMATED = ("gif", "mp4")
MIME = {
    "gif": "image/gif",
    "mp4": "video/mp4",
    "png": "image/png",
    "html": "text/html",
    "csv": "text/csv",
    "json": "application/json",
}

MAX_WIDTH, MAX_HEIGHT = 1920, 1440
MIN_WIDTH, MIN_HEIGHT = 160, 120
DEFAULT_WIDTH, DEFAULT_HEIGHT = 960, 720
MIN_FPS, MAX_FPS = 1.0, 60.0
DEFAULT_FRAMES = 200
LAST_FRAME_HOLD = 1.5  # seconds the GIF rests on the final picture before it loops

Progress = Callable[[float], None]


@dataclass(frozen=True)
class ExportResult:
    """A finished file: its bytes, a suggested file name, its MIME type and what was clamped or ignored."""

    data: bytes
    filename: str
    mime: str
    messages: list[str]


@dataclass(frozen=True)
class Settings:
    """What an animation export draws: frame count, frame rate and pixel size, all within the caps."""

    frames: int
    fps: float
    width: int
    height: int


# --- Settings and caps ------------------------------------------------------------------------------


def steps_run(race: Race) -> int:
    """The last step the animation shows: the experiment's steps (a diverged run holds its last position)."""
    longest = max((len(tr.path) - 1 for tr in race.trajectories), default=0)
    return max(longest, race.experiment.steps)


def export_steps(last_step: int, frames: int) -> np.ndarray:
    """The step each frame shows: ``frames`` distinct steps evenly spread over ``0 … last_step``."""
    count = max(1, min(frames, last_step + 1))
    if count == 1:
        return np.array([last_step])
    return np.round(np.linspace(0, last_step, count)).astype(int)


def _clamp(value: float, low: float, high: float, what: str, messages: list[str], unit: str = "") -> float:
    if value > high or value < low:
        clamped = min(max(value, low), high)
        bound = f"above the cap of {high:g}" if value > high else f"below the minimum of {low:g}"
        messages.append(f"{what}: {value:g}{unit} is {bound}; using {clamped:g}{unit}")
        return clamped
    return value


def resolve_settings(
    race: Race,
    fmt: str = "gif",
    frames: int | None = None,
    fps: float | None = None,
    width: int | None = None,
    height: int | None = None,
) -> tuple[Settings, list[str]]:
    """Fill in defaults and clamp a request to the caps; each change is explained in a message."""
    messages: list[str] = []
    last = steps_run(race)
    if frames is None:
        n = min(last + 1, DEFAULT_FRAMES)
    else:
        n = int(_clamp(int(frames), 1, CAPS.export_frames, "frames", messages))
        if n > last + 1:
            messages.append(f"frames: the race has only {last + 1} positions (steps 0–{last}); using {last + 1} frames")
            n = last + 1
    if fps is None:
        rate = min(max(round(30 * race.experiment.speed), MIN_FPS), MAX_FPS)
    else:
        rate = float(fps)
        if not math.isfinite(rate):
            messages.append(f"fps: {fps!r} is not a number; using 30")
            rate = 30.0
        rate = _clamp(rate, MIN_FPS, MAX_FPS, "fps", messages)
    w = DEFAULT_WIDTH if width is None else int(_clamp(int(width), MIN_WIDTH, MAX_WIDTH, "width", messages, " px"))
    h = DEFAULT_HEIGHT if height is None else int(_clamp(int(height), MIN_HEIGHT, MAX_HEIGHT, "height", messages,
                                                         " px"))
    if fmt == "mp4" and (w % 2 or h % 2):
        messages.append(f"size: video needs even sides; using {w - w % 2}×{h - h % 2} instead of {w}×{h}")
        w, h = w - w % 2, h - h % 2
    if fmt == "gif" and rate > 50:
        messages.append("fps: GIF timing is counted in hundredths of a second; above 50 fps it plays at 50 fps")
    return Settings(n, rate, w, h), messages


def _race(source: Experiment | Race) -> Race:
    race = simulate(source) if isinstance(source, Experiment) else source
    if not race.trajectories:
        raise ValueError("the experiment has no optimizers to race")
    if race.surface.dim not in (1, 2):
        raise ValueError(f"only 1-D and 2-D surfaces can be exported, not {race.surface.dim}-D")
    return race


def _filename(race: Race, kind: str, ext: str) -> str:
    base = race.experiment.lesson or race.experiment.surface
    return f"{base}-{kind}.{ext}"


class _Throttled:
    """Calls ``progress`` with fractions in [0, 1], at most about a hundred times per export."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = -1

    def __call__(self, fraction: float) -> None:
        if self.progress is None:
            return
        pct = int(100 * min(max(fraction, 0.0), 1.0))
        if pct != self.last:
            self.last = pct
            self.progress(pct / 100)


def render_frames(race: Race, settings: Settings, progress: Progress | None = None) -> Iterator[np.ndarray]:
    """The animation's frames as RGBA arrays, in order (``progress`` gets the fraction done)."""
    shown = export_steps(steps_run(race), settings.frames)
    drawing = RaceDrawing(race, shown, settings.width, settings.height)
    tick = _Throttled(progress)
    try:
        for i, frame in enumerate(drawing.frames()):
            yield frame
            tick((i + 1) / len(shown))
    finally:
        drawing.close()


# --- GIF ---------------------------------------------------------------------------------------------


TRANSPARENT = 255  # palette index reserved for "unchanged since the previous frame"


def _palette(drawing: RaceDrawing) -> Image.Image:
    """One palette for the whole animation: 255 colours (index 255 is kept for transparency).

    The run colours, white, black and the ink come first and exactly (median cut would blend a
    colour that covers few pixels into its neighbours); the rest is a median cut of the static
    picture, which holds the background, the faint paths (the run colours blended with it) and text.
    """
    exact = [(255, 255, 255), (0, 0, 0)]
    for css in [*drawing.race.colors, drawing.theme.ink, drawing.theme.paper]:
        rgb = tuple(round(c * 255) for c in css_color(css)[:3])
        if rgb not in exact:
            exact.append(rgb)
    sample = Image.fromarray(np.ascontiguousarray(drawing.static()[::2, ::2, :3]))
    cut = sample.quantize(TRANSPARENT - len(exact), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colours = [c for rgb in exact for c in rgb] + cut.getpalette()[: 3 * (TRANSPARENT - len(exact))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)  # fewer than 256 entries: quantising never picks TRANSPARENT
    return palette


def _lzw(indices: np.ndarray) -> bytes:
    """The LZW image data (minimum code size and sub-blocks) of palette indices, encoded by Pillow.

    Pillow writes a one-frame GIF; we keep only the image data after its image descriptor (rows in
    order: interlacing is off).
    """
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(indices), "L").save(buf, format="GIF", optimize=False, interlace=False)
    data = buf.getvalue()
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while data[pos] == 0x21:  # skip extension blocks
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    if data[pos] != 0x2C or data[-1] != 0x3B:
        raise RuntimeError("unexpected GIF layout from Pillow")
    local = data[pos + 9]
    if local & 0x40:
        raise RuntimeError("Pillow interlaced a GIF frame")
    pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
    return data[pos:-1]


class GifStream:
    """A looping GIF written frame by frame, so memory holds one frame however long the animation.

    One global palette (:func:`_palette`). After the first frame, a frame stores only the rectangle
    that changed since the previous one, and inside it marks unchanged pixels transparent: long runs
    of one index, which LZW squeezes to almost nothing.
    """

    def __init__(self, width: int, height: int, palette: Image.Image) -> None:
        self.width, self.height = width, height
        self.palette = palette
        self.out = io.BytesIO()
        colours = bytes(palette.getpalette()[: 3 * TRANSPARENT]).ljust(768, b"\0")
        self.out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0) + colours)
        self.out.write(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop for ever
        self.previous: np.ndarray | None = None
        self.count = 0

    def add(self, rgba: np.ndarray, delay_cs: int) -> None:
        packed = rgba.view(np.uint32)[..., 0]
        if self.previous is None:
            y0, y1, x0, x1 = 0, self.height, 0, self.width
            changed = None
        else:
            changed = packed != self.previous
            rows = np.flatnonzero(changed.any(axis=1))
            if rows.size:
                cols = np.flatnonzero(changed[rows[0] : rows[-1] + 1].any(axis=0))
                y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            else:  # nothing moved: a one-pixel frame keeps the frame count and the timing
                y0, y1, x0, x1 = 0, 1, 0, 1
        self.previous = packed
        crop = Image.fromarray(np.ascontiguousarray(rgba[y0:y1, x0:x1, :3]))
        indices = np.array(crop.quantize(palette=self.palette, dither=Image.Dither.NONE))
        if changed is None:
            gce = b"\x04\x00\x00\x00"  # leave in place; no transparency
        else:
            indices[~changed[y0:y1, x0:x1]] = TRANSPARENT
            gce = b"\x05\x00\x00" + bytes([TRANSPARENT])
        gce = gce[:1] + struct.pack("<H", max(int(delay_cs), 2)) + gce[3:]
        self.out.write(b"\x21\xf9\x04" + gce + b"\x00")
        self.out.write(b"\x2c" + struct.pack("<HHHHB", x0, y0, x1 - x0, y1 - y0, 0))
        self.out.write(_lzw(indices))
        self.count += 1

    def finish(self) -> bytes:
        self.out.write(b"\x3b")
        return self.out.getvalue()


def _delays_cs(count: int, fps: float) -> list[int]:
    """Frame delays in hundredths of a second that add up to the requested rate over the whole run."""
    ticks = [round(100 * i / fps) for i in range(count + 1)]
    delays = [max(b - a, 2) for a, b in itertools.pairwise(ticks)]
    delays[-1] += round(100 * LAST_FRAME_HOLD)
    return delays


def to_gif(source: Experiment | Race, frames: int | None = None, fps: float | None = None, width: int | None = None,
           height: int | None = None, progress: Progress | None = None) -> ExportResult:
    """The race as a looping animated GIF (it rests on the final picture for 1.5 s before looping)."""
    race = _race(source)
    settings, messages = resolve_settings(race, "gif", frames, fps, width, height)
    shown = export_steps(steps_run(race), settings.frames)
    drawing = RaceDrawing(race, shown, settings.width, settings.height)
    tick = _Throttled(progress)
    try:
        tick(0.0)
        stream = GifStream(settings.width, settings.height, _palette(drawing))
        delays = _delays_cs(len(shown), settings.fps)
        for i, frame in enumerate(drawing.frames()):
            stream.add(frame, delays[i])
            tick((i + 1) / len(shown))
    finally:
        drawing.close()
    return ExportResult(stream.finish(), _filename(race, "race", "gif"), MIME["gif"], messages)


# --- MP4 ---------------------------------------------------------------------------------------------


def to_mp4(source: Experiment | Race, frames: int | None = None, fps: float | None = None, width: int | None = None,
           height: int | None = None, progress: Progress | None = None) -> ExportResult:
    """The race as an H.264 MP4 (yuv420p, plays in browsers and slide software), via imageio-ffmpeg's ffmpeg."""
    import imageio_ffmpeg

    race = _race(source)
    settings, messages = resolve_settings(race, "mp4", frames, fps, width, height)
    with tempfile.TemporaryDirectory(prefix="playground-export-") as tmp:
        path = os.path.join(tmp, "race.mp4")
        writer = imageio_ffmpeg.write_frames(
            path, (settings.width, settings.height), fps=settings.fps, codec="libx264", pix_fmt_in="rgba",
            pix_fmt_out="yuv420p", quality=7, macro_block_size=2, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart"],
        )
        writer.send(None)
        try:
            for frame in render_frames(race, settings, progress):
                writer.send(frame)
        finally:
            writer.close()
        with open(path, "rb") as fh:
            data = fh.read()
    return ExportResult(data, _filename(race, "race", "mp4"), MIME["mp4"], messages)


# --- PNG ---------------------------------------------------------------------------------------------


def to_png(source: Experiment | Race, width: int | None = None, height: int | None = None,
           progress: Progress | None = None) -> ExportResult:
    """The final picture: every path, each optimizer's last position and its last few steps."""
    race = _race(source)
    settings, messages = resolve_settings(race, "png", None, None, width, height)
    shown = export_steps(steps_run(race), settings.frames)
    drawing = RaceDrawing(race, shown, settings.width, settings.height)
    try:
        rgba = drawing.frame(len(shown) - 1)
    finally:
        drawing.close()
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(buf, format="PNG", compress_level=6)
    if progress is not None:
        progress(1.0)
    return ExportResult(buf.getvalue(), _filename(race, "race", "png"), MIME["png"], messages)


# --- HTML --------------------------------------------------------------------------------------------


def to_html(source: Experiment | Race, height: int | None = None, progress: Progress | None = None) -> ExportResult:
    """The race in one self-contained HTML file: the page's own race player (its JavaScript and CSS
    inline) with every step of the race as typed arrays. No server, no network, no plotly.js.

    The player sizes itself to the browser window; ``height``, when given, is its minimum height.
    """
    race = _race(source)
    settings, messages = resolve_settings(race, "html", None, None, None, height)
    exp = race.experiment
    layout = player.layout_for(race, exp.view)
    theme = Theme(present=exp.present)
    drop = None
    if race.surface.dim != 1:
        drop = backdrop(race.surface, theme, **(SIDE_BACKDROP if layout == "side" else {}))
    data = player.payload(race, layout, drop, present=exp.present)
    name, details = title_lines(race)
    # Inside <script>, "</" could close the element early (a label is user text): JSON allows "<\/".
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")
    query = html_lib.escape(to_query_string(exp))
    min_height = f"min-height:{settings.height}px;" if height is not None else ""
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_lib.escape(name)} — Optimizer Playground</title>
<style>
body {{ margin: 0; padding: 14px 20px; background: #ffffff; color: #1f2430;
       font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }}
h1 {{ font-size: 1.35rem; margin: 0 0 2px; }}
.details {{ margin: 0 0 10px; opacity: 0.75; }}
#race {{ {min_height} }}
footer {{ margin-top: 10px; font-size: 13px; opacity: 0.7; }}
</style>
<style>
{player.style()}
</style>
</head>
<body>
<h1>{html_lib.escape(name)}</h1>
<p class="details">{html_lib.escape(SEPARATOR.join(details))}</p>
<div id="race"></div>
<footer>Optimizer Playground · experiment: <code>{query}</code></footer>
<script type="application/json" id="race-data">{blob}</script>
<script type="module">
{player.script()}
mount(document.getElementById("race"), JSON.parse(document.getElementById("race-data").textContent));
</script>
</body>
</html>
"""
    if progress is not None:
        progress(1.0)
    return ExportResult(page.encode("utf-8"), _filename(race, "race", "html"), MIME["html"], messages)


# --- CSV and JSON -------------------------------------------------------------------------------------


def _coord_names(dim: int) -> list[str]:
    return ["x", "y"] if dim == 2 else ["x"] if dim == 1 else [f"x{i + 1}" for i in range(dim)]


def _cell(v: float) -> str:
    v = float(v)
    return repr(v) if math.isfinite(v) else ""


def to_csv(source: Experiment | Race, progress: Progress | None = None) -> ExportResult:
    """The trajectories in long format: one row per optimizer and recorded step.

    Columns: ``optimizer`` (its label), ``step``, the coordinates (``x``, ``y``), ``loss``, the
    gradient at that position (``grad_x``, ``grad_y``: the one the next step uses, noise included;
    empty on a run's last row) and ``diverged`` (1 on every row of a run that diverged). A diverged
    run stops at its last finite position. Numbers are written with full float64 precision.
    """
    race = _race(source)
    names = _coord_names(race.surface.dim)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["optimizer", "step", *names, "loss", *(f"grad_{n}" for n in names), "diverged"])
    empty = [""] * len(names)
    for label, tr in zip(race.labels, race.trajectories, strict=True):
        flag = "0" if tr.diverged_at is None else "1"
        for step in range(len(tr.path)):
            grad = [_cell(g) for g in tr.grads[step]] if step < len(tr.grads) else empty
            writer.writerow([label, step, *(_cell(c) for c in tr.path[step]), _cell(tr.loss[step]), *grad, flag])
    if progress is not None:
        progress(1.0)
    return ExportResult(buf.getvalue().encode("utf-8"), _filename(race, "trajectories", "csv"), MIME["csv"], [])


def _plain(value):
    """Arrays and numpy scalars as JSON values; NaN and ±inf become null (JSON has no such numbers)."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return v if math.isfinite(v) else None
    return value


def race_record(race: Race) -> dict:
    """Everything a JSON export holds, as plain data (float64 values unrounded)."""
    exp, surface = race.experiment, race.surface
    runs = []
    for i, (entry, label, color, tr) in enumerate(zip(exp.entries, race.labels, race.colors, race.trajectories,
                                                      strict=True)):
        run = {
            "label": label,
            "color": color,
            "optimizer": entry.optimizer,
            "hyperparameters": dict(tr.optimizer.hyper),
            "schedule": {"kind": entry.schedule.kind, "warmup": entry.schedule.warmup,
                         "gamma": entry.schedule.gamma, "every": entry.schedule.every},
            "diverged_at": tr.diverged_at,
            "path": tr.path,
            "loss": tr.loss,
            "grads": tr.grads,
        }
        if not entry.schedule.is_default() and race.lr is not None:
            run["lr"] = race.lr[i]
        runs.append(run)
    return _plain({
        "format": "optimizer-playground race",
        "version": 1,
        "query": to_query_string(exp),
        "surface": {"key": surface.key, "name": surface.name, "dim": surface.dim, "params": dict(surface.params),
                    "formula": exp.formula or None, "bounds": surface.bounds, "minima": surface.minima,
                    "minimum_values": surface.minimum_values},
        "start": race.start,
        "steps": exp.steps,
        "noise": exp.noise,
        "seed": exp.seed,
        "labels": race.labels,
        "colors": race.colors,
        "runs": runs,
    })


def to_json(source: Experiment | Race, progress: Progress | None = None) -> ExportResult:
    """The race as JSON: the experiment's link (``query``), and per run its label, colour, resolved
    hyperparameters, ``path`` (steps+1 × dim), ``loss``, ``grads`` and ``diverged_at``. Floats are
    written in full (they read back bit for bit); NaN is written as null."""
    race = _race(source)
    text = json.dumps(race_record(race), ensure_ascii=False, allow_nan=False)
    if progress is not None:
        progress(1.0)
    return ExportResult(text.encode("utf-8"), _filename(race, "trajectories", "json"), MIME["json"], [])


# --- One entry point ------------------------------------------------------------------------------


def export(source: Experiment | Race, fmt: str, *, frames: int | None = None, fps: float | None = None,
           width: int | None = None, height: int | None = None, progress: Progress | None = None) -> ExportResult:
    """Export in any of :data:`FORMATS`. Settings a format does not use are ignored, with a message.

    Raises ValueError for an unknown format or an experiment that cannot be raced (no optimizers).
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    race = _race(source)
    if fmt in ANIMATED:
        make = to_gif if fmt == "gif" else to_mp4
        return make(race, frames=frames, fps=fps, width=width, height=height, progress=progress)
    ignored = [name for name, v in (("frames", frames), ("fps", fps)) if v is not None]
    if fmt in ("csv", "json", "html"):
        ignored += [name for name, v in (("width", width), ("height", height)) if v is not None
                    and not (fmt == "html" and name == "height")]
    if fmt == "png":
        result = to_png(race, width=width, height=height, progress=progress)
    elif fmt == "html":
        result = to_html(race, height=height, progress=progress)
    elif fmt == "csv":
        result = to_csv(race, progress=progress)
    else:
        result = to_json(race, progress=progress)
    if ignored:
        result = replace(result, messages=[*result.messages, f"{', '.join(ignored)}: not used by {fmt}; ignored"])
    return result
