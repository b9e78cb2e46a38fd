from . import _hypers
from ._equivalent import HEAVY, Equivalent, GoldenCase
from ._spec import OptimizerSpec, StabilityLimit
from .momentum import NESTEROV_RULE, State, init, step

__doc__ = f"""Nesterov momentum in torch.optim.SGD's form (``nesterov=True``).

.. math::
{NESTEROV_RULE}
See ``optimizers.momentum`` for the conventions; the velocity is the same, only the step looks
ahead by one more :math:`\\mu b_t`.
"""

__all__ = ["SPEC", "State", "init", "update"]


def update(g, state, x, t, hp):
    return step(g, state, t, hp, nesterov=True)


SPEC = OptimizerSpec(
    key="nesterov",
    name="Nesterov momentum",
    hypers=(_hypers.lr(1e-3), _hypers.momentum(0.9), _hypers.dampening()),
    rule_latex=NESTEROV_RULE,
    init=init,
    update=update,
    reference="Nesterov (1983); Sutskever et al. (2013), torch.optim.SGD(nesterov=True)",
    summary="Momentum that corrects itself early: it steps along the velocity plus the fresh gradient.",
    state_labels={"velocity": "velocity b"},
    equivalent=Equivalent("torch.optim.SGD", ours={"momentum": 0.9}, fixed={"nesterov": True}, cases=(
        GoldenCase("default", HEAVY),
        GoldenCase("momentum_0.7", HEAVY, {"momentum": 0.7}, ("rosenbrock", "himmelblau", "beale")),
    )),
    stability=StabilityLimit("stable iff η < (2 + 2β)/((1 + 2β)L)",
                             lambda L, beta: (2 + 2 * beta) / ((1 + 2 * beta) * L), over="momentum"),
    suggest_order=2,
)
