"""Tests see the real error; the served app keeps hiding it; a missing module is named."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest
from support import missing_modules

ROOT = Path(__file__).resolve().parent.parent


def test_an_apptest_failure_shows_its_message():
    at = AppTest.from_string("raise ValueError('the bowl has no bottom')").run()
    assert len(at.exception) == 1
    assert "the bowl has no bottom" in at.exception[0].value
    assert "redacted" not in at.exception[0].value


def test_the_served_app_still_hides_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_a_missing_module_is_named():
    at = AppTest.from_string("import playground.not_written_yet").run()
    assert missing_modules(at) == ["playground.not_written_yet"]
