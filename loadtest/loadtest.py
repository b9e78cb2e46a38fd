"""Load test: N concurrent browser sessions drive the Optimizer Playground through a scripted interaction.

    python -m loadtest --sessions 20                       # starts its own server (direct, 1 process)
    python -m loadtest --sessions 20 --replicas 2          # starts deploy/run.sh 2 (nginx + 2 replicas)
    python -m loadtest --sessions 20 --replicas 0,2        # both, one after the other
    python -m loadtest --sessions 20 --url http://127.0.0.1:8501/   # a server started elsewhere

Every session is its own Chromium browser context (own cookies and cache, own websocket, hence its
own Streamlit session) in ONE headless Debian chromium (``/usr/bin/chromium``; Playwright never
downloads a browser). Sessions start ``--ramp`` seconds apart and all stay connected until the last
one has finished its script, so the server holds all of them at once when "RSS after" is read.

The script of session i (i = 0 .. N-1); every session gets its own surface and learning rate, so
that state leaking from one session into another would show in its URL:

1. ``load``    open the base URL (the default race: Rosenbrock, 4 optimizers × 500 steps);
2. ``surface`` pick ``SURFACES[i % 7]`` in the "Surface" selectbox (key ``surface-0``);
3. ``add``     press "＋ Add optimizer" (key ``add``): a 5th entry, Nesterov;
4. ``lr``      in the sidebar's editor of that new optimizer, type lr = 0.0011 + 0.0001·i into its
               exact-value box (key ``e<uid>-nesterov-<surface>-lr-n``) and press Enter;
5. ``steps``   focus the "Steps" slider (key ``steps-0``) and press → (500 → 501 steps);
6. ``play``    press ▶ Play in the race player.

Latency, precisely (all read in the page's own clock, ``performance.now()``, so Python's and
Playwright's own scheduling delays are not part of it; the browser's work is):

* ``load``: from navigation start (the page's time origin) to the first animation frame in which
  the race player has drawn its first data (its ``data-revision`` is 1 or more).
* ``surface``, ``add``, ``lr``, ``steps`` (the reruns): from ``event.timeStamp`` of the trusted input
  event that commits the change — the ``pointerdown`` of the click on the option or button, the
  ``keydown`` of Enter or → — captured on ``window`` in the capture phase, to the first animation
  frame in which the race player's signature (its ``data-revision`` and ``data-steps``) differs
  from its value just before the action. This spans the websocket round trip, the script rerun on
  the server (a cache miss: no two sessions ask for the same race), the delta's transfer, React,
  and the player drawing the new race.
* ``play``: from the ``pointerdown`` on ▶ Play to the first frame in which the race player's
  ``data-step`` has left step 0; client side only, no server round trip.

After every action the session waits until the app reports its script run finished
(``data-test-script-state="notRunning"``, no stale elements) before the next one.

Errors (0 expected): for each session, an exception or a timeout in a step (``--step-timeout``), an
uncaught page error or a console error, a Streamlit exception box in the page, a final URL that does
not decode to that session's own surface, 5th optimizer with its lr, and 501 steps, and — through nginx —
responses (``X-Replica`` header) or a websocket (nginx access log, keyed by the route cookie) served
by more than one replica. A session not finished by ``--deadline`` counts as an error.

Server memory: ``VmRSS`` from ``/proc/<pid>/status`` of the Streamlit process(es) — summed over the
replicas behind nginx — before the sessions (after one warm-up page load and the cold loads, no
browser connected), its peak while they run (sampled every 0.5 s), after (all sessions still
connected), and 3 s after they closed.

Cold loads (``--cold-loads K``, before the sessions): a fresh browser context per load, time to chart
visible as above, and the bytes received until then (Playwright's ``request.sizes()``: encoded body
bytes, i.e. what crossed the wire, plus headers) — all responses and the JavaScript alone. Through
nginx, the gzip-on front and a gzip-off nginx in front of the same replicas are alternated; directly,
the single server (Streamlit never compresses its static bundle). Each is also measured with
Chromium's network throttled to ``--throttle-mbps`` (a student's share of school Wi-Fi), where the
bytes matter; on loopback they hardly do.

Results: a printed table and JSON (``--json``, default ``artifacts/loadtest/loadtest.json``). Exit
status 1 if any error was counted. Everything is bounded: ``--sessions`` ≤ 64, one browser, the
deadline, the step timeout; targets are loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import math
import os
import platform
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from playground.page import keys

from .servers import ROOT, Target, cpu_seconds, direct_server, external_target, nginx_deployment, rss_bytes

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
#: Every surface but the default (Rosenbrock), so the first action always changes the race.
SURFACES = ("bowl", "beale", "himmelblau", "saddle", "double_well", "rastrigin", "slope")
ACTIONS = ("load", "surface", "add", "lr", "steps", "play")
RERUNS = ("surface", "add", "lr", "steps")
DEFAULT_RACE = ("sgd", "momentum", "rmsprop", "adam")  # the first visit's race
ADDED = "nesterov"  # what "＋ Add optimizer" appends to it (the first optimizer not in the race)
STEPS_AFTER = 501  # the Steps slider moves by one step
MAX_SESSIONS = 64
DEFAULT_JSON = ROOT / "artifacts" / "loadtest" / "loadtest.json"

# Installed in every page before its own scripts run. window.__lt records, per animation frame, the
# first moment the chart has data (chartAt) and, once armed, the first trusted pointerdown/keydown
# (t0) and the first frame in which the chart changed (t1). See the module docstring.
INIT_JS = r"""
(() => {
  const lt = window.__lt = {armed: null, t0: null, t1: null, chartAt: null};
  // The race player (inside its component's shadow root): its data-revision changes whenever new
  // race data has been drawn, data-step is the step on screen.
  const player = () => {
    const direct = document.querySelector('[data-testid="race-player"]');
    if (direct) return direct;
    for (const host of document.querySelectorAll('*')) {
      const found = host.shadowRoot && host.shadowRoot.querySelector('[data-testid="race-player"]');
      if (found) return found;
    }
    return null;
  };
  lt.sig = () => {
    const p = player();
    if (!p || !(Number(p.dataset.revision) >= 1)) return null;
    return p.dataset.revision + '#' + p.dataset.steps;
  };
  lt.frame = () => {
    const p = player();
    return p ? Number(p.dataset.step) : null;
  };
  const onInput = e => { if (e.isTrusted && lt.armed && lt.t0 === null) lt.t0 = e.timeStamp; };
  window.addEventListener('pointerdown', onInput, true);
  window.addEventListener('keydown', onInput, true);
  // The frame loop runs only while something is awaited (first chart, or an armed action), so an
  // idle page costs nothing.
  let running = false;
  const tick = () => {
    const now = performance.now();
    if (lt.chartAt === null && lt.sig() !== null) lt.chartAt = now;
    const a = lt.armed;
    if (a && lt.t0 !== null && lt.t1 === null) {
      if (a.kind === 'frame') {
        if (lt.frame() > 0) lt.t1 = now;
      } else {
        const s = lt.sig();
        if (s !== null && s !== a.before) lt.t1 = now;
      }
    }
    running = lt.chartAt === null || (a !== null && lt.t1 === null);
    if (running) requestAnimationFrame(tick);
  };
  const start = () => { if (!running) { running = true; requestAnimationFrame(tick); } };
  start();
  lt.arm = kind => { lt.armed = {kind: kind, before: lt.sig()}; lt.t0 = null; lt.t1 = null; start(); };
})();
"""
SETTLED_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]');
}"""
CHART_DRAWN_JS = "() => window.__lt && window.__lt.chartAt !== null"


# --- One session ----------------------------------------------------------------------------------


@dataclass
class Plan:
    index: int
    surface: str
    label: str  # the surface's name in the selectbox
    lr: float


def plan_for(i: int) -> Plan:
    import surfaces

    surface = SURFACES[i % len(SURFACES)]
    return Plan(i, surface, surfaces.spec(surface).name, round(0.0011 + 0.0001 * i, 7))


@dataclass
class SessionResult:
    index: int
    surface: str
    lr: float
    latencies: dict[str, float] = field(default_factory=dict)  # seconds
    errors: list[str] = field(default_factory=list)
    step: str = "start"
    finished: bool = False
    final_url: str = ""
    replicas_http: list[str] = field(default_factory=list)  # distinct X-Replica values seen
    route: str | None = None  # nginx's stroute cookie
    lr_optimizer: str = ADDED  # the optimizer whose lr the session typed (the one being edited)
    websockets: int = 0
    console: list[str] = field(default_factory=list)


def check_url(url: str, plan: Plan, lr_optimizer: str = ADDED) -> list[str]:
    """What in the final URL is not this session's own experiment (empty when all is right)."""
    from playground.model.link import decode

    exp, warnings = decode(urlsplit(url).query)
    out = [f"the link has problems: {w}" for w in warnings]
    if exp.surface_key != plan.surface:
        out.append(f"surface {exp.surface_key!r}, expected {plan.surface!r}")
    names = [e.optimizer for e in exp.entries]
    if names != [*DEFAULT_RACE, ADDED]:
        out.append(f"optimizers {names}, expected {[*DEFAULT_RACE, ADDED]}")
    edited = [e for e in exp.entries if e.optimizer == lr_optimizer]
    lr = edited[0].hyper_dict.get("lr") if len(edited) == 1 else None
    if not isinstance(lr, float) or not math.isclose(lr, plan.lr, rel_tol=1e-9):
        out.append(f"{lr_optimizer} lr {lr!r}, expected {plan.lr!r}")
    if exp.steps != STEPS_AFTER:
        out.append(f"steps {exp.steps}, expected {STEPS_AFTER}")
    return [f"final URL {url}: {p}" for p in out]


async def _timed(page, kind: str, gesture) -> float:
    """Arm the in-page watcher, perform the gesture, return the in-page latency in seconds."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    await page.evaluate("k => window.__lt.arm(k)", kind)
    await gesture()
    try:
        await page.wait_for_function("() => window.__lt.t1 !== null", polling=50)
    except PlaywrightTimeout:
        t0, state = await page.evaluate(
            "() => [window.__lt.t0, document.querySelector('[data-testid=\"stApp\"]')"
            ".getAttribute('data-test-script-state')]")
        seen = "no trusted input event seen" if t0 is None else "input seen, the chart did not change"
        raise RuntimeError(f"timed out: {seen} (script state {state}, URL {page.url})") from None
    t0, t1 = await page.evaluate("() => [window.__lt.t0, window.__lt.t1]")
    if t0 is None:
        raise RuntimeError("the change came without a trusted input event")
    return (t1 - t0) / 1000.0


async def _settle(page) -> None:
    await page.wait_for_function(SETTLED_JS, polling=100)


async def _script(page, base_url: str, plan: Plan, res: SessionResult, step_timeout: float = 60.0) -> None:
    res.step = "load"
    await page.goto(base_url, wait_until="commit")
    # A first load moves ~8 MB and parses ~7 MB of JavaScript: twice the step timeout.
    await page.wait_for_function(CHART_DRAWN_JS, polling=100, timeout=2 * step_timeout * 1000)
    res.latencies["load"] = await page.evaluate("() => window.__lt.chartAt") / 1000.0
    await _settle(page)

    res.step = "surface"
    await page.locator(f".st-key-{keys.surface(0)} input[role=combobox]").click()
    option = page.get_by_role("option", name=plan.label, exact=True)
    await option.wait_for()
    res.latencies["surface"] = await _timed(page, "data", option.click)
    await _settle(page)

    res.step = "add"
    add = page.locator(f".st-key-{keys.ADD} button:visible").first
    res.latencies["add"] = await _timed(page, "data", add.click)
    await _settle(page)

    res.step = "lr"
    # The learning-rate box of the optimizer the sidebar is editing (after "add": the new one). Its
    # key is e<uid>-<optimizer>-<surface>-lr-n; if it sits in a closed expander, open that first.
    boxes = page.locator(f'[class*="st-key-e"][class*="-{plan.surface}-lr{keys.LOG_EXACT}"]')
    await boxes.first.wait_for(state="attached")
    visible = page.locator(f'[class*="st-key-e"][class*="-{plan.surface}-lr{keys.LOG_EXACT}"]:visible')
    if not await visible.count():
        await page.locator(f'details:has([class*="-{plan.surface}-lr-n"]) > summary').first.click()
    container = visible.first
    await container.wait_for(state="visible")
    key = next(c for c in (await container.get_attribute("class") or "").split() if c.startswith("st-key-e"))
    res.lr_optimizer = key.removeprefix("st-key-").split("-")[1]
    box = container.locator("input")
    await box.fill(repr(plan.lr))
    res.latencies["lr"] = await _timed(page, "data", lambda: box.press("Enter"))
    await _settle(page)

    res.step = "steps"
    slider = page.locator(f".st-key-{keys.steps(0)} input[type=range]")
    await slider.focus()
    res.latencies["steps"] = await _timed(page, "data", lambda: slider.press("ArrowRight"))
    await _settle(page)

    res.step = "play"
    play = page.locator('[data-testid="race-player"] button.rp-play').first
    await play.scroll_into_view_if_needed()
    res.latencies["play"] = await _timed(page, "frame", play.click)
    res.step = "checks"


async def run_session(browser, base_url: str, plan: Plan, res: SessionResult, delay: float,
                      done: asyncio.Event, release: asyncio.Event, step_timeout: float) -> None:
    """One browser context through the script; it stays open until ``release`` (RSS "after")."""
    context = None
    try:
        await asyncio.sleep(delay)
        context = await browser.new_context(viewport=VIEWPORT)
        await context.add_init_script(INIT_JS)
        page = await context.new_page()
        page.set_default_timeout(step_timeout * 1000)
        replicas: set[str] = set()
        page.on("console", lambda m: res.console.append(f"console.{m.type}: {m.text}"[:300])
                if m.type == "error" else None)
        page.on("pageerror", lambda e: res.console.append(f"page error: {e}"[:300]))
        page.on("response", lambda r: replicas.add(r.headers["x-replica"]) if r.headers.get("x-replica") else None)

        def on_ws(_ws) -> None:
            res.websockets += 1

        page.on("websocket", on_ws)
        try:
            await _script(page, base_url, plan, res, step_timeout)
        except Exception as err:  # a failed step is a result, counted as an error
            first = (str(err).strip().splitlines() or [""])[0]
            res.errors.append(f"step {res.step}: {type(err).__name__}: {first}"[:400])
        with contextlib.suppress(Exception):
            shown = page.locator('[data-testid="stException"]')
            if await shown.count():
                res.errors.append(f"exception in the page: {(await shown.first.inner_text())[:200]}")
        res.final_url = page.url
        if res.step == "checks":
            res.errors += check_url(page.url, plan, res.lr_optimizer)
        res.errors += res.console
        res.replicas_http = sorted(replicas)
        if len(replicas) > 1:
            res.errors.append(f"responses came from several replicas: {sorted(replicas)}")
        with contextlib.suppress(Exception):
            res.route = next((c["value"] for c in await context.cookies() if c["name"] == "stroute"), None)
        res.finished = True
        done.set()
        await release.wait()
    finally:
        done.set()
        if context is not None:
            with contextlib.suppress(Exception):
                await context.close()


# --- Cold loads -----------------------------------------------------------------------------------


async def cold_load(browser, url: str, throttle_mbps: float = 0.0, timeout: float = 120.0) -> dict:
    """One first visit in a fresh context: time to chart visible and the bytes received until then."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        await context.add_init_script(INIT_JS)
        page = await context.new_page()
        page.set_default_timeout(timeout * 1000)
        if throttle_mbps:
            cdp = await context.new_cdp_session(page)
            await cdp.send("Network.enable")
            await cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": 20,
                "downloadThroughput": throttle_mbps * 1e6 / 8, "uploadThroughput": throttle_mbps * 1e6 / 8,
            })
        finished = []
        page.on("requestfinished", lambda req: finished.append(req))
        t0 = time.perf_counter()
        await page.goto(url, wait_until="commit")
        await page.wait_for_function(CHART_DRAWN_JS, polling=100)
        wall = time.perf_counter() - t0
        chart = await page.evaluate("() => window.__lt.chartAt") / 1000.0
        total = js = gz = js_gz = 0
        for req in list(finished):
            sizes = await req.sizes()
            body = max(sizes.get("responseBodySize", 0), 0)
            total += body + max(sizes.get("responseHeadersSize", 0), 0)
            resp = await req.response()
            gzipped = bool(resp and resp.headers.get("content-encoding") == "gzip")
            gz += gzipped
            if req.resource_type == "script":
                js += body
                js_gz += gzipped
        return {"url": url, "throttle_mbps": throttle_mbps, "chart_s": chart, "wall_s": wall,
                "bytes_total": total, "bytes_js": js, "responses": len(finished), "gzip_responses": gz,
                "gzip_js_responses": js_gz}
    finally:
        await context.close()


async def cold_loads(browser, variants: dict[str, str], k: int, throttle_mbps: float) -> dict:
    """K loads of every variant (alternating order per round), unthrottled and, if asked, throttled."""
    out: dict[str, list[dict]] = {}
    names = list(variants)
    for throttle in ([0.0, throttle_mbps] if throttle_mbps else [0.0]):
        for r in range(k):
            for name in names if r % 2 == 0 else names[::-1]:
                key = name + (f"@{throttle:g}Mbps" if throttle else "")
                out.setdefault(key, []).append(await guarded_cold_load(browser, variants[name], throttle))
    return out


async def guarded_cold_load(browser, url: str, throttle_mbps: float = 0.0) -> dict:
    """:func:`cold_load`, or ``{"error": ...}`` if it failed (counted as an error of the scenario)."""
    try:
        return await cold_load(browser, url, throttle_mbps)
    except Exception as err:
        first = (str(err).strip().splitlines() or [""])[0]
        return {"url": url, "throttle_mbps": throttle_mbps, "error": f"{type(err).__name__}: {first}"[:400]}


# --- Statistics -----------------------------------------------------------------------------------


def stats(values: list[float]) -> dict:
    """n, p50, p95 (linear interpolation between order statistics, NumPy's default), max, in ms."""
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None, "mean_ms": None}
    a = np.asarray(values, dtype=float) * 1000.0
    return {"n": len(values), "p50_ms": float(np.percentile(a, 50)), "p95_ms": float(np.percentile(a, 95)),
            "max_ms": float(a.max()), "mean_ms": float(a.mean())}


def summarise_cold(loads: dict[str, list[dict]]) -> dict:
    out = {}
    for key, all_runs in loads.items():
        runs = [r for r in all_runs if "error" not in r]
        if not runs:
            out[key] = {"n": 0, "chart_ms_median": None, "chart_ms": [], "bytes_total_median": None,
                        "bytes_js_median": None, "gzip_responses": None, "failed": len(all_runs)}
            continue
        out[key] = {
            "failed": len(all_runs) - len(runs),
            "n": len(runs),
            "chart_ms_median": float(np.median([r["chart_s"] for r in runs]) * 1000.0),
            "chart_ms": [round(r["chart_s"] * 1000.0, 1) for r in runs],
            "bytes_total_median": int(np.median([r["bytes_total"] for r in runs])),
            "bytes_js_median": int(np.median([r["bytes_js"] for r in runs])),
            "gzip_responses": max(r["gzip_responses"] for r in runs),
        }
    return out


# --- Stickiness (nginx access log) ----------------------------------------------------------------

LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) .*? route=(?P<route>\S+) '
                      r'upstream=(?P<upstream>.*?) cache=')


def check_sticky(access_log: Path, results: list[SessionResult]) -> dict:
    """Every request and websocket of a session's route went to one replica, the one its X-Replica named."""
    by_route: dict[str, list[tuple[str, str, str]]] = {}
    for line in access_log.read_text(errors="replace").splitlines():
        m = LOG_LINE.search(line)
        if m:
            by_route.setdefault(m["route"], []).append((m["path"], m["status"], m["upstream"]))
    per_replica: dict[str, int] = {}
    violations = []
    checked = 0
    for res in results:
        if not res.finished:
            continue
        lines = by_route.get(res.route or "", [])
        upstreams = {u for _, _, u in lines if u and u != "-"}
        ws = [(p, s, u) for p, s, u in lines if p.startswith("/_stcore/stream")]
        problem = None
        if not res.route:
            problem = "no stroute cookie"
        elif not ws:
            problem = "no websocket in the access log for its route"
        elif len(upstreams) != 1:
            problem = f"requests of one route went to {sorted(upstreams)}"
        elif res.replicas_http and set(res.replicas_http) != upstreams:
            problem = f"X-Replica {res.replicas_http} but the log says {sorted(upstreams)}"
        if problem:
            violations.append(f"session {res.index}: {problem}")
            res.errors.append(f"sticky: {problem}")
        else:
            checked += 1
            replica = next(iter(upstreams))
            per_replica[replica] = per_replica.get(replica, 0) + 1
    return {"sessions_checked": checked, "violations": violations, "sessions_per_replica": per_replica}


def nginx_errors(run_dir: Path) -> dict:
    """Counts (and the first few) of nginx's [error]-or-worse and [warn] lines, both fronts."""
    lines = []
    for log in (run_dir / "error.log", run_dir / "nogzip" / "error.log"):
        with contextlib.suppress(OSError):
            lines += log.read_text(errors="replace").splitlines()
    errors = [x for x in lines if re.search(r"\[(error|crit|alert|emerg)\]", x)]
    warns = [x for x in lines if "[warn]" in x]
    return {"errors": len(errors), "warnings": len(warns), "first_errors": [x[:300] for x in errors[:5]],
            "first_warnings": [x[:300] for x in warns[:3]]}


# --- A scenario -----------------------------------------------------------------------------------


def _rss(pids: list[int]) -> int | None:
    values = [rss_bytes(p) for p in pids]
    return sum(v for v in values if v is not None) if pids and any(v is not None for v in values) else None


def _cpu(pids: list[int]) -> float | None:
    values = [cpu_seconds(p) for p in pids]
    return sum(v for v in values if v is not None) if pids and any(v is not None for v in values) else None


async def _sample(pids: list[int], out: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        value = _rss(pids)
        if value is not None:
            out.append(value)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


def _mb(value: int | None) -> float | None:
    return None if value is None else round(value / 2**20, 1)


async def scenario(target: Target, sessions: int, ramp: float, deadline: float, step_timeout: float,
                   cold_k: int, throttle_mbps: float, warmup: bool = True) -> dict:
    from playwright.async_api import async_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`)")
    started = time.perf_counter()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        version = browser.version
        try:
            # Warm-up: the server's first script run, and nginx's static cache for both fronts.
            warm = [await guarded_cold_load(browser, url)
                    for url in filter(None, (target.url, target.nogzip_url) if warmup else ())]
            variants = {"gzip": target.url, "no-gzip": target.nogzip_url} if target.nogzip_url else \
                {target.kind: target.url}
            cold = await cold_loads(browser, variants, cold_k, throttle_mbps) if cold_k else {}

            pids = target.pids
            await asyncio.sleep(1.0)
            rss_before, per_before, cpu_before = _rss(pids), [rss_bytes(p) for p in pids], _cpu(pids)
            samples: list[int] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(_sample(pids, samples, stop))

            plans = [plan_for(i) for i in range(sessions)]
            results = [SessionResult(pl.index, pl.surface, pl.lr) for pl in plans]
            dones = [asyncio.Event() for _ in plans]
            release = asyncio.Event()
            t_sessions = time.perf_counter()
            tasks = [asyncio.create_task(run_session(browser, target.url, pl, res, i * ramp, d, release,
                                                     step_timeout))
                     for i, (pl, res, d) in enumerate(zip(plans, results, dones, strict=True))]
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.gather(*(d.wait() for d in dones)), deadline)
            sessions_s = time.perf_counter() - t_sessions
            for task, res, d in zip(tasks, results, dones, strict=True):
                if not d.is_set():
                    task.cancel()
                    res.errors.append(f"unfinished at the deadline ({deadline:.0f} s), in step {res.step}")
            rss_after, per_after, cpu_after = _rss(pids), [rss_bytes(p) for p in pids], _cpu(pids)
            release.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(3.0)
            rss_closed = _rss(pids)
            stop.set()
            await sampler
        finally:
            await browser.close()
    sticky = nginx_log = None
    if target.access_log is not None and target.access_log.exists():
        await asyncio.sleep(0.5)  # nginx logs a websocket when it closes
        sticky = check_sticky(target.access_log, results)
        nginx_log = nginx_errors(target.run_dir)

    latency = {a: stats([r.latencies[a] for r in results if a in r.latencies]) for a in ACTIONS}
    latency["reruns (pooled)"] = stats([r.latencies[a] for r in results for a in RERUNS if a in r.latencies])
    errors = [f"session {r.index}: {e}" for r in results for e in r.errors]
    errors += [f"warm-up load of {w['url']}: {w['error']}" for w in warm if "error" in w]
    errors += [f"cold load {key} of {c['url']}: {c['error']}" for key, runs in cold.items() for c in runs
               if "error" in c]
    return {
        "target": target.kind, "url": target.url, "chromium": version, "replicas": max(len(target.pids), 1),
        "sessions": sessions, "completed": sum(r.finished and r.step == "checks" for r in results),
        "errors": len(errors), "error_list": errors[:200],
        "latency": latency,
        "rss_mb": {"before": _mb(rss_before), "peak": _mb(max(samples) if samples else None),
                   "after": _mb(rss_after), "after_close": _mb(rss_closed),
                   "per_process_before": [_mb(v) for v in per_before], "per_process_after": [_mb(v) for v in per_after],
                   "processes": len(pids)},
        "server_cpu_s": None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 2),
        "sessions_wall_s": round(sessions_s, 1), "wall_s": round(time.perf_counter() - started, 1),
        "websockets_per_session": sorted({r.websockets for r in results}),
        "sticky": sticky, "nginx_error_log": nginx_log,
        "cold_loads": summarise_cold(cold) if cold else {}, "cold_loads_raw": cold,
        "sessions_detail": [asdict(r) for r in results],
    }


def run_target(kind: str, replicas: int = 0, *, sessions: int = 20, ramp: float = 0.25, deadline: float = 300.0,
               step_timeout: float = 60.0, cold_k: int = 0, throttle_mbps: float = 0.0, url: str | None = None,
               pids: list[int] | None = None, run_dir: Path | None = None, keep: bool = False,
               warmup: bool = True) -> dict:
    """Start (or attach to) one target, run a scenario against it, stop it. Blocking.

    ``warmup``: one untimed page load per front first (the server's first script run, nginx's static
    cache), so that "RSS before" is a warmed-up server's. The CI test skips it to save time."""
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be 1..{MAX_SESSIONS}")
    if url is not None and urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load test only targets loopback addresses (127.0.0.1)")
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        if url is not None:
            cm = external_target(url, pids, run_dir)
        elif kind == "direct":
            cm = direct_server(Path(tmp))
        else:
            cm = nginx_deployment(replicas, keep=keep, nogzip=cold_k > 0)
        with cm as target:
            return asyncio.run(scenario(target, sessions, ramp, deadline, step_timeout, cold_k, throttle_mbps,
                                        warmup))


# --- Report ---------------------------------------------------------------------------------------


def _f(v, digits: int = 0) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def table(result: dict) -> str:
    lines = []
    for sc in result["scenarios"]:
        name = "direct, 1 server" if sc["target"] == "direct" else (
            f"nginx, {sc['replicas']} replicas" if sc["target"] == "nginx" else f"{sc['url']}")
        lines.append(f"== {name}: {sc['completed']}/{sc['sessions']} sessions completed, {sc['errors']} errors, "
                     f"sessions ran {sc['sessions_wall_s']} s ==")
        lines.append(f"{'interaction':<16}{'n':>4}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for action, s in sc["latency"].items():
            lines.append(f"{action:<16}{s['n']:>4}{_f(s['p50_ms']):>10}{_f(s['p95_ms']):>10}{_f(s['max_ms']):>10}")
        r = sc["rss_mb"]
        lines.append(f"server RSS ({r['processes']} process{'es' if r['processes'] != 1 else ''}): before "
                     f"{_f(r['before'], 1)} MB, peak {_f(r['peak'], 1)} MB, after {_f(r['after'], 1)} MB, "
                     f"3 s after closing {_f(r['after_close'], 1)} MB; server CPU during the sessions "
                     f"{_f(sc['server_cpu_s'], 1)} s")
        lines.append(f"websockets per session: {sc['websockets_per_session']} (more than 1 = a reconnect)")
        if sc.get("sticky"):
            st = sc["sticky"]
            lines.append(f"sticky sessions: {st['sessions_checked']} checked, {len(st['violations'])} violations, "
                         f"sessions per replica {st['sessions_per_replica']}")
        if sc.get("nginx_error_log"):
            ng = sc["nginx_error_log"]
            lines.append(f"nginx error.log: {ng['errors']} errors, {ng['warnings']} warnings"
                         + (f" (first: {ng['first_errors'][0]})" if ng["first_errors"] else ""))
        if sc["cold_loads"]:
            lines.append(f"{'cold load':<24}{'n':>3}{'chart ms (median)':>19}{'all bytes':>12}{'JS bytes':>12}"
                         f"{'gzip resp.':>11}")
            for key, c in sc["cold_loads"].items():
                lines.append(f"{key:<24}{c['n']:>3}{_f(c['chart_ms_median']):>19}{_f(c['bytes_total_median']):>12}"
                             f"{_f(c['bytes_js_median']):>12}{_f(c['gzip_responses']):>11}")
        for e in sc["error_list"][:10]:
            lines.append(f"  error: {e}")
        lines.append("")
    m = result["machine"]
    chromium = next((sc["chromium"] for sc in result["scenarios"] if sc.get("chromium")), "?")
    lines.append(f"{m['cpus']} CPU(s), load average {m['loadavg_start']} -> {m['loadavg_end']}, chromium {chromium}, "
                 f"{result['generated']}")
    return "\n".join(lines)


def machine(start: tuple[float, ...] | None) -> dict:
    end = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "loadavg_start": start and [round(x, 2) for x in start], "loadavg_end": end and [round(x, 2) for x in end]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (loopback only); default: start our own")
    parser.add_argument("--replicas", default="0",
                        help="0 = one streamlit server, N = deploy/run.sh N (nginx); a list runs each in turn: 0,2")
    parser.add_argument("--sessions", type=int, default=20, help=f"concurrent browser sessions (1..{MAX_SESSIONS})")
    parser.add_argument("--ramp", type=float, default=0.25, help="seconds between session starts")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds for all sessions to finish")
    parser.add_argument("--step-timeout", type=float, default=60.0, help="seconds per step of a session")
    parser.add_argument("--cold-loads", type=int, default=3, help="cold loads per variant before the sessions")
    parser.add_argument("--throttle-mbps", type=float, default=5.0,
                        help="also time cold loads at this download rate (0: only unthrottled)")
    parser.add_argument("--pid", type=int, action="append", help="Streamlit pid(s) of --url, for RSS")
    parser.add_argument("--run-dir", type=Path, help="deploy/run.sh's run directory behind --url")
    parser.add_argument("--keep-run-dir", action="store_true", help="keep deploy/run.sh's directory (logs)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be 1..{MAX_SESSIONS}")
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    common = {"sessions": args.sessions, "ramp": args.ramp, "deadline": args.deadline,
              "step_timeout": args.step_timeout, "cold_k": args.cold_loads, "throttle_mbps": args.throttle_mbps}
    scenarios = []
    if args.url:
        scenarios.append(run_target("external", url=args.url, pids=args.pid, run_dir=args.run_dir, **common))
    else:
        for n in (int(x) for x in args.replicas.split(",") if x.strip()):
            print(f"loadtest: {'direct, 1 server' if n == 0 else f'nginx, {n} replicas'}, {args.sessions} sessions …",
                  file=sys.stderr, flush=True)
            scenarios.append(run_target("direct" if n == 0 else "nginx", n, keep=args.keep_run_dir, **common))
    result = {"generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
              "machine": machine(load_start), "settings": common, "scenarios": scenarios}
    print(table(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 1 if any(sc["errors"] for sc in scenarios) else 0
