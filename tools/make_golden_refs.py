"""Write golden trajectories for the optimizers whose reference is a package other than torch.optim.

For ``tests/test_new_optimizers.py``. Each reference runs in float64 for 300 steps on several of
our surfaces, with its default settings and with non-default ones, fed our own surfaces' gradients,
so the test compares update rules only:

* ``schedule_free_sgd``, ``schedule_free_adamw``: ``schedulefree``'s ``SGDScheduleFreeReference`` and
  ``AdamWScheduleFreeReference`` (facebookresearch/schedule_free); the path is their ``x`` sequence;
* ``prodigy``: ``prodigyopt.Prodigy`` (konstmish/prodigy);
* ``adabelief``: ``adabelief_pytorch.AdaBelief`` (juntang-zhuang/Adabelief-Optimizer);
* ``sam``: ``SAM`` of davda54/sam over ``torch.optim.SGD``. That repository is not on PyPI: pass the
  path of its ``sam.py`` with ``--sam PATH`` (the file is loaded from there, never copied here);
* ``yogi``: TensorFlow Addons' ``tfa.optimizers.Yogi``, which needs TensorFlow; run the tool a
  second time with a Python that has ``tensorflow`` and ``tensorflow-addons`` and ``--only yogi``.

None of these packages is a project dependency. Install them in a throwaway environment, e.g.::

    python -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install torch numpy schedulefree prodigyopt adabelief-pytorch
    /tmp/refvenv/bin/python tools/make_golden_refs.py --sam /path/to/davda54/sam/sam.py
    python -m venv /tmp/refvenv_tf && /tmp/refvenv_tf/bin/pip install tensorflow-cpu==2.15.1 tensorflow-addons
    /tmp/refvenv_tf/bin/python tools/make_golden_refs.py --only yogi

Each run replaces the cases of the optimizers it ran in ``tests/golden/reference_optimizers.json``
and keeps the others. Before writing, every case must stay finite, move visibly, and not amplify
a relative error of 1e-13 per step in the gradient beyond 1e-11 (a case that does would turn
rounding differences between the reference and NumPy into real ones).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import surfaces  # noqa: E402

OUT = ROOT / "tests" / "golden" / "reference_optimizers.json"
STEPS = 300
SURFACES = {
    "rosenbrock": {"a": 1.0, "b": 100.0},
    "bowl": {"a": 1.0, "b": 10.0, "angle": 30.0},
    "himmelblau": {},
    "beale": {},
    "double_well": {"c": 0.5, "k": 1.0},
}
LR = {
    "sf_sgd": {"rosenbrock": 5e-4, "bowl": 0.05, "himmelblau": 5e-3, "beale": 5e-3, "double_well": 0.01},
    "sf_adamw": {"rosenbrock": 0.02, "bowl": 0.05, "himmelblau": 0.05, "beale": 0.02, "double_well": 0.05},
    "adaptive": {"rosenbrock": 0.01, "bowl": 0.02, "himmelblau": 0.02, "beale": 0.01, "double_well": 0.02},
    "yogi": {"rosenbrock": 0.01, "bowl": 0.05, "himmelblau": 0.05, "beale": 0.02, "double_well": 0.05},
    "prodigy": {"rosenbrock": 1.0, "bowl": 1.0, "himmelblau": 1.0, "beale": 1.0, "double_well": 1.0},
    "prodigy_half": {"rosenbrock": 0.5, "bowl": 0.5, "himmelblau": 0.5, "beale": 0.5, "double_well": 0.5},
    "sam": {"rosenbrock": 1e-4, "bowl": 0.01, "himmelblau": 1e-3, "beale": 1e-3, "double_well": 2e-3},
    "sam_plain": {"rosenbrock": 5e-4, "bowl": 0.05, "himmelblau": 5e-3, "beale": 5e-3, "double_well": 0.01},
}
FOUR = ("rosenbrock", "bowl", "himmelblau", "double_well")
# (optimizer, setting label, LR row, our hyperparameters other than lr, surfaces). Left-out
# hyperparameters take our defaults in the test and the reference's defaults here.
SETTINGS = [
    ("schedule_free_sgd", "default", "sf_sgd", {}, FOUR),
    ("schedule_free_sgd", "beta_warmup", "sf_sgd", {"beta": 0.7, "warmup_steps": 20.0},
     ("bowl", "beale", "double_well")),
    ("schedule_free_adamw", "default", "sf_adamw", {}, FOUR),
    ("schedule_free_adamw", "weight_decay", "sf_adamw", {"weight_decay": 0.1},
     ("rosenbrock", "bowl", "beale", "double_well")),
    ("prodigy", "default", "prodigy", {}, ("bowl", "himmelblau", "beale", "double_well")),
    ("prodigy", "d0", "prodigy", {"d0": 1e-3}, ("bowl", "himmelblau", "beale")),
    ("prodigy", "beta3_eps", "prodigy", {"beta3": 0.99, "eps": 1e-6}, ("bowl", "himmelblau", "double_well")),
    ("prodigy", "growth_rate", "prodigy", {"growth_rate": 1.02}, ("bowl", "beale", "double_well")),
    ("prodigy", "beta3_d0_growth_lr", "prodigy_half", {"beta3": 0.99, "growth_rate": 1.05, "d0": 1e-4}, ("bowl",)),
    ("adabelief", "default", "adaptive", {}, FOUR),
    ("adabelief", "plain", "adaptive", {"rectify": False}, ("rosenbrock", "bowl", "beale")),
    ("adabelief", "eps", "adaptive", {"eps": 1e-8}, ("bowl", "himmelblau", "beale", "double_well")),
    ("yogi", "default", "yogi", {}, FOUR),
    ("yogi", "betas_eps_init", "yogi",
     {"beta1": 0.8, "beta2": 0.99, "eps": 1e-4, "initial_accumulator": 0.1}, ("rosenbrock", "bowl", "beale")),
    ("yogi", "no_momentum", "yogi", {"beta1": 0.0}, ("bowl", "himmelblau", "double_well")),
    ("sam", "default", "sam", {}, ("bowl", "beale")),
    ("sam", "rho_plain_sgd", "sam_plain", {"rho": 0.02, "momentum": 0.0},
     ("rosenbrock", "beale", "double_well", "himmelblau")),
    ("sam", "momentum_0.5", "sam", {"rho": 0.01, "momentum": 0.5}, ("rosenbrock", "beale", "double_well")),
]


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_runner(key: str, hyper: dict, sam_path: str | None):
    """A function ``step(grad_fn) -> position`` driving the torch-based reference for ``key``."""
    import torch

    torch.set_default_dtype(torch.float64)
    hp = dict(hyper)
    lr = hp.pop("lr")

    def betas(b1=0.9, b2=0.999):
        return {"betas": (hp.pop("beta1", b1), hp.pop("beta2", b2))} if {"beta1", "beta2"} & hp.keys() else {}

    def make(p):
        if key == "schedule_free_sgd":
            import schedulefree

            kw = {"momentum": hp["beta"]} if "beta" in hp else {}
            if "warmup_steps" in hp:
                kw["warmup_steps"] = int(hp["warmup_steps"])
            opt = schedulefree.SGDScheduleFreeReference([p], lr=lr, **kw)
        elif key == "schedule_free_adamw":
            import schedulefree

            kw = betas()
            if "warmup_steps" in hp:
                kw["warmup_steps"] = int(hp.pop("warmup_steps"))
            opt = schedulefree.AdamWScheduleFreeReference([p], lr=lr, **kw, **hp)
        elif key == "prodigy":
            import prodigyopt

            opt = prodigyopt.Prodigy([p], lr=lr, **betas(), **hp)
        elif key == "adabelief":
            import adabelief_pytorch

            opt = adabelief_pytorch.AdaBelief([p], lr=lr, **betas(), **hp, print_change_log=False)
        elif key == "sam":
            if sam_path is None:
                sys.exit("sam needs --sam PATH (davda54/sam's sam.py)")
            sam = _load(sam_path, "davda54_sam")
            # Our default momentum (0.9, as in that repository's example), not SGD's 0.
            opt = sam.SAM([p], torch.optim.SGD, lr=lr, foreach=False, **{"momentum": 0.9, **hp})
        else:
            raise KeyError(key)
        if hasattr(opt, "train"):
            opt.train()
        return opt

    def run(start, grad_fn):
        p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        opt = make(p)
        path = [np.array(start)]
        for t in range(STEPS):
            p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy(), t))
            if key == "sam":
                opt.first_step()
                p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy(), t))
                opt.second_step()
            else:
                opt.step()
            if key.startswith("schedule_free"):
                path.append(opt.state[p]["x"].detach().numpy().copy())
            else:
                path.append(p.detach().numpy().copy())
        return np.array(path)

    return run


def tf_runner(key: str, hyper: dict, sam_path: str | None):
    import tensorflow as tf
    import tensorflow_addons as tfa

    assert key == "yogi"
    names = {"lr": "learning_rate", "beta1": "beta1", "beta2": "beta2", "eps": "epsilon",
             "initial_accumulator": "initial_accumulator_value"}

    def run(start, grad_fn):
        var = tf.Variable(np.array(start, dtype=np.float64))
        opt = tfa.optimizers.Yogi(**{names[k]: v for k, v in hyper.items()})
        # Keras would store each number hyperparameter as a float32 variable, rounding η, β and ε;
        # a callable returning a float64 tensor is used as it is.
        for name, value in list(opt._hyper.items()):
            if isinstance(value, float | int):
                opt._set_hyper(name, lambda v=float(value): tf.constant(v, tf.float64))
        path = [np.array(start)]
        for t in range(STEPS):
            g = tf.constant(grad_fn(var.numpy().copy(), t))
            opt.apply_gradients([(g, var)])
            path.append(var.numpy().copy())
        return np.array(path)

    return run


JITTER, JITTER_LIMIT = 1e-13, 1e-11


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="optimizer keys to (re)generate; default: all but yogi")
    parser.add_argument("--sam", help="path of davda54/sam's sam.py")
    args = parser.parse_args()
    keys = set(args.only) if args.only else {k for k, *_ in SETTINGS} - {"yogi"}
    cases, problems = [], []
    for key, label, lr_row, extra, surface_keys in SETTINGS:
        if key not in keys:
            continue
        runner = (tf_runner if key == "yogi" else torch_runner)
        for skey in surface_keys:
            surface = surfaces.get(skey, **SURFACES[skey])
            hyper = {"lr": LR[lr_row][skey], **extra}
            start = [float(c) for c in surface.default_start]
            signs = np.random.default_rng(0).choice([-1.0, 1.0], size=(STEPS, len(start)))
            run = runner(key, hyper, args.sam)
            path = run(start, lambda x, t, f=surface.grad: f(x))
            jittered = run(start, lambda x, t, f=surface.grad, s=signs: f(x) * (1.0 + JITTER * s[t]))
            case_id = f"{key}-{label}-{skey}"
            travel = np.abs(np.diff(path, axis=0)).sum()
            drift = (np.abs(jittered - path) / np.maximum(1.0, np.abs(path))).max()
            print(f"{case_id:50s} travel {travel:7.3g}  drift {drift:8.3g}  end {path[-1]}")
            if not np.all(np.isfinite(path)) or np.abs(path).max() > 1e3:
                problems.append(f"{case_id}: leaves the finite region")
            if travel < 0.1:
                problems.append(f"{case_id}: hardly moves (travel {travel:.3g})")
            if not drift <= JITTER_LIMIT:
                problems.append(f"{case_id}: gradient jitter of {JITTER:g} grows to {drift:.3g}")
            cases.append({"id": case_id, "optimizer": key, "hyper": hyper, "surface": skey,
                          "params": SURFACES[skey], "start": start, "steps": STEPS,
                          "reference": _version(key), "path": path.tolist()})
    if problems:
        sys.exit("rejected cases:\n  " + "\n  ".join(problems))
    assert all(math.isfinite(v) for c in cases for row in c["path"] for v in row)
    kept = []
    if OUT.exists():
        kept = [c for c in json.loads(OUT.read_text())["cases"] if c["optimizer"] not in keys]
    everything = sorted(kept + cases, key=lambda c: c["id"])
    lines = ",\n".join(json.dumps(c, separators=(",", ":")) for c in everything)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text('{"cases":[\n' + lines + "\n]}\n")
    print(f"wrote {len(cases)} new and kept {len(kept)} cases in {OUT.relative_to(ROOT)}")


def _version(key: str) -> str:
    from importlib.metadata import version

    package = {"schedule_free_sgd": "schedulefree", "schedule_free_adamw": "schedulefree", "prodigy": "prodigyopt",
               "adabelief": "adabelief-pytorch", "yogi": "tensorflow-addons", "sam": "torch"}[key]
    text = f"{package} {version(package)}"
    return text + " + davda54/sam" if key == "sam" else text


if __name__ == "__main__":
    main()
