"""The suggested learning rates keep their promise, the committed table is the rule's, and released
tables never change.

The promise (``playground/model/defaults.py``): every optimizer's suggested run on every surface,
over the rule's whole horizon (1,000 steps, twice the default race), does not diverge, stays in the
window and moves visibly (at some step at least 2% of the window's diagonal from its start). Rules
whose η scales a step they size themselves (Newton, Prodigy) keep their default everywhere; for them
the promise is only that they do not diverge (Newton cannot move where the Hessian vanishes, on the
piecewise-linear slope, nor off the top of Himmelblau's hill).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import statistics
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces
from playground.model import defaults
from tools import make_lr_table

SURFACES = surfaces.names()
TABLES = Path(defaults.__file__).resolve().parent


@functools.cache
def swept(surface_key: str) -> tuple[dict[str, np.ndarray], dict]:
    """One race of the rule's horizon per surface, shared by the two tests below: each optimizer at
    its suggested rate (the first row), at every larger rate of the grid and at the rate just below
    it (the last row). The rule picks the largest rate that passes with the one below it, so the
    smaller rates need not run; ``tools/make_lr_table.py --check`` sweeps the whole grid. Newton and
    Prodigy at their default."""
    row = defaults.CURRENT_LR_TABLE[surface_key]
    grid = np.array(defaults.LR_GRID)
    rates = {k: np.concatenate([grid[grid >= row[k]], grid[grid < row[k]][-1:]])
             if optimizers.spec(k).lr_per_surface else np.array([row[k]]) for k in optimizers.names()}
    assert all(r[0] == row[k] for k, r in rates.items()), "a suggested rate off the grid"
    return rates, dict(zip(rates, defaults.sweep(surface_key, rates), strict=True))


@pytest.mark.parametrize("surface_key", SURFACES)
def test_every_suggested_run_is_safe_over_the_rules_horizon_and_moves_visibly(surface_key):
    s = surfaces.get(surface_key)
    bounds = np.asarray(s.bounds, dtype=float)
    diagonal = np.linalg.norm(bounds[:, 1] - bounds[:, 0])
    rates, runs = swept(surface_key)
    for key, tr in runs.items():
        assert rates[key][0] == defaults.default_lr(key, surface_key) and len(tr.path) == 1001
        path = tr.path[:, 0]
        assert tr.diverged_at[0] < 0, f"{key} diverges on {surface_key} at step {tr.diverged_at[0]}"
        if not optimizers.spec(key).lr_per_surface:
            continue
        farthest = np.linalg.norm(path - path[0], axis=1).max()
        assert farthest >= 0.02 * diagonal, f"{key} hardly moves on {surface_key} ({farthest / diagonal:.2%})"
        assert np.all((path >= bounds[:, 0]) & (path <= bounds[:, 1])), f"{key} leaves the window"


def test_the_rule_by_hand_on_the_bowl_and_the_slope():
    # Bowl (a = 1, b = 25, window 6 × 6, diagonal 8.485) from (−2.5, 1.5): gradient descent is stable
    # for η < 2/25 = 0.08, so 0.1 diverges. At 0.05 the first step is η·|∇f| = 0.05·|(−2.5, 37.5)| =
    # 1.879, 22% of the diagonal (≤ 25%); the second, from (−2.375, −0.375), is 0.05·|(−2.375, −9.375)|
    # = 0.48, 6% (≤ 15%); then y shrinks by |1 − 25η| = 0.25 a step and the run settles: 0.05.
    assert defaults.rule_lr("sgd", "bowl") == 0.05
    # Slope (gradient 1 right of the kink, −0.1 left of it; window 3.2 wide): gradient descent never
    # stops, it bounces across the kink with steps of up to η. Settled steps of at most 2% of 3.2
    # allow η ≤ 0.064: 0.05 (0.1 would bounce with steps of 3%).
    assert defaults.rule_lr("sgd", "slope") == 0.05


@pytest.mark.parametrize("surface_key", SURFACES)
def test_the_committed_rows_are_what_the_rule_gives(surface_key):
    """A surface whose window or default start changed needs a new table (``tools/make_lr_table.py``);
    this says which rates moved."""
    rates, runs = swept(surface_key)
    surface = surfaces.get(surface_key)
    assert defaults.CURRENT_LR_TABLE[surface_key].keys() == set(optimizers.names())
    unsure = []
    for key, tr in runs.items():
        if not optimizers.spec(key).lr_per_surface:
            assert rates[key][0] == optimizers.spec(key).defaults["lr"]
            continue
        _, calm, visible = defaults.measure(surface, tr.path, tr.diverged_at)
        passes = calm & visible
        # In grid order from the rate below the suggested one: a rate is chosen with the one below it.
        ordered = np.roll(passes, 1)
        steady = ordered[1:] & ordered[:-1]
        # No rate below, or the rule fell back to another choice (see defaults.choose): sweep it all.
        if rates[key][-1] > rates[key][0] or not steady[0]:
            unsure.append(key)
            continue
        assert not steady[1:].any(), f"{surface_key}/{key}: the rule gives {rates[key][:-1][steady].max()}"
    for key in unsure:
        assert defaults.rule_lr(key, surface_key) == rates[key][0], f"{surface_key}/{key}"


def test_the_custom_row_is_the_median_over_the_planar_surfaces():
    table = defaults.CURRENT_LR_TABLE
    planar = [s for s in SURFACES if surfaces.get(s).dim == 2]
    assert set(table) == {*SURFACES, "custom"}
    for key in optimizers.names():
        assert table["custom"][key] == statistics.median_low([table[s][key] for s in planar])
        assert defaults.default_lr(key, "custom") == table["custom"][key]
        assert defaults.default_lr(key, "a surface nobody registered") == table["custom"][key]


def test_a_registered_surface_the_table_does_not_list_gets_the_rules_rate_not_the_custom_row(monkeypatch):
    # As if Rosenbrock had been registered after the table was written.
    table = defaults._frozen({s: dict(r) for s, r in defaults.CURRENT_LR_TABLE.items() if s != "rosenbrock"})
    monkeypatch.setattr(defaults, "CURRENT_LR_TABLE", table)
    assert defaults.lookup(table, "sgd", "rosenbrock") is None
    assert defaults.lookup(table, "sgd", "custom") == table["custom"]["sgd"] == 0.05
    # The rule gives 0.001 there (independently of the table: the row the table had).
    assert defaults.default_lr("sgd", "rosenbrock") == defaults.rule_lr("sgd", "rosenbrock") == 0.001
    # Tables 1 and 2 lent their custom row to any surface they did not list; their links keep that.
    v2 = defaults._frozen({s: dict(r) for s, r in defaults.LR_TABLE_V2.items()})
    assert defaults.lookup(v2, "sgd", "rosenbrock") == 0.0005
    assert defaults.lookup(defaults.LR_TABLE_V1, "sgd", "sharp_flat") == defaults.LR_TABLE_V1["custom"]["sgd"]


def test_every_rate_is_on_the_grid_and_the_spec_default_where_the_rule_does_not_apply():
    for row in defaults.CURRENT_LR_TABLE.values():
        for key, lr in row.items():
            if optimizers.spec(key).lr_per_surface:
                assert lr in defaults.LR_GRID
            else:
                assert lr == optimizers.spec(key).defaults["lr"]


# The released tables' files as committed: links name them, so not one byte may change.
RELEASED = {
    1: "b1b41cad82a60645ddeba0889ed6b0f0607931146ffef736af082f1a44fadd8d",
    2: "e8eec76af02749063fc76924698f47a5634994d7233247bcdc77b2535342c374",
}


@pytest.mark.parametrize("version", sorted(RELEASED))
def test_a_released_table_file_is_unchanged(version):
    data = (TABLES / f"lr_table_v{version}.py").read_bytes()
    assert hashlib.sha256(data).hexdigest() == RELEASED[version]
    assert defaults.LR_TABLES[version] == ast.literal_eval(data.decode().split("TABLE = ", 1)[1])


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


def test_the_version_2_table_keeps_the_crawling_rates_its_links_meant():
    v2 = defaults.LR_TABLES[2]
    assert v2["bowl"]["sgd"] == 0.002 and v2["rosenbrock"]["sgd"] == 0.0005 and v2["rosenbrock"]["adam"] == 0.05
    assert v2["custom"]["sgd"] == 0.005 and defaults.CURRENT_LR_VERSION == 3 and sorted(defaults.LR_TABLES) == [1, 2, 3]


def test_the_older_name_gives_the_same_rates():
    assert defaults.learning_rate("rosenbrock", "adam") == defaults.default_lr("adam", "rosenbrock")


# --- tools/make_lr_table.py ---------------------------------------------------------------------------


def rule_table(change: float = 1.0) -> dict[str, dict[str, float]]:
    """The current table as the tool's sweep would return it, Adam's rates times ``change``."""
    return {s: {k: v * change if k == "adam" else v for k, v in row.items()}
            for s, row in defaults.CURRENT_LR_TABLE.items()}


@pytest.fixture
def tool(monkeypatch, tmp_path):
    """The tool writing into ``tmp_path``, its sweep replaced by the current table."""
    monkeypatch.setattr(make_lr_table, "TABLES", tmp_path)
    monkeypatch.setattr(make_lr_table, "compute", rule_table)
    return make_lr_table


def test_the_tool_writes_a_new_version_only_when_a_row_would_change(tool, monkeypatch, tmp_path):
    assert tool.main([]) == 0 and list(tmp_path.iterdir()) == []
    monkeypatch.setattr(tool, "compute", lambda: rule_table(2.0))
    assert tool.main([]) == 0
    written = tmp_path / f"lr_table_v{defaults.CURRENT_LR_VERSION + 1}.py"
    assert [p.name for p in tmp_path.iterdir()] == [written.name]
    text = written.read_text()
    assert f"version {defaults.CURRENT_LR_VERSION + 1}:" in text
    assert ast.literal_eval(text.split("TABLE = ", 1)[1]) == rule_table(2.0)


def test_the_tool_refuses_to_write_a_released_table(tool, monkeypatch, tmp_path):
    monkeypatch.setattr(tool, "compute", lambda: rule_table(2.0))
    for version in defaults.LR_TABLES:
        assert tool.main(["--version", str(version)]) == 2
        with pytest.raises(ValueError, match="released"):
            tool.write(rule_table(2.0), version)
    assert list(tmp_path.iterdir()) == []


def test_the_tools_check_fails_when_the_current_table_is_not_the_rules(tool, monkeypatch, tmp_path):
    assert tool.main(["--check"]) == 0
    monkeypatch.setattr(tool, "compute", lambda: rule_table(2.0))
    assert tool.main(["--check"]) == 1
    assert list(tmp_path.iterdir()) == []
