"""The sweep heatmap: a metric over two hyperparameters, diverged cells in their own colour,
the entry's current setting and, where known, the theory's stability limits."""

from __future__ import annotations

import numpy as np

from playground.model.sweep import METRICS, SweepResult

from ._common import DEFAULT_THEME, Theme, base_layout, decade_ticks, tidy_axes

DIVERGED = "#b2182b"


def _edges(values: np.ndarray, log: bool) -> tuple[float, float]:
    if len(values) == 1:
        return float(values[0]) * 0.5, float(values[0]) * 1.5
    return float(values[0]), float(values[-1])


def _scale(values: np.ndarray, log: bool) -> dict:
    """An axis over the swept ``values``: a log axis labels powers of ten as 10⁻⁵ (Plotly's default
    would write 10µ, an SI prefix no rate is read in)."""
    if not log:
        return {"type": "linear", "range": [float(values[0]), float(values[-1])], "exponentformat": "power"}
    lo, hi = float(np.log10(values[0])), float(np.log10(values[-1]))
    return {"type": "log", "range": [lo, hi], **decade_ticks(lo, hi)}


def sweep_figure(result: SweepResult, theme: Theme = DEFAULT_THEME, height: int = 620) -> dict:
    spec = result.spec
    one_d = not spec.y
    ys = result.ys if not one_d else np.array([0.0])
    z = np.where(result.diverged, np.nan, result.values)
    data = [{
        "type": "heatmap", "x": result.xs.tolist(), "y": ys.tolist(), "z": np.round(z, 6).tolist(),
        "colorscale": "Viridis",
        "colorbar": {"title": {"text": METRICS[spec.metric]}, "len": 0.9, "exponentformat": "power"},
        "hovertemplate": f"{spec.x} = %{{x:.4g}}" + ("" if one_d else f"<br>{spec.y} = %{{y:.4g}}")
        + "<br>value %{z:.3g}<extra></extra>",
        "name": METRICS[spec.metric], "xgap": 0, "ygap": 0,
    }]
    if result.diverged.any():
        data.append({
            "type": "heatmap", "x": result.xs.tolist(), "y": ys.tolist(),
            "z": np.where(result.diverged, 1.0, np.nan).tolist(), "colorscale": [[0, DIVERGED], [1, DIVERGED]],
            "showscale": False, "name": "diverged", "hovertemplate": "diverged<extra></extra>",
        })
        data.append({"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": "diverged",
                     "marker": {"symbol": "square", "size": 14, "color": DIVERGED}, "showlegend": True})
    if not one_d:
        never = ~result.diverged & ~np.isfinite(result.values)
        if never.any() and spec.metric == "steps":
            yy, xx = np.nonzero(never)
            data.append({"type": "scatter", "mode": "markers", "x": result.xs[xx].tolist(), "y": ys[yy].tolist(),
                         "name": "never within tolerance", "hoverinfo": "skip",
                         "marker": {"symbol": "x-thin-open", "size": 5, "color": "rgba(128,128,128,0.7)"}})
    y_lo, y_hi = _edges(ys, result.y_log)
    for label, cx, cy in result.theory:
        if one_d:
            data.append({"type": "scatter", "mode": "lines", "x": cx.tolist(), "y": [y_lo - 1, y_hi + 1],
                         "name": label, "line": {"color": "#ffffff", "width": 3, "dash": "dash"}})
        else:
            ok = np.isfinite(cx) & (cx > 0)
            data.append({"type": "scatter", "mode": "lines", "x": cx[ok].tolist(), "y": cy[ok].tolist(),
                         "name": label, "line": {"color": "#ffffff", "width": 3, "dash": "dash"}})
    if result.optimum is not None and not one_d:
        data.append({"type": "scatter", "mode": "markers", "x": [result.optimum[0]], "y": [result.optimum[1]],
                     "name": "theory's best (η*, β*)",
                     "marker": {"symbol": "diamond", "size": 16, "color": "#ffffff",
                                "line": {"color": "#000", "width": 2}}})
    cx, cy = result.current
    data.append({"type": "scatter", "mode": "markers", "x": [cx], "y": [cy if cy is not None else 0.0],
                 "name": "current setting",
                 "marker": {"symbol": "star", "size": 20, "color": "#ffd700", "line": {"color": "#000", "width": 2}}})
    # An invisible point per cell: clicking one picks that setting (heatmaps do not report clicks).
    X, Y = np.meshgrid(result.xs, ys)
    data.append({"type": "scatter", "mode": "markers", "x": X.ravel().tolist(), "y": Y.ravel().tolist(),
                 "marker": {"size": 8, "color": "rgba(0,0,0,0)"}, "showlegend": False, "name": "pick",
                 "hovertemplate": f"click to pick {spec.x} = %{{x:.4g}}"
                 + ("" if one_d else f", {spec.y} = %{{y:.4g}}") + "<extra></extra>"})
    layout = base_layout(theme, height if not one_d else 320)
    layout["xaxis"] = {"title": {"text": spec.x}, **_scale(result.xs, result.x_log)}
    layout["yaxis"] = ({"visible": False, "range": [-0.5, 0.5]} if one_d else
                       {"title": {"text": spec.y}, **_scale(ys, result.y_log)})
    layout["legend"].update({"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    return {"data": data, "layout": tidy_axes(layout, theme)}
