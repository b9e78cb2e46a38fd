"""The data panel beside the race: the points, and each optimizer's fitted line or decision boundary
(at the last step solid, at a few earlier steps faint, so the movement shows in one still picture)."""

from __future__ import annotations

import numpy as np

from playground.model.datapanel import DataPanel

from ._common import DEFAULT_THEME, Theme, base_layout, gapped

#: How many earlier steps each optimizer's line is drawn at, faintly.
EARLIER = 6


def _segments_trace(seg: np.ndarray) -> tuple[list, list]:
    """Segments ``(k, 2, 2)`` as one polyline broken by gaps."""
    xs = np.full((len(seg), 3), np.nan)
    ys = np.full((len(seg), 3), np.nan)
    xs[:, :2], ys[:, :2] = seg[:, :, 0], seg[:, :, 1]
    return gapped(xs.reshape(-1)), gapped(ys.reshape(-1))


def datapanel_figure(panel: DataPanel, labels: list[str], colors: list[str], theme: Theme = DEFAULT_THEME,
                     height: int = 420) -> dict:
    data: list[dict] = []
    size = max(5, theme.marker // 2)
    if panel.kind == "line":
        data.append({"type": "scatter", "mode": "markers", "x": gapped(panel.x), "y": gapped(panel.y),
                     "name": "data", "marker": {"color": theme.ink, "size": size, "opacity": 0.6}})
    else:
        for label, symbol, name in ((1.0, "circle", "class +1"), (-1.0, "x", "class −1")):
            pick = panel.y == label
            data.append({"type": "scatter", "mode": "markers", "x": gapped(panel.x[pick, 0]),
                         "y": gapped(panel.x[pick, 1]), "name": name,
                         "marker": {"color": theme.ink, "size": size, "symbol": symbol, "opacity": 0.6}})
    for i, (label, color) in enumerate(zip(labels, colors, strict=True)):
        last = len(panel.params[i]) - 1
        earlier = np.unique(np.round(np.linspace(0, last, EARLIER + 1)[:-1]).astype(int))
        x, y = _segments_trace(panel.segments(i, earlier))
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": y, "showlegend": False, "hoverinfo": "skip",
                     "line": {"color": color, "width": theme.line * 0.6}, "opacity": 0.3, "name": label})
        x, y = _segments_trace(panel.segments(i, np.array([last])))
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": y, "name": label,
                     "line": {"color": color, "width": theme.line}})
    layout = base_layout(theme, height)
    (x0, x1), (y0, y1) = panel.window
    what = "fitted line" if panel.kind == "line" else "decision boundary"
    layout["title"] = {"text": f"The data and each {what} (faint: earlier steps)", "font": {"size": theme.font}}
    layout["xaxis"] = {"range": [x0, x1], "title": {"text": "x" if panel.kind == "line" else "x₁"}}
    layout["yaxis"] = {"range": [y0, y1], "title": {"text": "y" if panel.kind == "line" else "x₂"}}
    return {"data": data, "layout": layout}
