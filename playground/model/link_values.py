"""One value of a link: the :class:`Field` a table row is, and how a value is written and read back
(numbers, flags, choices, escaped text, ``name=value`` lists). Readers never raise; they append a
warning that names what they could not use and the value used instead.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from playground.model.experiment import Experiment

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def number_text(v: float | bool | int) -> str:
    """The shortest text that reads back as the same number (``0.05``, ``300``, flags as 1 and 0)."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def escape(text: str) -> str:
    """Percent-escape the characters that structure an entry (``, ; = : %``) inside a label."""
    return "".join(f"%{ord(ch):02X}" if ch in ",;=:%&+" else ch for ch in text)


def shorten(text: str, n: int = 60) -> str:
    """Text from a link made safe to quote in a warning: printable, at most ``n`` characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= n else text[: n - 1] + "…"


def read_float(text: str, what: str, warn: list[str]) -> float | None:
    """A finite number, or None with a warning that names ``what``."""
    try:
        v = float(text)
    except ValueError:
        warn.append(f"{what}: {shorten(text)!r} is not a number; ignored")
        return None
    if not math.isfinite(v):
        warn.append(f"{what}: {shorten(text)!r} is not finite; ignored")
        return None
    return v


def read_number(text: str, what: str, warn: list[str], low: float, high: float, fallback: float | int,
                whole: bool = False) -> float | int:
    """A number from a link in ``[low, high]``; anything else (not a number, not whole where it must
    be, out of range) falls back to ``fallback``, and the warning says the value actually used."""
    v = read_float(text, what, [])
    shown = f"{fallback:g}" if isinstance(fallback, float) else str(fallback)
    if v is None:
        warn.append(f"{what}: {shorten(text)!r} is not a finite number; using {shown}")
        return fallback
    if whole and v != int(v):
        warn.append(f"{what}: {shorten(text)!r} is not a whole number; using {shown}")
        return fallback
    if not low <= v <= high:
        warn.append(f"{what}: {shorten(text)} is outside {low:g}–{high:g}; using {shown}")
        return fallback
    return int(v) if whole else v


def pairs(text: str) -> Iterable[tuple[str, str]]:
    """``name=value,...`` as (name, value) pairs, each value unescaped."""
    for part in text.split(","):
        if not part:
            continue
        name, sep, value = part.partition("=")
        yield name.strip(), (unquote(value) if sep else "")


def first(value: Any) -> str:
    """One query value as text (the first, when a key is given more than once)."""
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    return str(value)


# --- a row of a table ------------------------------------------------------------------------------

Reader = Callable[..., Any]
Writer = Callable[..., "str | None"]


def write_changed(f: Field, obj: Any) -> str | None:
    """The value as text, or None where it equals the default (the link leaves it out)."""
    value = getattr(obj, f.attr)
    if value == f.default:
        return None
    return value if isinstance(value, str) else number_text(value)


def read_number_field(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    """A number within the row's cap (a whole one for an int); otherwise the value stays as it was."""
    whole = f.kind == "int"
    value = read_number(text, f.key, warn, f.low, f.high, getattr(exp, f.attr), whole)
    return replace(exp, **{f.attr: value if whole else float(value)})


def read_choice_field(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    if text in f.choices:
        return replace(exp, **{f.attr: text})
    warn.append(f"unknown {f.key} {shorten(text)!r}; showing the {f.default}")
    return exp


def read_flag_field(f: Field, text: str, exp: Experiment, raw: Mapping[str, str], warn: list[str]) -> Experiment:
    if text.lower() in TRUE + FALSE:
        return replace(exp, **{f.attr: text.lower() in TRUE})
    warn.append(f"{f.key}: {shorten(text)!r} is not 0 or 1; ignored")
    return exp


@dataclass(frozen=True)
class Field:
    """One key of a link's table. ``attr`` is the attribute of ``of`` it carries, and that
    dataclass's default for it is the field's default; ``low``/``high`` cap a number (or a length, a
    count, a coordinate); ``write`` gives its text, None to leave the key out; ``read`` takes it back
    (None where another row reads it, as the table's comment says)."""

    key: str
    attr: str
    kind: str  # int, number, choice, flag, text, or the shape of a structured value
    low: float = -math.inf
    high: float = math.inf
    choices: tuple[str, ...] = ()
    write: Writer = write_changed
    read: Reader | None = read_number_field
    of: type = Experiment

    @property
    def default(self) -> Any:
        """The dataclass's default for ``attr`` (None for a key that carries no attribute of its own)."""
        return next((f.default for f in dataclasses.fields(self.of) if f.name == self.attr), None)
