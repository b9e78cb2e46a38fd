from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import ADAPTIVE, Equivalent, GoldenCase
from ._spec import OptimizerSpec, lerp, power, where
from .adam import LABELS

RULE = r"""
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,
\qquad \hat m_t = \frac{m_t}{1-\beta_1^t} \\
\rho_\infty &= \frac{2}{1-\beta_2} - 1, \qquad
\rho_t = \rho_\infty - \frac{2t\,\beta_2^t}{1-\beta_2^t} \\
r_t &= \sqrt{\frac{(\rho_t-4)(\rho_t-2)\,\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\,\rho_t}} \\
x_t &= \begin{cases}
x_{t-1} - \eta\, \hat m_t\, r_t\, \dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon} & \rho_t > 5 \\[1ex]
x_{t-1} - \eta\, \hat m_t & \text{otherwise}
\end{cases}
\end{aligned}
"""

__doc__ = f"""RAdam (Liu et al., 2020): Adam that switches its adaptive scale on only once the variance of
the second-moment estimate is tractable.

.. math::
{RULE}
Follows ``torch.optim.RAdam``: while :math:`\\rho_t \\le 5` (the first few steps with
:math:`\\beta_2 = 0.999`) it takes un-adapted momentum steps.
"""


class State(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


def init(x, hp):
    return State(np.zeros_like(x), np.zeros_like(x))


def update(g, state, x, t, hp):
    beta1, beta2, lr = hp["beta1"], hp["beta2"], hp["lr"]
    exp_avg = lerp(state.exp_avg, g, 1.0 - beta1)
    exp_avg_sq = beta2 * state.exp_avg_sq + (1.0 - beta2) * (g * g)
    correction2 = 1.0 - power(beta2, t)
    m_hat = exp_avg / (1.0 - power(beta1, t))
    rho_inf = 2.0 / (1.0 - beta2) - 1.0
    rho_t = rho_inf - 2.0 * t * power(beta2, t) / correction2
    tractable = rho_t > 5.0
    if not np.any(tractable):
        return -(m_hat * lr), State(exp_avg, exp_avg_sq)
    with np.errstate(invalid="ignore", divide="ignore"):
        rect = np.sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
    adaptive = np.sqrt(correction2) / (np.sqrt(exp_avg_sq) + hp["eps"])
    adapted = m_hat * lr * adaptive * rect
    return -where(tractable if np.ndim(tractable) else bool(tractable), adapted, m_hat * lr), State(
        exp_avg, exp_avg_sq
    )


SPEC = OptimizerSpec(
    key="radam",
    name="RAdam",
    hypers=(_hypers.lr(1e-3), _hypers.beta1(), _hypers.beta2(), _hypers.eps(1e-8)),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Liu et al. (2020); torch.optim.RAdam",
    summary="Adam with a warm-up that is derived, not tuned: plain momentum until v is trustworthy.",
    state_labels={"exp_avg": LABELS["exp_avg"], "exp_avg_sq": LABELS["exp_avg_sq"]},
    equivalent=Equivalent("torch.optim.RAdam", betas=True, cases=(
        GoldenCase("default", ADAPTIVE),
        GoldenCase("beta2_0.99", ADAPTIVE, {"beta2": 0.99}, ("rosenbrock", "bowl", "double_well")),
        GoldenCase("beta1_eps", ADAPTIVE, {"beta1": 0.8, "eps": 1e-6}, ("himmelblau", "beale")),
    )),
    suggest_order=10,
)
