"""The online problem of Reddi, Kale & Kumar (2018, Theorem 1), on which Adam does not converge.

On the feasible interval :math:`[-1, 1]` the loss changes with the step :math:`t = 1, 2, \\dots`:

.. math::
    f_t(x) = \\begin{cases} C\\,x & t \\bmod 3 = 1 \\\\ -x & \\text{otherwise} \\end{cases}, \\qquad C > 2 .

Over each cycle of three steps the losses add up to :math:`(C - 2)\\,x`, so the best fixed point is
:math:`x = -1`. Every step is projected back onto :math:`[-1, 1]`. Without a step, ``value`` and
``grad`` give the loss averaged over a cycle, :math:`\\tfrac{C-2}{3}\\,x`.

With :math:`\\beta_1 = 0` and :math:`\\beta_2 = 1/(1 + C^2)`, Adam's squared-gradient average
forgets the rare large gradient :math:`C` quickly: the step it takes on that gradient is only a
little larger than each of the two steps on :math:`-1`, so it drifts to :math:`+1`, the worst
point. AMSGrad divides by the largest average seen so far and goes to :math:`-1`.
"""

import numpy as np

from ._base import Facts, Param, SurfaceSpec


def value(x, C):
    return (C - 2.0) / 3.0 * x[..., 0]


def grad(x, C):
    return np.full(x.shape, (C - 2.0) / 3.0)


def hessian(x, C):
    return np.zeros((*x.shape, 1))  # every f_t is linear


def step_value(x, t, C):
    return (C if t % 3 == 1 else -1.0) * x[..., 0]


def step_grad(x, t, C):
    return np.full(x.shape, C if t % 3 == 1 else -1.0)


def facts(C):
    return Facts(
        bounds=((-1.0, 1.0),),
        minima=((-1.0,),),
        minimum_values=(-(C - 2.0) / 3.0,),
        default_start=(0.0,),
        latex=r"f_t(x) = \begin{cases} C\,x & t \bmod 3 = 1 \\ -x & \text{otherwise} \end{cases},"
        r"\quad x \in [-1, 1]",
        feasible=((-1.0, 1.0),),
    )


SPEC = SurfaceSpec(
    key="reddi",
    name="Reddi's online problem (1-D)",
    dim=1,
    params=(
        Param("C", 3.0, "The rare large gradient, every third step; C > 2 makes x = −1 the best point.", "C",
              low=2.01, high=1e3, ui_low=2.5, ui_high=10.0),
    ),
    value=value,
    grad=grad,
    facts=facts,
    hessian=hessian,
    summary="A loss that changes every step, C·x once, then −x twice: Adam ends at the worst point.",
    step_value=step_value,
    step_grad=step_grad,
)
