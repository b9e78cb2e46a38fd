"""The shape every loss surface shares: value, analytic gradient, plot window, known minima."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Param:
    """A surface parameter with its default and the values that keep the surface meaningful."""

    name: str
    default: float
    help: str
    symbol: str
    low: float = -math.inf
    high: float = math.inf
    ui_low: float | None = None
    ui_high: float | None = None

    def validate(self, value: Any) -> float:
        if isinstance(value, bool | str):
            raise ValueError(f"{self.name} must be a number, got {value!r}")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name} must be a number, got {value!r}") from None
        if not math.isfinite(v):
            raise ValueError(f"{self.name} must be finite, got {value!r}")
        if not self.low <= v <= self.high:
            raise ValueError(f"{self.name} must lie in [{self.low:g}, {self.high:g}], got {v!r}")
        return v


@dataclass(frozen=True)
class Facts:
    """What is known about a surface once its parameters are set."""

    bounds: tuple[tuple[float, float], ...]
    minima: tuple[tuple[float, ...], ...]
    minimum_values: tuple[float, ...]
    default_start: tuple[float, ...]
    latex: str


@dataclass(frozen=True)
class SurfaceSpec:
    key: str
    name: str
    dim: int
    params: tuple[Param, ...]
    value: Callable[..., np.ndarray]
    grad: Callable[..., np.ndarray]
    facts: Callable[..., Facts]
    summary: str
    smooth: bool = True

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface with its parameters set: what :func:`surfaces.get` returns.

    ``value(x)`` maps ``(..., dim)`` to ``(...)``; ``grad(x)`` maps ``(..., dim)`` to ``(..., dim)``.
    """

    key: str
    name: str
    dim: int
    params: Mapping[str, float]
    bounds: np.ndarray
    minima: list[tuple[float, ...]]
    minimum_values: list[float]
    default_start: tuple[float, ...]
    latex: str
    summary: str = ""
    smooth: bool = True
    _value: Callable[..., np.ndarray] = field(default=None, repr=False)
    _grad: Callable[..., np.ndarray] = field(default=None, repr=False)

    def value(self, x: Any) -> np.ndarray:
        return self._value(np.asarray(x, dtype=np.float64), **self.params)

    def grad(self, x: Any) -> np.ndarray:
        return self._grad(np.asarray(x, dtype=np.float64), **self.params)

    def nearest_minimum_distance(self, points: Any) -> np.ndarray | None:
        """Distance from each point (``(..., dim)``) to the closest known minimum, or None if none."""
        if not self.minima:
            return None
        pts = np.asarray(points, dtype=np.float64)
        mins = np.asarray(self.minima, dtype=np.float64)
        d = np.linalg.norm(pts[..., None, :] - mins, axis=-1)
        return d.min(axis=-1)


def build(spec: SurfaceSpec, **params: Any) -> Surface:
    known = {p.name: p for p in spec.params}
    for name in params:
        if name not in known:
            takes = ", ".join(known) or "no parameters"
            raise ValueError(f"unknown parameter {name!r} for surface {spec.key}; it takes {takes}")
    values = {name: p.validate(params.get(name, p.default)) for name, p in known.items()}
    facts = spec.facts(**values)
    return Surface(
        key=spec.key,
        name=spec.name,
        dim=spec.dim,
        params=MappingProxyType(values),
        bounds=np.array(facts.bounds, dtype=np.float64),
        minima=[tuple(float(c) for c in m) for m in facts.minima],
        minimum_values=[float(v) for v in facts.minimum_values],
        default_start=tuple(float(c) for c in facts.default_start),
        latex=facts.latex,
        summary=spec.summary,
        smooth=spec.smooth,
        _value=spec.value,
        _grad=spec.grad,
    )


def stack(x: np.ndarray, *components: np.ndarray) -> np.ndarray:
    """Gradient components into one array shaped like ``x`` (cheaper than ``np.stack`` at dim 2)."""
    out = np.empty(x.shape)
    for i, c in enumerate(components):
        out[..., i] = c
    return out
