"""Helpers every benchmark module shares: timing, the row format, quick mode, the project root."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The runner sets this to "1" for ``--quick``; modules whose ``run`` takes no argument read it here.
QUICK_ENV = "BENCH_QUICK"

FIELDS = ("name", "value", "unit", "baseline", "baseline_value", "ratio", "goal", "met")


def quick_mode() -> bool:
    """Whether ``--quick`` was asked for (smaller sizes, fewer repeats)."""
    return os.environ.get(QUICK_ENV, "") == "1"


def best_of(fn: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> tuple[float, list[float]]:
    """Best wall time of ``fn()`` in seconds over ``repeat`` timed calls, after ``warmup`` untimed ones.

    The best is the least disturbed by whatever else the machine is doing; all samples are returned
    too so a row can show the spread.
    """
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return min(samples), samples


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def row(name: str, value: float | None, unit: str, baseline: str | None, baseline_value: float | None,
        ratio: float | None, goal: str | None, met: bool | None, note: str = "", **extra: Any) -> dict:
    """One result row in the format the runner prints and writes."""
    out = {
        "name": name, "value": value, "unit": unit, "baseline": baseline, "baseline_value": baseline_value,
        "ratio": ratio, "goal": goal, "met": met,
    }
    if note:
        out["note"] = note
    out.update(extra)
    return out


def ms(seconds: float) -> float:
    return seconds * 1000.0
