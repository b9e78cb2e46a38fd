"""The race as data: CSV (one row per optimizer and step) and JSON (everything, unrounded)."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np

from playground.exports.settings import MIME, ExportResult, Progress, file_name, race_of
from playground.model.experiment import Experiment
from playground.model.link import to_query_string
from playground.model.simulate import Simulation


def _coord_names(dim: int) -> list[str]:
    return ["x", "y"] if dim == 2 else ["x"] if dim == 1 else [f"x{i + 1}" for i in range(dim)]


def _cell(v: float) -> str:
    v = float(v)
    return repr(v) if math.isfinite(v) else ""


def to_csv(source: Experiment | Simulation, progress: Progress | None = None) -> ExportResult:
    """The trajectories in long format: one row per optimizer and recorded step.

    Columns: ``optimizer`` (its label), ``step``, the coordinates (``x``, ``y``), ``loss``, the
    gradient at that position (``grad_x``, ``grad_y``: the one the next step uses, noise included;
    empty on a run's last row) and ``diverged`` (1 on every row of a run that diverged). A diverged
    run stops at its last finite position. Numbers are written with full float64 precision.
    """
    race = race_of(source)
    names = _coord_names(race.surface.dim)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["optimizer", "step", *names, "loss", *(f"grad_{n}" for n in names), "diverged"])
    empty = [""] * len(names)
    for label, tr in zip(race.labels, race.trajectories, strict=True):
        flag = "0" if tr.diverged_at is None else "1"
        for step in range(len(tr.path)):
            grad = [_cell(g) for g in tr.grads[step]] if step < len(tr.grads) else empty
            writer.writerow([label, step, *(_cell(c) for c in tr.path[step]), _cell(tr.loss[step]), *grad, flag])
    if progress is not None:
        progress(1.0)
    return ExportResult(buf.getvalue().encode("utf-8"), file_name(race, "trajectories", "csv"), MIME["csv"], [])


def _plain(value):
    """Arrays and numpy scalars as JSON values; NaN and ±inf become null (JSON has no such numbers)."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return v if math.isfinite(v) else None
    return value


def race_record(race: Simulation) -> dict:
    """Everything a JSON export holds, as plain data (float64 values unrounded)."""
    exp, surface = race.experiment, race.surface
    runs = []
    for i, (entry, label, color, tr) in enumerate(zip(exp.entries, race.labels, race.colors, race.trajectories,
                                                      strict=True)):
        run = {
            "label": label,
            "color": color,
            "optimizer": entry.optimizer,
            "hyperparameters": dict(tr.optimizer.hyper),
            "schedule": {"kind": entry.schedule.kind, "warmup": entry.schedule.warmup,
                         "gamma": entry.schedule.gamma, "every": entry.schedule.every},
            "diverged_at": tr.diverged_at,
            "path": tr.path,
            "loss": tr.loss,
            "grads": tr.grads,
        }
        if not entry.schedule.is_default() and race.lr is not None:
            run["lr"] = race.lr[i]
        if race.mini_batched(i):
            run["batch_size"] = race.batches[i]  # points behind each step's gradient (absent: all of them)
        runs.append(run)
    return _plain({
        "format": "optimizer-playground race",
        "version": 1,
        "query": to_query_string(exp),
        "surface": {"key": surface.key, "name": surface.name, "dim": surface.dim, "params": dict(surface.params),
                    "formula": exp.formula or None, "bounds": surface.bounds, "minima": surface.minima,
                    "minimum_values": surface.minimum_values},
        "start": race.start,
        "steps": exp.steps,
        "noise": exp.noise,
        "seed": exp.seed,
        "labels": race.labels,
        "colors": race.colors,
        "runs": runs,
    })


def to_json(source: Experiment | Simulation, progress: Progress | None = None) -> ExportResult:
    """The race as JSON: the experiment's link (``query``), and per run its label, colour, resolved
    hyperparameters, ``path`` (steps+1 × dim), ``loss``, ``grads``, ``diverged_at`` and, for a run on
    mini-batches, ``batch_size``. Floats are
    written in full (they read back bit for bit); NaN is written as null."""
    race = race_of(source)
    text = json.dumps(race_record(race), ensure_ascii=False, allow_nan=False)
    if progress is not None:
        progress(1.0)
    return ExportResult(text.encode("utf-8"), file_name(race, "trajectories", "json"), MIME["json"], [])
