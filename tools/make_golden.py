"""Write golden trajectories from torch.optim for ``tests/test_golden.py``.

Every registered optimizer whose spec names a ``torch.optim`` class as its ``equivalent`` is run by
torch itself, in float64 and on the single-tensor code path, for 300 steps on several of our
surfaces, with the settings its spec lists (its defaults and non-default ones: dampening, Nesterov,
centered RMSprop, AMSGrad, weight decay, other betas, eps and rho...); the tool names no optimizer.
Gradients come from our own ``surfaces`` package, so the only thing the test compares is the update
rule. The positions go to ``tests/golden/torch_optim.json`` (full float
repr); the test replays each case with ``optimizers.run`` and never imports torch.

torch is not a project dependency. Regenerate with any Python that has torch and numpy:

    /path/to/python-with-torch tools/make_golden.py
    python tools/make_golden.py --dry-run     # the cases it would record; needs no torch

Before writing, each case is checked to stay finite, to move visibly and not to amplify small errors
(a chaotic path, or one that cancels its way into a minimum, turns rounding differences into real ones).
"""

from __future__ import annotations

import importlib
import sys

import numpy as np
from golden_common import JITTER, ROOT, STEPS, arguments, check, dry_run, golden_fields, plan, surface_of, write

OUT = ROOT / "tests" / "golden" / "torch_optim.json"


def is_torch(spec) -> bool:
    return spec.equivalent is not None and spec.equivalent.is_torch


def torch_optimizer(equivalent, params, hyper: dict):
    """The torch optimizer the spec's ``equivalent`` names, with our hyperparameters mapped to its
    arguments, on the single-tensor code path."""
    module, _, name = equivalent.source.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    return cls(params, **equivalent.arguments(hyper), foreach=False)


def torch_path(equivalent, hyper: dict, surface, start, jitter: float = 0.0) -> np.ndarray:
    """Positions ``(STEPS + 1, dim)`` of torch's optimizer, fed our surface's gradient.

    ``jitter > 0`` scales every coordinate by ``1 ± jitter`` after each step (seeded signs): a
    stand-in for the rounding differences between torch and NumPy, far larger than they are.
    """
    import torch

    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=(STEPS, len(start)))
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(equivalent, [p], hyper)
    path = [p.detach().numpy().copy()]
    for t in range(STEPS):
        p.grad = torch.from_numpy(surface.grad(p.detach().numpy().copy()))
        opt.step()
        if jitter:
            with torch.no_grad():
                p.mul_(torch.from_numpy(1.0 + signs[t] * jitter))
        path.append(p.detach().numpy().copy())
    return np.array(path)


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0], OUT).parse_args()
    planned = plan(is_torch)
    if args.dry_run:
        dry_run(is_torch, planned, "recorded by tools/make_golden_refs.py")
        return
    import torch

    torch.set_default_dtype(torch.float64)
    cases, problems = [], []
    for case in planned:
        surface, eq = surface_of(case), case["equivalent"]
        path = torch_path(eq, case["hyper"], surface, case["start"])
        problems += check(case, path, torch_path(eq, case["hyper"], surface, case["start"], JITTER))
        cases.append({**golden_fields(case), "torch": torch.__version__, "path": path.tolist()})
    if problems:
        sys.exit("rejected cases:\n  " + "\n  ".join(problems))
    write(args.out, cases)
    print(f"wrote {len(cases)} cases to {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
