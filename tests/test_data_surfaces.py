"""The data surfaces and the online objective, against independent computations: least squares in
closed form, a Newton solve written here from the formulas, gradients point by point, and the
behaviour Reddi, Kale & Kumar prove for Adam and AMSGrad.
"""

import math
import re

import numpy as np
import pytest

import optimizers
import surfaces
from playground.model.experiment import Experiment

# --- linear regression ------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "scale", "noise", "seed"), [(64, 1.0, 0.5, 0), (9, 10.0, 2.0, 7), (300, 0.3, 0.0, 3)])
def test_linear_regression_points_have_the_stated_shape(n, scale, noise, seed):
    s = surfaces.get("linear_regression", n=n, feature_scale=scale, noise=noise, seed=seed)
    x, y = s.data
    assert x.shape == y.shape == (n,)
    # The feature is standardised exactly, then multiplied by the scale.
    assert x.mean() == pytest.approx(0.0, abs=1e-12 * scale)
    assert x.std() == pytest.approx(scale, rel=1e-12)
    residual = y - (2.0 * x / scale + 1.0)
    if noise == 0:
        np.testing.assert_allclose(residual, 0.0, atol=1e-12)
    else:
        assert 0.3 * noise < residual.std() < 2.0 * noise
    # Same parameters, same points; another seed, other points.
    np.testing.assert_array_equal(surfaces.get("linear_regression", n=n, feature_scale=scale, noise=noise,
                                               seed=seed).data.x, x)
    assert not np.array_equal(surfaces.get("linear_regression", n=n, seed=seed + 1).data.x,
                              surfaces.get("linear_regression", n=n, seed=seed).data.x)


@pytest.mark.parametrize(("n", "scale", "noise", "seed"), [(64, 1.0, 0.5, 0), (9, 10.0, 2.0, 7), (500, 0.1, 1.0, 11)])
def test_linear_regression_minimum_is_the_least_squares_line(n, scale, noise, seed):
    s = surfaces.get("linear_regression", n=n, feature_scale=scale, noise=noise, seed=seed)
    x, y = s.data
    # Closed form: slope = cov(x, y) / var(x), intercept = mean(y) − slope · mean(x).
    xm, ym = sum(x) / n, sum(y) / n
    slope = sum((xi - xm) * (yi - ym) for xi, yi in zip(x, y, strict=True)) / sum((xi - xm) ** 2 for xi in x)
    (w, b), = s.minima
    assert w == pytest.approx(slope, rel=1e-12, abs=1e-13)
    assert b == pytest.approx(ym - slope * xm, rel=1e-12, abs=1e-13)
    mse = sum((slope * xi + ym - slope * xm - yi) ** 2 for xi, yi in zip(x, y, strict=True)) / n
    assert s.minimum_values[0] == pytest.approx(mse, rel=1e-12, abs=1e-15)


def test_linear_regression_value_and_gradient_point_by_point():
    s = surfaces.get("linear_regression", n=20, feature_scale=3.0, noise=1.0, seed=5)
    x, y = s.data
    for w, b in [(0.0, 0.0), (-2.0, 1.5), (0.7, -0.3)]:
        r = [w * xi + b - yi for xi, yi in zip(x, y, strict=True)]
        assert s.value([w, b]) == pytest.approx(sum(ri * ri for ri in r) / 20, rel=1e-13)
        expected = [2 * sum(ri * xi for ri, xi in zip(r, x, strict=True)) / 20, 2 * sum(r) / 20]
        np.testing.assert_allclose(s.grad([w, b]), expected, rtol=1e-12, atol=1e-13)
        # A mini-batch of points 3, 4 and 17.
        pick = [3, 4, 17]
        expected = [2 * sum(r[i] * x[i] for i in pick) / 3, 2 * sum(r[i] for i in pick) / 3]
        np.testing.assert_allclose(s.batch_grad([[w, b]], [pick])[0], expected, rtol=1e-12, atol=1e-13)
        # The mini-batch of every point is the full gradient.
        np.testing.assert_allclose(s.batch_grad([[w, b]], [np.arange(20)])[0], s.grad([w, b]), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("scale", [1.0, 10.0, 0.25])
def test_feature_scale_sets_the_condition_number(scale):
    s = surfaces.get("linear_regression", feature_scale=scale)
    # The loss is quadratic: gradient differences along the axes are the Hessian's columns.
    hessian = np.stack([s.grad(e) - s.grad(np.zeros(2)) for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(hessian, np.diag([2 * scale**2, 2.0]), rtol=1e-12, atol=1e-12 * max(1, scale**2))


def test_data_surfaces_window_the_minimum_and_start():
    for params in [{}, {"feature_scale": 0.1, "noise": 3.0}, {"n": 2, "seed": 9}]:
        s = surfaces.get("linear_regression", **params)
        lo, hi = s.bounds[:, 0], s.bounds[:, 1]
        assert ((lo <= s.minima[0]) & (s.minima[0] <= hi)).all()
        assert ((lo <= s.default_start) & (s.default_start <= hi)).all()


def test_a_line_fit_window_by_hand():
    # No noise and feature scale 0.3: the least-squares line is w = 2/0.3 = 6.67, b = 1, so w needs
    # room to 7.67 (whole: 8) and b fits inside the least window [-3, 3].
    s = surfaces.get("linear_regression", feature_scale=0.3, noise=0.0)
    assert s.bounds.tolist() == [[-3.0, 8.0], [-3.0, 3.0]]


# Each data surface keeps a least window of [-least, least] (3 for the line fit, 4 for the classes) and
# widens it, in whole numbers, only as far as needed to leave at least 1 around the minimum.
WINDOW_CASES = [
    ("linear_regression", 3.0, {}),
    ("linear_regression", 3.0, {"feature_scale": 0.05, "noise": 1.0, "seed": 4}),
    *(("linear_regression", 3.0, {"noise": 100.0, "n": 2, "seed": seed}) for seed in range(6)),
    ("logistic_regression", 4.0, {}),
    ("logistic_regression", 4.0, {"separation": 4.0, "l2": 1e-4, "n": 8}),
]


@pytest.mark.parametrize(("key", "least", "params"), WINDOW_CASES)
def test_data_surface_window_is_the_smallest_whole_box_with_room_around_the_minimum(key, least, params):
    s = surfaces.get(key, **params)
    if key == "linear_regression":
        design = np.column_stack([s.data.x, np.ones_like(s.data.x)])
        best = np.linalg.solve(design.T @ design, design.T @ s.data.y)  # the normal equations, solved here
        np.testing.assert_allclose(s.minima[0], best, rtol=1e-9, atol=1e-9)
    else:
        best = np.array(s.minima[0])  # checked against an independent Newton solve below
    for (lo, hi), c in zip(s.bounds, best, strict=True):
        assert lo == math.floor(lo) and hi == math.floor(hi), "whole numbers"
        assert lo <= -least and hi >= least, "never narrower than the least window"
        assert c - lo >= 1.0 and hi - c >= 1.0, "room of at least 1 around the minimum"
        assert lo == -least or c - lo < 2.0, "no wider than needed below"
        assert hi == least or hi - c < 2.0, "no wider than needed above"


def test_the_window_cases_reach_past_the_least_window_on_both_sides():
    # Otherwise the test above would only ever see the least window.
    lows, highs = [], []
    for key, least, params in WINDOW_CASES:
        s = surfaces.get(key, **params)
        lows.append(s.bounds[:, 0].min() < -least)
        highs.append(s.bounds[:, 1].max() > least)
    assert any(lows) and any(highs)
    assert any(h for (key, _, _), h in zip(WINDOW_CASES, highs, strict=True) if key == "logistic_regression")


@pytest.mark.parametrize("key", ["linear_regression", "logistic_regression"])
def test_data_points_are_read_only(key):
    # The points of a parameter set are cached and shared by every caller: a write must fail loudly.
    s = surfaces.get(key, n=10, seed=3)
    kept = s.data.x.copy(), s.data.y.copy()
    for array in s.data:
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 123.0
    again = surfaces.get(key, n=10, seed=3)
    assert np.array_equal(again.data.x, kept[0]) and np.array_equal(again.data.y, kept[1])


def test_whole_number_parameters_refuse_fractions():
    with pytest.raises(ValueError, match="n must be a whole number"):
        surfaces.get("linear_regression", n=10.5)
    with pytest.raises(ValueError, match="seed must be a whole number"):
        surfaces.get("logistic_regression", seed=0.25)
    assert surfaces.get("logistic_regression", n=10.0).data.x.shape == (10, 2)


# --- logistic regression ----------------------------------------------------------------------------


def _sigmoid(m):
    return 1.0 / (1.0 + math.exp(-m))


def _newton_here(x, y, l2, iterations=60):
    """Newton's method from the formulas, point by point, with plain Python sums."""
    w = np.zeros(2)
    n = len(y)
    for _ in range(iterations):
        g = l2 * w.copy()
        h = l2 * np.eye(2)
        for xi, yi in zip(x, y, strict=True):
            m = yi * (w[0] * xi[0] + w[1] * xi[1])
            g -= _sigmoid(-m) * yi * xi / n
            h += _sigmoid(m) * _sigmoid(-m) * np.outer(xi, xi) / n
        w = w - np.linalg.solve(h, g)
    return w


@pytest.mark.parametrize(("n", "separation", "l2", "seed"),
                         [(64, 2.0, 0.01, 0), (30, 0.5, 0.5, 4), (200, 3.0, 1e-3, 8)])
def test_logistic_regression_minimum_matches_an_independent_newton(n, separation, l2, seed):
    s = surfaces.get("logistic_regression", n=n, separation=separation, l2=l2, seed=seed)
    x, y = s.data
    assert x.shape == (n, 2) and y.shape == (n,)
    assert sorted(set(y.tolist())) == [-1.0, 1.0] and y.sum() == (n % 2)
    w = _newton_here(x, y, l2)
    (found,) = s.minima
    np.testing.assert_allclose(found, w, rtol=1e-12, atol=1e-12)
    assert np.abs(s.grad(np.array(found))).max() < 1e-14
    loss = sum(math.log1p(math.exp(-yi * (w @ xi))) for xi, yi in zip(x, y, strict=True)) / n + 0.5 * l2 * (w @ w)
    assert s.minimum_values[0] == pytest.approx(loss, rel=1e-12)


def test_logistic_gradient_point_by_point():
    s = surfaces.get("logistic_regression", n=12, separation=1.0, l2=0.3, seed=2)
    x, y = s.data
    for w in [np.array([0.0, 0.0]), np.array([2.0, -1.0]), np.array([-40.0, 35.0])]:
        expected = 0.3 * w - sum(_sigmoid(-yi * (w @ xi)) * yi * xi for xi, yi in zip(x, y, strict=True)) / 12
        np.testing.assert_allclose(s.grad(w), expected, rtol=1e-12, atol=1e-15)
        pick = [0, 5, 11]
        expected = 0.3 * w - sum(_sigmoid(-y[i] * (w @ x[i])) * y[i] * x[i] for i in pick) / 3
        np.testing.assert_allclose(s.batch_grad([w], [pick])[0], expected, rtol=1e-12, atol=1e-15)


SEPARABLE = {"separation": 6.0, "seed": 0}


def test_separable_classes_without_l2_have_no_minimum_and_the_weights_keep_growing():
    s = surfaces.get("logistic_regression", l2=0.0, **SEPARABLE)
    x, y = s.data
    assert (y * (x @ [0.8, 0.6]) > 0).all(), "the direction of the class means separates these points"
    assert s.minima == [] and s.minimum_values == []
    tr = optimizers.run(optimizers.make("sgd", lr=1.0), s, start=(0.0, 0.0), steps=20_000)
    norms = np.linalg.norm(tr.path, axis=1)
    assert (np.diff(tr.loss) < 0).all()
    # Growth like log t: each tenfold of steps adds roughly the same length.
    grow = [norms[10 * 10**k] - norms[10**k] for k in (2, 3)]
    assert grow[0] > 1.0 and grow[1] > 1.0 and 0.5 < grow[1] / grow[0] < 2.0
    # The direction settles while the length does not.
    d = tr.path[[2000, 20_000]] / norms[[2000, 20_000], None]
    assert d[0] @ d[1] > 0.999


def test_with_l2_the_separable_problem_has_a_minimum_every_optimizer_finds():
    s = surfaces.get("logistic_regression", l2=0.01, **SEPARABLE)
    (m,) = s.minima
    lrs = {"sgd": 1.0, "momentum": 0.1, "adam": 0.05, "rmsprop": 0.01, "adagrad": 0.5}
    for key, lr in lrs.items():
        tr = optimizers.run(optimizers.make(key, lr=lr), s, steps=3000)
        assert np.linalg.norm(tr.path[-1] - m) < 0.02 * np.linalg.norm(m), key


# --- Reddi's online problem -------------------------------------------------------------------------


def test_reddi_losses_follow_the_three_step_cycle():
    s = surfaces.get("reddi", C=4.0)
    x = np.array([[0.5], [-0.25]])
    for t, slope in [(1, 4.0), (2, -1.0), (3, -1.0), (4, 4.0), (5, -1.0), (300, -1.0), (301, 4.0)]:
        np.testing.assert_array_equal(s.grad(x, t), [[slope], [slope]])
        np.testing.assert_array_equal(s.value(x, t), slope * x[:, 0])
    # Without a step: the average over a cycle, (C − 2)/3 · x.
    np.testing.assert_allclose(s.value(x), 2.0 / 3.0 * x[:, 0], rtol=1e-15)
    assert s.time_dependent and not surfaces.get("bowl").time_dependent
    np.testing.assert_array_equal(s.feasible, [[-1.0, 1.0]])


def test_every_step_is_projected_onto_the_feasible_interval():
    s = surfaces.get("reddi")
    tr = optimizers.run(optimizers.make("sgd", lr=0.8), s, start=(0.9,), steps=30)
    assert tr.diverged_at is None
    assert (np.abs(tr.path) <= 1.0).all()
    # By hand: 0.9 − 0.8·3 → −1 (clipped); then +0.8, +0.8 → 0.6 → 1 (clipped); then −2.4 → −1.
    np.testing.assert_allclose(tr.path[:6, 0], [0.9, -1.0, -0.2, 0.6, -1.0, -0.2], atol=1e-15)
    assert tr.grads[:4, 0].tolist() == [3.0, -1.0, -1.0, 3.0]


def _reddi_runs(C, steps=3000, lr=0.5):
    s = surfaces.get("reddi", C=C)
    t = np.arange(1, steps + 1)
    out = {}
    for amsgrad in (False, True):
        opt = optimizers.make("adam", lr=lr, beta1=0.0, beta2=1.0 / (1.0 + C * C), amsgrad=amsgrad)
        out[amsgrad] = optimizers.run(opt, s, start=(0.0,), steps=steps, lr_factors=1.0 / np.sqrt(t))
    return out


@pytest.mark.parametrize("C", [3.0, 5.0, 2.5])
def test_adam_drifts_to_the_worst_point_and_amsgrad_to_the_best(C):
    runs = _reddi_runs(C)
    adam, ams = runs[False].path[:, 0], runs[True].path[:, 0]
    assert adam[-300:].min() > 0.95, "Adam should sit near +1"
    assert ams[-300:].max() < -0.95, "AMSGrad should sit near −1"
    # The regret against the best fixed point x = −1 grows linearly for Adam only.
    s = surfaces.get("reddi", C=C)
    regret = {k: sum(s.value(tr.path[t - 1], t) - s.value(np.array([-1.0]), t) for t in range(1, 3001))
              for k, tr in runs.items()}
    assert regret[False] / 3000 > 0.9 * (C - 2) / 3  # at most 2(C − 2)/3 a step, at +1
    assert regret[True] / 3000 < 0.05 * regret[False] / 3000


# --- the coordinates' names ------------------------------------------------------------------------

SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def named_in_latex(latex: str, dim: int) -> tuple[str, ...] | None:
    """The coordinates as the formula's argument list names them: ``f(w, b)`` → (w, b); one vector
    argument in 2-D, ``f(w)``, → (w₁, w₂); None when the formula has no argument list (``f = …``)."""
    found = re.match(r"\s*f(?:_\{?\w+\}?)?\(([^)]*)\)", latex)
    if not found:
        return None
    names = tuple(part.strip() for part in found.group(1).split(","))
    if len(names) == 1 and dim > 1:
        return tuple(names[0] + str(i + 1).translate(SUBSCRIPT) for i in range(dim))
    return names


@pytest.mark.parametrize("key", surfaces.names())
def test_each_surface_names_its_coordinates_as_its_formula_does(key):
    s = surfaces.get(key)
    assert len(s.axes) == s.dim
    expected = named_in_latex(s.latex, s.dim)
    # A formula without an argument list (f = q₁q₂/(q₁ + q₂)) names no coordinates: the usual x, y.
    assert s.axes == (expected or ("x", "y")[: s.dim]), (key, s.latex)


def test_the_data_surfaces_name_their_weights_not_the_datas_x_and_y():
    assert surfaces.get("linear_regression").axes == ("w", "b")  # f(w, b): slope and intercept
    assert surfaces.get("logistic_regression").axes == ("w₁", "w₂")  # f(w): the two weights
    # A typed formula is in x and y (or x alone), and a lesson's window keeps the names.
    assert surfaces.from_formula("x**2 + y**2").axes == ("x", "y")
    assert surfaces.from_formula("x**2").axes == ("x",)
    framed = Experiment(surface_key="linear_regression", bounds=((-1.0, 1.0), (-1.0, 1.0))).build_surface()
    assert framed.axes == ("w", "b")
