"""Helpers shared by the AppTest files (imported as ``support``; pytest puts ``tests/`` on the path)."""

from __future__ import annotations

import re

MISSING = re.compile(r"No module named '([\w.]+)'")


def missing_modules(at) -> list[str]:
    """The modules the page's exceptions say are missing, as ``playground.page.sweep_view``."""
    return [m.group(1) for e in at.exception for m in MISSING.finditer(e.value)]
