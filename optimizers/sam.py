from typing import NamedTuple

import numpy as np

from . import _hypers, momentum
from ._equivalent import HEAVY, PLAIN, Equivalent, GoldenCase
from ._spec import Hyper, OptimizerSpec

RULE = r"""
\begin{aligned}
\tilde x_t &= x_{t-1} + \rho\, \frac{g_t}{\lVert g_t \rVert + 10^{-12}}, \qquad
  \tilde g_t = \nabla f(\tilde x_t) \\
b_1 &= \tilde g_1, \qquad b_t = \mu\, b_{t-1} + \tilde g_t \\
x_t &= x_{t-1} - \eta\, b_t
\end{aligned}
"""

__doc__ = f"""Sharpness-Aware Minimization (Foret et al., 2021), over SGD with momentum: climb a distance
:math:`\\rho` uphill, take the gradient there, and step from where you were.

.. math::
{RULE}
The step follows the gradient at the worst nearby point, so it minimises the highest loss within
:math:`\\rho` rather than the loss itself; narrow minima, where that neighbourhood rises steeply,
repel it. Two gradient evaluations per step (:math:`g_t` at :math:`x_{{t-1}}` and :math:`\\tilde g_t` at the
ascent point); with noise or mini-batches both see the same draw, as both passes of a training
step see the same batch. The form of davda54/sam (non-adaptive): the :math:`10^{{-12}}` keeps a zero
gradient from dividing by zero, and the base optimizer is ``torch.optim.SGD`` with momentum
:math:`\\mu` (its first buffer is the raw gradient; :math:`\\mu = 0` is plain SGD). The state keeps the
ascent point :math:`\\tilde x_t`.
"""


class State(NamedTuple):
    velocity: np.ndarray
    ascent: np.ndarray


def init(x, hp):
    return State(np.zeros_like(x), x.copy())


def update(g, state, x, t, hp, oracle):
    norm = np.sqrt(np.sum(g * g, axis=1, keepdims=True))
    scale = hp["rho"] / (norm + 1e-12)
    ascent = x + g * scale
    sharp = oracle.grad(ascent)
    delta, base = momentum.step(sharp, momentum.State(state.velocity), t, {**hp, "dampening": 0.0}, nesterov=False)
    return delta, State(base.velocity, ascent)


SPEC = OptimizerSpec(
    key="sam",
    name="SAM",
    hypers=(
        _hypers.lr(1e-3),
        Hyper("rho", 0.05, "Radius of the neighbourhood whose highest point the step descends from.", r"\rho",
              low=0.0, high=1.0, high_open=True, ui_low=0.0, ui_high=0.5),
        _hypers.momentum(0.9),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    uses_oracle=True,
    reference="Foret et al. (2021); davda54/sam over torch.optim.SGD",
    summary="Steps by the gradient at the worst point within ρ: prefers wide minima. Two gradients a step.",
    state_labels={"velocity": "velocity b", "ascent": "ascent point x̃"},
    # davda54/sam is not on PyPI: the golden tool loads its sam.py from a path it is given.
    equivalent=Equivalent("sam.SAM", origin="davda54/sam", base="torch.optim.SGD", ours={"momentum": 0.9}, cases=(
        GoldenCase("default", {**HEAVY, "double_well": 1e-3}, surfaces=("bowl", "beale", "double_well")),
        GoldenCase("rho_plain_sgd", PLAIN, {"rho": 0.02, "momentum": 0.0},
                   ("rosenbrock", "beale", "double_well", "himmelblau")),
        GoldenCase("momentum_0.5", HEAVY, {"rho": 0.01, "momentum": 0.5}, ("rosenbrock", "beale", "double_well")),
        GoldenCase("rho_momentum", HEAVY, {"rho": 0.1, "momentum": 0.8}, ("bowl", "beale", "double_well")),
    )),
    suggest_order=18,
)
