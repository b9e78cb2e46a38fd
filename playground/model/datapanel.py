"""What a data panel beside the race shows, as plain arrays: the points, and at every step the fitted
line (linear regression) or the decision boundary (logistic regression) of each optimizer, with the
gradient over all the points next to the mini-batch gradient the step actually used.

Pure: a race in, arrays out. The player draws them on its own clock; nothing here draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.model.simulate import Simulation


@dataclass(frozen=True)
class DataPanel:
    """A race's data panel.

    ``kind`` is ``"line"`` (points ``(x_i, y_i)``; a position is the slope and intercept ``(w, b)``)
    or ``"boundary"`` (points ``x_i`` in the plane with labels ``y_i = ±1``; a position is the weight
    vector of the boundary ``w·x = 0``). ``window`` is the panel's ``((x0, x1), (y0, y1))``.
    Per entry: ``params`` ``(k+1, 2)``, the position at each step (up to the last good one);
    ``full_grads`` and ``batch_grads`` ``(k, 2)``, the gradient over all points at the position a
    step started from, and the gradient the step used (its mini-batch, noise included).
    """

    kind: str
    x: np.ndarray
    y: np.ndarray
    window: tuple[tuple[float, float], tuple[float, float]]
    params: list[np.ndarray]
    full_grads: list[np.ndarray]
    batch_grads: list[np.ndarray]

    def segments(self, entry: int, steps: np.ndarray) -> np.ndarray:
        """The line or boundary of ``entry`` at each of ``steps``, clipped to the window: ``(len(steps), 2, 2)``
        end points; after a divergence the last good one, and NaN for a boundary with w = 0."""
        p = self.params[entry][np.minimum(np.asarray(steps), len(self.params[entry]) - 1)]
        (x0, x1), (y0, y1) = self.window
        out = np.full((len(p), 2, 2), np.nan)
        with np.errstate(all="ignore"):
            if self.kind == "line":
                w, b = p[:, 0], p[:, 1]
                out[:, 0, 0], out[:, 1, 0] = x0, x1
                out[:, 0, 1], out[:, 1, 1] = w * x0 + b, w * x1 + b
            else:
                # The boundary w·x = 0 runs along (−w₂, w₁); reach the window's corners either way.
                norm = np.hypot(p[:, 0], p[:, 1])
                direction = np.stack([-p[:, 1], p[:, 0]], axis=1) / norm[:, None]
                reach = np.hypot(max(abs(x0), abs(x1)), max(abs(y0), abs(y1)))
                out[:, 0] = -reach * direction
                out[:, 1] = reach * direction
                out[norm == 0] = np.nan
        return out


def _window(x: np.ndarray, y: np.ndarray, kind: str) -> tuple[tuple[float, float], tuple[float, float]]:
    if kind == "line":
        xs, ys = x, y
    else:
        xs, ys = x[:, 0], x[:, 1]
    pad_x, pad_y = 0.1 * (np.ptp(xs) or 1.0), 0.1 * (np.ptp(ys) or 1.0)
    return ((float(xs.min() - pad_x), float(xs.max() + pad_x)), (float(ys.min() - pad_y), float(ys.max() + pad_y)))


def data_panel(race: Simulation) -> DataPanel | None:
    """The panel of a race on a data surface; None on any other surface."""
    surface = race.surface
    if surface.data is None or surface.dim != 2:
        return None
    x, y = surface.data
    # The data say how a position reads: one feature and a target fit a line (w, b); points in the
    # plane with labels are split by the boundary w·x = 0.
    kind = "line" if x.ndim == 1 else "boundary" if x.ndim == 2 and x.shape[1] == 2 else None
    if kind is None:
        return None
    params, full, used = [], [], []
    for tr in race.trajectories:
        params.append(tr.path)
        with np.errstate(all="ignore"):
            full.append(surface.grad(tr.path[:-1]) if len(tr.path) > 1 else np.empty((0, 2)))
        used.append(tr.grads)
    return DataPanel(kind, x, y, _window(x, y, kind), params, full, used)
