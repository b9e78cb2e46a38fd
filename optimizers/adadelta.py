from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import SELF_SCALED, SELF_SCALED_SLOW, Equivalent, GoldenCase
from ._spec import OptimizerSpec

RULE = r"""
\begin{aligned}
v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2 \\
\Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\; g_t \\
u_t &= \rho\, u_{t-1} + (1-\rho)\, \Delta_t^2 \\
x_t &= x_{t-1} - \eta\, \Delta_t
\end{aligned}
"""

__doc__ = f"""Adadelta (Zeiler, 2012): the step's units come from a moving average of past steps, so it
needs no learning rate in principle.

.. math::
{RULE}
Follows ``torch.optim.Adadelta``: :math:`\\epsilon` sits inside both roots and the learning rate
:math:`\\eta` (1 by default) multiplies the delta. Because :math:`u_0 = 0`, the first steps are about
:math:`\\sqrt{{\\epsilon}}` long and grow only slowly.
"""


class State(NamedTuple):
    square_avg: np.ndarray
    acc_delta: np.ndarray


def init(x, hp):
    return State(square_avg=np.zeros_like(x), acc_delta=np.zeros_like(x))


def update(g, state, x, t, hp):
    rho, eps = hp["rho"], hp["eps"]
    square_avg = rho * state.square_avg + (1.0 - rho) * (g * g)
    delta = np.sqrt(state.acc_delta + eps) / np.sqrt(square_avg + eps) * g
    acc_delta = rho * state.acc_delta + (1.0 - rho) * (delta * delta)
    return -hp["lr"] * delta, State(square_avg=square_avg, acc_delta=acc_delta)


SPEC = OptimizerSpec(
    key="adadelta",
    name="Adadelta",
    hypers=(
        _hypers.lr(1.0, ui_low=1e-3, ui_high=100.0),
        _hypers.decay("rho", 0.9, "Decay of both moving averages (squared gradients and squared steps).", r"\rho"),
        _hypers.eps(1e-6),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Zeiler (2012), torch.optim.Adadelta",
    summary="RMSprop whose numerator is the RMS of its own recent steps instead of a learning rate.",
    state_labels={"square_avg": "average of g² (v)", "acc_delta": "average of Δ² (u)"},
    # Adadelta's start on himmelblau sits by the local maximum and lets small errors grow.
    equivalent=Equivalent("torch.optim.Adadelta", cases=(
        GoldenCase("default", SELF_SCALED),
        GoldenCase("rho_eps", SELF_SCALED_SLOW, {"rho": 0.95, "eps": 1e-4}),
    )),
    suggest_order=6,
)
