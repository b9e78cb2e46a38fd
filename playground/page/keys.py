"""Every widget key of the page, in one place: the page builds its widgets with these, and the
tests, the benchmarks and the load test find the widgets with them.

Most keys carry the widget generation ``gen``, which changes when the race is replaced wholesale
(a lesson, a reset), so the widgets start afresh from the new experiment. An optimizer entry's
widgets carry the entry's stable id ``uid`` instead, so adding, removing or duplicating an entry
leaves the others' widgets alone.
"""

from __future__ import annotations

from collections.abc import Sequence

# Buttons and widgets that are never re-seeded.
ADD = "add"
RESET = "reset"
RESTORE_LESSON = "restore-lesson"
DISMISS_WARNINGS = "dismiss-warnings"
EXPORT_FORMAT = "export-format"
EXPORT_FRAMES = "export-frames"
EXPORT_FPS = "export-fps"
EXPORT_WIDTH = "export-width"
EXPORT_HEIGHT = "export-height"
EXPORT_BUILD = "export-build"
EXPORT_DOWNLOAD = "export-download"

# A log-scale number is a slider of round values and a box for the exact value, kept in step.
LOG_SLIDER, LOG_EXACT = "-s", "-n"


def lesson(gen: int) -> str:
    return f"lesson-{gen}"


def present(gen: int) -> str:
    return f"present-{gen}"


def surface(gen: int) -> str:
    return f"surface-{gen}"


def formula(gen: int) -> str:
    return f"formula-{gen}"


def window_from(gen: int) -> str:
    return f"blo-{gen}"


def window_to(gen: int) -> str:
    return f"bhi-{gen}"


def surface_param(gen: int, surface_key: str, name: str) -> str:
    return f"sp-{gen}-{surface_key}-{name}"


def start(axis: int, gen: int, surface_key: str) -> str:
    """The start's coordinate ``axis``; a click on the map writes it too."""
    return f"start{axis}-{gen}-{surface_key}"


def steps(gen: int) -> str:
    return f"steps-{gen}"


def speed(gen: int) -> str:
    return f"speed-{gen}"


def batch(gen: int, surface_key: str, points: int) -> str:
    return f"batch-{gen}-{surface_key}-{points}"


def noise(gen: int) -> str:
    return f"noise-{gen}"


def seed(gen: int) -> str:
    return f"seed-{gen}"


def seeds(gen: int) -> str:
    return f"seeds-{gen}"


def entry_list(gen: int, ids: Sequence[int], signature: int) -> str:
    """The list of entries (one is edited at a time). New option texts make a new widget: the
    browser drops a radio's selection when its texts change."""
    return f"edit-{gen}-{'-'.join(map(str, ids))}-{signature}"


def entry(uid: int, part: str) -> str:
    """An entry's own widget: ``opt``, ``color``, ``label``, ``dup`` or ``rm``."""
    return f"e{uid}-{part}"


def entry_batch(uid: int, surface_key: str, points: int) -> str:
    """An entry's own mini-batch size; its range is the surface's number of points."""
    return f"e{uid}-batch-{surface_key}-{points}"


def hyper(uid: int, optimizer: str, surface_key: str, name: str) -> str:
    """A hyperparameter's widget. The learning rate's key names the surface (each surface suggests
    its own); a log-scale one adds :data:`LOG_SLIDER` or :data:`LOG_EXACT`."""
    return f"e{uid}-{optimizer}-{surface_key if name == 'lr' else ''}-{name}"


def schedule(uid: int, optimizer: str, part: str) -> str:
    """An entry's schedule widget: ``sched``, ``warmup``, ``gamma`` or ``every``."""
    return f"e{uid}-{optimizer}-{part}"


def view(gen: int) -> str:
    return f"view-{gen}"


def arrows(gen: int) -> str:
    return f"arrows-{gen}"


def player(gen: int) -> str:
    return f"race-player-{gen}"


def internals_entry(gen: int) -> str:
    return f"in-entry-{gen}"


def sweep(gen: int, part: str, *scope: object) -> str:
    """A sweep control: ``entry``, ``x``, ``y``, ``xlo``, ``xhi``, ``ylo``, ``yhi``, ``res``, ``metric``,
    ``tol``, ``add``; ``scope`` is what it depends on (the entry, the swept hyperparameter)."""
    return "-".join(["sw", part, str(gen), *map(str, scope)])


def sweep_chart(gen: int) -> str:
    return f"sweep-chart-{gen}"
