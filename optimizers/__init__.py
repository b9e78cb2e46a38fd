"""Gradient-descent optimizers as pure, batched NumPy update rules in float64.

>>> import optimizers, surfaces
>>> opt = optimizers.make("adam", lr=0.05)
>>> tr = optimizers.run(opt, surfaces.get("rosenbrock"), start=(-1.5, 2.0), steps=300)

Adding an optimizer is one module with a ``SPEC`` and one line in :data:`REGISTRY`; the app's
widgets, its equations panel, the shared links and the generic tests pick it up from there.
"""

from __future__ import annotations

from typing import Any

from . import (
    adabelief,
    adadelta,
    adagrad,
    adagrad_full,
    adam,
    adamax,
    adamw,
    ema_momentum,
    lion,
    momentum,
    nadam,
    nesterov,
    newton,
    prodigy,
    radam,
    rmsprop,
    sam,
    schedule_free_adamw,
    schedule_free_sgd,
    sgd,
    yogi,
)
from ._run import DIVERGENCE_LIMIT, Trajectory, internals, race, run
from ._spec import Hyper, Optimizer, OptimizerSpec, Oracle, build

REGISTRY: dict[str, OptimizerSpec] = {
    "sgd": sgd.SPEC,
    "momentum": momentum.SPEC,
    "nesterov": nesterov.SPEC,
    "ema_momentum": ema_momentum.SPEC,
    "adagrad": adagrad.SPEC,
    "rmsprop": rmsprop.SPEC,
    "adadelta": adadelta.SPEC,
    "adam": adam.SPEC,
    "adamw": adamw.SPEC,
    "nadam": nadam.SPEC,
    "radam": radam.SPEC,
    "adamax": adamax.SPEC,
    "lion": lion.SPEC,
    "adabelief": adabelief.SPEC,
    "yogi": yogi.SPEC,
    "prodigy": prodigy.SPEC,
    "schedule_free_sgd": schedule_free_sgd.SPEC,
    "schedule_free_adamw": schedule_free_adamw.SPEC,
    "sam": sam.SPEC,
    "adagrad_full": adagrad_full.SPEC,
    "newton": newton.SPEC,
}

__all__ = [
    "DIVERGENCE_LIMIT",
    "REGISTRY",
    "Hyper",
    "Optimizer",
    "OptimizerSpec",
    "Oracle",
    "Trajectory",
    "internals",
    "make",
    "names",
    "race",
    "run",
    "spec",
]


def names() -> list[str]:
    """Every registered optimizer key, in the order the app lists them."""
    return list(REGISTRY)


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
