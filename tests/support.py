"""Helpers shared by the AppTest files (imported as ``support``; pytest puts ``tests/`` on the path)."""

from __future__ import annotations

import os
import re

#: How many times more examples the property tests draw: 1 in ``make test`` (each run draws the same
#: ones, see conftest.py), more under ``make fuzz``.
FUZZ_SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1") or 1))


def examples(n: int) -> int:
    """A property test's number of examples, scaled for ``make fuzz``."""
    return n * FUZZ_SCALE


MISSING = re.compile(r"No module named '([\w.]+)'")


def missing_modules(at) -> list[str]:
    """The modules the page's exceptions say are missing, as ``playground.page.sweep_view``."""
    return [m.group(1) for e in at.exception for m in MISSING.finditer(e.value)]
