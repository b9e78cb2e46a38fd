"""A new surface is one module and one line: the claim, tested.

The test copies the ``surfaces`` package to a temporary folder, writes a throwaway surface module
into it and registers it with one added line in ``MODULES`` (at the front, so that anything reading
meaning into the registry's order would show). Then, in a fresh interpreter that imports the copy,
it checks that the registry-driven tests of this folder run over the new surface and pass, and that
the page's model sees it: the link round trip, a suggested learning rate with which every
optimizer's default race moves without diverging, and the sidebar's surface list.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import surfaces

ROOT = Path(__file__).resolve().parent.parent

# The throwaway surface: an oblong bowl centred at (c, -1/2), curvatures 2 and 8.
MODULE = textwrap.dedent('''
    """A test-only oblong bowl: f(x, y) = (x - c)^2 + 4 (y + 1/2)^2."""

    from ._base import Facts, Param, SurfaceSpec, stack, symmetric


    def value(x, c):
        return (x[..., 0] - c) ** 2 + 4.0 * (x[..., 1] + 0.5) ** 2


    def grad(x, c):
        return stack(x, 2.0 * (x[..., 0] - c), 8.0 * (x[..., 1] + 0.5))


    def hessian(x, c):
        return symmetric(x, 2.0, 0.0, 8.0)


    def facts(c):
        return Facts(bounds=((-3.0, 3.0), (-3.0, 3.0)), minima=((c, -0.5),), minimum_values=(0.0,),
                     default_start=(-2.5, 2.0), latex=r"f(x, y) = (x - c)^2 + 4\\left(y + \\tfrac12\\right)^2")


    SPEC = SurfaceSpec(
        key="ridge_probe",
        name="Ridge probe",
        dim=2,
        params=(Param("c", 1.0, "Where the bottom lies along x.", "c", low=-2.0, high=2.0, ui_low=-1.0, ui_high=1.5),),
        value=value,
        grad=grad,
        hessian=hessian,
        facts=facts,
        summary="A throwaway surface for the registry test.",
    )
''')

# Run in the fresh interpreter, with the copy first on the path.
CHECKS = textwrap.dedent('''
    import json
    from dataclasses import replace

    import numpy as np

    import optimizers
    import surfaces
    from playground.model import experiment as model
    from playground.model import link
    from playground.model.simulate import simulate

    out = {"file": surfaces.__file__, "names": surfaces.names()}
    s = surfaces.get("ridge_probe", c=0.5)
    out["minimum"] = [list(m) for m in s.minima]
    out["value_at_minimum"] = float(s.value(s.minima[0]))
    out["default_surface"] = model.Experiment().surface_key

    exp = replace(model.default_experiment(), surface_key="ridge_probe", surface_params=(("c", 0.5),))
    back, warnings = link.decode(link.to_query_string(exp))
    # A surface no released table knows gets the rule's rate, which the link carries: the same race.
    out["link"] = [back.race_signature() == exp.race_signature(), warnings, link.to_query_string(exp)]

    every = replace(exp, entries=tuple(model.Entry(k) for k in optimizers.names()), steps=300)
    race = simulate(every)
    runs = {}
    for entry, tr in zip(every.entries, race.trajectories, strict=True):
        lr = float(every.resolve(entry).hyper["lr"])  # the suggested rate: the entry sets none
        start, end = np.asarray(race.start), tr.path[-1]
        runs[entry.optimizer] = [lr, tr.diverged_at, float(np.linalg.norm(end - start)),
                                 float(np.linalg.norm(end - np.array(s.minima[0])))]
    out["runs"] = runs

    from streamlit.testing.v1 import AppTest

    from playground.page import keys

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["surface"] = "ridge_probe"
    at.run()
    box = at.selectbox(key=keys.surface(0))
    out["sidebar"] = [box.value, list(box.options), [str(e.value) for e in at.exception]]
    print("RESULT" + json.dumps(out))
''')


def _copy_with_the_new_surface(tmp_path: Path) -> Path:
    copy = tmp_path / "surfaces"
    shutil.copytree(ROOT / "surfaces", copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "ridge_probe.py").write_text(MODULE)
    init = (copy / "__init__.py").read_text()
    assert init.count("MODULES = (\n") == 1
    (copy / "__init__.py").write_text(init.replace("MODULES = (\n", 'MODULES = (\n    "ridge_probe",\n'))
    return copy


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT), str(ROOT / "tests")])}
    # Run from the temporary folder: ``python -m``/``-c`` put the working directory first on the path.
    return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_the_copy_differs_by_one_module_and_one_line(tmp_path):
    copy = _copy_with_the_new_surface(tmp_path)
    new_files = {p.name for p in copy.rglob("*.py")} - {p.name for p in (ROOT / "surfaces").rglob("*.py")}
    assert new_files == {"ridge_probe.py"}
    before = (ROOT / "surfaces" / "__init__.py").read_text().splitlines()
    after = (copy / "__init__.py").read_text().splitlines()
    changed = [d for d in difflib.ndiff(before, after) if d[:1] in "+-"]
    assert changed == ['+     "ridge_probe",']
    for path in (ROOT / "surfaces").rglob("*.py"):
        if path.name != "__init__.py" or path.parent.name != "surfaces":
            assert (copy / path.relative_to(ROOT / "surfaces")).read_text() == path.read_text()


def test_a_new_surface_is_seen_by_the_generic_tests_and_the_page(tmp_path):
    _copy_with_the_new_surface(tmp_path)

    # The registry-driven surface tests run over it (their parametrisation comes from the registry).
    # -o pythonpath= keeps pytest from putting the checkout's own surfaces/ ahead of the copy.
    generic = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "pythonpath=",
                    "--rootdir", str(ROOT), str(ROOT / "tests" / "test_surfaces.py"),
                    str(ROOT / "tests" / "test_hessians.py"), "-k", "ridge_probe"], tmp_path)
    assert generic.returncode == 0, generic.stdout[-3000:] + generic.stderr[-3000:]
    ran = re.search(r"(\d+) passed", generic.stdout)
    assert ran and int(ran.group(1)) >= 10, generic.stdout[-2000:]

    checked = _run([sys.executable, "-c", f"APP = {str(ROOT / 'app.py')!r}\n{CHECKS}"], tmp_path)
    assert checked.returncode == 0, checked.stderr[-3000:]
    out = json.loads(checked.stdout.split("RESULT", 1)[1])
    assert Path(out["file"]).parent == tmp_path / "surfaces", "the fresh interpreter must import the copy"
    assert out["names"] == ["ridge_probe", *surfaces.names()]
    assert out["minimum"] == [[0.5, -0.5]] and out["value_at_minimum"] == 0.0

    # First in the registry, and still not the default: order carries no behaviour.
    assert out["default_surface"] == "rosenbrock"

    same, warnings, link = out["link"]
    assert same and warnings == [] and "surface=ridge_probe" in link

    # Every optimizer's default race (the suggested rate, 300 steps) stays finite and covers at least
    # a tenth of the way from the start (-2.5, 2) to the bottom (0.5, -0.5), 3.9 away.
    for key, (lr, diverged_at, moved, _left) in out["runs"].items():
        assert np.isfinite(lr) and lr > 0, key
        assert diverged_at is None, f"{key} diverged at step {diverged_at} with lr {lr}"
        assert moved > 0.39, f"{key} moved only {moved:.3g} with lr {lr}"

    value, options, exceptions = out["sidebar"]
    assert value == "ridge_probe" and options[0] == "Ridge probe" and not exceptions
