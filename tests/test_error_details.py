"""Tests see the real error; the served app keeps hiding it; a skip for a missing module works."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import missing_modules, skip_if_not_written

ROOT = Path(__file__).resolve().parent.parent


def test_an_apptest_failure_shows_its_message():
    at = AppTest.from_string("raise ValueError('the bowl has no bottom')").run()
    assert len(at.exception) == 1
    assert "the bowl has no bottom" in at.exception[0].value
    assert "redacted" not in at.exception[0].value


def test_the_served_app_still_hides_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_a_missing_module_is_named_and_skipped():
    at = AppTest.from_string("import playground.not_written_yet").run()
    assert missing_modules(at) == ["playground.not_written_yet"]
    with pytest.raises(pytest.skip.Exception, match=r"not written yet: playground\.not_written_yet"):
        skip_if_not_written(at, "playground.not_written_yet")


def test_other_failures_are_not_skipped():
    # Another module missing, or a different error: the caller's test goes on and reports it.
    for script in ("import playground.something_else", "raise KeyError('lr')", "import math"):
        at = AppTest.from_string(script).run()
        try:
            skip_if_not_written(at, "playground.not_written_yet")
        except pytest.skip.Exception as skipped:
            pytest.fail(f"{script!r} was skipped as {skipped}")
