"""The data panel of an exported race (GIF, MP4, PNG) on a data surface: the points, and each run's
fitted line or decision boundary at the frame's step. It draws what the page's player draws beside
the race (``assets/datapanel.js``), from the same arrays (:mod:`playground.model.datapanel`); and, at
the head of each run on mini-batches, the full gradient beside the mini-batch one, as the page does
(``drawBatchArrows`` in ``assets/marks.js``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from playground.model.datapanel import DataPanel

from ._common import Theme

SOFT = (0.5, 0.5, 0.55, 0.85)  # the points: visible on both themes, quieter than the runs' lines


def panel_title(kind: str) -> str:
    return "data and fitted lines" if kind == "line" else "data (● +1, ○ −1)\nand boundaries"


class DataPanelDrawing:
    """The panel's axes on ``figure``: the points as static artists, one moving line per run.

    ``mark`` registers a moving artist with the race's drawing (so it is blitted with the heads);
    :meth:`place` puts the panel at a pixel box, :meth:`show` moves each run's line to a step.
    """

    def __init__(self, figure: Figure, panel: DataPanel, colors: Sequence[str], theme: Theme, font: float,
                 width: float, mark: Callable) -> None:
        self.figure, self.panel, self.font = figure, panel, font
        self.ax = ax = figure.add_axes((0, 0, 0.1, 0.1))
        ax.set_facecolor(theme.paper)
        ax.tick_params(labelsize=font * 0.85, colors=theme.ink, length=3)
        for spine in ax.spines.values():
            spine.set_color((0.5, 0.5, 0.5, 0.6))
        title = panel_title(panel.kind)
        self.title_lines = title.count("\n") + 1
        ax.set_title(title, fontsize=font, color=theme.ink, loc="left", pad=4, linespacing=1.2)
        (x0, x1), (y0, y1) = panel.window
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        if panel.kind == "line":
            ax.plot(panel.x, panel.y, ls="none", marker="o", ms=4.2, mfc=SOFT, mec=SOFT, zorder=2)
        else:
            pts, plus = np.asarray(panel.x), np.asarray(panel.y) > 0
            ax.plot(pts[plus, 0], pts[plus, 1], ls="none", marker="o", ms=4.6, mfc=SOFT, mec=SOFT, zorder=2)
            ax.plot(pts[~plus, 0], pts[~plus, 1], ls="none", marker="o", ms=4.6, mfc="none", mec=SOFT, mew=1.1,
                    zorder=2)
        # Every step's segment, worked out once; a frame only picks its row.
        self.segments = [panel.segments(i, np.arange(len(p))) for i, p in enumerate(panel.params)]
        self.lines = []
        for color in colors:
            line = Line2D([], [], color=color, lw=width, solid_capstyle="round", zorder=3)
            ax.add_line(mark(line))
            self.lines.append(line)

    def place(self, left: float, bottom: float, width: float, height: float, fig_w: float, fig_h: float) -> None:
        """The plot area at this pixel box (tick labels and title go outside it)."""
        self.ax.set_position((left / fig_w, bottom / fig_h, width / fig_w, height / fig_h))

    def show(self, steps: Sequence[int]) -> None:
        """Each run's line at its own index (the head the race shows), or nothing where it has none."""
        for line, seg, k in zip(self.lines, self.segments, steps, strict=True):
            if not len(seg):
                line.set_data([], [])
                continue
            (ax, ay), (bx, by) = seg[min(int(k), len(seg) - 1)]
            if np.isfinite([ax, ay, bx, by]).all():
                line.set_data([ax, bx], [ay, by])
            else:
                line.set_data([], [])  # a boundary with w = 0 has no direction


class BatchArrows:
    """At the head of each run on mini-batches: downhill along the gradient over all the points
    (dotted, in ink) and along the mini-batch gradient the step used (solid, the run's colour), on
    one scale (the longer is 8% of the window's diagonal) so their lengths compare."""

    def __init__(self, ax, panel: DataPanel, paths: Sequence[np.ndarray], colors: Sequence[str],
                 batched: Sequence[bool], bounds, ink, width: float, head: float, mark: Callable) -> None:
        self.panel, self.paths = panel, paths
        (x0, x1), (y0, y1) = bounds
        self.reach = 0.08 * float(np.hypot(x1 - x0, y1 - y0))
        self.arrows = []
        for i, color in enumerate(colors):
            if not batched[i]:
                continue
            pair = []
            for c, style in ((ink, (0, (1.5, 2))), (color, "solid")):
                arrow = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=head, color=c, lw=width,
                                        linestyle=style, zorder=9, shrinkA=0, shrinkB=0)
                ax.add_patch(mark(arrow))
                pair.append(arrow)
            self.arrows.append((i, *pair))

    def show(self, heads: Sequence[int]) -> None:
        for i, full, batch in self.arrows:
            k = int(heads[i])
            grads, used = self.panel.full_grads[i], self.panel.batch_grads[i]
            ok = k < len(grads) and k < len(used) and k < len(self.paths[i]) - 1
            if ok:
                at = self.paths[i][k, :2]
                g_full, g_used = -np.asarray(grads[k], float), -np.asarray(used[k], float)
                longest = max(np.hypot(*g_full), np.hypot(*g_used))
                ok = bool(np.isfinite(longest) and longest > 0 and np.isfinite(at).all())
            for arrow, g in ((full, g_full if ok else None), (batch, g_used if ok else None)):
                arrow.set_visible(ok)
                if ok:
                    arrow.set_positions(tuple(at), tuple(at + g * (self.reach / longest)))
