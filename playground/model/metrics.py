"""Per-run numbers for the summary table and the curves: pure functions of trajectories."""

from __future__ import annotations

import numpy as np

import optimizers
import surfaces


def gap(tr: optimizers.Trajectory, surface: surfaces.Surface) -> np.ndarray:
    """Loss above the best known minimum value (or the raw loss when no minimum is known)."""
    if surface.minimum_values:
        return tr.loss - min(surface.minimum_values)
    return tr.loss


def distance_to_minimum(tr: optimizers.Trajectory, surface: surfaces.Surface) -> np.ndarray | None:
    return surface.nearest_minimum_distance(tr.path)


def step_lengths(tr: optimizers.Trajectory) -> np.ndarray:
    return np.linalg.norm(np.diff(tr.path, axis=0), axis=-1)


def steps_to_tolerance(tr: optimizers.Trajectory, surface: surfaces.Surface, tol: float) -> int | None:
    """First step from which the run stays within ``tol`` of the best known minimum value (by loss gap,
    or by distance when no value is known), or None if it never settles."""
    if not surface.minimum_values:
        return None
    g = gap(tr, surface)
    inside = np.abs(g) <= tol
    if not inside.size or not inside[-1]:
        return None
    outside = np.flatnonzero(~inside)
    return 0 if outside.size == 0 else int(outside[-1] + 1)


def gradient_evaluations(tr: optimizers.Trajectory) -> int:
    """Gradients the run computed (SAM takes two a step): the fair clock between rules."""
    steps = len(tr.path) - 1
    if tr.grad_evals is None:
        return steps
    return int(np.sum(tr.grad_evals[:steps]))


def summary(tr: optimizers.Trajectory, surface: surfaces.Surface, tol: float = 1e-3) -> dict:
    """One row of the summary table."""
    dist = distance_to_minimum(tr, surface)
    return {
        "final loss": float(tr.loss[-1]) if len(tr.loss) else float("nan"),
        "distance to minimum": float(dist[-1]) if dist is not None and len(dist) else None,
        f"steps to within {tol:g}": steps_to_tolerance(tr, surface, tol),
        "diverged at": tr.diverged_at,
        "path length": float(step_lengths(tr).sum()) if len(tr.path) > 1 else 0.0,
        "steps run": len(tr.path) - 1,
        "gradient evaluations": gradient_evaluations(tr),
    }
