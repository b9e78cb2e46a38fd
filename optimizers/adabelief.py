import dataclasses
from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import ADAPTIVE, FOUR, Equivalent, GoldenCase
from ._spec import OptimizerSpec, power, where
from .adam import LABELS

RULE = r"""
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad m_0 = 0 \\
s_t &= \beta_2 s_{t-1} + (1-\beta_2)\, (g_t - m_t)^2 + \epsilon, \qquad s_0 = 0 \\
\text{plain: } x_t &= x_{t-1} - \frac{\eta}{1-\beta_1^t}\,
  \frac{m_t}{\sqrt{s_t}\,/\sqrt{1-\beta_2^t} + \epsilon} \\
\text{rectified: } \rho_\infty &= \frac{2}{1-\beta_2} - 1, \quad
  \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t} \\
\rho_t \ge 5: x_t &= x_{t-1} - \frac{\eta\, r_t}{1-\beta_1^t}\, \frac{m_t}{\sqrt{s_t} + \epsilon}, \quad
  r_t = \sqrt{\frac{(1-\beta_2^t)(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}} \\
\rho_t < 5: x_t &= x_{t-1} - \frac{\eta}{1-\beta_1^t}\, m_t
\end{aligned}
"""

__doc__ = f"""AdaBelief (Zhuang et al., 2020): Adam whose denominator tracks how far the gradient strays
from its own average (the "belief"), not the gradient's size.

.. math::
{RULE}
Where the gradient is steady, :math:`g_t - m_t` shrinks and so does the denominator: the steps grow.
This is the pip package ``adabelief-pytorch`` (0.2.x) with its defaults (decoupled weight decay of
0, no AMSGrad, :math:`\\epsilon` = 1e-16, rectification on, a plain momentum step while the rectifier
is undefined). Note the package's conventions: :math:`\\epsilon` is added to :math:`s_t` inside the
state at every step as well as after the root, and the rectified branch (RAdam's, Liu et al., 2020)
divides by :math:`\\sqrt{{s_t}}` without :math:`s`'s bias correction, which :math:`r_t` carries instead.
"""


class State(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_var: np.ndarray


def init(x, hp):
    return State(np.zeros_like(x), np.zeros_like(x))


def update(g, state, x, t, hp):
    beta1, beta2, eps, lr = hp["beta1"], hp["beta2"], hp["eps"], hp["lr"]
    exp_avg = state.exp_avg * beta1 + (1.0 - beta1) * g
    residual = g - exp_avg
    exp_avg_var = state.exp_avg_var * beta2 + (1.0 - beta2) * (residual * residual) + eps
    correction1 = 1.0 - power(beta1, t)
    correction2 = 1.0 - power(beta2, t)
    plain = -(lr / correction1) * exp_avg / (np.sqrt(exp_avg_var) / np.sqrt(correction2) + eps)

    beta2_t = power(beta2, t)
    rho_inf = 2.0 / (1.0 - beta2) - 1.0
    rho_t = rho_inf - 2.0 * t * beta2_t / (1.0 - beta2_t)
    defined = rho_t >= 5.0
    with np.errstate(all="ignore"):
        ratio = (1.0 - beta2_t) * (rho_t - 4.0) / (rho_inf - 4.0) * (rho_t - 2.0) / rho_t * rho_inf / (rho_inf - 2.0)
        r = np.sqrt(where(defined, ratio, 1.0)) / correction1
    rectified = where(defined, -(r * lr) * exp_avg / (np.sqrt(exp_avg_var) + eps),
                      -(lr / correction1) * exp_avg)
    return where(hp["rectify"], rectified, plain), State(exp_avg, exp_avg_var)


SPEC = OptimizerSpec(
    key="adabelief",
    name="AdaBelief",
    hypers=(
        _hypers.lr(1e-3),
        _hypers.beta1(),
        _hypers.beta2(),
        # The package's default sits below the usual slider range.
        dataclasses.replace(_hypers.eps(1e-16), ui_low=1e-20),
        _hypers.flag("rectify", True, "RAdam's rectified step: plain momentum until the variance estimate "
                     "is reliable.", r"r_t"),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Zhuang et al. (2020); adabelief-pytorch",
    summary="Adam dividing by the spread of g around its average: long steps where the slope is steady.",
    state_labels={"exp_avg": LABELS["exp_avg"], "exp_avg_var": "spread of g around m (s)"},
    equivalent=Equivalent("adabelief_pytorch.AdaBelief", package="adabelief-pytorch", betas=True,
                          fixed={"print_change_log": False}, cases=(
        GoldenCase("default", ADAPTIVE, surfaces=FOUR),
        GoldenCase("plain", ADAPTIVE, {"rectify": False}, ("rosenbrock", "bowl", "beale")),
        GoldenCase("eps", ADAPTIVE, {"eps": 1e-8}, ("bowl", "himmelblau", "beale", "double_well")),
        GoldenCase("betas", ADAPTIVE, {"beta1": 0.8, "beta2": 0.99}, ("rosenbrock", "himmelblau", "double_well")),
        GoldenCase("betas_eps_plain", ADAPTIVE, {"beta1": 0.95, "beta2": 0.995, "eps": 1e-12, "rectify": False},
                   ("bowl", "himmelblau", "double_well")),
    )),
    suggest_order=13,
)
