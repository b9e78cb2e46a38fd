from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import ADAPTIVE, Equivalent, GoldenCase
from ._spec import OptimizerSpec, lerp, power
from .adam import LABELS

RULE = r"""
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
u_t &= \max\bigl(\beta_2\, u_{t-1},\ |g_t| + \epsilon\bigr), \qquad u_0 = 0 \\
x_t &= x_{t-1} - \frac{\eta}{1-\beta_1^t}\, \frac{m_t}{u_t}
\end{aligned}
"""

__doc__ = f"""Adamax (Kingma & Ba, 2015, section 7): Adam with the root-mean-square replaced by a decaying
maximum of gradient sizes (the infinity norm).

.. math::
{RULE}
Follows ``torch.optim.Adamax``: :math:`\\epsilon` is added to :math:`|g_t|` inside the maximum.
"""


class State(NamedTuple):
    exp_avg: np.ndarray
    exp_inf: np.ndarray


def init(x, hp):
    return State(np.zeros_like(x), np.zeros_like(x))


def update(g, state, x, t, hp):
    beta1 = hp["beta1"]
    exp_avg = lerp(state.exp_avg, g, 1.0 - beta1)
    exp_inf = np.maximum(hp["beta2"] * state.exp_inf, np.abs(g) + hp["eps"])
    delta = -(hp["lr"] / (1.0 - power(beta1, t))) * exp_avg / exp_inf
    return delta, State(exp_avg, exp_inf)


SPEC = OptimizerSpec(
    key="adamax",
    name="Adamax",
    hypers=(_hypers.lr(2e-3), _hypers.beta1(), _hypers.beta2(), _hypers.eps(1e-8)),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Kingma & Ba (2015), section 7.1; torch.optim.Adamax",
    summary="Adam scaled by the largest recent gradient instead of the RMS: robust to rare spikes.",
    state_labels={"exp_avg": LABELS["exp_avg"], "exp_inf": "max norm u"},
    equivalent=Equivalent("torch.optim.Adamax", betas=True, cases=(
        GoldenCase("default", ADAPTIVE),
        GoldenCase("betas_eps", ADAPTIVE, {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, ("rosenbrock", "bowl", "beale")),
    )),
    suggest_order=11,
)
