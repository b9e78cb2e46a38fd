"""A sharp basin and a flat basin of exactly equal depth.

Two round quadratics, :math:`q_1 = \\tfrac12 s\\,\\lVert p - c_1\\rVert^2` (sharp, centre
:math:`c_1 = (-1, 0)`) and :math:`q_2 = \\tfrac12 r\\,\\lVert p - c_2\\rVert^2` (flat, centre
:math:`c_2 = (1, 0)`), joined the way resistors in parallel are:

.. math::
    f = \\frac{q_1 q_2}{q_1 + q_2} = \\left(\\frac1{q_1} + \\frac1{q_2}\\right)^{-1}.

Near either centre the smaller quadratic takes over, so each centre is a minimum of value exactly 0
with the Hessian of its own quadratic (:math:`s I` and :math:`r I`); far away :math:`f` grows like a
bowl of curvature :math:`sr/(s+r)`. The two minima are equally deep, and only their width differs:
the place to ask which one an optimizer prefers.

With :math:`w_1 = q_2^2/S^2`, :math:`w_2 = q_1^2/S^2`, :math:`S = q_1 + q_2`:
:math:`\\nabla f = w_1 \\nabla q_1 + w_2 \\nabla q_2` and
:math:`\\nabla^2 f = w_1 \\nabla^2 q_1 + w_2 \\nabla^2 q_2 - \\tfrac{2}{S^3}\\, u u^\\top` with
:math:`u = q_2 \\nabla q_1 - q_1 \\nabla q_2`.
"""

from ._base import Facts, Param, SurfaceSpec, stack, symmetric

SHARP_CENTRE = (-1.0, 0.0)
FLAT_CENTRE = (1.0, 0.0)


def _parts(x, sharp, flat):
    d1x, d1y = x[..., 0] - SHARP_CENTRE[0], x[..., 1] - SHARP_CENTRE[1]
    d2x, d2y = x[..., 0] - FLAT_CENTRE[0], x[..., 1] - FLAT_CENTRE[1]
    q1 = 0.5 * sharp * (d1x * d1x + d1y * d1y)
    q2 = 0.5 * flat * (d2x * d2x + d2y * d2y)
    return q1, q2, (sharp * d1x, sharp * d1y), (flat * d2x, flat * d2y)


def value(x, sharp, flat):
    q1, q2, _, _ = _parts(x, sharp, flat)
    return q1 * q2 / (q1 + q2)


def grad(x, sharp, flat):
    q1, q2, g1, g2 = _parts(x, sharp, flat)
    s = q1 + q2
    w1, w2 = (q2 / s) ** 2, (q1 / s) ** 2
    return stack(x, w1 * g1[0] + w2 * g2[0], w1 * g1[1] + w2 * g2[1])


def hessian(x, sharp, flat):
    q1, q2, g1, g2 = _parts(x, sharp, flat)
    s = q1 + q2
    w1, w2 = (q2 / s) ** 2, (q1 / s) ** 2
    ux, uy = q2 * g1[0] - q1 * g2[0], q2 * g1[1] - q1 * g2[1]
    k = 2.0 / (s * s * s)
    diag = w1 * sharp + w2 * flat
    return symmetric(x, diag - k * ux * ux, -k * ux * uy, diag - k * uy * uy)


def facts(sharp, flat):
    return Facts(
        bounds=((-2.5, 2.5), (-2.0, 2.0)),
        minima=(SHARP_CENTRE, FLAT_CENTRE),
        minimum_values=(0.0, 0.0),
        default_start=(-0.2, 1.5),
        latex=r"f = \frac{q_1 q_2}{q_1 + q_2},\quad q_1 = \tfrac12 s\,\lVert p - c_1\rVert^2,\ "
        r"q_2 = \tfrac12 r\,\lVert p - c_2\rVert^2",
    )


SPEC = SurfaceSpec(
    key="sharp_flat",
    name="Sharp and flat minima",
    dim=2,
    params=(
        Param("sharp", 20.0, "Curvature of the narrow basin around (−1, 0).", "s", low=1e-2, high=1e3,
              ui_low=1.0, ui_high=100.0),
        Param("flat", 1.0, "Curvature of the wide basin around (1, 0).", "r", low=1e-2, high=1e3,
              ui_low=0.1, ui_high=10.0),
    ),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="Two minima of equal depth, one narrow and one wide: which does an optimizer settle in?",
)
