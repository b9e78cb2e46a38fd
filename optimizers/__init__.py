"""Gradient-descent optimizers as pure, batched NumPy update rules in float64.

>>> import optimizers, surfaces
>>> opt = optimizers.make("adam", lr=0.05)
>>> tr = optimizers.run(opt, surfaces.get("rosenbrock"), start=(-1.5, 2.0), steps=300)

Adding an optimizer is one module with a ``SPEC`` and its name as one line in :data:`MODULES`
(which builds :data:`REGISTRY`); the app's widgets, its equations panel and Internals view, the
shared links, the suggested learning rates, the golden tools and the generic tests pick it up from
there (``tests/test_registry.py`` proves it with a throwaway module). The registry's order is the order the
page lists them in, and nothing else: which optimizer "Add" suggests is the spec's
``suggest_order``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ._equivalent import Equivalent, GoldenCase
from ._run import DIVERGENCE_LIMIT, Trajectory, internals, race, run
from ._spec import GENERIC_LABELS, Hyper, Optimizer, OptimizerSpec, Oracle, StabilityLimit, build

# Registering an optimizer is one line here: its module's name. The order is the page's listing order.
MODULES = (
    "sgd",
    "momentum",
    "nesterov",
    "ema_momentum",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "nadam",
    "radam",
    "adamax",
    "lion",
    "adabelief",
    "yogi",
    "prodigy",
    "schedule_free_sgd",
    "schedule_free_adamw",
    "sam",
    "adagrad_full",
    "newton",
)

REGISTRY: dict[str, OptimizerSpec] = {
    spec.key: spec for spec in (import_module(f"{__name__}.{name}").SPEC for name in MODULES)
}

__all__ = [
    "DIVERGENCE_LIMIT",
    "GENERIC_LABELS",
    "REGISTRY",
    "Equivalent",
    "GoldenCase",
    "Hyper",
    "Optimizer",
    "OptimizerSpec",
    "Oracle",
    "StabilityLimit",
    "Trajectory",
    "internals",
    "make",
    "names",
    "race",
    "run",
    "spec",
    "suggestion",
]


def names() -> list[str]:
    """Every registered optimizer key, in the order the app lists them."""
    return list(REGISTRY)


def suggestion(used: Any = ()) -> str:
    """The optimizer to add next to a race that already has ``used``: the lowest ``suggest_order``
    among the unused ones (ties by key), or, when every one is used, the lowest of all. It depends
    on the specs only, never on the registry's order."""
    taken = set(used)
    ranked = sorted(REGISTRY, key=lambda k: (REGISTRY[k].suggest_order, k))
    return next((k for k in ranked if k not in taken), ranked[0])


def spec(key: str) -> OptimizerSpec:
    """The spec of optimizer ``key``: hyperparameters (default, range, scale, help, symbol) and rule."""
    try:
        return REGISTRY[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {key!r}; choose one of {', '.join(REGISTRY)}") from None


def make(key: str, **hyper: Any) -> Optimizer:
    """An optimizer with its hyperparameters set; unnamed ones take the spec's defaults.

    Raises ValueError naming the problem for an unknown optimizer or hyperparameter, and for a value
    outside its valid range (any valid value is accepted, however extreme; the app's slider range is
    only a suggestion). A hyperparameter given as a length-n array makes a batch of n configurations.
    """
    return build(spec(key), **hyper)
