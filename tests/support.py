"""Helpers shared by the AppTest files (imported as ``support``; pytest puts ``tests/`` on the path)."""

from __future__ import annotations

import re

import pytest

MISSING = re.compile(r"No module named '([\w.]+)'")


def missing_modules(at) -> list[str]:
    """The modules the page's exceptions say are missing, as ``playground.page.sweep_view``."""
    return [m.group(1) for e in at.exception for m in MISSING.finditer(e.value)]


def skip_if_not_written(at, *modules: str) -> None:
    """Skip, naming the module, when the page failed only because one of ``modules`` does not exist
    yet; any other error is left for the test to report."""
    missing = missing_modules(at)
    if missing and len(missing) == len(at.exception) and set(missing) <= set(modules):
        pytest.skip(f"not written yet: {', '.join(sorted(set(missing)))}")
