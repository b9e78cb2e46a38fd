"""Learning-rate schedules as per-step factors: the rule stays the same, only its lr changes.

``factors(schedule, steps)[t-1]`` multiplies the entry's learning rate at step ``t``. With a
warm-up of ``w`` steps the factor rises linearly, ``t/w``, and the decay then starts afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.model.experiment import Schedule


@dataclass(frozen=True)
class Kind:
    """One kind of schedule: how the page names it, its formula, the decay it applies after the
    warm-up (a function of the steps ``t = 1, 2, …`` counted from there) and the settings it reads."""

    key: str
    title: str
    latex: str
    decay: Callable[[np.ndarray, Schedule], np.ndarray]
    uses: tuple[str, ...] = ()  # of "gamma", "every"


def _cosine(t: np.ndarray, s: Schedule) -> np.ndarray:
    span = max(len(t) - 1, 1)
    return 0.5 * (1.0 + np.cos(np.pi * (t - 1) / span))


# Adding a schedule is one row here (its key is what a link carries: ``sched=cosine``).
KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("constant", "Constant", r"\eta_t = \eta", lambda t, s: np.ones_like(t)),
    Kind("step", "Step decay", r"\eta_t = \eta\,\gamma^{\lfloor (t-1)/k \rfloor}",
         lambda t, s: np.power(s.gamma, np.floor((t - 1) / s.every)), uses=("gamma", "every")),
    Kind("exponential", "Exponential decay", r"\eta_t = \eta\,\gamma^{\,t-1}",
         lambda t, s: np.power(s.gamma, t - 1), uses=("gamma",)),
    Kind("cosine", "Cosine to zero", r"\eta_t = \tfrac12\,\eta\,\bigl(1 + \cos\tfrac{\pi (t-1)}{T-1}\bigr)", _cosine),
    Kind("inv_sqrt", "1/√t", r"\eta_t = \eta / \sqrt{t}", lambda t, s: 1.0 / np.sqrt(t)),
)}
NAMES = {key: kind.title for key, kind in KINDS.items()}
LATEX = {key: kind.latex for key, kind in KINDS.items()}


def factors(schedule: Schedule, steps: int) -> np.ndarray | None:
    """The lr multiplier for steps 1..steps, or None for a constant rate with no warm-up."""
    if schedule.kind == "constant" and schedule.warmup == 0:
        return None
    w = min(schedule.warmup, steps)
    t = np.arange(1, steps - w + 1, dtype=np.float64)  # steps counted from the end of warm-up
    decay = KINDS[schedule.kind].decay(t, schedule) if schedule.kind in KINDS else np.ones_like(t)
    ramp = np.arange(1, w + 1, dtype=np.float64) / w if w else np.empty(0)
    return np.concatenate([ramp, decay])
