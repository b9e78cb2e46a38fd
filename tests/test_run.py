"""The lockstep runner: a batch, a race and a lone run take the same arithmetic, so they agree to
the last bit; diverged rows stop without disturbing the others; internals expose the state. The
property tests draw hyperparameters from each spec's UI range and starts from each surface's window.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

import optimizers
import surfaces
from optimizers import _lockstep, _run

KEYS = optimizers.names()
SURFACES = surfaces.names()


# One configuration at a time, stacked the way a batched run lays out its arrays.


def _item(value, i):
    return value[i].item() if isinstance(value, np.ndarray) else value


def _row_optimizer(opt, i):
    return optimizers.make(opt.key, **{name: _item(v, i) for name, v in opt.hyper.items()})


def one_by_one(opt, surface, starts, n, steps, noise=0.0, seed=0):
    """Run row i of a batch on its own, for every i; pad each row with NaN after its divergence.

    A state field that a row's rule does not keep alone (AMSGrad's maximum with ``amsgrad=False``)
    is left out of that row's ``present`` mask: a mixed batch must keep it for every row.
    """
    starts = np.asarray(starts, dtype=np.float64)
    dim = surface.dim
    path = np.full((steps + 1, n, dim), np.nan)
    loss = np.full((steps + 1, n), np.nan)
    grads = np.full((steps, n, dim), np.nan)
    state, present = {}, {}
    diverged = np.full(n, -1)
    for i in range(n):
        start = starts[i] if starts.ndim == 2 else starts
        tr = optimizers.run(_row_optimizer(opt, i), surface, start=start, steps=steps,
                            noise=_item(noise, i), seed=_item(seed, i))
        assert tr.path.ndim == 2
        k = len(tr.path)
        path[:k, i], loss[:k, i], grads[: k - 1, i] = tr.path, tr.loss, tr.grads
        for name, arr in tr.state.items():
            state.setdefault(name, np.full((steps, n, *arr.shape[1:]), np.nan))[: k - 1, i] = arr
            present.setdefault(name, np.zeros(n, dtype=bool))[i] = True
        if tr.diverged_at is not None:
            assert tr.diverged_at == k
            diverged[i] = tr.diverged_at
    return path, loss, grads, state, present, diverged


def assert_batch_equals_rows(tr, opt, surface, starts, n, steps, noise=0.0, seed=0):
    path, loss, grads, state, present, diverged = one_by_one(opt, surface, starts, n, steps, noise, seed)
    assert tr.batched and tr.path.shape == (steps + 1, n, surface.dim)
    np.testing.assert_array_equal(tr.diverged_at, diverged)
    np.testing.assert_array_equal(tr.path, path)
    np.testing.assert_array_equal(tr.loss, loss)
    np.testing.assert_array_equal(tr.grads, grads)
    assert set(state) <= set(tr.state)
    assert set(tr.state) == set(opt.spec.init(np.zeros((n, surface.dim)), opt.row_hyper(n))._fields)
    for name, arr in state.items():
        rows = present[name]
        np.testing.assert_array_equal(tr.state[name][:, rows], arr[:, rows], err_msg=name)


def _batch_hyper(spec, n):
    """n configurations spread over each hyperparameter's UI range; flags in every combination.

    Row 1 takes the top of the learning rate's UI range and row 3 a valid but absurd 1e6, so rows
    diverge mid-batch.
    """
    rng = np.random.default_rng(len(spec.key))
    hyper = {}
    flag_bit = 0
    for h in spec.hypers:
        if h.is_flag:
            hyper[h.name] = np.array([bool((r >> flag_bit) & 1) for r in range(n)])
            flag_bit += 1
            continue
        if h.log:
            values = np.exp(rng.uniform(math.log(h.ui_low), math.log(h.ui_high), n))
        else:
            values = rng.uniform(h.ui_low, h.ui_high, n)
        values[0] = h.default
        if h.name == "lr":
            values[1], values[3] = h.ui_high, 1e6
        if h.name == "momentum":
            values[2] = 0.0  # torch skips the buffer at zero momentum: a separate branch
        hyper[h.name] = values
    return hyper


# Batches.

N = 8


@pytest.mark.parametrize("surface", ["rosenbrock", "slope", "himmelblau"])
@pytest.mark.parametrize("key", KEYS)
def test_batch_of_hyperparameters_equals_runs_one_by_one(key, surface):
    s = surfaces.get(surface)
    opt = optimizers.make(key, **_batch_hyper(optimizers.spec(key), N))
    assert opt.batch == N
    tr = optimizers.run(opt, s, steps=100)
    if surface == "rosenbrock":  # cubic walls: lr = 1e6 blows up every rule, the default none
        assert 0 < (tr.diverged_at >= 0).sum() < N and tr.diverged_at[0] == -1
    assert_batch_equals_rows(tr, opt, s, s.default_start, N, 100)


@pytest.mark.parametrize("key", KEYS)
def test_batch_of_starts_and_hyperparameters_with_noise_equals_runs_one_by_one(key):
    s = surfaces.get("beale")
    n = 5
    starts = np.random.default_rng(3).uniform(s.bounds[:, 0], s.bounds[:, 1], size=(n, 2))
    opt = optimizers.make(key, **_batch_hyper(optimizers.spec(key), n))
    # Every row with its own noise level and seed ...
    noise, seed = np.array([0.0, 0.5, 2.0, 0.1, 1.0]), np.array([4, 5, 6, 7, 8])
    tr = optimizers.run(opt, s, start=starts, steps=70, noise=noise, seed=seed)
    assert_batch_equals_rows(tr, opt, s, starts, n, 70, noise, seed)
    # ... or one seed for all (every row then sees the same noise).
    tr = optimizers.run(opt, s, start=starts, steps=70, noise=0.3, seed=9)
    assert_batch_equals_rows(tr, opt, s, starts, n, 70, 0.3, 9)


@pytest.mark.parametrize("key", KEYS)
def test_batch_of_starts_with_one_configuration_equals_runs_one_by_one(key):
    s = surfaces.get("double_well")
    starts = np.random.default_rng(4).uniform(s.bounds[:, 0], s.bounds[:, 1], size=(6, 2))
    opt = optimizers.make(key, lr=0.05)
    assert opt.batch is None
    tr = optimizers.run(opt, s, start=starts, steps=50)
    assert_batch_equals_rows(tr, opt, s, starts, 6, 50)


def test_batch_of_one_keeps_its_batch_axis():
    s = surfaces.get("bowl")
    tr = optimizers.run(optimizers.make("adam", lr=[0.1]), s, steps=10)
    single = optimizers.run(optimizers.make("adam", lr=0.1), s, steps=10)
    assert tr.path.shape == (11, 1, 2) and tr.diverged_at.shape == (1,)
    np.testing.assert_array_equal(tr.path[:, 0], single.path)


def test_batch_sizes_must_agree():
    s = surfaces.get("bowl")
    with pytest.raises(ValueError, match="batch"):
        optimizers.run(optimizers.make("sgd", lr=[0.1, 0.2]), s, start=np.zeros((3, 2)), steps=5)
    with pytest.raises(ValueError, match="batch"):
        optimizers.run(optimizers.make("sgd"), s, start=np.zeros((3, 2)), steps=5, seed=[1, 2], noise=0.1)


@pytest.mark.parametrize("bad", [(1.0,), (1.0, 2.0, 3.0), np.zeros((2, 2, 2)), (math.nan, 0.0), (0.0, math.inf)])
def test_bad_start_raises(bad):
    with pytest.raises(ValueError, match="start"):
        optimizers.run(optimizers.make("sgd"), surfaces.get("bowl"), start=bad, steps=3)


@pytest.mark.parametrize("bad", [-1, 2.5, "10", True])
def test_bad_steps_raise(bad):
    with pytest.raises(ValueError, match="steps"):
        optimizers.run(optimizers.make("sgd"), surfaces.get("bowl"), steps=bad)


def test_zero_steps_is_just_the_start():
    s = surfaces.get("bowl")
    tr = optimizers.run(optimizers.make("adam"), s, start=(1.0, 2.0), steps=0)
    np.testing.assert_array_equal(tr.path, [[1.0, 2.0]])
    np.testing.assert_array_equal(tr.loss, [s.value([1.0, 2.0])])
    assert tr.grads.shape == (0, 2) and tr.diverged_at is None


# Races.


def test_race_equals_separate_runs():
    s = surfaces.get("rosenbrock")
    opts = [optimizers.make(key) for key in KEYS]
    opts.append(optimizers.make("sgd", lr=0.5))  # diverges mid-race
    trs = optimizers.race(opts, s, start=(-1.5, 2.0), steps=200, noise=0.2, seed=7)
    assert [tr.optimizer for tr in trs] == opts
    assert trs[-1].diverged_at is not None
    for opt, tr in zip(opts, trs, strict=True):
        alone = optimizers.run(opt, s, start=(-1.5, 2.0), steps=200, noise=0.2, seed=7)
        assert tr.diverged_at == alone.diverged_at
        np.testing.assert_array_equal(tr.path, alone.path)
        np.testing.assert_array_equal(tr.loss, alone.loss)
        np.testing.assert_array_equal(tr.grads, alone.grads)
        assert tr.state.keys() == alone.state.keys()
        for name in tr.state:
            np.testing.assert_array_equal(tr.state[name], alone.state[name])


def test_race_of_batches_equals_separate_batches():
    s = surfaces.get("saddle")
    starts = np.random.default_rng(8).uniform(-2, 2, size=(4, 2))
    opts = [
        optimizers.make("adam", lr=[0.01, 0.1, 1.0, 100.0], amsgrad=[True, False, True, False]),
        optimizers.make("momentum", lr=0.05),
        optimizers.make("rmsprop", centered=np.array([True, True, False, False])),
    ]
    trs = optimizers.race(opts, s, start=starts, steps=120, noise=[0.0, 0.1, 0.2, 0.3], seed=[1, 2, 3, 4])
    for opt, tr in zip(opts, trs, strict=True):
        alone = optimizers.run(opt, s, start=starts, steps=120, noise=[0.0, 0.1, 0.2, 0.3], seed=[1, 2, 3, 4])
        for field in ("path", "loss", "grads", "diverged_at"):
            np.testing.assert_array_equal(getattr(tr, field), getattr(alone, field), err_msg=field)
        for name in tr.state:
            np.testing.assert_array_equal(tr.state[name], alone.state[name])


def test_race_shares_one_noise_sequence():
    s = surfaces.get("bowl")
    trs = optimizers.race([optimizers.make(k) for k in ("sgd", "adam", "lion")], s, start=(1.0, 1.0),
                          steps=50, noise=0.7, seed=2)
    draws = [tr.grads - s.grad(tr.path[:-1]) for tr in trs]
    for d in draws[1:]:
        np.testing.assert_allclose(d, draws[0], rtol=0, atol=1e-12)


def test_record_state_off_changes_nothing_else():
    s = surfaces.get("himmelblau")
    opt = optimizers.make("nadam", lr=[0.01, 0.1, 3.0])
    with_state = optimizers.run(opt, s, steps=80)
    without = optimizers.run(opt, s, steps=80, record_state=False)
    assert without.state == {}
    np.testing.assert_array_equal(with_state.path, without.path)
    np.testing.assert_array_equal(with_state.diverged_at, without.diverged_at)


def test_empty_race():
    assert optimizers.race([], surfaces.get("bowl"), start=(0.0, 1.0), steps=10) == []


# Divergence.


def test_diverged_rows_are_nan_from_their_divergence_while_others_continue():
    s = surfaces.get("bowl")
    lrs = np.array([0.01, 0.1, 0.05, 0.5, 0.079])
    tr = optimizers.run(optimizers.make("momentum", lr=lrs, momentum=0.0), s, steps=400)
    d = tr.diverged_at
    assert d.dtype.kind == "i"
    assert (d[[0, 2, 4]] == -1).all()
    assert 1 < d[3] < d[1] <= 400
    for row in range(len(lrs)):
        if d[row] < 0:
            assert np.isfinite(tr.path[:, row]).all() and np.isfinite(tr.loss[:, row]).all()
            assert np.isfinite(tr.grads[:, row]).all() and np.isfinite(tr.state["velocity"][:, row]).all()
            # still converging at the end, untouched by the rows that blew up
            assert np.linalg.norm(tr.path[-1, row]) < np.linalg.norm(tr.path[0, row])
            np.testing.assert_array_equal(tr.final[row], tr.path[-1, row])
            continue
        k = d[row]
        assert np.isfinite(tr.path[:k, row]).all() and np.abs(tr.path[:k, row]).max() <= 1e6
        assert np.isnan(tr.path[k:, row]).all() and np.isnan(tr.loss[k:, row]).all()
        assert np.isfinite(tr.grads[: k - 1, row]).all() and np.isnan(tr.grads[k - 1 :, row]).all()
        assert np.isnan(tr.state["velocity"][k - 1 :, row]).all()
        np.testing.assert_array_equal(tr.final[row], tr.path[k - 1, row])
        # The divergence step is the first one past the limit: lr 0.5 and 0.1 multiply y by
        # 1 − 25·lr each step, from 1.5.
        factor = abs(1 - 25 * lrs[row])
        assert 1.5 * factor ** (k - 1) <= 1e6 < 1.5 * factor**k * (1 + 1e-9)


def test_start_beyond_the_limit_diverges_at_zero():
    tr = optimizers.run(optimizers.make("sgd", lr=0.01), surfaces.get("bowl"), start=[[0.0, 1.0], [2e6, 0.0]],
                        steps=5)
    np.testing.assert_array_equal(tr.diverged_at, [-1, 0])
    assert np.isnan(tr.path[:, 1]).all()


def test_overflow_to_infinity_counts_as_divergence():
    """A step straight to inf or NaN (not just past 1e6) is caught the same way."""
    s = surfaces.get("rosenbrock")
    tr = optimizers.run(optimizers.make("sgd", lr=1e300), s, start=(-1.5, 2.0), steps=10)
    assert tr.diverged_at == 1 and tr.path.shape == (1, 2)
    tr = optimizers.run(optimizers.make("sgd", lr=[1e300, 1e-3]), s, start=(-1.5, 2.0), steps=10)
    np.testing.assert_array_equal(tr.diverged_at, [1, -1])


# Internals.


@pytest.mark.parametrize("key", KEYS)
def test_internals_hold_grad_step_and_state(key):
    s = surfaces.get("rosenbrock")
    tr = optimizers.run(optimizers.make(key), s, steps=40)
    out = optimizers.internals(tr)
    assert {"grad", "step", *optimizers.spec(key).state_names} <= set(out)
    np.testing.assert_array_equal(out["grad"], tr.grads)
    np.testing.assert_array_equal(out["step"], np.diff(tr.path, axis=0))
    for name in optimizers.spec(key).state_names:
        np.testing.assert_array_equal(out[name], tr.state[name])
    for name, arr in out.items():
        # Shaped like the position, or as the rule keeps it (a matrix, one number per run).
        assert arr.shape[0] == 40 and arr.shape[1:] in ((2,), (1,), (2, 2)), name
        assert np.isfinite(arr).all(), name


def test_adam_internals_are_bias_corrected_moments():
    s = surfaces.get("rosenbrock")
    b1, b2 = 0.8, 0.95
    tr = optimizers.run(optimizers.make("adam", lr=0.02, beta1=b1, beta2=b2), s, steps=60)
    out = optimizers.internals(tr)
    t = np.arange(1, 61)[:, None]
    np.testing.assert_allclose(out["exp_avg_hat"], tr.state["exp_avg"] / (1 - b1**t), rtol=1e-14)
    np.testing.assert_allclose(out["exp_avg_sq_hat"], tr.state["exp_avg_sq"] / (1 - b2**t), rtol=1e-14)
    # The step Adam took is −lr·m̂/(√v̂ + ε), from those very moments.
    expected = -0.02 * out["exp_avg_hat"] / (np.sqrt(out["exp_avg_sq_hat"]) + 1e-8)
    np.testing.assert_allclose(out["step"], expected, rtol=1e-12)


def test_batched_adam_internals_follow_each_row():
    s = surfaces.get("himmelblau")
    b1 = np.array([0.9, 0.5, 0.99, 0.9])
    flags = np.array([True, True, False, False])
    opt = optimizers.make("adam", lr=0.05, beta1=b1, bias_correction=flags, amsgrad=~flags)
    tr = optimizers.run(opt, s, steps=30)
    out = optimizers.internals(tr)
    t = np.arange(1, 31)
    for row in range(4):
        c1 = (1 - b1[row] ** t)[:, None] if flags[row] else 1.0
        np.testing.assert_allclose(out["exp_avg_hat"][:, row], tr.state["exp_avg"][:, row] / c1, rtol=1e-14)
        c2 = (1 - 0.999**t)[:, None] if flags[row] else 1.0
        np.testing.assert_allclose(out["max_exp_avg_sq_hat"][:, row], tr.state["max_exp_avg_sq"][:, row] / c2,
                                   rtol=1e-14)
    single = optimizers.internals(optimizers.run(_row_optimizer(opt, 1), s, steps=30))
    for name, arr in single.items():
        np.testing.assert_array_equal(out[name][:, 1], arr, err_msg=name)


# Property tests: anything in range runs cleanly, and batching never changes a number.


def _value(h, u):
    """The hyperparameter value at position u ∈ [0, 1] of its UI range (log-uniform where log)."""
    if h.log:
        return math.exp(math.log(h.ui_low) + u * (math.log(h.ui_high) - math.log(h.ui_low)))
    return min(h.ui_high, h.ui_low + u * (h.ui_high - h.ui_low))


@st.composite
def configurations(draw, key=None):
    key = key or draw(st.sampled_from(KEYS))
    hyper = {}
    for h in optimizers.spec(key).hypers:
        if h.is_flag:
            hyper[h.name] = draw(st.booleans())
        else:
            hyper[h.name] = _value(h, draw(st.floats(0.0, 1.0)))
    return key, hyper


@st.composite
def surface_and_start(draw):
    spec = surfaces.spec(draw(st.sampled_from(SURFACES)))
    params = {}
    if draw(st.booleans()):
        params = {p.name: float(draw(st.integers(int(p.ui_low), int(p.ui_high)))) if p.integer
                  else draw(st.floats(p.ui_low, p.ui_high)) for p in spec.params}
    s = surfaces.get(spec.key, **params)
    start = [draw(st.floats(lo, hi)) for lo, hi in s.bounds]
    return s, start


def _assert_clean(tr, s, steps):
    k = steps + 1 if tr.diverged_at is None else tr.diverged_at
    assert 1 <= k <= steps + 1
    assert tr.path.shape == (k, s.dim) and tr.loss.shape == (k,) and tr.grads.shape == (k - 1, s.dim)
    assert np.isfinite(tr.path).all() and np.abs(tr.path).max() <= optimizers.DIVERGENCE_LIMIT
    assert np.isfinite(tr.loss).all() and np.isfinite(tr.grads).all()
    for name, arr in tr.state.items():
        assert arr.shape[0] == k - 1 and arr.shape[1:] in ((s.dim,), (1,), (s.dim, s.dim)), name
    if tr.diverged_at is not None:
        assert tr.diverged_at < steps + 1


def _corner(spec, end):
    """Every numeric hyperparameter at one end of its UI range, every flag on (high) or off (low)."""
    hyper = {}
    for h in spec.hypers:
        if h.is_flag:
            hyper[h.name] = end == "high"
        else:
            hyper[h.name] = h.ui_high if end == "high" else h.ui_low
    return hyper


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("key", KEYS)
def test_extreme_configurations_run_cleanly(key, surface):
    """The ends of every UI range, and a learning rate far beyond it, on every surface: no warning,
    no exception, a finite path up to the divergence."""
    s = surfaces.get(surface)
    spec = optimizers.spec(key)
    runs = [
        (_corner(spec, "low"), s.default_start),
        (_corner(spec, "high"), s.default_start),
        (_corner(spec, "high"), s.bounds[:, 1]),
        ({**_corner(spec, "low"), "lr": 1e3}, s.default_start),
        ({"lr": 1e3}, s.bounds[:, 0]),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for hyper, start in runs:
            tr = optimizers.run(optimizers.make(key, **hyper), s, start=start, steps=70, noise=0.1, seed=1)
            _assert_clean(tr, s, 70)
            optimizers.internals(tr)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configurations(), where=surface_and_start(), steps=st.integers(1, 120),
       noise=st.sampled_from([0.0, 0.0, 0.01, 1.0]), seed=st.integers(0, 2**32 - 1))
def test_any_in_range_configuration_runs_cleanly(config, where, steps, noise, seed):
    (key, hyper), (s, start) = config, where
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = optimizers.make(key, **hyper)
        tr = optimizers.run(opt, s, start=start, steps=steps, noise=noise, seed=seed)
        out = optimizers.internals(tr)
    _assert_clean(tr, s, steps)
    k = len(tr.path) - 1
    for name, arr in out.items():
        assert arr.shape[0] == k and arr.shape[1:] in ((s.dim,), (1,), (s.dim, s.dim)), name


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), key=st.sampled_from(KEYS), where=surface_and_start(), n=st.integers(2, 4),
       steps=st.integers(1, 80), noisy=st.booleans())
def test_any_batch_equals_its_runs_one_by_one(data, key, where, n, steps, noisy):
    s, _ = where
    rows = [data.draw(configurations(key))[1] for _ in range(n)]
    starts = np.array([[data.draw(st.floats(lo, hi)) for lo, hi in s.bounds] for _ in range(n)])
    hyper = {name: np.array([r[name] for r in rows]) for name in rows[0]}
    noise = np.array([data.draw(st.sampled_from([0.0, 0.1, 1.0])) for _ in range(n)]) if noisy else 0.0
    seed = np.arange(n) + data.draw(st.integers(0, 1000)) if noisy else 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = optimizers.make(key, **hyper)
        tr = optimizers.run(opt, s, start=starts, steps=steps, noise=noise, seed=seed)
        assert_batch_equals_rows(tr, opt, s, starts, n, steps, noise, seed)
    for i in range(n):
        if tr.diverged_at[i] >= 0:
            assert np.isnan(tr.path[tr.diverged_at[i] :, i]).all()


# The race's steps, each on its own.


def test_rows_per_optimizer_follow_the_batch_of_starts_noise_or_hyperparameters():
    one, three = optimizers.make("sgd"), optimizers.make("sgd", lr=[0.1, 0.2, 0.3])
    alone = np.array([0.0, 1.0])
    assert _run._rows_per_optimizer([one, one], alone, 0.0, 0) == ([1, 1], [False, False])
    assert _run._rows_per_optimizer([one, three], alone, 0.0, 0) == ([1, 3], [False, True])
    assert _run._rows_per_optimizer([one, three], np.zeros((3, 2)), 0.0, 0) == ([3, 3], [True, True])
    assert _run._rows_per_optimizer([one], alone, 0.0, np.arange(4)) == ([4], [True])
    with pytest.raises(ValueError, match=r"batch sizes disagree: \[3, 4\]"):
        _run._rows_per_optimizer([three], alone, np.ones(4), 0)


def test_noise_rows_give_every_block_its_seeds_draws():
    # One seed: one sequence, shared by every row.
    sigma, draws = _run._noise_rows(0.5, 7, steps=4, dim=2, copies=3)
    assert sigma == 0.5
    np.testing.assert_array_equal(draws[:, 0], np.random.default_rng(7).standard_normal((4, 2)))
    assert draws.shape == (4, 1, 2)
    # Seeds (1, 2) and two optimizers: rows 0 and 2 see seed 1's noise, rows 1 and 3 seed 2's.
    sigma, draws = _run._noise_rows(np.array([0.1, 0.2]), np.array([1, 2]), steps=4, dim=2, copies=2)
    np.testing.assert_array_equal(sigma, [[0.1], [0.2], [0.1], [0.2]])
    for row, seed in enumerate([1, 2, 1, 2]):
        np.testing.assert_array_equal(draws[:, row], np.random.default_rng(seed).standard_normal((4, 2)))
    assert _run._noise_rows(0.0, 7, steps=4, dim=2, copies=3) == (0.0, None)


def test_check_divergence_finds_each_rows_first_bad_step_and_last_good_position():
    rec = _lockstep.Recorded(None, None, np.full(4, -1), np.full((4, 1), -9.0))
    positions = np.array([  # steps 5, 6, 7 of rows 0 (fine), 1 (past the limit at 7), 2 (inf at 5), 3 (NaN at 6)
        [[1.0], [1.0], [np.inf], [1.0]],
        [[2.0], [2.0], [0.0], [np.nan]],
        [[3.0], [2e6], [0.0], [1.0]],
    ])
    live = np.array([0, 1, 2, 3])
    keep = _lockstep.check_divergence(positions, live, 5, rec)
    np.testing.assert_array_equal(keep, [True, False, False, False])
    np.testing.assert_array_equal(rec.diverged, [-1, 7, 5, 6])
    # row 2 left at the chunk's first step: its last good position is the one before the chunk
    np.testing.assert_array_equal(rec.last_good[:, 0], [3.0, 2.0, -9.0, 1.0])


def test_advance_steps_every_row_and_records_each_step():
    """Three heavy-ball steps on the bowl (gradient (x, 25y)), written out by hand."""
    s = surfaces.get("bowl")
    lr, mu = 0.01, 0.5
    x = np.array([[-2.5, 1.5]])
    groups = _run._groups([optimizers.make("momentum", lr=lr, momentum=mu)], x, [1], None, 3, True)
    setting = _lockstep.Setting(s, None, None, False, True)
    work = _lockstep.Working(x, np.arange(1), 0.0, None, None)
    positions = np.empty((3, 1, 2))
    grads = _lockstep.advance(setting, work, groups, 1, positions)
    p, v = np.array([-2.5, 1.5]), None
    for t in range(3):
        g = np.array([p[0], 25.0 * p[1]])
        np.testing.assert_array_equal(grads[t][0], g)
        v = g if v is None else mu * v + g
        p = p + (-lr * v)
        np.testing.assert_array_equal(positions[t, 0], p)
        np.testing.assert_array_equal(groups[0].record["velocity"][t, 0], v)
    np.testing.assert_array_equal(work.x[0], p)


def test_without_paths_a_run_keeps_its_start_and_its_end():
    s = surfaces.get("bowl")
    full = optimizers.run(optimizers.make("adam", lr=[0.01, 0.1]), s, start=(-2.5, 1.5), steps=50)
    ends = optimizers.run(optimizers.make("adam", lr=[0.01, 0.1]), s, start=(-2.5, 1.5), steps=50,
                          record_path=False)
    np.testing.assert_array_equal(ends.path, [[[-2.5, 1.5]] * 2, full.path[-1]])
    np.testing.assert_array_equal(ends.loss, s.value(ends.path))
    lone = optimizers.run(optimizers.make("sgd", lr=0.01), s, start=(-2.5, 1.5), steps=50, record_path=False)
    np.testing.assert_array_equal(lone.path[0], [-2.5, 1.5])
