"""Learning-rate schedules as per-step factors: the rule stays the same, only its lr changes.

``factors(schedule, steps)[t-1]`` multiplies the entry's learning rate at step ``t``. With a
warm-up of ``w`` steps the factor rises linearly, ``t/w``, and the decay then starts afresh.
"""

from __future__ import annotations

import numpy as np

from playground.model.experiment import Schedule

LATEX = {
    "constant": r"\eta_t = \eta",
    "step": r"\eta_t = \eta\,\gamma^{\lfloor (t-1)/k \rfloor}",
    "exponential": r"\eta_t = \eta\,\gamma^{\,t-1}",
    "cosine": r"\eta_t = \tfrac12\,\eta\,\bigl(1 + \cos\tfrac{\pi (t-1)}{T-1}\bigr)",
    "inv_sqrt": r"\eta_t = \eta / \sqrt{t}",
}

NAMES = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential decay",
    "cosine": "Cosine to zero",
    "inv_sqrt": "1/√t",
}


def factors(schedule: Schedule, steps: int) -> np.ndarray | None:
    """The lr multiplier for steps 1..steps, or None for a constant rate with no warm-up."""
    if schedule.kind == "constant" and schedule.warmup == 0:
        return None
    w = min(schedule.warmup, steps)
    t = np.arange(1, steps - w + 1, dtype=np.float64)  # steps counted from the end of warm-up
    kind = schedule.kind
    if kind == "step":
        decay = np.power(schedule.gamma, np.floor((t - 1) / schedule.every))
    elif kind == "exponential":
        decay = np.power(schedule.gamma, t - 1)
    elif kind == "cosine":
        span = max(len(t) - 1, 1)
        decay = 0.5 * (1.0 + np.cos(np.pi * (t - 1) / span))
    elif kind == "inv_sqrt":
        decay = 1.0 / np.sqrt(t)
    else:
        decay = np.ones_like(t)
    ramp = np.arange(1, w + 1, dtype=np.float64) / w if w else np.empty(0)
    return np.concatenate([ramp, decay])
