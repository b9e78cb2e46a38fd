"""The pieces every optimizer module is built from: hyperparameter specs, the optimizer spec, and
the configured optimizer that :func:`optimizers.make` returns.

An optimizer is a pair of pure functions over NumPy arrays with a leading batch axis:

* ``init(x, hp) -> state``: a NamedTuple of arrays shaped like ``x`` (``(n, dim)``);
* ``update(g, state, x, t, hp) -> (delta, state)``: the change to add to ``x`` at step ``t``
  (1-based) given the gradient ``g``, and the new state.

Two optional hooks serve rules that need more than the gradient at ``x``, and leave every other
rule's arithmetic untouched:

* ``grad_point(state, x, hp) -> points``: where this step's gradient ``g`` is taken (Schedule-Free
  takes it at its interpolated point ``y``, not at ``x``);
* ``uses_oracle``: ``update`` then also receives ``oracle=``, an :class:`Oracle` for the rule's own
  rows that evaluates more gradients (SAM's second one, at the ascent point) or the surface's
  Hessian (Newton). Each extra gradient is counted: the runner reports the gradient evaluations of
  every step.

State fields are arrays with the batch axis first, usually shaped like ``x``; a rule may keep
other shapes (a ``(n, dim, dim)`` matrix, an ``(n, 1)`` scalar per row).

``hp`` maps hyperparameter names to Python scalars (the same value for every row) or to ``(n, 1)``
arrays (one value per row), so one code path serves a single run and a sweep. Rules use NumPy for
every transcendental function (``np.sqrt``, ``np.power``): NumPy gives the same bits for an element
whatever the array's length, which is what makes a batched run equal its runs one by one.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from ._equivalent import Equivalent

INF = math.inf

#: Names of what every run records, whatever the rule.
GENERIC_LABELS = {"grad": "gradient g", "step": "step taken Δx"}


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter: its default, the values that make mathematical sense, and the UI hints.

    ``low``/``high`` bound the valid values (``low_open``/``high_open`` exclude the end point);
    ``ui_low``/``ui_high`` are the narrower slider range the app suggests. ``log`` asks for a log
    scale (which needs ``ui_low > 0``).
    """

    name: str
    default: float | bool
    help: str
    symbol: str
    low: float = -INF
    high: float = INF
    low_open: bool = False
    high_open: bool = False
    ui_low: float | None = None
    ui_high: float | None = None
    log: bool = False
    label: str = ""  # how the page names it in words, when the name alone reads badly ("AMSGrad")

    @property
    def display_name(self) -> str:
        return self.label or self.name.replace("_", " ")

    def __post_init__(self) -> None:
        if self.log and not (self.ui_low is not None and self.ui_low > 0):
            raise ValueError(f"{self.name}: a log scale needs ui_low > 0, got {self.ui_low!r}")

    @property
    def is_flag(self) -> bool:
        return isinstance(self.default, bool)

    def describe_range(self) -> str:
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"{lo}{self.low:g}, {self.high:g}{hi}"

    def accepts(self, value: float) -> bool:
        """Whether a finite float lies in the valid range."""
        if self.low_open and not value > self.low:
            return False
        if not self.low_open and not value >= self.low:
            return False
        if self.high_open and not value < self.high:
            return False
        return self.high_open or value <= self.high

    def validate(self, value: Any) -> float | bool | np.ndarray:
        """Return ``value`` checked and normalised, or raise a ValueError that names the problem.

        A flag takes a bool (or an array of bools); a number takes a finite float in range (or a
        1-D array of them, for a batched run).
        """
        if self.is_flag:
            if isinstance(value, bool | np.bool_):
                return bool(value)
            arr = np.asarray(value)
            if arr.ndim == 1 and arr.dtype == bool and arr.size:
                return arr.copy()
            raise ValueError(f"{self.name} must be True or False, got {value!r}")
        if isinstance(value, bool | np.bool_) or isinstance(value, str):
            raise ValueError(f"{self.name} must be a number, got {value!r}")
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name} must be a number, got {value!r}") from None
        if arr.ndim > 1 or (arr.ndim == 1 and arr.size == 0):
            raise ValueError(f"{self.name} must be a number or a 1-D array of numbers, got shape {arr.shape}")
        flat = arr.reshape(-1)
        for v in flat:
            if not math.isfinite(v):
                raise ValueError(f"{self.name} must be finite, got {v!r}")
            if not self.accepts(float(v)):
                raise ValueError(f"{self.name} must lie in {self.describe_range()}, got {float(v)!r}")
        return float(arr) if arr.ndim == 0 else arr.copy()


@dataclass(frozen=True)
class StabilityLimit:
    """Where the rule stops converging on a quadratic whose steepest curvature is ``L``.

    ``lr_max(L, beta)`` is the largest stable learning rate, given the value of the hyperparameter
    ``over`` (an array of them, for a sweep over it; ignored when ``over`` is empty); ``label`` is the
    condition in words. ``optimum(L, mu)``, where known, is the setting ``(lr, beta)`` that contracts
    fastest on a quadratic with curvatures ``mu <= L``.
    """

    label: str
    lr_max: Callable[[float, Any], Any]
    over: str = ""
    optimum: Callable[[float, float], tuple[float, float]] | None = None


@dataclass(frozen=True)
class OptimizerSpec:
    """What the app, the links, the tools and the tests need to know about one optimizer.

    Every fact about the optimizer lives here, so registering the spec is all it takes for the page,
    the links, the golden tools, the learning-rate table and the generic tests to know it:
    ``state_labels`` names its state fields and derived quantities (the Internals view),
    ``equivalent`` is a published implementation of the same rule (the golden tools run it),
    ``stability`` its known limit on a quadratic (the Sweep view), ``lr_per_surface`` whether its
    learning rate is a step size to suggest per surface (False: η scales a step the rule sizes itself,
    as Newton's and Prodigy's, and the default suits every surface), ``suggest_order`` its place
    when the page picks an optimizer to add (lower first; ties by key). What a run draws beyond its
    path is declared here too, so an optimizer that draws more touches its own module only:
    ``trails`` names state sequences shaped like ``x`` that the player draws as trails beside the
    path (Schedule-Free's z and y), and ``curvature`` the state field recording the eigenvalues of
    the curvature each step used (Newton's H), marked where it was not positive definite.
    """

    key: str
    name: str
    hypers: tuple[Hyper, ...]
    rule_latex: str
    init: Callable[..., NamedTuple]
    update: Callable[..., tuple[np.ndarray, NamedTuple]]
    reference: str
    summary: str
    torch_equivalent: str | None = None
    # Bias-corrected moments and the like, computed after a run from the recorded state.
    derived: Callable[..., dict[str, np.ndarray]] | None = None
    # Where the step's gradient is taken, ``grad_point(state, x, hp) -> points``; None: at x.
    grad_point: Callable[..., np.ndarray] | None = None
    # Whether ``update`` takes ``oracle=`` (more gradients, or the Hessian, within a step).
    uses_oracle: bool = False
    state_labels: Mapping[str, str] = field(default_factory=dict)
    equivalent: Equivalent | None = None
    stability: StabilityLimit | None = None
    lr_per_surface: bool = True
    suggest_order: float = math.inf
    trails: tuple[str, ...] = ()
    curvature: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "state_labels", MappingProxyType(dict(self.state_labels)))
        if self.torch_equivalent is None and self.equivalent is not None and self.equivalent.is_torch:
            object.__setattr__(self, "torch_equivalent", self.equivalent.describe())

    def label(self, quantity: str) -> str:
        """How the Internals view names one of this rule's state fields or derived quantities."""
        return self.state_labels.get(quantity) or GENERIC_LABELS.get(quantity) or quantity.replace("_", " ")

    @property
    def defaults(self) -> dict[str, float | bool]:
        return {h.name: h.default for h in self.hypers}

    def hyper(self, name: str) -> Hyper:
        for h in self.hypers:
            if h.name == name:
                return h
        raise KeyError(name)

    @property
    def state_names(self) -> tuple[str, ...]:
        x = np.zeros((1, 1))
        return tuple(self.init(x, self.defaults)._fields)


class Oracle:
    """What a rule with ``uses_oracle`` may ask for within a step, for its own rows (``(n, dim)``
    points): ``grad(points)`` is the gradient there, with the same step's noise and mini-batch as
    the step's first gradient, and is counted as one more evaluation; ``hessian(points)`` is the
    surface's matrix of second derivatives, ``(n, dim, dim)``."""

    def __init__(self, grad: Callable[[np.ndarray], np.ndarray], hessian: Callable[[np.ndarray], np.ndarray]):
        self._grad = grad
        self.hessian = hessian
        self.extra_grads = 0

    def grad(self, points: np.ndarray) -> np.ndarray:
        self.extra_grads += 1
        return self._grad(points)


@dataclass(frozen=True)
class Optimizer:
    """An optimizer with every hyperparameter set: what :func:`optimizers.make` returns.

    ``batch`` is ``None`` for one configuration, or ``n`` when some hyperparameter is a length-n
    array.
    """

    spec: OptimizerSpec
    hyper: Mapping[str, Any] = field(default_factory=dict)
    batch: int | None = None

    @property
    def key(self) -> str:
        return self.spec.key

    def row_hyper(self, n: int) -> dict[str, Any]:
        """The hyperparameters as the rules take them: scalars, or ``(n, 1)`` arrays."""
        out: dict[str, Any] = {}
        for name, value in self.hyper.items():
            if isinstance(value, np.ndarray):
                out[name] = value.reshape(n, 1)
            else:
                out[name] = value
        return out

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        return f"optimizers.make({self.spec.key!r}, {parts})"


def build(spec: OptimizerSpec, **hyper: Any) -> Optimizer:
    known = {h.name: h for h in spec.hypers}
    for name in hyper:
        if name not in known:
            raise ValueError(
                f"unknown hyperparameter {name!r} for {spec.key}; it takes {', '.join(known)}"
            )
    values: dict[str, Any] = {}
    batch: int | None = None
    for name, h in known.items():
        value = h.validate(hyper.get(name, h.default))
        if isinstance(value, np.ndarray):
            if batch is not None and value.size != batch:
                raise ValueError(
                    f"{name} has {value.size} values but another hyperparameter has {batch}"
                )
            batch = value.size
        values[name] = value
    return Optimizer(spec=spec, hyper=MappingProxyType(values), batch=batch)


# Small helpers the rules share.


def where(cond: Any, a: Any, b: Any) -> Any:
    """``a`` where ``cond`` holds, else ``b``; a plain bool picks without touching arrays."""
    if isinstance(cond, bool | np.bool_):
        return a if cond else b
    return np.where(cond, a, b)


def lerp(start: np.ndarray, end: np.ndarray, weight: Any) -> np.ndarray:
    """``start + weight·(end − start)``: the exponential moving average the way torch writes it."""
    return start + weight * (end - start)


def power(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` through NumPy, so scalar and batched runs round the same way.

    Scalar powers (a bias correction's ``beta ** t``) are memoised: at dim 2 a NumPy call costs more
    than the arithmetic, and the cached value is the very float NumPy returned.
    """
    if isinstance(base, float | int) and isinstance(exponent, float | int):
        return _scalar_power(float(base), float(exponent))
    return np.power(base, exponent)


@functools.lru_cache(maxsize=1 << 16)
def _scalar_power(base: float, exponent: float) -> float:
    return float(np.power(base, exponent))
