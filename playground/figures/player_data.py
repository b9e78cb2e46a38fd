"""What the race player is sent: one race as plain JSON-ready data, built from the race's scene.

The payload carries every step of every run once, as compact typed arrays
(:mod:`playground.figures.transport`: raw bytes to the page, base64 in the JSON of the HTML export):
positions as float32 (``[x0, y0, x1, y1, …]``), the loss at each step likewise, the shaded backdrop as
the server-made PNG and its iso-lines as 16-bit points broken by gaps (a page is sent a surface's
backdrop once; later races name it by ``backdrop``, its id). With each run goes its part of
the race's scene (:mod:`playground.figures.scene`: where its faint path ends, the edge points its
head is pinned to, its head's size, the cross), and with the race the marks' sizes: the GIF/MP4
drawing reads the same scene. Some runs carry more, as their optimizer's spec declares: each run's
gradient evaluations a step (``evals``, when runs differ, for the clock by evaluations), the state
sequences named by ``spec.trails`` (Schedule-Free's z and y) as ``trails``, the positions where the
curvature named by ``spec.curvature`` was not positive definite (Newton's H) as ``indefinite``, and
on a data surface ``data`` (the points) with each run's ``segments`` (its line or boundary at every
step) and, for a run on mini-batches, the ``full`` gradient beside the mini-batch one (``grads``).
The player decodes, lays out and draws; it never computes optimizer maths or where a run leaves the
window, so every number shown comes from the server.

This is the player's renderer input, as :mod:`playground.figures.drawing` is matplotlib's: pure,
below the page, so the standalone HTML export builds it without Streamlit.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from playground.model.datapanel import data_panel
from playground.model.simulate import Simulation

from ._common import Backdrop
from .scene import curve, scene
from .transport import f32, png, quantized

LAYOUTS = ("race", "side", "oned")
CURVE_POINTS = 400


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
        xs, ys = curve(surface, CURVE_POINTS)
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


def state_marks(tr, dim: int) -> dict:
    """What a run's state adds to its drawing, as its optimizer's spec declares: the state sequences
    named by ``spec.trails`` as ``trails`` aligned with the path (index 0 is the start, then the
    value after each step), and where ``spec.curvature`` names the eigenvalues of the curvature each
    step used (recorded at the point the step starts from), the positions where it was not positive
    definite: ``indefinite`` lists those path indices, ``negative`` those where all were negative."""
    out: dict = {}
    spec = tr.optimizer.spec
    path = np.asarray(tr.path, dtype=np.float64)[:, :dim]
    k = len(path) - 1
    if dim == 2 and spec.trails and all(n in tr.state for n in spec.trails):
        out["trails"] = {n: f32(np.vstack([path[:1], np.asarray(tr.state[n], dtype=np.float64)[:k, :dim]]))
                         for n in spec.trails}
        out["trail_labels"] = {n: spec.label(n) for n in spec.trails}  # the key names them as the spec does
    if spec.curvature is not None and spec.curvature in tr.state:
        eig = np.asarray(tr.state[spec.curvature], dtype=np.float64)[:k]
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
