"""The minima a typed formula is marked with: where they are for formulas whose minima are known by
hand, none where there are none, the summary's distance to them, and the custom race as it first
opens staying in its window with its ★ inside."""

import math
import time
from dataclasses import replace

import numpy as np
import pytest

import surfaces
from playground.model import defaults, metrics
from playground.model.experiment import default_experiment
from playground.model.simulate import simulate
from playground.page.sidebar import CUSTOM_FORMULA, CUSTOM_WINDOW
from surfaces.formula import minima

# (formula, window, the minima inside it, worked out by hand)
KNOWN = [
    ("x**2 + 3*y**2", [[-3, 3], [-3, 3]], [(0.0, 0.0)]),
    ("(x**2 - 1)**2 + y**2", [[-3, 3], [-3, 3]], [(-1.0, 0.0), (1.0, 0.0)]),
    ("(x**2-1)**2", [[-3, 3]], [(-1.0,), (1.0,)]),
    ("0.5*x**2 + 3*sin(y)**2", [[-4, 4], [-4, 4]], [(0.0, -math.pi), (0.0, 0.0), (0.0, math.pi)]),
    ("(1-x)**2 + 100*(y-x**2)**2", [[-2, 2], [-1, 3]], [(1.0, 1.0)]),
    # f' = -2/x³ + 1/(2√|x|) = 0 at |x|^(5/2) = 4.
    ("x**-2 + abs(x)**0.5", [[-3, 3]], [(-(4**0.4),), (4**0.4,)]),
    # A flat minimum (the Hessian is 0 there): found by the ring test, not the Hessian's.
    ("x**4 + y**4", [[-3, 3], [-3, 3]], [(0.0, 0.0)]),
    ("x**2 + y**4", [[-3, 3], [-3, 3]], [(0.0, 0.0)]),
    # Overflows to inf over most of the window's rim: those starts are dropped, the rest find the centre.
    ("exp(x**2 + y**2)**50", [[-3, 3], [-3, 3]], [(0.0, 0.0)]),
]

# No isolated minimum in the window: a saddle, valleys of equal minima (straight and curved), a
# degenerate inflection, slopes, a bump, a maximum, a formula that overflows on part of the window.
NONE = [
    "x**2 - y**2",
    "y**2",
    "(x + y)**2",
    "(x*y - 1)**2",
    "x**3 + y**2",
    "-x",
    "tanh(x)*cosh(y)",
    "exp(-x**2 - y**2)",
    "-(x**2 + y**2)",
    "exp(exp(exp(x*y)))",
]


def _sorted(points):
    return sorted(tuple(p) for p in points)


@pytest.mark.parametrize(("text", "window", "expected"), KNOWN, ids=[k[0] for k in KNOWN])
def test_minima_found_where_worked_out_by_hand(text, window, expected):
    s = surfaces.from_formula(text, bounds=window)
    assert len(s.minima) == len(expected)
    tol = 1e-6 if "**4" in text else 1e-8  # a flat minimum is pinned down less sharply
    for found, known in zip(_sorted(s.minima), _sorted(expected), strict=True):
        np.testing.assert_allclose(found, known, atol=tol)
    assert s.minimum_values == sorted(s.minimum_values)


def test_bowl_has_exactly_its_centre():
    s = surfaces.from_formula("x**2 + 3*y**2")
    assert len(s.minima) == 1
    assert max(abs(c) for c in s.minima[0]) <= 1e-8
    assert s.minimum_values[0] <= 1e-15


def test_himmelblau_typed_has_the_built_in_minima():
    built_in = surfaces.get("himmelblau")
    s = surfaces.from_formula("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", bounds=built_in.bounds.tolist())
    assert len(s.minima) == len(built_in.minima) == 4
    for found, known in zip(_sorted(s.minima), _sorted(built_in.minima), strict=True):
        np.testing.assert_allclose(found, known, atol=1e-6)
    np.testing.assert_allclose(s.minimum_values, 0.0, atol=1e-12)


@pytest.mark.parametrize("text", NONE)
def test_no_minima_where_there_are_none(text):
    s = surfaces.from_formula(text)
    assert s.minima == [] and s.minimum_values == []


def test_at_most_eight_lowest_kept():
    # Minima of sin(3x)·cos(3y) at value −1 on a grid of spacing π/3: more than eight in [-3, 3]².
    s = surfaces.from_formula("sin(3*x)*cos(3*y) + 0.01*(x**2 + y**2)")
    assert len(s.minima) == minima.KEEP
    assert s.minimum_values == sorted(s.minimum_values)
    # The lowest is the one nearest the origin: (-π/6, 0), where the bowl adds least.
    np.testing.assert_allclose(s.minima[0], (-math.pi / 6, 0.0), atol=2e-3)


def test_a_constant_is_refused_as_before_and_nothing_else_raises():
    with pytest.raises(ValueError, match="constant"):
        surfaces.from_formula("2 + 0*x")
    for text in ("1/(x*y)", "log(x) + y", "sqrt(x - 2.9)**2 + y**2", "1e6*x**100", "tan(x*y)**2"):
        try:
            s = surfaces.from_formula(text)
        except ValueError:
            continue  # refused by the window check: not finite on most of the window
        assert all(np.isfinite(v) for v in s.minimum_values)


def test_finder_is_fast_and_cached():
    fn_text = "(x**2 + y - 11)**2 + (x + y**2 - 7)**2"
    surfaces.from_formula(fn_text, bounds=[[-5, 5], [-5, 5]])
    t = time.perf_counter()
    for _ in range(20):
        surfaces.from_formula(fn_text, bounds=[[-5, 5], [-5, 5]])
    assert (time.perf_counter() - t) / 20 < 0.02  # cached: no second search


def test_summary_distance_to_nearest_minimum_for_a_custom_formula():
    exp = replace(default_experiment(), surface_key="custom", formula="(x**2 - 1)**2 + y**2",
                  bounds=((-3.0, 3.0), (-3.0, 3.0)), start=(-2.0, 1.5), steps=200)
    sim = simulate(exp)
    for tr in sim.trajectories:
        row = metrics.summary(tr, sim.surface)
        x, y = tr.path[-1]
        # The nearest of (±1, 0), worked out here from the path's end.
        expected = min(math.hypot(x - 1, y), math.hypot(x + 1, y))
        assert row["distance to minimum"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert metrics.summary(sim.trajectories[-1], sim.surface)["distance to minimum"] < 1e-2


def test_default_custom_race_stays_in_its_window_with_its_minima_inside():
    base = default_experiment()
    # What the sidebar makes when the custom surface is picked: its formula and window, no start.
    exp = replace(base, surface_key="custom", surface_params=(), formula=CUSTOM_FORMULA, bounds=CUSTOM_WINDOW,
                  start=())
    sim = simulate(exp)
    surface = sim.surface
    lo, hi = surface.bounds[:, 0], surface.bounds[:, 1]
    assert {e.optimizer for e in exp.entries} == {"sgd", "momentum", "rmsprop", "adam"}
    for entry, tr in zip(exp.entries, sim.trajectories, strict=True):
        assert tr.diverged_at is None
        assert len(tr.path) == exp.steps + 1
        inside = ((tr.path >= lo) & (tr.path <= hi)).all(axis=1)
        assert inside.all(), (entry.optimizer, defaults.default_lr(entry.optimizer, "custom"),
                              tr.path[~inside][:3])
    assert surface.minima
    for m in surface.minima:
        assert ((lo <= np.array(m)) & (np.array(m) <= hi)).all()
    # Every run heads for the ★ at (0, π), which the window now holds.
    ends = np.array([tr.path[-1] for tr in sim.trajectories])
    assert np.all(surface.nearest_minimum_distance(ends) < 0.5)
