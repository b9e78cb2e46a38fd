from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import RMS, RMS_SLOW, Equivalent, GoldenCase
from ._spec import OptimizerSpec, lerp, where

RULE = r"""
\begin{aligned}
v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2, \qquad \bar g_t = \rho\, \bar g_{t-1} + (1-\rho)\, g_t \\
d_t &= \sqrt{v_t} + \epsilon \quad\text{or, centered,}\quad d_t = \sqrt{v_t - \bar g_t^{\,2}} + \epsilon \\
\hat g_t &= g_t / d_t \\
b_t &= \mu\, b_{t-1} + \hat g_t, \qquad b_0 = 0 \\
x_t &= x_{t-1} - \eta\, \hat g_t \;(\mu = 0), \quad x_{t-1} - \eta\, b_t, \quad
\text{or with Nesterov } x_{t-1} - \eta\,(\hat g_t + \mu\, b_t)
\end{aligned}
"""

__doc__ = f"""RMSprop (Hinton's lecture 6e, 2012): divide each coordinate by the root of a leaky average of
its squared gradients.

.. math::
{RULE}
Follows ``torch.optim.RMSprop``: :math:`\\rho` is torch's ``alpha``, :math:`\\epsilon` is added
outside the root, there is no bias correction (so the average starts near zero and the first steps
are large), and the momentum buffer accumulates the already-scaled gradient. With
``nesterov=True`` the step looks ahead along :math:`\\hat g_t + \\mu b_t`, Nesterov momentum applied
to the RMS-scaled gradient (torch has no such flag).
"""


class State(NamedTuple):
    square_avg: np.ndarray
    grad_avg: np.ndarray
    velocity: np.ndarray


def init(x, hp):
    return State(square_avg=np.zeros_like(x), grad_avg=np.zeros_like(x), velocity=np.zeros_like(x))


def update(g, state, x, t, hp):
    rho, mu, centered = hp["rho"], hp["momentum"], hp["centered"]
    square_avg = rho * state.square_avg + (1.0 - rho) * (g * g)
    if centered is False:
        grad_avg = state.grad_avg
        denom = np.sqrt(square_avg) + hp["eps"]
    else:
        grad_avg = lerp(state.grad_avg, g, 1.0 - rho)
        denom = np.sqrt(where(centered, square_avg - grad_avg * grad_avg, square_avg)) + hp["eps"]
        # An uncentered row of a batch keeps its unused average at zero, as it does when run alone.
        grad_avg = where(centered, grad_avg, state.grad_avg)
    scaled = g / denom
    if isinstance(mu, float) and mu == 0.0:
        return -hp["lr"] * scaled, State(square_avg, grad_avg, state.velocity)
    velocity = mu * state.velocity + scaled
    direction = where(hp["nesterov"], scaled + mu * velocity, velocity)
    direction = where(np.equal(mu, 0.0), scaled, direction)
    # Likewise a row without momentum keeps no buffer, as when run alone.
    velocity = where(np.equal(mu, 0.0), state.velocity, velocity)
    return -hp["lr"] * direction, State(square_avg, grad_avg, velocity)


SPEC = OptimizerSpec(
    key="rmsprop",
    name="RMSprop",
    hypers=(
        _hypers.lr(1e-2),
        _hypers.decay("rho", 0.99, "Decay of the moving average of squared gradients (torch's alpha).", r"\rho"),
        _hypers.eps(1e-8),
        _hypers.momentum(0.0),
        _hypers.flag("centered", False, "Divide by the gradient's estimated spread instead of its RMS.", "c"),
        _hypers.flag("nesterov", False, "Look ahead with Nesterov momentum on the scaled gradient.", "N",
                     label="Nesterov"),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Tieleman & Hinton (2012), lecture 6e; torch.optim.RMSprop",
    summary="Evens out the axes: each coordinate's step is its gradient over that gradient's RMS.",
    state_labels={"square_avg": "average of g² (v)", "grad_avg": "average of g (ḡ)", "velocity": "velocity b"},
    equivalent=Equivalent("torch.optim.RMSprop", renames={"rho": "alpha"}, cases=(
        GoldenCase("default", RMS),
        GoldenCase("rho_eps", RMS_SLOW, {"rho": 0.95, "eps": 1e-4}),
        GoldenCase("momentum", RMS, {"momentum": 0.5}, ("rosenbrock", "bowl", "beale", "double_well")),
        GoldenCase("centered", RMS, {"centered": True}, ("rosenbrock", "bowl", "himmelblau")),
        GoldenCase("centered_momentum", RMS, {"centered": True, "momentum": 0.5},
                   ("rosenbrock", "himmelblau", "double_well")),
    )),
    suggest_order=5,
)
