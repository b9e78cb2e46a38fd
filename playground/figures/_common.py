"""What every figure shares: plain-dict building blocks, the shaded background, iso-lines, themes.

Figures are built as plain dicts (Plotly's JSON schema) rather than graph objects: validating
thousands of points through ``plotly.graph_objects`` takes far longer than building the dict. Arrays
go out as Plotly's typed-array spec (base64 float32), which keeps the payload small and linear in
the number of points.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np
from contourpy import contour_generator
from matplotlib import colormaps
from PIL import Image

GRID = 200


@dataclass(frozen=True)
class Theme:
    """Sizes and colours; ``present`` scales everything up for a lecture hall."""

    dark: bool = False
    present: bool = False

    @property
    def font(self) -> int:
        return 22 if self.present else 15

    @property
    def marker(self) -> int:
        return 20 if self.present else 13

    @property
    def line(self) -> float:
        return 4.0 if self.present else 2.5

    @property
    def faint(self) -> float:
        return 0.75

    @property
    def ink(self) -> str:
        return "#f0f0f0" if self.dark else "#222222"

    @property
    def paper(self) -> str:
        return "#0e1117" if self.dark else "#ffffff"

    @property
    def iso(self) -> str:
        return "rgba(255,255,255,0.28)" if self.dark else "rgba(20,30,60,0.22)"

    @property
    def colormap(self) -> str:
        # Grey, so that every colour of the palette stands out against the shading.
        return "gray"

    @property
    def shade_range(self) -> tuple[float, float]:
        # Low ground darker, high ground lighter; never black or white, so paths and iso-lines show.
        return (0.08, 0.42) if self.dark else (0.62, 0.99)


DEFAULT_THEME = Theme()


def typed(values: np.ndarray, dtype: str = "f4") -> dict:
    """Plotly's typed-array spec: compact base64 instead of a JSON list of numbers."""
    arr = np.ascontiguousarray(values, dtype="<" + dtype)
    return {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}


def gapped(values: np.ndarray, digits: int = 5) -> list:
    """A JSON list with ``None`` where a value is not finite: Plotly draws a gap there, and no NaN or
    inf ever reaches the page."""
    arr = np.asarray(values, dtype=np.float64)
    out = np.round(arr, digits).astype(object)
    out[~np.isfinite(arr)] = None
    return out.tolist()


def finite_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Only the points whose coordinates are both finite."""
    ok = np.isfinite(x) & np.isfinite(y)
    return x[ok], y[ok]


def surface_grid(surface, resolution: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = surface.bounds
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = surface.value(np.stack([X, Y], axis=-1))
    return xs, ys, Z


def equalised(Z: np.ndarray) -> np.ndarray:
    """Each value's rank in [0, 1]: the shading and iso-lines then show structure on any scale,
    from a quadratic bowl to Rosenbrock's steep walls and flat floor."""
    flat = Z.ravel()
    finite = np.isfinite(flat)
    out = np.full(flat.shape, 1.0)
    if finite.any():
        order = np.argsort(flat[finite], kind="stable")
        ranks = np.empty(order.size)
        ranks[order] = np.linspace(0.0, 1.0, order.size)
        out[finite] = ranks
    return out.reshape(Z.shape)


def background_image(surface, theme: Theme, resolution: int = GRID) -> dict:
    """The surface as a shaded PNG placed under the axes (never a contour trace: it vanishes on Play)."""
    _, _, Z = surface_grid(surface, resolution)
    lo, hi = theme.shade_range
    shade = lo + (hi - lo) * equalised(Z)
    rgba = colormaps[theme.colormap](shade)
    rgb = (rgba[::-1, :, :3] * 255).astype(np.uint8)  # image rows run top-down
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")  # optimize=True costs ~10× the time for ~1% smaller
    (x0, x1), (y0, y1) = surface.bounds
    return {
        "source": "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"),
        "x": float(x0), "y": float(y1), "sizex": float(x1 - x0), "sizey": float(y1 - y0),
        "sizing": "stretch", "layer": "below", "opacity": 1.0,
    }


def iso_lines(surface, levels: int = 14, resolution: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """Iso-lines at evenly spaced ranks, as one polyline broken by NaNs (one static trace)."""
    xs, ys, Z = surface_grid(surface, resolution)
    E = equalised(Z)
    gen = contour_generator(xs, ys, E)
    px, py = [], []
    for level in np.linspace(0.0, 1.0, levels + 2)[1:-1]:
        for line in gen.lines(level):
            px.extend([line[:, 0], [np.nan]])
            py.extend([line[:, 1], [np.nan]])
    if not px:
        return np.empty(0), np.empty(0)
    return np.concatenate(px), np.concatenate(py)


@dataclass(frozen=True)
class Backdrop:
    """The static picture of a surface: shaded image and iso-lines. It depends on the surface and the
    theme only, so the page can cache it across every change of the optimizers."""

    image: dict
    iso_x: list
    iso_y: list


def backdrop(surface, theme: Theme, resolution: int = GRID, levels: int = 14, iso_resolution: int = 120) -> Backdrop:
    ix, iy = iso_lines(surface, levels=levels, resolution=iso_resolution)
    return Backdrop(background_image(surface, theme, resolution), gapped(ix, 4), gapped(iy, 4))


SIDE_BACKDROP = {"resolution": 120, "levels": 10, "iso_resolution": 90}


def base_layout(theme: Theme, height: int) -> dict:
    return {
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 30, "b": 20},
        "font": {"size": theme.font, "color": theme.ink},
        # Transparent, so the chart sits on the page's own background in either theme.
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"font": {"size": theme.font}, "bgcolor": "rgba(0,0,0,0)", "itemclick": "toggle"},
        "hovermode": "closest",
        "uirevision": "keep",
    }


def tidy_axes(layout: dict, theme: Theme) -> dict:
    """Every cartesian axis of ``layout`` makes room for its tick labels and title (``automargin``,
    the title set apart from the ticks) and draws its grid faintly in the theme's ink, so a dark page
    shows no bright grid lines. Returns ``layout``, changed in place."""
    grid = "rgba(255,255,255,0.10)" if theme.dark else "rgba(0,0,0,0.08)"
    for key, axis in layout.items():
        if not (key.startswith("xaxis") or key.startswith("yaxis")) or not isinstance(axis, dict):
            continue
        axis.setdefault("automargin", True)
        axis.setdefault("gridcolor", grid)
        axis.setdefault("zerolinecolor", grid)
        axis.setdefault("linecolor", grid)
        title = axis.get("title")
        if isinstance(title, dict) and title.get("text"):
            title.setdefault("standoff", 12)
    return layout


def diverged_text(label: str, diverged_at: int | None) -> str:
    return label if diverged_at is None else f"{label} — diverged at step {diverged_at}"


def decade_ticks(lo: float, hi: float, most: int = 8) -> dict:
    """Tick settings of a log axis spanning ``10**lo`` to ``10**hi`` that label powers of ten only
    (every decade, or every k-th so that at most ``most`` are labelled), written as 10⁻³ rather than
    1m: Plotly's default labels 2 and 5 between decades too, and uses SI prefixes. A span holding
    fewer than two powers of ten keeps Plotly's ticks (decades alone would label one or none)."""
    style = {"exponentformat": "power", "showexponent": "all"}
    if not (np.isfinite(lo) and np.isfinite(hi)) or np.floor(hi) - np.ceil(lo) < 1:
        return style
    decades = float(hi) - float(lo)
    return {**style, "dtick": max(int(np.ceil(decades / max(most, 1))), 1), "tick0": 0,
            "minor": {"showgrid": False, "ticks": ""}}
