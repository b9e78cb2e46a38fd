from . import _hypers
from ._equivalent import ADAPTIVE, Equivalent, GoldenCase
from ._spec import OptimizerSpec
from .adam import ADAMW_RULE, HYPERS, LABELS, AMSGradState, State, derived, init, step

__doc__ = f"""AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient.

.. math::
{ADAMW_RULE}
Follows ``torch.optim.AdamW``: the decay multiplies the weights before the Adam step, so it is not
rescaled by the adaptive denominator as an L2 term in the gradient would be.
"""

__all__ = ["SPEC", "AMSGradState", "State", "init", "update"]


def update(g, state, x, t, hp):
    delta, state = step(g, state, t, hp)
    return delta - (hp["lr"] * hp["weight_decay"]) * x, state


SPEC = OptimizerSpec(
    key="adamw",
    name="AdamW",
    hypers=(
        *HYPERS,
        _hypers.Hyper(
            "weight_decay", 1e-2, "Shrinks the weights towards zero by η·λ each step, apart from the gradient.",
            r"\lambda", low=0.0, ui_low=0.0, ui_high=1.0,
        ),
    ),
    rule_latex=ADAMW_RULE,
    init=init,
    update=update,
    derived=derived,
    reference="Loshchilov & Hutter (2019); torch.optim.AdamW",
    summary="Adam plus a pull towards the origin that the adaptive scaling does not distort.",
    state_labels=LABELS,
    equivalent=Equivalent("torch.optim.AdamW", betas=True, cases=(
        GoldenCase("default", ADAPTIVE),
        GoldenCase("decay_amsgrad", ADAPTIVE, {"weight_decay": 0.5, "amsgrad": True}, ("rosenbrock", "bowl", "beale")),
        GoldenCase("no_decay_betas", ADAPTIVE, {"weight_decay": 0.0, "beta1": 0.85, "beta2": 0.995},
                   ("himmelblau", "double_well")),
    )),
    suggest_order=8,
)
