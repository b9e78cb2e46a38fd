"""Curves over steps: loss above the minimum, distance to the nearest minimum, step length."""

from __future__ import annotations

import numpy as np

from playground.model import metrics
from playground.model.simulate import Simulation

from ._common import DEFAULT_THEME, Theme, base_layout, decade_ticks, finite_pairs, tidy_axes, typed

#: The least height per labelled decade on a log axis.
TICK_PX = 30


def _finite(series: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([s[np.isfinite(s)] for s in series]) if series else np.empty(0)


def _log_helps(series: list[np.ndarray]) -> bool:
    vals = _finite(series)
    if vals.size == 0 or np.any(vals <= 0):
        return False
    return float(vals.max() / max(vals.min(), 1e-300)) > 100.0


def curves_figure(race: Simulation, theme: Theme = DEFAULT_THEME, height: int = 760) -> dict:
    surface = race.surface
    panels = []
    known = bool(surface.minimum_values)
    loss_title = "loss above the minimum" if known else "loss"
    loss = [metrics.gap(tr, surface) for tr in race.trajectories]
    panels.append((loss_title, loss))
    dist = [metrics.distance_to_minimum(tr, surface) for tr in race.trajectories]
    if all(d is not None for d in dist) and dist:
        panels.append(("distance to the nearest minimum", dist))
    panels.append(("step length", [metrics.step_lengths(tr) for tr in race.trajectories]))
    layout = base_layout(theme, height)
    gap = 0.07
    h = (1.0 - gap * (len(panels) - 1)) / len(panels)
    panel_px = h * (height - layout["margin"]["t"] - layout["margin"]["b"])
    data = []
    for p, (title, series) in enumerate(panels):
        suffix = "" if p == 0 else str(p + 1)
        top = 1.0 - p * (h + gap)
        log = _log_helps(series)
        ticks = {}
        if log:
            vals = _finite(series)
            ticks = decade_ticks(np.log10(vals.min()), np.log10(vals.max()), int(panel_px // TICK_PX))
        layout["xaxis" + suffix] = {"domain": [0, 1], "anchor": "y" + suffix, "matches": "x" if p else None,
                                    "showticklabels": p == len(panels) - 1,
                                    "title": {"text": "step"} if p == len(panels) - 1 else None}
        layout["yaxis" + suffix] = {"domain": [top - h, top], "anchor": "x" + suffix,
                                    "type": "log" if log else "linear", "title": {"text": title},
                                    "exponentformat": "power", **ticks}
        for i, (s, label, color) in enumerate(zip(series, race.labels, race.colors, strict=True)):
            steps, s = finite_pairs(np.arange(len(s)) + (1.0 if title == "step length" else 0.0), s)
            data.append({"type": "scatter", "mode": "lines", "x": typed(steps), "y": typed(s, "f8"),
                         "xaxis": "x" + suffix, "yaxis": "y" + suffix, "name": label, "legendgroup": label,
                         "showlegend": p == 0, "line": {"color": color, "width": theme.line},
                         "hovertemplate": f"{label}<br>step %{{x}}<br>{title}: %{{y:.4g}}<extra></extra>"})
            if p == 0 and race.spread is not None:
                data += _band(race.spread[i], surface, color, label)
    for key in list(layout):
        if key.startswith("xaxis") and layout[key].get("matches") is None:
            layout[key].pop("matches", None)
    layout["legend"].update({"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    return {"data": data, "layout": tidy_axes(layout, theme)}


def _band(spread, surface, color: str, label: str) -> list[dict]:
    """The 10–90% range of the loss over the noise seeds, as a shaded band."""
    g = spread.loss - (min(surface.minimum_values) if surface.minimum_values else 0.0)
    # Steps where every seed has diverged are all-NaN rows: leave them NaN (dropped below) rather than
    # asking nanpercentile, which warns on them (a RuntimeWarning per rerun, an error under pytest).
    rows = np.isfinite(g).any(axis=1)
    lo = np.full(g.shape[0], np.nan)
    hi = np.full(g.shape[0], np.nan)
    with np.errstate(all="ignore"):
        lo[rows] = np.nanpercentile(g[rows], 10, axis=1)
        hi[rows] = np.nanpercentile(g[rows], 90, axis=1)
    steps = np.arange(len(lo))
    x = np.concatenate([steps, steps[::-1]])
    y = np.concatenate([hi, lo[::-1]])
    ok = np.isfinite(y)
    return [{"type": "scatter", "mode": "lines", "x": typed(x[ok]), "y": typed(y[ok], "f8"), "fill": "toself",
             "fillcolor": color, "opacity": 0.18, "line": {"width": 0}, "name": f"{label} (10–90% of seeds)",
             "legendgroup": label, "showlegend": False, "hoverinfo": "skip"}]
