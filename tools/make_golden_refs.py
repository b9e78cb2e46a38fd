"""Write golden trajectories for the optimizers whose reference is a package other than torch.optim.

For ``tests/test_new_optimizers.py``. Every registered optimizer whose spec names an
``equivalent`` outside ``torch.optim`` is run by that reference in float64 for 300 steps on several
of our surfaces, with the settings its spec lists, fed our own surfaces' gradients, so the test
compares update rules only. The tool names no optimizer; today the references are:

* ``schedule_free_sgd``, ``schedule_free_adamw``: ``schedulefree``'s ``SGDScheduleFreeReference`` and
  ``AdamWScheduleFreeReference`` (facebookresearch/schedule_free); the path is their ``x`` sequence;
* ``prodigy``: ``prodigyopt.Prodigy`` (konstmish/prodigy);
* ``adabelief``: ``adabelief_pytorch.AdaBelief`` (juntang-zhuang/Adabelief-Optimizer);
* ``sam``: ``SAM`` of davda54/sam over ``torch.optim.SGD``. That repository is not on PyPI: pass the
  path of its ``sam.py`` with ``--load sam=PATH`` (the file is loaded from there, never copied here);
* ``yogi``: TensorFlow Addons' ``tfa.optimizers.Yogi``, which needs TensorFlow; run the tool a
  second time with a Python that has ``tensorflow`` and ``tensorflow-addons`` and ``--only yogi``
  (a TensorFlow reference runs only when named with ``--only``).

None of these packages is a project dependency. Install them in a throwaway environment, e.g.::

    python -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install torch numpy schedulefree prodigyopt adabelief-pytorch
    /tmp/refvenv/bin/python tools/make_golden_refs.py --load sam=/path/to/davda54/sam/sam.py
    python tools/make_golden_refs.py --dry-run     # the cases it would record; needs none of them
    python -m venv /tmp/refvenv_tf && /tmp/refvenv_tf/bin/pip install tensorflow-cpu==2.15.1 tensorflow-addons
    /tmp/refvenv_tf/bin/python tools/make_golden_refs.py --only yogi

Each run replaces the cases of the optimizers it ran in ``tests/golden/reference_optimizers.json``
and keeps the others. Before writing, every case must stay finite, move visibly, and not amplify
a relative error of 1e-13 per step in the gradient beyond 1e-11 (a case that does would turn
rounding differences between the reference and NumPy into real ones).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from importlib.metadata import version

import numpy as np
from golden_common import JITTER, ROOT, STEPS, arguments, check, dry_run, golden_fields, plan, surface_of, write

OUT = ROOT / "tests" / "golden" / "reference_optimizers.json"


def is_reference(spec) -> bool:
    return spec.equivalent is not None and not spec.equivalent.is_torch


def on_tensorflow(equivalent) -> bool:
    return equivalent.source.startswith("tensorflow")


def resolve(dotted: str, loaded: dict[str, str]):
    """The class at ``dotted``; its module comes from a file given with ``--load`` if there is one."""
    module_name, _, name = dotted.rpartition(".")
    if module_name in loaded:
        spec = importlib.util.spec_from_file_location(module_name, loaded[module_name])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            sys.exit(f"{dotted}: module {module_name!r} not found; install it or pass --load {module_name}=PATH")
    return getattr(module, name)


def torch_runner(equivalent, hyper: dict, loaded: dict[str, str]):
    """A function ``run(start, grad_fn) -> path`` driving a torch-based reference."""
    import torch

    torch.set_default_dtype(torch.float64)
    cls = resolve(equivalent.source, loaded)
    kwargs = equivalent.arguments(hyper)

    def make(p):
        if equivalent.base:
            # A wrapper (SAM) over a torch optimizer, on its single-tensor code path.
            opt = cls([p], resolve(equivalent.base, loaded), foreach=False, **kwargs)
        else:
            opt = cls([p], **kwargs)
        if hasattr(opt, "train"):
            opt.train()
        return opt

    def run(start, grad_fn):
        p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        opt = make(p)
        path = [np.array(start)]
        for t in range(STEPS):
            p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy(), t))
            if hasattr(opt, "first_step"):  # two gradients a step: at p, then at the ascent point
                opt.first_step()
                p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy(), t))
                opt.second_step()
            else:
                opt.step()
            at = opt.state[p][equivalent.position] if equivalent.position else p
            path.append(at.detach().numpy().copy())
        return np.array(path)

    return run


def tf_runner(equivalent, hyper: dict, loaded: dict[str, str]):
    """A function ``run(start, grad_fn) -> path`` driving a TensorFlow (Keras) reference."""
    import tensorflow as tf

    cls = resolve(equivalent.source, loaded)

    def run(start, grad_fn):
        var = tf.Variable(np.array(start, dtype=np.float64))
        opt = cls(**equivalent.arguments(hyper))
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


def provenance(equivalent) -> str:
    text = f"{equivalent.package} {version(equivalent.package)}"
    return f"{text} + {equivalent.origin}" if equivalent.origin else text


def main() -> None:
    parser = arguments(__doc__.split("\n\n")[0], OUT)
    parser.add_argument("--only", nargs="*", help="optimizer keys to (re)generate; default: all but TensorFlow's")
    parser.add_argument("--load", action="append", default=[], metavar="MODULE=PATH",
                        help="load a reference module from a file (e.g. sam=/path/to/davda54/sam/sam.py)")
    parser.add_argument("--sam", help="the same as --load sam=PATH")
    args = parser.parse_args()
    loaded = dict(item.split("=", 1) for item in args.load)
    if args.sam:
        loaded["sam"] = args.sam
    planned = plan(is_reference)
    if args.dry_run:
        dry_run(is_reference, planned, "recorded by tools/make_golden.py")
        return
    keys = set(args.only) if args.only else {c["optimizer"] for c in planned
                                             if not on_tensorflow(c["equivalent"])}
    cases, problems = [], []
    for case in planned:
        if case["optimizer"] not in keys:
            continue
        eq, surface = case["equivalent"], surface_of(case)
        runner = (tf_runner if on_tensorflow(eq) else torch_runner)(eq, case["hyper"], loaded)
        signs = np.random.default_rng(0).choice([-1.0, 1.0], size=(STEPS, len(case["start"])))
        path = runner(case["start"], lambda x, t, f=surface.grad: f(x))
        jittered = runner(case["start"], lambda x, t, f=surface.grad, s=signs: f(x) * (1.0 + JITTER * s[t]))
        problems += check(case, path, jittered)
        cases.append({**golden_fields(case), "reference": provenance(eq), "path": path.tolist()})
    if problems:
        sys.exit("rejected cases:\n  " + "\n  ".join(problems))
    kept = []
    if args.out.exists():
        kept = [c for c in json.loads(args.out.read_text())["cases"] if c["optimizer"] not in keys]
    write(args.out, sorted(kept + cases, key=lambda c: c["id"]))
    print(f"wrote {len(cases)} new and kept {len(kept)} cases in {args.out}")


if __name__ == "__main__":
    main()
