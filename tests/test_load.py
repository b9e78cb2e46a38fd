"""A short load test: 4 concurrent Chromium sessions directly against one server, and 4 through nginx
in front of 2 replicas (``deploy/run.sh``; skipped only when nginx is not installed — ``make test``
installs it together with chromium).

Each session runs the full script of :mod:`loadtest.loadtest` (load, change the surface, add an
optimizer, type a learning rate, move the steps slider, press Play) with its own surface and lr.
Asserted: no errors at all (no failed step, console error, exception box), every session's final URL
encodes its own changes and no other session's (nothing leaks between sessions), and through nginx
every request and the websocket of a browser went to one replica (``X-Replica`` response header and
nginx's access log keyed by the route cookie). Latencies are printed, never asserted.

Run: ``.venv/bin/python -m pytest tests/test_load.py -q -m browser -s``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from loadtest.loadtest import ACTIONS, CHROMIUM, check_url, plan_for, run_target, table
from loadtest.servers import nginx_binary

pytestmark = pytest.mark.browser

SESSIONS = 4
# No warm-up load and no cold loads: the first session pays the server's first run (kept short for CI).
SETTINGS = {"sessions": SESSIONS, "ramp": 0.25, "deadline": 300.0, "step_timeout": 90.0, "cold_k": 0,
            "warmup": False}


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs it (never `playwright install`)", pytrace=False)


def _report(result: dict) -> None:
    print()
    print(table({"scenarios": [result], "generated": "", "machine": {"cpus": os.cpu_count(), "loadavg_start": None,
                                                                    "loadavg_end": os.getloadavg()}}))


def _assert_sessions_ok(result: dict) -> None:
    assert result["errors"] == 0, "errors:\n" + "\n".join(result["error_list"])
    assert result["completed"] == SESSIONS
    details = result["sessions_detail"]
    assert len(details) == SESSIONS
    for s in details:
        assert set(s["latencies"]) == set(ACTIONS), f"session {s['index']} missed steps: {s['latencies']}"
        assert check_url(s["final_url"], plan_for(s["index"]), s["lr_optimizer"]) == [], s["final_url"]
    # Different surfaces and learning rates per session: equal URLs would mean state leaked across.
    urls = [s["final_url"] for s in details]
    assert len(set(urls)) == SESSIONS, urls
    assert result["websockets_per_session"] == [1], "a session reconnected its websocket"
    rss = result["rss_mb"]
    assert rss["before"] and rss["after"], f"no RSS read from the server process(es): {rss}"


def run_apart(*args, **kwargs) -> dict:
    """``run_target`` in its own thread: the browser tests' Playwright keeps an event loop running in
    this one, and the load test starts its own with ``asyncio.run``."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run_target, *args, **kwargs).result()


def test_sessions_directly_against_one_server():
    result = run_apart("direct", **SETTINGS)
    _report(result)
    _assert_sessions_ok(result)
    assert result["rss_mb"]["processes"] == 1


def test_sessions_through_nginx_stay_on_one_replica():
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (make test installs it with chromium)")
    result = run_apart("nginx", 2, **SETTINGS)
    _report(result)
    _assert_sessions_ok(result)
    assert result["rss_mb"]["processes"] == 2
    sticky = result["sticky"]
    assert sticky is not None, "no nginx access log to check"
    assert sticky["violations"] == [], sticky["violations"]
    assert sticky["sessions_checked"] == SESSIONS
    for s in result["sessions_detail"]:
        assert s["route"], f"session {s['index']} got no stroute cookie"
        assert len(s["replicas_http"]) == 1, f"session {s['index']}: X-Replica values {s['replicas_http']}"
