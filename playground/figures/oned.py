"""1-D surfaces: each run is a ball on the curve y = f(x); below, x over steps on the same clock."""

from __future__ import annotations

import numpy as np

from playground.model.simulate import Simulation

from ._common import (
    DEFAULT_THEME,
    TAIL_FRAMES,
    Theme,
    animation_controls,
    base_layout,
    diverged_text,
    frame_steps,
    gapped,
    position_at,
    slim,
    typed,
)


def oned_figure(race: Simulation, theme: Theme = DEFAULT_THEME, height: int = 700) -> dict:
    surface, exp = race.surface, race.experiment
    (x0, x1), = surface.bounds
    xs = np.linspace(x0, x1, 400)
    with np.errstate(all="ignore"):
        ys = surface.value(xs[:, None])
    finite = ys[np.isfinite(ys)]
    y_lo, y_hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pad = 0.08 * (y_hi - y_lo or 1.0)
    data = [{"type": "scatter", "mode": "lines", "x": typed(xs), "y": gapped(ys), "name": "f(x)",
             "line": {"color": theme.ink, "width": theme.line}, "hoverinfo": "skip", "showlegend": False}]
    if surface.minima:
        m = np.asarray(surface.minima)[:, 0]
        data.append({"type": "scatter", "mode": "markers", "x": typed(m), "y": typed(surface.value(m[:, None])),
                     "name": "minimum", "marker": {"symbol": "star", "size": theme.marker + 6, "color": "#ffffff",
                                                   "line": {"color": "#000000", "width": 1.5}}})
    steps_axis = np.arange(exp.steps + 1)
    for tr, label, color in zip(race.trajectories, race.labels, race.colors, strict=True):
        data.append({"type": "scatter", "mode": "lines", "x": typed(steps_axis[: len(tr.path)]),
                     "y": typed(tr.path[:, 0]), "xaxis": "x2", "yaxis": "y2", "name": label, "legendgroup": label,
                     "showlegend": False, "line": {"color": color, "width": theme.line * 0.7},
                     "hovertemplate": f"{label}<br>step %{{x}}<br>x = %{{y:.4g}}<extra></extra>"})
    longest = max((len(tr.path) - 1 for tr in race.trajectories), default=0)
    shown = frame_steps(max(longest, exp.steps))
    first = len(data)
    moving_idx = list(range(first, first + 3 * len(race.trajectories)))

    def frame(f: int) -> list[dict]:
        out = []
        lo = max(0, f - TAIL_FRAMES)
        n = len(race.trajectories)
        for i, (tr, label, color) in enumerate(zip(race.trajectories, race.labels, race.colors, strict=True)):
            grow = 6 * (n - 1 - i)  # earlier balls larger, so balls at one spot show as rings
            tail = position_at(tr.path, shown[lo : f + 1])[:, 0]
            with np.errstate(all="ignore"):
                ty = surface.value(tail[:, None])
            step = int(min(shown[f], max(len(tr.path) - 1, 0)))
            out += [
                {"type": "scatter", "mode": "lines", "x": typed(tail), "y": typed(ty), "hoverinfo": "skip",
                 "line": {"color": color, "width": theme.line * 1.6}, "showlegend": False, "legendgroup": label},
                {"type": "scatter", "mode": "markers", "x": typed(tail[-1:]), "y": typed(ty[-1:]),
                 "name": diverged_text(label, tr.diverged_at), "legendgroup": label,
                 "marker": {"size": theme.marker + 4 + grow, "color": color,
                            "line": {"color": "#ffffff", "width": 2}},
                 "hovertemplate": f"{label}<br>x = %{{x:.4g}}<extra></extra>"},
                {"type": "scatter", "mode": "markers", "x": [step], "y": typed(tail[-1:]), "xaxis": "x2",
                 "yaxis": "y2", "showlegend": False, "legendgroup": label, "hoverinfo": "skip",
                 "marker": {"size": theme.marker + grow // 2, "color": color,
                            "line": {"color": "#ffffff", "width": 2}}},
            ]
        return out

    data += frame(0)
    frames = [{"name": str(int(s)), "data": slim(frame(f)), "traces": moving_idx} for f, s in enumerate(shown)]
    # Lower than in the race: the steps panel's "step" axis title sits where the race's controls go.
    menus, sliders = animation_controls(shown, exp.speed, theme, y=-0.16)
    layout = base_layout(theme, height)
    layout.update({
        "xaxis": {"range": [x0, x1], "domain": [0, 1], "anchor": "y", "title": {"text": "x"}, "zeroline": False},
        "yaxis": {"range": [y_lo - pad, y_hi + pad], "domain": [0.5, 1.0], "anchor": "x",
                  "title": {"text": "f(x)"}},
        "xaxis2": {"range": [0, exp.steps], "domain": [0, 1], "anchor": "y2", "title": {"text": "step"}},
        "yaxis2": {"range": [x0, x1], "domain": [0.0, 0.36], "anchor": "x2", "title": {"text": "x"}},
        "updatemenus": menus, "sliders": sliders,
    })
    layout["margin"]["b"] = 150
    layout["legend"].update({"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    return {"data": data, "layout": layout, "frames": frames}
