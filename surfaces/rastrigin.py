"""Rastrigin's function: a bowl covered in regular ripples, hence a grid of local minima.

:math:`f = 2A + \\sum_i \\left(x_i^2 - A\\cos 2\\pi x_i\\right)`, global minimum 0 at the origin.
"""

import math

import numpy as np

from ._base import Facts, Param, SurfaceSpec

TWO_PI = 2.0 * math.pi


def value(x, A):
    return 2.0 * A + np.sum(x * x - A * np.cos(TWO_PI * x), axis=-1)


def grad(x, A):
    return 2.0 * x + (TWO_PI * A) * np.sin(TWO_PI * x)


def hessian(x, A):
    out = np.zeros((*x.shape, x.shape[-1]))
    idx = np.arange(x.shape[-1])
    out[..., idx, idx] = 2.0 + (TWO_PI * TWO_PI * A) * np.cos(TWO_PI * x)
    return out


def facts(A):
    return Facts(
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=((0.0, 0.0),),
        minimum_values=(0.0,),
        default_start=(-4.3, 3.7),
        latex=r"f(x, y) = 2A + \sum_{i} \left(x_i^2 - A\cos 2\pi x_i\right)",
    )


SPEC = SurfaceSpec(
    key="rastrigin",
    name="Rastrigin (rippled bowl)",
    dim=2,
    params=(Param("A", 10.0, "Height of the ripples.", "A", low=0.0, high=100.0, ui_low=0.0, ui_high=20.0),),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="A bowl under regular ripples: many traps, one global minimum at the centre.",
)
