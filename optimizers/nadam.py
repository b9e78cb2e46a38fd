from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import ADAPTIVE, Equivalent, GoldenCase
from ._spec import OptimizerSpec, lerp, power
from .adam import LABELS

RULE = r"""
\begin{aligned}
\mu_t &= \beta_1\bigl(1 - \tfrac12\, 0.96^{\,t\psi}\bigr), \qquad
\Pi_t = \textstyle\prod_{i\le t} \mu_i \\
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
d_t &= \sqrt{v_t / (1-\beta_2^t)} + \epsilon \\
x_t &= x_{t-1} - \eta\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{g_t}{d_t}
  - \eta\,\frac{\mu_{t+1}}{1-\Pi_t\,\mu_{t+1}}\,\frac{m_t}{d_t}
\end{aligned}
"""

__doc__ = f"""NAdam (Dozat, 2016): Adam with Nesterov's look-ahead on the first moment.

.. math::
{RULE}
Follows ``torch.optim.NAdam``, including its momentum warm-up schedule :math:`\\mu_t` with
``momentum_decay`` :math:`\\psi` and the running product :math:`\\Pi_t` in place of :math:`\\beta_1^t`.
"""


class State(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    mu_product: np.ndarray


def init(x, hp):
    return State(np.zeros_like(x), np.zeros_like(x), np.ones_like(x))


def _mu(beta1, t, psi):
    return beta1 * (1.0 - 0.5 * power(0.96, t * psi))


def update(g, state, x, t, hp):
    beta1, beta2, psi = hp["beta1"], hp["beta2"], hp["momentum_decay"]
    mu, mu_next = _mu(beta1, t, psi), _mu(beta1, t + 1, psi)
    mu_product = state.mu_product * mu
    exp_avg = lerp(state.exp_avg, g, 1.0 - beta1)
    exp_avg_sq = beta2 * state.exp_avg_sq + (1.0 - beta2) * (g * g)
    denom = np.sqrt(exp_avg_sq / (1.0 - power(beta2, t))) + hp["eps"]
    lr = hp["lr"]
    from_gradient = -(lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
    from_momentum = -(lr * mu_next / (1.0 - mu_product * mu_next)) * exp_avg / denom
    # The two parts are added to x one after the other, as torch does: on a sensitive path the
    # rounding of x + part₁ matters (summing the parts first drifted by 1.6e-8 on Rosenbrock).
    # For a step small next to x, (x + part₁ + part₂) − x is exact, so x + delta lands on that point.
    delta = (x + from_gradient + from_momentum) - x
    return delta, State(exp_avg, exp_avg_sq, mu_product)


SPEC = OptimizerSpec(
    key="nadam",
    name="NAdam",
    hypers=(
        _hypers.lr(2e-3),
        _hypers.beta1(),
        _hypers.beta2(),
        _hypers.eps(1e-8),
        _hypers.Hyper(
            "momentum_decay", 4e-3, "How fast the momentum warms up towards β₁ (ψ).", r"\psi",
            low=0.0, ui_low=1e-4, ui_high=1.0, log=True,
        ),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Dozat (2016); torch.optim.NAdam",
    summary="Adam that applies its momentum one step ahead, as Nesterov does.",
    state_labels={"exp_avg": LABELS["exp_avg"], "exp_avg_sq": LABELS["exp_avg_sq"], "mu_product": "momentum product Π"},
    equivalent=Equivalent("torch.optim.NAdam", betas=True, cases=(
        GoldenCase("default", ADAPTIVE),
        GoldenCase("momentum_decay", ADAPTIVE, {"momentum_decay": 0.05}, ("rosenbrock", "bowl", "himmelblau")),
        GoldenCase("betas_eps", ADAPTIVE, {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, ("beale", "double_well")),
        # Pinned by a reported drift: it guards the order of operations (the two step parts are added
        # to x one after the other), so small rounding differences grow along it by design.
        GoldenCase("reported_drift", {"rosenbrock": 0.02},
                   {"beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "momentum_decay": 0.01}, start=(-1.5, 2.0),
                   sensitive=True),
    )),
    suggest_order=9,
)
