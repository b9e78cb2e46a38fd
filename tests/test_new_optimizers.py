"""The optimizers after Adam, and Newton: golden paths from their reference implementations, first
steps derived by hand where no reference package exists, and the gradient-evaluation count.

``tests/golden/reference_optimizers.json`` holds the positions the reference packages produced
(``schedulefree``, ``prodigyopt``, ``adabelief-pytorch``, TensorFlow Addons' Yogi, davda54/sam over
torch's SGD), written once by ``tools/make_golden_refs.py``; this file imports none of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces

GOLDEN = Path(__file__).parent / "golden" / "reference_optimizers.json"
CASES = json.loads(GOLDEN.read_text())["cases"]
RTOL = 1e-9
WITH_REFERENCE = ["schedule_free_sgd", "schedule_free_adamw", "prodigy", "adabelief", "yogi", "sam"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_path_matches_the_reference(case):
    opt = optimizers.make(case["optimizer"], **case["hyper"])
    surface = surfaces.get(case["surface"], **case["params"])
    tr = optimizers.run(opt, surface, start=case["start"], steps=case["steps"])
    want = np.array(case["path"])
    assert tr.diverged_at is None
    off = np.abs(tr.path - want) > RTOL * np.maximum(1.0, np.abs(want))
    if off.any():
        step, coord = np.argwhere(off)[0]
        pytest.fail(f"{case['id']}: differs from {case['reference']} first at step {step} (coordinate {coord}): "
                    f"ours {float(tr.path[step, coord])!r}, reference {float(want[step, coord])!r}")


@pytest.mark.parametrize("key", WITH_REFERENCE)
def test_every_referenced_optimizer_is_covered(key):
    cases = [c for c in CASES if c["optimizer"] == key]
    assert len({c["surface"] for c in cases}) >= 3
    defaults = optimizers.spec(key).defaults
    off = [[n for n, v in c["hyper"].items() if n != "lr" and v != defaults[n]] for c in cases]
    assert any(not o for o in off), "a case with default settings"
    assert any(off), "a case with non-default settings"
