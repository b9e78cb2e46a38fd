from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import FOUR, Equivalent, GoldenCase
from ._spec import Hyper, OptimizerSpec, power

RULE = r"""
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad m_0 = 0 \\
v_t &= v_{t-1} + (1-\beta_2)\, \operatorname{sign}\!\left(g_t^2 - v_{t-1}\right) g_t^2,
  \qquad v_0 = v_{\text{init}} \\
x_t &= x_{t-1} - \eta\, \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\; \frac{m_t}{\sqrt{v_t} + \epsilon}
\end{aligned}
"""

__doc__ = f"""Yogi (Zaheer et al., 2018): Adam whose second moment moves by a fixed fraction of
:math:`g^2` towards it, up or down, instead of averaging.

.. math::
{RULE}
Adam's :math:`v_t - v_{{t-1}} = (1-\\beta_2)(g_t^2 - v_{{t-1}})` can shrink :math:`v` quickly when the
gradients fall; Yogi's change has the size :math:`(1-\\beta_2) g_t^2` and only the sign of the
difference, so :math:`v` shrinks slowly and the steps stay controlled. The form of TensorFlow
Addons' ``tfa.optimizers.Yogi`` (sign activation, no l1/l2 terms): the bias corrections fold into
the step size, :math:`\\epsilon` (1e-3 by default there) is added after the root, and :math:`v`
starts at ``initial_accumulator`` (1e-6).
"""


class State(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


def init(x, hp):
    v0 = hp["initial_accumulator"]
    return State(np.zeros_like(x), np.zeros_like(x) + v0)


def update(g, state, x, t, hp):
    beta1, beta2 = hp["beta1"], hp["beta2"]
    exp_avg = state.exp_avg * beta1 + g * (1.0 - beta1)
    g2 = g * g
    exp_avg_sq = state.exp_avg_sq + (1.0 - beta2) * np.sign(g2 - state.exp_avg_sq) * g2
    step_size = hp["lr"] * np.sqrt(1.0 - power(beta2, t)) / (1.0 - power(beta1, t))
    return -(step_size / (np.sqrt(exp_avg_sq) + hp["eps"])) * exp_avg, State(exp_avg, exp_avg_sq)


# Learning rates for the golden cases: Yogi's steps are about η, like Adam's.
GOLDEN_LR = {"rosenbrock": 0.01, "bowl": 0.05, "himmelblau": 0.05, "beale": 0.02, "double_well": 0.05}

SPEC = OptimizerSpec(
    key="yogi",
    name="Yogi",
    hypers=(
        _hypers.lr(1e-2),
        _hypers.beta1(),
        _hypers.beta2(),
        _hypers.eps(1e-3),
        Hyper("initial_accumulator", 1e-6, "Starting value of the second moment v.", r"v_{\text{init}}",
              low=0.0, ui_low=1e-8, ui_high=1.0, log=True),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Zaheer et al. (2018); tfa.optimizers.Yogi",
    summary="Adam with a second moment that changes by a fixed share of g², so it never collapses.",
    state_labels={"exp_avg": "first moment m", "exp_avg_sq": "second moment v"},
    equivalent=Equivalent(
        "tensorflow_addons.optimizers.Yogi", package="tensorflow-addons",
        renames={"lr": "learning_rate", "eps": "epsilon", "initial_accumulator": "initial_accumulator_value"},
        cases=(
            GoldenCase("default", GOLDEN_LR, surfaces=FOUR),
            GoldenCase("betas_eps_init", GOLDEN_LR,
                       {"beta1": 0.8, "beta2": 0.99, "eps": 1e-4, "initial_accumulator": 0.1},
                       ("rosenbrock", "bowl", "beale")),
            GoldenCase("no_momentum", GOLDEN_LR, {"beta1": 0.0}, ("bowl", "himmelblau", "double_well")),
            GoldenCase("beta2_init", GOLDEN_LR, {"beta2": 0.9, "eps": 1e-6, "initial_accumulator": 1.0},
                       ("himmelblau", "beale", "double_well")),
        ),
    ),
    suggest_order=14,
)
