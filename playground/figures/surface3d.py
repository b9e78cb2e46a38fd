"""The surface in 3-D with every path lying on it (rotate with the mouse; not animated)."""

from __future__ import annotations

import numpy as np

from playground.model.simulate import Simulation

from ._common import DEFAULT_THEME, Theme, base_layout, diverged_text, equalised, gapped, surface_grid, typed

#: Headroom above the highest point the runs visit, as a share of their height range.
HEADROOM = 0.25


def height_range(Z: np.ndarray, race: Simulation) -> tuple[float, float]:
    """The heights the view spans: from the lowest value (grid or path) to a little above the highest
    loss a run reaches inside the window, and never above the surface's 98th percentile. Steep walls
    (Rosenbrock's reach 2,500 where the runs stay under 13) would otherwise squash the valley the runs
    travel to a flat floor."""
    finite = Z[np.isfinite(Z)]
    top = float(np.quantile(finite, 0.98)) if finite.size else 1.0
    bottom = float(finite.min()) if finite.size else 0.0
    (x0, x1), (y0, y1) = race.surface.bounds
    reached = []
    for tr in race.trajectories:
        p = tr.path
        inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1) & np.isfinite(tr.loss)
        reached.append(tr.loss[inside])
    reached = np.concatenate(reached) if reached else np.empty(0)
    if reached.size:
        bottom = min(bottom, float(reached.min()))
        if reached.max() > bottom:
            top = min(top, float(reached.max()) + HEADROOM * (float(reached.max()) - bottom))
    return bottom, max(top, bottom + 1e-12)


def surface3d_figure(race: Simulation, theme: Theme = DEFAULT_THEME, height: int = 680) -> dict:
    surface = race.surface
    xs, ys, Z = surface_grid(surface, 80)
    bottom, top = height_range(Z, race)
    Zc = np.minimum(Z, top)
    lift = 0.015 * (top - bottom)
    data = [{
        "type": "surface", "x": xs.tolist(), "y": ys.tolist(), "z": gapped(Zc, 6),
        "surfacecolor": np.round(equalised(Z), 4).tolist(), "colorscale": "Greys",
        "showscale": False, "opacity": 0.8, "name": "surface", "hoverinfo": "skip",
    }]
    for tr, label, color in zip(race.trajectories, race.labels, race.colors, strict=True):
        keep = np.isfinite(tr.loss)
        p = tr.path[keep]
        z = np.clip(tr.loss[keep], bottom, top) + lift
        data.append({"type": "scatter3d", "mode": "lines", "x": typed(p[:, 0]), "y": typed(p[:, 1]),
                     "z": typed(z), "name": diverged_text(label, tr.diverged_at), "legendgroup": label,
                     "line": {"color": color, "width": theme.line * 3}})
        if len(p):
            data.append({"type": "scatter3d", "mode": "markers", "x": [float(p[-1, 0])], "y": [float(p[-1, 1])],
                         "z": [float(z[-1])], "showlegend": False, "legendgroup": label, "name": label,
                         "hovertemplate": f"{label}: last step<extra></extra>",
                         "marker": {"size": theme.marker * 0.7, "color": color,
                                    "line": {"color": theme.ink, "width": 2}}})
    data.extend(_markers(race, bottom, top, lift, theme))
    layout = base_layout(theme, height)
    cut = bool(np.nanmax(Z) > top) if np.isfinite(Z).any() else False
    layout["scene"] = {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
                       "zaxis": {"title": {"text": f"f (cut at {top:.3g})" if cut else "f"},
                                 "range": [bottom, top + 2 * lift], "exponentformat": "power"},
                       "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.6}}
    if cut:
        layout["annotations"] = [{
            "text": f"The surface is cut flat at f = {top:.3g}, a little above the highest point the runs "
                    "reach, so the heights they travel fill the box.",
            "xref": "paper", "yref": "paper", "x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "bottom",
            "showarrow": False, "font": {"size": max(theme.font - 3, 10), "color": theme.ink}}]
    layout["legend"].update({"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    return {"data": data, "layout": layout}


def _markers(race: Simulation, bottom: float, top: float, lift: float, theme: Theme) -> list[dict]:
    """The start (open circle) and the known minima (diamonds), on the surface, as in the race view."""
    surface = race.surface
    start = np.asarray(race.start, dtype=np.float64)[None, :]
    out = []
    with np.errstate(all="ignore"):
        z0 = float(np.clip(surface.value(start)[0], bottom, top) + lift)
    out.append({"type": "scatter3d", "mode": "markers", "name": "start", "x": [float(start[0, 0])],
                "y": [float(start[0, 1])], "z": [z0], "hovertemplate": "start (%{x:.3g}, %{y:.3g})<extra></extra>",
                "marker": {"size": 7, "symbol": "circle-open", "color": theme.ink, "line": {"width": 3}}})
    minima = np.array([m for m in surface.minima if len(m) == 2], dtype=np.float64).reshape(-1, 2)
    (x0, x1), (y0, y1) = surface.bounds
    inside = (minima[:, 0] >= x0) & (minima[:, 0] <= x1) & (minima[:, 1] >= y0) & (minima[:, 1] <= y1)
    minima = minima[inside]
    if len(minima):
        with np.errstate(all="ignore"):
            zm = np.clip(surface.value(minima), bottom, top) + lift
        out.append({"type": "scatter3d", "mode": "markers", "name": "minimum", "x": typed(minima[:, 0]),
                    "y": typed(minima[:, 1]), "z": typed(zm),
                    "hovertemplate": "minimum (%{x:.3g}, %{y:.3g})<extra></extra>",
                    "marker": {"size": 6, "symbol": "diamond", "color": theme.ink}})
    return out
