"""Run the benchmarks: ``python -m benchmarks [--quick] [--only NAME] [--json PATH]``.

Imports every ``benchmarks/bench_*.py`` that exists, calls its ``run()`` (passing ``quick=`` when
the function takes it; ``BENCH_QUICK=1`` is set in the environment either way), prints one aligned
table and writes every row to JSON. A module that fails to import or raises becomes a failed row
and the others still run. Exit status: 0, or 1 if some module failed (a missed goal is not a
failure: the numbers are the result).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import json
import math
import os
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from ._common import FIELDS, QUICK_ENV

PACKAGE_DIR = Path(__file__).resolve().parent
#: Cheap, CPU-sensitive benchmarks first; the one that starts servers and a browser last.
ORDER = {"core": 0, "sweep": 1, "export": 2, "app": 3, "player": 4}


def discover() -> list[str]:
    """Short names (``core`` for ``bench_core.py``) of the benchmark modules present, in run order."""
    names = [m.name[len("bench_"):] for m in pkgutil.iter_modules([str(PACKAGE_DIR)]) if m.name.startswith("bench_")]
    return sorted(names, key=lambda n: (ORDER.get(n, 50), n))


def _plain(value: Any) -> Any:
    """JSON-safe: NumPy scalars to Python, NaN and infinities to None."""
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        try:
            value = value.item()
        except (TypeError, ValueError):
            value = str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _normalise(raw: Any, module: str) -> dict:
    if not isinstance(raw, dict):
        raise TypeError(f"a row must be a dict, got {type(raw).__name__}")
    out = {k: _plain(raw.get(k)) for k in FIELDS}
    out["name"] = str(out["name"] or "(unnamed)")
    out["unit"] = str(out["unit"] or "")
    for k in ("value", "baseline_value", "ratio"):
        if out[k] is not None and not isinstance(out[k], int | float):
            raise TypeError(f"row {out['name']!r}: {k} must be a number or None, got {out[k]!r}")
    if out["met"] is not None:
        out["met"] = bool(out["met"])
    for k, v in raw.items():
        if k not in out:
            out[k] = _plain(v)
    out["module"] = module
    return out


def _failed(module: str, err: BaseException) -> dict:
    text = f"{type(err).__name__}: {err}".strip()
    return {
        "name": f"{module}: FAILED", "value": None, "unit": "", "baseline": None, "baseline_value": None,
        "ratio": None, "goal": None, "met": False, "error": text, "module": module,
    }


def run_module(short: str, quick: bool) -> tuple[list[dict], str | None]:
    """Import ``bench_<short>`` and run it; a failure becomes one failed row (never an exception)."""
    modname = f"{__package__}.bench_{short}"
    try:
        module = importlib.import_module(modname)
        fn = module.run
        try:
            takes_quick = "quick" in inspect.signature(fn).parameters
        except (TypeError, ValueError):
            takes_quick = False
        raw = fn(quick=quick) if takes_quick else fn()
        if not isinstance(raw, list | tuple):
            raise TypeError(f"run() must return a list of dicts, got {type(raw).__name__}")
        rows = [_normalise(r, short) for r in raw]
        if not rows:
            raise ValueError("run() returned no rows")
        return rows, None
    except (Exception, SystemExit) as err:  # one broken module must not stop the others
        traceback.print_exc(file=sys.stderr)
        return [_failed(short, err)], f"{type(err).__name__}: {err}"


# --- The table ------------------------------------------------------------------------------------


def fmt_number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    v = float(value)
    if unit == "bytes" or (abs(v) >= 10_000 and float(v).is_integer()):
        text = f"{v:,.0f}"
    elif abs(v) >= 100:
        text = f"{v:,.0f}"
    elif abs(v) >= 10:
        text = f"{v:.1f}"
    elif abs(v) >= 1:
        text = f"{v:.2f}"
    else:
        text = f"{v:.3g}"
    return f"{text} {unit}".strip()


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}×" if value >= 100 else f"{value:.2f}×"


def fmt_met(row: dict) -> str:
    if row.get("error"):
        return "FAILED"
    if row["met"] is None:
        return "—"
    return "yes" if row["met"] else "NO"


def table(rows: list[dict]) -> str:
    head = ("benchmark", "value", "baseline (same run)", "baseline value", "ratio", "goal", "met")
    body = []
    notes = []
    for r in rows:
        unit = r["unit"]
        base_unit = r.get("baseline_unit") or unit
        name = r["name"]
        text = r.get("error") or r.get("note")
        if text:
            notes.append(text)
            name = f"{name} [{len(notes)}]"
        body.append((
            name, fmt_number(r["value"], unit), r["baseline"] or "—", fmt_number(r["baseline_value"], base_unit),
            fmt_ratio(r["ratio"]), r["goal"] or "—", fmt_met(r),
        ))
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    right = {1, 3, 4}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                                 strict=True)))

    out = [line(head).rstrip(), "  ".join("-" * w for w in widths), *(line(b).rstrip() for b in body)]
    if notes:
        out.append("")
        out += [f"[{i}] {n}" for i, n in enumerate(notes, 1)]
    return "\n".join(out)


def summary(rows: list[dict]) -> str:
    failed = sum(1 for r in rows if r.get("error"))
    met = sum(1 for r in rows if r["met"] is True and not r.get("error"))
    missed = sum(1 for r in rows if r["met"] is False and not r.get("error"))
    none = sum(1 for r in rows if r["met"] is None)
    return f"{len(rows)} rows: {met} met, {missed} missed, {none} without a verdict, {failed} failed"


def main(argv: list[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run every benchmarks/bench_*.py, print one table and write the rows to JSON.",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (under a minute)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only this module (repeatable, or comma-separated): {', '.join(available)}")
    parser.add_argument("--json", default="bench-results.json", metavar="PATH",
                        help="where to write the rows (default: bench-results.json in the current directory)")
    args = parser.parse_args(argv)

    chosen = available
    if args.only:
        wanted = [w.strip().removeprefix("bench_").removesuffix(".py") for o in args.only for w in o.split(",")]
        wanted = [w for w in wanted if w]
        unknown = [w for w in wanted if w not in available]
        if unknown:
            parser.error(f"no benchmark module named {', '.join(unknown)}; choose from {', '.join(available)}")
        chosen = [n for n in available if n in wanted]

    os.environ[QUICK_ENV] = "1" if args.quick else "0"
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    started = time.perf_counter()
    rows: list[dict] = []
    modules: dict[str, dict] = {}
    for short in chosen:
        print(f"running bench_{short}{' (quick)' if args.quick else ''} …", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        got, error = run_module(short, args.quick)
        took = time.perf_counter() - t0
        print(f"  bench_{short}: {len(got)} row(s) in {took:.1f} s{' — FAILED: ' + error if error else ''}",
              file=sys.stderr, flush=True)
        rows += got
        modules[short] = {"seconds": round(took, 3), "error": error}
    total = time.perf_counter() - started
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None

    print(table(rows))
    print()
    print(f"{summary(rows)}; {total:.0f} s in all; load average {load_start and f'{load_start[0]:.2f}'} → "
          f"{load_end and f'{load_end[0]:.2f}'} on {os.cpu_count()} CPU(s)")

    result = {
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": round(total, 3),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "loadavg_start": load_start, "loadavg_end": load_end},
        "modules": modules,
        "rows": rows,
    }
    path = Path(args.json)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_plain(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    except OSError as err:
        print(f"could not write {path}: {err}", file=sys.stderr)
        return 1
    return 1 if any(m["error"] for m in modules.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
