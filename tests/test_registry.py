"""The registry carries every fact about an optimizer: its state labels, its reference implementation
(what the golden tools record), its stability limit on a quadratic, and which optimizer "Add"
suggests. Each fact is checked against something outside the spec: the golden files on disk, runs
of the rule itself on a bowl, the state the rule actually keeps."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import golden_common  # noqa: E402
import make_golden  # noqa: E402
import make_golden_refs  # noqa: E402

KEYS = optimizers.names()


@pytest.mark.parametrize("key", KEYS)
def test_every_state_field_and_derived_quantity_has_a_label(key):
    spec = optimizers.spec(key)
    flags = {h.name: True for h in spec.hypers if h.is_flag}
    shown: dict = {}
    for setting in ({}, flags):  # with every flag on, too (AMSGrad keeps one more field)
        tr = optimizers.run(optimizers.make(key, lr=1e-3, **setting), surfaces.get("bowl"), steps=3)
        shown.update(optimizers.internals(tr))
    assert set(spec.state_names) <= set(shown)
    for name in shown:
        label = spec.label(name)
        assert name in ("grad", "step") or name in spec.state_labels, f"{key}: no label for {name!r}"
        assert label.strip()
    assert set(spec.state_labels) <= set(shown), f"{key}: labels for quantities the rule does not keep"


@pytest.mark.parametrize("key", KEYS)
def test_the_torch_equivalent_text_and_the_equivalent_agree(key):
    spec = optimizers.spec(key)
    assert bool(spec.torch_equivalent) == bool(spec.equivalent and spec.equivalent.is_torch)
    if spec.equivalent is not None:
        names = {h.name for h in spec.hypers}
        for case in spec.equivalent.cases:
            assert set(case.hyper) <= names, f"{key}-{case.label}: unknown hyperparameters"
            assert set(case.surface_keys) <= set(case.lr), f"{key}-{case.label}: a surface without a learning rate"
            assert set(case.surface_keys) <= set(golden_common.SURFACES)
        assert set(spec.equivalent.renames) <= names


def test_the_internals_panels_take_each_optimizers_own_labels():
    from playground.figures.internals import internals_figure

    def titles(key: str, **kw) -> list[str]:
        tr = optimizers.run(optimizers.make(key, lr=1e-3), surfaces.get("bowl"), steps=5)
        layout = internals_figure(optimizers.internals(tr), key, "#000000", None, **kw)["layout"]
        return [v["title"]["text"] for k, v in layout.items() if k.startswith("yaxis")]

    # The moving average keeps v, the heavy ball's velocity is b; Lion's m is a momentum.
    assert "velocity v" in titles("ema_momentum", optimizer="ema_momentum")
    assert "velocity b" in titles("momentum", optimizer="momentum")
    assert "momentum m" in titles("lion", optimizer="lion")
    assert titles("adam", optimizer="adam")[:3] == ["gradient g", "first moment m", "second moment v"]
    # Without the optimizer: the label most specs give.
    assert "velocity b" in titles("ema_momentum")


def _committed(name: str, provenance: str) -> list[dict]:
    cases = json.loads((ROOT / "tests" / "golden" / name).read_text())["cases"]
    return [{k: v for k, v in c.items() if k not in ("path", provenance)} for c in cases]


def test_the_torch_golden_tool_plans_exactly_the_committed_cases_in_order():
    planned = [golden_common.golden_fields(c) for c in golden_common.plan(make_golden.is_torch)]
    committed = _committed("torch_optim.json", "torch")
    assert [json.dumps(c) for c in planned] == [json.dumps(c) for c in committed]


def test_the_reference_golden_tool_plans_exactly_the_committed_cases():
    planned = [golden_common.golden_fields(c) for c in golden_common.plan(make_golden_refs.is_reference)]
    committed = _committed("reference_optimizers.json", "reference")
    assert sorted(json.dumps(c) for c in planned) == sorted(json.dumps(c) for c in committed)


def test_torch_arguments_follow_the_renames_the_betas_and_our_defaults():
    eq = optimizers.spec("rmsprop").equivalent
    assert eq.arguments({"lr": 0.1, "rho": 0.95}) == {"lr": 0.1, "alpha": 0.95}
    eq = optimizers.spec("nesterov").equivalent
    assert eq.arguments({"lr": 0.1}) == {"lr": 0.1, "momentum": 0.9, "nesterov": True}
    assert eq.arguments({"lr": 0.1, "momentum": 0.7})["momentum"] == 0.7
    eq = optimizers.spec("adam").equivalent
    assert eq.arguments({"lr": 0.1}) == {"lr": 0.1}  # the reference's own betas
    assert eq.arguments({"lr": 0.1, "beta2": 0.99}) == {"lr": 0.1, "betas": (0.9, 0.99)}
    assert eq.arguments({"lr": 0.1, "beta1": 0.8}) == {"lr": 0.1, "betas": (0.8, 0.999)}
    eq = optimizers.spec("schedule_free_sgd").equivalent
    assert eq.arguments({"lr": 0.1, "beta": 0.7, "warmup_steps": 20.0}) == {"lr": 0.1, "momentum": 0.7,
                                                                             "warmup_steps": 20}


# Stability limits: the rule itself, run on a bowl, must converge just below the spec's limit and
# diverge just above it.
STABLE = [key for key in KEYS if optimizers.spec(key).stability is not None]
BOWL = surfaces.get("bowl", a=1.0, b=25.0, angle=0.0)


@pytest.mark.parametrize("key", STABLE)
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_the_stability_limit_separates_converging_from_diverging_runs(key, beta):
    limit = optimizers.spec(key).stability
    over = {limit.over: beta} if limit.over else {}
    edge = float(limit.lr_max(25.0, np.float64(beta)))
    lrs = np.array([0.97 * edge, 1.03 * edge])
    tr = optimizers.run(optimizers.make(key, lr=lrs, **over), BOWL, start=(1.0, 1.0), steps=3000,
                        record_state=False)
    assert tr.diverged_at[0] < 0 and np.linalg.norm(tr.final[0]) < 1e-3, f"{key} β={beta}: below the limit"
    assert tr.diverged_at[1] >= 0, f"{key} β={beta}: above the limit it should diverge"


def test_polyaks_optimum_contracts_faster_than_its_neighbours():
    """Worst case over the two curvatures: a run along each axis of the bowl (L = 25, μ = 1)."""
    lr, beta = optimizers.spec("momentum").stability.optimum(25.0, 1.0)
    grid = [(lr * a, beta * b) for a in (0.8, 1.0, 1.25) for b in (0.8, 1.0, 1.2)]
    worst = []
    for start in ((1.0, 0.0), (0.0, 1.0)):
        tr = optimizers.run(optimizers.make("momentum", lr=np.array([g[0] for g in grid]),
                                            momentum=np.array([g[1] for g in grid])),
                            BOWL, start=start, steps=200, record_state=False)
        worst.append(np.where(tr.diverged_at < 0, np.linalg.norm(tr.final, axis=1), np.inf))
    assert np.max(worst, axis=0).argmin() == grid.index((lr, beta))


# Order carries no behaviour: the suggestion depends on the specs, not on the registry's order.


def test_the_suggestion_is_the_same_however_the_registry_is_ordered(monkeypatch):
    used_sets = [(), ("sgd",), ("sgd", "momentum", "rmsprop", "adam"), tuple(KEYS[:-1]), tuple(KEYS)]
    before = [optimizers.suggestion(u) for u in used_sets]
    assert before[2] == "nesterov"  # what "Add optimizer" appends to the default race
    assert before[-1] == before[0]  # every key used: the first suggestion again
    items = list(optimizers.REGISTRY.items())
    for seed in range(3):
        random.Random(seed).shuffle(items)
        monkeypatch.setattr(optimizers, "REGISTRY", dict(items))
        assert [optimizers.suggestion(u) for u in used_sets] == before
        assert optimizers.names() == [k for k, _ in items]  # the listing follows the registry


def test_reordering_the_registry_changes_only_the_listing(monkeypatch):
    """The default race, what "Add optimizer" adds (again and again) and the race it runs are the
    same whatever the registry's order."""
    from playground.model import actions
    from playground.model.experiment import default_experiment
    from playground.model.simulate import simulate

    def outcome():
        exp = default_experiment()
        grown = [exp]
        for _ in range(4):
            grown.append(actions.apply(grown[-1], actions.Add()))
        race = simulate(grown[-1])
        return [e.entries for e in grown], [tr.path.tolist() for tr in race.trajectories]

    before = outcome()
    assert [e.optimizer for e in before[0][-1]] == ["sgd", "momentum", "rmsprop", "adam", "nesterov",
                                                    "ema_momentum", "adagrad", "adadelta"]
    items = list(optimizers.REGISTRY.items())
    for seed in range(2):
        random.Random(seed).shuffle(items)
        monkeypatch.setattr(optimizers, "REGISTRY", dict(items))
        assert outcome() == before


# Registration is one line: a throwaway optimizer module in a copy of the package, its name added to
# MODULES, and everything that reads the registry sees it.

SIGN_SGD = textwrap.dedent('''
    from typing import NamedTuple

    import numpy as np

    from . import _hypers
    from ._spec import OptimizerSpec

    RULE = r"""
    \\begin{aligned}
    x_t &= x_{t-1} - \\eta\\, \\operatorname{sign}(g_t)
    \\end{aligned}
    """


    class State(NamedTuple):
        pass


    def init(x, hp):
        return State()


    def update(g, state, x, t, hp):
        return -hp["lr"] * np.sign(g), state


    SPEC = OptimizerSpec(key="signsgd", name="Sign descent", hypers=(_hypers.lr(1e-3),), rule_latex=RULE,
                         init=init, update=update, reference="Bernstein et al. (2018)",
                         summary="Steps η along the sign of each coordinate's gradient.")
''')

CHECKS = textwrap.dedent('''
    import sys
    import numpy as np
    from streamlit.testing.v1 import AppTest

    import optimizers
    import surfaces
    from playground.model import defaults
    from playground.model.experiment import Entry, Experiment
    from playground.model.link import decode, to_query_string

    copy, app = sys.argv[1], sys.argv[2]
    assert optimizers.__file__.startswith(copy), optimizers.__file__
    assert "signsgd" in optimizers.names()

    # The link round trip, with and without an lr of its own.
    for entry in (Entry("signsgd", (("lr", 0.02),)), Entry("signsgd")):
        exp = Experiment(surface_key="rosenbrock", entries=(Entry("adam"), entry))
        again, warnings = decode(to_query_string(exp))
        assert warnings == [], warnings
        # The same race: the entries resolve to the same hyperparameters (a link may write a default out).
        same = [dict(again.resolve(a).hyper) == dict(exp.resolve(b).hyper) for a, b in zip(again.entries, exp.entries)]
        assert [e.optimizer for e in again.entries] == ["adam", "signsgd"] and all(same), again.entries
        assert "signsgd" in to_query_string(exp)

    # A sensible default learning rate on every surface: on the rule's grid, the race moves and stays.
    for key in surfaces.names():
        lr = defaults.default_lr("signsgd", key)
        assert lr in defaults.LR_GRID, (key, lr)
        s = surfaces.get(key)
        tr = optimizers.run(optimizers.make("signsgd", lr=lr), s, steps=300)
        span = np.asarray(s.bounds, dtype=float)
        far = np.linalg.norm(tr.path - tr.path[0], axis=1).max()
        assert tr.diverged_at is None and far >= 0.02 * np.linalg.norm(span[:, 1] - span[:, 0]), (key, lr, far)
    # Sign descent steps η·√2 on a plane: 2% of the bowl's 8.49 diagonal allows η ≤ 0.12, so 0.1.
    assert defaults.default_lr("signsgd", "bowl") == 0.1
    assert defaults.default_lr("signsgd", "custom") in defaults.LR_GRID

    # The page: the sidebar offers it, a link opens it, the Equations view shows its rule.
    at = AppTest.from_file(app, default_timeout=120)
    at.query_params["opt"] = "signsgd:lr=0.02"
    at.query_params["view"] = "equations"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    offered = [w for w in at.selectbox if str(w.key).endswith("-opt")]
    assert offered and all("Sign descent" in w.options for w in offered), [w.options for w in offered]
    assert offered[0].value == "signsgd"
    shown = [el.value for el in at.get("latex")] + [el.value for el in at.markdown]
    assert any("operatorname{sign}" in text for text in shown), shown
    print("REGISTERED OK")
''')


def test_registering_an_optimizer_is_one_line(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "optimizers", copy / "optimizers", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "optimizers" / "signsgd.py").write_text(SIGN_SGD)
    init = copy / "optimizers" / "__init__.py"
    text = init.read_text()
    assert text.count('    "newton",\n)') == 1
    init.write_text(text.replace('    "newton",\n)', '    "newton",\n    "signsgd",\n)'))  # the one line
    changed = [line for line in init.read_text().splitlines() if line not in text.splitlines()]
    assert changed == ['    "signsgd",']
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(copy), str(ROOT)])}

    def run(*args: str, cwd: Path = copy) -> str:
        done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout

    # Every generic test's parametrisation sees it (the copy comes first on the path).
    collected = run("-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
                    "-o", f"pythonpath={copy}", str(ROOT / "tests" / "test_optimizers.py"),
                    str(ROOT / "tests" / "test_run.py"), str(ROOT / "tests" / "test_equations.py"))
    for name in ("test_optimizers.py", "test_run.py", "test_equations.py"):
        assert any(name in line and "signsgd" in line for line in collected.splitlines()), name
    # The golden tool lists it (it has no reference implementation to record).
    listed = run(str(ROOT / "tools" / "make_golden.py"), "--dry-run")
    assert "signsgd: no reference implementation" in listed
    assert run(str(ROOT / "tools" / "make_golden_refs.py"), "--dry-run").count("signsgd") == 1
    # The links, the page and the suggested learning rates.
    script = tmp_path / "checks.py"
    script.write_text(CHECKS)
    assert "REGISTERED OK" in run(str(script), str(copy), str(ROOT / "app.py"))
