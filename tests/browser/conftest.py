"""Fixtures for the browser tests: one Streamlit server and one headless Debian chromium per session.

The server is started from the repository root on a free port and polled on ``/_stcore/health``;
chromium is Debian's (``/usr/bin/chromium``, installed by ``make test``): Playwright never downloads
a browser here. A missing chromium fails the tests (it never skips them silently).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from loadtest.servers import stop_process

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HEALTH_TIMEOUT = 60.0
VIEWPORT = {"width": 1400, "height": 1100}

# "name: seconds" lines, printed at the end of the run (timings are reported, never asserted).
TIMINGS: list[tuple[str, float]] = []


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _start_server(log_path: Path) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run app.py`` on a free port; retry if the port was taken in the meantime."""
    deadline = time.monotonic() + HEALTH_TIMEOUT
    last_log = ""
    for _attempt in range(3):
        port = _free_port()
        log = open(log_path, "w")  # the child keeps its own handle
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false",
             # Edits made to the sources while the suite runs must not reload the app under the tests.
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        log.close()
        url = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            if proc.poll() is not None:  # it exited: e.g. "Port N is not available"
                break
            # A health answer counts only while our own process is alive (another server could
            # hold the port if we lost a race for it; then ours exits).
            if _healthy(url) and proc.poll() is None:
                return proc, url
            time.sleep(0.25)
        last_log = log_path.read_text(errors="replace")
        if proc.poll() is None:
            stop_process(proc)
            pytest.fail(f"streamlit did not answer {url}/_stcore/health within {HEALTH_TIMEOUT:.0f} s.\n"
                        f"Server log ({log_path}):\n{last_log[-3000:]}")
    pytest.fail(f"streamlit could not be started (3 attempts).\nLast server log:\n{last_log[-3000:]}")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shots(screenshot_dir: Path) -> Path:
    return screenshot_dir


@pytest.fixture
def timing():
    """``timing(name, seconds)`` records a timing for the summary at the end of the run."""
    return lambda name, seconds: TIMINGS.append((name, seconds))


@pytest.fixture(scope="session")
def app_url(screenshot_dir: Path):
    """Base URL of a Streamlit server running ``app.py`` for the whole session."""
    t0 = time.perf_counter()
    proc, url = _start_server(screenshot_dir.parent / "streamlit-browser-tests.log")
    TIMINGS.append(("server start to /_stcore/health OK", time.perf_counter() - t0))
    try:
        yield url
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium. Install it with "
                    f"`make chromium` (apt-get install -y chromium); never `playwright install`.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:  # pragma: no cover - requirements-dev.txt pins playwright
        pytest.fail(f"the Playwright Python package is missing ({err}): pip install -r requirements-dev.txt",
                    pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session, so the pages share the HTTP cache (Plotly's 4.7 MB chunk)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context):
    """A new page per test (a new tab is a new Streamlit session) that records console errors."""
    pg = browser_context.new_page()
    pg.set_default_timeout(30_000)
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"page error: {e}"))
    try:
        yield pg
    finally:
        errors = list(pg.console_errors)
        pg.close()
    # Every browser test fails on a console error or an uncaught page error, whether or not it
    # checked for them itself (an error logged after its last check counts too).
    if errors:
        pytest.fail("console or page errors:\n" + "\n".join(errors), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("browser timings (reported, not asserted)")
        for name, seconds in TIMINGS:
            terminalreporter.write_line(f"{name}: {seconds:.2f} s")
