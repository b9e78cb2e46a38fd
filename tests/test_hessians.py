"""Second derivatives: every surface's Hessian against central differences of its own analytic
gradient (an independent computation: it never calls the Hessian code), formula surfaces'
symbolic second derivatives the same way, and the closed forms at known points."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import surfaces

KEYS = surfaces.names()
#: Surfaces whose Hessian is written out by hand (the rest fall back to differences of the gradient).
ANALYTIC = ["bowl", "slope", "rosenbrock", "beale", "himmelblau", "saddle", "double_well", "rastrigin", "sharp_flat",
            "linear_regression", "logistic_regression", "reddi"]


def _differences(s, x, h=1e-6):
    """∂g/∂x_j by central differences of the analytic gradient, column j."""
    cols = []
    for j in range(s.dim):
        e = np.zeros(s.dim)
        e[j] = h
        cols.append((s.grad(x + e) - s.grad(x - e)) / (2 * h))
    return np.stack(cols, axis=-1)


def _points(s, n=200, seed=0):
    x = np.random.default_rng(seed).uniform(s.bounds[:, 0], s.bounds[:, 1], size=(n, s.dim))
    if not s.smooth:  # keep off the kinks, where the gradient jumps
        x = x[np.abs(x).min(axis=1) > 1e-3]
    return x


@pytest.mark.parametrize("key", ANALYTIC)
def test_listed_surfaces_have_an_analytic_hessian(key):
    assert surfaces.get(key).analytic_hessian


PARAMS = {"bowl": [{}, {"a": 3.0, "b": 40.0, "angle": 37.0}], "saddle": [{}, {"a": 2.0, "b": 0.5, "c": 3.0}],
          "rosenbrock": [{}, {"a": -1.5, "b": 10.0}], "sharp_flat": [{}, {"sharp": 80.0, "flat": 0.3}],
          "linear_regression": [{}, {"feature_scale": 7.0, "n": 9.0}],
          "logistic_regression": [{}, {"l2": 0.0, "n": 9.0}]}


@pytest.mark.parametrize("key", KEYS)
def test_hessian_matches_differences_of_the_gradient(key):
    for params in PARAMS.get(key, [{}]):
        s = surfaces.get(key, **params)
        x = _points(s)
        got = s.hessian(x)
        assert got.shape == (len(x), s.dim, s.dim)
        want = _differences(s, x)
        scale = np.maximum(1.0, np.abs(want).max(axis=(1, 2)))[:, None, None]
        assert (np.abs(got - want) <= 1e-6 * scale).all(), (key, params)
        np.testing.assert_array_equal(got, np.swapaxes(got, -1, -2))
        # Any leading shape: a grid of points gives a grid of matrices.
        grid = x[:12].reshape(3, 4, s.dim)
        np.testing.assert_array_equal(s.hessian(grid), got[:12].reshape(3, 4, s.dim, s.dim))
        # A single point.
        np.testing.assert_array_equal(s.hessian(x[0]), got[0])


def test_closed_forms_at_known_points():
    # Bowl: Rᵀ diag(a, b) R, eigenvalues a and b whatever the angle.
    s = surfaces.get("bowl", a=2.0, b=30.0, angle=45.0)
    h = s.hessian([0.3, -0.7])
    np.testing.assert_allclose(h, [[16.0, -14.0], [-14.0, 16.0]], rtol=1e-14)
    np.testing.assert_allclose(np.linalg.eigvalsh(h), [2.0, 30.0], rtol=1e-13)
    # Rosenbrock at its minimum (1, 1): [[2 + 8b, −4b], [−4b, 2b]].
    np.testing.assert_allclose(surfaces.get("rosenbrock").hessian([1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]])
    # The saddle at the origin: a up, −b down.
    np.testing.assert_allclose(surfaces.get("saddle", a=2.0, b=3.0).hessian([0.0, 0.0]), [[2.0, 0.0], [0.0, -3.0]])
    # Sharp and flat: the Hessian at each minimum is the curvature of its own basin, the values equal.
    s = surfaces.get("sharp_flat", sharp=20.0, flat=1.0)
    np.testing.assert_allclose(s.hessian(np.array(s.minima)), [np.eye(2) * 20.0, np.eye(2)], atol=1e-15)
    assert s.minimum_values == [0.0, 0.0]
    np.testing.assert_array_equal(s.value(np.array(s.minima)), [0.0, 0.0])
    # Rastrigin at 0: 2 + 4π²A on the diagonal.
    np.testing.assert_allclose(surfaces.get("rastrigin", A=10.0).hessian([0.0, 0.0]),
                               np.eye(2) * (2 + 40 * np.pi**2), rtol=1e-14)


def test_sharp_flat_value_is_the_parallel_sum_of_two_quadratics():
    s = surfaces.get("sharp_flat", sharp=20.0, flat=1.0)
    p = np.array([[0.3, 0.4], [-2.0, 1.0], [2.2, -1.5]])
    q1 = 10.0 * ((p[:, 0] + 1) ** 2 + p[:, 1] ** 2)
    q2 = 0.5 * ((p[:, 0] - 1) ** 2 + p[:, 1] ** 2)
    np.testing.assert_allclose(s.value(p), 1 / (1 / q1 + 1 / q2), rtol=1e-14)


FORMULAS = [
    "x**2 + 3*sin(y)**2",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "exp(x*y)/(1 + x**2) + log(2 + cos(y))",
    "sqrt(1 + x**2 + y**4)*tanh(x - y) + arctan(x*y) + x**y",
    "sinh(x)*cosh(y) - tan(x/3)*y + abs(x - 0.1)*y**3",
    "x**3 - 2*x",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_second_derivatives_are_exact(text):
    s = surfaces.from_formula(text, bounds=[[0.5, 2.0], [0.5, 2.0]])
    assert s.analytic_hessian
    x = _points(s, seed=3)
    got = s.hessian(x)
    want = _differences(s, x)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(got, np.swapaxes(got, -1, -2))


def test_formula_hessian_by_hand():
    s = surfaces.from_formula("x**2*y + 3*y**3")
    # ∂²/∂x² = 2y, ∂²/∂x∂y = 2x, ∂²/∂y² = 18y.
    np.testing.assert_array_equal(s.hessian([[1.5, -2.0]]), [[[-4.0, 3.0], [3.0, -36.0]]])
    one_d = surfaces.from_formula("x**4")
    np.testing.assert_array_equal(one_d.hessian([[2.0]]), [[[48.0]]])


def test_hessian_without_a_formula_falls_back_to_differences():
    bare_spec = dataclasses.replace(surfaces.spec("bowl"), hessian=None)
    bare = surfaces._base.build(bare_spec, a=1.0, b=25.0, angle=30.0)
    assert not bare.analytic_hessian
    np.testing.assert_allclose(bare.hessian([[0.5, 1.0]]), surfaces.get("bowl", angle=30.0).hessian([[0.5, 1.0]]),
                               rtol=1e-8)
