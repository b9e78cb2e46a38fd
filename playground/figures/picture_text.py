"""The words of an exported race picture: its title and details, legend labels wrapped to fit, and
the step counter drawn as glyph outlines (see :class:`StepCounter`)."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from playground.model import lessons
from playground.model.simulate import Simulation

LEGEND_WRAP = 22  # characters per legend line, so a long label does not squeeze the plot
SEPARATOR = "  ·  "


def title_lines(race: Simulation) -> tuple[str, list[str]]:
    """The surface's name, and the details under it (lesson, parameters, steps, noise)."""
    exp, surface = race.experiment, race.surface
    details = []
    lesson = lessons.find(exp.lesson) if exp.lesson else None
    if lesson is not None:
        details.append(lesson.title)
    if surface.params:
        details.append(", ".join(f"{k} = {v:g}" for k, v in surface.params.items()))
    details.append(f"{exp.steps} steps")
    sizes = race.batch_sizes()
    if sizes:
        said = ", ".join(map(str, sizes[:-1])) + " and " + str(sizes[-1]) if len(sizes) > 1 else str(sizes[0])
        details.append(f"mini-batches of {said} of {len(surface.data.y)} points, seed {exp.seed}")
    if exp.noise:
        details.append(f"gradient noise σ = {exp.noise:g}, seed {exp.seed}")
    return surface.name, details


def wrap_label(label: str) -> str:
    """A legend label on lines of about 22 characters, preferring a break before a bracket."""
    if len(label) <= LEGEND_WRAP:
        return label
    head, sep, tail = label.partition(" (")
    if sep and len(head) <= LEGEND_WRAP + 4 and len(tail) < LEGEND_WRAP:
        return f"{head}\n({tail}"
    return textwrap.fill(label, LEGEND_WRAP)


def fit_lines(parts: list[str], text, renderer, width: float, max_lines: int = 2) -> list[str]:
    """Join ``parts`` with "·" into at most ``max_lines`` lines no wider than ``width`` pixels
    (measured with ``text``'s font); what does not fit is cut with an ellipsis."""

    def fits(line: str) -> bool:
        text.set_text(line)
        return text.get_window_extent(renderer).width <= width

    lines: list[str] = []
    for part in parts:
        if lines and fits(lines[-1] + SEPARATOR + part):
            lines[-1] += SEPARATOR + part
        else:
            lines.append(part)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], SEPARATOR.join(lines[max_lines - 1 :])]
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


class StepCounter:
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
