"""An oblong quadratic bowl, optionally rotated: the classic picture of ill-conditioning.

With :math:`(u, v)` the point rotated by ``angle`` degrees, :math:`f = \\tfrac12 (a u^2 + b v^2)`.
The Hessian has eigenvalues ``a`` and ``b``, so the condition number is ``b/a`` and gradient descent
is stable iff :math:`\\eta < 2/\\max(a, b)`.
"""

import math

from ._base import Facts, Param, SurfaceSpec, stack, symmetric


def _rotation(angle):
    theta = math.radians(angle)
    return math.cos(theta), math.sin(theta)


def value(x, a, b, angle):
    c, s = _rotation(angle)
    u = c * x[..., 0] + s * x[..., 1]
    v = c * x[..., 1] - s * x[..., 0]
    return 0.5 * (a * u * u + b * v * v)


def grad(x, a, b, angle):
    c, s = _rotation(angle)
    u = c * x[..., 0] + s * x[..., 1]
    v = c * x[..., 1] - s * x[..., 0]
    au, bv = a * u, b * v
    return stack(x, c * au - s * bv, s * au + c * bv)


def hessian(x, a, b, angle):
    # Rᵀ diag(a, b) R: constant, with eigenvalues a and b.
    c, s = _rotation(angle)
    return symmetric(x, c * c * a + s * s * b, c * s * (a - b), s * s * a + c * c * b)

def facts(a, b, angle):
    return Facts(
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        minimum_values=(0.0,),
        default_start=(-2.5, 1.5),
        latex=r"f(x, y) = \tfrac12\left(a\,u^2 + b\,v^2\right),\quad "
        r"\begin{pmatrix}u\\ v\end{pmatrix} = R_{\theta}\begin{pmatrix}x\\ y\end{pmatrix}",
    )


SPEC = SurfaceSpec(
    key="bowl",
    name="Oblong bowl",
    dim=2,
    params=(
        Param("a", 1.0, "Curvature along the first axis (u).", "a", low=1e-3, high=1e3, ui_low=0.1, ui_high=10.0),
        Param("b", 25.0, "Curvature along the second axis (v); b/a is the condition number.", "b",
              low=1e-3, high=1e3, ui_low=0.1, ui_high=100.0),
        Param("angle", 0.0, "Rotation of the bowl, in degrees.", r"\theta", low=-180.0, high=180.0,
              ui_low=-90.0, ui_high=90.0),
    ),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="A quadratic valley, steep across and gentle along: gradient descent zig-zags here.",
)


