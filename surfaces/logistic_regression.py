"""Logistic regression on two classes in the plane: the loss over the two weights of a boundary
through the origin.

The ``n`` points come from the seed: labels :math:`y_i = \\pm 1` in turn, and
:math:`x_i = y_i\\,\\tfrac{d}{2}\\,u + \\xi_i` with :math:`u = (0.8, 0.6)`, :math:`d` = ``separation``
and :math:`\\xi_i` standard normal in 2-D. With :math:`\\lambda` = ``l2``, the loss is the mean
logistic loss plus a ridge term,

.. math::
    f(w) = \\frac1n \\sum_{i=1}^n \\log\\left(1 + e^{-y_i\\, w\\cdot x_i}\\right)
      + \\frac{\\lambda}{2}\\lVert w\\rVert^2,
    \\qquad \\nabla f(w) = -\\frac1n \\sum_{i=1}^n \\sigma(-y_i\\, w\\cdot x_i)\\, y_i x_i + \\lambda w,

with :math:`\\sigma(m) = 1/(1 + e^{-m})`. For :math:`\\lambda > 0` the loss is strictly convex and
has one minimum, found once with Newton's method. For :math:`\\lambda = 0` on points a line through
the origin separates, every step along the separating direction lowers the loss and no minimum
exists: the weights keep growing.
"""

from functools import lru_cache

import numpy as np

from ._base import Data, Facts, Param, SurfaceSpec, over_points, stack, symmetric
from ._data import SEED, count, frozen, generator, window_around

#: The direction the two class means lie along (a unit vector).
DIRECTION = np.array([0.8, 0.6])


@lru_cache(maxsize=64)
def _points(n: float, separation: float, seed: float) -> Data:
    labels = np.where(np.arange(int(n)) % 2 == 0, 1.0, -1.0)
    x = labels[:, None] * (0.5 * separation) * DIRECTION + generator(seed).standard_normal((int(n), 2))
    return frozen(x, labels)


def data(n, separation, l2, seed):
    return _points(n, separation, seed)


def _margins(w, pts):
    """:math:`y_i\\, w\\cdot x_i` for each point, ``(..., n)``."""
    return pts.y * (w[..., 0, None] * pts.x[:, 0] + w[..., 1, None] * pts.x[:, 1])


def _sigmoid_neg(m):
    """:math:`\\sigma(-m) = 1/(1 + e^{m})`, without overflow for large margins."""
    return np.exp(-np.logaddexp(0.0, m))


def value(x, n, separation, l2, seed):
    pts = _points(n, separation, seed)

    def loss(w):
        return np.mean(np.logaddexp(0.0, -_margins(w, pts)), axis=-1) + 0.5 * l2 * (w[..., 0] ** 2 + w[..., 1] ** 2)

    return over_points(loss, x, len(pts.y))


def _grad_over(w, px, py, l2):
    """The gradient at ``w`` ``(..., 2)`` over points ``px`` ``(..., k, 2)`` with labels ``py`` ``(..., k)``."""
    m = py * (w[..., 0, None] * px[..., 0] + w[..., 1, None] * px[..., 1])
    c = _sigmoid_neg(m) * py
    return stack(w, l2 * w[..., 0] - np.mean(c * px[..., 0], axis=-1),
                 l2 * w[..., 1] - np.mean(c * px[..., 1], axis=-1))


def grad(x, n, separation, l2, seed):
    pts = _points(n, separation, seed)
    return over_points(lambda w: _grad_over(w, pts.x, pts.y, l2), x, len(pts.y))


def batch_grad(x, idx, n, separation, l2, seed):
    pts = _points(n, separation, seed)
    return _grad_over(x, pts.x[idx], pts.y[idx], l2)


def hessian(x, n, separation, l2, seed):
    """:math:`\\frac1n\\sum_i \\sigma(m_i)\\sigma(-m_i)\\, x_i x_i^\\top + \\lambda I`, ``(..., 2, 2)``."""
    pts = _points(n, separation, seed)
    p1, p2 = pts.x[:, 0], pts.x[:, 1]

    def second(w):
        m = _margins(w, pts)
        c = _sigmoid_neg(m) * _sigmoid_neg(-m)
        return symmetric(w, np.mean(c * p1 * p1, axis=-1) + l2, np.mean(c * p1 * p2, axis=-1),
                         np.mean(c * p2 * p2, axis=-1) + l2)

    return over_points(second, x, len(pts.y))


def newton_minimum(n, separation, l2, seed, tol=1e-12, max_iter=100):
    """The minimum by Newton's method with a halving line search, or None when there is none (the
    classes are separable and ``l2`` is 0) or Newton does not settle to ``tol``."""
    pts = _points(n, separation, seed)
    w = np.zeros(2)
    f = value(w, n, separation, l2, seed)
    for _ in range(max_iter):
        g = grad(w, n, separation, l2, seed)
        try:
            direction = np.linalg.solve(hessian(w, n, separation, l2, seed), g)
        except np.linalg.LinAlgError:
            return None
        step = 1.0
        while True:
            trial = w - step * direction
            f_trial = value(trial, n, separation, l2, seed)
            if f_trial <= f or step < 1e-10:
                break
            step *= 0.5
        w, f = trial, f_trial
        if np.abs(step * direction).max() <= tol * max(1.0, np.abs(w).max()):
            break
    else:
        return None
    if l2 == 0 and (_margins(w, pts) > 0).all():
        return None  # every point on its side: the loss keeps falling along w, no minimum
    return w


def facts(n, separation, l2, seed):
    best = newton_minimum(n, separation, l2, seed)
    found = best is not None
    return Facts(
        bounds=(window_around(best[0], 4.0), window_around(best[1], 4.0)) if found else ((-4.0, 4.0), (-4.0, 4.0)),
        minima=(tuple(best),) if found else (),
        minimum_values=(float(value(best, n, separation, l2, seed)),) if found else (),
        default_start=(-2.0, 3.0),
        latex=r"f(w) = \frac1n \sum_{i=1}^{n} \log\left(1 + e^{-y_i\, w \cdot x_i}\right)"
        r" + \frac{\lambda}{2}\lVert w \rVert^2",
        axes=("w₁", "w₂"),  # the two weights of w: x is a data point
    )


SPEC = SurfaceSpec(
    key="logistic_regression",
    name="Logistic regression (data)",
    dim=2,
    params=(
        count("How many data points (half in each class)."),
        Param("separation", 2.0, "Distance between the two class centres, in units of their spread.", "d",
              low=0.0, high=100.0, ui_low=0.0, ui_high=10.0),
        Param("l2", 0.01, "Weight of the ridge term λ/2·‖w‖²; at 0 separable classes have no minimum.", r"\lambda",
              low=0.0, high=100.0, ui_low=0.0, ui_high=1.0),
        SEED,
    ),
    value=value,
    grad=grad,
    facts=facts,
    hessian=hessian,
    summary="Two classes of points and a boundary through the origin: the logistic loss over its weights.",
    data=data,
    batch_grad=batch_grad,
)
