"""The suggested learning rates keep their promise, and the committed table is the rule's.

The promise (``playground/model/defaults.py``): every optimizer's default race on every surface moves
visibly (at some step at least 2% of the window's diagonal from its start), stays in the window and
does not diverge. Rules whose η scales a step they size themselves (Newton, Prodigy) keep their
default everywhere; for them the promise is only that they do not diverge (Newton cannot move where
the Hessian vanishes, on the piecewise-linear slope, nor off the top of Himmelblau's hill).
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest

import optimizers
import surfaces
from playground.model import defaults

SURFACES = surfaces.names()


@pytest.mark.parametrize("surface_key", SURFACES)
def test_every_default_race_moves_visibly_stays_in_the_window_and_does_not_diverge(surface_key):
    s = surfaces.get(surface_key)
    bounds = np.asarray(s.bounds, dtype=float)
    diagonal = np.linalg.norm(bounds[:, 1] - bounds[:, 0])
    keys = optimizers.names()
    runs = optimizers.race([optimizers.make(k, lr=defaults.default_lr(k, surface_key)) for k in keys], s,
                           s.default_start, steps=300, record_state=False)
    for key, tr in zip(keys, runs, strict=True):
        assert tr.diverged_at is None, f"{key} diverges on {surface_key}"
        if not optimizers.spec(key).lr_per_surface:
            continue
        farthest = np.linalg.norm(tr.path - tr.path[0], axis=1).max()
        assert farthest >= 0.02 * diagonal, f"{key} hardly moves on {surface_key} ({farthest / diagonal:.2%})"
        assert np.all((tr.path >= bounds[:, 0]) & (tr.path <= bounds[:, 1])), f"{key} leaves the window"


def test_the_rule_by_hand_on_the_bowl_and_the_slope():
    # Gradient descent's longest step is its first, η·|∇f(start)|. Bowl (a = 1, b = 25, window 6 × 6)
    # from (−2.5, 1.5): |∇f| = |(−2.5, 37.5)| = 37.58, so 2% of the diagonal 8.485 allows η ≤ 0.00452:
    # 0.002 on the grid (and 0.002 < 2/L = 0.08, stable). Slope (gradient 1 at the start x = 2,
    # window 3.2 wide): η ≤ 0.064, so 0.05.
    assert defaults.rule_lr("sgd", "bowl") == 0.002
    assert defaults.rule_lr("sgd", "slope") == 0.05


@pytest.mark.parametrize("surface_key", SURFACES)
def test_the_committed_rows_are_what_the_rule_gives(surface_key):
    """A surface whose window or default start changed needs the table regenerated
    (``tools/make_lr_table.py``); this says which."""
    assert defaults.rule_lrs(surface_key, optimizers.names()) == dict(defaults.CURRENT_LR_TABLE[surface_key])


def test_the_custom_row_is_the_median_over_the_planar_surfaces():
    table = defaults.CURRENT_LR_TABLE
    planar = [s for s in SURFACES if surfaces.get(s).dim == 2]
    assert set(table) == {*SURFACES, "custom"}
    for key in optimizers.names():
        assert table["custom"][key] == statistics.median_low([table[s][key] for s in planar])
        assert defaults.default_lr(key, "custom") == table["custom"][key]
        assert defaults.default_lr(key, "a surface nobody registered") == table["custom"][key]


def test_every_rate_is_on_the_grid_and_the_spec_default_where_the_rule_does_not_apply():
    for row in defaults.CURRENT_LR_TABLE.values():
        for key, lr in row.items():
            if optimizers.spec(key).lr_per_surface:
                assert lr in defaults.LR_GRID
            else:
                assert lr == optimizers.spec(key).defaults["lr"]


def test_the_version_1_table_is_todays_hand_picked_one_unchanged():
    v1 = defaults.LR_TABLE_V1
    # Values as they were typed, and the rules that borrowed a relative's rates.
    assert v1["bowl"]["sgd"] == 0.05 and v1["rosenbrock"]["nadam"] == 0.05 and v1["rosenbrock"]["adabelief"] == 0.01
    assert v1["linear_regression"]["radam"] == 0.1 and v1["slope"]["adagrad"] == 0.06
    assert v1["bowl"]["sam"] == v1["bowl"]["momentum"] == 0.01
    assert v1["beale"]["schedule_free_sgd"] == v1["beale"]["sgd"] == 0.01
    assert v1["himmelblau"]["yogi"] == v1["himmelblau"]["adam"] == 0.05
    assert v1["saddle"]["newton"] == v1["saddle"]["prodigy"] == 1.0
    assert set(v1) == {"bowl", "slope", "rosenbrock", "beale", "himmelblau", "saddle", "double_well", "rastrigin",
                       "linear_regression", "logistic_regression", "custom"}
    # A surface the old table did not list took its custom row.
    assert defaults.lookup(v1, "sgd", "sharp_flat") == v1["custom"]["sgd"] == 0.01
    assert defaults.LR_TABLES[1] is v1 and defaults.CURRENT_LR_TABLE is defaults.LR_TABLES[defaults.CURRENT_LR_VERSION]


def test_the_older_name_gives_the_same_rates():
    assert defaults.learning_rate("rosenbrock", "adam") == defaults.default_lr("adam", "rosenbrock")
