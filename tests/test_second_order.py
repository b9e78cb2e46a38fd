"""Newton and full-matrix AdaGrad with non-default damping and ε on the five golden surfaces,
against an independent computation: the surfaces written out again as polynomials in (p, q), whose
gradients and Hessians come from differentiating monomials; Newton's step from ``numpy.linalg.solve``
on that Hessian, full-matrix AdaGrad's inverse root in closed form (neither rule has a reference
package to record golden paths from).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
import surfaces
from tests.test_new_optimizers import _inv_sqrt2


class _Poly:
    """A polynomial in (p, q) as {(i, j): coefficient of pⁱ qʲ}: the golden surfaces written out
    again, so their gradients and Hessians come from differentiating monomials, not from the
    surfaces' own code."""

    def __init__(self, terms):
        self.terms = {k: v for k, v in terms.items() if v != 0.0}

    @classmethod
    def of(cls, value):
        return value if isinstance(value, _Poly) else cls({(0, 0): float(value)})

    def __add__(self, other):
        out = dict(self.terms)
        for k, v in _Poly.of(other).terms.items():
            out[k] = out.get(k, 0.0) + v
        return _Poly(out)

    __radd__ = __add__

    def __sub__(self, other):
        return self + _Poly.of(other) * -1.0

    def __rsub__(self, other):
        return _Poly.of(other) - self

    def __mul__(self, other):
        out = {}
        for (i, j), a in self.terms.items():
            for (k, m), b in _Poly.of(other).terms.items():
                out[(i + k, j + m)] = out.get((i + k, j + m), 0.0) + a * b
        return _Poly(out)

    __rmul__ = __mul__

    def __pow__(self, n):
        out = _Poly({(0, 0): 1.0})
        for _ in range(n):
            out = out * self
        return out

    def diff(self, axis):
        out = {}
        for (i, j), a in self.terms.items():
            power = (i, j)[axis]
            if power:
                key = (i - 1, j) if axis == 0 else (i, j - 1)
                out[key] = out.get(key, 0.0) + power * a
        return _Poly(out)

    def __call__(self, x):
        return sum(a * x[0] ** i * x[1] ** j for (i, j), a in self.terms.items())


_P, _Q = _Poly({(1, 0): 1.0}), _Poly({(0, 1): 1.0})


def _golden_polynomials():
    """The five golden surfaces with the golden tools' parameters, as polynomials."""
    c, s = math.cos(math.radians(30.0)), math.sin(math.radians(30.0))
    u, v = c * _P + s * _Q, c * _Q - s * _P
    beale = sum((k - _P + _P * _Q ** i) * (k - _P + _P * _Q ** i) for i, k in ((1, 1.5), (2, 2.25), (3, 2.625)))
    well = _P * _P - 1.0
    return {
        "rosenbrock": (1.0 - _P) * (1.0 - _P) + 100.0 * (_Q - _P * _P) * (_Q - _P * _P),
        "bowl": 0.5 * (1.0 * u * u + 10.0 * v * v),
        "himmelblau": (_P * _P + _Q - 11.0) * (_P * _P + _Q - 11.0) + (_P + _Q * _Q - 7.0) * (_P + _Q * _Q - 7.0),
        "beale": beale,
        "double_well": well * well + 0.5 * _P + 0.5 * 1.0 * _Q * _Q,
    }


def _derivatives(f):
    grad = (f.diff(0), f.diff(1))
    hess = [[grad[0].diff(0), grad[0].diff(1)], [grad[1].diff(0), grad[1].diff(1)]]
    return (lambda x: np.array([g(x) for g in grad]),
            lambda x: np.array([[h(x) for h in row] for row in hess]))


def test_the_polynomials_are_the_surfaces():
    polys = _golden_polynomials()
    for key, params in [("rosenbrock", {"a": 1.0, "b": 100.0}), ("bowl", {"a": 1.0, "b": 10.0, "angle": 30.0}),
                        ("himmelblau", {}), ("beale", {}), ("double_well", {"c": 0.5, "k": 1.0})]:
        s = surfaces.get(key, **params)
        for x in np.random.default_rng(3).uniform(-2.0, 2.0, size=(5, 2)):
            assert polys[key](x) == pytest.approx(float(s.value(x)), rel=1e-12, abs=1e-12), key


# Non-default settings of Newton and full-matrix AdaGrad on every golden surface: (lr, damping or eps, steps).
NEWTON_CASES = {"rosenbrock": (0.7, 3.0, 30), "bowl": (0.5, 0.5, 30), "himmelblau": (0.8, 50.0, 30),
                "beale": (0.6, 2.0, 30), "double_well": (0.9, 10.0, 30)}
ADAGRAD_CASES = {"rosenbrock": (0.05, 1e-2, 100), "bowl": (0.3, 1e-3, 100), "himmelblau": (0.2, 0.5, 100),
                 "beale": (0.1, 1e-1, 100), "double_well": (0.2, 0.3, 100)}
GOLDEN_PARAMS = {"rosenbrock": {"a": 1.0, "b": 100.0}, "bowl": {"a": 1.0, "b": 10.0, "angle": 30.0},
                 "himmelblau": {}, "beale": {}, "double_well": {"c": 0.5, "k": 1.0}}


@pytest.mark.parametrize("surface", list(NEWTON_CASES))
def test_damped_newton_against_a_linear_solve_on_the_polynomials_hessian(surface):
    lr, damping, steps = NEWTON_CASES[surface]
    s = surfaces.get(surface, **GOLDEN_PARAMS[surface])
    tr = optimizers.run(optimizers.make("newton", lr=lr, damping=damping), s, steps=steps)
    grad, hess = _derivatives(_golden_polynomials()[surface])
    x = np.array(s.default_start, dtype=float)
    want, eigenvalues = [x], []
    for _ in range(steps):
        h = hess(x)
        eigenvalues.append(np.linalg.eigvalsh(h))
        x = x - lr * np.linalg.solve(h + damping * np.eye(2), grad(x))
        want.append(x)
    assert tr.diverged_at is None
    np.testing.assert_allclose(tr.path, want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tr.state["eigenvalues"], eigenvalues, rtol=1e-9, atol=1e-9)
    assert np.abs(np.diff(tr.path, axis=0)).sum() > 0.1  # it moved


@pytest.mark.parametrize("surface", list(ADAGRAD_CASES))
def test_full_matrix_adagrad_against_a_closed_form_inverse_root(surface):
    lr, eps, steps = ADAGRAD_CASES[surface]
    s = surfaces.get(surface, **GOLDEN_PARAMS[surface])
    tr = optimizers.run(optimizers.make("adagrad_full", lr=lr, eps=eps), s, steps=steps)
    grad, _ = _derivatives(_golden_polynomials()[surface])
    x = np.array(s.default_start, dtype=float)
    gram, want = np.zeros((2, 2)), [x]
    for _ in range(steps):
        g = grad(x)
        gram = gram + np.outer(g, g)
        x = x - lr * _inv_sqrt2(gram + eps * np.eye(2)) @ g
        want.append(x)
    assert tr.diverged_at is None
    np.testing.assert_allclose(tr.path, want, rtol=1e-9, atol=1e-12)
    assert np.abs(np.diff(tr.path, axis=0)).sum() > 0.1
