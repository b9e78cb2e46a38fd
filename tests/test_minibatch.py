"""Mini-batches in the runner: each epoch visits every point once, in a fresh order drawn from the
seed; the whole batch is the full gradient; batched runs equal their rows one by one; noise and
mini-batches compose.
"""

from typing import NamedTuple

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import _hypers
from optimizers._minibatch import MiniBatches
from optimizers._spec import OptimizerSpec, build

LINEAR = surfaces.get("linear_regression", n=24, feature_scale=2.0, noise=0.5, seed=1)
LOGISTIC = surfaces.get("logistic_regression", n=40, separation=2.0, l2=0.05, seed=3)


def _points_used_by_sgd(tr, s, lr):
    """Which point each step of plain SGD with batch size 1 used, read back from the step taken.

    On the line fit the one-point gradient is 2 r (x_i, 1): the ratio of its components is x_i.
    """
    g = -np.diff(tr.path, axis=0) / lr
    x = s.data.x
    ratio = g[:, 0] / g[:, 1]
    used = np.abs(ratio[:, None] - x[None, :]).argmin(axis=1)
    np.testing.assert_allclose(x[used], ratio, rtol=1e-9, atol=1e-9)
    return used


def test_each_epoch_visits_every_point_once_in_a_new_order():
    lr = 0.01
    tr = optimizers.run(optimizers.make("sgd", lr=lr), LINEAR, steps=24 * 4, batch_size=1, seed=5)
    used = _points_used_by_sgd(tr, LINEAR, lr).reshape(4, 24)
    for epoch in used:
        assert sorted(epoch.tolist()) == list(range(24))
    assert len({tuple(e) for e in used}) == 4, "each epoch is reshuffled"
    assert used[0].tolist() != list(range(24))


def test_an_uneven_last_batch_and_the_epoch_boundary():
    batches = MiniBatches(10, 4, 0)
    epoch = [batches.at(t)[0] for t in (1, 2, 3)]
    assert [len(b) for b in epoch] == [4, 4, 2]
    assert sorted(np.concatenate(epoch).tolist()) == list(range(10))
    nxt = np.concatenate([batches.at(t)[0] for t in (4, 5, 6)])
    assert sorted(nxt.tolist()) == list(range(10)) and nxt.tolist() != np.concatenate(epoch).tolist()


@pytest.mark.parametrize("s", [LINEAR, LOGISTIC], ids=["linear", "logistic"])
@pytest.mark.parametrize(("key", "lr"), [("sgd", 0.05), ("momentum", 0.01), ("adam", 0.05), ("rmsprop", 0.01)])
def test_the_whole_batch_is_the_full_gradient(s, key, lr):
    opt = optimizers.make(key, lr=lr)
    full = optimizers.run(opt, s, steps=300)
    whole = optimizers.run(opt, s, steps=300, batch_size=len(s.data.y), seed=9)
    scale = np.abs(full.path).max()
    np.testing.assert_allclose(whole.path, full.path, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(whole.grads, full.grads, rtol=0, atol=1e-12 * max(1.0, np.abs(full.grads).max()))
    # batch_size=None is exactly the full gradient at every position.
    np.testing.assert_array_equal(full.grads, s.grad(full.path[:-1]))


def test_a_mini_batch_gradient_differs_from_the_full_one():
    opt = optimizers.make("sgd", lr=0.05)
    tr = optimizers.run(opt, LINEAR, steps=50, batch_size=4)
    full = LINEAR.grad(tr.path[:-1])
    assert np.abs(tr.grads - full).max() > 1e-3
    # …and averages to it over an epoch at a fixed point (a step of 1e-300 moves nothing): the
    # 6 batches of 4 cover the 24 points.
    fixed = optimizers.run(optimizers.make("sgd", lr=1e-300), LINEAR, start=(0.3, -0.2), steps=6, batch_size=4)
    np.testing.assert_allclose(fixed.grads.mean(axis=0), LINEAR.grad([0.3, -0.2]), rtol=1e-12, atol=1e-13)


def test_same_seed_same_path_other_seed_other_path():
    opt = optimizers.make("adam", lr=0.05)
    a = optimizers.run(opt, LOGISTIC, steps=200, batch_size=5, seed=11)
    b = optimizers.run(opt, LOGISTIC, steps=200, batch_size=5, seed=11)
    c = optimizers.run(opt, LOGISTIC, steps=200, batch_size=5, seed=12)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.array_equal(a.path, c.path)


def test_batched_rows_equal_their_runs_one_by_one():
    lrs = np.array([0.005, 0.02, 0.05, 50.0])  # the last one diverges early
    seeds = np.array([3, 4, 5, 6])
    noise = np.array([0.0, 0.3, 0.0, 0.3])
    batched = optimizers.run(optimizers.make("momentum", lr=lrs), LINEAR, steps=150, batch_size=3, seed=seeds,
                             noise=noise)
    assert batched.diverged_at[3] > 0 and (batched.diverged_at[:3] == -1).all()
    for i in range(4):
        one = optimizers.run(optimizers.make("momentum", lr=float(lrs[i])), LINEAR, steps=150, batch_size=3,
                             seed=int(seeds[i]), noise=float(noise[i]))
        k = len(one.path)
        np.testing.assert_array_equal(batched.path[:k, i], one.path)
        np.testing.assert_array_equal(batched.grads[: k - 1, i], one.grads)


def test_one_seed_gives_every_optimizer_of_a_race_the_same_batches():
    opts = [optimizers.make("sgd", lr=0.02), optimizers.make("adam", lr=0.05), optimizers.make("sgd", lr=0.02)]
    race = optimizers.race(opts, LINEAR, (-2.0, -2.0), steps=80, batch_size=2, seed=7)
    np.testing.assert_array_equal(race[0].path, race[2].path)
    for opt, tr in zip(opts, race, strict=True):
        np.testing.assert_array_equal(tr.path, optimizers.run(opt, LINEAR, steps=80, batch_size=2, seed=7).path)


def test_noise_adds_to_the_mini_batch_gradient():
    opt = optimizers.make("sgd", lr=0.02)
    clean = optimizers.run(opt, LINEAR, start=(0.5, 0.5), steps=1, batch_size=6, seed=2)
    noisy = optimizers.run(opt, LINEAR, start=(0.5, 0.5), steps=1, batch_size=6, seed=2, noise=0.7)
    draw = np.random.default_rng(2).standard_normal((1, 2))
    np.testing.assert_allclose(noisy.grads - clean.grads, 0.7 * draw, rtol=1e-12)


@pytest.mark.parametrize("bad", [0, -1, 25, 2.5, True, "4"])
def test_bad_batch_sizes_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="batch_size"):
        optimizers.run(optimizers.make("sgd"), LINEAR, steps=3, batch_size=bad)


def test_batch_size_needs_data_points():
    with pytest.raises(ValueError, match="batch_size needs a surface with data points"):
        optimizers.run(optimizers.make("sgd"), surfaces.get("bowl"), steps=3, batch_size=4)


class _Probe(NamedTuple):
    first: np.ndarray
    again: np.ndarray


def _probe_update(g, state, x, t, hp, oracle):
    # Ask for the gradient once more at the very same point: it must be the step's own gradient.
    return np.zeros_like(x), _Probe(g, oracle.grad(x.copy()))


PROBE = OptimizerSpec(
    key="probe", name="Probe", hypers=(_hypers.lr(1.0),), rule_latex="", reference="", summary="",
    init=lambda x, hp: _Probe(np.zeros_like(x), np.zeros_like(x)), update=_probe_update, uses_oracle=True,
)


@pytest.mark.parametrize("noise", [0.0, 0.4])
def test_a_rules_extra_gradient_sees_the_steps_own_mini_batch_and_noise(noise):
    opt = build(PROBE, lr=np.array([1.0, 1.0, 1.0]))
    tr = optimizers.run(opt, LINEAR, start=[(0.3, -0.2)] * 3, steps=40, batch_size=3, seed=np.array([1, 2, 3]),
                        noise=noise)
    np.testing.assert_array_equal(tr.state["again"], tr.state["first"])
    np.testing.assert_array_equal(tr.state["first"], tr.grads)
    # The batches really change from step to step (else the check above would be empty).
    assert len({tuple(g) for g in tr.grads[:, 0]}) > 30


def test_drawing_epochs_ahead_changes_no_order(monkeypatch):
    def orders(steps=None):
        b = MiniBatches(7, 3, np.array([4, 5]), steps)
        return np.concatenate([b.at(t) for t in range(1, 40)], axis=1)

    lazily = orders()
    monkeypatch.setattr(MiniBatches, "AHEAD", 1)  # one epoch at a time
    np.testing.assert_array_equal(orders(), lazily)
    monkeypatch.setattr(MiniBatches, "BUDGET", 1)
    np.testing.assert_array_equal(orders(), lazily)
    np.testing.assert_array_equal(orders(steps=39), lazily)
    # One epoch at a time, by hand: each seed's stream gives permutation after permutation.
    rng = np.random.default_rng(np.random.SeedSequence(4, spawn_key=(1,)))
    by_hand = np.concatenate([rng.permutation(7) for _ in range(13)])
    np.testing.assert_array_equal(lazily[0], by_hand[:len(lazily[0])])
