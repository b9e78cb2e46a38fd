from typing import NamedTuple

import numpy as np

from . import _hypers
from ._equivalent import ACCUMULATING, Equivalent, GoldenCase
from ._spec import OptimizerSpec

RULE = r"""
\begin{aligned}
s_t &= s_{t-1} + g_t^2, \qquad s_0 = 0 \\
x_t &= x_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon}
\end{aligned}
"""

__doc__ = f"""AdaGrad (Duchi, Hazan & Singer, 2011): each coordinate divides by the root of its summed
squared gradients.

.. math::
{RULE}
Matches ``torch.optim.Adagrad`` with no learning-rate decay and a zero initial accumulator. The sum
only grows, so the steps shrink for ever: good for rare features, slow on a long run.
"""


class State(NamedTuple):
    sum_sq: np.ndarray


def init(x, hp):
    return State(sum_sq=np.zeros_like(x))


def update(g, state, x, t, hp):
    sum_sq = state.sum_sq + g * g
    return -hp["lr"] * g / (np.sqrt(sum_sq) + hp["eps"]), State(sum_sq=sum_sq)


SPEC = OptimizerSpec(
    key="adagrad",
    name="AdaGrad",
    hypers=(_hypers.lr(1e-2), _hypers.eps(1e-10)),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Duchi, Hazan & Singer (2011), torch.optim.Adagrad",
    summary="Per-coordinate steps that shrink as squared gradients pile up.",
    state_labels={"sum_sq": "sum of g² (s)"},
    equivalent=Equivalent("torch.optim.Adagrad", cases=(
        GoldenCase("default", ACCUMULATING),
        GoldenCase("eps", ACCUMULATING, {"eps": 1e-3}, ("rosenbrock", "double_well")),
    )),
    suggest_order=4,
)
