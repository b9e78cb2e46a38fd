from typing import NamedTuple

import numpy as np

from . import _hypers
from ._spec import OptimizerSpec

RULE = r"""
\begin{aligned}
G_t &= G_{t-1} + g_t\, g_t^{\top}, \qquad G_0 = 0 \\
x_t &= x_{t-1} - \eta\, \left(\epsilon I + G_t\right)^{-1/2} g_t
\end{aligned}
"""

__doc__ = f"""Full-matrix AdaGrad (Duchi, Hazan & Singer, 2011, the full-matrix form): the sum of the
outer products of the gradients, not just of their squares, and its inverse square root as the
preconditioner.

.. math::
{RULE}
Where diagonal AdaGrad keeps one number per coordinate, this keeps the whole matrix, so it sees
correlations between coordinates: rotate the surface, and the path rotates with it (Shampoo on a
single vector is this rule). :math:`\\epsilon` sits inside the inverse root here, added to every
eigenvalue, which keeps that rotation invariance (diagonal AdaGrad adds it after the root). The
inverse root is taken through the eigen-decomposition of :math:`G_t` (its eigenvalues clipped at 0
against rounding, then :math:`\\epsilon` added). The state ``G`` is
``(n, dim, dim)``. No reference package: the rule is checked against steps derived by hand.
"""


class State(NamedTuple):
    G: np.ndarray


def init(x, hp):
    return State(np.zeros((*x.shape, x.shape[1])))


def update(g, state, x, t, hp):
    gram = state.G + g[:, :, None] * g[:, None, :]
    ok = np.isfinite(gram).all(axis=(1, 2))
    # Decompose G itself, not εI + G: with |g|² ≫ ε the rounding of a large matrix could make
    # its small eigenvalues negative or swallow ε. G is positive semi-definite: clip, then add ε.
    w, q = np.linalg.eigh(np.where(ok[:, None, None], gram, 0.0))
    eps = hp["eps"]
    w = np.maximum(w, 0.0) + eps
    coords = np.einsum("nji,nj->ni", q, g) / np.sqrt(w)
    direction = np.einsum("nij,nj->ni", q, coords)
    direction[~ok] = np.nan
    return -hp["lr"] * direction, State(gram)


SPEC = OptimizerSpec(
    key="adagrad_full",
    name="Full-matrix AdaGrad",
    hypers=(_hypers.lr(0.1), _hypers.eps(1e-8)),
    rule_latex=RULE,
    init=init,
    update=update,
    reference="Duchi, Hazan & Singer (2011), full-matrix form",
    summary="AdaGrad with the whole matrix of gradient products: blind to how the surface is rotated.",
    state_labels={"G": "sum of g gᵀ (G)"},
    suggest_order=19,
)
