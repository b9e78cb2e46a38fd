"""Exports: a race as a file. Pure functions from an :class:`Experiment` (or a :class:`Race`) to bytes.

Formats:

- ``gif`` and ``mp4``: the race animated, drawn with matplotlib;
- ``png``: the final picture, the same drawing at the last step;
- ``html``: the page's own Plotly figure in one self-contained file that plays offline;
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
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D
from PIL import Image

from . import lessons
from .caps import CAPS
from .experiment import Experiment, to_query_string
from .figures import Theme, oned_figure, race_figure
from .figures._common import TAIL_FRAMES, equalised, iso_lines, surface_grid
from .simulate import Race, simulate

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


def _title(race: Race) -> tuple[str, list[str]]:
    """The surface's name, and the details under it (lesson, parameters, steps, noise)."""
    exp, surface = race.experiment, race.surface
    details = []
    lesson = lessons.find(exp.lesson) if exp.lesson else None
    if lesson is not None:
        details.append(lesson.title)
    if surface.params:
        details.append(", ".join(f"{k} = {v:g}" for k, v in surface.params.items()))
    details.append(f"{exp.steps} steps")
    if exp.noise:
        details.append(f"gradient noise σ = {exp.noise:g}, seed {exp.seed}")
    return surface.name, details


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


# --- The matplotlib drawing ---------------------------------------------------------------------

# Sizes are designed for a 960×720 picture (at 100 dpi); other sizes scale the dpi, so a picture
# looks the same at any size, only sharper or coarser.
_DESIGN_W, _DESIGN_H = 960, 720
_FONT_TITLE, _FONT_SUB, _FONT_LEGEND, _FONT_TICK, _FONT_STEP = 21, 12.5, 14, 12, 15
_LEGEND_WRAP = 22  # characters per legend line, so a long label does not squeeze the plot
_SEP = "  ·  "


def _css_color(css: str) -> tuple[float, float, float, float]:
    """A Theme colour (``#rrggbb`` or ``rgba(r,g,b,a)``) as matplotlib's RGBA tuple."""
    css = css.strip()
    if css.startswith("#"):
        r, g, b = (int(css[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return (r, g, b, 1.0)
    inner = css[css.index("(") + 1 : css.rindex(")")].split(",")
    r, g, b = (float(c) / 255 for c in inner[:3])
    return (r, g, b, float(inner[3]) if len(inner) > 3 else 1.0)


def shaded_surface(surface, theme: Theme, size: tuple[int, int] = (400, 400), resolution: int = 600) -> np.ndarray:
    """The page's background as an RGB array of ``size`` (width, height), rows bottom-up: the values'
    ranks (``equalised``) through the theme's colour map, as on the page.

    The surface is evaluated on at most ``resolution``² points and smoothly resized to ``size``.
    """
    width, height = max(int(size[0]), 1), max(int(size[1]), 1)
    _, _, Z = surface_grid(surface, min(max(width, height), resolution))
    lo, hi = theme.shade_range
    rgba = colormaps[theme.colormap](lo + (hi - lo) * equalised(Z))
    rgb = Image.fromarray((rgba[:, :, :3] * 255).astype(np.uint8))
    if rgb.size != (width, height):
        rgb = rgb.resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(rgb)


def _wrap_label(label: str) -> str:
    """A legend label on lines of about 22 characters, preferring a break before a bracket."""
    if len(label) <= _LEGEND_WRAP:
        return label
    head, sep, tail = label.partition(" (")
    if sep and len(head) <= _LEGEND_WRAP + 4 and len(tail) < _LEGEND_WRAP:
        return f"{head}\n({tail}"
    return textwrap.fill(label, _LEGEND_WRAP)


def _fit_lines(parts: list[str], text, renderer, width: float, max_lines: int = 2) -> list[str]:
    """Join ``parts`` with "·" into at most ``max_lines`` lines no wider than ``width`` pixels
    (measured with ``text``'s font); what does not fit is cut with an ellipsis."""

    def fits(line: str) -> bool:
        text.set_text(line)
        return text.get_window_extent(renderer).width <= width

    lines: list[str] = []
    for part in parts:
        if lines and fits(lines[-1] + _SEP + part):
            lines[-1] += _SEP + part
        else:
            lines.append(part)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _SEP.join(lines[max_lines - 1 :])]
    for i, line in enumerate(lines):
        if fits(line):
            continue
        lo, hi = 0, len(line)
        while lo < hi:  # the longest start of the line that fits with an ellipsis
            mid = (lo + hi + 1) // 2
            if fits(line[:mid].rstrip() + "…"):
                lo = mid
            else:
                hi = mid - 1
        lines[i] = line[:lo].rstrip() + "…"
    return lines


class _Counter:
    """The step counter, drawn as glyph outlines cut once and placed per frame.

    Matplotlib rasterises text glyph by glyph on every draw (about as slow as all the moving lines
    together); a path is one fill. A monospaced font makes every character's advance the same.
    """

    def __init__(self, figure: Figure, x_px: float, top_px: float, size: float, color: str) -> None:
        prop = FontProperties(family="DejaVu Sans Mono")
        self.glyphs = {ch: TextPath((0, 0), ch, size=size, prop=prop) for ch in "step0123456789/-"}
        ten = TextPath((0, 0), "0" * 20, size=size, prop=prop).get_extents().width
        one = TextPath((0, 0), "0" * 10, size=size, prop=prop).get_extents().width
        self.advance = (ten - one) / 10
        scale = figure.dpi / 72  # glyph outlines are in points; the patch is placed in pixels
        cap = TextPath((0, 0), "0", size=size, prop=prop).get_extents().y1
        baseline = top_px - cap * scale
        self.patch = PathPatch(Path(np.zeros((1, 2))), facecolor=color, edgecolor="none", lw=0,
                               transform=Affine2D().scale(scale).translate(x_px, baseline))
        figure.add_artist(self.patch)
        self.text = None

    def set_text(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        parts = []
        for i, ch in enumerate(text):
            glyph = self.glyphs.get(ch)
            if glyph is not None and len(glyph.vertices):
                parts.append(Path(glyph.vertices + np.array([i * self.advance, 0.0]), glyph.codes))
        self.patch.set_path(Path.make_compound_path(*parts) if parts else Path(np.zeros((1, 2))))


class RaceDrawing:
    """A race drawn with matplotlib at an exact pixel size, ready to be animated frame by frame.

    ``shown`` holds the step each frame shows. Static layers (background, iso-lines, faint full
    paths, start, minima, legend, title) are ordinary artists; the moving ones (each run's head and
    short tail, the step counter) are listed in ``moving`` and, with ``animated=True``, left out of a
    full ``canvas.draw()`` so they can be blitted onto the static picture. :meth:`show` moves them to
    a frame.
    """

    def __init__(self, race: Race, shown: np.ndarray, width: int, height: int, theme: Theme | None = None,
                 animated: bool = True) -> None:
        self.race = race
        self.shown = np.asarray(shown, dtype=int)
        self.theme = theme or Theme()
        self.width, self.height = width, height
        self.scale = min(width / _DESIGN_W, height / _DESIGN_H)
        dpi = 100 * self.scale
        # A hair over the size so that matplotlib's truncation to whole pixels lands on it exactly.
        self.figure = Figure(figsize=((width + 0.01) / dpi, (height + 0.01) / dpi), dpi=dpi,
                             facecolor=self.theme.paper)
        self.canvas = FigureCanvasAgg(self.figure)
        self.animated = animated
        self.moving: list = []
        self._background = None
        surface = race.surface
        self.paths = [tr.path for tr in race.trajectories]
        # The step each run's head shows per frame: a diverged run stays at its last finite position.
        self.head_steps = [np.minimum(self.shown, max(len(p) - 1, 0)) for p in self.paths]
        if surface.dim == 1:
            with np.errstate(all="ignore"):
                self.path_values = [surface.value(p) if len(p) else np.empty(0) for p in self.paths]
            axes = self._draw_oned()
        else:
            axes = self._draw_race()
        self._layout(axes)
        self.show(len(self.shown) - 1)

    # Pixel positions → figure fractions.
    def _fx(self, px: float) -> float:
        return px / self.width

    def _fy(self, px: float) -> float:
        return px / self.height

    def _mark(self, artist):
        artist.set_animated(self.animated)
        self.moving.append(artist)
        return artist

    def _grow(self) -> list[float]:
        """Extra head size per run, in points: earlier runs get bigger heads (drawn first), so runs
        at one spot show as concentric rings instead of hiding one another, as on the page."""
        n = len(self.race.trajectories)
        return [5.0 * (n - 1 - i) for i in range(n)]

    def _style_axes(self, ax) -> None:
        ink = self.theme.ink
        ax.tick_params(labelsize=_FONT_TICK, colors=ink, length=4)
        for spine in ax.spines.values():
            spine.set_color((0.5, 0.5, 0.5, 0.6))
        ax.set_facecolor(self.theme.paper)

    def _draw_race(self) -> list:
        race, theme = self.race, self.theme
        surface = race.surface
        (x0, x1), (y0, y1) = surface.bounds
        ax = self.figure.add_axes((0.1, 0.1, 0.6, 0.8))
        self._style_axes(ax)
        ax.patch.set_visible(False)  # the shaded surface goes underneath, pixel for pixel (see _layout)
        ix, iy = iso_lines(surface)
        if ix.size:
            ax.plot(ix, iy, color=_css_color(theme.iso), lw=0.8, zorder=1)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        for tr, color in zip(race.trajectories, race.colors, strict=True):
            if len(tr.path):
                ax.plot(tr.path[:, 0], tr.path[:, 1], color=color, lw=1.7, alpha=theme.faint, zorder=3,
                        solid_joinstyle="round")
            if tr.diverged_at is not None and len(tr.path):
                px, py = tr.path[-1]
                ax.plot([px], [py], marker="x", ms=16, mew=3.5, color=color, zorder=4, ls="none")
                ax.annotate(f"diverged at step {tr.diverged_at}", (px, py), xytext=(0, 12),
                            textcoords="offset points", ha="center", va="bottom", color=color,
                            fontsize=_FONT_TICK, fontweight="bold", annotation_clip=True, zorder=4)
        self._landmarks(ax, surface.minima, race.start)
        for grow, color in zip(self._grow(), race.colors, strict=True):
            tail = Line2D([], [], color=color, lw=4.2, solid_capstyle="round", solid_joinstyle="round", zorder=7)
            head = Line2D([], [], color=color, marker="o", ms=13 + grow, mfc=color, mec="white", mew=2, ls="none",
                          zorder=8)
            ax.add_line(self._mark(tail))
            ax.add_line(self._mark(head))
        self.axes = [ax]
        ratio = (y1 - y0) / (x1 - x0)
        self._box_ratio = ratio if 0.5 <= ratio <= 2.0 else None
        return [ax]

    def _landmarks(self, ax, minima, start) -> None:
        if minima:
            m = np.asarray(minima, dtype=float)
            ys = m[:, 1] if m.shape[1] > 1 else self.race.surface.value(m)
            ax.plot(m[:, 0], ys, ls="none", marker="*", ms=21, mfc="white", mec="black", mew=1.3, zorder=6)
        if start is not None:
            ax.plot([start[0]], [start[1]], ls="none", marker="o", ms=15, mfc="none", mec=self.theme.ink,
                    mew=2.6, zorder=6)

    def _draw_oned(self) -> list:
        race, theme = self.race, self.theme
        surface, exp = race.surface, race.experiment
        (x0, x1), = surface.bounds
        xs = np.linspace(x0, x1, 600)
        with np.errstate(all="ignore"):
            ys = surface.value(xs[:, None])
        finite = ys[np.isfinite(ys)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        pad = 0.08 * (hi - lo or 1.0)
        top = self.figure.add_axes((0.1, 0.5, 0.6, 0.4))
        bottom = self.figure.add_axes((0.1, 0.1, 0.6, 0.3))
        for ax in (top, bottom):
            self._style_axes(ax)
            ax.grid(True, color=(0.5, 0.5, 0.5, 0.18), lw=0.8)
        top.plot(xs, ys, color=theme.ink, lw=2.4, zorder=2)
        top.set_xlim(x0, x1)
        top.set_ylim(lo - pad, hi + pad)
        top.set_xlabel("x", fontsize=_FONT_TICK + 1, color=theme.ink, labelpad=2)
        top.set_ylabel("f(x)", fontsize=_FONT_TICK + 1, color=theme.ink)
        self._landmarks(top, surface.minima, None)
        bottom.set_xlim(0, max(exp.steps, 1))
        bottom.set_ylim(x0, x1)
        bottom.set_xlabel("step", fontsize=_FONT_TICK + 1, color=theme.ink, labelpad=2)
        bottom.set_ylabel("x", fontsize=_FONT_TICK + 1, color=theme.ink)
        for tr, color in zip(race.trajectories, race.colors, strict=True):
            bottom.plot(np.arange(len(tr.path)), tr.path[:, 0], color=color, lw=1.7, alpha=theme.faint, zorder=3)
            if tr.diverged_at is not None and len(tr.path):
                bottom.plot([len(tr.path) - 1], [tr.path[-1, 0]], marker="x", ms=14, mew=3, color=color, ls="none",
                            zorder=4)
        for grow, color in zip(self._grow(), race.colors, strict=True):
            tail = Line2D([], [], color=color, lw=5, solid_capstyle="round", zorder=7)
            ball = Line2D([], [], color=color, marker="o", ms=17 + grow, mfc=color, mec="white", mew=2, ls="none",
                          zorder=8)
            dot = Line2D([], [], color=color, marker="o", ms=11 + grow / 2, mfc=color, mec="white", mew=1.8,
                         ls="none", zorder=8, clip_on=False)
            top.add_line(self._mark(tail))
            top.add_line(self._mark(ball))
            bottom.add_line(self._mark(dot))
        self.axes = [top, bottom]
        self._box_ratio = None
        return [top, bottom]

    def _legend_handles(self, wrap: bool) -> tuple[list, list[str]]:
        race, theme = self.race, self.theme
        handles, labels = [], []
        for tr, label, color in zip(race.trajectories, race.labels, race.colors, strict=True):
            handles.append(Line2D([], [], color=color, lw=4, marker="o", ms=11, mfc=color, mec="white", mew=1.8))
            text = _wrap_label(label) if wrap else label
            labels.append(text if tr.diverged_at is None else f"{text}\ndiverged at step {tr.diverged_at}")
        if race.surface.minima:
            handles.append(Line2D([], [], ls="none", marker="*", ms=17, mfc="white", mec="black", mew=1.2))
            labels.append("minimum")
        if race.surface.dim == 2:
            handles.append(Line2D([], [], ls="none", marker="o", ms=12, mfc="none", mec=theme.ink, mew=2.4))
            labels.append("start")
        return handles, labels

    def _layout(self, axes: list) -> None:
        """Title on top; the plot and, to its right, the legend and step counter, centred as a block."""
        fig, theme, s = self.figure, self.theme, self.scale
        W, H = self.width, self.height
        renderer = self.canvas.get_renderer()
        name, details = _title(self.race)
        title = fig.text(self._fx(24 * s), 1 - self._fy(16 * s), "", fontsize=_FONT_TITLE, fontweight="bold",
                         color=theme.ink, ha="left", va="top")
        title.set_text(_fit_lines([name], title, renderer, W - 48 * s, max_lines=1)[0])
        sub = fig.text(self._fx(24 * s), 1 - self._fy(54 * s), "", fontsize=_FONT_SUB, color=(0.35, 0.35, 0.4),
                       ha="left", va="top", linespacing=1.35)
        lines = _fit_lines(details, sub, renderer, W - 48 * s)
        sub.set_text("\n".join(lines))
        # Room for tick labels left of and below the plot, and for axis labels in 1-D.
        left_pad, bottom_pad = (70 * s, 52 * s) if self.race.surface.dim == 1 else (54 * s, 34 * s)
        top_px, right_px, gap = (92 + 21 * (len(lines) - 1)) * s, 24 * s, 30 * s
        avail_h = H - top_px - bottom_pad
        for wrap in (False, True):
            handles, labels = self._legend_handles(wrap)
            legend = fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.7, 0.85), frameon=False,
                                fontsize=_FONT_LEGEND, handlelength=2.2, numpoints=1, labelspacing=0.7,
                                borderaxespad=0, labelcolor=theme.ink)
            legend_w = legend.get_window_extent(renderer).width
            avail_w = W - left_pad - right_px - gap - legend_w
            # Long labels are wrapped when they would take width the plot needs.
            needed = 0.5 * W if self._box_ratio is None else min(avail_h / self._box_ratio, 0.62 * W)
            if wrap or avail_w >= needed:
                break
            legend.remove()
        avail_w = max(avail_w, 0.35 * W)
        if self._box_ratio is not None:
            box_w = min(avail_w, avail_h / self._box_ratio)
            box_h = box_w * self._box_ratio
        else:
            box_w, box_h = avail_w, avail_h
        block = left_pad + box_w + gap + legend_w
        x_left = max((W - right_px - block) / 2, 0) + left_pad
        y_bottom = bottom_pad + (avail_h - box_h) / 2
        # Whole pixels, so that the background image meets the frame exactly.
        x_left, y_bottom, box_w, box_h = round(x_left), round(y_bottom), round(box_w), round(box_h)
        if len(axes) == 1:
            axes[0].set_position((self._fx(x_left), self._fy(y_bottom), self._fx(box_w), self._fy(box_h)))
            # Drawn at its final pixel size: no resampling on every full draw.
            fig.figimage(shaded_surface(self.race.surface, theme, (box_w, box_h)), xo=x_left, yo=y_bottom,
                         origin="lower", zorder=-1)
        else:
            top, bottom = axes
            gap_v = 70 * s
            top_h = 0.6 * (box_h - gap_v)
            bottom_h = box_h - gap_v - top_h
            top.set_position((self._fx(x_left), self._fy(y_bottom + bottom_h + gap_v), self._fx(box_w),
                              self._fy(top_h)))
            bottom.set_position((self._fx(x_left), self._fy(y_bottom), self._fx(box_w), self._fy(bottom_h)))
        legend_x = x_left + box_w + gap
        legend_top = y_bottom + box_h
        legend.set_bbox_to_anchor((self._fx(legend_x), self._fy(legend_top)), transform=fig.transFigure)
        legend_h = legend.get_window_extent(renderer).height
        self.counter = _Counter(fig, legend_x + 4 * s, legend_top - legend_h - 22 * s, _FONT_STEP, theme.ink)
        self._mark(self.counter.patch)

    def show(self, f: int) -> list:
        """Move the moving artists to frame ``f``; returns them (FuncAnimation's convention)."""
        lo = max(0, f - TAIL_FRAMES)
        arts = iter(self.moving)
        dim = self.race.surface.dim
        for r, path in enumerate(self.paths):
            tail, head = next(arts), next(arts)
            # The tail follows every step since the frame TAIL_FRAMES back (not only the frames'
            # positions), so a zig-zag between two frames still shows as one.
            first, now = self.head_steps[r][lo], self.head_steps[r][f]
            seg = path[first : now + 1]
            if dim == 2:
                tail.set_data(seg[:, 0], seg[:, 1])
                head.set_data(path[now : now + 1, 0], path[now : now + 1, 1])
            else:
                vals = self.path_values[r]
                tail.set_data(seg[:, 0], vals[first : now + 1])
                head.set_data(path[now : now + 1, 0], vals[now : now + 1])
                next(arts).set_data([now], path[now : now + 1, 0])
        last = int(self.shown[-1])
        self.counter.set_text(f"step {int(self.shown[f]):>{len(str(last))}} / {last}")
        return self.moving

    def _static(self):
        if not self.animated:
            raise ValueError("blitting needs a drawing built with animated=True")
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        return self._background

    def static(self) -> np.ndarray:
        """The picture without the moving artists, as RGBA (rendered once, then reused by :meth:`frames`)."""
        background = self._static()
        self.canvas.restore_region(background)
        return np.array(self.canvas.buffer_rgba())

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame as an RGBA array ``(height, width, 4)``; each one is a fresh copy.

        The static picture is rendered once; a frame restores it and draws only the moving artists.
        """
        background = self._static()
        for f in range(len(self.shown)):
            self.canvas.restore_region(background)
            for artist in self.show(f):
                self.figure.draw_artist(artist)
            yield np.array(self.canvas.buffer_rgba())

    def frame(self, f: int) -> np.ndarray:
        """One frame, as RGBA, drawn in full (for stills)."""
        self.show(f)
        was = self.animated
        for a in self.moving:
            a.set_animated(False)
        try:
            self.canvas.draw()
            return np.array(self.canvas.buffer_rgba())
        finally:
            for a in self.moving:
                a.set_animated(was)

    def close(self) -> None:
        self.figure.clear()


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
        rgb = tuple(round(c * 255) for c in _css_color(css)[:3])
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
    """The page's animated figure as one self-contained HTML file (plotly.js inside; no server, no network)."""
    import plotly.io as pio

    race = _race(source)
    settings, messages = resolve_settings(race, "html", None, None, None, height)
    exp = race.experiment
    theme = Theme(present=exp.present)
    figure = (oned_figure if race.surface.dim == 1 else race_figure)(race, theme, height=settings.height)
    name, details = _title(race)
    layout = dict(figure["layout"])
    layout["title"] = {"text": f"<b>{html_lib.escape(name)}</b>", "font": {"size": theme.font + 6},
                       "subtitle": {"text": html_lib.escape(_SEP.join(details)), "font": {"size": theme.font}},
                       "x": 0.01, "xanchor": "left", "xref": "paper", "y": 1.0, "yanchor": "top",
                       "yref": "container", "pad": {"t": 14}}
    layout["margin"] = {**layout["margin"], "t": layout["margin"].get("t", 30) + 90}
    figure = {**figure, "layout": layout}
    page = pio.to_html(figure, include_plotlyjs=True, full_html=True, validate=False, auto_play=False,
                       div_id="optimizer-race", default_width="100%", default_height=f"{settings.height}px",
                       config={"displaylogo": False, "responsive": True})
    query = html_lib.escape(to_query_string(exp))
    page = page.replace("<head>", f"<head><title>{html_lib.escape(name)} — Optimizer Playground</title>", 1)
    footer = (f'<p style="font-family:sans-serif;font-size:13px;color:#555;margin:8px 12px">'
              f"Optimizer Playground · experiment: <code>{query}</code></p>")
    idx = page.rfind("</body>")
    page = page[:idx] + footer + page[idx:]
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
