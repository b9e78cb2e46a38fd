"""Every surface in the registry against one table of checks: analytic gradients, stated minima,
plot windows, array shapes and parameter errors. Each surface runs with its defaults and with
parameters taken from inside its UI ranges, so a parameter dropped from a formula shows up.
"""

import math
import zlib

import numpy as np
import pytest

import surfaces

#: Where in each parameter's UI range the non-default cases sit.
UI_FRACTIONS = (0.3, 0.8)


def _ui_params(spec, frac):
    params = {p.name: p.ui_low + frac * (p.ui_high - p.ui_low) for p in spec.params}
    return {name: float(round(v)) if p.integer else v for (name, v), p in zip(params.items(), spec.params, strict=True)}


def _cases():
    for key in surfaces.names():
        spec = surfaces.spec(key)
        yield pytest.param(key, {}, id=f"{key}-default")
        if spec.params:
            for frac in UI_FRACTIONS:
                yield pytest.param(key, _ui_params(spec, frac), id=f"{key}-ui{round(frac * 100)}")


CASES = list(_cases())
KEYS = surfaces.names()
WITH_PARAMS = [key for key in KEYS if surfaces.spec(key).params]


def _rng(key, params):
    return np.random.default_rng(zlib.crc32(f"{key}{sorted(params.items())}".encode()))


def _points_inside(s, rng, n=400):
    """Uniform points in the plot window; on a non-smooth surface, none within 1e-3 of a kink."""
    x = rng.uniform(s.bounds[:, 0], s.bounds[:, 1], size=(n, s.dim))
    if not s.smooth:
        x = x[np.abs(x).min(axis=1) > 1e-3]
    return x


def test_registry_is_consistent():
    assert KEYS == list(surfaces.REGISTRY)
    assert len(KEYS) == len(set(KEYS)) > 0
    for key in KEYS:
        assert surfaces.spec(key).key == key
        s = surfaces.get(key)
        assert s.key == key
        assert dict(s.params) == surfaces.spec(key).defaults


def test_ui_cases_differ_from_defaults():
    for key in WITH_PARAMS:
        spec = surfaces.spec(key)
        for frac in UI_FRACTIONS:
            params = _ui_params(spec, frac)
            assert all(params[p.name] != p.default for p in spec.params), (key, frac)
            assert dict(surfaces.get(key, **params).params) == params


@pytest.mark.parametrize(("key", "params"), CASES)
def test_gradient_matches_central_differences(key, params):
    s = surfaces.get(key, **params)
    x = _points_inside(s, _rng(key, params))
    assert len(x) > 300
    g = s.grad(x)
    fd = np.empty_like(x)
    for i in range(s.dim):
        h = 1e-6 * np.maximum(1.0, np.abs(x[:, i]))
        xp, xm = x.copy(), x.copy()
        xp[:, i] += h
        xm[:, i] -= h
        fd[:, i] = (s.value(xp) - s.value(xm)) / (xp[:, i] - xm[:, i])
    scale = np.maximum(1.0, np.linalg.norm(g, axis=1))
    err = np.abs(fd - g).max(axis=1) / scale
    worst = int(err.argmax())
    assert err[worst] < 1e-6, f"at {x[worst]}: analytic {g[worst]}, central differences {fd[worst]}"


@pytest.mark.parametrize(("key", "params"), CASES)
def test_minima_have_zero_gradient_and_the_stated_value(key, params):
    s = surfaces.get(key, **params)
    if not s.minima:
        pytest.skip(f"{key} with {params} states no minima")
    assert len(s.minima) == len(s.minimum_values)
    scale = max([1.0, *(abs(v) for v in s.params.values())])
    for m, v in zip(s.minima, s.minimum_values, strict=True):
        m = np.array(m)
        assert m.shape == (s.dim,)
        assert s.value(m) == pytest.approx(v, rel=1e-12, abs=1e-12 * scale)
        if s.feasible is not None:
            # A minimum over a box: along each axis the gradient vanishes inside, and at a face it
            # points into the box (moving out of the box is the only way down).
            g = s.grad(m)
            lo, hi = s.feasible[:, 0], s.feasible[:, 1]
            assert ((lo <= m) & (m <= hi)).all()
            for i in range(s.dim):
                if m[i] == lo[i]:
                    assert g[i] >= 0
                elif m[i] == hi[i]:
                    assert g[i] <= 0
                else:
                    assert abs(g[i]) <= 1e-8 * scale
        elif s.smooth:
            assert np.abs(s.grad(m)).max() <= 1e-8 * scale, f"gradient {s.grad(m)} at minimum {m}"
        else:
            # At a kink the subgradient must contain 0: along every axis the slope rises on the
            # right (derivative > 0) and does not fall on the left (derivative ≤ 0).
            for i in range(s.dim):
                e = np.zeros(s.dim)
                e[i] = 1e-9
                assert s.grad(m + e)[i] > 0
                assert s.grad(m - e)[i] <= 0
                assert s.value(m + e) >= v and s.value(m - e) >= v


@pytest.mark.parametrize(("key", "params"), CASES)
def test_minima_are_local_minima(key, params):
    s = surfaces.get(key, **params)
    if not s.minima:
        pytest.skip(f"{key} with {params} states no minima")
    rng = _rng(key, params)
    for m, v in zip(s.minima, s.minimum_values, strict=True):
        nearby = np.array(m) + rng.normal(scale=1e-3, size=(200, s.dim))
        if s.feasible is not None:
            nearby = np.clip(nearby, s.feasible[:, 0], s.feasible[:, 1])  # a constrained minimum
        assert (s.value(nearby) >= v - 1e-12 * max(1.0, abs(v))).all(), f"a point near {m} lies below {v}"


@pytest.mark.parametrize(("key", "params"), CASES)
def test_deepest_stated_minimum_is_the_lowest_point_of_the_window(key, params):
    s = surfaces.get(key, **params)
    if not s.minima:
        pytest.skip(f"{key} with {params} states no minima")
    x = _rng(key, params).uniform(s.bounds[:, 0], s.bounds[:, 1], size=(20_000, s.dim))
    best = min(s.minimum_values)
    assert s.value(x).min() >= best - 1e-12 * max(1.0, abs(best))


@pytest.mark.parametrize(("key", "params"), CASES)
def test_window_holds_minima_and_start(key, params):
    s = surfaces.get(key, **params)
    assert s.dim == surfaces.spec(key).dim >= 1
    assert s.bounds.shape == (s.dim, 2)
    assert np.isfinite(s.bounds).all()
    assert (s.bounds[:, 0] < s.bounds[:, 1]).all()
    lo, hi = s.bounds[:, 0], s.bounds[:, 1]
    for m in s.minima:
        assert ((lo <= m) & (m <= hi)).all(), f"minimum {m} outside {s.bounds.tolist()}"
    start = np.array(s.default_start)
    assert start.shape == (s.dim,)
    assert ((lo <= start) & (start <= hi)).all(), f"default_start {start} outside {s.bounds.tolist()}"
    assert np.isfinite(s.value(start)) and np.isfinite(s.grad(start)).all()
    # A race from the default start has somewhere to go.
    assert np.abs(s.grad(start)).max() > 0
    assert isinstance(s.latex, str) and s.latex.strip()
    assert s.smooth is surfaces.spec(key).smooth
    assert isinstance(s.smooth, bool)


def test_only_the_slope_is_kinked():
    assert [key for key in KEYS if not surfaces.get(key).smooth] == ["slope"]


@pytest.mark.parametrize(("key", "params"), CASES)
def test_value_and_grad_shapes(key, params):
    s = surfaces.get(key, **params)
    rng = _rng(key, params)
    pts = _points_inside(s, rng, n=200)[:24]
    for shape in [(), (24,), (4, 6)]:
        x = pts.reshape((*shape, s.dim)) if shape else pts[0]
        value, grad = s.value(x), s.grad(x)
        assert np.shape(value) == shape
        assert np.shape(grad) == (*shape, s.dim)
        assert np.asarray(value).dtype == np.float64 and grad.dtype == np.float64
        # Batched evaluation is the same function evaluated point by point.
        flat_x = x.reshape(-1, s.dim)
        one_by_one_value = np.array([s.value(p) for p in flat_x]).reshape(shape)
        one_by_one_grad = np.array([s.grad(p) for p in flat_x]).reshape((*shape, s.dim))
        np.testing.assert_array_equal(value, one_by_one_value)
        np.testing.assert_array_equal(grad, one_by_one_grad)
    # Plain lists work too.
    np.testing.assert_array_equal(s.grad(pts[0].tolist()), s.grad(pts[0]))


@pytest.mark.parametrize("key", WITH_PARAMS)
def test_every_parameter_changes_the_surface(key):
    spec = surfaces.spec(key)
    base = surfaces.get(key)
    x = _points_inside(base, np.random.default_rng(1))
    for p in spec.params:
        other = p.ui_high if p.ui_high != p.default else p.ui_low
        changed = surfaces.get(key, **{p.name: other})
        assert not np.array_equal(changed.value(x), base.value(x)), p.name
        assert not np.array_equal(changed.grad(x), base.grad(x)), p.name


def _bad_values(p):
    yield from [math.nan, math.inf, -math.inf, "1.0", True, None, [1.0, 2.0]]
    if math.isfinite(p.low):
        yield p.low - max(1.0, abs(p.low))
    if math.isfinite(p.high):
        yield p.high + max(1.0, abs(p.high))


BAD_PARAMS = [
    pytest.param(key, p, id=f"{key}-{p.name}") for key in WITH_PARAMS for p in surfaces.spec(key).params
]


@pytest.mark.parametrize(("key", "p"), BAD_PARAMS)
def test_bad_parameter_raises_naming_it(key, p):
    for bad in _bad_values(p):
        with pytest.raises(ValueError, match=rf"\b{p.name}\b"):
            surfaces.get(key, **{p.name: bad})


@pytest.mark.parametrize("key", WITH_PARAMS)
def test_parameter_range_ends_are_accepted(key):
    for p in surfaces.spec(key).params:
        for v in (p.low, p.high, p.ui_low, p.ui_high, p.default):
            if math.isfinite(v):
                assert surfaces.get(key, **{p.name: v}).params[p.name] == v


@pytest.mark.parametrize("key", KEYS)
def test_unknown_parameter_raises_naming_it(key):
    with pytest.raises(ValueError, match="no_such_param"):
        surfaces.get(key, no_such_param=1.0)


@pytest.mark.parametrize("bad", ["no_such_surface", "", "Bowl", None, 3])
def test_unknown_surface_raises(bad):
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.get(bad)
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.spec(bad)


# Numbers that particular surfaces promise in their docstrings.


@pytest.mark.parametrize(("a", "b", "angle"), [(1.0, 25.0, 0.0), (2.0, 10.0, 30.0), (7.0, 0.5, -120.0)])
def test_bowl_hessian_has_eigenvalues_a_and_b(a, b, angle):
    s = surfaces.get("bowl", a=a, b=b, angle=angle)
    # The gradient of a quadratic is linear: its columns are the Hessian's.
    hessian = np.stack([s.grad(e) for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(hessian, hessian.T, atol=1e-12 * max(a, b))
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian), sorted([a, b]), rtol=1e-12)
    theta = math.radians(angle)
    # The steep direction v is the second row of the rotation.
    v = np.array([-math.sin(theta), math.cos(theta)])
    np.testing.assert_allclose(s.grad(v), b * v, atol=1e-12 * max(a, b))


@pytest.mark.parametrize("c", [0.1, 0.5, 1.5])
def test_double_well_lists_the_deep_left_basin_first(c):
    s = surfaces.get("double_well", c=c)
    assert len(s.minima) == 2
    (left, _), (right, _) = s.minima
    assert left < 0 < right
    assert s.minimum_values[0] < s.minimum_values[1]


def test_double_well_without_tilt_has_two_equal_basins():
    s = surfaces.get("double_well", c=0.0)
    assert sorted(m[0] for m in s.minima) == pytest.approx([-1.0, 1.0], abs=1e-12)
    assert s.minimum_values == pytest.approx([0.0, 0.0], abs=1e-12)


def test_pure_saddle_states_no_minima():
    s = surfaces.get("saddle", c=0.0)
    assert s.minima == [] and s.minimum_values == []
    np.testing.assert_array_equal(s.grad(np.zeros(2)), [0.0, 0.0])


@pytest.mark.parametrize(("right", "left"), [(1.0, 0.1), (2.5, 0.0), (1e-3, 7.0)])
def test_slope_is_linear_on_each_side(right, left):
    s = surfaces.get("slope", right=right, left=left)
    x = np.array([[-0.9], [-0.25], [0.0], [1e-12], [0.5], [2.0]])
    np.testing.assert_array_equal(s.grad(x)[:, 0], [-left, -left, -left, right, right, right])
    np.testing.assert_allclose(s.value(x), [0.9 * left, 0.25 * left, 0.0, 1e-12 * right, 0.5 * right, 2 * right])
