"""A race drawn with matplotlib for the exports (GIF, MP4, PNG): the same picture as the page.

It takes trajectories as data and does no optimizer maths; :mod:`playground.exports` turns its
frames into files. What is drawn at a frame (where each run's path ends, where a head is pinned to
the window's edge, the tails, the marks and their sizes) is the race's :mod:`~playground.figures.scene`,
the same one the page's player draws.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from playground.model.datapanel import data_panel
from playground.model.simulate import Simulation

from ._common import Theme, iso_lines
from .data_drawing import BatchArrows, DataPanelDrawing
from .picture_text import SEPARATOR, StepCounter, fit_lines, title_lines, wrap_label
from .scene import curve, edge_marker, scene
from .shading import css_color, shaded_surface

__all__ = ["PT", "SEPARATOR", "RaceDrawing", "css_color", "shaded_surface", "title_lines"]


# Sizes are designed for a 960×720 picture (at 100 dpi); other sizes scale the dpi, so a picture
# looks the same at any size, only sharper or coarser.
_DESIGN_W, _DESIGN_H = 960, 720
_FONT_TITLE, _FONT_SUB, _FONT_LEGEND, _FONT_TICK, _FONT_STEP = 21, 12.5, 14, 12, 15
# The scene's sizes are CSS pixels of a 960 × 720 picture; at 100 dpi × scale one of them is
# `scale` device pixels, which is 0.72 points.
PT = 72 / 100
#: matplotlib's marker for each of the scene's shapes.
MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^", "triangle-down": "v", "pentagon": "p",
           "hexagon": "h", "star": "*"}


class RaceDrawing:
    """A race drawn with matplotlib at an exact pixel size, ready to be animated frame by frame.

    ``shown`` holds the step each frame shows. Static layers (background, iso-lines, faint full
    paths, start, minima, legend, title) are ordinary artists; the moving ones (each run's head and
    short tail, the step counter) are listed in ``moving`` and, with ``animated=True``, left out of a
    full ``canvas.draw()`` so they can be blitted onto the static picture. :meth:`show` moves them to
    a frame.
    """

    def __init__(self, race: Simulation, shown: np.ndarray, width: int, height: int, theme: Theme | None = None,
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
        self.data: DataPanelDrawing | None = None  # the data panel, on a data surface
        self.batch_arrows: BatchArrows | None = None  # full and mini-batch gradients at the heads
        self.run_artists: list[dict] = []  # each run's moving artists, by name (see _moving_marks)
        surface = race.surface
        self.scene = scene(race)
        self.paths = [np.asarray(tr.path)[:, : surface.dim] for tr in race.trajectories]
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
            ax.plot(ix, iy, color=css_color(theme.iso), lw=0.8, zorder=1)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        marks = self.scene.marks
        for path, run in zip(self.paths, self.scene.runs, strict=True):
            if len(path):
                # The faint path: up to where the scene ends it (a run that left for good stops at the edge).
                drawn = path[: run.last + 1]
                if run.exit is not None:
                    drawn = np.vstack([drawn, run.exit])
                ax.plot(drawn[:, 0], drawn[:, 1], color=run.color, lw=marks.path_width * run.ink * PT,
                        alpha=marks.path_alpha * run.ink, zorder=3, solid_joinstyle="round")
        self._landmarks(ax)
        for run in self.scene.runs:
            tail = Line2D([], [], color=run.color, lw=marks.tail_width * PT, solid_capstyle="round",
                          solid_joinstyle="round", zorder=7)
            ax.add_line(self._mark(tail))
            self.run_artists.append({"tail": tail, **self._moving_marks(ax, run, y1)})
        panel = data_panel(race)
        if panel is not None:
            self.data = DataPanelDrawing(self.figure, panel, race.colors, theme, _FONT_TICK, marks.tail_width * PT,
                                         self._mark)
            batched = [race.mini_batched(i) for i in range(len(self.paths))]
            if any(batched):
                self.batch_arrows = BatchArrows(ax, panel, self.paths, race.colors, batched, surface.bounds,
                                                theme.ink, 2.5 * PT, 9 * PT, self._mark)
        self.axes = [ax]
        ratio = (y1 - y0) / (x1 - x0)
        self._box_ratio = ratio if 0.5 <= ratio <= 2.0 else None
        return [ax]

    def _moving_marks(self, ax, run, top: float) -> dict:
        """A run's moving marks: its head (its shape), the edge marker and true coordinates shown while
        it is outside the window, and for a diverged run its cross with "diverged at step k" (above
        the cross, under it on the window's top edge), shown from that step on."""
        marks = self.scene.marks
        out = {
            "head": Line2D([], [], color=run.color, marker=MARKERS[run.shape], ms=2 * run.head * PT, mfc=run.color,
                           mec="white", mew=2, ls="none", zorder=8, clip_on=False),
            "edge": Line2D([], [], color=run.color, marker=(3, 0, 0), ms=2.2 * marks.head * PT, mfc=run.color,
                           mec="white", mew=1.2, ls="none", zorder=8, clip_on=False),
        }
        for artist in out.values():
            ax.add_line(self._mark(artist))
        out["where"] = self._mark(ax.annotate("", (0, 0), xytext=(0, 0), textcoords="offset points", ha="center",
                                              va="center", color=run.color, fontsize=_FONT_TICK, fontweight="bold",
                                              annotation_clip=False, zorder=8))
        if run.cross is not None:
            (px, py), under = run.cross, run.cross[1] >= top
            out["cross"] = self._mark(ax.plot([px], [py], marker="x", ms=2 * marks.cross * PT,
                                              mew=marks.cross_width * PT, color=run.color, zorder=4, ls="none",
                                              clip_on=False)[0])
            out["diverged"] = self._mark(ax.annotate(
                f"diverged at step {run.diverged_at}", (px, py), xytext=(0, -14 if under else 12),
                textcoords="offset points", ha="center", va="top" if under else "bottom", color=run.color,
                fontsize=_FONT_TICK, fontweight="bold", annotation_clip=False, zorder=4))
        return out

    def _landmarks(self, ax, start: bool = True) -> None:
        marks = self.scene.marks
        if self.scene.minima:
            m = np.asarray(self.scene.minima, dtype=float)
            ax.plot(m[:, 0], m[:, 1], ls="none", marker="*", ms=2 * marks.star * PT, mfc="white", mec="black",
                    mew=1.3, zorder=6)
        if start:
            x, y = self.scene.start
            ax.plot([x], [y], ls="none", marker="o", ms=2 * marks.start * PT, mfc="none", mec=self.theme.ink,
                    mew=marks.start_width * PT, zorder=6)

    def _draw_oned(self) -> list:
        race, theme = self.race, self.theme
        surface, exp = race.surface, race.experiment
        (x0, x1), = surface.bounds
        xs, ys = curve(surface, 600)
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
        self._landmarks(top, start=False)
        bottom.set_xlim(0, max(exp.steps, 1))
        bottom.set_ylim(x0, x1)
        bottom.set_xlabel("step", fontsize=_FONT_TICK + 1, color=theme.ink, labelpad=2)
        bottom.set_ylabel("x", fontsize=_FONT_TICK + 1, color=theme.ink)
        marks = self.scene.marks
        for path, run in zip(self.paths, self.scene.runs, strict=True):
            bottom.plot(np.arange(len(path)), path[:, 0], color=run.color, lw=marks.path_width * PT,
                        alpha=marks.path_alpha, zorder=3)
        (_, y_top) = top.get_ylim()
        for run in self.scene.runs:
            color = run.color
            tail = Line2D([], [], color=color, lw=marks.tail_width * PT, solid_capstyle="round", zorder=7)
            dot = Line2D([], [], color=color, marker=MARKERS[run.shape], ms=2 * run.dot * PT, mfc=color, mec="white",
                         mew=1.8, ls="none", zorder=8, clip_on=False)
            top.add_line(self._mark(tail))
            self.run_artists.append({"tail": tail, **self._moving_marks(top, run, y_top)})
            bottom.add_line(self._mark(dot))
            self.run_artists[-1]["dot"] = dot
        self.axes = [top, bottom]
        self._box_ratio = None
        return [top, bottom]

    def _legend_handles(self, wrap: bool) -> tuple[list, list[str]]:
        race, theme = self.race, self.theme
        handles, labels = [], []
        for tr, label, color, run in zip(race.trajectories, race.labels, race.colors, self.scene.runs, strict=True):
            handles.append(Line2D([], [], color=color, lw=4, marker=MARKERS[run.shape], ms=11, mfc=color, mec="white",
                                  mew=1.8))
            text = wrap_label(label) if wrap else label
            labels.append(text if tr.diverged_at is None else f"{text}\ndiverged at step {tr.diverged_at}")
        if race.surface.minima:
            handles.append(Line2D([], [], ls="none", marker="*", ms=17, mfc="white", mec="black", mew=1.2))
            labels.append("minimum")
        if race.surface.dim == 2:
            handles.append(Line2D([], [], ls="none", marker="o", ms=12, mfc="none", mec=theme.ink, mew=2.4))
            labels.append("start")
        if self.batch_arrows is not None:  # as the page's key says it
            handles += [Line2D([], [], color=theme.ink, lw=2, ls=(0, (1.5, 2))), Line2D([], [], color="gray", lw=2)]
            labels += ["downhill, all points", "downhill, mini-batch"]
        return handles, labels

    def _layout(self, axes: list) -> None:
        """Title on top; the plot and, to its right, the legend and step counter, centred as a block."""
        fig, theme, s = self.figure, self.theme, self.scale
        W, H = self.width, self.height
        renderer = self.canvas.get_renderer()
        name, details = title_lines(self.race)
        title = fig.text(self._fx(24 * s), 1 - self._fy(16 * s), "", fontsize=_FONT_TITLE, fontweight="bold",
                         color=theme.ink, ha="left", va="top")
        title.set_text(fit_lines([name], title, renderer, W - 48 * s, max_lines=1)[0])
        muted = (*css_color(theme.ink)[:3], 0.72)
        sub = fig.text(self._fx(24 * s), 1 - self._fy(54 * s), "", fontsize=_FONT_SUB, color=muted, ha="left",
                       va="top", linespacing=1.35)
        lines = fit_lines(details, sub, renderer, W - 48 * s)
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
            # The data panel goes under the legend: the column is at least as wide as it needs.
            column_w = legend_w if self.data is None else max(legend_w, 250 * s)
            avail_w = W - left_pad - right_px - gap - column_w
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
        block = left_pad + box_w + gap + column_w
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
        counter_top = legend_top - legend_h - 22 * s
        self.counter = StepCounter(fig, legend_x + 4 * s, counter_top, _FONT_STEP, theme.ink)
        self._mark(self.counter.patch)
        if self.data is not None:
            # Under the counter, its title and tick labels around it, no lower than the plot's bottom.
            top = counter_top - (34 + 19 * self.data.title_lines) * s
            width = column_w - 42 * s
            height = max(min(top - (y_bottom + 24 * s), 1.1 * width), 40 * s)
            self.data.place(legend_x + 42 * s, top - height, width, height, W, H)

    def show(self, f: int) -> list:
        """Move the moving artists to frame ``f``; returns them (FuncAnimation's convention)."""
        dim = self.race.surface.dim
        view = self.scene
        step = int(self.shown[f])
        for r, path in enumerate(self.paths):
            art = self.run_artists[r]
            # The tail follows every step since the frame the scene's tail reaches back to (not only
            # the frames' positions), so a zig-zag between two frames still shows as one.
            idx, edge = view.tail(r, self.shown, f)
            now = view.head_index(r, step)
            xs = path[idx, 0]
            ys = path[idx, 1] if dim == 2 else self.path_values[r][idx]
            if edge is not None:
                xs, ys = np.append(xs, edge[0]), np.append(ys, edge[1])
            art["tail"].set_data(xs, ys)
            gone = view.crossed(r, step)
            since = None if gone else view.outside_since(r, step)
            hx, hy = path[now, 0], (path[now, 1] if dim == 2 else self.path_values[r][now])
            shown = not gone and since is None and len(path)
            art["head"].set_data(*(([hx], [hy]) if shown else ([], [])))
            if "dot" in art:
                art["dot"].set_data(*(([now], [hx]) if shown else ([], [])))
            self._outside(art, path[now] if len(path) else None, since)
            for name in ("cross", "diverged"):
                if name in art:
                    art[name].set_visible(bool(gone))
        if self.data is not None:
            heads = [view.head_index(r, self.shown[f]) for r in range(len(self.paths))]
            self.data.show(heads)
            if self.batch_arrows is not None:
                self.batch_arrows.show(heads)
        last = int(self.shown[-1])
        self.counter.set_text(f"step {step:>{len(str(last))}} / {last}")
        return self.moving

    def _outside(self, art: dict, position, since: int | None) -> None:
        """The edge marker of a run outside the window (or none): a triangle on the edge pointing to
        the run, and its true coordinates beside it, inside the window."""
        if since is None or position is None:
            art["edge"].set_data([], [])
            art["where"].set_visible(False)
            return
        surface = self.race.surface
        at, direction = edge_marker(position, surface.bounds)
        if surface.dim == 1:
            with np.errstate(all="ignore"):
                at = (at[0], float(surface.value(np.array([[at[0]]]))[0]))
            direction = (direction[0], 0.0)
            text = f"x = {position[0]:.4g}"
        else:
            text = f"({position[0]:.4g}, {position[1]:.4g})"
        angle = float(np.degrees(np.arctan2(direction[1], direction[0]))) - 90.0
        art["edge"].set_marker((3, 0, angle))
        art["edge"].set_data([at[0]], [at[1]])
        where = art["where"]
        where.xy = at
        where.set_text(text)
        where.set_position((-26 * direction[0], -26 * direction[1]))
        where.set_visible(True)

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


