"""A 1-D piecewise-linear slope: steep on the right, gentle on the left, minimum at zero.

:math:`f(x) = r\\,x` for :math:`x > 0` and :math:`-\\ell\\,x` for :math:`x \\le 0`. The gradient is
constant on each side (``right``, then ``-left``; at 0 it is ``-left``), which makes it the cleanest
place to watch how momentum builds up and how adaptive methods rescale a constant slope.
"""

import numpy as np

from ._base import Facts, Param, SurfaceSpec


def value(x, right, left):
    p = x[..., 0]
    return np.where(p > 0, right * p, -left * p)


def grad(x, right, left):
    return np.where(x > 0, right, -left)


def hessian(x, right, left):
    # Zero on both sides; at the kink the second derivative does not exist, and 0 is what both
    # sides' limits give.
    return np.zeros((*x.shape, x.shape[-1]))


def facts(right, left):
    return Facts(
        bounds=((-1.0, 2.2),),
        minima=((0.0,),),
        minimum_values=(0.0,),
        default_start=(2.0,),
        latex=r"f(x) = \begin{cases} r\,x & x > 0 \\ -\ell\,x & x \le 0 \end{cases}",
    )


SPEC = SurfaceSpec(
    key="slope",
    name="Piecewise-linear slope (1-D)",
    dim=1,
    params=(
        Param("right", 1.0, "Slope for x > 0.", "r", low=1e-6, high=1e3, ui_low=0.01, ui_high=10.0),
        Param("left", 0.1, "Steepness of the rise for x ≤ 0 (the gradient there is −left).", r"\ell",
              low=0.0, high=1e3, ui_low=0.0, ui_high=10.0),
    ),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="A constant slope down to a kink at 0, then a gentler rise: momentum overshoots here.",
    smooth=False,
)
