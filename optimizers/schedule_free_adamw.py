from typing import NamedTuple

import numpy as np

from . import _hypers
from . import schedule_free_sgd as sf
from ._equivalent import ADAPTIVE_FAST, FOUR, Equivalent, GoldenCase
from ._spec import Hyper, OptimizerSpec, power
from .schedule_free_sgd import LABELS, TRAILS, average_weight, grad_point, interpolate, warmup_steps

RULE = r"""
\begin{aligned}
g_t &= \nabla f(y_{t-1}), \qquad z_0 = x_0 = y_0, \quad v_0 = 0 \\
\eta_t &= \eta \min\!\left(1, t / T_w\right), \qquad
  c_t = \frac{\max_{k \le t} \eta_k^2}{\sum_{k \le t} \max_{j \le k} \eta_j^2} \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
z_t &= z_{t-1} - \eta_t \lambda\, y_{t-1} - \eta_t\, \frac{g_t}{\sqrt{v_t / (1-\beta_2^t)} + \epsilon} \\
x_t &= (1 - c_t)\, x_{t-1} + c_t\, z_t \\
y_t &= \beta_1\, x_t + (1-\beta_1)\, z_t
\end{aligned}
"""

__doc__ = f"""Schedule-Free AdamW (Defazio et al., 2024): Schedule-Free SGD's three sequences with
Adam's per-coordinate scale on the :math:`z` steps.

.. math::
{RULE}
:math:`\\beta_1` takes the place of momentum (where the gradient is taken between :math:`x` and
:math:`z`); there is no first moment. Weight decay :math:`\\lambda` pulls :math:`z` towards the
origin in proportion to :math:`y` (the point the gradient was taken at). Matches
``AdamWScheduleFreeReference`` of the ``schedulefree`` package with ``r = 0``,
``weight_lr_power = 2`` and decay at :math:`y`. The path drawn is :math:`x`; the state keeps
:math:`z`, :math:`y`, :math:`v` and the weights' running sum.
"""


# Schedule-Free SGD's sequences and weights, then Adam's second moment.
State = NamedTuple("State", [*sf.State.__annotations__.items(), ("exp_avg_sq", np.ndarray)])


def init(x, hp):
    return State(*sf.init(x, hp), np.zeros_like(x))


def update(g, state, x, t, hp):
    lr, ckp1, lr_max, weight_sum = average_weight(state, t, hp)
    z = state.z - (lr * hp["weight_decay"]) * state.y
    exp_avg_sq = state.exp_avg_sq * hp["beta2"] + (1.0 - hp["beta2"]) * (g * g)
    denom = np.sqrt(exp_avg_sq / (1.0 - power(hp["beta2"], t))) + hp["eps"]
    z = z - lr * (g / denom)
    x_new, y = interpolate(x, z, ckp1, hp["beta1"])
    return x_new - x, State(z, y, weight_sum, lr_max, exp_avg_sq)


SPEC = OptimizerSpec(
    key="schedule_free_adamw",
    name="Schedule-Free AdamW",
    hypers=(
        _hypers.lr(2.5e-3),
        _hypers.decay("beta1", 0.9, "Where the gradient is taken between the average x (1) and z (0).",
                      r"\beta_1"),
        _hypers.beta2(),
        _hypers.eps(1e-8),
        warmup_steps(),
        Hyper("weight_decay", 0.0, "Pulls z towards the origin by η·λ·y each step.", r"\lambda", low=0.0,
              ui_low=0.0, ui_high=1.0),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    grad_point=grad_point,
    reference="Defazio et al. (2024); schedulefree.AdamWScheduleFreeReference",
    summary="Schedule-Free with Adam's scaling of the z steps: constant η, averaged path.",
    state_labels={**LABELS, "exp_avg_sq": "second moment v"},
    trails=TRAILS,
    equivalent=Equivalent("schedulefree.AdamWScheduleFreeReference", package="schedulefree", betas=True,
                          integers=("warmup_steps",), position="x", cases=(
        GoldenCase("default", ADAPTIVE_FAST, surfaces=FOUR),
        GoldenCase("weight_decay", ADAPTIVE_FAST, {"weight_decay": 0.1},
                   ("rosenbrock", "bowl", "beale", "double_well")),
        GoldenCase("betas_eps", ADAPTIVE_FAST, {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
                   ("bowl", "himmelblau", "double_well")),
        GoldenCase("warmup_decay", ADAPTIVE_FAST, {"beta1": 0.95, "warmup_steps": 25.0, "weight_decay": 0.05},
                   ("rosenbrock", "himmelblau", "beale")),
        GoldenCase("beta2_warmup", ADAPTIVE_FAST, {"beta2": 0.95, "warmup_steps": 10.0},
                   ("bowl", "himmelblau", "beale")),
    )),
    suggest_order=17,
)
