"""The shared link: every valid experiment survives the trip through a URL unchanged, and no link, however
mangled or hostile, makes :func:`decode` raise or hand back something the core cannot run. Whatever
decode drops or clamps, it says so, naming the key.
"""

import builtins
import dataclasses
import math
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import examples

import optimizers
import surfaces
from playground.model import defaults, link, link_entries, schedules
from playground.model.caps import CAPS
from playground.model.experiment import VIEWS, Entry, Experiment, Schedule, clean_label, default_experiment
from playground.model.lessons import names as lesson_names
from playground.model.link import decode, encode, to_query_string
from playground.model.simulate import simulate

SCHEDULES = tuple(schedules.KINDS)
KNOWN_KEYS = ("surface", "formula", "bounds", "opt", "lrtable", "start", "steps", "noise", "seed", "seeds", "view",
              "lesson", "present", "speed", "batch")
ROUND_TRIP = settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- what "valid" means -----------------------------------------------------------------------------


def assert_valid(exp: Experiment) -> None:
    """Everything the page, the core and the exports rely on, checked field by field."""
    surface = exp.build_surface()
    if exp.surface_key != "custom":
        assert exp.surface_key in surfaces.REGISTRY
        spec = surfaces.spec(exp.surface_key)
        for name, value in exp.surface_params:
            assert spec.params[[p.name for p in spec.params].index(name)].validate(value) == value
    assert exp.start == () or (
        len(exp.start) == surface.dim and all(math.isfinite(c) and abs(c) <= CAPS.coordinate for c in exp.start)
    )
    assert isinstance(exp.steps, int) and 1 <= exp.steps <= CAPS.steps
    assert math.isfinite(exp.noise) and 0 <= exp.noise <= CAPS.noise
    assert isinstance(exp.seed, int) and 0 <= exp.seed < 2**31
    assert isinstance(exp.seeds, int) and 1 <= exp.seeds <= CAPS.seeds
    assert exp.view in VIEWS
    assert exp.lesson == "" or exp.lesson in lesson_names()
    assert isinstance(exp.present, bool)
    assert math.isfinite(exp.speed) and 0.1 <= exp.speed <= 10
    assert len(exp.entries) <= CAPS.entries
    for entry in exp.entries:
        exp.resolve(entry)
        assert not set("<>") & set(entry.label)
        assert clean_label(entry.label) == entry.label
        assert entry.color == "" or re.fullmatch(r"#[0-9a-f]{6}", entry.color)
        s = entry.schedule
        assert s.kind in SCHEDULES
        assert 0 <= s.warmup <= CAPS.steps and 1 <= s.every <= CAPS.steps and 0 < s.gamma <= 1
        assert len(dict(entry.hyper)) == len(entry.hyper) and list(entry.hyper) == sorted(entry.hyper)


def assert_runs(exp: Experiment) -> None:
    """A few steps of the decoded experiment on the core, without error."""
    race = simulate(replace(exp, steps=min(exp.steps, 3), seeds=min(exp.seeds, 2)))
    assert len(race.trajectories) == len(exp.entries)


def warned_about(warnings: list[str], word: str) -> bool:
    return any(word.lower() in w.lower() for w in warnings)


# --- strategies for valid experiments ----------------------------------------------------------------


def hyper_values(h: optimizers.Hyper) -> st.SearchStrategy:
    if h.is_flag:
        return st.booleans()
    low = h.low if math.isfinite(h.low) else -1e3
    high = min(h.high, 1e3)
    if h.name == "lr":
        low = 1e-12
    drawn = st.floats(min_value=low, max_value=high, exclude_min=h.low_open and h.name != "lr",
                      exclude_max=h.high_open and high == h.high)
    edges = [v for v in (low, high, 1e-12, 1e-8, 0.5, 0.999999, 1.0, 1e3) if h.accepts(v) and low <= v <= high]
    return st.one_of(st.sampled_from(edges), drawn)


LABELS = st.one_of(st.just(""), st.text(max_size=60).map(clean_label).filter(bool))
COLORS = st.one_of(st.just(""), st.integers(0, 0xFFFFFF).map("#{:06x}".format))
SCHEDULE = st.builds(
    Schedule,
    kind=st.sampled_from(SCHEDULES),
    warmup=st.integers(0, CAPS.steps),
    gamma=st.one_of(st.just(0.5), st.just(1.0), st.floats(min_value=0, max_value=1, exclude_min=True)),
    every=st.integers(1, CAPS.steps),
)


def sorted_pairs(values: dict) -> tuple:
    return tuple(sorted(values.items()))


def entries_of(key: str) -> st.SearchStrategy:
    """Entries of optimizer ``key`` with any subset of its hyperparameters set."""
    hypers = {h.name: hyper_values(h) for h in optimizers.spec(key).hypers}
    hyper = st.fixed_dictionaries({}, optional=hypers).map(sorted_pairs)
    return st.builds(Entry, st.just(key), hyper, LABELS, COLORS, SCHEDULE)


ENTRIES = st.one_of([entries_of(key) for key in optimizers.names()])


def experiments_on(key: str) -> st.SearchStrategy:
    spec = surfaces.spec(key)
    params = st.fixed_dictionaries(
        {}, optional={p.name: st.integers(int(p.low), int(p.high)).map(float) if p.integer
                      else st.floats(min_value=p.low, max_value=p.high) for p in spec.params}
    ).map(sorted_pairs)
    start = st.one_of(
        st.just(()), st.tuples(*[st.floats(min_value=-CAPS.coordinate, max_value=CAPS.coordinate)] * spec.dim)
    )
    return st.builds(
        Experiment,
        surface_key=st.just(key),
        surface_params=params,
        entries=st.lists(ENTRIES, min_size=1, max_size=CAPS.entries).map(tuple),
        start=start,
        steps=st.integers(1, CAPS.steps),
        noise=st.floats(min_value=0, max_value=CAPS.noise),
        seed=st.integers(0, 2**31 - 1),
        seeds=st.integers(1, CAPS.seeds),
        view=st.sampled_from(VIEWS),
        lesson=st.just(""),
        present=st.booleans(),
        speed=st.sampled_from((0.25, 0.5, 1.0, 2.0, 4.0)),
        # Any data surface has at least 2 points; elsewhere a batch size has no meaning.
        batch_size=st.integers(0, 2) if spec.data is not None else st.just(0),
    )


def experiments() -> st.SearchStrategy:
    """Any valid experiment on any registered surface."""
    return st.one_of([experiments_on(key) for key in surfaces.names()])


# --- round trips ------------------------------------------------------------------------------------


@ROUND_TRIP
@given(experiments())
def test_any_valid_experiment_survives_the_link(exp):
    assert decode(to_query_string(exp)) == (exp, [])
    assert decode(encode(exp)) == (exp, [])
    assert_valid(exp)


def test_the_default_experiment_round_trips_and_an_empty_link_gives_it():
    exp = default_experiment()
    assert decode(to_query_string(exp)) == (exp, [])
    assert decode("") == (exp, [])
    assert decode({}) == (exp, [])


@pytest.mark.parametrize("label", [
    "a, b; c = d: 50% + e",  # the characters that structure an entry
    "Adam (β₂ = 0.99)",
    "RMSprop + momentum 0.9",
    "#1 / 2 ? ok ~ @ !",
    "x" * 40,
    "日本語のラベル",
])
def test_labels_with_structure_characters_round_trip(label):
    assert clean_label(label) == label
    exp = Experiment(surface_key="bowl", entries=(Entry("adam", label=label), Entry("sgd", label="plain")))
    assert decode(to_query_string(exp)) == (exp, [])
    assert decode(encode(exp)) == (exp, [])


def test_a_custom_formula_travels_in_the_link():
    exp, warnings = decode("surface=custom&formula=x**2%2By**2&bounds=-2,2,-2,2&opt=adam")
    assert warnings == []
    assert (exp.surface_key, exp.formula, exp.bounds) == ("custom", "x**2+y**2", ((-2.0, 2.0), (-2.0, 2.0)))
    surface = exp.build_surface()
    assert surface.dim == 2 and float(surface.value([1.0, 1.0])) == 2.0
    assert decode(to_query_string(exp)) == (exp, [])
    assert decode(encode(exp)) == (exp, [])
    with_start = replace(exp, start=(1.5, -0.5))
    assert decode(to_query_string(with_start)) == (with_start, [])


# --- readable links ---------------------------------------------------------------------------------


def test_the_format_from_the_issue_decodes_to_those_entries():
    exp, warnings = decode("opt=adam:lr=0.05,beta1=0.9;sgd:lr=0.001")
    assert warnings == []
    assert exp.entries == (Entry("adam", (("beta1", 0.9), ("lr", 0.05))), Entry("sgd", (("lr", 0.001),)))
    assert [exp.resolve(e).hyper["lr"] for e in exp.entries] == [0.05, 0.001]


def test_the_docstring_example_decodes():
    query = "surface=bowl:b=25,angle=30&opt=adam:lr=0.05,beta1=0.8;sgd:lr=0.001&start=-2.5,1.5&steps=300"
    exp, warnings = decode(query)
    assert warnings == []
    assert exp.surface_key == "bowl" and exp.surface_params == (("angle", 30.0), ("b", 25.0))
    assert exp.start == (-2.5, 1.5) and exp.steps == 300
    assert [e.optimizer for e in exp.entries] == ["adam", "sgd"]


def test_every_field_of_an_experiment_and_of_an_entry_has_a_row_in_the_link_tables():
    # A field the tables lack would be dropped by every link without a word: adding a field to the
    # experiment means adding its row (the surface's parameters travel in the surface's row).
    carried = {f.attr for f in link.FIELDS} | {"surface_params"}
    assert {f.name for f in dataclasses.fields(Experiment)} <= carried
    carried = {f.attr for f in link_entries.ENTRY_FIELDS} | {"optimizer", "hyper", "schedule"}
    assert {f.name for f in dataclasses.fields(Entry)} <= carried
    assert {f.attr for f in link_entries.ENTRY_FIELDS if f.of is Schedule} == {
        f.name for f in dataclasses.fields(Schedule)}
    # The keys a link may hold are the table's: any other is named and ignored.
    assert link.KNOWN_KEYS == set(KNOWN_KEYS)
    for key in ("Steps", "opts", "lr"):
        assert decode({key: "1"})[1] == [f"unknown parameter {key!r}; ignored"]


def test_decode_enforces_every_cap_the_table_states():
    for f in link.FIELDS:
        if f.kind in ("int", "number") and math.isfinite(f.high):
            exp, warnings = decode({f.key: repr(f.high * 2 + 1)})
            assert warnings and f.key in warnings[0], (f.key, warnings)
            assert getattr(exp, f.attr) == getattr(default_experiment(), f.attr)


def test_links_are_short_and_readable():
    exp = Experiment(surface_key="bowl", entries=(Entry("adam", (("lr", 0.05),)), Entry("sgd")), steps=200)
    # An lr left out comes from a table of suggestions; the link names it unless it is the first.
    table = "" if defaults.CURRENT_LR_VERSION == 1 else f"&lrtable={defaults.CURRENT_LR_VERSION}"
    assert to_query_string(exp) == f"surface=bowl&opt=adam:lr=0.05;sgd{table}&steps=200"
    flags = Experiment(entries=(Entry("adam", (("amsgrad", True), ("bias_correction", False))),))
    assert "opt=adam:amsgrad=1,bias_correction=0" in to_query_string(flags)


@pytest.mark.parametrize("query, entry", [
    ("opt=adam:amsgrad=true,bias_correction=off", Entry("adam", (("amsgrad", True), ("bias_correction", False)))),
    ("opt=sgd:sched=step,gamma=0.5,every=50,warmup=10",
     Entry("sgd", schedule=Schedule("step", warmup=10, gamma=0.5, every=50))),
    ("opt=rmsprop:label=Mine,color=%23AABBCC", Entry("rmsprop", label="Mine", color="#aabbcc")),
    ("opt= adam :lr=1e-3", Entry("adam", (("lr", 0.001),))),
])
def test_hand_written_entries(query, entry):
    exp, warnings = decode(query)
    # A link without lrtable means table 1's rate where it leaves the lr out: that rate becomes the
    # entry's own where the page now suggests another.
    old = defaults.LR_TABLES[1][exp.surface_key][entry.optimizer]
    if "lr" not in entry.hyper_dict and old != defaults.default_lr(entry.optimizer, exp.surface_key):
        entry = entry.with_hyper(lr=old)
    assert warnings == [] and exp.entries == (entry,)


# --- hostile links ------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
INJECT = "**bold** [x](javascript:alert(1)) $\\frac{1}{0}$ `code` {{x}} | a | _i_"

HOSTILE = [
    # (query or mapping, a word the warning must name)
    ("steps=-5", "steps"),
    ("steps=0", "steps"),
    ("steps=1e9", "steps"),
    ("steps=2.5", "steps"),
    ("steps=abc", "steps"),
    ("steps=nan", "steps"),
    ("steps=inf", "steps"),
    ("steps=1e400", "steps"),
    ("steps=", "steps"),
    ("steps=" + "9" * 3000, "steps"),
    ("noise=-1", "noise"),
    ("noise=1e400", "noise"),
    ("noise=NaN", "noise"),
    ("seed=-1", "seed"),
    ("seed=1e30", "seed"),
    ("seeds=100", "seeds"),
    ("seeds=0", "seeds"),
    ("speed=0", "speed"),
    ("speed=-inf", "speed"),
    ("view=" + SCRIPT, "view"),
    ("lesson=nope", "lesson"),
    ("lesson=" + SCRIPT, "lesson"),
    ("present=maybe", "present"),
    ("surface=nope", "surface"),
    ("surface=", "surface"),
    ("surface=bowl:b=-1", "b"),
    ("surface=bowl:b=1e400", "b"),
    ("surface=bowl:b=", "b"),
    ("surface=bowl:zz=1", "zz"),
    ("surface=bowl:a=1e3000000", "a"),
    ("start=1,2,3", "start"),
    ("start=nan,1", "start"),
    ("start=1e5,0", "start"),
    ("start=abc", "start"),
    ("start=", "start"),
    ("opt=nosuch", "nosuch"),
    ("opt=adam:lr=-1", "lr"),
    ("opt=adam:lr=0", "lr"),
    ("opt=adam:lr=1e400", "lr"),
    ("opt=adam:lr=abc", "lr"),
    ("opt=adam:lr", "lr"),
    ("opt=adam:beta1=1", "beta1"),
    ("opt=adam:foo=1", "foo"),
    ("opt=adam:amsgrad=maybe", "amsgrad"),
    ("opt=adam:color=red", "color"),
    ("opt=adam:color=%23abcdefg", "color"),
    ("opt=adam:sched=weird", "sched"),
    ("opt=sgd:sched=step,gamma=2", "gamma"),
    ("opt=sgd:sched=step,gamma=0", "gamma"),
    ("opt=sgd:sched=step,every=0", "every"),
    ("opt=sgd:sched=step,every=1.5", "every"),
    ("opt=sgd:sched=cosine,warmup=-3", "warmup"),
    ("opt=adam:label=" + SCRIPT, "label"),
    ("opt=adam:label=" + INJECT.replace(",", "%2C"), "label"),
    ("opt=adam:label=a%0Ab%00c", "label"),
    ("opt=" + ";".join(["sgd"] * 20), "optimizers"),
    ("opt=" + ";".join(["adam:lr=0.1"] * 5000), "opt"),
    ("opt=adam:label=" + "x" * 100_000, "opt"),
    ("foo=bar", "foo"),
    ("ключ=значение", "ключ"),
    ("steps=10&steps=20", "steps"),
    ("surface=custom", "formula"),
    ("surface=custom&formula=__import__('os').system('ls')", "formula"),
    ("surface=custom&formula=().__class__.__bases__", "formula"),
    ("surface=custom&formula=x**2;import os", "formula"),
    ("surface=custom&formula=lambda: x", "formula"),
    ("surface=custom&formula=open('x')", "formula"),
    ("surface=custom&formula=9**9**9**9", "formula"),
    ("surface=custom&formula=x**99999999", "formula"),
    ("surface=custom&formula=[x for x in (1,)]", "formula"),
    ("surface=custom&formula=x.real", "formula"),
    ("surface=custom&formula=x²", "formula"),
    ("surface=custom&formula=" + "x%2B" * 100 + "x", "formula"),
    ("surface=custom&formula=log(-1-x**2-y**2)", "formula"),
    ("surface=custom&formula=x**2&bounds=1,2,3", "bounds"),
    ("surface=custom&formula=x**2&bounds=2,-2", "bounds"),
    ("surface=custom&formula=x**2%2By**2&bounds=-2,2,-2,2&start=5,5", "start"),
    ("surface=custom&formula=log(x**2)%2By**2&bounds=-2,2,-2,2&start=0,1", "start"),
    ("surface=bowl&formula=x**2", "formula"),
    ("surface=bowl&bounds=1,-1,-1,1", "bounds"),
    ("surface=bowl&bounds=-1,1", "bounds"),
    ("surface=slope&bounds=-1,1,-1,1", "bounds"),
    ("surface=bowl&bounds=-1e9,1,-1,1", "bounds"),
    ({"steps": ["10", "20"]}, "steps"),
    ({"steps": []}, "steps"),
    ({"steps": None}, "steps"),
    ({"steps": float("inf")}, "steps"),
    ({"opt": ["adam", "sgd"]}, "opt"),
    ({"opt": "adam:lr=1e400"}, "lr"),
    ({"speed": math.nan}, "speed"),
    ({1: 2}, "1"),
]


@pytest.mark.parametrize("params, word", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_links_are_cleaned_and_named(params, word):
    exp, warnings = decode(params)
    assert_valid(exp)
    assert all(isinstance(w, str) and w for w in warnings)
    assert warned_about(warnings, word), warnings
    assert_runs(exp)


def test_hostile_labels_lose_their_markup():
    for raw in (SCRIPT, INJECT):
        exp, warnings = decode({"opt": "adam:label=" + raw.replace(",", "%2C")})
        assert warnings and not set("<>$*_`[]{}|\\") & set(exp.entries[0].label)


def test_too_many_optimizers_keeps_the_first_eight():
    keys = (optimizers.names() * 40)[:300]
    query = "opt=" + ";".join(keys)
    assert len(query) < 4000  # short enough to be read, entry by entry
    exp, warnings = decode(query)
    assert [e.optimizer for e in exp.entries] == keys[: CAPS.entries]
    assert warned_about(warnings, "optimizers")


@pytest.mark.parametrize("text", ["a" * 39 + " b", "  padded  ", "x" * 100, "<b>bold</b>", "tab\there"])
def test_clean_label_is_idempotent(text):
    once = clean_label(text)
    assert clean_label(once) == once and len(once) <= 40 and once == once.strip()
    exp = Experiment(entries=(Entry("adam", label=once),))
    assert decode(to_query_string(exp)) == (exp, [])


def test_mangled_values_fall_back_to_the_default_race_and_say_the_value_used():
    exp, warnings = decode("steps=-5&noise=1e3&seeds=99&speed=0&seed=x")
    base = default_experiment()
    assert (exp.steps, exp.noise, exp.seeds, exp.speed, exp.seed) == (
        base.steps, base.noise, base.seeds, base.speed, base.seed)
    assert len(warnings) == 5
    for word, used in (("steps", base.steps), ("noise", 0), ("seeds", base.seeds), ("speed", 1), ("seed", 0)):
        line = next(w for w in warnings if w.startswith(word + ":"))
        assert line.endswith(f"using {used}"), line
    # With optimizers in the link, the fallback is that race's value (the link format's default).
    exp, warnings = decode("surface=bowl&opt=adam&steps=-5")
    assert exp.steps == Experiment().steps and warnings == [f"steps: -5 is outside 1–{CAPS.steps}; using {exp.steps}"]
    # Inside a lesson, the lesson's own value.
    key = lesson_names()[0]
    exp, warnings = decode(f"lesson={key}&steps=abc")
    assert exp.steps == decode(f"lesson={key}")[0].steps and str(exp.steps) in warnings[0]


def test_an_unknown_lesson_shows_the_default_race():
    exp, warnings = decode("lesson=nope")
    assert exp == default_experiment() and len(exp.entries) == 4
    assert warnings == ["unknown lesson 'nope'; showing the default race"]


def test_decoding_never_evaluates_anything(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    for query in ("surface=custom&formula=__import__('os').system('ls')", "surface=custom&formula=sin(x)*y"):
        exp, _ = decode(query)
        assert_valid(exp)


# --- fuzzing ----------------------------------------------------------------------------------------

NASTY = [
    "", " ", "nan", "-nan", "inf", "-inf", "1e400", "-1e400", "1e308", "-0", "0", "1", "-1", "2.5", "1_000",
    "0x10", "9" * 400, "<>", SCRIPT, INJECT, "$$x$$", "\\(x\\)", "%", "%%", "%zz", "%00", "\x00", "\u202e",
    "é", "😀", "adam", "custom", "bowl:a=1", ";;;", ":::", ",,,", "===", "&&&", "#fff", "true", "None",
    "-5", "-1e9", "x" * 5000, "x" * 100_000, "adam;" * 3000, "sgd;" * 999, "adam:label=" + SCRIPT,
    "adam:label=" + INJECT, "rmsprop:label=%3Cb%3E,color=%23ABCDEF,sched=step,gamma=0.1,every=3",
    *lesson_names(),
]


def junk_values() -> st.SearchStrategy:
    word = st.one_of(st.sampled_from(NASTY), st.text(max_size=30), st.floats().map(repr),
                     st.integers().map(str))
    fragment = st.one_of(
        word,
        st.lists(word, max_size=6).map(",".join),
        st.lists(st.tuples(word, word), max_size=4).map(lambda kv: ",".join(f"{k}={v}" for k, v in kv)),
    )
    entry = st.tuples(st.sampled_from([*optimizers.names(), "nosuch", ""]), fragment).map(lambda p: ":".join(p))
    text = st.one_of(fragment, st.lists(entry, max_size=12).map(";".join),
                     st.tuples(st.sampled_from(surfaces.names()), fragment).map(":".join))
    return st.one_of(text, st.lists(text, max_size=3), st.integers(), st.floats(), st.none(), st.booleans())


@FUZZ
@given(st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=20)), junk_values(), max_size=8))
def test_random_junk_never_raises_and_gives_something_valid(params):
    exp, warnings = decode(params)
    assert_valid(exp)
    assert all(isinstance(w, str) for w in warnings)
    for key in params:
        if key not in KNOWN_KEYS:
            assert warnings
            if re.fullmatch(r"[A-Za-z0-9_]{1,20}", key):
                assert warned_about(warnings, key)
    # What decode returns is itself a clean link.
    assert decode(to_query_string(exp)) == (exp, [])


@FUZZ
@given(st.one_of(
    st.text(max_size=300),
    st.lists(st.tuples(st.sampled_from(KNOWN_KEYS), st.sampled_from(NASTY)), max_size=8).map(
        lambda kv: "&".join(f"{k}={v}" for k, v in kv)),
))
# Found by this test: a lesson with noise, set back to none (the link must say noise=0, or the lesson's
# comes back); a data lesson opened on Rosenbrock (the link's surface wins; its batch size goes).
@example("noise=0&lesson=schedule-free")
@example("surface=rosenbrock&lesson=minibatch-noise")
@example("view=race&lesson=prodigy")
def test_random_query_strings_never_raise(query):
    exp, warnings = decode(query)
    assert_valid(exp)
    assert all(isinstance(w, str) and w for w in warnings)
    assert decode(to_query_string(exp)) == (exp, [])


# One bad part at a time, mixed into good ones: each bad part must be named, and good parts alone are silent.

BAD_TOP = {
    "steps": ["0", "-5", "5001", "1e9", "2.5", "x", "nan", "1e400", ""],
    "noise": ["-1", "101", "inf", "x", ""],
    "seed": ["-1", "2147483648", "0.5", "x"],
    "seeds": ["0", "17", "x", "nan"],
    "speed": ["0", "11", "-1", "x", "inf"],
    "view": ["nope", SCRIPT, ""],
    "lesson": ["nope", SCRIPT],
    "present": ["maybe", "2"],
    "start": ["1", "1,2,3", "nan,0", "1e5,0", "x,y", ""],
}
GOOD_TOP = {
    "steps": ["1", "5000", "250"],
    "noise": ["0", "100", "0.5"],
    "seed": ["0", "2147483647"],
    "seeds": ["1", "16"],
    "speed": ["0.25", "4"],
    "view": list(VIEWS),
    "present": ["0", "1", "true", "off"],
    "lesson": lesson_names(),
    "start": ["-1,1", "0,0", "10000,-10000"],
}
BAD_HYPER = ["-1", "-1e-9", "1e400", "nan", "x", "", "1e3000"]


@st.composite
def mixed_links(draw):
    """A link on the bowl, a dict of query parameters, and the words its warnings must contain."""
    params = {"surface": "bowl"}
    expect = []
    for key in BAD_TOP:
        choice = draw(st.sampled_from(("skip", "good", "bad")))
        if choice == "good" and key in GOOD_TOP:
            params[key] = draw(st.sampled_from(GOOD_TOP[key]))
        elif choice == "bad":
            params[key] = draw(st.sampled_from(BAD_TOP[key]))
            expect.append(key)
    parts = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(("good", "good", "unknown_opt", "bad_value", "unknown_hyper", "bad_label")))
        key = draw(st.sampled_from(optimizers.names()))
        spec = optimizers.spec(key)
        if kind == "unknown_opt":
            parts.append("zz" + key)
            expect.append("zz" + key)
            continue
        number_hypers = [h.name for h in spec.hypers if not h.is_flag]
        name = draw(st.sampled_from(number_hypers))
        if kind == "bad_value":
            parts.append(f"{key}:{name}={draw(st.sampled_from(BAD_HYPER))}")
            expect.append(f"optimizer {i + 1}")
        elif kind == "unknown_hyper":
            parts.append(f"{key}:{name}x=1")
            expect.append(f"{name}x")
        elif kind == "bad_label":
            parts.append(f"{key}:label=<b>{i}</b>")
            expect.append(f"optimizer {i + 1}")
        else:
            parts.append(f"{key}:{name}={spec.hyper(name).default}")
    params["opt"] = ";".join(parts)
    return params, expect


@FUZZ
@given(mixed_links())
def test_every_bad_part_is_named_and_good_parts_are_silent(case):
    params, expect = case
    exp, warnings = decode(params)
    assert_valid(exp)
    for word in expect:
        assert warned_about(warnings, word), (word, warnings)
    assert bool(warnings) == bool(expect), warnings


def test_clicks_round_to_what_the_window_resolves():
    from playground.model.experiment import round_to_window

    assert round_to_window((1.2000000476837158, -0.7333333), [[-2, 2], [-1, 3]]) == (1.2, -0.73)
    assert round_to_window((123.456, 0.0012345), [[0, 1000], [0, 0.01]]) == (120.0, 0.0012)
    assert round_to_window((-0.0004,), [[-3, 3]]) == (0.0,)
    start = round_to_window((1.2000000476837158, 0.5), [[-3, 3]] * 2)
    exp = Experiment(surface_key="bowl", entries=(Entry("adam"),), start=start)
    assert to_query_string(exp).endswith("start=1.2,0.5")


def test_sweep_cells_round_to_four_digits_inside_the_valid_range():
    from playground.model.experiment import round_significant
    from playground.page.sweep_view import _readable

    assert round_significant(0.6056929133858268, 4) == 0.6057
    base = optimizers.make("adam").hyper
    assert _readable("adam", base, {"beta1": 0.6056929133858268, "lr": 0.012345678}) == {"beta1": 0.6057, "lr": 0.01235}
    # 0.99996 to four digits is 1.0, which β₁ may not be: more digits are kept.
    assert _readable("adam", base, {"beta1": 0.99996}) == {"beta1": 0.99996}


def test_a_view_window_travels_in_the_link_and_frames_the_surface():
    exp, warnings = decode("surface=bowl&opt=adam&bounds=-1,1,-0.5,0.5")
    assert not warnings and exp.bounds == ((-1.0, 1.0), (-0.5, 0.5))
    s = exp.build_surface()
    assert s.bounds.tolist() == [[-1.0, 1.0], [-0.5, 0.5]]
    assert s.value([0.3, 0.2]) == decode("surface=bowl")[0].build_surface().value([0.3, 0.2])
    assert decode(to_query_string(exp)) == (exp, [])
    # Changing the surface in a link drops a window that belonged to another one.
    assert decode("surface=slope&opt=adam")[0].bounds == ()


@pytest.mark.parametrize("table", ["²", "¹", "٣٣", " 9 ", "1e1"])
def test_an_odd_lrtable_falls_back_to_table_one_without_raising(table):
    exp, _ = decode({"opt": "adam", "lrtable": table})
    assert exp == decode({"opt": "adam"})[0]
