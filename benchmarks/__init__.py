"""Benchmarks: ``python -m benchmarks`` (or ``make bench``) runs every ``bench_*.py`` module here.

Each module has ``run() -> list[dict]``; each row is one measurement with the baseline measured in
the same run, the ratio between them, the goal and whether it was met. See ``README.md``.
"""
