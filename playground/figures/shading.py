"""The exports' colours and shaded backdrop: a theme colour for matplotlib, and the surface shaded as
the page shades it (the values' ranks through the theme's colour map)."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from PIL import Image

from ._common import Theme, equalised, surface_grid


def css_color(css: str) -> tuple[float, float, float, float]:
    """A Theme colour (``#rrggbb`` or ``rgba(r,g,b,a)``) as matplotlib's RGBA tuple."""
    css = css.strip()
    if css.startswith("#"):
        r, g, b = (int(css[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return (r, g, b, 1.0)
    inner = css[css.index("(") + 1 : css.rindex(")")].split(",")
    r, g, b = (float(c) / 255 for c in inner[:3])
    return (r, g, b, float(inner[3]) if len(inner) > 3 else 1.0)


def shaded_surface(surface, theme: Theme, size: tuple[int, int] = (400, 400), resolution: int = 600) -> np.ndarray:
    """The page's background as an RGB array of ``size`` (width, height), rows bottom-up: the values'
    ranks (``equalised``) through the theme's colour map, as on the page.

    The surface is evaluated on at most ``resolution``² points and smoothly resized to ``size``.
    """
    width, height = max(int(size[0]), 1), max(int(size[1]), 1)
    _, _, Z = surface_grid(surface, min(max(width, height), resolution))
    lo, hi = theme.shade_range
    rgba = colormaps[theme.colormap](lo + (hi - lo) * equalised(Z))
    rgb = Image.fromarray((rgba[:, :, :3] * 255).astype(np.uint8))
    if rgb.size != (width, height):
        rgb = rgb.resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(rgb)
