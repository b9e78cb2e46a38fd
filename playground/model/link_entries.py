"""An optimizer entry in a link: ``key:name=value,...`` with the optimizer's hyperparameters (whatever
its spec declares) and the settings of :data:`ENTRY_FIELDS` (label, colour, learning-rate schedule, its
own mini-batch size), each written only when it differs from its default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import optimizers
from playground.model import schedules
from playground.model.caps import CAPS
from playground.model.experiment import COLOR_RE, LABEL_MAX, Entry, Schedule, clean_label
from playground.model.link_values import (
    FALSE,
    TRUE,
    Field,
    Writer,
    escape,
    number_text,
    pairs,
    read_float,
    read_number,
    shorten,
)


def _schedule_part(test: Callable[[Schedule], bool]) -> Writer:
    def write(f: Field, e: Entry) -> str | None:
        s = e.schedule
        if s.is_default() or not test(s):
            return None
        value = getattr(s, f.attr)
        return value if isinstance(value, str) else number_text(value)
    return write


def _read_label(f: Field, extras: Mapping[str, str], entry: Entry, where: str, warn: list[str]) -> Entry:
    text = extras.get("label", "")
    label = clean_label(text)
    if text and label != text.strip()[: int(f.high)].strip():
        warn.append(f"{where}: label had characters that are not allowed; they were removed")
    return replace(entry, label=label)


def _read_color(f: Field, extras: Mapping[str, str], entry: Entry, where: str, warn: list[str]) -> Entry:
    color = extras.get("color", "")
    if color and not COLOR_RE.match(color):
        warn.append(f"{where}: color {shorten(color)!r} is not #rrggbb; using the palette")
        color = ""
    return replace(entry, color=color.lower())


def _read_schedule(f: Field, extras: Mapping[str, str], entry: Entry, where: str, warn: list[str]) -> Entry:
    """The schedule as a whole: its kind, then the rows below it (ignored with an unknown kind)."""
    kind = extras.get("sched", "constant") or "constant"
    if kind not in f.choices:
        warn.append(f"{where}: unknown schedule {shorten(kind)!r}; using a constant learning rate")
        return replace(entry, schedule=Schedule())
    s = Schedule(kind=kind)
    for row in ENTRY_FIELDS:
        if row.read is not None or row.key not in extras:
            continue
        name, text, what = row.attr, extras[row.key], f"{where} {row.key}"
        if row.kind == "int":
            s = replace(s, **{name: read_number(text, what, warn, row.low, row.high, getattr(s, name), True)})
        elif (v := read_float(text, what, [])) is not None and row.low < v <= row.high:
            s = replace(s, **{name: v})
        else:
            warn.append(f"{where}: {row.key} must lie in ({row.low:g}, {row.high:g}], got {shorten(text)!r}; "
                        f"using {getattr(s, name):g}")
    return replace(entry, schedule=s)


def _read_entry_batch(f: Field, extras: Mapping[str, str], entry: Entry, where: str, warn: list[str]) -> Entry:
    """An entry's own mini-batch size (0 for every point). Where the surface has fewer points the
    entry takes them all; off a data surface the size is kept but changes nothing."""
    if "batch" not in extras:
        return entry
    text = extras["batch"]
    v = read_float(text, "", [])
    if v is None or v != int(v) or not f.low <= v <= f.high:
        warn.append(f"{where}: batch must be a whole number from {f.low:g} to {f.high:g}, got {shorten(text)!r}; "
                    "using the race's mini-batch size")
        return entry
    return replace(entry, batch=int(v))


#: An entry's settings besides the optimizer's hyperparameters, in the order a link writes them.
ENTRY_FIELDS: tuple[Field, ...] = (
    Field("label", "label", "text", high=LABEL_MAX, write=lambda f, e: escape(e.label) or None, read=_read_label,
          of=Entry),
    Field("color", "color", "#rrggbb", write=lambda f, e: e.color or None, read=_read_color, of=Entry),
    # The schedule is read as a whole by its first row: warmup, gamma and every are read with sched.
    Field("sched", "kind", "choice", choices=tuple(schedules.KINDS), write=_schedule_part(lambda s: True),
          read=_read_schedule, of=Schedule),
    Field("warmup", "warmup", "int", 0, CAPS.steps, write=_schedule_part(lambda s: s.warmup > 0), read=None,
          of=Schedule),
    # A value the kind ignores still travels, so the link gives back exactly this schedule.
    Field("gamma", "gamma", "number", 0, 1, read=None, of=Schedule,
          write=_schedule_part(lambda s: s.kind in ("step", "exponential") or s.gamma != Schedule.gamma)),
    Field("every", "every", "int", 1, CAPS.steps, read=None, of=Schedule,
          write=_schedule_part(lambda s: s.kind == "step" or s.every != Schedule.every)),
    Field("batch", "batch", "int", 0, CAPS.points, write=lambda f, e: None if e.batch is None else str(e.batch),
          read=_read_entry_batch, of=Entry),
)
ENTRY_FIELD = {f.key: f for f in ENTRY_FIELDS}
ENTRY_KEYS = tuple(ENTRY_FIELD)


def write_entry(e: Entry) -> str:
    parts = [f"{k}={number_text(v)}" for k, v in e.hyper]
    parts += [f"{f.key}={text}" for f in ENTRY_FIELDS if (text := f.write(f, e)) is not None]
    return e.optimizer + (":" + ",".join(parts) if parts else "")


def read_entry(text: str, index: int, warn: list[str]) -> Entry | None:
    key, _, rest = text.partition(":")
    key = key.strip()
    where = f"optimizer {index + 1}"
    if key not in optimizers.REGISTRY:
        warn.append(f"{where}: unknown optimizer {shorten(key)!r}; ignored")
        return None
    spec = optimizers.spec(key)
    names = {h.name for h in spec.hypers}
    hyper: dict[str, float | bool] = {}
    extras: dict[str, str] = {}
    for name, value in pairs(rest):
        if name in ENTRY_FIELD:
            extras[name] = value
        elif name not in names:
            warn.append(f"{where} ({key}): unknown hyperparameter {shorten(name)!r}; ignored")
        elif spec.hyper(name).is_flag:
            if value.lower() in TRUE + FALSE:
                hyper[name] = value.lower() in TRUE
            else:
                warn.append(f"{where} ({key}): {name} must be 0 or 1, got {shorten(value)!r}; using the default")
        elif (v := read_float(value, f"{where} ({key}) {name}", warn)) is not None:
            try:
                spec.hyper(name).validate(v)
                hyper[name] = v
            except ValueError as err:
                warn.append(f"{where} ({key}): {err}; using the default")
    entry = Entry(key, tuple(sorted(hyper.items())))
    for f in ENTRY_FIELDS:
        if f.read is not None:
            entry = f.read(f, extras, entry, where, warn)
    return entry
