"""The race player: a Streamlit component (``st.components.v2``) that plays a simulated race in the
browser, and the payload it is sent.

The payload carries every step of every run once, as compact typed arrays
(:mod:`playground.page.transport`: raw bytes to the page, base64 in the JSON of the HTML export):
positions as float32 (``[x0, y0, x1, y1, …]``), the loss at each step likewise, the shaded backdrop as
the server-made PNG and its iso-lines as 16-bit points broken by gaps (a page is sent a surface's
backdrop once; later races name it by ``backdrop``, its id). With each run goes its part of
the race's scene (:mod:`playground.figures.scene`: where its faint path ends, the edge points its
head is pinned to, its head's size, the cross), and with the race the marks' sizes: the GIF/MP4
drawing reads the same scene. Some runs carry more: each run's gradient evaluations a step (``evals``,
when runs differ, for the clock by evaluations), Schedule-Free's ``trails`` (z and y), Newton's
``indefinite`` positions, and on a data surface ``data`` (the points) with each run's ``segments``
(its line or boundary at every step) and, for a run on mini-batches, the ``full`` gradient beside the
mini-batch one (``grads``). The player decodes, lays out and draws; it never computes optimizer
maths or where a run leaves the window, so every number shown comes from the server.

The JavaScript and CSS are plain files under ``assets/`` (``core.js`` and ``layout.js`` hold the pure
parts that the Node tests import; ``draw.js``, ``marks.js``, ``datapanel.js`` and ``paint.js`` draw,
``controls.js`` builds the controls, ``player.js`` ties them together). The server serves that folder
as ``static/`` (a link to it, with ``server.enableStaticServing``), so the page imports the modules
once and each change carries only the data and a few lines of loader; without static serving the
modules go inline as one script. The same script goes into the standalone HTML export.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import streamlit as st

from playground.figures import Backdrop
from playground.figures.scene import scene
from playground.model.datapanel import data_panel
from playground.model.simulate import Simulation
from playground.page.transport import f32, pack, png, quantized

ASSETS = Path(__file__).resolve().parents[2] / "assets"
LAYOUTS = ("race", "side", "oned")
CURVE_POINTS = 400
NAME = "race_player"
KEY_PREFIX = "race-player"

_IMPORT = re.compile(r"import\s*\{[^}]*\}\s*from\s*\"\./[\w.]+\";\s*", re.S)
_EXPORT = re.compile(r"^export (?=(?:async )?function |const |let |class )", re.M)


@cache
def asset_text(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


#: The player's modules, each after the ones it imports from.
MODULES = ("core.js", "draw.js", "marks.js", "datapanel.js", "layout.js", "paint.js", "controls.js", "player.js")


@cache
def script() -> str:
    """The player's modules as one ES module: each module's relative imports are resolved by placing
    the modules it imports from before it (the component's inline script cannot import a neighbouring
    file), and only the last module keeps its exports."""
    parts = [_IMPORT.sub("", asset_text(name)) for name in MODULES]
    return "\n".join([*(_EXPORT.sub("", p) for p in parts[:-1]), parts[-1]])


def style() -> str:
    return asset_text("player.css")


#: Where Streamlit serves the app's ``static/`` folder (``server.enableStaticServing``); ``static`` is a
#: link to ``assets/``, so the page's browser imports the player's modules as they are, once a page.
STATIC_URL = "app/static/"

_LOADER = """
// The race player's entry: import its modules once a page (the browser keeps them), then hand each
// new run's data to them. Only this short text travels with every change, not the player's code.
const url = new URL("%(path)s?v=%(version)s", window.location.href).href;
let loading = null;
export default function (component) {
  loading ??= import(url);
  let cleanup = null;
  let gone = false;
  loading.then(
    (module) => { if (!gone) cleanup = module.default(component); },
    (error) => {
      const note = document.createElement("p");
      note.textContent = "The race player could not load its script (" + error.message + "). Reload the page.";
      component.parentElement.replaceChildren(note);
      loading = null;
    },
  );
  return () => { gone = true; if (cleanup) cleanup(); };
}
"""


@cache
def loader() -> str:
    """The component's script: a few lines that import ``player.js`` from the static folder. Its URL
    carries a digest of every module, so a new release imports a new entry; the modules it imports
    are revalidated by the browser as usual (``deploy/`` tells browsers to revalidate every time)."""
    digest = hashlib.sha1("".join(asset_text(name) for name in MODULES).encode("utf-8")).hexdigest()[:12]
    return _LOADER % {"path": STATIC_URL + "player.js", "version": digest}


def _finite_or_nan(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def layout_for(race: Simulation, view: str) -> str:
    if race.surface.dim == 1:
        return "oned"
    return "side" if view == "side" else "race"


def payload(race: Simulation, layout: str = "race", backdrop: Backdrop | None = None, *, dark: bool = False,
            present: bool = False, arrows: bool = False, lesson: tuple[str, str] | None = None) -> dict:
    """Everything the player draws for one race, as plain JSON-ready data. ``lesson`` is a lesson's
    title and "what to watch", which the player shows at the head of its side column, beside the map.

    ``id`` is a digest of the content: the player replaces its data (and bumps ``data-revision``)
    only when it changes, so reruns that leave the race alone redraw nothing.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    surface, exp = race.surface, race.experiment
    dim = surface.dim
    view = scene(race, present=present)
    runs = []
    for tr, label, color, drawn in zip(race.trajectories, race.labels, race.colors, view.runs, strict=True):
        path = np.asarray(tr.path, dtype=np.float64)[:, :dim]
        run = {"label": label, "color": color, "path": f32(path), "loss": f32(tr.loss[: len(path)]),
               "diverged_at": None if tr.diverged_at is None else int(tr.diverged_at), **drawn.as_dict()}
        if arrows and dim == 2:
            run["grads"] = f32(np.asarray(tr.grads)[: max(len(path) - 1, 0), :dim])
        run.update(state_marks(tr, dim))
        runs.append(run)
    evals = [evaluations(tr) for tr in race.trajectories]
    if any(np.any(e != 1) for e in evals):  # otherwise both clocks are the same
        for run, e in zip(runs, evals, strict=True):
            run["evals"] = int(e[0]) if len(e) and np.all(e == e[0]) else f32(np.concatenate([[0], np.cumsum(e)]))
    bounds = [[float(a), float(b)] for a, b in surface.bounds]
    data = {
        "layout": layout, "dim": dim, "steps": view.steps, "bounds": bounds,
        "start": [float(c) for c in race.start], "speed": float(exp.speed),
        "dark": bool(dark), "present": bool(present), "arrows": bool(arrows and dim == 2), "runs": runs,
        "marks": view.marks.as_dict(), "minima": [list(m) for m in view.minima],
        "axes": list(getattr(surface, "axes", None) or (("x",) if dim == 1 else ("x", "y"))),
    }
    if lesson is not None:
        data["lesson"] = {"title": lesson[0], "watch": lesson[1]}
    panel = data_panel(race) if dim == 2 else None
    if panel is not None:
        data["data"] = data_payload(race, panel, runs)
    if dim == 1:
        (x0, x1), = surface.bounds
        xs = np.linspace(x0, x1, CURVE_POINTS)
        with np.errstate(all="ignore"):
            ys = surface.value(xs[:, None])
        ys = np.where(np.isfinite(ys), ys, np.nan)
        data["curve"] = {"x": f32(xs), "y": f32(ys)}
    elif backdrop is not None:
        data["image"] = png(backdrop.image["source"])
        iso = np.stack([_finite_or_nan(backdrop.iso_x), _finite_or_nan(backdrop.iso_y)], axis=-1)
        data["iso"] = quantized(iso, bounds)
        data["iso_id"] = hashlib.sha1(data["iso"].raw).hexdigest()[:16]  # the player decodes a new one only
        data["backdrop"] = hashlib.sha1(data["image"].raw + data["iso"].raw).hexdigest()[:16]
    digest = hashlib.sha1(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    data["id"] = digest
    return data


def evaluations(tr) -> np.ndarray:
    """Gradient evaluations of each step the run made (1 a step when the trajectory does not say)."""
    k = max(len(tr.path) - 1, 0)
    if tr.grad_evals is None:
        return np.ones(k, dtype=np.int64)
    return np.asarray(tr.grad_evals, dtype=np.int64)[:k]


#: State sequences drawn as extra trails beside the path, by optimizer (Schedule-Free's z and y).
TRAILS = {"schedule_free_sgd": ("z", "y"), "schedule_free_adamw": ("z", "y")}


def state_marks(tr, dim: int) -> dict:
    """What a run's state adds to its drawing: Schedule-Free's ``z`` and ``y`` as trails aligned with
    the path (index 0 is the start, then the value after each step), and for Newton the positions
    where H (its eigenvalues, recorded at the point each step starts from) was not positive
    definite: ``indefinite`` lists those path indices, ``negative`` those where both were negative."""
    out: dict = {}
    path = np.asarray(tr.path, dtype=np.float64)[:, :dim]
    k = len(path) - 1
    names = TRAILS.get(tr.optimizer.spec.key, ())
    if dim == 2 and names and all(n in tr.state for n in names):
        out["trails"] = {n: f32(np.vstack([path[:1], np.asarray(tr.state[n], dtype=np.float64)[:k, :dim]]))
                         for n in names}
    if tr.optimizer.spec.key == "newton" and "eigenvalues" in tr.state:
        eig = np.asarray(tr.state["eigenvalues"], dtype=np.float64)[:k]
        with np.errstate(invalid="ignore"):
            low = np.nanmin(np.where(np.isfinite(eig), eig, np.nan), axis=1) if len(eig) else np.empty(0)
            high = np.nanmax(np.where(np.isfinite(eig), eig, np.nan), axis=1) if len(eig) else np.empty(0)
        out["indefinite"] = np.flatnonzero(low < 0).tolist()
        out["negative"] = np.flatnonzero(high < 0).tolist()
    return out


def data_payload(race: Simulation, panel, runs: list[dict]) -> dict:
    """The data panel beside the race: the points once, per run the fitted line or boundary at every
    step (clipped end points ``[x0, y0, x1, y1]`` a step); for a run on mini-batches, the full
    gradient at each step next to the mini-batch one the step used (``grads``, added to the run)."""
    pts = np.column_stack([panel.x, panel.y]) if panel.kind == "line" else np.asarray(panel.x)
    out = {"kind": panel.kind, "points": f32(pts), "window": [list(w) for w in panel.window],
           "labels": None if panel.kind == "line" else "".join("+" if v > 0 else "-" for v in panel.y)}
    for i, run in enumerate(runs):
        steps = np.arange(len(panel.params[i]))
        run["segments"] = f32(panel.segments(i, steps).reshape(-1, 4))
        if race.mini_batched(i):
            k = len(panel.batch_grads[i])
            run["batch"] = int(race.batches[i])
            run["grads"] = f32(np.asarray(panel.batch_grads[i])[:k])
            run["full"] = f32(np.asarray(panel.full_grads[i])[:k])
    return out


@cache
def _component():
    # Served from the static folder where the server serves it (the project's config turns that on);
    # anywhere else the modules travel inline, as one script, with every change.
    js = loader() if st.get_option("server.enableStaticServing") else script()
    return st.components.v2.component(NAME, html="", css=style(), js=js, isolate_styles=True)


def parse_start(value, dim: int = 2) -> tuple[float, ...] | None:
    """The clicked start sent back by the player, if it is ``dim`` finite numbers; else None."""
    if not isinstance(value, list | tuple) or len(value) != dim:
        return None
    try:
        out = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return out if all(math.isfinite(v) for v in out) else None


def without_known_backdrop(data: dict, sent: set[str]) -> dict:
    """``data`` to send to a page that was already sent the backdrops in ``sent``: one it has is
    named by its id only (the player keeps them); one it has not is sent, and added to ``sent``."""
    known = data.get("backdrop")
    if known is None:
        return data
    if known in sent:
        return {**data, "image": None, "iso": None}
    sent.add(known)
    return data


def show(data: dict, key: str, on_start: Callable[[tuple[float, ...]], None] | None = None):
    """Mount the player with ``data``; a click on the race chart calls ``on_start(point)`` before the
    rerun it causes (so the sidebar's start inputs are drawn with the new value). A surface's
    backdrop goes to a page once; should the player ever lack one it asks, and the rerun resends it."""
    sent = st.session_state.setdefault("backdrops_sent", set())

    def value_of(name: str):
        state = st.session_state.get(key)
        return state.get(name) if hasattr(state, "get") else getattr(state, name, None)

    def started() -> None:
        point = parse_start(value_of("start"), data.get("dim", 2))
        if point is not None and on_start is not None:
            on_start(point)

    def lacks_backdrop() -> None:
        sent.discard(str(value_of("backdrop")))

    return _component()(data=pack(without_known_backdrop(data, sent)), key=key, on_start_change=started,
                        on_backdrop_change=lacks_backdrop, width="stretch")
