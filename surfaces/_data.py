"""What the data surfaces share: their count and seed parameters, the points made read-only, and a
plot window around the fitted parameters.

A data surface draws its points from ``seed`` with NumPy's default generator; the points are cached
per parameter set and handed out to every caller, so they are frozen against writes.
"""

from __future__ import annotations

import numpy as np

from ._base import Data, Param

#: The seed of the points: any whole number a 32-bit signed integer can hold.
SEED = Param("seed", 0.0, "Seed of the data points.", "seed", low=0.0, high=2.0**31 - 1, ui_low=0.0,
             ui_high=100.0, integer=True)


def count(help: str) -> Param:
    """The ``n`` parameter: how many points, 2 to 1,024, 64 by default."""
    return Param("n", 64.0, help, "n", low=2.0, high=1024.0, ui_low=8.0, ui_high=512.0, integer=True)


def generator(seed: float) -> np.random.Generator:
    """The random generator the points of ``seed`` come from."""
    return np.random.default_rng(int(seed))


def frozen(x: np.ndarray, y: np.ndarray) -> Data:
    """The points as :class:`Data`, with both arrays made read-only."""
    x.setflags(write=False)
    y.setflags(write=False)
    return Data(x, y)


def window_around(centre: float, least: float) -> tuple[float, float]:
    """A plot range that holds ``[-least, least]`` and reaches at least 1 past ``centre`` on each side,
    widened to whole numbers."""
    return float(min(-least, np.floor(centre - 1.0))), float(max(least, np.ceil(centre + 1.0)))
