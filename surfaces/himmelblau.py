"""Himmelblau's function: four minima of equal depth (0), one local maximum, four saddles."""

from ._base import Facts, SurfaceSpec, stack, symmetric


def value(x):
    p, q = x[..., 0], x[..., 1]
    return (p * p + q - 11.0) ** 2 + (p + q * q - 7.0) ** 2


def grad(x):
    p, q = x[..., 0], x[..., 1]
    r, s = p * p + q - 11.0, p + q * q - 7.0
    return stack(x, 4.0 * p * r + 2.0 * s, 2.0 * r + 4.0 * q * s)


def hessian(x):
    p, q = x[..., 0], x[..., 1]
    r, s = p * p + q - 11.0, p + q * q - 7.0
    return symmetric(x, 4.0 * r + 8.0 * p * p + 2.0, 4.0 * (p + q), 2.0 + 4.0 * s + 8.0 * q * q)

def facts():
    return Facts(
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286170),
            (3.584428340330492, -1.848126526964404),
        ),
        minimum_values=(0.0, 0.0, 0.0, 0.0),
        default_start=(-0.3, -0.9),
        latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    )


SPEC = SurfaceSpec(
    key="himmelblau",
    name="Himmelblau",
    dim=2,
    params=(),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="Four equally deep minima: which one an optimizer finds depends on its path.",
)
