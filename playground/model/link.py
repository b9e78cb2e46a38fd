"""The shared link: an experiment as query parameters and back, both ways read off one table.

    surface=bowl:b=25,angle=30&opt=adam:lr=0.05,beta1=0.8;sgd:lr=0.001&start=-2.5,1.5&steps=300

:data:`FIELDS` names every query parameter once: its key, the :class:`Experiment` field it carries
(whose dataclass default is the field's default), its type, its cap, and how it is written and read.
:func:`encode` writes the rows in table order and leaves out what equals its default; :func:`decode`
reads them in the same order, on top of a base (the lesson the link names, the default race when it
names no optimizers), knows no key the table lacks, and never raises: it keeps what is valid, falls
back for the rest, and returns a warning naming everything it ignored, clamped or replaced.

``opt`` holds the entries separated by ``;``, each ``key:name=value,...``: the optimizer's
hyperparameters (whatever its spec declares) and the settings of the second table,
:data:`~playground.model.link_entries.ENTRY_FIELDS` (label, colour, learning-rate schedule, own mini-batch size), again
only what differs from the defaults. :mod:`playground.model.link_values` holds the row type and how
one value is written and read.

Learning rates a link leaves out
--------------------------------
An entry without an lr of its own races with the surface's suggested rate, read from a versioned
table of suggestions (:data:`~playground.model.defaults.LR_TABLES`; a tool may add a version, and
the page suggests from :data:`~playground.model.defaults.CURRENT_LR_VERSION`). A link says which
version the rates it leaves out come from: ``lrtable=N`` after ``opt``, absent meaning version 1,
the hand-picked table that every link made before versions existed meant. So a link keeps its race
whichever table is current:

* encoding, an entry without its own lr leaves it out where the current version's table gives the
  rate the race runs with (the link then says ``lrtable=N``, unless N is 1); anywhere else (a pair
  the table does not know, a rate the page worked out itself) the link carries the lr;
* decoding, an entry whose lr the link leaves out gets the rate of the link's version: where that
  equals the live suggestion the entry keeps following the suggestion (so a link comes back as the
  identical experiment), otherwise that rate becomes the entry's own lr. A pair the named table does
  not know (only a hand-written link leaves such an lr out) takes the live suggestion.

A table is never edited once links can name it. The other defaults a link leaves out are constants
of the dataclasses and of the specs, not tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import surfaces
from playground.model import defaults, lessons
from playground.model.caps import CAPS
from playground.model.experiment import VIEWS, Entry, Experiment, default_experiment
from playground.model.link_entries import read_entry, write_entry
from playground.model.link_values import (
    Field,
    first,
    number_text,
    pairs,
    read_choice_field,
    read_flag_field,
    read_float,
    read_number,
    shorten,
    write_changed,
)

RAW_MAX = 4000  # characters in one query value; a longer one is not read at all

# --- learning rates left out ------------------------------------------------------------------------


def _meant(version: int, exp: Experiment, optimizer: str) -> float | None:
    """The rate a link of table ``version`` means where it leaves ``optimizer``'s lr out."""
    return defaults.lookup(defaults.LR_TABLES[version], optimizer, exp.surface_key)


def _left_out(exp: Experiment, entry: Entry) -> bool:
    """Whether a link written now leaves this entry's lr out: it has none of its own, and the
    current table says the rate it races with."""
    return ("lr" not in entry.hyper_dict
            and _meant(defaults.CURRENT_LR_VERSION, exp, entry.optimizer) == exp.suggested_lr(entry.optimizer))


def _lr_as_meant(exp: Experiment, entry: Entry, version: int) -> Entry:
    meant = _meant(version, exp, entry.optimizer)
    if "lr" in entry.hyper_dict or meant is None or meant == exp.suggested_lr(entry.optimizer):
        return entry
    return entry.with_hyper(lr=meant)


def _link_version(raw: Mapping[str, str]) -> int:
    text = raw.get("lrtable", "1").strip()
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return int(text) if text.isdecimal() and int(text) in defaults.LR_TABLES else 1


# --- the table --------------------------------------------------------------------------------------


def _write_surface(f: Field, exp: Experiment) -> str:
    params = ",".join(f"{k}={number_text(v)}" for k, v in exp.surface_params)
    return exp.surface_key + (":" + params if params else "")


def _write_formula(f: Field, exp: Experiment) -> str | None:
    return exp.formula if exp.surface_key == "custom" else None


def _write_bounds(f: Field, exp: Experiment) -> str | None:
    return ",".join(number_text(v) for b in exp.bounds for v in b) or None


def _write_entries(f: Field, exp: Experiment) -> str:
    return ";".join(write_entry(e if "lr" in e.hyper_dict or _left_out(exp, e)
                                else e.with_hyper(lr=exp.suggested_lr(e.optimizer))) for e in exp.entries)


def _write_lr_table(f: Field, exp: Experiment) -> str | None:
    if defaults.CURRENT_LR_VERSION == 1 or not any(_left_out(exp, e) for e in exp.entries):
        return None
    return str(defaults.CURRENT_LR_VERSION)


def _write_start(f: Field, exp: Experiment) -> str | None:
    return ",".join(number_text(v) for v in exp.start) or None


def _is_custom(raw: Mapping[str, str]) -> bool:
    return raw.get("surface", "").partition(":")[0].strip() == "custom"


def _read_surface(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    key, _, rest = text.partition(":")
    key = key.strip()
    if key == "custom":
        return _read_custom(raw, exp, warn)
    if key not in surfaces.REGISTRY:
        warn.append(f"unknown surface {shorten(key)!r}; keeping {exp.surface_key}")
        return exp
    known = {p.name: p for p in surfaces.spec(key).params}
    params: dict[str, float] = {}
    for name, value in pairs(rest):
        if name not in known:
            warn.append(f"surface {key}: unknown parameter {shorten(name)!r}; ignored")
            continue
        v = read_float(value, f"surface {key} {name}", warn)
        if v is None:
            continue
        try:
            params[name] = known[name].validate(v)
        except ValueError as err:
            warn.append(f"surface {key}: {err}; using the default")
    keep_start = exp.start if key == exp.surface_key else ()
    return replace(exp, surface_key=key, surface_params=tuple(sorted(params.items())), formula="", bounds=(),
                   start=keep_start)


def _read_custom(raw: Mapping[str, str], exp: Experiment, warn: list[str]) -> Experiment:
    """A typed formula with its window: ``surface=custom`` reads ``formula`` and ``bounds`` as one."""
    formula = raw.get("formula", "")
    bounds: tuple[tuple[float, float], ...] = ()
    if "bounds" in raw:
        vals = [read_float(v, "bounds", warn) for v in raw["bounds"].split(",")]
        if any(v is None for v in vals) or len(vals) not in (2, 4):
            warn.append("bounds: expected 2 or 4 numbers; using the default window")
        else:
            bounds = tuple((vals[i], vals[i + 1]) for i in range(0, len(vals), 2))
    if len(formula) > FIELD["formula"].high:
        warn.append(f"formula is longer than {FIELD['formula'].high:g} characters; keeping the previous surface")
        return exp
    try:
        surfaces.from_formula(formula, bounds=[list(b) for b in bounds] or [[-3, 3], [-3, 3]])
    except ValueError as err:
        warn.append(f"formula: {err}; keeping the previous surface")
        return exp
    return replace(exp, surface_key="custom", surface_params=(), formula=formula, bounds=bounds, start=())


def _read_formula(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    if not _is_custom(raw):
        warn.append("formula: only read with surface=custom; ignored")
    return exp


def _read_window(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    """A view window over a built-in surface: ``lo,hi`` per axis, inside the coordinate cap."""
    if _is_custom(raw):
        return exp
    vals = [read_float(v, "bounds", []) for v in text.split(",")]
    surface = _surface_of(replace(exp, bounds=()))
    if surface is None:
        return exp
    dim = surface.dim
    if (len(vals) != 2 * dim or any(v is None or abs(v) > f.high for v in vals)
            or any(vals[i] >= vals[i + 1] for i in range(0, len(vals), 2))):
        warn.append(f"bounds: expected {dim} pair(s) of numbers, low < high, within ±{f.high:g}; "
                    "using the surface's own window")
        return exp
    return replace(exp, bounds=tuple((vals[i], vals[i + 1]) for i in range(0, len(vals), 2)))


def _read_entries(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    parts = [p for p in text.split(";") if p.strip()]
    if len(parts) > f.high:
        warn.append(f"{len(parts)} optimizers requested; only the first {f.high:g} are kept")
        parts = parts[: int(f.high)]
    entries = (read_entry(part, i, warn) for i, part in enumerate(parts))
    version = _link_version(raw)
    return replace(exp, entries=tuple(_lr_as_meant(exp, e, version) for e in entries if e is not None))


def _read_lr_table(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    """Only checked here; ``opt`` reads it (before this row) for the rates its entries leave out."""
    if _link_version(raw) != 1 or text.strip() == "1":
        return exp
    known = ", ".join(str(v) for v in sorted(defaults.LR_TABLES))
    warn.append(f"lrtable: {shorten(text)!r} is not a table of learning rates ({known}); "
                "reading the learning rates the link leaves out from table 1")
    return exp


def _surface_of(exp: Experiment) -> surfaces.Surface | None:
    """The experiment's surface, or None where it cannot be built (a window that does not fit it)."""
    try:
        return exp.build_surface()
    except ValueError:
        return None


def _read_start(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    surface = _surface_of(exp)
    coords = [read_float(c, "start", warn) for c in text.split(",")]
    dim = surface.dim if surface else len(coords)
    if any(c is None for c in coords) or len(coords) != dim:
        warn.append(f"start: expected {dim} number(s); using the surface's default start")
    elif any(abs(c) > f.high for c in coords):
        warn.append(f"start: coordinates beyond ±{f.high:g} are not allowed; using the default start")
    elif exp.surface_key == "custom":
        # A formula's start must also lie in its window, where the formula is finite.
        try:
            replace(exp, start=tuple(coords)).build_surface()
            return replace(exp, start=tuple(coords))
        except ValueError as err:
            warn.append(f"start: {err}; using the default start")
    else:
        return replace(exp, start=tuple(coords))
    return exp


def _read_batch(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    """A mini-batch size, read only on a surface with data points: 1 to its number of points, 0 for all."""
    surface = _surface_of(exp)
    if surface is None or surface.data is None:
        if text.strip() != "0":  # 0 (every point: the exact gradient) means the same on any surface
            warn.append(f"{f.key}: only read on a surface with data points; ignored")
        return replace(exp, batch_size=0)
    n = len(surface.data.y)
    fallback = min(exp.batch_size, n)
    return replace(exp, batch_size=int(read_number(text, f.key, warn, f.low, n, fallback, True)))


#: Every query parameter, in the order links write them and decode reads them.
FIELDS: tuple[Field, ...] = (
    Field("surface", "surface_key", "key:name=value,...", write=_write_surface, read=_read_surface),
    Field("formula", "formula", "text", high=CAPS.formula_length, write=_write_formula, read=_read_formula),
    Field("bounds", "bounds", "lo,hi,...", high=CAPS.coordinate, write=_write_bounds, read=_read_window),
    Field("opt", "entries", "entry;entry;...", high=CAPS.entries, write=_write_entries, read=_read_entries),
    # Which table of suggested learning rates the lrs that opt leaves out come from (1 when absent).
    Field("lrtable", "", "int", 1, write=_write_lr_table, read=_read_lr_table),
    Field("start", "start", "x,y", high=CAPS.coordinate, write=_write_start, read=_read_start),
    Field("steps", "steps", "int", 1, CAPS.steps),
    Field("noise", "noise", "number", 0, CAPS.noise),
    Field("seed", "seed", "int", 0, 2**31 - 1),
    Field("seeds", "seeds", "int", 1, CAPS.seeds),
    Field("view", "view", "choice", choices=VIEWS, read=read_choice_field),
    Field("lesson", "lesson", "text", read=None),  # read first, as the base the other keys change
    Field("speed", "speed", "number", 0.1, 10),
    Field("batch", "batch_size", "int", 0, read=_read_batch),  # capped by the data's number of points
    Field("present", "present", "flag", read=read_flag_field),
)
FIELD = {f.key: f for f in FIELDS}
KNOWN_KEYS = frozenset(FIELD)


# --- the link as a whole ----------------------------------------------------------------------------


def encode(exp: Experiment) -> dict[str, str]:
    """The experiment as query parameters, leaving out what equals the defaults. A link that names a
    lesson is read on top of the lesson's own race (:func:`_base`), so a value the lesson sets and
    this experiment puts back to the default (no noise where the lesson has some) is written out."""
    base = lessons.find(exp.lesson) if exp.lesson else None
    out = {}
    for f in FIELDS:
        text = f.write(f, exp)
        if text is None and base is not None and f.write is write_changed and f.attr \
                and getattr(base.experiment, f.attr) != getattr(exp, f.attr):
            value = getattr(exp, f.attr)
            text = value if isinstance(value, str) else number_text(value)
        if text is not None:
            out[f.key] = text
    return out


def to_query_string(exp: Experiment) -> str:
    return urlencode(encode(exp), safe=":;,=*()/", quote_via=quote)


def _base(raw: Mapping[str, str], warn: list[str]) -> Experiment:
    """What the link's keys change: the lesson it names, or the default race when it names no optimizers."""
    if raw.get("lesson"):
        lesson = lessons.find(raw["lesson"])
        if lesson is not None:
            return lesson.experiment
        if "opt" in raw:
            warn.append(f"unknown lesson {shorten(raw['lesson'])!r}; ignored")
            return Experiment()
        warn.append(f"unknown lesson {shorten(raw['lesson'])!r}; showing the default race")
        return default_experiment()
    return Experiment() if "opt" in raw else default_experiment()


def decode(params: Mapping[str, Any] | str) -> tuple[Experiment, list[str]]:
    """Read an experiment from query parameters (a mapping, or a query string).

    Never raises on bad input: returns the experiment built from what was valid, and a list of
    warnings naming what was ignored, clamped or replaced by a default.
    """
    if isinstance(params, str):
        params = parse_qs(params.lstrip("?"), keep_blank_values=True)
    warn: list[str] = []
    raw = {}
    for k, v in params.items():
        text = first(v)
        if isinstance(v, list | tuple) and len({str(x) for x in v}) > 1:
            warn.append(f"{shorten(str(k), 20)!r} is given {len(v)} times; using the first")
        if len(text) > RAW_MAX:
            warn.append(f"{shorten(str(k), 20)!r} is {len(text)} characters long (limit {RAW_MAX}); ignored")
            continue
        raw[str(k)] = text
    warn += [f"unknown parameter {shorten(k, 30)!r}; ignored" for k in raw if k not in KNOWN_KEYS]
    exp = _base(raw, warn)
    for f in FIELDS:
        if f.key in raw and f.read is not None:
            exp = f.read(f, raw[f.key], exp, raw, warn)
    if exp.batch_size and "batch" not in raw:
        # A lesson's mini-batch size, opened on a surface the link names that has no data points:
        # the link's surface wins, and every step takes the exact gradient.
        surface = _surface_of(exp)
        if surface is None or surface.data is None:
            warn.append(f"batch: the lesson's mini-batch size ({exp.batch_size}) needs a surface with data points; "
                        "the link's surface has none, so every step takes the exact gradient")
            exp = replace(exp, batch_size=0)
    return exp, warn
