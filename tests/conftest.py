"""Settings for the whole test session.

The served app hides tracebacks (``.streamlit/config.toml``: ``showErrorDetails = "none"``), and
AppTest reads the same file, so every failure in a test would read "error message is redacted".
The tests show the full error instead; the file, and so the served app, is left as it is
(``tests/test_error_details.py`` checks both).
"""

from __future__ import annotations

from streamlit import config as st_config


def pytest_configure(config) -> None:
    st_config.set_option("client.showErrorDetails", "full")
