"""The shape every loss surface shares: value, analytic gradient, plot window, known minima."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

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
    integer: bool = False  # a count or a seed: only whole numbers

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
        if self.integer and v != int(v):
            raise ValueError(f"{self.name} must be a whole number, got {v!r}")
        return v


@dataclass(frozen=True)
class Facts:
    """What is known about a surface once its parameters are set."""

    bounds: tuple[tuple[float, float], ...]
    minima: tuple[tuple[float, ...], ...]
    minimum_values: tuple[float, ...]
    default_start: tuple[float, ...]
    latex: str
    # A box every step is projected onto (one (low, high) per coordinate), or None for no constraint.
    feasible: tuple[tuple[float, float], ...] | None = None
    # The coordinates' names, as the formula writes them (a readout says "(w, b)", not "(x, y)");
    # None for the usual x, y (see :func:`default_axes`).
    axes: tuple[str, ...] | None = None


def default_axes(dim: int) -> tuple[str, ...]:
    """The coordinates' names when a surface gives none: x in 1-D, x and y in 2-D."""
    return ("x", "y")[:dim]


class Data(NamedTuple):
    """The points a data surface is fitted to: features ``x`` (``(n,)`` or ``(n, d)``) and targets or
    labels ``y`` (``(n,)``)."""

    x: np.ndarray
    y: np.ndarray


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
    # Data surfaces: the points for a parameter set, and the gradient over chosen points,
    # ``batch_grad(x, idx, **params)`` with ``x`` ``(rows, dim)`` and ``idx`` ``(rows or 1, k)``.
    data: Callable[..., Data] | None = None
    batch_grad: Callable[..., np.ndarray] | None = None
    # Online objectives: the loss and gradient at step t (1-based), ``step_grad(x, t, **params)``.
    step_value: Callable[..., np.ndarray] | None = None
    step_grad: Callable[..., np.ndarray] | None = None
    # Second derivatives, ``hessian(x, **params)``: ``(..., dim)`` to ``(..., dim, dim)``.
    hessian: Callable[..., np.ndarray] | None = None

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface with its parameters set: what :func:`surfaces.get` returns.

    ``value(x)`` maps ``(..., dim)`` to ``(...)``; ``grad(x)`` maps ``(..., dim)`` to ``(..., dim)``.

    A data surface also has ``data`` (the points) and ``batch_grad(x, idx)``, the gradient of the
    loss over the points ``idx`` only. An online objective (``time_dependent``) takes the step in
    ``value(x, t)`` and ``grad(x, t)``; without ``t`` both give the objective averaged over time.
    ``feasible`` is the box every step is projected onto (``(dim, 2)``), or None. ``axes`` names the
    coordinates as the formula does (``("w", "b")`` for a line's slope and intercept); left empty, it
    is :func:`default_axes`.
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
    axes: tuple[str, ...] = ()
    _value: Callable[..., np.ndarray] = field(default=None, repr=False)
    _grad: Callable[..., np.ndarray] = field(default=None, repr=False)
    data: Data | None = field(default=None, repr=False)
    feasible: np.ndarray | None = None
    _batch_grad: Callable[..., np.ndarray] | None = field(default=None, repr=False)
    _step_value: Callable[..., np.ndarray] | None = field(default=None, repr=False)
    _step_grad: Callable[..., np.ndarray] | None = field(default=None, repr=False)
    _hessian: Callable[..., np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.axes:
            object.__setattr__(self, "axes", default_axes(self.dim))  # frozen: set once, at construction
        elif len(self.axes) != self.dim:
            raise ValueError(f"surface {self.key} has {self.dim} coordinates but names {len(self.axes)}: {self.axes}")

    @property
    def time_dependent(self) -> bool:
        return self._step_grad is not None

    def value(self, x: Any, t: int | None = None) -> np.ndarray:
        if t is not None and self._step_value is not None:
            return self._step_value(np.asarray(x, dtype=np.float64), t, **self.params)
        return self._value(np.asarray(x, dtype=np.float64), **self.params)

    def grad(self, x: Any, t: int | None = None) -> np.ndarray:
        if t is not None and self._step_grad is not None:
            return self._step_grad(np.asarray(x, dtype=np.float64), t, **self.params)
        return self._grad(np.asarray(x, dtype=np.float64), **self.params)

    @property
    def analytic_hessian(self) -> bool:
        return self._hessian is not None

    def hessian(self, x: Any) -> np.ndarray:
        """The matrix of second derivatives at ``x``: ``(..., dim)`` to ``(..., dim, dim)``.

        Analytic where the surface has it (``analytic_hessian``); otherwise central differences of
        the analytic gradient, with a step scaled to each point.
        """
        x = np.asarray(x, dtype=np.float64)
        if self._hessian is not None:
            return self._hessian(x, **self.params)
        h = 1e-5 * np.maximum(1.0, np.abs(x))
        cols = []
        for i in range(self.dim):
            e = np.zeros(x.shape)
            e[..., i] = h[..., i]
            cols.append((self.grad(x + e) - self.grad(x - e)) / (2.0 * h[..., i : i + 1]))
        out = np.stack(cols, axis=-1)
        return 0.5 * (out + np.swapaxes(out, -1, -2))

    def batch_grad(self, x: Any, idx: Any) -> np.ndarray:
        """The gradient over the points ``idx`` (``(rows or 1, k)`` indices into ``data``) at ``x`` ``(rows, dim)``."""
        if self._batch_grad is None:
            raise ValueError(f"surface {self.key} has no data points to draw mini-batches from")
        return self._batch_grad(np.asarray(x, dtype=np.float64), np.asarray(idx), **self.params)

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
        axes=tuple(facts.axes or ()),
        _value=spec.value,
        _grad=spec.grad,
        data=None if spec.data is None else spec.data(**values),
        feasible=None if facts.feasible is None else np.array(facts.feasible, dtype=np.float64),
        _batch_grad=spec.batch_grad,
        _step_value=spec.step_value,
        _step_grad=spec.step_grad,
        _hessian=spec.hessian,
    )


def stack(x: np.ndarray, *components: np.ndarray) -> np.ndarray:
    """Gradient components into one array shaped like ``x`` (cheaper than ``np.stack`` at dim 2)."""
    out = np.empty(x.shape)
    for i, c in enumerate(components):
        out[..., i] = c
    return out


def over_points(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray, n: int, budget: int = 1 << 20) -> np.ndarray:
    """``fn(x)`` for a loss summed over ``n`` data points, evaluated in blocks of positions so that
    positions × points stays within ``budget`` (a 200 × 200 backdrop over 4,096 points would
    otherwise need gigabytes). Each position's result is the same whatever the block."""
    lead = x.shape[:-1]
    rows = math.prod(lead)
    if rows * n <= budget:
        return fn(x)
    flat = x.reshape(rows, x.shape[-1])
    block = max(1, budget // n)
    out = np.concatenate([fn(flat[i : i + block]) for i in range(0, rows, block)])
    return out.reshape(*lead, *out.shape[1:])


def symmetric(x: np.ndarray, *upper: Any) -> np.ndarray:
    """A Hessian ``(..., dim, dim)`` from its upper triangle, row by row (``h11, h12, h22`` in 2-D)."""
    dim = x.shape[-1]
    out = np.empty((*x.shape, dim))
    k = 0
    for i in range(dim):
        for j in range(i, dim):
            out[..., i, j] = upper[k]
            out[..., j, i] = upper[k]
            k += 1
    return out
