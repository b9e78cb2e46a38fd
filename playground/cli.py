"""The command line: export a race to a file, list the lessons, normalise a link.

    python -m playground export "surface=rosenbrock&opt=adam:lr=0.05" --format gif --out race.gif
    python -m playground export --lesson oblong-bowl --format mp4 --frames 300 --fps 30
    python -m playground lessons
    python -m playground link "surface=bowl&opt=adam:lr=0.05"

The experiment comes from a query string (the part of a shared link after ``?``; a whole link works
too) or a lesson name. Warnings about ignored or clamped parts go to stderr; input that leaves
nothing to run (no optimizers, an unknown lesson) exits with status 2 and a message, never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from urllib.parse import parse_qs, urlsplit

from playground import exports
from playground.model import lessons
from playground.model.caps import CAPS
from playground.model.experiment import Experiment
from playground.model.link import decode, to_query_string

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Input the command cannot work with; reported in one line, exit status 2."""


def _query_part(text: str) -> str:
    """The query string of a whole link, or the text itself."""
    text = text.strip()
    if "://" in text:
        return urlsplit(text).query
    if "?" in text:
        return text.split("?", 1)[1]
    return text


def read_experiment(query: str | None, lesson: str | None) -> tuple[Experiment, list[str]]:
    """The experiment a query string and/or a lesson name describe (the query's settings win), and the
    warnings from decoding it. Raises :class:`UsageError` for an unknown lesson."""
    query = _query_part(query or "")
    named = lesson or (parse_qs(query).get("lesson") or [""])[0]
    if named and lessons.find(named) is None:
        raise UsageError(f"unknown lesson {named!r}; `python -m playground lessons` lists them: "
                         + ", ".join(lessons.names()))
    if lesson:
        query = f"lesson={lesson}" + (f"&{query}" if query else "")
    return decode(query)


def _require_entries(exp: Experiment, warnings: Sequence[str]) -> None:
    if not exp.entries:
        raise UsageError("no optimizers left to race" + (" (see the warnings above)" if warnings else "")
                         + "; add one with opt=, e.g. opt=adam:lr=0.05")


def _warn(messages: Sequence[str]) -> None:
    for m in messages:
        print(f"warning: {m}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    # The export module (matplotlib, plotly) is imported only when exporting, so `lessons` and
    # `link` start quickly; formats and size caps are checked there.
    parser = argparse.ArgumentParser(
        prog="python -m playground",
        description="Optimizer Playground from the command line: export races, list lessons, normalise links.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{export,lessons,link}")

    exp = sub.add_parser("export", help="write a race as gif, mp4, png, html, csv or json",
                         description="Run an experiment and write it to a file.")
    exp.add_argument("query", nargs="?", default="",
                     help='the experiment as a query string, e.g. "surface=rosenbrock&opt=adam:lr=0.05" '
                          "(a whole shared link works too)")
    exp.add_argument("--lesson", metavar="NAME", help="start from a lesson (see `lessons`) instead of the defaults")
    exp.add_argument("--format", "-f", type=str.lower, metavar="FORMAT",
                     help="gif, mp4, png, html, csv or json (default: from --out's extension, else gif)")
    exp.add_argument("--out", "-o", metavar="PATH",
                     help="output file, or - for stdout (default: a name like rosenbrock-race.gif here)")
    exp.add_argument("--frames", type=int, help=f"animation frames (gif, mp4; at most {CAPS.export_frames})")
    exp.add_argument("--fps", type=float, help="frames per second (1–60; default 30)")
    exp.add_argument("--width", type=int, help="picture width in pixels (default 960, at most 1920)")
    exp.add_argument("--height", type=int, help="picture height in pixels (default 720, at most 1440)")
    exp.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary line")

    sub.add_parser("lessons", help="list the ready-made lessons", description="List the lessons by name.")

    link = sub.add_parser("link", help="print a query string in its normal form, with warnings",
                          description="Decode a query string and print it back in normal form.")
    link.add_argument("query", help="the query string (or a whole shared link)")
    return parser


def _format(args: argparse.Namespace) -> str:
    if args.format:
        if args.format not in exports.FORMATS:
            raise UsageError(f"unknown format {args.format!r}; choose one of {', '.join(exports.FORMATS)}")
        return args.format
    if args.out and args.out != "-":
        ext = os.path.splitext(args.out)[1].lower().lstrip(".")
        if ext in exports.FORMATS:
            return ext
        if ext:
            raise UsageError(f"cannot tell the format from {args.out!r}; add --format ({', '.join(exports.FORMATS)})")
    return "gif"


def _progress(enabled: bool):
    if not enabled:
        return None

    def show(fraction: float) -> None:
        end = "\n" if fraction >= 1 else ""
        print(f"\rexporting… {fraction:4.0%}", end=end, file=sys.stderr, flush=True)

    return show


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def cmd_export(args: argparse.Namespace) -> int:
    fmt = _format(args)
    exp, warnings = read_experiment(args.query, args.lesson)
    _warn(warnings)
    _require_entries(exp, warnings)
    show = _progress(not args.quiet and sys.stderr.isatty())
    try:
        result = exports.export(exp, fmt, frames=args.frames, fps=args.fps, width=args.width, height=args.height,
                               progress=show)
    except ValueError as err:
        raise UsageError(str(err)) from None
    _warn(result.messages)
    if args.out == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
        return EXIT_OK
    path = args.out or result.filename
    try:
        with open(path, "wb") as fh:
            fh.write(result.data)
    except OSError as err:
        print(f"error: cannot write {path}: {err.strerror or err}", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        print(f"wrote {path} ({_size(len(result.data))})", file=sys.stderr)
    return EXIT_OK


def cmd_lessons(args: argparse.Namespace) -> int:
    width = max(len(k) for k in lessons.names())
    for lesson in lessons.LESSONS:
        exp = lesson.experiment
        print(f"{lesson.key:<{width}}  {lesson.title}  [{exp.surface_key}, {len(exp.entries)} optimizers, "
              f"{exp.steps} steps]")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    exp, warnings = decode(_query_part(args.query))
    _warn(warnings)
    _require_entries(exp, warnings)
    print(to_query_string(exp))
    return EXIT_OK


COMMANDS = {"export": cmd_export, "lessons": cmd_lessons, "link": cmd_link}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 1 could not write, 2 unusable input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAILED
