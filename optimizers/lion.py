from typing import NamedTuple

import numpy as np

from . import _hypers
from ._spec import OptimizerSpec

RULE = r"""
\begin{aligned}
c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
x_t &= x_{t-1} - \eta\, \operatorname{sign}(c_t) \\
m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t, \qquad m_0 = 0
\end{aligned}
"""

__doc__ = f"""Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"): every coordinate
moves exactly :math:`\\eta` per step, in the direction of the sign of an interpolated momentum.

.. math::
{RULE}
The paper's rule without weight decay. Two decays: :math:`\\beta_1` mixes the fresh gradient into the
direction of this step, :math:`\\beta_2` (slower) is the memory kept for later steps. torch has no
Lion. A coordinate whose interpolation is exactly zero does not move.
"""


class State(NamedTuple):
    exp_avg: np.ndarray


def init(x, hp):
    return State(np.zeros_like(x))


def update(g, state, x, t, hp):
    beta1, beta2 = hp["beta1"], hp["beta2"]
    direction = np.sign(beta1 * state.exp_avg + (1.0 - beta1) * g)
    exp_avg = beta2 * state.exp_avg + (1.0 - beta2) * g
    return -hp["lr"] * direction, State(exp_avg)


SPEC = OptimizerSpec(
    key="lion",
    name="Lion",
    hypers=(_hypers.lr(1e-4), _hypers.beta1(0.9), _hypers.beta2(0.99)),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Chen et al. (2023)",
    summary="Sign-based: every coordinate steps exactly η, steered by a two-speed momentum.",
    state_labels={"exp_avg": "momentum m"},
    suggest_order=12,
)
