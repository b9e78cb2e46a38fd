"""Hyperparameter sweeps: a grid of settings of one entry, all run in one batched pass of the core.

Also the theory a sweep can be checked against on a quadratic bowl with curvatures
:math:`\\mu \\le L`: each optimizer's known stability limit (gradient descent's
:math:`\\eta < 2/L`, heavy-ball momentum's :math:`\\eta < (2 + 2\\beta)/L`, ...) and, where known,
its best setting (Polyak's for heavy-ball momentum) come from the ``stability`` of its spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

import optimizers
from playground.model import schedules
from playground.model.caps import CAPS
from playground.model.experiment import Experiment

METRICS = {
    "final_loss": "final loss above the minimum (log₁₀)",
    "steps": "steps to reach the tolerance",
    "distance": "final distance to the nearest minimum (log₁₀)",
}


@dataclass(frozen=True)
class SweepSpec:
    """Which entry to sweep, over which two hyperparameters and ranges, at what resolution."""

    entry: int = 0
    x: str = "lr"
    x_range: tuple[float, float] = (1e-3, 1.0)
    y: str = ""  # "" sweeps one hyperparameter only
    y_range: tuple[float, float] = (0.0, 0.99)
    resolution: int = 48
    metric: str = "final_loss"
    tol: float = 1e-3


@dataclass(frozen=True)
class SweepResult:
    spec: SweepSpec
    xs: np.ndarray
    ys: np.ndarray  # length 1 for a one-hyperparameter sweep
    x_log: bool
    y_log: bool
    values: np.ndarray  # (len(ys), len(xs)); NaN where diverged or never within tolerance
    diverged: np.ndarray  # (len(ys), len(xs)) bool
    current: tuple[float, float | None]
    theory: list[tuple[str, np.ndarray, np.ndarray]]  # (label, x, y) curves
    optimum: tuple[float, float] | None
    messages: list[str]


def numeric_hypers(key: str) -> list[optimizers.Hyper]:
    return [h for h in optimizers.spec(key).hypers if not h.is_flag]


def axis(h: optimizers.Hyper, lo: float, hi: float, n: int) -> np.ndarray:
    if h.log:
        return np.geomspace(lo, hi, n)
    return np.linspace(lo, hi, n)


def default_spec(exp: Experiment, entry: int = 0) -> SweepSpec:
    key = exp.entries[entry].optimizer
    hypers = numeric_hypers(key)
    x = hypers[0]
    y = next((h for h in hypers[1:] if h.name in ("momentum", "beta1", "beta", "rho")), None)
    current = exp.resolve(exp.entries[entry]).hyper
    lr = float(current["lr"])
    x_range = (max(x.ui_low, lr / 100), min(x.ui_high, lr * 100)) if x.log else (x.ui_low, x.ui_high)
    return SweepSpec(entry=entry, x=x.name, x_range=x_range, y=y.name if y else "",
                     y_range=(y.ui_low, y.ui_high) if y else (0.0, 1.0))


def clamp(spec: SweepSpec, exp: Experiment) -> tuple[SweepSpec, list[str]]:
    """Make a spec valid for this experiment, saying what was changed."""
    messages = []
    if not 0 <= spec.entry < len(exp.entries):
        spec = replace(spec, entry=0)
        messages.append("the chosen entry no longer exists; sweeping the first one")
    res = int(min(max(spec.resolution, 2), CAPS.sweep_resolution))
    if res != spec.resolution:
        messages.append(f"resolution {spec.resolution} is outside 2–{CAPS.sweep_resolution}; using {res}")
        spec = replace(spec, resolution=res)
    key = exp.entries[spec.entry].optimizer
    names = [h.name for h in numeric_hypers(key)]
    if spec.x not in names:
        spec = replace(spec, x=names[0])
        messages.append(f"{key} has no hyperparameter {spec.x!r}; sweeping {names[0]}")
    if spec.y and (spec.y not in names or spec.y == spec.x):
        spec = replace(spec, y="")
        messages.append("the second hyperparameter is not available; sweeping one hyperparameter")
    s = optimizers.spec(key)
    for name, rng, field in ((spec.x, spec.x_range, "x_range"), (spec.y, spec.y_range, "y_range")):
        if not name:
            continue
        h = s.hyper(name)
        lo, hi = sorted(float(v) for v in rng)
        if h.log:
            lo = max(lo, 1e-12)
        fixed = [v for v in (lo, hi) if not h.accepts(v)]
        if fixed or lo == hi:
            lo, hi = (h.ui_low, h.ui_high)
            messages.append(f"{name}: the range must lie in {h.describe_range()} with low < high; using {lo:g}–{hi:g}")
        spec = replace(spec, **{field: (lo, hi)})
    if spec.metric not in METRICS:
        spec = replace(spec, metric="final_loss")
    return spec, messages


def theory(exp: Experiment, key: str, x: str, y: str, y_values: np.ndarray):
    """Known stability limits and optimum for this sweep, or ([], None) when none applies."""
    if exp.surface_key != "bowl" or x != "lr" or exp.noise > 0:
        return [], None
    surface = exp.build_surface()
    a, b = surface.params["a"], surface.params["b"]
    big, small = max(a, b), min(a, b)
    curves: list[tuple[str, np.ndarray, np.ndarray]] = []
    optimum = None
    limit = optimizers.spec(key).stability
    if limit is None:
        return [], None
    beta = np.asarray(y_values, dtype=float)
    with np.errstate(divide="ignore"):
        if not y:
            current = exp.resolve(next(e for e in exp.entries if e.optimizer == key)).hyper.get(limit.over, 0.0)
            edge = float(limit.lr_max(big, np.float64(current)))
            curves.append((limit.label, np.full(2, edge), np.array([np.nan, np.nan])))
        elif y == limit.over:
            curves.append((limit.label, limit.lr_max(big, beta), beta))
            if limit.optimum is not None:
                optimum = limit.optimum(big, small)
    return curves, optimum


def run_sweep(exp: Experiment, spec: SweepSpec, progress: Callable[[float], None] | None = None) -> SweepResult:
    """Run every cell of the grid in one vectorised pass of the core."""
    spec, messages = clamp(spec, exp)
    entry = exp.entries[spec.entry]
    surface = exp.build_surface()
    base = dict(exp.resolve(entry).hyper)
    s = optimizers.spec(entry.optimizer)
    hx = s.hyper(spec.x)
    xs = axis(hx, *spec.x_range, spec.resolution)
    if spec.y:
        hy = s.hyper(spec.y)
        ys = axis(hy, *spec.y_range, spec.resolution)
    else:
        hy, ys = None, np.array([float(base.get("lr", 0.0))])
    X, Y = np.meshgrid(xs, ys)
    hyper = {**base, spec.x: X.ravel()}
    if hy is not None:
        hyper[spec.y] = Y.ravel()
    opt = optimizers.make(entry.optimizer, **hyper)
    n = X.size
    target = min(surface.minimum_values) if surface.minimum_values else None
    last_outside = np.zeros(n, dtype=np.int64)
    steps = exp.steps

    def observe(t: int, chunk: np.ndarray, rows: np.ndarray) -> None:
        if spec.metric == "steps" and target is not None:
            with np.errstate(all="ignore"):
                outside = ~(np.abs(surface.value(chunk) - target) <= spec.tol)
            hit = outside.any(axis=0)
            if hit.any():
                last = chunk.shape[0] - 1 - outside[::-1].argmax(axis=0)
                last_outside[rows[hit]] = t + last[hit]
        if progress is not None:
            progress(min((t + chunk.shape[0] - 1) / max(steps, 1), 1.0))

    tr = optimizers.run(opt, surface, exp.start_point(surface), steps=steps, noise=exp.noise, seed=exp.seed,
                        record_state=False, record_path=False, observe=observe,
                        lr_factors=schedules.factors(entry.schedule, steps))
    diverged = tr.diverged_at >= 0
    final = tr.path[1]
    with np.errstate(all="ignore"):
        if spec.metric == "distance":
            d = surface.nearest_minimum_distance(final)
            values = np.log10(d) if d is not None else np.full(n, np.nan)
            if d is None:
                messages.append("this surface has no known minimum; no distance to show")
        elif spec.metric == "steps":
            if target is None:
                values = np.full(n, np.nan)
                messages.append("this surface has no known minimum value; no tolerance to reach")
            else:
                values = np.where(last_outside < steps, last_outside + 1, np.nan).astype(float)
        else:
            gap = surface.value(final) - (target if target is not None else 0.0)
            values = np.log10(np.maximum(np.abs(gap), 1e-300)) if target is not None else surface.value(final)
    values = np.where(diverged, np.nan, values).reshape(X.shape)
    curves, optimum = theory(exp, entry.optimizer, spec.x, spec.y, ys)
    current = (float(base[spec.x]), float(base[spec.y]) if spec.y else None)
    return SweepResult(spec, xs, ys, hx.log, bool(hy and hy.log), values, diverged.reshape(X.shape), current,
                       curves, optimum, messages)
