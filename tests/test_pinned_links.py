"""Shared links keep opening the race they opened when they were shared.

``tests/golden/pinned_links.json`` holds a set of links (the default race, every lesson, formulas with
``+``, escapes and spaces, schedules, noise and seeds, windows, mini-batches, every optimizer on every
surface with and without its own learning rate) and, per link, the experiment it decoded to and a
fingerprint of its race, recorded once by ``tools/pin_links.py``. Every link must still decode to
that experiment and run that race, and must go on doing so when the live table of suggested learning
rates changes: a link that leaves the lr out means the lr it meant when it was made.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from playground.model import defaults
from playground.model.experiment import Entry, Experiment, default_experiment
from playground.model.link import decode, to_query_string
from tools.pin_links import fingerprint, to_json

PINNED = json.loads((Path(__file__).resolve().parent / "golden" / "pinned_links.json").read_text())["links"]
IDS = [p["link"][:60] or "(empty link)" for p in PINNED]


def assert_same_race(got: dict, want: dict, link: str) -> None:
    assert len(got["hyper"]) == len(want["hyper"]), link
    for mine, theirs in zip(got["hyper"], want["hyper"], strict=True):
        # A hyperparameter added to a rule later may appear; every pinned one keeps its value.
        assert {k: mine.get(k) for k in theirs} == theirs, link
    assert got["start"] == want["start"], link
    assert got.keys() == want.keys(), link
    for part in ("runs", "spread"):
        for mine, theirs in zip(got.get(part, []), want.get(part, []), strict=True):
            assert mine["diverged_at"] == theirs["diverged_at"], link
            for a, b in zip(mine["final"], theirs["final"], strict=True):
                if isinstance(b, str) or isinstance(a, str):
                    assert a == b, link
                else:
                    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (link, a, b)


def lr_filled(experiment: dict, race: dict) -> dict:
    """The experiment with each entry's lr written in: the one it races with where it has none."""
    out = {**experiment, "entries": []}
    for entry, hyper in zip(experiment["entries"], race["hyper"], strict=True):
        own = {name: value for name, value in entry["hyper"]}
        out["entries"].append({**entry, "hyper": sorted({"lr": hyper["lr"], **own}.items())})
    return out


#: Fields of the experiment renamed since the links were pinned: the pinned name, the name now.
RENAMED = {"surface": "surface_key"}


def assert_same_experiment(exp: Experiment, race: dict, pinned: dict, link: str) -> None:
    """The experiment the link decodes to now is the pinned one, field by field. An lr the link left
    out may have become the entry's own (when the live suggestions moved on), at the same value."""
    got = lr_filled(json.loads(json.dumps(to_json(exp))), race)
    want = {RENAMED[k] if RENAMED.get(k) in got else k: v
            for k, v in lr_filled(pinned["experiment"], pinned["race"]).items()}
    base = to_json(Experiment())
    # A field added to an entry later must sit at its default in an old link; then compare the rest.
    entry_base = to_json(Entry("sgd"))
    assert len(got["entries"]) == len(want["entries"]), link
    for mine, theirs in zip(got["entries"], want["entries"], strict=True):
        assert {k: v for k, v in mine.items() if k not in theirs} == {
            k: entry_base[k] for k in mine if k not in theirs}, link
    got = {**got, "entries": [{k: e[k] for k in w} for e, w in zip(got["entries"], want["entries"], strict=True)]}
    # A field added to the experiment later must sit at its default in an old link.
    assert {k: got[k] for k in want} == want, link
    assert {k: v for k, v in got.items() if k not in want} == {k: base[k] for k in got if k not in want}, link


def test_the_pinned_set_covers_what_it_promises():
    links = [p["link"] for p in PINNED]
    assert "" in links and any(link.startswith("lesson=") for link in links)
    assert any("%2B" in link for link in links) and any("+" in link.replace("%2B", "") for link in links)
    for word in ("sched=", "noise=", "seeds=", "bounds=", "batch=", "label=", "present=1"):
        assert any(word in link for link in links), word
    assert sum(not p["warnings"] for p in PINNED) == len(PINNED)
    # Links made with table 2, a typed formula among them, and with table 3.
    assert any("lrtable=2" in link and "surface=custom&formula=" in link for link in links)
    assert any("lrtable=2" in link and "surface=custom" not in link for link in links)
    assert any("lrtable=3" in link for link in links)


@pytest.mark.parametrize("version", [2, 3])
def test_a_pinned_link_naming_a_table_raced_with_that_tables_rates(version):
    named = [p for p in PINNED if f"lrtable={version}" in p["link"]]
    assert named
    for pinned in named:
        surface = pinned["experiment"]["surface_key"]
        for entry, hyper in zip(pinned["experiment"]["entries"], pinned["race"]["hyper"], strict=True):
            if all(name != "lr" for name, _ in entry["hyper"]):
                want = defaults.LR_TABLES[version][surface][entry["optimizer"]]
                assert hyper["lr"] == want, (pinned["link"], entry["optimizer"])


# The links that name their optimizers or a lesson; the others open the page's default race, which
# follows the current suggestions (it is not a shared race but what a first visit shows).
NAMED = [p for p in PINNED if any(part.startswith(("opt=", "lesson=")) for part in p["link"].split("&"))]
DEFAULT = [p for p in PINNED if p not in NAMED]


@pytest.mark.parametrize("pinned", NAMED, ids=[p["link"][:60] for p in NAMED])
def test_a_pinned_link_opens_the_race_it_opened(pinned):
    exp, warnings = decode(pinned["link"])
    assert warnings == pinned["warnings"]
    race = fingerprint(exp)
    assert_same_experiment(exp, race, pinned, pinned["link"])
    assert_same_race(race, pinned["race"], pinned["link"])


@pytest.mark.parametrize("pinned", DEFAULT, ids=[p["link"] or "(empty link)" for p in DEFAULT])
def test_a_link_without_optimizers_opens_the_default_race_with_the_current_suggestions(pinned):
    exp, warnings = decode(pinned["link"])
    assert warnings == pinned["warnings"]
    assert_same_experiment(exp, fingerprint(exp), {**pinned, "race": fingerprint(exp)}, pinned["link"])
    assert all("lr" not in e.hyper_dict for e in exp.entries)
    assert [exp.resolve(e).hyper["lr"] for e in exp.entries] == [
        defaults.default_lr(e.optimizer, exp.surface_key) for e in exp.entries]


def other_suggestions(monkeypatch, factor: float) -> None:
    """Suggest ``factor`` times every rate, without a new table version (as a rate the page works
    out itself would): links must then carry every lr they leave out today."""
    live = defaults.default_lr
    monkeypatch.setattr(defaults, "default_lr", lambda optimizer, surface: live(optimizer, surface) * factor)
    # The patch must bite: an entry without an lr of its own now races with another one.
    exp = default_experiment()
    assert exp.resolve(Entry("sgd")).hyper["lr"] == pytest.approx(live("sgd", exp.surface_key) * factor)


def new_table(monkeypatch, factor: float) -> int:
    """Publish a new version of the table, ``factor`` times the current one, and suggest from it (what
    tools/make_lr_table.py does when it regenerates the table)."""
    version = max(defaults.LR_TABLES) + 1
    table = {s: {k: v * factor for k, v in row.items()} for s, row in defaults.CURRENT_LR_TABLE.items()}
    monkeypatch.setattr(defaults, "LR_TABLES", {**defaults.LR_TABLES, version: table})
    monkeypatch.setattr(defaults, "CURRENT_LR_VERSION", version)
    monkeypatch.setattr(defaults, "CURRENT_LR_TABLE", table)
    monkeypatch.setattr(defaults, "default_lr", lambda optimizer, surface: defaults.lookup(table, optimizer, surface))
    return version


CHANGES = [("rates", 1.7), ("table", 0.5), ("table", 3.0)]


def change(monkeypatch, how: tuple[str, float]) -> None:
    (other_suggestions if how[0] == "rates" else new_table)(monkeypatch, how[1])


@pytest.mark.parametrize("how", CHANGES[:2], ids=["new rates", "new table"])
@pytest.mark.parametrize("pinned", NAMED, ids=[p["link"][:60] for p in NAMED])
def test_a_pinned_link_keeps_its_race_when_the_suggestions_change(monkeypatch, pinned, how):
    change(monkeypatch, how)
    exp, warnings = decode(pinned["link"])
    assert warnings == []
    assert_same_race(fingerprint(exp), pinned["race"], pinned["link"])


RACES = [Experiment(surface_key=s, entries=(Entry("adam"), Entry("sgd", (("lr", 0.01),)), Entry("newton")), steps=30)
         for s in ("bowl", "rosenbrock", "slope", "reddi", "linear_regression")] + [default_experiment()]


@pytest.mark.parametrize("how", CHANGES, ids=["new rates", "new table", "another new table"])
def test_a_link_made_before_a_change_of_the_suggestions_opens_the_same_race_after(monkeypatch, how):
    made = [(to_query_string(exp), fingerprint(exp)) for exp in RACES]
    change(monkeypatch, how)
    for link, race in made:
        exp, warnings = decode(link)
        assert warnings == []
        assert_same_race(fingerprint(exp), race, link)


@pytest.mark.parametrize("how", CHANGES, ids=["new rates", "new table", "another new table"])
def test_a_link_made_after_a_change_of_the_suggestions_round_trips_and_keeps_its_race(monkeypatch, how):
    change(monkeypatch, how)
    made = []
    for exp in RACES:
        link = to_query_string(exp)
        again, warnings = decode(link)
        assert warnings == []
        if how[0] == "table":
            assert again == exp  # the link names the new table and leaves the same lrs out
        made.append((link, fingerprint(exp)))
        assert_same_race(fingerprint(again), made[-1][1], link)
    # And each still means that race once the suggestions have moved on again (tables stay).
    change(monkeypatch, ("rates", 0.3))
    change(monkeypatch, ("table", 7.0))
    for link, race in made:
        assert_same_race(fingerprint(decode(link)[0]), race, link)


def test_the_link_names_the_table_its_left_out_rates_come_from(monkeypatch):
    exp = Experiment(surface_key="bowl", entries=(Entry("adam"), Entry("sgd", (("lr", 0.01),))))
    version = new_table(monkeypatch, 2.0)
    link = to_query_string(exp)
    assert f"opt=adam;sgd:lr=0.01&lrtable={version}" in link
    # Table 1 is what a link without lrtable means: the rate it gives becomes the entry's own.
    old, warnings = decode(link.replace(f"&lrtable={version}", ""))
    assert warnings == [] and old.entries[0].hyper_dict == {"lr": defaults.LR_TABLES[1]["bowl"]["adam"]}
    assert decode(link.replace(f"lrtable={version}", "lrtable=1"))[0] == old
    # Nothing to name: every lr is the entry's own.
    assert "lrtable" not in to_query_string(replace(exp, entries=exp.entries[1:]))
    # A table that does not exist is named, and table 1 is used.
    bad, warnings = decode(link.replace(f"lrtable={version}", "lrtable=77"))
    assert bad == old and len(warnings) == 1 and "lrtable" in warnings[0]
