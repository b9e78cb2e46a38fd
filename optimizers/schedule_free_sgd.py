from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import FOUR, PLAIN, Equivalent, GoldenCase
from ._spec import Hyper, OptimizerSpec, where

RULE = r"""
\begin{aligned}
g_t &= \nabla f(y_{t-1}), \qquad z_0 = x_0 = y_0 \\
\eta_t &= \eta \min\!\left(1, t / T_w\right), \qquad
  c_t = \frac{\max_{k \le t} \eta_k^2}{\sum_{k \le t} \max_{j \le k} \eta_j^2} \\
z_t &= z_{t-1} - \eta_t\, g_t \\
x_t &= (1 - c_t)\, x_{t-1} + c_t\, z_t \\
y_t &= \beta\, x_t + (1-\beta)\, z_t
\end{aligned}
"""

__doc__ = f"""Schedule-Free SGD (Defazio et al., 2024, "The Road Less Scheduled"): gradient steps on a
sequence :math:`z`, their running average :math:`x`, and the gradient taken at an interpolation
:math:`y` of the two.

.. math::
{RULE}
:math:`x` is the point to use and the one drawn as the path; :math:`z` is plain SGD and keeps
oscillating with a constant :math:`\\eta`, while the weighted average :math:`x` settles without any
decaying schedule. The gradient is taken at :math:`y` (between :math:`x` and :math:`z`), which plays
the role of momentum :math:`\\beta`. Matches ``SGDScheduleFreeReference`` of the ``schedulefree``
package (facebookresearch/schedule_free) with no weight decay, ``r = 0`` and
``weight_lr_power = 2``: the average's weights are the squared largest learning rate so far, so the
warm-up steps (linear over :math:`T_w` = ``warmup_steps``) count less. With a constant
:math:`\\eta` and no warm-up :math:`c_t = 1/t`. The state keeps :math:`z`, :math:`y` and the weights'
running sum.
"""


class State(NamedTuple):
    z: np.ndarray
    y: np.ndarray
    weight_sum: np.ndarray
    lr_max: np.ndarray


def init(x, hp):
    column = np.zeros((x.shape[0], 1))
    return State(x.copy(), x.copy(), column, column - 1.0)


def grad_point(state, x, hp):
    return state.y


def average_weight(state, t, hp):
    """The step's scheduled learning rate, the weight ``c_t`` of the new ``z`` in the average, and
    the running maximum and sum of the weights (the reference's ``lr_max``, ``weight_sum``)."""
    warmup = hp["warmup_steps"]
    k = t - 1
    with np.errstate(all="ignore"):
        sched = where(np.less(k, warmup), t / np.where(np.equal(warmup, 0.0), 1.0, warmup), 1.0)
    lr = hp["lr"] * sched
    lr_max = np.maximum(lr, state.lr_max)
    weight = lr_max * lr_max
    weight_sum = state.weight_sum + weight
    with np.errstate(all="ignore"):
        ckp1 = np.where(weight_sum > 0, weight / weight_sum, 0.0)
    return lr, ckp1, lr_max, weight_sum


def interpolate(x, z, ckp1, beta):
    """``x_t = (1 − c) x + c z`` and ``y_t = β x_t + (1 − β) z``."""
    x_new = x * (1.0 - ckp1) + ckp1 * z
    return x_new, x_new * beta + (1.0 - beta) * z


def update(g, state, x, t, hp):
    lr, ckp1, lr_max, weight_sum = average_weight(state, t, hp)
    z = state.z - lr * g
    x_new, y = interpolate(x, z, ckp1, hp["beta"])
    return x_new - x, State(z, y, weight_sum, lr_max)


def warmup_steps() -> Hyper:
    return Hyper("warmup_steps", 0.0, "Steps over which the learning rate rises linearly from η/T to η.",
                 r"T_w", low=0.0, ui_low=0.0, ui_high=500.0)


#: The sequences drawn beside the path x: the SGD steps z and the points y the gradients are taken at.
TRAILS = ("z", "y")
LABELS = {"z": "SGD sequence z", "y": "gradient point y", "weight_sum": "sum of averaging weights",
          "lr_max": "largest η so far"}

SPEC = OptimizerSpec(
    key="schedule_free_sgd",
    name="Schedule-Free SGD",
    hypers=(
        _hypers.lr(1e-2),
        _hypers.decay("beta", 0.9, "Where the gradient is taken between the average x (1) and the SGD "
                      "sequence z (0).", r"\beta"),
        warmup_steps(),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    grad_point=grad_point,
    reference="Defazio et al. (2024); schedulefree.SGDScheduleFreeReference",
    summary="SGD on z, the path is z's running average x, gradients taken in between: no schedule needed.",
    state_labels=LABELS,
    trails=TRAILS,
    equivalent=Equivalent("schedulefree.SGDScheduleFreeReference", package="schedulefree", renames={"beta": "momentum"},
                          integers=("warmup_steps",), position="x", cases=(
        GoldenCase("default", PLAIN, surfaces=FOUR),
        GoldenCase("beta_warmup", PLAIN, {"beta": 0.7, "warmup_steps": 20.0}, ("bowl", "beale", "double_well")),
        GoldenCase("warmup", PLAIN, {"warmup_steps": 50.0}, ("rosenbrock", "bowl", "himmelblau")),
        GoldenCase("beta", PLAIN, {"beta": 0.5}, ("rosenbrock", "himmelblau", "double_well")),
    )),
    suggest_order=16,
)
