"""Rosenbrock's banana valley: a curved, flat-bottomed valley with the minimum at :math:`(a, a^2)`.

:math:`f = (a - x)^2 + b\\,(y - x^2)^2`. Reaching the valley is easy; following its bend to the
minimum is the hard part, which is why it separates plain descent from adaptive methods.
"""


from ._base import Facts, Param, SurfaceSpec, stack, symmetric


def value(x, a, b):
    p, q = x[..., 0], x[..., 1]
    return (a - p) ** 2 + b * (q - p * p) ** 2


def grad(x, a, b):
    p, q = x[..., 0], x[..., 1]
    r = q - p * p
    return stack(x, -2.0 * (a - p) - 4.0 * b * p * r, 2.0 * b * r)


def hessian(x, a, b):
    p, q = x[..., 0], x[..., 1]
    return symmetric(x, 2.0 - 4.0 * b * (q - p * p) + 8.0 * b * p * p, -4.0 * b * p, 2.0 * b)

def facts(a, b):
    return Facts(
        bounds=((min(-2.0, a - 1.0), max(2.0, a + 1.0)), (min(-1.0, a * a - 1.0), max(3.0, a * a + 1.0))),
        minima=((a, a * a),),
        minimum_values=(0.0,),
        default_start=(-1.5, 2.0),
        latex=r"f(x, y) = (a - x)^2 + b\,(y - x^2)^2",
    )


SPEC = SurfaceSpec(
    key="rosenbrock",
    name="Rosenbrock valley",
    dim=2,
    params=(
        Param("a", 1.0, "Position of the minimum: (a, a²).", "a", low=-3.0, high=3.0, ui_low=-2.0, ui_high=2.0),
        Param("b", 100.0, "Steepness of the valley walls.", "b", low=1e-3, high=1e4, ui_low=1.0, ui_high=200.0),
    ),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="A long curved valley with a flat floor: easy to enter, slow to follow.",
)


