"""Mini-batches of a data surface's points: which points each step's gradient uses."""

from __future__ import annotations

from typing import Any

import numpy as np


class MiniBatches:
    """Which data points each step's gradient uses: ``size`` points drawn without replacement
    within an epoch (a pass over all ``n`` points; the last batch of an epoch may be smaller), the
    order reshuffled every epoch.

    The shuffles come from the seed's own stream (``SeedSequence(seed, spawn_key=(1,))``, apart
    from the noise's), one stream per seed when ``seeds`` is an array, so a row's batches depend on
    its seed only: a batched run equals its rows run one by one.
    """

    #: Epoch orders drawn ahead at once: at most this many indices, and this many epochs when the
    #: number of steps is not known (one call per seed and block, not per seed and epoch).
    BUDGET = 1 << 21
    AHEAD = 64

    def __init__(self, n: int, size: int, seeds: int | np.ndarray, steps: int | None = None) -> None:
        self.n, self.size = n, size
        self.per_epoch = -(-n // size)
        self.epochs = None if steps is None else max(1, -(-steps // self.per_epoch))
        seed_list = [int(s) for s in np.atleast_1d(seeds)]
        self.rngs = [np.random.default_rng(np.random.SeedSequence(s, spawn_key=(1,))) for s in seed_list]
        self.first = 0  # the epoch of orders[0]
        self.orders = np.empty((0, len(self.rngs), n), dtype=np.intp)

    def _draw(self, count: int) -> None:
        # ``permuted`` along axis 1 shuffles row after row from the stream, exactly as ``count``
        # calls of ``permutation(n)`` would: drawing ahead changes no order.
        base = np.broadcast_to(np.arange(self.n), (count, self.n))
        self.first += len(self.orders)
        self.orders = np.empty((count, len(self.rngs), self.n), dtype=np.intp)
        for row, rng in enumerate(self.rngs):
            self.orders[:, row] = rng.permuted(base, axis=1)

    def at(self, t: int) -> np.ndarray:
        """The points of step ``t`` (1-based), ``(seeds, k)``; steps must come in order."""
        epoch, j = divmod(t - 1, self.per_epoch)
        if epoch >= self.first + len(self.orders):
            count = max(1, min(self.BUDGET // (len(self.rngs) * self.n),
                               self.AHEAD if self.epochs is None else self.epochs - epoch))
            self._draw(count)
        return self.orders[epoch - self.first, :, j * self.size : (j + 1) * self.size].copy()


def batch_size_for(surface: Any, batch_size: Any) -> int | None:
    """``batch_size`` checked against the surface's data (None: the full gradient)."""
    if batch_size is None:
        return None
    if getattr(surface, "data", None) is None:
        raise ValueError(f"batch_size needs a surface with data points; {surface.key} has none")
    n = len(surface.data.y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be a whole number from 1 to {n} (the number of points), got {batch_size!r}")
    return int(batch_size)
