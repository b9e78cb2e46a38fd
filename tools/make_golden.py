"""Write golden trajectories from torch.optim for ``tests/test_golden.py``.

Every optimizer that has a ``torch.optim`` equivalent is run by torch itself, in float64 and on the
single-tensor code path, for 300 steps on several of our surfaces, with its default settings and
with non-default ones (dampening, Nesterov, centered RMSprop, AMSGrad, weight decay, other betas,
eps and rho...). Gradients come from our own ``surfaces`` package, so the only thing the test
compares is the update rule. The positions go to ``tests/golden/torch_optim.json`` (full float
repr); the test replays each case with ``optimizers.run`` and never imports torch.

torch is not a project dependency. Regenerate with any Python that has torch and numpy:

    /path/to/python-with-torch tools/make_golden.py

Before writing, each case is checked to stay finite, to move visibly and not to amplify small errors
(a chaotic path, or one that cancels its way into a minimum, turns rounding differences into real ones).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import surfaces  # noqa: E402

OUT = ROOT / "tests" / "golden" / "torch_optim.json"
STEPS = 300

# Surfaces and their parameters; every case starts at the surface's default start.
SURFACES = {
    "rosenbrock": {"a": 1.0, "b": 100.0},
    "bowl": {"a": 1.0, "b": 10.0, "angle": 30.0},
    "himmelblau": {},
    "beale": {},
    "double_well": {"c": 0.5, "k": 1.0},
}
ALL = tuple(SURFACES)

# Learning rates per surface, shared by optimizers of a kind: large enough to move visibly, small
# enough that the path stays tame (on a chaotic path rounding differences grow into real ones).
LR = {
    "sgd": {"rosenbrock": 5e-4, "bowl": 0.05, "himmelblau": 5e-3, "beale": 5e-3, "double_well": 0.01},
    "sgd_half": {"bowl": 0.025, "himmelblau": 2.5e-3},
    "heavy": {"rosenbrock": 1e-4, "bowl": 0.01, "himmelblau": 1e-3, "beale": 1e-3, "double_well": 2e-3},
    "adaptive": {"rosenbrock": 0.01, "bowl": 0.02, "himmelblau": 0.02, "beale": 0.01, "double_well": 0.02},
    "rmsprop": {"rosenbrock": 3e-3, "bowl": 0.02, "himmelblau": 0.02, "beale": 0.01, "double_well": 0.02},
    "rmsprop_rho": {"bowl": 0.01, "beale": 0.01, "double_well": 0.01},
    "adagrad": {"rosenbrock": 0.1, "bowl": 0.2, "himmelblau": 0.2, "beale": 0.1, "double_well": 0.2},
    "adadelta": {"rosenbrock": 0.2, "bowl": 2.0, "beale": 2.0, "double_well": 2.0},
    "adadelta_rho": {"bowl": 0.5, "beale": 0.5, "double_well": 0.5},
}

# (optimizer key, setting label, learning-rate row of LR, our hyperparameters other than lr, surfaces).
# Hyperparameters left out take our defaults in the test and torch's defaults here (except SGD's
# momentum, which is ours, 0.9), so the "default" cases also check that the two agree.
SETTINGS = [
    ("sgd", "default", "sgd", {}, ALL),
    ("sgd", "lr_half", "sgd_half", {}, ("bowl", "himmelblau")),
    ("momentum", "default", "heavy", {}, ALL),
    ("momentum", "dampening", "heavy", {"momentum": 0.8, "dampening": 0.3}, ("rosenbrock", "bowl", "double_well")),
    ("momentum", "zero_momentum", "sgd", {"momentum": 0.0}, ("bowl", "himmelblau")),
    ("nesterov", "default", "heavy", {}, ALL),
    ("nesterov", "momentum_0.7", "heavy", {"momentum": 0.7}, ("rosenbrock", "himmelblau", "beale")),
    ("adagrad", "default", "adagrad", {}, ALL),
    ("adagrad", "eps", "adagrad", {"eps": 1e-3}, ("rosenbrock", "double_well")),
    ("rmsprop", "default", "rmsprop", {}, ALL),
    ("rmsprop", "rho_eps", "rmsprop_rho", {"rho": 0.95, "eps": 1e-4}, ("bowl", "beale", "double_well")),
    ("rmsprop", "momentum", "rmsprop", {"momentum": 0.5}, ("rosenbrock", "bowl", "beale", "double_well")),
    ("rmsprop", "centered", "rmsprop", {"centered": True}, ("rosenbrock", "bowl", "himmelblau")),
    ("rmsprop", "centered_momentum", "rmsprop", {"centered": True, "momentum": 0.5},
     ("rosenbrock", "himmelblau", "double_well")),
    # Adadelta's start on himmelblau sits by the local maximum and lets small errors grow.
    ("adadelta", "default", "adadelta", {}, ("rosenbrock", "bowl", "beale", "double_well")),
    ("adadelta", "rho_eps", "adadelta_rho", {"rho": 0.95, "eps": 1e-4}, ("bowl", "beale", "double_well")),
    ("adam", "default", "adaptive", {}, ALL),
    ("adam", "amsgrad", "adaptive", {"amsgrad": True}, ("rosenbrock", "himmelblau", "double_well")),
    ("adam", "betas_eps", "adaptive", {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, ("bowl", "beale")),
    ("adamw", "default", "adaptive", {}, ALL),
    ("adamw", "decay_amsgrad", "adaptive", {"weight_decay": 0.5, "amsgrad": True}, ("rosenbrock", "bowl", "beale")),
    ("adamw", "no_decay_betas", "adaptive", {"weight_decay": 0.0, "beta1": 0.85, "beta2": 0.995},
     ("himmelblau", "double_well")),
    ("nadam", "default", "adaptive", {}, ALL),
    ("nadam", "momentum_decay", "adaptive", {"momentum_decay": 0.05}, ("rosenbrock", "bowl", "himmelblau")),
    ("nadam", "betas_eps", "adaptive", {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, ("beale", "double_well")),
    ("radam", "default", "adaptive", {}, ALL),
    ("radam", "beta2_0.99", "adaptive", {"beta2": 0.99}, ("rosenbrock", "bowl", "double_well")),
    ("radam", "beta1_eps", "adaptive", {"beta1": 0.8, "eps": 1e-6}, ("himmelblau", "beale")),
    ("adamax", "default", "adaptive", {}, ALL),
    ("adamax", "betas_eps", "adaptive", {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, ("rosenbrock", "bowl", "beale")),
]

# Cases pinned by a reported drift, each with its own start. They are sensitive by design (small
# rounding differences grow along them), so the jitter check reports them but does not reject them:
# they guard the order of operations, e.g. NAdam adding its two step parts to x one after the other.
PINNED = [
    ("nadam", "reported_drift", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "momentum_decay": 0.01},
     "rosenbrock", (-1.5, 2.0)),
]


def _betas(hp, b1=0.9, b2=0.999):
    return {"betas": (hp.pop("beta1", b1), hp.pop("beta2", b2))} if {"beta1", "beta2"} & hp.keys() else {}


def torch_optimizer(key: str, params: list[torch.Tensor], hyper: dict) -> torch.optim.Optimizer:
    """The torch optimizer for our ``key`` and hyperparameters (our names mapped to torch's)."""
    hp = dict(hyper)
    common = {"foreach": False}  # pin the single-tensor code path
    if key == "sgd":
        return torch.optim.SGD(params, **hp, **common)
    if key == "momentum":
        return torch.optim.SGD(params, **{"momentum": 0.9, **hp}, **common)
    if key == "nesterov":
        return torch.optim.SGD(params, **{"momentum": 0.9, **hp}, nesterov=True, **common)
    if key == "adagrad":
        return torch.optim.Adagrad(params, **hp, **common)
    if key == "rmsprop":
        if "rho" in hp:
            hp["alpha"] = hp.pop("rho")
        return torch.optim.RMSprop(params, **hp, **common)
    if key == "adadelta":
        return torch.optim.Adadelta(params, **hp, **common)
    classes = {
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
        "nadam": torch.optim.NAdam,
        "radam": torch.optim.RAdam,
        "adamax": torch.optim.Adamax,
    }
    betas = _betas(hp)
    return classes[key](params, **hp, **betas, **common)


def torch_path(key: str, hyper: dict, surface, start, jitter: float = 0.0) -> np.ndarray:
    """Positions ``(STEPS + 1, dim)`` of torch's optimizer, fed our surface's gradient.

    ``jitter > 0`` scales every coordinate by ``1 ± jitter`` after each step (seeded signs): a
    stand-in for the rounding differences between torch and NumPy, far larger than they are.
    """
    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=(STEPS, len(start)))
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(key, [p], hyper)
    path = [p.detach().numpy().copy()]
    for t in range(STEPS):
        p.grad = torch.from_numpy(surface.grad(p.detach().numpy().copy()))
        opt.step()
        if jitter:
            with torch.no_grad():
                p.mul_(torch.from_numpy(1.0 + signs[t] * jitter))
        path.append(p.detach().numpy().copy())
    return np.array(path)


# Rounding noise this large must leave the path well inside the test's tolerance (1e-9 relative).
JITTER, JITTER_LIMIT = 1e-13, 1e-11


def check(case_id: str, path: np.ndarray, jittered: np.ndarray) -> list[str]:
    """Reasons to reject a case: not finite, hardly moving, or amplifying small errors."""
    problems = []
    if not np.all(np.isfinite(path)) or np.abs(path).max() > 1e3:
        problems.append("leaves the finite region")
    travel = np.abs(np.diff(path, axis=0)).sum()
    if travel < 0.1:
        problems.append(f"hardly moves (travel {travel:.3g})")
    drift = (np.abs(jittered - path) / np.maximum(1.0, np.abs(path))).max()
    if not drift <= JITTER_LIMIT:
        problems.append(f"jitter of {JITTER:g} per step grows to {drift:.3g}")
    print(f"{case_id:45s} travel {travel:7.3g}  drift {drift:8.3g}  end {path[-1]}")
    return [f"{case_id}: {p}" for p in problems]


def main() -> None:
    torch.set_default_dtype(torch.float64)
    cases, problems = [], []
    for key, label, lr_row, extra, surface_keys in SETTINGS:
        for skey in surface_keys:
            params = SURFACES[skey]
            surface = surfaces.get(skey, **params)
            hyper = {"lr": LR[lr_row][skey], **extra}
            start = [float(c) for c in surface.default_start]
            path = torch_path(key, hyper, surface, start)
            case_id = f"{key}-{label}-{skey}"
            problems += check(case_id, path, torch_path(key, hyper, surface, start, JITTER))
            cases.append(
                {
                    "id": case_id,
                    "optimizer": key,
                    "hyper": hyper,
                    "surface": skey,
                    "params": params,
                    "start": start,
                    "steps": STEPS,
                    "torch": torch.__version__,
                    "path": path.tolist(),
                }
            )
    for key, label, hyper, skey, start in PINNED:
        params = SURFACES[skey]
        surface = surfaces.get(skey, **params)
        start = [float(c) for c in start]
        path = torch_path(key, hyper, surface, start)
        case_id = f"{key}-{label}-{skey}"
        sensitive = check(case_id, path, torch_path(key, hyper, surface, start, JITTER))
        problems += [p for p in sensitive if "jitter" not in p]
        cases.append({"id": case_id, "optimizer": key, "hyper": hyper, "surface": skey, "params": params,
                      "start": start, "steps": STEPS, "torch": torch.__version__, "path": path.tolist()})
    if problems:
        sys.exit("rejected cases:\n  " + "\n  ".join(problems))
    assert all(math.isfinite(v) for c in cases for row in c["path"] for v in row)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # One case per line: compact, yet a regenerated file diffs case by case.
    lines = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
    OUT.write_text('{"cases":[\n' + lines + "\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
