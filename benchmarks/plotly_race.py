"""The Plotly race figure the page sent before the race player: the benchmarks' baseline only.

The page no longer draws it; :mod:`benchmarks.bench_player` compares the player's bytes and the
standalone export with it ("what the page used to send"). Static layers (drawn once): the
background image, iso-lines, a click target, the start and the known minima, each run's full path
(faint) and, for a diverged run, a cross at its last good position. Frames touch only the moving
layers: a head and a short tail per run, at most ``MAX_FRAMES`` frames.
"""

from __future__ import annotations

import numpy as np

from playground.figures import Backdrop, Theme, backdrop
from playground.figures._common import base_layout, diverged_text, typed
from playground.model.simulate import Simulation

CLICK_GRID = 41
TAIL_FRAMES = 8
MAX_FRAMES = 200


def frame_steps(steps_run: int) -> np.ndarray:
    """The step shown by each animation frame: every step for short runs, ≤ 200 evenly spaced."""
    count = min(steps_run + 1, MAX_FRAMES)
    return np.unique(np.round(np.linspace(0, steps_run, count)).astype(int))


def position_at(path: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Positions at the given steps, holding the last good position after a divergence."""
    if len(path) == 0:
        return np.full((len(steps), path.shape[-1]), np.nan)
    return path[np.minimum(steps, len(path) - 1)]


def animation_controls(steps: np.ndarray, speed: float, theme: Theme, y: float = -0.08) -> tuple[list, list]:
    """Play/Pause buttons and a step slider driving the frames named by their step."""
    duration = max(round(1000 / 30 / max(speed, 0.05)), 1)
    play = {"frame": {"duration": duration, "redraw": False}, "fromcurrent": True,
            "transition": {"duration": 0}, "mode": "immediate"}
    pause = {"frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
    menus = [{
        "type": "buttons", "direction": "left", "showactive": False, "x": 0.0, "y": y, "xanchor": "left",
        "yanchor": "top", "pad": {"r": 10, "t": 0}, "font": {"size": theme.font},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
        ],
    }]
    sliders = [{
        "active": 0, "x": 0.2, "len": 0.8, "y": y + 0.02, "yanchor": "top", "pad": {"t": 0, "b": 0},
        "currentvalue": {"prefix": "Step ", "font": {"size": theme.font, "color": theme.ink}},
        "font": {"size": 1, "color": "rgba(0,0,0,0)"}, "ticklen": 3, "minorticklen": 0,
        "steps": [
            {"label": str(int(s)), "method": "animate",
             "args": [[str(int(s))], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                                      "transition": {"duration": 0}}]}
            for s in steps
        ],
    }]
    return menus, sliders


def click_target(surface) -> dict:
    """An invisible grid of points: Plotly reports clicks on traces, not on images."""
    (x0, x1), (y0, y1) = surface.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, CLICK_GRID), np.linspace(y0, y1, CLICK_GRID))
    return {
        "type": "scatter", "mode": "markers", "name": "start here", "x": typed(X.ravel()), "y": typed(Y.ravel()),
        "marker": {"size": 14, "color": "rgba(0,0,0,0)"},
        "hovertemplate": "click to start here<br>(%{x:.2f}, %{y:.2f})<extra></extra>",
        "showlegend": False, "meta": "click-target",
    }


def landmarks(surface, start, theme: Theme) -> list[dict]:
    traces = []
    if surface.minima:
        m = np.asarray(surface.minima)
        traces.append({
            "type": "scatter", "mode": "markers", "name": "minimum", "x": typed(m[:, 0]), "y": typed(m[:, 1]),
            "marker": {"symbol": "star", "size": theme.marker + 6, "color": "#ffffff",
                       "line": {"color": "#000000", "width": 1.5}},
            "hovertemplate": "minimum (%{x:.3g}, %{y:.3g})<extra></extra>",
        })
    traces.append({
        "type": "scatter", "mode": "markers", "name": "start", "x": [float(start[0])], "y": [float(start[1])],
        "marker": {"symbol": "circle-open", "size": theme.marker + 4, "color": theme.ink, "line": {"width": 3}},
        "hovertemplate": "start (%{x:.3g}, %{y:.3g})<extra></extra>",
    })
    return traces


def run_layers(path, label, color, diverged_at, theme: Theme) -> list[dict]:
    """Static layers of one run: faint full path, and a cross where it diverged."""
    layers = [{
        "type": "scatter", "mode": "lines", "name": label, "legendgroup": label, "showlegend": False,
        "x": typed(path[:, 0]), "y": typed(path[:, 1]),
        "line": {"color": color, "width": theme.line * 0.8}, "opacity": theme.faint,
        "hovertemplate": f"{label}<br>step %{{pointNumber}}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    }]
    if diverged_at is not None and len(path):
        layers.append({
            "type": "scatter", "mode": "markers+text", "name": f"{label} diverged", "legendgroup": label,
            "showlegend": False, "x": [float(path[-1, 0])], "y": [float(path[-1, 1])],
            "marker": {"symbol": "x-thin-open", "size": theme.marker + 10, "color": color, "line": {"width": 4}},
            "text": [f"diverged at step {diverged_at}"], "textposition": "top center",
            "textfont": {"color": color, "size": theme.font},
            "hovertemplate": f"{label}: diverged at step {diverged_at}<extra></extra>",
        })
    return layers


def moving(path, shown, f, label, color, diverged_at, theme: Theme, grow=0) -> list[dict]:
    """The tail and head of one run at frame ``f`` (``shown`` holds every frame's step)."""
    tail = position_at(path, shown[max(0, f - TAIL_FRAMES) : f + 1])
    head = tail[-1:]
    return [
        {"type": "scatter", "mode": "lines", "x": typed(tail[:, 0]), "y": typed(tail[:, 1]),
         "line": {"color": color, "width": theme.line * 1.6},
         "name": label, "legendgroup": label, "showlegend": False, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "markers", "x": typed(head[:, 0]), "y": typed(head[:, 1]),
         "name": diverged_text(label, diverged_at), "legendgroup": label,
         "marker": {"size": theme.marker + grow, "color": color, "line": {"color": "#ffffff", "width": 2}},
         "hovertemplate": f"{label}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>"},
    ]


def axes(surface) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    xa = {"range": [x0, x1], "showgrid": False, "zeroline": False, "constrain": "domain"}
    ya = {"range": [y0, y1], "showgrid": False, "zeroline": False, "constrain": "domain"}
    if 0.5 <= (y1 - y0) / (x1 - x0) <= 2.0:
        ya.update(scaleanchor="x", scaleratio=1)
    return {"xaxis": xa, "yaxis": ya}


def race_figure(race: Simulation, theme: Theme | None = None, height: int = 640,
                drop: Backdrop | None = None) -> dict:
    """The animated race on a 2-D surface, as a Plotly figure dict."""
    theme = theme or Theme()
    surface, exp = race.surface, race.experiment
    drop = drop or backdrop(surface, theme)
    data = [
        {"type": "scatter", "mode": "lines", "x": drop.iso_x, "y": drop.iso_y, "hoverinfo": "skip",
         "line": {"color": theme.iso, "width": 1}, "showlegend": False, "name": "iso-lines"},
        click_target(surface),
        *landmarks(surface, race.start, theme),
    ]
    runs = list(zip(race.trajectories, race.labels, race.colors, strict=True))
    for tr, label, color in runs:
        data += run_layers(tr.path, label, color, tr.diverged_at, theme)
    longest = max((len(tr.path) - 1 for tr in race.trajectories), default=0)
    shown = frame_steps(max(longest, exp.steps if race.trajectories else 0))

    def frame(f: int) -> list[dict]:
        out = []
        for i, (tr, label, color) in enumerate(runs):
            out += moving(tr.path, shown, f, label, color, tr.diverged_at, theme, grow=5 * (len(runs) - 1 - i))
        return out

    moving_idx = list(range(len(data), len(data) + 2 * len(runs)))
    data += frame(0)
    frames = [{"name": str(int(step)), "data": [{k: t[k] for k in ("x", "y")} for t in frame(f)],
               "traces": moving_idx} for f, step in enumerate(shown)]
    menus, sliders = animation_controls(shown, exp.speed, theme)
    layout = base_layout(theme, height)
    layout.update(axes(surface))
    layout.update(images=[{**drop.image, "xref": "x", "yref": "y"}], updatemenus=menus, sliders=sliders)
    layout["margin"]["b"] = 110 if theme.present else 90
    layout["legend"].update({"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    return {"data": data, "layout": layout, "frames": frames}
