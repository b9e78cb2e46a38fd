"""The race: every trajectory on one shaded map, animated on one clock.

Static layers (drawn once): the background image, iso-lines, a click target for choosing the
start, the start and the known minima, each run's full path (faint) and, for a diverged run, a cross
at its last good position. Frames touch only the moving layers: a head and a short tail per run.
"""

from __future__ import annotations

import numpy as np

from playground.model.simulate import Simulation

from ._common import (
    DEFAULT_THEME,
    TAIL_FRAMES,
    Backdrop,
    Theme,
    animation_controls,
    base_layout,
    diverged_text,
    frame_steps,
    position_at,
    slim,
    typed,
)
from ._common import backdrop as make_backdrop

CLICK_GRID = 41


def click_target(surface) -> dict:
    """An invisible grid of points: Plotly reports clicks on traces, not on images."""
    (x0, x1), (y0, y1) = surface.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, CLICK_GRID), np.linspace(y0, y1, CLICK_GRID))
    return {
        "type": "scatter", "mode": "markers", "name": "start here",
        "x": typed(X.ravel()), "y": typed(Y.ravel()),
        "marker": {"size": 14, "color": "rgba(0,0,0,0)"},
        "hovertemplate": "click to start here<br>(%{x:.2f}, %{y:.2f})<extra></extra>",
        "showlegend": False, "meta": "click-target",
    }


def landmarks(surface, start, theme: Theme, xaxis: str = "x", yaxis: str = "y", legend: bool = True) -> list[dict]:
    traces = []
    if surface.minima:
        m = np.asarray(surface.minima)
        traces.append({
            "type": "scatter", "mode": "markers", "name": "minimum", "x": typed(m[:, 0]), "y": typed(m[:, 1]),
            "xaxis": xaxis, "yaxis": yaxis,
            "marker": {"symbol": "star", "size": theme.marker + 6, "color": "#ffffff",
                       "line": {"color": "#000000", "width": 1.5}},
            "hovertemplate": "minimum (%{x:.3g}, %{y:.3g})<extra></extra>", "showlegend": legend,
        })
    traces.append({
        "type": "scatter", "mode": "markers", "name": "start", "x": [float(start[0])], "y": [float(start[1])],
        "xaxis": xaxis, "yaxis": yaxis,
        "marker": {"symbol": "circle-open", "size": theme.marker + 4, "color": theme.ink, "line": {"width": 3}},
        "hovertemplate": "start (%{x:.3g}, %{y:.3g})<extra></extra>", "showlegend": legend,
    })
    return traces


def run_layers(path, label, color, diverged_at, theme: Theme, xaxis="x", yaxis="y", legend=True):
    """Static layers of one run: faint full path, and a cross where it diverged."""
    layers = [{
        "type": "scatter", "mode": "lines", "name": label, "legendgroup": label, "showlegend": False,
        "x": typed(path[:, 0]), "y": typed(path[:, 1]), "xaxis": xaxis, "yaxis": yaxis,
        "line": {"color": color, "width": theme.line * 0.8}, "opacity": theme.faint,
        "hovertemplate": f"{label}<br>step %{{pointNumber}}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    }]
    if diverged_at is not None and len(path):
        layers.append({
            "type": "scatter", "mode": "markers+text", "name": f"{label} diverged", "legendgroup": label,
            "showlegend": False, "x": [float(path[-1, 0])], "y": [float(path[-1, 1])],
            "xaxis": xaxis, "yaxis": yaxis,
            "marker": {"symbol": "x-thin-open", "size": theme.marker + 10, "color": color, "line": {"width": 4}},
            "text": [f"diverged at step {diverged_at}"], "textposition": "top center",
            "textfont": {"color": color, "size": theme.font},
            "hovertemplate": f"{label}: diverged at step {diverged_at}<extra></extra>",
        })
    return layers


def moving(path, shown, f, label, color, diverged_at, theme: Theme, xaxis="x", yaxis="y", legend=True, grow=0):
    """The tail and head of one run at frame ``f`` (``shown`` holds every frame's step).

    ``grow`` enlarges the head: earlier entries get bigger heads, so runs at the same spot show as
    concentric rings instead of hiding one another.
    """
    lo = max(0, f - TAIL_FRAMES)
    tail = position_at(path, shown[lo : f + 1])
    head = tail[-1:]
    return [
        {"type": "scatter", "mode": "lines", "x": typed(tail[:, 0]), "y": typed(tail[:, 1]),
         "xaxis": xaxis, "yaxis": yaxis, "line": {"color": color, "width": theme.line * 1.6},
         "name": label, "legendgroup": label, "showlegend": False, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "markers", "x": typed(head[:, 0]), "y": typed(head[:, 1]),
         "xaxis": xaxis, "yaxis": yaxis, "name": diverged_text(label, diverged_at), "legendgroup": label,
         "showlegend": legend,
         "marker": {"size": theme.marker + grow, "color": color, "line": {"color": "#ffffff", "width": 2}},
         "hovertemplate": f"{label}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>"},
    ]


def axes(surface, theme: Theme, domain_x=(0.0, 1.0), domain_y=(0.0, 1.0), equal: bool | None = None,
         suffix: str = "", anchor_suffix: str = "") -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    if equal is None:
        ratio = (y1 - y0) / (x1 - x0)
        equal = 0.5 <= ratio <= 2.0
    grid = "rgba(128,128,128,0.15)"
    xa = {"range": [x0, x1], "domain": list(domain_x), "showgrid": False, "zeroline": False,
          "anchor": "y" + anchor_suffix, "constrain": "domain", "gridcolor": grid}
    ya = {"range": [y0, y1], "domain": list(domain_y), "showgrid": False, "zeroline": False,
          "anchor": "x" + anchor_suffix, "constrain": "domain"}
    if equal:
        ya["scaleanchor"] = "x" + anchor_suffix
        ya["scaleratio"] = 1
    return {"xaxis" + suffix: xa, "yaxis" + suffix: ya}


def arrows(tr, shown, f, color, span: float, theme: Theme) -> list[dict]:
    """Two unit-length arrows at the head: downhill (−gradient, dashed) and the step actually taken.

    Both have the same fixed length, so what they show is direction: the angle between them is
    what momentum and per-coordinate scaling do to plain descent.
    """
    k = len(tr.grads)
    step = int(min(shown[f], k - 1)) if k else -1
    out = []
    for vec, dash, name, c in (
        (-tr.grads[step] if step >= 0 else None, "dot", "downhill (−g)", theme.ink),
        (tr.path[step + 1] - tr.path[step] if step >= 0 else None, "solid", "step taken", color),
    ):
        if vec is None or not np.all(np.isfinite(vec)) or not np.any(vec):
            xs, ys = [None, None], [None, None]
        else:
            start = tr.path[step]
            end = start + vec / np.linalg.norm(vec) * 0.08 * span
            xs, ys = [float(start[0]), float(end[0])], [float(start[1]), float(end[1])]
        out.append({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "name": name,
                    "showlegend": False, "hoverinfo": "skip", "line": {"color": c, "width": 2.5, "dash": dash},
                    "marker": {"symbol": ["circle", "arrow"], "size": [0, theme.marker], "angleref": "previous",
                               "color": c}})
    return out


def race_figure(race: Simulation, theme: Theme = DEFAULT_THEME, height: int = 640, with_arrows: bool = False,
                backdrop: Backdrop | None = None) -> dict:
    """The animated race on a 2-D surface, as a Plotly figure dict.

    ``with_arrows`` adds, at the current step of each run, the downhill direction and the step taken.
    """
    surface, exp = race.surface, race.experiment
    backdrop = backdrop or make_backdrop(surface, theme)
    data = [
        {"type": "scatter", "mode": "lines", "x": backdrop.iso_x, "y": backdrop.iso_y, "hoverinfo": "skip",
         "line": {"color": theme.iso, "width": 1}, "showlegend": False, "name": "iso-lines"},
        click_target(surface),
        *landmarks(surface, race.start, theme),
    ]
    for tr, label, color in zip(race.trajectories, race.labels, race.colors, strict=True):
        data += run_layers(tr.path, label, color, tr.diverged_at, theme)
    longest = max((len(tr.path) - 1 for tr in race.trajectories), default=0)
    shown = frame_steps(max(longest, exp.steps if race.trajectories else 0))
    (x0, x1), (y0, y1) = surface.bounds
    span = float(np.hypot(x1 - x0, y1 - y0))
    per_run = 4 if with_arrows else 2

    n = len(race.trajectories)

    def frame(f: int) -> list[dict]:
        out = []
        for i, (tr, label, color) in enumerate(zip(race.trajectories, race.labels, race.colors, strict=True)):
            out += moving(tr.path, shown, f, label, color, tr.diverged_at, theme, grow=5 * (n - 1 - i))
            if with_arrows:
                out += arrows(tr, shown, f, color, span, theme)
        return out

    first = len(data)
    moving_idx = list(range(first, first + per_run * len(race.trajectories)))
    data += frame(0)
    frames = [{"name": str(int(step)), "data": slim(frame(f)), "traces": moving_idx} for f, step in enumerate(shown)]
    menus, sliders = animation_controls(shown, exp.speed, theme)
    layout = base_layout(theme, height)
    layout.update(axes(surface, theme))
    layout["images"] = [{**backdrop.image, "xref": "x", "yref": "y"}]
    layout["updatemenus"] = menus
    layout["sliders"] = sliders
    layout["margin"]["b"] = 110 if theme.present else 90
    layout["legend"].update({"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    return {"data": data, "layout": layout, "frames": frames}
