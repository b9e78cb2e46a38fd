"""Many students at once: 20 concurrent Chromium sessions, directly against one Streamlit server and
through nginx in front of 2 replicas (``deploy/run.sh``), plus cold page loads with and without gzip.

This takes several minutes (two scenarios of 20 browser sessions, and cold loads), so it only runs
when asked for by name: ``python -m benchmarks --only load`` (or ``BENCH_LOAD=1``); otherwise its
rows say "skipped". ``--quick`` runs 8 sessions and one cold load per variant.

Everything is measured by :mod:`loadtest.loadtest` (see its docstring for the exact definition of an
interaction's latency: from the trusted input event to the first animation frame showing the new
chart data, in the page's own clock). Rows:

* p50 and p95 latency of the reruns (surface, add, lr, steps pooled), nginx + 2 replicas against
  direct (ratio = direct / nginx: above 1 means the replicas help);
* server RSS after the sessions (all still connected) against before them, direct and nginx (summed);
* cold load to chart visible and bytes per cold load through nginx with gzip on against a second
  nginx with gzip off in front of the same replicas (ratio = off / on), on loopback and throttled;
* errors over all sessions (goal 0).
"""

from __future__ import annotations

import os
import sys

from ._common import quick_mode, row

SESSIONS = 20
QUICK_SESSIONS = 8
THROTTLE_MBPS = 5.0


def requested() -> bool:
    """Whether this module was named: ``--only load`` on the runner's command line, or BENCH_LOAD=1."""
    if os.environ.get("BENCH_LOAD") == "1":
        return True
    argv = sys.argv[1:]
    wanted: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--only" and i + 1 < len(argv):
            wanted += argv[i + 1].split(",")
        elif arg.startswith("--only="):
            wanted += arg.split("=", 1)[1].split(",")
    return any(w.strip().removeprefix("bench_").removesuffix(".py") == "load" for w in wanted)


def _names(n: int) -> dict[str, str]:
    return {
        "p50": f"load: p50 rerun latency, {n} sessions, nginx + 2 replicas",
        "p95": f"load: p95 rerun latency, {n} sessions, nginx + 2 replicas",
        "page": f"load: p50 first page load to chart, {n} sessions at once, nginx + 2 replicas",
        "rss_direct": f"load: server RSS after {n} sessions, direct (1 process)",
        "rss_nginx": f"load: server RSS after {n} sessions, nginx (2 replicas summed)",
        "cold": "load: cold load to chart visible through nginx, gzip on (median)",
        "cold_slow": f"load: cold load to chart visible at {THROTTLE_MBPS:g} Mbit/s, gzip on (median)",
        "bytes": "load: bytes per cold load (until chart visible), gzip on",
        "js": "load: JavaScript bytes per cold load, gzip on",
        "errors": f"load: errors over 2 × {n} sessions and the cold loads",
    }


def _skipped(n: int) -> list[dict]:
    note = ("skipped: several minutes of browser sessions; run `python -m benchmarks --only load` "
            "(or set BENCH_LOAD=1)")
    return [row(name, None, "", None, None, None, None, None, note=note) for name in _names(n).values()]


def _ratio(base: float | None, value: float | None) -> float | None:
    return base / value if base and value else None


def run(quick: bool | None = None) -> list[dict]:
    q = quick_mode() if quick is None else quick
    n = QUICK_SESSIONS if q else SESSIONS
    if not requested():
        return _skipped(n)
    from loadtest.loadtest import run_target

    settings = {"sessions": n, "ramp": 0.25, "deadline": 420.0, "step_timeout": 90.0,
                "cold_k": 1 if q else 3, "throttle_mbps": THROTTLE_MBPS}
    direct = run_target("direct", **settings)
    nginx = run_target("nginx", 2, **settings)
    names = _names(n)
    rows = []

    def lat(sc: dict, key: str, stat: str) -> float | None:
        return sc["latency"][key][stat]

    for key, stat, goal in (("p50", "p50_ms", "≥ 1× (replicas no slower)"), ("p95", "p95_ms", "≥ 1×")):
        value, base = lat(nginx, "reruns (pooled)", stat), lat(direct, "reruns (pooled)", stat)
        ratio = _ratio(base, value)
        rows.append(row(names[key], value, "ms", "direct, 1 Streamlit server (same run)", base, ratio, goal,
                        None if ratio is None else ratio >= 1.0,
                        note=(f"rerun = surface, add optimizer, lr, steps pooled "
                              f"({nginx['latency']['reruns (pooled)']['n']} samples); client and server share the "
                              f"machine's {os.cpu_count()} cores; server CPU during the sessions: direct "
                              f"{direct['server_cpu_s']} s, nginx {nginx['server_cpu_s']} s")))
    value, base = lat(nginx, "load", "p50_ms"), lat(direct, "load", "p50_ms")
    rows.append(row(names["page"], value, "ms", "direct, 1 Streamlit server (same run)", base, _ratio(base, value),
                    None, None))
    for key, sc in (("rss_direct", direct), ("rss_nginx", nginx)):
        rss = sc["rss_mb"]
        ratio = rss["after"] / rss["before"] if rss["after"] and rss["before"] else None
        rows.append(row(names[key], rss["after"], "MB", "the same process(es) before the sessions", rss["before"],
                        ratio, None, None,
                        note=f"peak {rss['peak']} MB; 3 s after the sessions closed {rss['after_close']} MB"))
    cold = nginx["cold_loads"]
    on, off = cold.get("gzip", {}), cold.get("no-gzip", {})
    slow_key = f"@{THROTTLE_MBPS:g}Mbps"
    on_slow, off_slow = cold.get("gzip" + slow_key, {}), cold.get("no-gzip" + slow_key, {})
    for key, a, b, field, unit in (("cold", on, off, "chart_ms_median", "ms"),
                                   ("cold_slow", on_slow, off_slow, "chart_ms_median", "ms"),
                                   ("bytes", on, off, "bytes_total_median", "bytes"),
                                   ("js", on, off, "bytes_js_median", "bytes")):
        value, base = a.get(field), b.get(field)
        ratio = _ratio(base, value)
        goal = "≥ 3× fewer" if key == "js" else "≥ 1×"
        limit = 3.0 if key == "js" else 1.0
        rows.append(row(names[key], value, unit, "gzip off (second nginx, same replicas)", base, ratio, goal,
                        None if ratio is None else ratio >= limit,
                        note=(f"{a.get('n', 0)} load(s) each, fresh browser context, alternated"
                              if key == "cold" else "")))
    errors = direct["errors"] + nginx["errors"]
    rows.append(row(names["errors"], errors, "", None, None, None, "0", errors == 0,
                    note="; ".join((direct["error_list"] + nginx["error_list"])[:5])))
    return rows
