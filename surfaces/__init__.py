"""Loss surfaces with analytic gradients, plot windows and known minima.

>>> import surfaces
>>> s = surfaces.get("bowl", a=1.0, b=25.0, angle=0.0)
>>> s.value([[0.0, 0.0]]), s.grad([[1.0, 1.0]])

Adding a surface is one module with a ``SPEC`` and one line in :data:`REGISTRY`.
"""

from __future__ import annotations

from typing import Any

from . import (
    beale,
    bowl,
    double_well,
    himmelblau,
    linear_regression,
    logistic_regression,
    rastrigin,
    reddi,
    rosenbrock,
    saddle,
    sharp_flat,
    slope,
)
from ._base import Data, Param, Surface, SurfaceSpec, build
from .formula import from_formula

REGISTRY: dict[str, SurfaceSpec] = {
    "bowl": bowl.SPEC,
    "slope": slope.SPEC,
    "rosenbrock": rosenbrock.SPEC,
    "beale": beale.SPEC,
    "himmelblau": himmelblau.SPEC,
    "saddle": saddle.SPEC,
    "double_well": double_well.SPEC,
    "rastrigin": rastrigin.SPEC,
    "linear_regression": linear_regression.SPEC,
    "logistic_regression": logistic_regression.SPEC,
    "reddi": reddi.SPEC,
    "sharp_flat": sharp_flat.SPEC,
}

__all__ = ["REGISTRY", "Data", "Param", "Surface", "SurfaceSpec", "from_formula", "get", "names", "spec"]


def names() -> list[str]:
    """Every registered surface key."""
    return list(REGISTRY)


def spec(key: str) -> SurfaceSpec:
    try:
        return REGISTRY[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown surface {key!r}; choose one of {', '.join(REGISTRY)}") from None


def get(key: str, **params: Any) -> Surface:
    """Surface ``key`` with its parameters set (each has a default); ValueError for bad input."""
    return build(spec(key), **params)
