from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import ADAPTIVE, Equivalent, GoldenCase
from ._spec import OptimizerSpec, lerp, power, where

RULE = r"""
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad m_0 = 0 \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \qquad v_0 = 0 \\
\hat m_t &= \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}
  \qquad (\hat m_t = m_t,\ \hat v_t = v_t \text{ without bias correction}) \\
\text{AMSGrad: } & \hat v_t \leftarrow \max(\hat v_{t-1}, \hat v_t) \\
x_t &= x_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}
"""

ADAMW_RULE = r"""
\begin{aligned}
x_{t-1} &\leftarrow x_{t-1}\,(1 - \eta\lambda) \\
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
\hat m_t &= \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}
  \qquad (\text{AMSGrad: } \hat v_t \leftarrow \max(\hat v_{t-1}, \hat v_t)) \\
x_t &= x_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}
"""

__doc__ = f"""Adam (Kingma & Ba, 2015): momentum on the gradient and an RMSprop-style scale, both as
bias-corrected moving averages.

.. math::
{RULE}
Follows ``torch.optim.Adam``, which is Algorithm 1 of the paper: the correction of :math:`v` is
applied under the root, :math:`\\epsilon` outside it. AMSGrad keeps the running maximum of
:math:`v_t` (torch's form: the maximum of the raw average, corrected afterwards).

``bias_correction=False`` drops both :math:`1/(1-\\beta^t)` factors. Both averages then start too
small, but not equally: at step 1 the ratio :math:`m_1/\\sqrt{{v_1}}` is :math:`(1-\\beta_1)/\\sqrt{{1-\\beta_2}}`
times its corrected value (about 3.2 with the defaults), so the first steps are several times too
long. On a constant slope the bias-corrected step is exactly :math:`\\eta`, whatever the slope's size.

AdamW (``adamw.py``, Loshchilov & Hutter, 2019) first shrinks the weights by :math:`1-\\eta\\lambda`,
decoupled from the gradient:

.. math::
{ADAMW_RULE}"""


class State(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class AMSGradState(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray


def init(x, hp):
    if hp.get("amsgrad", False) is False:
        return State(np.zeros_like(x), np.zeros_like(x))
    return AMSGradState(np.zeros_like(x), np.zeros_like(x), np.zeros_like(x))


def step(g, state, t, hp, bias_correction=True):
    """The Adam step shared by Adam and AdamW: returns ``(delta, state)``."""
    beta1, beta2 = hp["beta1"], hp["beta2"]
    exp_avg = lerp(state.exp_avg, g, 1.0 - beta1)
    exp_avg_sq = beta2 * state.exp_avg_sq + (1.0 - beta2) * (g * g)
    if bias_correction is False:
        correction1, correction2_sqrt = 1.0, 1.0
    else:
        correction1 = 1.0 - power(beta1, t)
        correction2_sqrt = np.sqrt(1.0 - power(beta2, t))
        if bias_correction is not True:
            correction1 = where(bias_correction, correction1, 1.0)
            correction2_sqrt = where(bias_correction, correction2_sqrt, 1.0)
    if isinstance(state, AMSGradState):
        max_sq = np.maximum(state.max_exp_avg_sq, exp_avg_sq)
        second = where(hp["amsgrad"], max_sq, exp_avg_sq)
        new_state = AMSGradState(exp_avg, exp_avg_sq, max_sq)
    else:
        second = exp_avg_sq
        new_state = State(exp_avg, exp_avg_sq)
    denom = np.sqrt(second) / correction2_sqrt + hp["eps"]
    return -(hp["lr"] / correction1) * exp_avg / denom, new_state


def update(g, state, x, t, hp):
    return step(g, state, t, hp, bias_correction=hp["bias_correction"])


def derived(states, t, hp):
    """Bias-corrected moments over a recorded run: ``states`` hold ``(k, n, dim)`` arrays, ``t`` is
    ``(k, 1, 1)``."""
    beta1, beta2 = hp["beta1"], hp["beta2"]
    corrected = hp.get("bias_correction", True)
    c1 = where(corrected, 1.0 - power(beta1, t), 1.0)
    c2 = where(corrected, 1.0 - power(beta2, t), 1.0)
    out = {"exp_avg_hat": states["exp_avg"] / c1, "exp_avg_sq_hat": states["exp_avg_sq"] / c2}
    if "max_exp_avg_sq" in states:
        out["max_exp_avg_sq_hat"] = states["max_exp_avg_sq"] / c2
    return out


LABELS = {
    "exp_avg": "first moment m",
    "exp_avg_sq": "second moment v",
    "max_exp_avg_sq": "max of v",
    "exp_avg_hat": "bias-corrected m̂",
    "exp_avg_sq_hat": "bias-corrected v̂",
    "max_exp_avg_sq_hat": "bias-corrected max v̂",
}

HYPERS = (
    _hypers.lr(1e-3),
    _hypers.beta1(),
    _hypers.beta2(),
    _hypers.eps(1e-8),
    _hypers.flag("amsgrad", False, "Divide by the largest second moment seen so far (AMSGrad).", r"\max",
                 label="AMSGrad"),
)

SPEC = OptimizerSpec(
    key="adam",
    name="Adam",
    hypers=(
        *HYPERS,
        _hypers.flag(
            "bias_correction", True, "Divide the averages by 1 − βᵗ so they do not start near zero.",
            r"\hat{\ }",
        ),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    derived=derived,
    reference="Kingma & Ba (2015), Algorithm 1; torch.optim.Adam",
    summary="Momentum and RMS scaling together, as bias-corrected averages: steps of about η each.",
    state_labels=LABELS,
    equivalent=Equivalent("torch.optim.Adam", betas=True, cases=(
        GoldenCase("default", ADAPTIVE),
        GoldenCase("amsgrad", ADAPTIVE, {"amsgrad": True}, ("rosenbrock", "himmelblau", "double_well")),
        GoldenCase("betas_eps", ADAPTIVE, {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, ("bowl", "beale")),
    )),
    suggest_order=7,
)
