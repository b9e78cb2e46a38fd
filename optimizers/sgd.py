from typing import NamedTuple

from . import _hypers
from ._equivalent import PLAIN, PLAIN_HALF, Equivalent, GoldenCase
from ._spec import OptimizerSpec, StabilityLimit

RULE = r"""
\begin{aligned}
x_t &= x_{t-1} - \eta\, g_t
\end{aligned}
"""

__doc__ = f"""Plain gradient descent: step against the gradient, scaled by the learning rate.

.. math::
{RULE}
Same as ``torch.optim.SGD`` with no momentum.
"""


class State(NamedTuple):
    pass


def init(x, hp):
    return State()


def update(g, state, x, t, hp):
    return -hp["lr"] * g, state


SPEC = OptimizerSpec(
    key="sgd",
    name="Gradient descent",
    hypers=(_hypers.lr(1e-3),),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Cauchy (1847); Robbins & Monro (1951)",
    summary="Steps straight downhill; the step is the learning rate times the slope.",
    equivalent=Equivalent("torch.optim.SGD", cases=(
        GoldenCase("default", PLAIN),
        GoldenCase("lr_half", PLAIN_HALF),
    )),
    stability=StabilityLimit("stable iff η < 2/L", lambda L, beta: 2 / L + 0 * beta),
    suggest_order=0,
)
