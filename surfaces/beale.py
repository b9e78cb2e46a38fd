"""Beale's function: a flat plateau with steep walls and sharp corners, minimum 0 at (3, 0.5)."""

from ._base import Facts, SurfaceSpec, stack, symmetric


def _terms(x):
    p, q = x[..., 0], x[..., 1]
    return p, q, 1.5 - p + p * q, 2.25 - p + p * q * q, 2.625 - p + p * q * q * q


def value(x):
    _, _, t1, t2, t3 = _terms(x)
    return t1 * t1 + t2 * t2 + t3 * t3


def grad(x):
    p, q, t1, t2, t3 = _terms(x)
    gx = 2.0 * (t1 * (q - 1.0) + t2 * (q * q - 1.0) + t3 * (q * q * q - 1.0))
    gy = 2.0 * (t1 * p + t2 * 2.0 * p * q + t3 * 3.0 * p * q * q)
    return stack(x, gx, gy)


def hessian(x):
    # Each term t_i = c_i − p + p qⁱ has ∂t/∂p = qⁱ − 1, ∂t/∂q = i p qⁱ⁻¹, ∂²t/∂p∂q = i qⁱ⁻¹,
    # ∂²t/∂q² = i (i−1) p qⁱ⁻²; f = Σ t_i² gives 2 Σ (∇t ∇tᵀ + t ∇²t).
    p, q, t1, t2, t3 = _terms(x)
    q2 = q * q
    dp = (q - 1.0, q2 - 1.0, q2 * q - 1.0)
    dq = (p, 2.0 * p * q, 3.0 * p * q2)
    hpq = (1.0, 2.0 * q, 3.0 * q2)
    hqq = (0.0, 2.0 * p, 6.0 * p * q)
    ts = (t1, t2, t3)
    hxx = 2.0 * sum(d * d for d in dp)
    hxy = 2.0 * sum(a * b + t * c for a, b, t, c in zip(dp, dq, ts, hpq, strict=True))
    hyy = 2.0 * sum(b * b + t * c for b, t, c in zip(dq, ts, hqq, strict=True))
    return symmetric(x, hxx, hxy, hyy)

def facts():
    return Facts(
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=((3.0, 0.5),),
        minimum_values=(0.0,),
        default_start=(0.7, 1.4),
        latex=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
    )


SPEC = SurfaceSpec(
    key="beale",
    name="Beale",
    dim=2,
    params=(),
    value=value,
    grad=grad,
    hessian=hessian,
    facts=facts,
    summary="Plateaus and steep ridges: gradients span orders of magnitude.",
)
