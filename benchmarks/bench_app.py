"""The app's speed as a user meets it, each against a bare one-chart Streamlit + Plotly app.

(a) Server-side rerun after changing one learning rate, 8 optimizers × 1,000 steps (a cache miss:
    every timed rerun asks for a learning rate not seen before), through Streamlit's ``AppTest``;
    baseline: an ``AppTest`` rerun of a bare script with one number input and a 4-trace chart.
(b) The race player's message (bytes as the page sends it on a race change: JSON header and raw
    arrays, no backdrop) for 500, 1,000 and 2,000 steps.
(c) Cold page load in headless Chromium, from ``page.goto`` to the race player drawn (the bare app: its
    chart's drag layer visible), a fresh browser context each time, the bare app served the same way
    in the same run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

from loadtest.servers import stop_process
from playground.figures import player_data, transport
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import simulate
from playground.page import views

from ._common import ROOT, best_of, median, ms, quick_mode, row

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RACE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "nadam")
CHART = ".js-plotly-plot .nsewdrag"
#: Our page draws the race with the player: visible once its first data is drawn (revision 1).
PLAYER = '[data-testid="race-player"][data-revision="1"] canvas'

BARE_APP = '''\
import numpy as np
import plotly.graph_objects as go
import streamlit as st

k = st.number_input("frequency", value=1.0, key="k")
x = np.linspace(0.0, 10.0, 500)
fig = go.Figure([go.Scatter(x=x, y=np.sin(k * x + i), mode="lines", name=f"trace {i}") for i in range(4)])
st.plotly_chart(fig)
'''


def race_experiment(steps: int, lr: float | None = None) -> Experiment:
    entries = [Entry(k) for k in RACE]
    if lr is not None:
        entries[0] = entries[0].with_hyper(lr=lr)
    return Experiment(entries=tuple(entries), steps=steps)


# --- (a) rerun -----------------------------------------------------------------------------------


def _quiet_streamlit() -> None:
    """Streamlit warns on every lr change (the log slider is kept in step through session state, see
    the README) and about running outside ``streamlit run``; the table should not drown in it."""
    for name in list(logging.root.manager.loggerDict):
        if name == "streamlit" or name.startswith("streamlit."):
            logging.getLogger(name).setLevel(logging.ERROR)


def _time_reruns(at, key: str, values: list[float]) -> list[float]:
    times = []
    for v in values:
        at.number_input(key=key).set_value(v)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"the script raised: {at.exception[0].message}")
    return times


def bench_rerun(repeat: int, bare_path: Path) -> dict:

    _quiet_streamlit()
    # The page pauses 50 ms after drawing the player first, for the browser's sake (views.FIRST_PAUSE_S);
    # it holds no CPU, and this row times the server's work.
    pause, views.FIRST_PAUSE_S = views.FIRST_PAUSE_S, 0.0
    try:
        return _bench_rerun(repeat, bare_path)
    finally:
        views.FIRST_PAUSE_S = pause


def _bench_rerun(repeat: int, bare_path: Path) -> dict:
    from streamlit.testing.v1 import AppTest

    ours = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    ours.query_params["opt"] = ";".join(RACE)
    ours.query_params["steps"] = "1000"
    ours.run()
    if ours.exception:
        raise RuntimeError(f"app.py raised: {ours.exception[0].message}")
    ours.run()  # warm: every module imported, the first race cached
    _quiet_streamlit()  # loggers created during the first run
    key = "e0-sgd-rosenbrock-lr-n"
    # A learning rate never asked for before: cached_race and cached_player_data both miss.
    lrs = [0.001 * (1.0 + (i + 1) / 997.0) for i in range(repeat + 1)]
    ours_times = _time_reruns(ours, key, lrs)[1:]  # the first new value warms the slider-sync path
    opt = ours.query_params["opt"]
    opt = opt[0] if isinstance(opt, list) else str(opt)
    if not opt.startswith(f"sgd:lr={lrs[-1]!r}"):
        raise RuntimeError(f"the lr change did not reach the experiment: opt={opt!r}")
    t0 = time.perf_counter()
    ours.run()
    hit = time.perf_counter() - t0  # same experiment again: both caches hit

    bare = AppTest.from_file(str(bare_path), default_timeout=60)
    bare.run()
    bare.run()
    bare_times = _time_reruns(bare, "k", [1.0 + (i + 1) / 7.0 for i in range(repeat + 1)])[1:]

    # Where a cache-missing rerun's time goes, outside Streamlit (fresh lr each call: no cache anywhere).
    counter = iter(range(1, 10_000))
    t_sim, _ = best_of(lambda: simulate(race_experiment(1000, 0.002 + next(counter) * 1e-7)), 3)
    race = simulate(race_experiment(1000, 0.0015))
    t_fig, _ = best_of(lambda: player_data.payload(race, "race"), 3)
    data = player_data.payload(race, "race")
    t_json, _ = best_of(lambda: transport.pack(data), 3)

    value, base = ms(min(ours_times)), ms(min(bare_times))
    ratio = base / value
    return row(
        "rerun after an lr change: 8 optimizers × 1,000 steps (AppTest, cache miss)",
        value, "ms", "AppTest rerun of a bare one-chart Streamlit+Plotly script", base, ratio,
        "≤ 150 ms", value <= 150.0,
        note=(f"best of {len(ours_times)} (median {ms(median(ours_times)):.0f} ms; bare median "
              f"{ms(median(bare_times)):.0f} ms); ratio = bare/ours. Same rerun with nothing changed (cache hit): "
              f"{ms(hit):.0f} ms. Outside Streamlit: simulate {ms(t_sim):.0f} ms "
              f"+ player_data.payload {ms(t_fig):.0f} ms "
              f"+ transport.pack {ms(t_json):.0f} ms = {ms(t_sim + t_fig + t_json):.0f} ms"),
        samples_ms=[ms(x) for x in ours_times], baseline_samples_ms=[ms(x) for x in bare_times],
        cache_hit_ms=ms(hit), simulate_ms=ms(t_sim), payload_ms=ms(t_fig), pack_ms=ms(t_json),
    )


# --- (b) bytes -----------------------------------------------------------------------------------


def message_bytes(steps: int) -> int:
    return len(transport.pack(player_data.payload(simulate(race_experiment(steps)), "race")))


def bench_bytes() -> list[dict]:
    sizes = {steps: message_bytes(steps) for steps in (500, 1000, 2000)}
    base = sizes[500]
    rows = [row("race player message, 8 optimizers × 500 steps", base, "bytes", "itself (the 500-step size)", base,
                1.0, None, None)]
    for steps, limit in ((1000, 2.0), (2000, 4.0)):
        ratio = sizes[steps] / base
        rows.append(row(
            f"race player message, 8 optimizers × {steps:,} steps", sizes[steps], "bytes",
            "same message at 500 steps", base, ratio, f"≤ {limit:g}× (steps ×{steps // 500})", ratio <= limit,
        ))
    return rows


# --- (c) browser ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: Path, log: Path):
    """``streamlit run script`` on a free port (from the project root, so both apps share its config)."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()[-500:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not become healthy in 90 s: {log.read_text()[-500:]}")
            time.sleep(0.2)
        yield url
    finally:
        stop_process(proc)


def load_time(browser, url: str, selector: str = CHART) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url, timeout=120_000)
        page.wait_for_selector(selector, state="visible", timeout=120_000)
        return time.perf_counter() - t0
    finally:
        context.close()


def bench_browser(loads: int, bare_path: Path, tmp: Path) -> dict:
    name = f"cold page load to chart visible, Chromium (median of {loads})"
    goal = "≤ 1.1× (ours/bare)"
    if not Path(CHROMIUM).exists():
        return row(name, None, "ms", "bare one-chart Streamlit+Plotly app", None, None, goal, None,
                   note=f"skipped: {CHROMIUM} is missing (make chromium installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        return row(name, None, "ms", "bare one-chart Streamlit+Plotly app", None, None, goal, None,
                   note=f"skipped: playwright is not installed ({err})")
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    with (streamlit_server(ROOT / "app.py", tmp / "ours.log") as ours_url,
          streamlit_server(bare_path, tmp / "bare.log") as bare_url,
          sync_playwright() as p):
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            urls = {"ours": ours_url, "bare": bare_url}
            for i in range(loads):
                # Alternate the order so drifting machine load favours neither page.
                for which in ("ours", "bare") if i % 2 == 0 else ("bare", "ours"):
                    times[which].append(load_time(browser, urls[which], PLAYER if which == "ours" else CHART))
        finally:
            browser.close()
    ours, bare = median(times["ours"]), median(times["bare"])
    ratio = ours / bare
    return row(
        name, ms(ours), "ms", "bare one-chart Streamlit+Plotly app (4 scatter traces), same way", ms(bare), ratio,
        goal, ratio <= 1.1,
        note=(f"ours (default page: 4 optimizers × 500 steps): {', '.join(f'{ms(x):.0f}' for x in times['ours'])} ms; "
              f"bare: {', '.join(f'{ms(x):.0f}' for x in times['bare'])} ms; first load of each includes the "
              "server's first script run"),
        samples_ms=[ms(x) for x in times["ours"]], baseline_samples_ms=[ms(x) for x in times["bare"]],
    )


def _guarded(name: str, fn, *args) -> list[dict]:
    """One part's rows, or a failed row naming the error (the other parts still run)."""
    try:
        out = fn(*args)
    except Exception as err:
        traceback.print_exc(file=sys.stderr)
        return [row(f"{name}: FAILED", None, "", None, None, None, None, False,
                    error=f"{type(err).__name__}: {err}")]
    return out if isinstance(out, list) else [out]


def run(quick: bool | None = None) -> list[dict]:
    q = quick_mode() if quick is None else quick
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmpdir:
        tmp = Path(tmpdir)
        bare_path = tmp / "bare_app.py"
        bare_path.write_text(BARE_APP, encoding="utf-8")
        rows += _guarded("rerun after an lr change", bench_rerun, 3 if q else 5, bare_path)
        rows += _guarded("race player message bytes", bench_bytes)
        rows += _guarded("cold page load", bench_browser, 1 if q else 3, bare_path, tmp)
    return rows
