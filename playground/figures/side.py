"""Side by side: one small panel per run, same axes, all driven by one slider and clock."""

from __future__ import annotations

import math

from playground.model.simulate import Simulation

from ._common import (
    DEFAULT_THEME,
    SIDE_BACKDROP,
    Backdrop,
    Theme,
    animation_controls,
    base_layout,
    diverged_text,
    frame_steps,
    slim,
)
from ._common import backdrop as make_backdrop
from .race import axes, landmarks, moving, run_layers


def side_figure(race: Simulation, theme: Theme = DEFAULT_THEME, height: int | None = None,
                backdrop: Backdrop | None = None) -> dict:
    surface, exp = race.surface, race.experiment
    n = max(len(race.trajectories), 1)
    cols = {1: 1, 2: 2, 3: 3, 4: 2}.get(n, 4 if n > 6 else 3)
    rows = math.ceil(n / cols)
    gap_x, gap_y = 0.03, 0.09
    w = (1.0 - gap_x * (cols - 1)) / cols
    h = (1.0 - gap_y * (rows - 1)) / rows
    height = height or (380 * rows + 130 if not theme.present else 440 * rows + 150)
    layout = base_layout(theme, height)
    backdrop = backdrop or make_backdrop(surface, theme, **SIDE_BACKDROP)
    image = backdrop.image
    data, images, annotations = [], [], []
    for i, (tr, label, color) in enumerate(zip(race.trajectories, race.labels, race.colors, strict=True)):
        r, c = divmod(i, cols)
        dx = (c * (w + gap_x), c * (w + gap_x) + w)
        dy = (1.0 - r * (h + gap_y) - h, 1.0 - r * (h + gap_y))
        suffix = "" if i == 0 else str(i + 1)
        # Panels fill their cells (no equal aspect): four squeezed squares would waste the width.
        layout.update(axes(surface, theme, dx, dy, equal=False, suffix=suffix, anchor_suffix=suffix))
        layout["xaxis" + suffix]["showticklabels"] = r == rows - 1 or i + cols >= n
        layout["yaxis" + suffix]["showticklabels"] = c == 0
        xa, ya = "x" + suffix, "y" + suffix
        images.append({**image, "xref": xa, "yref": ya})
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": backdrop.iso_x,
                "y": backdrop.iso_y,
                "xaxis": xa,
                "yaxis": ya,
                "hoverinfo": "skip",
                "line": {"color": theme.iso, "width": 1},
                "showlegend": False,
            }
        )
        data += landmarks(surface, race.start, theme, xa, ya, legend=False)
        data += run_layers(tr.path, label, color, tr.diverged_at, theme, xa, ya, legend=False)
        annotations.append(
            {
                "text": f"<b>{diverged_text(label, tr.diverged_at)}</b>",
                "x": sum(dx) / 2,
                "y": dy[1],
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"color": color, "size": theme.font},
            }
        )
    longest = max((len(tr.path) - 1 for tr in race.trajectories), default=0)
    shown = frame_steps(max(longest, exp.steps))
    first = len(data)
    moving_idx = list(range(first, first + 2 * len(race.trajectories)))

    def frame(f: int) -> list[dict]:
        out = []
        for i, (tr, label, color) in enumerate(zip(race.trajectories, race.labels, race.colors, strict=True)):
            suffix = "" if i == 0 else str(i + 1)
            out += moving(
                tr.path, shown, f, label, color, tr.diverged_at, theme, "x" + suffix, "y" + suffix, legend=False
            )
        return out

    data += frame(0)
    frames = [{"name": str(int(s)), "data": slim(frame(f)), "traces": moving_idx} for f, s in enumerate(shown)]
    menus, sliders = animation_controls(shown, exp.speed, theme, y=-0.04)
    layout.update(
        {"images": images, "annotations": annotations, "updatemenus": menus, "sliders": sliders, "showlegend": False}
    )
    layout["margin"].update({"t": 50, "b": 100})
    return {"data": data, "layout": layout, "frames": frames}
