import math
from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import HEAVY, PLAIN, Equivalent, GoldenCase
from ._spec import OptimizerSpec, StabilityLimit, where

RULE = r"""
\begin{aligned}
b_1 &= g_1, \qquad b_t = \mu\, b_{t-1} + (1-\tau)\, g_t \\
x_t &= x_{t-1} - \eta\, b_t
\end{aligned}
"""

NESTEROV_RULE = r"""
\begin{aligned}
b_1 &= g_1, \qquad b_t = \mu\, b_{t-1} + (1-\tau)\, g_t \\
x_t &= x_{t-1} - \eta\, (g_t + \mu\, b_t)
\end{aligned}
"""

__doc__ = f"""Heavy-ball momentum (Polyak, 1964), in torch.optim.SGD's form.

.. math::
{RULE}
Convention (torch's, not the paper's): the velocity ``b`` starts as the raw first gradient, so the
dampening :math:`\\tau` does not touch step 1, and with :math:`\\mu = 0` the rule is plain gradient
descent. The learning rate multiplies the velocity, so on a constant slope the step grows towards
:math:`\\eta g / (1-\\mu)`.

Nesterov's variant (``nesterov.py``) uses the same velocity and steps along
:math:`g_t + \\mu b_t`, a look-ahead written at the current point (Sutskever et al., 2013):

.. math::
{NESTEROV_RULE}
torch refuses a non-zero dampening with Nesterov; here the formula above simply applies.
"""


class State(NamedTuple):
    velocity: np.ndarray


def init(x, hp):
    return State(velocity=np.zeros_like(x))


def step(g, state, t, hp, nesterov):
    mu = hp["momentum"]
    if t == 1:
        velocity = g
    else:
        velocity = mu * state.velocity + (1.0 - hp["dampening"]) * g
    direction = g + mu * velocity if nesterov else velocity
    # torch skips the velocity altogether when the momentum is zero.
    direction = where(np.equal(mu, 0.0) if isinstance(mu, np.ndarray) else mu == 0.0, g, direction)
    return -hp["lr"] * direction, State(velocity=velocity)


def update(g, state, x, t, hp):
    return step(g, state, t, hp, nesterov=False)


def polyak_optimum(L, mu):
    r"""Polyak's heavy-ball setting, the fastest contraction on a quadratic with curvatures in
    :math:`[\mu, L]`: :math:`\eta^* = 4/(\sqrt L + \sqrt\mu)^2` and
    :math:`\beta^* = \bigl((\sqrt L - \sqrt\mu)/(\sqrt L + \sqrt\mu)\bigr)^2`."""
    r = (math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))
    return 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, r * r


SPEC = OptimizerSpec(
    key="momentum",
    name="Momentum",
    hypers=(_hypers.lr(1e-3), _hypers.momentum(0.9), _hypers.dampening()),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Polyak (1964), torch.optim.SGD",
    summary="A heavy ball: keeps a velocity that builds up on long slopes and damps zig-zags.",
    state_labels={"velocity": "velocity b"},
    equivalent=Equivalent("torch.optim.SGD", ours={"momentum": 0.9}, cases=(
        GoldenCase("default", HEAVY),
        GoldenCase("dampening", HEAVY, {"momentum": 0.8, "dampening": 0.3},
                   ("rosenbrock", "bowl", "double_well")),
        GoldenCase("zero_momentum", PLAIN, {"momentum": 0.0}, ("bowl", "himmelblau")),
    )),
    stability=StabilityLimit("stable iff η < (2 + 2β)/L", lambda L, beta: (2 + 2 * beta) / L, over="momentum",
                             optimum=polyak_optimum),
    suggest_order=1,
)
