"""Settings for the whole test session.

The served app hides tracebacks (``.streamlit/config.toml``: ``showErrorDetails = "none"``), and
AppTest reads the same file, so every failure in a test would read "error message is redacted".
The tests show the full error instead; the file, and so the served app, is left as it is
(``tests/test_error_details.py`` checks both).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import settings
from streamlit import config as st_config
from streamlit.components.v2 import manifest_scanner

# Every AppTest run scans every installed package's metadata for component manifests (0.2 s of a
# 0.25 s page run here, measured with cProfile). The installed packages do not change during a test
# session, so the scan runs once: a page run in the tests costs what the page costs.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)

# Property tests are reproducible: under ``make test`` (profile "ci") every run draws the same
# examples, so a failure in one run fails in every run and a stranger's submission never fails by
# chance. ``make fuzz`` (profile "fuzz") draws new examples from a seed it prints; a failure there is
# replayed with that seed (``make fuzz FUZZ_SEED=...``) and then added to the test as an @example.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", derandomize=False, database=None, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

#: Tests that start servers and drive a browser keep to one worker under pytest-xdist (one server, one
#: chromium a group), while the other worker runs the pure tests.
SERVER_TESTS = ("browser",)
HERE = Path(__file__).resolve().parent


def pytest_configure(config) -> None:
    st_config.set_option("client.showErrorDetails", "full")


def pytest_report_header(config) -> str:
    seed = config.getoption("hypothesis_seed", None)
    how = f"seed {seed}" if seed is not None else ("the same examples every run" if PROFILE == "ci" else "new examples")
    return f"hypothesis profile: {PROFILE} ({how})"


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in SERVER_TESTS):
            # The lessons' pictures (forty page loads) are a group of their own, with their own server,
            # so the worker that finishes the pure tests takes them while the other drives the rest.
            # The load test (its own servers behind nginx) joins them, so the two groups weigh about the same.
            group = "lessons" if item.path.name in ("test_lesson_pictures.py", "test_load.py") else "servers"
            item.add_marker(pytest.mark.xdist_group(group))
