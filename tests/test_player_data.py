"""The race player's payload: what the browser is sent equals what the core computed, every step.

The expected numbers come from ``simulate`` (the core), decoded here independently of the player's
JavaScript (NumPy reads the same little-endian float32 and uint16 bytes).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace

import numpy as np
import pytest

import optimizers
import surfaces
from playground import figures
from playground.figures import player_data, player_script
from playground.model.datapanel import data_panel
from playground.model.link import decode
from playground.model.simulate import simulate
from playground.page import player


def f32(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float64)


@pytest.fixture(scope="module")
def race():
    exp, warnings = decode("surface=bowl:b=10&opt=adam:lr=0.05;sgd:lr=0.25&steps=300")
    assert not warnings
    return simulate(exp)


def test_every_step_of_every_run_is_sent_as_float32(race):
    data = player_data.payload(race, "race", figures.backdrop(race.surface, figures.Theme()))
    assert data["steps"] == 300 and data["dim"] == 2 and data["layout"] == "race"
    assert [r["label"] for r in data["runs"]] == race.labels
    assert [r["color"] for r in data["runs"]] == race.colors
    for run, tr in zip(data["runs"], race.trajectories, strict=True):
        path = f32(run["path"]).reshape(-1, 2)
        assert path.shape == tr.path.shape
        np.testing.assert_array_equal(path, tr.path.astype(np.float32))
        np.testing.assert_array_equal(f32(run["loss"]), tr.loss[: len(tr.path)].astype(np.float32))
        assert run["diverged_at"] == tr.diverged_at
    assert data["runs"][1]["diverged_at"] is not None, "lr 0.25 on this bowl diverges (limit 2/10)"
    json.dumps(data, allow_nan=False)  # plain JSON: no NaN or infinity reaches the page


def test_iso_lines_survive_the_16_bit_round_trip(race):
    drop = figures.backdrop(race.surface, figures.Theme())
    data = player_data.payload(race, "race", drop)
    q = np.frombuffer(base64.b64decode(data["iso"]), dtype="<u2").reshape(-1, 2).astype(np.float64)
    want = np.stack([np.array([np.nan if v is None else v for v in drop.iso_x]),
                     np.array([np.nan if v is None else v for v in drop.iso_y])], axis=-1)
    breaks = q == 65535
    np.testing.assert_array_equal(breaks, ~np.isfinite(want))
    (x0, x1), (y0, y1) = race.surface.bounds
    got = np.where(breaks, np.nan, np.array([x0, y0]) + q / 65534 * np.array([x1 - x0, y1 - y0]))
    ok = ~breaks
    assert np.max(np.abs(got[ok] - want[ok]) / np.array([x1 - x0, y1 - y0])[np.nonzero(ok)[1]]) <= 0.5 / 65534 + 1e-9


def test_the_id_changes_with_the_data_and_only_then(race):
    a = player_data.payload(race, "race")
    assert player_data.payload(race, "race")["id"] == a["id"]
    assert player_data.payload(race, "side")["id"] != a["id"]
    assert player_data.payload(race, "race", dark=True)["id"] != a["id"]
    other = simulate(decode("surface=bowl:b=10&opt=adam:lr=0.06;sgd:lr=0.25&steps=300")[0])
    assert player_data.payload(other, "race")["id"] != a["id"]


def test_one_dimensional_race_sends_the_curve():
    race = simulate(decode("surface=slope&opt=adam:lr=0.01&steps=50")[0])
    assert player_data.layout_for(race, "race") == "oned" and player_data.layout_for(race, "side") == "oned"
    data = player_data.payload(race, player_data.layout_for(race, "race"))
    assert data["dim"] == 1 and "image" not in data
    xs, ys = f32(data["curve"]["x"]), f32(data["curve"]["y"])
    assert len(xs) == len(ys) == player_data.CURVE_POINTS
    np.testing.assert_allclose(ys, race.surface.value(xs[:, None]), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(f32(data["runs"][0]["path"]), race.trajectories[0].path[:, 0].astype(np.float32))


@pytest.mark.parametrize("value", [None, "1,2", [1], [1, 2, 3], ["a", 2], [float("nan"), 1], [1e400, 0], {"x": 1}])
def test_a_malformed_click_is_ignored(value):
    assert player.parse_start(value) is None


def test_a_click_gives_its_point():
    assert player.parse_start([1.25, -0.5]) == (1.25, -0.5)
    assert player.parse_start([2], dim=1) == (2.0,)


def test_an_unknown_layout_is_refused(race):
    with pytest.raises(ValueError, match="layout"):
        player_data.payload(race, "spiral")


def test_the_script_is_one_module_without_relative_imports():
    js = player_script.script()
    assert "from \"./" not in js and "import {" not in js
    assert js.count("export default function") == 1 and "export function mount" in js
    assert "function niceTicks" in js and "export function niceTicks" not in js


def test_the_clock_by_evaluations_is_sent_only_when_runs_differ():
    exp, _ = decode("surface=bowl:b=10&opt=sam:lr=0.02;sgd:lr=0.02&steps=40")
    race = simulate(exp)
    data = player_data.payload(race, "race")
    assert [r["evals"] for r in data["runs"]] == [2, 1]  # a constant count a step: one number
    exp, _ = decode("surface=bowl:b=10&opt=adam;sgd&steps=40")
    assert all("evals" not in r for r in player_data.payload(simulate(exp), "race")["runs"])


def test_schedule_free_trails_are_its_z_and_y_after_the_start():
    exp, _ = decode("surface=rosenbrock&opt=schedule_free_sgd:lr=0.002;sgd:lr=0.001&steps=60")
    race = simulate(exp)
    data = player_data.payload(race, "race")
    tr = race.trajectories[0]
    for name in ("z", "y"):
        trail = f32(data["runs"][0]["trails"][name]).reshape(-1, 2)
        assert trail.shape == tr.path.shape
        np.testing.assert_array_equal(trail[0], tr.path[0].astype(np.float32))
        np.testing.assert_array_equal(trail[1:], np.asarray(tr.state[name]).astype(np.float32))
    assert "trails" not in data["runs"][1]


@pytest.mark.parametrize("start", ["2,0", "-1,1"])
def test_newton_marks_where_its_hessian_was_not_positive_definite(start):
    exp, _ = decode(f"surface=himmelblau&opt=newton&start={start}&steps=10")
    race = simulate(exp)
    run = player_data.payload(race, "race")["runs"][0]
    # Himmelblau's Hessian by hand: [[12x² + 4y − 42, 4x + 4y], [4x + 4y, 12y² + 4x − 26]].
    x, y = race.trajectories[0].path[:-1].T
    a, b, c = 12 * x**2 + 4 * y - 42, 4 * x + 4 * y, 12 * y**2 + 4 * x - 26
    det, trace = a * c - b * b, a + c
    assert run["indefinite"] == np.flatnonzero((det < 0) | ((det > 0) & (trace < 0))).tolist()
    assert run["negative"] == np.flatnonzero((det > 0) & (trace < 0)).tolist()
    assert 0 < len(run["negative"]) < len(run["indefinite"]) or 0 < len(run["indefinite"]) < 10


def test_data_panel_sends_points_and_the_line_of_every_step():
    exp, _ = decode("surface=linear_regression&opt=sgd:lr=0.1;adam:lr=0.05&steps=30&batch=8")
    race = simulate(exp)
    data = player_data.payload(race, "race")
    panel = data_panel(race)
    sent = data["data"]
    assert sent["kind"] == "line" and [run["batch"] for run in data["runs"]] == [8, 8]
    np.testing.assert_array_equal(f32(sent["points"]).reshape(-1, 2),
                                  np.column_stack([panel.x, panel.y]).astype(np.float32))
    for i, run in enumerate(data["runs"]):
        k = len(race.trajectories[i].path)
        np.testing.assert_array_equal(f32(run["segments"]).reshape(k, 4),
                                      panel.segments(i, np.arange(k)).reshape(k, 4).astype(np.float32))
        np.testing.assert_array_equal(f32(run["full"]).reshape(-1, 2), panel.full_grads[i].astype(np.float32))
        np.testing.assert_array_equal(f32(run["grads"]).reshape(-1, 2), race.trajectories[i].grads.astype(np.float32))
    # Runs on all the points carry no mini-batch arrows; an entry's own batch size overrides the race's.
    exp, _ = decode("surface=linear_regression&opt=sgd:lr=0.1;sgd:lr=0.1,batch=4;sgd:lr=0.1,batch=64&steps=30")
    race = simulate(exp)
    runs = player_data.payload(race, "race")["runs"]
    assert [("grads" in run, "full" in run, run.get("batch")) for run in runs] == [
        (False, False, None), (True, True, 4), (False, False, None)]
    np.testing.assert_array_equal(f32(runs[1]["grads"]).reshape(-1, 2), race.trajectories[1].grads.astype(np.float32))


@pytest.mark.parametrize("key", optimizers.names())
def test_what_a_spec_declares_drawn_is_state_its_rule_keeps(key):
    spec = optimizers.spec(key)
    kept = set(spec.state_names)
    assert set(spec.trails) <= kept, f"{key}: trails {spec.trails} not all in its state {sorted(kept)}"
    assert spec.curvature is None or spec.curvature in kept


def test_trails_and_curvature_marks_follow_the_spec_not_the_optimizer_s_name():
    """A rule that declares a trail gets it drawn, whatever its key: the payload reads the spec."""
    bowl = surfaces.get("bowl", b=10.0)
    sf = optimizers.make("schedule_free_sgd", lr=0.05)
    probe = replace(sf, spec=replace(sf.spec, key="probe", trails=("z",)))
    tr = optimizers.run(probe, bowl, start=(-1.5, 1.0), steps=20)
    marks = player_data.state_marks(tr, 2)
    assert list(marks["trails"]) == ["z"]
    z = np.frombuffer(base64.b64decode(marks["trails"]["z"]), dtype="<f4").reshape(-1, 2)
    np.testing.assert_array_equal(z[1:], np.asarray(tr.state["z"]).astype(np.float32))
    silent = replace(sf, spec=replace(sf.spec, trails=()))
    assert player_data.state_marks(optimizers.run(silent, bowl, start=(-1.5, 1.0), steps=20), 2) == {}
    # Newton on the pure saddle (c = 0: H = diag(a, −b) everywhere): every step is marked, whatever the key.
    newton = optimizers.make("newton")
    saddle_surface = surfaces.get("saddle", c=0.0)
    renamed = replace(newton, spec=replace(newton.spec, key="probe"))
    saddle = optimizers.run(renamed, saddle_surface, start=(0.5, 0.5), steps=3)
    marks = player_data.state_marks(saddle, 2)
    assert marks["indefinite"] == [0, 1, 2] and marks["negative"] == []
    unmarked = replace(newton, spec=replace(newton.spec, curvature=None))
    assert player_data.state_marks(optimizers.run(unmarked, saddle_surface, start=(0.5, 0.5), steps=3), 2) == {}


FROM = re.compile(r'from\s+"\./([\w.]+)"')  # read independently of the bundler's own pattern


def test_the_bundle_puts_every_module_after_the_modules_it_imports():
    order = player_script.modules()
    assert order[-1] == player_script.ENTRY
    assert sorted(order) == sorted(p.name for p in player_script.ASSETS.glob("*.js")), "every module is bundled"
    for i, name in enumerate(order):
        for dep in FROM.findall((player_script.ASSETS / name).read_text(encoding="utf-8")):
            assert dep in order[:i], f"{name} imports {dep}, which comes after it in {order}"


def test_the_order_is_read_from_the_import_lines_and_a_cycle_is_refused():
    files = {"main.js": 'import { b } from "./b.js";\nimport { a } from "./a.js";\nexport default 1;\n',
             "a.js": 'import {\n  c,\n} from "./c.js";\nexport const a = c;\n',
             "b.js": 'import { a } from "./a.js";\nexport function b() { return a; }\n',
             "c.js": "export const c = 1;\n"}
    assert player_script.dependency_order("main.js", files.__getitem__) == ("c.js", "a.js", "b.js", "main.js")
    files["c.js"] = 'import { b } from "./b.js";\nexport const c = b;\n'
    with pytest.raises(ValueError, match=r"cycle: b\.js -> a\.js -> c\.js -> b\.js"):
        player_script.dependency_order("main.js", files.__getitem__)


def test_the_bundle_refuses_an_import_it_cannot_resolve():
    files = {"a.js": "export const a = 1;\n", "main.js": 'import * as all from "./a.js";\nexport default all;\n'}
    with pytest.raises(ValueError, match=r"main\.js: only named imports"):
        player_script.bundle(("a.js", "main.js"), files.__getitem__)
    files["main.js"] = 'import { a } from "./a.js";\nexport default a;\n'
    assert player_script.bundle(("a.js", "main.js"), files.__getitem__) == "const a = 1;\n\nexport default a;\n"
