import math
from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import HALF, UNIT, Equivalent, GoldenCase
from ._spec import Hyper, OptimizerSpec, where

RULE = r"""
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, d_{t-1}\, g_t, \qquad
v_t = \beta_2 v_{t-1} + (1-\beta_2)\, d_{t-1}^2\, g_t^2 \\
r_t &= \beta_3 r_{t-1} + \frac{d_{t-1}^2\, \eta}{d_0}\, \langle g_t,\, x_0 - x_{t-1} \rangle, \qquad
s_t = \beta_3 s_{t-1} + \frac{d_{t-1}^2\, \eta}{d_0}\, g_t \\
\hat d_t &= \frac{r_t}{\lVert s_t \rVert_1}, \qquad
  d_t = \min\!\left(\max(d_0, \max_{k \le t} \hat d_k),\ \gamma\, d_{t-1}\right)
  \quad (\text{while } d_{t-1} = d_0:\ d_{t-1} \leftarrow \max(d_0, \hat d_t) \text{ first}) \\
x_t &= x_{t-1} - \eta\, d_{t-1}\, \frac{m_t}{\sqrt{v_t} + d_t\, \epsilon}
  \quad (\beta_1 > 0) \\
x_t &= x_{t-1} - \eta\, d_{t-1}\, d_t\, \frac{g_t}{\sqrt{v_t} + d_t\, \epsilon}
  \quad (\beta_1 = 0)
\end{aligned}
"""

__doc__ = f"""Prodigy (Mishchenko & Defazio, 2024): Adam whose learning rate :math:`\\eta d` learns
itself, :math:`d` being an estimate of the distance from the start to the solution that only grows.

.. math::
{RULE}
:math:`d` starts tiny (:math:`d_0`), so the first steps hardly move; the ratio :math:`\\hat d_t`, a
lower bound on the distance :math:`\\lVert x_0 - x_* \\rVert` built from how the gradients line up with
the distance travelled, then lifts :math:`d` to about the right scale, and the steps grow to what a
tuned learning rate would give. :math:`\\eta` stays at 1 and scales the estimate. Matches the
``prodigyopt`` package's ``Prodigy`` with its defaults (no bias correction, no weight decay, no
safeguarded warm-up, ``d_coef`` 1). :math:`\\beta_3` left at its default is :math:`\\sqrt{{\\beta_2}}`, as
the package's ``beta3=None``: it follows :math:`\\beta_2` when only that is changed. With
:math:`\\beta_1 = 0` the package keeps no first moment and scales the raw gradient by the new
estimate :math:`d_t` where :math:`m_t` would carry :math:`d_{{t-1}}`; so does this rule. The growth
limit :math:`\\gamma` defaults to 1e6 (the package's default is unlimited; from :math:`d_0` the estimate
never grows a millionfold in one step). Until some gradient is non-zero
(:math:`\\lVert s_t \\rVert_1 = 0`) nothing but the moments moves, as there. The state keeps
:math:`d`, its running maximum, the numerator :math:`r`, :math:`s` and the start :math:`x_0`; ``d``,
``d_max`` and ``d_numerator`` are one number per run (``(n, 1)``).
"""


class State(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    s: np.ndarray
    x0: np.ndarray
    d: np.ndarray
    d_max: np.ndarray
    d_numerator: np.ndarray


def init(x, hp):
    d0 = np.zeros((x.shape[0], 1)) + hp["d0"]
    return State(np.zeros_like(x), np.zeros_like(x), np.zeros_like(x), x.copy(), d0, d0.copy(),
                 np.zeros((x.shape[0], 1)))


#: β₃'s default, √β₂ at β₂'s default. Left at this value, β₃ follows β₂ (the package's ``beta3=None``).
BETA3 = math.sqrt(0.999)


def beta3_of(hp):
    """β₃ as set, or √β₂ where it was left at its default."""
    return where(np.equal(hp["beta3"], BETA3), np.sqrt(hp["beta2"]), hp["beta3"])


def update(g, state, x, t, hp):
    beta1, beta2, d0, lr = hp["beta1"], hp["beta2"], hp["d0"], hp["lr"]
    beta3 = beta3_of(hp)
    d, d_max = state.d, state.d_max
    dlr = d * lr
    d_numerator = state.d_numerator * beta3
    along = np.sum(g * (state.x0 - x), axis=1, keepdims=True)
    d_numerator_new = d_numerator + (d / d0) * dlr * along
    exp_avg = state.exp_avg * beta1 + (d * (1.0 - beta1)) * g
    exp_avg_sq = state.exp_avg_sq * beta2 + (d * d * (1.0 - beta2)) * (g * g)
    s = state.s * beta3 + ((d / d0) * dlr) * g
    d_denom = np.sum(np.abs(s), axis=1, keepdims=True)
    moving = d_denom != 0.0
    d_hat = d_numerator_new / np.where(moving, d_denom, 1.0)
    d_new = np.where(d == d0, np.maximum(d, d_hat), d)
    d_max_new = np.maximum(d_max, d_hat)
    d_new = np.minimum(d_max_new, d_new * hp["growth_rate"])
    denom = np.sqrt(exp_avg_sq) + d_new * hp["eps"]
    # With β₁ = 0 the package keeps no first moment and steps along g scaled by the new d.
    step = where(np.greater(beta1, 0.0), -dlr * (exp_avg / denom), (-dlr * d_new) * (g / denom))
    delta = np.where(moving, step, 0.0)
    return delta, State(
        exp_avg, exp_avg_sq, s, state.x0,
        np.where(moving, d_new, d), np.where(moving, d_max_new, d_max),
        where(moving, d_numerator_new, state.d_numerator),
    )


SPEC = OptimizerSpec(
    key="prodigy",
    name="Prodigy",
    hypers=(
        _hypers.lr(1.0, ui_low=1e-2, ui_high=10.0),
        _hypers.beta1(),
        _hypers.beta2(),
        Hyper("beta3", BETA3, "Decay of the running sums behind the distance estimate; left at its "
              "default it is √β₂ (√0.999 at β₂'s default).", r"\beta_3",
              low=0.0, high=1.0, high_open=True, ui_low=0.0, ui_high=0.9999),
        Hyper("d0", 1e-6, "Starting distance estimate: the first steps are about this long.", r"d_0",
              low=0.0, low_open=True, ui_low=1e-9, ui_high=1.0, log=True),
        Hyper("growth_rate", 1e6, "Largest factor by which the estimate d may grow in one step.", r"\gamma",
              low=1.0, ui_low=1.0, ui_high=1e6, log=True),
        _hypers.eps(1e-8),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Mishchenko & Defazio (2024); prodigyopt.Prodigy",
    summary="Adam that estimates its own learning rate: starts still, then moves as if tuned.",
    state_labels={"exp_avg": "first moment m", "exp_avg_sq": "second moment v", "s": "weighted gradient sum s",
                  "x0": "start x₀", "d": "distance estimate d", "d_max": "largest estimate d̂",
                  "d_numerator": "estimate's numerator r"},
    equivalent=Equivalent("prodigyopt.Prodigy", package="prodigyopt", betas=True, cases=(
        GoldenCase("default", UNIT, surfaces=("bowl", "himmelblau", "beale", "double_well")),
        GoldenCase("d0", UNIT, {"d0": 1e-3}, ("bowl", "himmelblau", "beale")),
        GoldenCase("beta3_eps", UNIT, {"beta3": 0.99, "eps": 1e-6}, ("bowl", "himmelblau", "double_well")),
        GoldenCase("growth_rate", UNIT, {"growth_rate": 1.02}, ("bowl", "beale", "double_well")),
        GoldenCase("beta3_d0_growth_lr", HALF, {"beta3": 0.99, "growth_rate": 1.02, "d0": 1e-4},
                   ("rosenbrock", "bowl", "himmelblau", "beale")),
        GoldenCase("betas", UNIT, {"beta1": 0.8, "beta2": 0.99, "beta3": 0.995}, ("bowl", "himmelblau", "beale")),
        GoldenCase("beta2", UNIT, {"beta2": 0.99}, ("bowl", "beale", "double_well")),
        # β₁ = 0: the package skips the first moment and steps along the raw gradient.
        GoldenCase("no_momentum", HALF, {"beta1": 0.0, "eps": 1e-5}, ("bowl", "himmelblau", "double_well")),
    )),
    # η scales a step the rule sizes itself: the default suits every surface.
    lr_per_surface=False,
    suggest_order=15,
)
