from typing import NamedTuple

import numpy as np

from . import _hypers
from ._spec import OptimizerSpec, StabilityLimit

RULE = r"""
\begin{aligned}
v_0 &= 0, \qquad v_t = \beta\, v_{t-1} + (1-\beta)\, g_t \\
x_t &= x_{t-1} - \eta\, v_t
\end{aligned}
"""

__doc__ = f"""Momentum as an exponential moving average of gradients, the form of many course notes.

.. math::
{RULE}
The velocity is an average, not a sum, so on a constant slope the step tends to :math:`\\eta g`
rather than :math:`\\eta g/(1-\\beta)`. It equals torch.optim.SGD with learning rate
:math:`\\eta(1-\\beta)` and momentum :math:`\\beta` — not SGD with dampening :math:`\\beta`, whose
first step is :math:`1/(1-\\beta)` times larger. With :math:`v_0 = 0` and no bias correction the
first steps are small.
"""


class State(NamedTuple):
    velocity: np.ndarray


def init(x, hp):
    return State(velocity=np.zeros_like(x))


def update(g, state, x, t, hp):
    beta = hp["beta"]
    velocity = beta * state.velocity + (1.0 - beta) * g
    return -hp["lr"] * velocity, State(velocity=velocity)


SPEC = OptimizerSpec(
    key="ema_momentum",
    name="Momentum (moving average)",
    hypers=(
        _hypers.lr(1e-2),
        _hypers.decay("beta", 0.9, "Weight of the old velocity in the moving average.", r"\beta"),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Course notes on momentum as an exponentially weighted average",
    summary="Steps along a moving average of recent gradients: zig-zags cancel, steady slopes add up.",
    state_labels={"velocity": "velocity v"},
    stability=StabilityLimit("stable iff η(1 − β) < (2 + 2β)/L", lambda L, beta: (2 + 2 * beta) / ((1 - beta) * L),
                             over="beta"),
    suggest_order=3,
)
