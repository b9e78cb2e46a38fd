"""Loss surfaces with analytic gradients, plot windows and known minima.

>>> import surfaces
>>> s = surfaces.get("bowl", a=1.0, b=25.0, angle=0.0)
>>> s.value([[0.0, 0.0]]), s.grad([[1.0, 1.0]])

Adding a surface is one module with a ``SPEC`` and one line in :data:`MODULES`; the page's surface
list, the shared links, the suggested learning rates and the generic tests pick it up from there.
The registry's order is the order the page lists the surfaces in, and nothing else.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ._base import Data, Param, Surface, SurfaceSpec, build
from .formula import from_formula

# Registering a surface is one line here: its module's name. The order is the page's listing order.
MODULES = (
    "bowl",
    "slope",
    "rosenbrock",
    "beale",
    "himmelblau",
    "saddle",
    "double_well",
    "rastrigin",
    "linear_regression",
    "logistic_regression",
    "reddi",
    "sharp_flat",
)

REGISTRY: dict[str, SurfaceSpec] = {
    spec.key: spec for spec in (import_module(f"{__name__}.{name}").SPEC for name in MODULES)
}

__all__ = ["MODULES", "REGISTRY", "Data", "Param", "Surface", "SurfaceSpec", "from_formula", "get", "names", "spec"]


def names() -> list[str]:
    """Every registered surface key, in the order the page lists them."""
    return list(REGISTRY)


def spec(key: str) -> SurfaceSpec:
    try:
        return REGISTRY[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown surface {key!r}; choose one of {', '.join(REGISTRY)}") from None


def get(key: str, **params: Any) -> Surface:
    """Surface ``key`` with its parameters set (each has a default); ValueError for bad input."""
    return build(spec(key), **params)
