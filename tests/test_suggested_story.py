"""With the suggested learning rates, a surface's default race shows what the surface is there for,
and links made with an older table keep the race they meant.

The expected pictures come from the surfaces' own maths, not from the table: on the oblong bowl
(curvature 25 across) gradient descent overshoots the valley floor when 1 − 25η < 0, that is
η > 0.04, and is stable while η < 2/25 = 0.08; on Rosenbrock's valley the minimum is (1, 1).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import numpy as np

import optimizers
import surfaces
from playground.model import defaults
from playground.model.experiment import default_experiment
from playground.model.link import decode, to_query_string
from playground.model.simulate import simulate


def test_gradient_descent_zig_zags_across_the_oblong_bowl():
    bowl = surfaces.get("bowl")
    lr = defaults.default_lr("sgd", "bowl")
    assert 1 / 25 < lr < 2 / 25  # overshoots the floor at every step, and is stable
    path = optimizers.run(optimizers.make("sgd", lr=lr), bowl, bowl.default_start, steps=20).path
    y = path[:, 1]
    flips = np.sign(y[1:]) != np.sign(y[:-1])
    assert flips.mean() >= 0.8, y
    # The zig-zag is drawn, not a jitter: the first crossing lands a visible distance past the floor.
    assert abs(y[1]) >= 0.02 * 6


def test_the_default_race_on_rosenbrock_reaches_the_minimum_and_its_runs_end_apart():
    exp = default_experiment()
    assert exp.surface_key == "rosenbrock" and exp.steps == 500
    assert all("lr" not in e.hyper_dict for e in exp.entries)  # the race runs on the suggestions
    race = simulate(exp)
    finals = np.array([tr.path[-1] for tr in race.trajectories])
    assert all(tr.diverged_at is None for tr in race.trajectories)
    assert len(race.trajectories[0].path) == 501
    assert np.linalg.norm(finals - [1.0, 1.0], axis=1).min() < 0.05, finals
    # A window 4 × 4: 0.1 apart is a couple of percent of the picture, visibly two places.
    for a, b in combinations(range(len(finals)), 2):
        assert np.linalg.norm(finals[a] - finals[b]) >= 0.1, (exp.entries[a].optimizer, exp.entries[b].optimizer)


def test_no_default_race_diverges_on_any_surface():
    for key in surfaces.names():
        race = simulate(replace(default_experiment(), surface_key=key))
        assert all(tr.diverged_at is None for tr in race.trajectories), key


# --- links --------------------------------------------------------------------------------------------

# The rates the committed tables give gradient descent and Adam on Rosenbrock (lr_table_v1.py, v2.py).
TABLE_1 = {"sgd": 0.001, "adam": 0.1}
TABLE_2 = {"sgd": 0.0005, "adam": 0.05}


def rates(link: str) -> dict[str, float]:
    exp, warnings = decode(link)
    assert warnings == []
    return {e.optimizer: exp.resolve(e).hyper["lr"] for e in exp.entries}


def test_a_link_made_now_names_table_3_where_it_leaves_an_lr_out():
    link = to_query_string(default_experiment())
    assert "lrtable=3" in link and "lr=" not in link
    assert decode(link)[0] == default_experiment()


def test_links_naming_table_2_or_no_table_keep_their_old_rates():
    assert rates("surface=rosenbrock&opt=sgd;adam&lrtable=2") == TABLE_2
    assert rates("surface=rosenbrock&opt=sgd;adam") == TABLE_1
    assert rates("surface=rosenbrock&opt=sgd;adam&lrtable=1") == TABLE_1
    assert rates("surface=rosenbrock&opt=sgd;adam&lrtable=3") == {
        "sgd": defaults.default_lr("sgd", "rosenbrock"), "adam": defaults.default_lr("adam", "rosenbrock")}
    # A typed formula takes the named table's custom row (table 2's: gradient descent 0.005).
    assert rates("surface=custom&formula=x**2%2B3*y**2&opt=sgd&lrtable=2") == {"sgd": 0.005}
