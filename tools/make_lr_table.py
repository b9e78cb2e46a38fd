"""Write the table of suggested learning rates, ``playground/model/lr_table_v2.py``.

For every registered surface, every registered optimizer runs every rate of the grid in one batched
race of the core (``optimizers.race`` with an array of learning rates), 300 steps from the surface's
default start; the rule of ``playground/model/defaults.py`` (``rule_lr``) keeps the largest rate whose
run never diverges, never leaves the plot window and never steps further than 2% of the window's
diagonal. The ``custom`` row is each optimizer's median over the 2-D surfaces. Rules whose η scales a
step they size themselves (``lr_per_surface=False``) keep their spec's default.

    .venv/bin/python tools/make_lr_table.py            # rewrite the table
    .venv/bin/python tools/make_lr_table.py --check    # exit 1 if the committed table is not the rule's

The table is data the page reads; links that leave their lr out are read with the table they were
made with (version 1, ``lr_table_v1.py``, stays as it was).
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

OUT = ROOT / "playground" / "model" / "lr_table_v2.py"
WIDTH = 116

HEADER = '''"""Suggested learning rates, version 2: written by ``tools/make_lr_table.py``; do not edit by hand.

The rule (``playground/model/defaults.py``): on a 1-2-5 grid from 1e-6 to 500, the largest rate whose
300-step run from the surface's default start never diverges, never leaves the plot window and never
steps further than 2% of the window's diagonal; ``custom`` is each optimizer's median over the 2-D
surfaces.
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


def render(table: dict[str, dict[str, float]], header: str = HEADER) -> str:
    """The table as a Python literal, one block per surface, wrapped to the line length."""
    lines = [header.rstrip("\n"), "", "TABLE = {"]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table; write nothing")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    table = compute()
    if args.check:
        committed = {s: dict(row) for s, row in defaults.LR_TABLE_V2.items()}
        if committed != table:
            diff = [f"{s}/{k}: committed {committed.get(s, {}).get(k)}, rule {v}"
                    for s, row in table.items() for k, v in row.items() if committed.get(s, {}).get(k) != v]
            sys.exit("the committed table is not the rule's:\n  " + "\n  ".join(diff or ["(rows differ)"]))
        print("the committed table is the rule's")
        return
    args.out.write_text(render(table))
    print(f"wrote {sum(len(r) for r in table.values())} rates for {len(table)} rows to {args.out}")


if __name__ == "__main__":
    main()
