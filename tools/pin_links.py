"""Pin a set of shared links to the races they open: writes ``tests/golden/pinned_links.json``.

A shared link is a promise: whoever opens it later sees the race its author saw, even after the
code, the defaults or the suggested learning rates have moved on. This tool was run once, on the
code of the day the links were pinned; ``tests/test_pinned_links.py`` checks that every link still
decodes to the same experiment and still runs the same race. Do not regenerate the file to make that
test pass: a link that opens another race than it used to is the bug the test is there to catch.

Per link the file holds the experiment it decodes to (every field, in JSON) and a fingerprint of its
race: for each optimizer, the hyperparameters it ran with, the final position (12 significant
digits) and the step at which it diverged (-1 if it did not), and the same for the noise seeds'
spread when there is one.

    .venv/bin/python tools/pin_links.py          # writes the file once; it refuses to overwrite it without --force
    .venv/bin/python tools/pin_links.py --add    # pins the links of ADDED the file lacks, keeps every other line
    .venv/bin/python tools/pin_links.py --revised-lesson sharp-flat   # a lesson revised on purpose

Links join the set later through :data:`ADDED`, pinned on the day they join (``--add``): the races of
the links pinned before are never recomputed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import optimizers  # noqa: E402
import surfaces  # noqa: E402
from playground.model import lessons  # noqa: E402
from playground.model.link import decode  # noqa: E402
from playground.model.simulate import simulate  # noqa: E402

OUT = ROOT / "tests" / "golden" / "pinned_links.json"
DIGITS = 12


def _chunks(keys: list[str], size: int) -> list[list[str]]:
    return [keys[i:i + size] for i in range(0, len(keys), size)]


def links() -> list[str]:
    """The links pinned: the default race, every lesson, formulas, schedules, noise, windows, batches,
    and every optimizer on every surface with its suggested learning rate and with one of its own."""
    out = ["", "opt=sgd;momentum;rmsprop;adam&steps=500", "surface=bowl", "steps=40"]
    for lesson in lessons.LESSONS:
        out.append(f"lesson={lesson.key}")
    out += [
        # The lessons as the page writes them into the address bar.
        "lesson=oblong-bowl&steps=120",
        "lesson=constant-slope&opt=adam;sgd&steps=100",
        # A lesson's start is kept on its own surface and dropped on another.
        "lesson=oblong-bowl&surface=bowl:b=5",
        "lesson=constant-slope&surface=bowl&opt=adam",
        # Formulas: an escaped +, a + that a query string reads as a space, spaces, a start, a window.
        "surface=custom&formula=x**2%2By**2&bounds=-2,2,-2,2&opt=adam",
        "surface=custom&formula=0.5*x**2+%2B+3*sin(y)**2&opt=adam:lr=0.05;sgd;momentum&steps=200",
        "surface=custom&formula=x%20**%202%20%2B%2010%20*%20y%20**%202&bounds=-3,3,-3,3&start=2.5,-1&opt=rmsprop;adam",
        "surface=custom&formula=(x-1)**2%2B5*(y-x**2)**2&start=-1,1.5&opt=adam:lr=0.02;nesterov&steps=300",
        "surface=custom&formula=x**2&bounds=-2,2&opt=sgd;adam&steps=80",
        "surface=custom&formula=log(1%2Bx**2%2By**2)&opt=adagrad;adadelta;lion&noise=0.1&seed=5",
        # Schedules.
        "surface=bowl&opt=sgd:lr=0.05,sched=step,gamma=0.5,every=50;adam:sched=cosine,warmup=20"
        ";rmsprop:sched=exponential,gamma=0.99;momentum:sched=inv_sqrt&steps=300",
        "surface=rosenbrock&opt=adam:sched=cosine;sgd:sched=step,every=10,gamma=0.9,warmup=5&steps=400",
        "surface=himmelblau&opt=adam:lr=0.1,sched=constant,warmup=50;nadam:sched=exponential&steps=200",
        # Noise and seeds.
        "surface=bowl:b=25,angle=30&opt=adam:lr=0.05,beta1=0.8;sgd:lr=0.001&start=-2.5,1.5&steps=300",
        "surface=bowl&opt=adam;sgd;momentum&noise=0.5&seed=3&seeds=4&steps=150",
        "surface=rastrigin&opt=adam;rmsprop&noise=2&seed=2147483647&steps=200",
        "surface=double_well:c=0.3&opt=sgd:lr=0.05;momentum&noise=1.5&seeds=8&view=curves&steps=250",
        # Windows over a built-in surface.
        "surface=bowl&opt=adam&bounds=-1,1,-0.5,0.5",
        "surface=beale&opt=adam;adamax&bounds=-4.5,4.5,-4.5,4.5&start=1,1.5&steps=250",
        "surface=slope&opt=adam;momentum&bounds=-1,3&start=2&steps=120",
        # Mini-batches on the data surfaces.
        "surface=linear_regression:feature_scale=10,n=32,noise=0.8,seed=4&opt=sgd:lr=0.004;adam:lr=0.05"
        "&batch=4&seed=17&steps=120",
        "surface=logistic_regression:n=40&opt=sgd;adam;rmsprop&batch=8&seeds=3&steps=100",
        "surface=linear_regression&opt=momentum;adagrad&batch=0&steps=80",
        # What the page shows rather than what it runs.
        "surface=saddle&opt=adam:label=Mine%252C%2520mine,color=%23aabbcc;sgd:label=GD&view=side&present=1&speed=2",
        "surface=sharp_flat&opt=sam;sgd&view=3d&steps=200",
        "surface=reddi&opt=adam;adam:amsgrad=1;yogi&steps=300",
    ]
    # Every optimizer on every surface: without an lr (the surface's suggested one) ...
    keys = optimizers.names()
    for surface in [*surfaces.names(), "custom"]:
        prefix = f"surface={surface}" if surface != "custom" else "surface=custom&formula=x**2%2B3*y**2"
        for group in _chunks(keys, 8):
            out.append(f"{prefix}&opt={';'.join(group)}&steps=60")
    # ... and with one of its own, and its other hyperparameters at non-default values.
    for i, key in enumerate(keys):
        surface = surfaces.names()[i % len(surfaces.names())]
        out.append(f"surface={surface}&opt={key}:lr=0.003;{key}:lr=0.0125&steps=90")
        out.append(f"surface=bowl&opt={_odd_settings(key)}&steps=70")
    return out + ADDED


#: Links pinned after the first set, on the day they joined it. Links naming table 2 (the rule that
#: capped every step at 2% of the diagonal), a typed formula among them, pinned when table 3 became
#: current: they must keep table 2's rates; and links naming table 3.
ADDED = [
    "opt=sgd;momentum;rmsprop;adam&steps=500&lrtable=2",
    "surface=bowl&opt=sgd;momentum;adam&steps=120&lrtable=2",
    "surface=custom&formula=x**2%2B3*y**2&opt=sgd;momentum;adam&steps=150&lrtable=2",
    "surface=custom&formula=(x-1)**2%2B5*(y-x**2)**2&start=-1,1.5&opt=rmsprop;adam:lr=0.02;nesterov&lrtable=2",
    "surface=sharp_flat&opt=sam;sgd;lion&steps=200&lrtable=2",
    "surface=rosenbrock&opt=sgd:sched=cosine;adam&steps=300&lrtable=2",
    "opt=sgd;momentum;rmsprop;adam&steps=500&lrtable=3",
    "surface=bowl&opt=sgd;momentum;adam&steps=120&lrtable=3",
    "surface=custom&formula=x**2%2B3*y**2&opt=sgd;momentum;adam&steps=150&lrtable=3",
]


def _odd_settings(key: str) -> str:
    """``key`` with every hyperparameter set to a valid value other than its default."""
    parts = []
    for h in optimizers.spec(key).hypers:
        if h.is_flag:
            parts.append(f"{h.name}={0 if h.default else 1}")
            continue
        for factor in (0.9, 1.1, 0.5, 2.0):
            value = float(f"{(h.default or 0.01) * factor:.6g}")
            if h.accepts(value):
                parts.append(f"{h.name}={value!r}")
                break
    return f"{key}:" + ",".join(parts)


def round_significant(value: float, digits: int = DIGITS) -> float | str:
    """A number to ``digits`` significant digits; infinities and NaN as text (JSON has none)."""
    if not math.isfinite(value):
        return repr(float(value))
    return float(f"{value:.{digits}g}")


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


def fingerprint(exp) -> dict[str, Any]:
    """What fixes the race's look on screen: per optimizer, what it ran with and where it ended."""
    race = simulate(exp)

    def runs(trajectories) -> list[dict[str, Any]]:
        return [{"final": [round_significant(float(v)) for v in tr.path[-1].ravel()],
                 "diverged_at": [-1 if d is None else int(d) for d in np.atleast_1d(tr.diverged_at).ravel()]}
                for tr in trajectories]

    out = {
        "hyper": [{k: v if isinstance(v, bool) else float(v) for k, v in sorted(exp.resolve(e).hyper.items())}
                  for e in exp.entries],
        "start": [float(c) for c in race.start],
        "runs": runs(race.trajectories),
    }
    if race.spread is not None:
        out["spread"] = runs(race.spread)
    return out


def pin(link: str) -> dict[str, Any]:
    exp, warnings = decode(link)
    return {"link": link, "warnings": warnings, "experiment": to_json(exp), "race": fingerprint(exp)}


def render(doc: dict[str, Any]) -> str:
    """The file's text: one link a line, so a diff names the links that changed."""
    body = ",\n".join(json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in doc["links"])
    head = json.dumps({k: v for k, v in doc.items() if k != "links"}, ensure_ascii=False)[:-1]
    return f'{head}, "links": [\n{body}\n]}}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="overwrite the pinned links (what old links meant)")
    parser.add_argument("--add", action="store_true", help="pin the links of ADDED the file lacks; keep the rest")
    parser.add_argument("--revised-lesson", action="append", default=[], metavar="KEY",
                        help="re-pin the link lesson=KEY of a lesson revised on purpose (a lesson link names the "
                             "lesson, so its race follows the lesson); every other line is kept")
    args = parser.parse_args(argv)
    if args.revised_lesson:
        doc = json.loads(OUT.read_text())
        wanted = {f"lesson={key}" for key in args.revised_lesson if lessons.find(key) is not None}
        doc["links"] = [pin(p["link"]) if p["link"] in wanted else p for p in doc["links"]]
        OUT.write_text(render(doc))
        print(f"re-pinned {len(wanted)} revised lessons in {OUT.relative_to(ROOT)}")
        return 0
    if args.add:
        doc = json.loads(OUT.read_text())
        have = {p["link"] for p in doc["links"]}
        new = [pin(link) for link in ADDED if link not in have]
        doc["links"] += new
        OUT.write_text(render(doc))
        print(f"pinned {len(new)} more links in {OUT.relative_to(ROOT)}")
        return 0
    if OUT.exists() and not args.force:
        print(f"{OUT.relative_to(ROOT)} exists: the links were pinned once; --force to overwrite", file=sys.stderr)
        return 1
    pinned = [pin(link) for link in links()]
    doc = {"about": "Shared links and the races they opened when pinned; see tools/pin_links.py.",
           "digits": DIGITS, "links": pinned}
    OUT.write_text(render(doc))
    print(f"wrote {len(pinned)} links to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
