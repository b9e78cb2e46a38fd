"""A saddle at the origin between two valleys.

:math:`f = \\tfrac12 a x^2 - \\tfrac12 b y^2 + \\tfrac14 c\\, y^4`: a minimum along x, a maximum along y
at the origin, and two minima at :math:`(0, \\pm\\sqrt{b/c})` of value :math:`-b^2/(4c)`. Started
near the ridge line y = 0, plain gradient descent lingers at the saddle; the escape speed is what
tells optimizers apart. With ``c = 0`` it is the pure saddle :math:`x^2 - y^2`, unbounded below.
"""

import math

from ._base import Facts, Param, SurfaceSpec, stack, symmetric


def value(x, a, b, c):
    p, q = x[..., 0], x[..., 1]
    q2 = q * q
    return 0.5 * a * p * p - 0.5 * b * q2 + 0.25 * c * q2 * q2


def grad(x, a, b, c):
    p, q = x[..., 0], x[..., 1]
    return stack(x, a * p, -b * q + c * q * q * q)


def hessian(x, a, b, c):
    q = x[..., 1]
    return symmetric(x, a, 0.0, -b + 3.0 * c * q * q)

def facts(a, b, c):
    if c > 0:
        y = math.sqrt(b / c)
        minima, values = ((0.0, y), (0.0, -y)), (-b * b / (4 * c),) * 2
    else:
        minima, values = (), ()
    return Facts(
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=minima,
        minimum_values=values,
        default_start=(-1.8, 0.01),
        latex=r"f(x, y) = \tfrac12 a\,x^2 - \tfrac12 b\,y^2 + \tfrac14 c\,y^4",
    )


SPEC = SurfaceSpec(
    key="saddle",
    name="Saddle point",
    dim=2,
    params=(
        Param("a", 1.0, "Curvature along x (upwards).", "a", low=1e-3, high=1e3, ui_low=0.1, ui_high=10.0),
        Param("b", 1.0, "Curvature along y at the saddle (downwards).", "b", low=1e-3, high=1e3,
              ui_low=0.1, ui_high=10.0),
        Param("c", 1.0, "Quartic term that closes the valleys; 0 leaves the saddle unbounded.", "c",
              low=0.0, high=1e3, ui_low=0.0, ui_high=10.0),
    ),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="Flat at the centre, downhill to either side: descent slows near the saddle.",
)
