"""How a lesson is written: its runs, the numbers its text quotes, and the templates that name them."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from playground.model.experiment import Entry, Experiment, Schedule


@dataclass(frozen=True)
class Number:
    """A number the text quotes: ``value``, and how loosely the text means it (relative)."""

    value: float
    within: float = 0.0


def about(value: float, within: float) -> Number:
    return Number(float(value), within)


@dataclass(frozen=True)
class Run:
    """One optimizer of a lesson: the entry it races and the words the prose names it by."""

    entry: Entry
    said: str


def run(optimizer: str, label: str = "", said: str = "", schedule: Schedule | None = None, batch: int | None = None,
        **hyper: Any) -> Run:
    entry = Entry(optimizer, tuple(sorted(hyper.items())), label, schedule=schedule or Schedule(), batch=batch)
    return Run(entry, said or label)


def show(value: float) -> str:
    """A number the way the lessons write it."""
    v = float(value)
    sign = "−" if v < 0 else ""
    v = abs(v)
    if v != 0 and v < 1e-4:
        exponent = round(math.log10(v))
        if math.isclose(v, 10.0**exponent, rel_tol=1e-12):
            return sign + "10" + str(exponent).translate(_SUPERSCRIPT)
        return sign + f"{v:g}"
    if v == int(v):
        return sign + f"{int(v):,}"
    return sign + f"{v:g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class _Writer(string.Formatter):
    def __init__(self, runs: Mapping[str, Run], numbers: Mapping[str, Number]):
        self.runs, self.numbers = runs, numbers

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if key in self.runs:
            return self.runs[key].said
        if key in self.numbers:
            return self.numbers[key].value
        raise KeyError(f"the text names {{{key}}}, which is neither a run nor a number of the lesson")

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, float) and not format_spec:
            return show(value)
        return super().format_field(value, format_spec)


def _capitalise_sentences(text: str) -> str:
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


@dataclass(frozen=True)
class Picture:
    """What a student must see as the lesson opens for its claim to show, checked in the browser at
    1440×900 and at 1280×720 in presentation mode (``tests/browser/test_lesson_pictures.py``).

    ``view`` is the view the lesson opens on (the experiment's own). ``panel`` names the part of it the
    text points at: ``"map"`` (a 2-D race), ``"steps"`` (the 1-D view's x over steps), ``"curve"``
    (the 1-D curve), ``"data"`` (the data panel), or the title of a Plotly view's panel (Internals,
    Curves). ``step`` is the step the text speaks of (None: the end). ``apart`` = (run, run, px): at
    that step the two runs' heads are at least px apart on the 1440×900 canvas. ``outside`` names the
    runs allowed to leave the window (a run that diverges, the lesson's point), with ``why`` saying so;
    every other run stays inside the window for the whole race.
    """

    view: str = "race"
    panel: str = "map"
    step: int | None = None
    apart: tuple[str, str, float] | None = None
    outside: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Lesson:
    key: str
    experiment: Experiment
    runs: Mapping[str, Run]
    numbers: Mapping[str, Number]
    templates: Mapping[str, str] = field(default_factory=dict)  # title, explanation, watch
    picture: Picture = field(default_factory=Picture)
    number: int = 0  # its place in the lesson list, from 1 (0: not in the list)

    def write(self, template: str) -> str:
        return _capitalise_sentences(_Writer(self.runs, self.numbers).format(template))

    @property
    def title(self) -> str:
        """The title, headed by the lesson's number in the list ("3. Bias correction in Adam")."""
        title = self.write(self.templates["title"])
        return f"{self.number}. {title}" if self.number else title

    @property
    def explanation(self) -> str:
        return self.write(self.templates["explanation"])

    @property
    def watch(self) -> str:
        return self.write(self.templates["watch"])

    def named_runs(self) -> set[str]:
        """The runs the title, explanation and watch text name."""
        found = set()
        for template in self.templates.values():
            for _, key, _, _ in string.Formatter().parse(template):
                if key in self.runs:
                    found.add(key)
        return found


def lesson(key: str, title: str, *, runs: Mapping[str, Run], explanation: str, watch: str,
           numbers: Mapping[str, float | Number] | None = None, surface: str,
           params: Mapping[str, float] | None = None, picture: Picture | None = None, **experiment: Any) -> Lesson:
    """A lesson from its data; ``experiment`` holds the remaining :class:`Experiment` fields."""
    nums = {name: n if isinstance(n, Number) else Number(float(n)) for name, n in (numbers or {}).items()}
    overlap = set(nums) & set(runs)
    if overlap:
        raise ValueError(f"{key}: {sorted(overlap)} name both a run and a number")
    exp = Experiment(surface_key=surface, surface_params=tuple(sorted((params or {}).items())),
                     entries=tuple(r.entry for r in runs.values()), lesson=key, **experiment)
    templates = {"title": title, "explanation": explanation, "watch": watch}
    picture = picture or Picture(view=exp.view, panel="steps" if exp.surface_key == "slope" else "map")
    if picture.view != exp.view:
        raise ValueError(f"{key}: the picture names the view {picture.view!r}, the lesson opens on {exp.view!r}")
    for name in (*picture.outside, *(picture.apart or ())[:2]):
        if name not in runs:
            raise ValueError(f"{key}: the picture names {name!r}, which is not a run of the lesson")
    made = Lesson(key, exp, MappingProxyType(dict(runs)), MappingProxyType(nums), MappingProxyType(templates),
                  picture)
    for template in templates.values():
        made.write(template)  # a misspelt placeholder fails at import, not in front of a class
    return made
