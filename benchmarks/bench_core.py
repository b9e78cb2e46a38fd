"""The core's speed: a lockstep race of eight rules, and a batch of Adam configurations.

(a) ``optimizers.race`` of 8 different optimizers × 1,000 steps on Rosenbrock, recording every
    state, against a plain NumPy loop doing the same number (8,000) of Adam steps.
(b) 4,096 Adam configurations × 500 steps in one batched ``optimizers.run``, against the same
    configurations run one at a time (a sample is timed and extrapolated linearly).
"""

from __future__ import annotations

import time

import numpy as np

import optimizers
import surfaces
from playground.model import defaults

from ._common import best_of, median, ms, quick_mode, row

RACE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "nadam")
START = (-1.5, 2.0)


def adam_loop(steps: int, lr: float = 0.1, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
              a: float = 1.0, b: float = 100.0) -> np.ndarray:
    """Adam on Rosenbrock written the straightforward way: one point, shape-(2,) arrays, one step a turn."""
    x = np.array(START)
    m = np.zeros(2)
    v = np.zeros(2)
    for t in range(1, steps + 1):
        g = np.array([-2.0 * (a - x[0]) - 4.0 * b * x[0] * (x[1] - x[0] ** 2), 2.0 * b * (x[1] - x[0] ** 2)])
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
    return x


def in_turns(fns: list, repeat: int, warmup: int = 1) -> list[list[float]]:
    """Wall times in seconds of each function, timed in turns (a, b, a, b, …) after ``warmup`` untimed
    rounds: on a loaded machine both then see the same load, and their ratio means something."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(max(repeat, 1)):
        for fn, out in zip(fns, samples, strict=True):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return samples


def bench_race(repeat: int) -> dict:
    s = surfaces.get("rosenbrock")
    opts = [optimizers.make(k, lr=defaults.learning_rate("rosenbrock", k)) for k in RACE]
    steps = 1000
    result: list = []

    def race() -> None:
        result[:] = optimizers.race(opts, s, START, steps=steps, record_state=True)

    n_loop = steps * len(RACE)
    samples, loop_samples = in_turns([race, lambda: adam_loop(n_loop)], repeat)
    diverged = [k for k, tr in zip(RACE, result, strict=True) if tr.diverged_at is not None]
    t_race, t_loop = min(samples), min(loop_samples)
    ratio = t_loop / t_race
    ratio_median = median(loop_samples) / median(samples)
    value = ms(t_race)
    return row(
        f"race: 8 optimizers × {steps:,} steps, Rosenbrock, all state recorded",
        value, "ms", f"plain NumPy loop, {n_loop:,} Adam steps", ms(t_loop), ratio,
        "≤ 100 ms and ≥ 1× (loop/race)", value <= 100.0 and ratio >= 1.0,
        note=(f"race and loop timed in turns, best of {repeat}; medians {ms(median(samples)):.0f} ms and "
              f"{ms(median(loop_samples)):.0f} ms, ratio of medians {ratio_median:.2f}× "
              f"(race: {', '.join(f'{ms(x):.0f}' for x in samples)} ms; "
              f"loop: {', '.join(f'{ms(x):.0f}' for x in loop_samples)} ms); "
              f"diverged: {', '.join(diverged) or 'none'}"),
        samples_ms=[ms(x) for x in samples], baseline_samples_ms=[ms(x) for x in loop_samples],
        ratio_median=ratio_median,
    )


def configurations(n_lr: int, n_beta1: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of ``n_lr`` log-spaced learning rates and ``n_beta1`` values of β1, as two flat arrays."""
    lr, b1 = np.meshgrid(np.geomspace(1e-4, 0.5, n_lr), np.linspace(0.5, 0.99, n_beta1), indexing="ij")
    return lr.ravel(), b1.ravel()


def compare_batch_with_loop(lr: np.ndarray, beta1: np.ndarray, steps: int, sample: int, repeat: int,
                            surface=None, start=START) -> dict:
    """Time one batched run of every configuration and a sample of single runs; check they agree."""
    s = surface or surfaces.get("rosenbrock")
    n = lr.size
    batch: list = []

    def batched() -> None:
        batch[:] = [optimizers.run(optimizers.make("adam", lr=lr, beta1=beta1), s, start=start, steps=steps,
                                   record_state=False)]

    # Warm-ups on a small batch and one single run exercise the same code paths for a fraction of the time.
    optimizers.run(optimizers.make("adam", lr=lr[:64], beta1=beta1[:64]), s, start=start, steps=steps,
                   record_state=False)
    t_batch, batch_samples = best_of(batched, repeat, warmup=0)
    picks = np.unique(np.linspace(0, n - 1, sample).round().astype(int))
    singles: list = []

    def one_at_a_time() -> None:
        singles[:] = [
            optimizers.run(optimizers.make("adam", lr=float(lr[i]), beta1=float(beta1[i])), s, start=start,
                           steps=steps, record_state=False)
            for i in picks
        ]

    optimizers.run(optimizers.make("adam", lr=float(lr[0]), beta1=float(beta1[0])), s, start=start, steps=steps,
                   record_state=False)
    t_sample, sample_samples = best_of(one_at_a_time, repeat, warmup=0)
    t_loop = t_sample * n / picks.size
    final = batch[0].final
    same = all(np.array_equal(final[i], tr.final, equal_nan=True) for i, tr in zip(picks, singles, strict=True))
    return {
        "t_batch": t_batch, "t_loop": t_loop, "t_sample": t_sample, "picks": picks.size, "same": same,
        "batch_samples": batch_samples, "sample_samples": sample_samples, "trajectory": batch[0],
    }


def bench_batch(repeat: int, steps: int, sample: int) -> dict:
    lr, beta1 = configurations(256, 16)
    r = compare_batch_with_loop(lr, beta1, steps, sample, repeat)
    ratio = r["t_loop"] / r["t_batch"]
    n = lr.size
    return row(
        f"batch: {n:,} Adam configs (256 lr × 16 β1) × {steps} steps, one vectorised run",
        ms(r["t_batch"]), "ms",
        f"same configs one at a time (sample of {r['picks']} timed, ×{n / r['picks']:.0f} extrapolated)",
        ms(r["t_loop"]), ratio, "≥ 150× (loop/batch)", ratio >= 150.0,
        note=(f"batch: best of {repeat}, {ms(r['t_batch']) * 1e3 / (n * steps):.3f} µs per config-step; "
              f"single runs: {ms(r['t_sample']) / r['picks']:.1f} ms each (best of {repeat} passes over the sample); "
              f"sampled finals equal the batch's bit for bit: {'yes' if r['same'] else 'NO'}"),
        bit_identical=r["same"],
    )


def run(quick: bool | None = None) -> list[dict]:
    q = quick_mode() if quick is None else quick
    rows = [bench_race(9 if q else 15)]  # in turns with its baseline: enough rounds for a median
    rows.append(bench_batch(3, steps=200 if q else 500, sample=16 if q else 64))
    return rows
