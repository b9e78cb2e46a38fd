"""Two basins side by side: a shallow one and a deeper one, separated by a low ridge.

:math:`f = (x^2 - 1)^2 + c\\,x + \\tfrac12 k\\, y^2`. The tilt ``c`` makes the left basin (near
x = −1) deeper than the right one (near x = +1). Released on the right, plain descent settles in
the shallow basin; enough momentum carries the ball over the ridge into the deep one.
"""

import numpy as np

from ._base import Facts, Param, SurfaceSpec, stack, symmetric


def value(x, c, k):
    p, q = x[..., 0], x[..., 1]
    w = p * p - 1.0
    return w * w + c * p + 0.5 * k * q * q


def grad(x, c, k):
    p, q = x[..., 0], x[..., 1]
    return stack(x, 4.0 * p * (p * p - 1.0) + c, k * q)


def hessian(x, c, k):
    p = x[..., 0]
    return symmetric(x, 12.0 * p * p - 4.0, 0.0, k)

def basins(c):
    """The minima along x: real roots of 4x³ − 4x + c with positive curvature, deepest first."""
    roots = np.roots([4.0, 0.0, -4.0, c])
    xs = sorted(float(r.real) for r in roots if abs(r.imag) < 1e-12 and 12 * r.real**2 - 4 > 0)
    # Polish the roots with Newton steps so the gradient there is zero to rounding.
    polished = []
    for r in xs:
        for _ in range(5):
            r -= (4 * r**3 - 4 * r + c) / (12 * r**2 - 4)
        polished.append(r)
    return sorted(polished, key=lambda r: (r * r - 1) ** 2 + c * r)


def facts(c, k):
    xs = basins(c)
    return Facts(
        bounds=((-2.0, 2.2), (-1.5, 1.5)),
        minima=tuple((r, 0.0) for r in xs),
        minimum_values=tuple((r * r - 1) ** 2 + c * r for r in xs),
        default_start=(2.0, 0.8),
        latex=r"f(x, y) = (x^2 - 1)^2 + c\,x + \tfrac12 k\,y^2",
    )


SPEC = SurfaceSpec(
    key="double_well",
    name="Two basins (shallow and deep)",
    dim=2,
    params=(
        Param("c", 0.5, "Tilt: how much deeper the left basin is than the right.", "c", low=0.0, high=1.5,
              ui_low=0.0, ui_high=1.5),
        Param("k", 1.0, "Curvature across the valley (along y).", "k", low=1e-3, high=1e3, ui_low=0.1,
              ui_high=10.0),
    ),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="A shallow local minimum beside a deeper one: can momentum get over the ridge?",
)
