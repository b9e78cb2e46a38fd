"""Least squares on a line fit: the loss over the two parameters of :math:`\\hat y = w\\,x + b`.

The ``n`` points come from the seed: a feature :math:`z_i` drawn from a standard normal and then
standardised exactly (mean 0, variance 1 over the sample), measured as :math:`x_i = s\\,z_i` with
:math:`s` = ``feature_scale``, and a target :math:`y_i = 2 z_i + 1 + \\sigma\\,\\varepsilon_i` with
:math:`\\varepsilon_i` standard normal and :math:`\\sigma` = ``noise``. The loss is the mean squared
error

.. math::
    f(w, b) = \\frac1n \\sum_{i=1}^n \\left(w\\,x_i + b - y_i\\right)^2 .

Its Hessian is :math:`2\\begin{pmatrix}\\overline{x^2} & \\bar x\\\\ \\bar x & 1\\end{pmatrix}
= 2\\begin{pmatrix}s^2 & 0\\\\ 0 & 1\\end{pmatrix}`, so at ``feature_scale`` 1 the bowl is round and
at 10 its condition number is 100: the oblong bowl that makes gradient descent zig-zag, caused only
by the units the feature is measured in. The minimum is the least-squares line.

A mini-batch of points :math:`B` gives :math:`\\frac{2}{|B|}\\sum_{i\\in B} (w x_i + b - y_i)\\,(x_i, 1)`.
"""

from functools import lru_cache

import numpy as np

from ._base import Data, Facts, Param, SurfaceSpec, over_points, stack, symmetric
from ._data import SEED, count, frozen, generator, window_around

#: The line the points are drawn around, in the standardised feature: y = 2 z + 1.
TRUE_SLOPE, TRUE_INTERCEPT = 2.0, 1.0


@lru_cache(maxsize=64)
def _points(n: float, feature_scale: float, noise: float, seed: float) -> Data:
    rng = generator(seed)
    z = rng.standard_normal(int(n))
    z = (z - z.mean()) / z.std()
    eps = rng.standard_normal(int(n))
    return frozen(feature_scale * z, TRUE_SLOPE * z + TRUE_INTERCEPT + noise * eps)


def data(n, feature_scale, noise, seed):
    return _points(n, feature_scale, noise, seed)


def _residuals(x, pts):
    return x[..., 0, None] * pts.x + x[..., 1, None] - pts.y


def value(x, n, feature_scale, noise, seed):
    pts = _points(n, feature_scale, noise, seed)

    def mse(p):
        r = _residuals(p, pts)
        return np.mean(r * r, axis=-1)

    return over_points(mse, x, len(pts.y))


def grad(x, n, feature_scale, noise, seed):
    pts = _points(n, feature_scale, noise, seed)

    def mse_grad(p):
        r = _residuals(p, pts)
        return stack(p, 2.0 * np.mean(r * pts.x, axis=-1), 2.0 * np.mean(r, axis=-1))

    return over_points(mse_grad, x, len(pts.y))


def batch_grad(x, idx, n, feature_scale, noise, seed):
    pts = _points(n, feature_scale, noise, seed)
    xb, yb = pts.x[idx], pts.y[idx]
    r = x[:, 0, None] * xb + x[:, 1, None] - yb
    return stack(x, 2.0 * np.mean(r * xb, axis=-1), 2.0 * np.mean(r, axis=-1))


def hessian(x, n, feature_scale, noise, seed):
    # Constant: 2 [[mean x², mean x], [mean x, 1]].
    pts = _points(n, feature_scale, noise, seed)
    return symmetric(x, 2.0 * np.mean(pts.x * pts.x), 2.0 * np.mean(pts.x), 2.0)


def least_squares(pts: Data) -> np.ndarray:
    """The (w, b) of the least-squares line, from the normal equations solved by ``lstsq``."""
    design = np.column_stack([pts.x, np.ones_like(pts.x)])
    return np.linalg.lstsq(design, pts.y, rcond=None)[0]


def facts(n, feature_scale, noise, seed):
    pts = _points(n, feature_scale, noise, seed)
    best = least_squares(pts)
    return Facts(
        bounds=(window_around(best[0], 3.0), window_around(best[1], 3.0)),
        minima=(tuple(best),),
        minimum_values=(float(value(best, n, feature_scale, noise, seed)),),
        default_start=(-2.0, -2.0),
        latex=r"f(w, b) = \frac1n \sum_{i=1}^{n} \left(w\,x_i + b - y_i\right)^2",
        axes=("w", "b"),  # the slope and the intercept: x and y are the data's
    )


SPEC = SurfaceSpec(
    key="linear_regression",
    name="Linear regression (data)",
    dim=2,
    params=(
        count("How many data points."),
        Param("feature_scale", 1.0, "The feature's units: 1 gives a round bowl, 10 an oblong one.", "s",
              low=1e-3, high=1e3, ui_low=0.1, ui_high=20.0),
        Param("noise", 0.5, "Standard deviation of the noise on the targets.", r"\sigma", low=0.0, high=100.0,
              ui_low=0.0, ui_high=3.0),
        SEED,
    ),
    value=value,
    grad=grad,
    facts=facts,
    hessian=hessian,
    summary="Fit a line to noisy points: the mean squared error over slope and intercept.",
    data=data,
    batch_grad=batch_grad,
)
