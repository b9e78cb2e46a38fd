"""Our optimizers against torch.optim, step by step, from golden paths recorded with torch.

``tests/golden/torch_optim.json`` holds torch's positions for every torch-backed optimizer on several
surfaces, written by ``tools/make_golden.py`` (see there to regenerate). This file never imports
torch. torch's float64 ``sqrt`` is not correctly rounded and it fuses multiply-adds, so positions
agree to a tolerance, not bit for bit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces

GOLDEN = Path(__file__).parent / "golden" / "torch_optim.json"
CASES = json.loads(GOLDEN.read_text())["cases"]
TORCH_BACKED = [key for key, spec in optimizers.REGISTRY.items() if spec.torch_equivalent]
RTOL = 1e-9


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_path_matches_torch(case):
    opt = optimizers.make(case["optimizer"], **case["hyper"])
    surface = surfaces.get(case["surface"], **case["params"])
    tr = optimizers.run(opt, surface, start=case["start"], steps=case["steps"])
    want = np.array(case["path"])
    assert tr.diverged_at is None, f"{case['id']}: diverged at step {tr.diverged_at}; torch did not"
    assert tr.path.shape == want.shape, f"{case['id']}: path shape {tr.path.shape}, torch {want.shape}"
    off = np.abs(tr.path - want) > RTOL * np.maximum(1.0, np.abs(want))
    if off.any():
        step, coord = np.argwhere(off)[0]
        pytest.fail(
            f"{case['id']}: first differs from torch {case['torch']} at step {step} "
            f"(coordinate {coord}): ours {float(tr.path[step, coord])!r}, torch {float(want[step, coord])!r}; "
            f"{int(off.any(axis=1).sum())} of {case['steps']} steps differ"
        )


def _off_default(key: str, hyper: dict) -> list[str]:
    """The hyperparameters other than the learning rate that a case sets away from our default."""
    defaults = optimizers.spec(key).defaults
    return [name for name, value in hyper.items() if name != "lr" and value != defaults[name]]


@pytest.mark.parametrize("key", TORCH_BACKED)
def test_every_torch_backed_optimizer_is_covered(key):
    cases = [c for c in CASES if c["optimizer"] == key]
    covered = {c["surface"] for c in cases}
    assert len(covered) >= 3, f"{key}: golden cases on {sorted(covered)} only; want at least 3 surfaces"
    assert any(not _off_default(key, c["hyper"]) for c in cases), f"{key}: no golden case with default settings"
    if any(h.name != "lr" for h in optimizers.spec(key).hypers):
        assert any(_off_default(key, c["hyper"]) for c in cases), f"{key}: no golden case with non-default settings"
    else:
        # Only a learning rate to vary.
        assert len({c["hyper"]["lr"] for c in cases}) >= 2, f"{key}: golden cases use a single learning rate"


def test_golden_cases_are_torch_backed_and_distinct():
    assert {c["optimizer"] for c in CASES} <= set(TORCH_BACKED)
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
