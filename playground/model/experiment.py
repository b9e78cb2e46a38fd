"""One typed object describes an experiment; links, lessons, exports and the CLI all read and write it.

The query-string form is compact and human-readable::

    surface=bowl:b=25,angle=30&opt=adam:lr=0.05,beta1=0.8;sgd:lr=0.001&start=-2.5,1.5&steps=300

``opt`` lists the optimizer entries separated by ``;``; each is ``key:name=value,...`` holding only
what differs from the defaults (a learning rate left out takes the surface's suggested one), plus
``label``, ``color`` and a learning-rate schedule. :func:`decode` never raises: it keeps what is
valid, falls back to defaults for the rest, and returns a warning for everything it ignored or
clamped, in words the page can show.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode

import numpy as np

import optimizers
import surfaces
from playground.model import defaults
from playground.model.caps import CAPS

VIEWS = ("race", "side", "3d", "curves", "table", "equations", "sweep", "internals")
SCHEDULES = ("constant", "step", "exponential", "cosine", "inv_sqrt")
ENTRY_KEYS = ("label", "color", "sched", "warmup", "gamma", "every")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LABEL_MAX = 40
RAW_MAX = 4000


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule: the lr at step t is ``lr · factor(t)``; only the lr changes.

    ``kind``: constant, step (× ``gamma`` every ``every`` steps), exponential (× ``gamma`` per
    step), cosine (to 0 at the last step), inv_sqrt (1/√t). ``warmup`` steps ramp linearly up first.
    """

    kind: str = "constant"
    warmup: int = 0
    gamma: float = 0.5
    every: int = 100

    def is_default(self) -> bool:
        return self == Schedule()


@dataclass(frozen=True)
class Entry:
    """One optimizer in the race. ``hyper`` holds only the values set explicitly, as sorted pairs."""

    optimizer: str
    hyper: tuple[tuple[str, float | bool], ...] = ()
    label: str = ""
    color: str = ""
    schedule: Schedule = field(default_factory=Schedule)

    @property
    def hyper_dict(self) -> dict[str, float | bool]:
        return dict(self.hyper)

    def with_hyper(self, **values: Any) -> Entry:
        merged = {**self.hyper_dict, **values}
        return replace(self, hyper=tuple(sorted(merged.items())))

    def display_label(self) -> str:
        return self.label or optimizers.spec(self.optimizer).name


@dataclass(frozen=True)
class Experiment:
    """Everything that determines a race and how it is shown."""

    surface: str = "rosenbrock"
    surface_params: tuple[tuple[str, float], ...] = ()
    formula: str = ""
    bounds: tuple[tuple[float, float], ...] = ()
    entries: tuple[Entry, ...] = ()
    start: tuple[float, ...] = ()
    steps: int = 300
    noise: float = 0.0
    seed: int = 0
    seeds: int = 1
    batch_size: int = 0  # points per gradient step on a data surface; 0 takes them all
    view: str = "race"
    lesson: str = ""
    present: bool = False
    speed: float = 1.0

    def build_surface(self) -> surfaces.Surface:
        if self.surface == "custom":
            bounds = [list(b) for b in self.bounds] or [[-3.0, 3.0], [-3.0, 3.0]]
            return surfaces.from_formula(self.formula, bounds=bounds, start=self.start or None)
        surface = surfaces.get(self.surface, **dict(self.surface_params))
        if self.bounds:
            # A view window (a lesson frames what it is about): the same surface, drawn over this box.
            window = np.array(self.bounds, dtype=np.float64)
            if window.shape != (surface.dim, 2) or not (window[:, 0] < window[:, 1]).all():
                raise ValueError(f"a window needs {surface.dim} pair(s) of low < high, got {self.bounds}")
            surface = replace(surface, bounds=window)
        return surface

    def start_point(self, surface: surfaces.Surface | None = None) -> tuple[float, ...]:
        surface = surface or self.build_surface()
        if len(self.start) == surface.dim:
            return self.start
        return surface.default_start

    def resolve(self, entry: Entry) -> optimizers.Optimizer:
        """The optimizer an entry stands for on this experiment's surface."""
        hyper = {"lr": defaults.learning_rate(self.surface, entry.optimizer), **entry.hyper_dict}
        return optimizers.make(entry.optimizer, **hyper)

    def race_signature(self) -> tuple:
        """What fixes the race's numbers, with defaults filled in: two experiments with the same
        signature race identically, however their links spell it (a default written out or left out)."""
        surface = self.build_surface()
        entries = tuple((e.optimizer, tuple(sorted(self.resolve(e).hyper.items())), e.schedule) for e in self.entries)
        return (self.surface, self.formula, tuple(sorted(surface.params.items())), surface.bounds.tolist(),
                self.start_point(surface), self.steps, self.noise, self.seed, self.seeds, self.batch_size, entries)

    def labels(self) -> list[str]:
        """Entry labels, made unique ("Adam", "Adam (2)") so legends and tables stay readable."""
        seen: dict[str, int] = {}
        out = []
        for e in self.entries:
            base = e.display_label()
            seen[base] = seen.get(base, 0) + 1
            out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
        return out

    def colors(self) -> list[str]:
        return [e.color or defaults.PALETTE[i % len(defaults.PALETTE)] for i, e in enumerate(self.entries)]


def surface_only(exp: Experiment) -> Experiment:
    """The fields that fix the surface, on an otherwise empty experiment (a cache key for pictures
    of the surface alone)."""
    return Experiment(surface=exp.surface, surface_params=exp.surface_params, formula=exp.formula,
                      bounds=exp.bounds)


def round_significant(value: float, digits: int) -> float:
    """``value`` to ``digits`` significant digits, so a link carries 0.6057, not 0.6056929133858268."""
    return float(f"{value:.{digits}g}") if value and math.isfinite(value) else value


def round_to_window(point: Iterable[float], bounds: Iterable[Iterable[float]], digits: int = 3) -> tuple[float, ...]:
    """A clicked point rounded to what the window resolves: about ``digits`` significant digits of
    each axis's span (a window 6 wide gives steps of 0.01)."""
    out = []
    for value, (lo, hi) in zip(point, bounds, strict=False):
        span = abs(float(hi) - float(lo)) or 1.0
        quantum = 10.0 ** (math.floor(math.log10(span)) - (digits - 1))
        decimals = max(0, -math.floor(math.log10(quantum)))
        out.append(round(round(float(value) / quantum) * quantum, decimals) + 0.0)
    return tuple(out)


def default_experiment() -> Experiment:
    """The race a first visit shows: four classic rules on Rosenbrock's valley."""
    return Experiment(entries=tuple(Entry(k) for k in ("sgd", "momentum", "rmsprop", "adam")), steps=500)


# --- Encoding -------------------------------------------------------------------------------------


def _num(v: float | bool | int) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def _esc(text: str) -> str:
    """Percent-escape the characters that structure an entry (``, ; = : %``) inside a label."""
    return "".join(f"%{ord(ch):02X}" if ch in ",;=:%&+" else ch for ch in text)


def _encode_entry(e: Entry) -> str:
    parts = [f"{k}={_num(v)}" for k, v in e.hyper]
    if e.label:
        parts.append(f"label={_esc(e.label)}")
    if e.color:
        parts.append(f"color={e.color}")
    s = e.schedule
    if not s.is_default():
        parts.append(f"sched={s.kind}")
        if s.warmup:
            parts.append(f"warmup={s.warmup}")
        # A value the kind ignores still travels, so the link gives back exactly this schedule.
        if s.kind in ("step", "exponential") or s.gamma != Schedule.gamma:
            parts.append(f"gamma={_num(s.gamma)}")
        if s.kind == "step" or s.every != Schedule.every:
            parts.append(f"every={s.every}")
    return e.optimizer + (":" + ",".join(parts) if parts else "")


def encode(exp: Experiment) -> dict[str, str]:
    """The experiment as query parameters, leaving out what equals the defaults."""
    base = Experiment()
    q: dict[str, str] = {}
    surface = exp.surface
    if exp.surface_params:
        surface += ":" + ",".join(f"{k}={_num(v)}" for k, v in exp.surface_params)
    q["surface"] = surface
    if exp.surface == "custom":
        q["formula"] = exp.formula
    if exp.bounds:
        q["bounds"] = ",".join(_num(v) for b in exp.bounds for v in b)
    q["opt"] = ";".join(_encode_entry(e) for e in exp.entries)
    if exp.start:
        q["start"] = ",".join(_num(v) for v in exp.start)
    for name in ("steps", "noise", "seed", "seeds", "view", "lesson", "speed"):
        value = getattr(exp, name)
        if value != getattr(base, name):
            q[name] = _num(value) if not isinstance(value, str) else value
    if exp.batch_size:
        q["batch"] = str(exp.batch_size)
    if exp.present:
        q["present"] = "1"
    return q


def to_query_string(exp: Experiment) -> str:
    return urlencode(encode(exp), safe=":;,=*()/", quote_via=quote)


# --- Decoding -------------------------------------------------------------------------------------


def _shorten(text: str, n: int = 60) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _float(text: str, what: str, warn: list[str]) -> float | None:
    try:
        v = float(text)
    except ValueError:
        warn.append(f"{what}: {_shorten(text)!r} is not a number; ignored")
        return None
    if not math.isfinite(v):
        warn.append(f"{what}: {_shorten(text)!r} is not finite; ignored")
        return None
    return v


def _number(text: str, what: str, warn: list[str], low: float, high: float, fallback: float | int,
            whole: bool = False) -> float | int:
    """A number from a link in ``[low, high]``; anything else (not a number, not whole where it must
    be, out of range) falls back to ``fallback``, and the warning says the value actually used."""
    v = _float(text, what, [])
    shown = f"{fallback:g}" if isinstance(fallback, float) else str(fallback)
    if v is None:
        warn.append(f"{what}: {_shorten(text)!r} is not a finite number; using {shown}")
        return fallback
    if whole and v != int(v):
        warn.append(f"{what}: {_shorten(text)!r} is not a whole number; using {shown}")
        return fallback
    if not low <= v <= high:
        warn.append(f"{what}: {_shorten(text)} is outside {low:g}–{high:g}; using {shown}")
        return fallback
    return int(v) if whole else v


def _pairs(text: str) -> Iterable[tuple[str, str]]:
    for part in text.split(","):
        if not part:
            continue
        name, sep, value = part.partition("=")
        yield name.strip(), (unquote(value) if sep else "")


def clean_label(text: str) -> str:
    """A label safe to show anywhere: printable, no markup characters, at most 40 characters."""
    text = "".join(ch for ch in text if ch.isprintable() and ch not in "<>&\"'`{}[]\\$*_|")
    # Strip again after cutting, so a cleaned label comes back unchanged from a second cleaning.
    return text.strip()[:LABEL_MAX].strip()


def _decode_entry(text: str, index: int, warn: list[str]) -> Entry | None:
    key, _, rest = text.partition(":")
    key = key.strip()
    where = f"optimizer {index + 1}"
    if key not in optimizers.REGISTRY:
        warn.append(f"{where}: unknown optimizer {_shorten(key)!r}; ignored")
        return None
    spec = optimizers.spec(key)
    names = {h.name for h in spec.hypers}
    hyper: dict[str, float | bool] = {}
    extras: dict[str, str] = {}
    for name, value in _pairs(rest):
        if name in ENTRY_KEYS:
            extras[name] = value
            continue
        if name not in names:
            warn.append(f"{where} ({key}): unknown hyperparameter {_shorten(name)!r}; ignored")
            continue
        h = spec.hyper(name)
        if h.is_flag:
            if value.lower() in ("1", "true", "yes", "on"):
                hyper[name] = True
            elif value.lower() in ("0", "false", "no", "off"):
                hyper[name] = False
            else:
                warn.append(f"{where} ({key}): {name} must be 0 or 1, got {_shorten(value)!r}; using the default")
            continue
        v = _float(value, f"{where} ({key}) {name}", warn)
        if v is None:
            continue
        try:
            h.validate(v)
        except ValueError as err:
            warn.append(f"{where} ({key}): {err}; using the default")
            continue
        hyper[name] = v
    label = clean_label(extras.get("label", ""))
    if extras.get("label") and label != extras["label"].strip()[:LABEL_MAX].strip():
        warn.append(f"{where}: label had characters that are not allowed; they were removed")
    color = extras.get("color", "")
    if color and not COLOR_RE.match(color):
        warn.append(f"{where}: color {_shorten(color)!r} is not #rrggbb; using the palette")
        color = ""
    schedule = _decode_schedule(extras, where, warn)
    return Entry(key, tuple(sorted(hyper.items())), label, color.lower(), schedule)


def _decode_schedule(extras: Mapping[str, str], where: str, warn: list[str]) -> Schedule:
    kind = extras.get("sched", "constant") or "constant"
    if kind not in SCHEDULES:
        warn.append(f"{where}: unknown schedule {_shorten(kind)!r}; using a constant learning rate")
        return Schedule()
    s = Schedule(kind=kind)
    if "warmup" in extras:
        s = replace(s, warmup=_number(extras["warmup"], f"{where} warmup", warn, 0, CAPS.steps, s.warmup, True))
    if "gamma" in extras:
        g = _float(extras["gamma"], f"{where} gamma", [])
        if g is not None and 0 < g <= 1:
            s = replace(s, gamma=g)
        else:
            warn.append(f"{where}: gamma must lie in (0, 1], got {_shorten(extras['gamma'])!r}; using {s.gamma:g}")
    if "every" in extras:
        s = replace(s, every=_number(extras["every"], f"{where} every", warn, 1, CAPS.steps, s.every, True))
    return s


def _first(value: Any) -> str:
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    return str(value)


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
        text = _first(v)
        if isinstance(v, list | tuple) and len({str(x) for x in v}) > 1:
            warn.append(f"{_shorten(str(k), 20)!r} is given {len(v)} times; using the first")
        if len(text) > RAW_MAX:
            warn.append(f"{_shorten(str(k), 20)!r} is {len(text)} characters long (limit {RAW_MAX}); ignored")
            continue
        raw[str(k)] = text
    known = {"surface", "formula", "bounds", "opt", "start", "steps", "noise", "seed", "seeds", "view",
             "lesson", "present", "speed", "batch"}
    for k in raw:
        if k not in known:
            warn.append(f"unknown parameter {_shorten(k, 30)!r}; ignored")

    exp = Experiment()
    if raw.get("lesson"):
        from playground.model import lessons

        lesson = lessons.find(raw["lesson"])
        if lesson is None:
            if "opt" not in raw:
                warn.append(f"unknown lesson {_shorten(raw['lesson'])!r}; showing the default race")
                exp = default_experiment()
            else:
                warn.append(f"unknown lesson {_shorten(raw['lesson'])!r}; ignored")
        else:
            exp = lesson.experiment
    elif "opt" not in raw:
        exp = default_experiment()

    exp = _decode_surface(raw, exp, warn)
    if raw.get("surface", "").partition(":")[0].strip() != "custom":
        if "formula" in raw:
            warn.append("formula: only read with surface=custom; ignored")
        if "bounds" in raw:
            exp = _decode_window(raw["bounds"], exp, warn)

    if "opt" in raw:
        entries = []
        parts = [p for p in raw["opt"].split(";") if p.strip()]
        if len(parts) > CAPS.entries:
            warn.append(f"{len(parts)} optimizers requested; only the first {CAPS.entries} are kept")
            parts = parts[: CAPS.entries]
        for i, part in enumerate(parts):
            entry = _decode_entry(part, i, warn)
            if entry is not None:
                entries.append(entry)
        exp = replace(exp, entries=tuple(entries))

    surface = None
    if "start" in raw:
        try:
            surface = exp.build_surface()
        except ValueError:
            surface = None
        coords = [_float(c, "start", warn) for c in raw["start"].split(",")]
        dim = surface.dim if surface else len(coords)
        if any(c is None for c in coords) or len(coords) != dim:
            warn.append(f"start: expected {dim} number(s); using the surface's default start")
        elif any(abs(c) > CAPS.coordinate for c in coords):
            warn.append(f"start: coordinates beyond ±{CAPS.coordinate:g} are not allowed; using the default start")
        elif exp.surface == "custom":
            # A formula's start must also lie in its window, where the formula is finite.
            try:
                replace(exp, start=tuple(coords)).build_surface()
                exp = replace(exp, start=tuple(coords))
            except ValueError as err:
                warn.append(f"start: {err}; using the default start")
        else:
            exp = replace(exp, start=tuple(coords))
    if "steps" in raw:
        exp = replace(exp, steps=_number(raw["steps"], "steps", warn, 1, CAPS.steps, exp.steps, True))
    if "noise" in raw:
        exp = replace(exp, noise=float(_number(raw["noise"], "noise", warn, 0, CAPS.noise, exp.noise)))
    if "seed" in raw:
        exp = replace(exp, seed=_number(raw["seed"], "seed", warn, 0, 2**31 - 1, exp.seed, True))
    if "seeds" in raw:
        exp = replace(exp, seeds=_number(raw["seeds"], "seeds", warn, 1, CAPS.seeds, exp.seeds, True))
    if "batch" in raw:
        exp = _decode_batch(raw["batch"], exp, warn)
    if "speed" in raw:
        exp = replace(exp, speed=float(_number(raw["speed"], "speed", warn, 0.1, 10, exp.speed)))
    if "view" in raw:
        if raw["view"] in VIEWS:
            exp = replace(exp, view=raw["view"])
        else:
            warn.append(f"unknown view {_shorten(raw['view'])!r}; showing the race")
    if "present" in raw:
        flag = raw["present"].lower()
        if flag in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            exp = replace(exp, present=flag in ("1", "true", "yes", "on"))
        else:
            warn.append(f"present: {_shorten(raw['present'])!r} is not 0 or 1; ignored")
    return exp, warn


def _decode_window(text: str, exp: Experiment, warn: list[str]) -> Experiment:
    """A view window over a built-in surface: ``lo,hi`` per axis, inside the coordinate cap."""
    vals = [_float(v, "bounds", []) for v in text.split(",")]
    try:
        dim = replace(exp, bounds=()).build_surface().dim
    except ValueError:
        return exp
    if (len(vals) != 2 * dim or any(v is None or abs(v) > CAPS.coordinate for v in vals)
            or any(vals[i] >= vals[i + 1] for i in range(0, len(vals), 2))):
        warn.append(f"bounds: expected {dim} pair(s) of numbers, low < high, within ±{CAPS.coordinate:g}; "
                    "using the surface's own window")
        return exp
    return replace(exp, bounds=tuple((vals[i], vals[i + 1]) for i in range(0, len(vals), 2)))


def _decode_batch(text: str, exp: Experiment, warn: list[str]) -> Experiment:
    """A mini-batch size, read only on a surface with data points: 1 to its number of points, 0 for all."""
    try:
        surface = exp.build_surface()
    except ValueError:
        surface = None
    if surface is None or surface.data is None:
        warn.append("batch: only read on a surface with data points; ignored")
        return replace(exp, batch_size=0)
    n = len(surface.data.y)
    fallback = min(exp.batch_size, n)
    return replace(exp, batch_size=int(_number(text, "batch", warn, 0, n, fallback, True)))


def _decode_surface(raw: Mapping[str, str], exp: Experiment, warn: list[str]) -> Experiment:
    if "surface" not in raw:
        return exp
    key, _, rest = raw["surface"].partition(":")
    key = key.strip()
    if key == "custom":
        formula = raw.get("formula", "")
        bounds: tuple[tuple[float, float], ...] = ()
        if "bounds" in raw:
            vals = [_float(v, "bounds", warn) for v in raw["bounds"].split(",")]
            if any(v is None for v in vals) or len(vals) not in (2, 4):
                warn.append("bounds: expected 2 or 4 numbers; using the default window")
            else:
                bounds = tuple((vals[i], vals[i + 1]) for i in range(0, len(vals), 2))
        if len(formula) > CAPS.formula_length:
            warn.append(f"formula is longer than {CAPS.formula_length} characters; keeping the previous surface")
            return exp
        try:
            surfaces.from_formula(formula, bounds=[list(b) for b in bounds] or [[-3, 3], [-3, 3]])
        except ValueError as err:
            warn.append(f"formula: {err}; keeping the previous surface")
            return exp
        return replace(exp, surface="custom", surface_params=(), formula=formula, bounds=bounds, start=())
    if key not in surfaces.REGISTRY:
        warn.append(f"unknown surface {_shorten(key)!r}; keeping {exp.surface}")
        return exp
    spec = surfaces.spec(key)
    known = {p.name: p for p in spec.params}
    params: dict[str, float] = {}
    for name, value in _pairs(rest):
        if name not in known:
            warn.append(f"surface {key}: unknown parameter {_shorten(name)!r}; ignored")
            continue
        v = _float(value, f"surface {key} {name}", warn)
        if v is None:
            continue
        try:
            params[name] = known[name].validate(v)
        except ValueError as err:
            warn.append(f"surface {key}: {err}; using the default")
    keep_start = exp.start if key == exp.surface else ()
    return replace(exp, surface=key, surface_params=tuple(sorted(params.items())), formula="", bounds=(),
                   start=keep_start)
