"""Write a new version of the table of suggested learning rates when the rule's rows have changed.

For every registered surface, every registered optimizer runs every rate of the grid in one batched
race of the core (``optimizers.race`` with an array of learning rates) from the surface's default
start, and the rule of ``playground/model/defaults.py`` (``rule_lrs``; its module docstring says what
it asks of a run and why) picks one rate. The ``custom`` row (typed formulas) is each optimizer's
median over the 2-D surfaces. Rules whose η scales a step they size themselves
(``lr_per_surface=False``) keep their spec's default.

    .venv/bin/python tools/make_lr_table.py            # write lr_table_vN.py if any row would change
    .venv/bin/python tools/make_lr_table.py --check    # exit 1 if the current table is not the rule's

A table is data that shared links name (``lrtable=N``): once its version is in ``defaults.LR_TABLES``
it is released and never rewritten, or the links made with it would open another race. So the tool
writes ``lr_table_v{N+1}.py`` beside the current one, N being the newest released version, and
prints the two lines that release it in ``defaults.py``; it refuses to write a released version.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import optimizers  # noqa: E402
import surfaces  # noqa: E402
from playground.model import defaults  # noqa: E402

TABLES = ROOT / "playground" / "model"
WIDTH = 116

HEADER = '''"""Suggested learning rates, version {version}: written by ``tools/make_lr_table.py``; do not edit by hand.

The rule (``playground/model/defaults.py``, whose docstring says why): on a 1-2-5 grid from 1e-6 to
500, the largest rate whose {steps}-step run from the surface's default start, and the run of the rate
below it, never diverge, never leave the plot window, take a first step of at most {first:.0%} of the
window's diagonal, later steps of at most {later:.0%} (in the second half, {settled:.0%}), and move {move:.0%} of it
away from the start; ``custom`` (typed formulas) is each optimizer's median over the 2-D surfaces.
"""
'''


def compute() -> dict[str, dict[str, float]]:
    keys = optimizers.names()
    rows = {}
    for skey in surfaces.names():
        began = time.perf_counter()
        rows[skey] = defaults.rule_lrs(skey, keys)
        print(f"{skey:20s} {time.perf_counter() - began:5.1f} s", file=sys.stderr)
    rows["custom"] = defaults.custom_row(rows, keys)
    return rows


def header(version: int) -> str:
    return HEADER.format(version=version, steps=defaults.RULE_STEPS, first=defaults.MAX_FIRST_STEP,
                         later=defaults.MAX_STEP, settled=defaults.SETTLED_STEP, move=defaults.MIN_MOVE)


def render(table: dict[str, dict[str, float]], version: int) -> str:
    """The table as a Python literal, one block per surface, wrapped to the line length."""
    lines = [header(version).rstrip("\n"), "", "TABLE = {"]
    for skey, row in table.items():
        lines.append(f"    {json.dumps(skey)}: {{")
        line = "       "
        for key, value in row.items():
            item = f" {json.dumps(key)}: {value!r},"
            if len(line) + len(item) > WIDTH:
                lines.append(line)
                line = "       "
            line += item
        lines.append(line)
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def differences(committed: defaults.Table, table: dict[str, dict[str, float]]) -> list[str]:
    """Every rate where ``table`` differs from ``committed`` (rows and optimizers on either side)."""
    out = []
    for skey in {**committed, **table}:
        mine, theirs = table.get(skey, {}), committed.get(skey, {})
        out += [f"{skey}/{k}: committed {theirs.get(k)}, rule {mine.get(k)}"
                for k in {**theirs, **mine} if theirs.get(k) != mine.get(k)]
    return out


def path_of(version: int) -> Path:
    return TABLES / f"lr_table_v{version}.py"


def write(table: dict[str, dict[str, float]], version: int) -> Path:
    """Write ``table`` as version ``version``; a released version is refused (ValueError)."""
    if version in defaults.LR_TABLES:
        raise ValueError(f"table {version} is released (in defaults.LR_TABLES): links name it; write a new version")
    out = path_of(version)
    out.write_text(render(table, version))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the current table; write nothing")
    parser.add_argument("--version", type=int, default=max(defaults.LR_TABLES) + 1,
                        help="the version to write (default: the next after the newest released)")
    args = parser.parse_args(argv)
    if not args.check and args.version in defaults.LR_TABLES:
        print(f"table {args.version} is released (links name it) and is never rewritten", file=sys.stderr)
        return 2
    table = compute()
    diff = differences(defaults.CURRENT_LR_TABLE, table)
    if args.check:
        if diff:
            print(f"table {defaults.CURRENT_LR_VERSION} is not the rule's:\n  " + "\n  ".join(diff), file=sys.stderr)
            return 1
        print(f"table {defaults.CURRENT_LR_VERSION} is the rule's")
        return 0
    if not diff:
        print(f"table {defaults.CURRENT_LR_VERSION} is the rule's; nothing to write")
        return 0
    out = write(table, args.version)
    print(f"wrote {sum(len(r) for r in table.values())} rates for {len(table)} rows to {out} "
          f"({len(diff)} differ from table {defaults.CURRENT_LR_VERSION}); release it in defaults.py:\n"
          f"    LR_TABLE_V{args.version}: Table = _frozen(lr_table_v{args.version}.TABLE)   # and in LR_TABLES\n"
          f"    CURRENT_LR_VERSION = {args.version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
