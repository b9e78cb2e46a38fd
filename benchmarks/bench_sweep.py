"""A hyperparameter sweep: a 64 × 64 grid of Adam (learning rate × β1) × 500 steps on Rosenbrock.

One batched ``optimizers.run`` over all 4,096 grid points against the same grid points run one at
a time (an evenly spread sample of the grid is timed and extrapolated linearly). The note reports
the best grid point from the batch's final losses, the number a sweep view is drawn from.
"""

from __future__ import annotations

import numpy as np

import surfaces

from ._common import ms, quick_mode, row
from .bench_core import compare_batch_with_loop


def grid(n: int) -> tuple[np.ndarray, np.ndarray]:
    """An n × n grid: log-spaced learning rates 1e-4 … 1 down the rows, β1 from 0 to 0.99 across."""
    lr, b1 = np.meshgrid(np.geomspace(1e-4, 1.0, n), np.linspace(0.0, 0.99, n), indexing="ij")
    return lr.ravel(), b1.ravel()


def run(quick: bool | None = None) -> list[dict]:
    q = quick_mode() if quick is None else quick
    n, steps, sample, repeat = 64, (200 if q else 500), (16 if q else 64), 3
    s = surfaces.get("rosenbrock")
    lr, beta1 = grid(n)
    r = compare_batch_with_loop(lr, beta1, steps, sample, repeat, surface=s, start=s.default_start)
    final_loss = s.value(r["trajectory"].final).reshape(n, n)
    ratio = r["t_loop"] / r["t_batch"]
    best = np.unravel_index(np.nanargmin(final_loss), final_loss.shape)
    return [row(
        f"sweep: Adam {n} lr × {n} β1 grid × {steps} steps, one batched run",
        ms(r["t_batch"]), "ms",
        f"same grid one config at a time (sample of {r['picks']} timed, ×{n * n / r['picks']:.0f} extrapolated)",
        ms(r["t_loop"]), ratio, "≥ 150× (loop/batch)", ratio >= 150.0,
        note=(f"sweep: best of {repeat}; single runs {ms(r['t_sample']) / r['picks']:.1f} ms each (best of {repeat} "
              f"passes over the sample); sampled finals equal the batch's bit for bit: {'yes' if r['same'] else 'NO'}; "
              f"lowest final loss {final_loss[best]:.3g} at lr={lr.reshape(n, n)[best]:.3g}, "
              f"β1={beta1.reshape(n, n)[best]:.3g}"),
        bit_identical=r["same"],
    )]
