"""Published implementations of our rules, as data: what the golden tools run to write the paths
that the tests replay.

An optimizer whose rule has a reference implementation (``torch.optim``, or the authors' own package)
says so on its spec with an :class:`Equivalent`: where the class lives, how our hyperparameter names
map onto its arguments, and the cases to record. ``tools/make_golden.py`` runs every ``torch.optim``
equivalent, ``tools/make_golden_refs.py`` every other one; neither names an optimizer, so a new
module with an ``equivalent`` gets golden cases without touching the tools. Nothing here imports
the reference packages: they are never dependencies of this project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Learning rates per golden surface, by how far a rule moves per unit of η: large enough that the
# path moves visibly, small enough that it stays tame (on a chaotic path rounding differences grow
# into real ones). The golden surfaces and their parameters are the tools' (tools/golden_common.py).
PLAIN = {"rosenbrock": 5e-4, "bowl": 0.05, "himmelblau": 5e-3, "beale": 5e-3, "double_well": 0.01}
PLAIN_HALF = {"bowl": 0.025, "himmelblau": 2.5e-3}
HEAVY = {"rosenbrock": 1e-4, "bowl": 0.01, "himmelblau": 1e-3, "beale": 1e-3, "double_well": 2e-3}
ADAPTIVE = {"rosenbrock": 0.01, "bowl": 0.02, "himmelblau": 0.02, "beale": 0.01, "double_well": 0.02}
ADAPTIVE_FAST = {"rosenbrock": 0.02, "bowl": 0.05, "himmelblau": 0.05, "beale": 0.02, "double_well": 0.05}
RMS = {"rosenbrock": 3e-3, "bowl": 0.02, "himmelblau": 0.02, "beale": 0.01, "double_well": 0.02}
RMS_SLOW = {"bowl": 0.01, "beale": 0.01, "double_well": 0.01}
ACCUMULATING = {"rosenbrock": 0.1, "bowl": 0.2, "himmelblau": 0.2, "beale": 0.1, "double_well": 0.2}
SELF_SCALED = {"rosenbrock": 0.2, "bowl": 2.0, "beale": 2.0, "double_well": 2.0}
SELF_SCALED_SLOW = {"bowl": 0.5, "beale": 0.5, "double_well": 0.5}
UNIT = dict.fromkeys(("rosenbrock", "bowl", "himmelblau", "beale", "double_well"), 1.0)
#: The golden surfaces but Beale.
FOUR = ("rosenbrock", "bowl", "himmelblau", "double_well")
HALF = dict.fromkeys(UNIT, 0.5)


@dataclass(frozen=True)
class GoldenCase:
    """One setting to record: a label, the learning rate on each surface, our other hyperparameters
    (those left out take our defaults in the test and the reference's defaults in the tool), and the
    surfaces (default: every surface ``lr`` names). ``start`` overrides the surface's default start.
    ``sensitive`` marks a case pinned on purpose where small rounding differences grow (it guards an
    order of operations): the tools report its jitter but do not reject it, and write it last."""

    label: str
    lr: Mapping[str, float]
    hyper: Mapping[str, Any] = field(default_factory=dict)
    surfaces: tuple[str, ...] = ()
    start: tuple[float, ...] | None = None
    sensitive: bool = False

    @property
    def surface_keys(self) -> tuple[str, ...]:
        return self.surfaces or tuple(self.lr)


@dataclass(frozen=True)
class Equivalent:
    """A published class that runs the same rule, and how to call it.

    ``source`` is the class's dotted path (``"torch.optim.SGD"``); ``package`` the distribution whose
    version the golden file records, and ``origin`` the repository a source file comes from when it
    is not a package. ``renames`` maps our hyperparameter names to the class's; ``betas`` passes
    ``beta1`` and ``beta2`` together as ``betas=(β1, β2)`` (only when a case sets one of them);
    ``integers`` are passed as ints; ``fixed`` is passed always; ``ours`` holds our defaults where
    the class's differ and a case leaves the value out. ``base`` names the optimizer a wrapper class
    (SAM) takes as its second argument. ``position`` names the entry of the class's state that holds
    the point we draw, when that is not the parameter itself (Schedule-Free's ``x``).
    """

    source: str
    cases: tuple[GoldenCase, ...]
    package: str = "torch"
    origin: str = ""
    renames: Mapping[str, str] = field(default_factory=dict)
    betas: bool = False
    integers: tuple[str, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    ours: Mapping[str, Any] = field(default_factory=dict)
    base: str = ""
    position: str = ""

    def __post_init__(self) -> None:
        for name in ("renames", "fixed", "ours"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @property
    def is_torch(self) -> bool:
        """Whether ``torch.optim`` itself holds the rule (``tools/make_golden.py`` runs these)."""
        return self.source.startswith("torch.optim.") and not self.base

    def describe(self) -> str:
        """The class and its fixed arguments, as a reader would write the call."""
        args = {**self.fixed, **self.ours}
        inner = ", ".join(f"{k}={v!r}" for k, v in args.items())
        renamed = ", ".join(f"{ours} = {theirs}" for ours, theirs in self.renames.items())
        text = f"{self.source}({inner})" if inner else self.source
        return f"{text} ({renamed})" if renamed else text

    def arguments(self, hyper: Mapping[str, Any]) -> dict[str, Any]:
        """The class's keyword arguments for our hyperparameters ``hyper`` (``lr`` included)."""
        hp = {**self.ours, **hyper}
        out: dict[str, Any] = {}
        if self.betas and {"beta1", "beta2"} & hp.keys():
            out["betas"] = (hp.pop("beta1", 0.9), hp.pop("beta2", 0.999))
        for name, value in hp.items():
            out[self.renames.get(name, name)] = int(value) if name in self.integers else value
        return {**out, **self.fixed}
