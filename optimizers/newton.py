from typing import NamedTuple

import numpy as np

from . import _hypers
from ._spec import Hyper, OptimizerSpec

RULE = r"""
\begin{aligned}
H_t &= \nabla^2 f(x_{t-1}) \\
x_t &= x_{t-1} - \eta\,\left(H_t + \lambda I\right)^{-1} g_t
\end{aligned}
"""

__doc__ = f"""Newton's method, damped (Levenberg's regularisation): the step that would land on the
minimum of the local quadratic model, scaled by :math:`\\eta`.

.. math::
{RULE}
:math:`H_t` is the surface's analytic Hessian (``surface.hessian``). On a quadratic bowl with
:math:`\\eta = 1, \\lambda = 0` the first step lands on the minimum, whatever the bowl's
conditioning or rotation. The model's minimum is only a minimum where :math:`H_t + \\lambda I` is
positive definite: where it has a negative eigenvalue the step runs towards the stationary point
of the model (uphill along that direction, towards a saddle or a maximum). The state records the
eigenvalues of :math:`H_t` and ``descent``, the cosine between the step and :math:`-g_t`; a negative
cosine marks a step that goes uphill. Along a direction of exactly zero curvature there is no
Newton step; the rule then takes none along it (the pseudo-inverse), so on the 1-D slope without
damping it stands still. Solved through the eigen-decomposition of the symmetric matrix, so the
same rounding holds in a batch and alone. No reference package: the rule
is checked against steps derived by hand.
"""


class State(NamedTuple):
    eigenvalues: np.ndarray
    descent: np.ndarray


def init(x, hp):
    return State(np.zeros_like(x), np.zeros((x.shape[0], 1)))


def solve_symmetric(m, g):
    """``m⁺ @ g`` for symmetric ``m`` (``(n, d, d)``) through its eigen-decomposition, and the
    eigenvalues. Rows with a non-finite matrix give NaN (LAPACK refuses them)."""
    ok = np.isfinite(m).all(axis=(1, 2)) & np.isfinite(g).all(axis=1)
    safe = np.where(ok[:, None, None], m, 0.0)
    w, q = np.linalg.eigh(safe)
    coords = np.einsum("nji,nj->ni", q, g)
    flat = w == 0.0  # no curvature: no step along that direction (the pseudo-inverse)
    scaled = np.where(flat, 0.0, coords / np.where(flat, 1.0, w))
    out = np.einsum("nij,nj->ni", q, scaled)
    out[~ok] = np.nan
    w[~ok] = np.nan
    return out, w


def update(g, state, x, t, hp, oracle):
    h = oracle.hessian(x)
    damping = hp["damping"]
    if isinstance(damping, np.ndarray):
        damping = damping[..., None]
    direction, _ = solve_symmetric(h + damping * np.eye(x.shape[1]), g)
    ok = np.isfinite(h).all(axis=(1, 2))
    eigenvalues = np.linalg.eigvalsh(np.where(ok[:, None, None], h, 0.0))
    eigenvalues[~ok] = np.nan
    delta = -hp["lr"] * direction
    norms = np.linalg.norm(delta, axis=1) * np.linalg.norm(g, axis=1)
    moving = norms > 0
    cosine = np.where(moving, -np.sum(delta * g, axis=1) / np.where(moving, norms, 1.0), 0.0)
    return delta, State(eigenvalues, cosine[:, None])


SPEC = OptimizerSpec(
    key="newton",
    name="Newton",
    hypers=(
        _hypers.lr(1.0, ui_low=1e-3, ui_high=2.0),
        Hyper("damping", 0.0, "Added to the Hessian's diagonal (λI): shorter steps, and a positive definite "
              "matrix once λ exceeds the most negative curvature.", r"\lambda", low=0.0, ui_low=0.0,
              ui_high=100.0),
    ),
    rule_latex=RULE,
    init=init,
    update=update,
    uses_oracle=True,
    reference="Newton–Raphson on the gradient; damping after Levenberg (1944)",
    summary="Second order: divides the gradient by the curvature. One step on a quadratic, lost on a saddle.",
    state_labels={"eigenvalues": "eigenvalues of H", "descent": "cos(step, −g); below 0: uphill"},
    curvature="eigenvalues",
    # η scales a step the rule sizes itself: the default suits every surface.
    lr_per_surface=False,
    suggest_order=20,
)
