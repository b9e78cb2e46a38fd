"""What the two golden tools share: the surfaces they record on, the cases the registry asks for,
the checks a case must pass, and how a golden file is written.

Neither tool names an optimizer: each optimizer's spec says, in its ``equivalent``, which published
class runs the same rule, how our hyperparameters map onto it and which cases to record
(``optimizers/_equivalent.py``). ``make_golden.py`` takes the ``torch.optim`` ones,
``make_golden_refs.py`` the others. ``--dry-run`` lists every registered optimizer and the cases it
would record, without importing any reference package.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import optimizers  # noqa: E402
import surfaces  # noqa: E402

STEPS = 300

# Surfaces and their parameters; a case starts at the surface's default start unless it says otherwise.
SURFACES = {
    "rosenbrock": {"a": 1.0, "b": 100.0},
    "bowl": {"a": 1.0, "b": 10.0, "angle": 30.0},
    "himmelblau": {},
    "beale": {},
    "double_well": {"c": 0.5, "k": 1.0},
}

# Rounding noise this large must leave the path well inside the tests' tolerance (1e-9 relative).
JITTER, JITTER_LIMIT = 1e-13, 1e-11


def plan(wanted: Callable[[optimizers.OptimizerSpec], bool]) -> list[dict[str, Any]]:
    """Every case the registry asks for, of the optimizers ``wanted`` picks, in registry order with
    the sensitive (pinned) cases last: id, optimizer, hyperparameters, surface, its parameters,
    start, steps, and the spec's ``equivalent``."""
    plain, sensitive = [], []
    for key, spec in optimizers.REGISTRY.items():
        if spec.equivalent is None or not wanted(spec):
            continue
        for case in spec.equivalent.cases:
            for skey in case.surface_keys:
                params = SURFACES[skey]
                start = case.start or surfaces.get(skey, **params).default_start
                entry = {"id": f"{key}-{case.label}-{skey}", "optimizer": key,
                         "hyper": {"lr": case.lr[skey], **case.hyper}, "surface": skey, "params": params,
                         "start": [float(c) for c in start], "steps": STEPS,
                         "equivalent": spec.equivalent, "sensitive": case.sensitive}
                (sensitive if case.sensitive else plain).append(entry)
    return plain + sensitive


def golden_fields(case: dict[str, Any]) -> dict[str, Any]:
    """A planned case as the golden file stores it, without its path and provenance."""
    return {k: case[k] for k in ("id", "optimizer", "hyper", "surface", "params", "start", "steps")}


def surface_of(case: dict[str, Any]) -> Any:
    return surfaces.get(case["surface"], **case["params"])


def check(case: dict[str, Any], path: np.ndarray, jittered: np.ndarray) -> list[str]:
    """Reasons to reject a case: not finite, hardly moving, or amplifying small errors (a sensitive
    case only reports its amplification)."""
    problems = []
    if not np.all(np.isfinite(path)) or np.abs(path).max() > 1e3:
        problems.append("leaves the finite region")
    travel = np.abs(np.diff(path, axis=0)).sum()
    if travel < 0.1:
        problems.append(f"hardly moves (travel {travel:.3g})")
    drift = (np.abs(jittered - path) / np.maximum(1.0, np.abs(path))).max()
    if not drift <= JITTER_LIMIT and not case["sensitive"]:
        problems.append(f"jitter of {JITTER:g} per step grows to {drift:.3g}")
    print(f"{case['id']:50s} travel {travel:7.3g}  drift {drift:8.3g}  end {path[-1]}")
    return [f"{case['id']}: {p}" for p in problems]


def write(out: Path, cases: list[dict[str, Any]]) -> None:
    """One case per line: compact, yet a regenerated file diffs case by case."""
    assert all(math.isfinite(v) for c in cases for row in c["path"] for v in row)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
    out.write_text('{"cases":[\n' + lines + "\n]}\n")


def arguments(description: str, out: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--dry-run", action="store_true",
                        help="list every registered optimizer and the cases this tool would record; run nothing")
    parser.add_argument("--out", type=Path, default=out, help=f"where to write (default {out.relative_to(ROOT)})")
    return parser


def dry_run(wanted: Callable[[optimizers.OptimizerSpec], bool], cases: list[dict[str, Any]], why_not: str) -> None:
    """Print each registered optimizer with the cases it gets here, or why it gets none."""
    for key, spec in optimizers.REGISTRY.items():
        own = [c["id"] for c in cases if c["optimizer"] == key]
        if own:
            print(f"{key}: {spec.equivalent.source} ({spec.equivalent.package}), {len(own)} cases")
            for case_id in own:
                print(f"  {case_id}")
        elif spec.equivalent is not None and not wanted(spec):
            print(f"{key}: {spec.equivalent.source}, {why_not}")
        else:
            print(f"{key}: no reference implementation; its tests derive the expected numbers by hand")
