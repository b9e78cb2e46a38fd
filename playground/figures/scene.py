"""What a race looks like at a step, worked out once for every renderer.

The page's player (``assets/``, fed by :func:`playground.figures.player_data.payload`) and the exports'
matplotlib drawing (:mod:`playground.figures.drawing`, behind the GIF, MP4 and PNG) both draw this
scene. Neither decides on its own where a run's drawing ends, where its head sits or how large the
marks are, so the page and a GIF of the same race cannot disagree.

The window is the surface's plot bounds. For each run:

* **the faint path** is drawn through positions ``0 … last`` and then, if set, on to ``exit``. A run
  that left the window for good (it is outside at its last step, diverged or not) stops there:
  ``last`` is its last position inside and ``exit`` the point where the segment to the next
  position crosses the window's edge. What
  follows (ever longer steps far outside) is not drawn: clipped to the window, each of those steps
  is a line straight across it, and a hundred of them paint the window over.
* **the head** at step *k* sits at the run's position at *k* (a run that stopped early holds its last
  one): a head is never drawn at a point its run did not visit. While the run is outside the window
  (``outside`` lists those stretches as ``(first step, last step, x, y)``, where ``(x, y)`` is the
  point on the edge where its path went out: the window's nearest point for a start outside it) no
  head is drawn; instead an
  **edge marker** points from the window's nearest point towards the run (:func:`edge_marker`), and
  the run's true coordinates are written beside it: the run is "outside the window since step j".
* **the tail** at a frame joins the positions of the steps since the frame ``tail`` frames back (the
  player shows every step, so there it is the last ``tail`` steps), never past ``last``; while the run
  is outside the window the tail ends where its path went out (steps far outside, clipped, would be
  lines straight across the window).
* **the faint path's ink** is thinner and lighter for a run whose drawn path is long next to the
  window (a zig-zag crossing it over and over, as a run about to diverge does): past
  :data:`DENSE` window diagonals, width and opacity shrink with the square root of the excess, down
  to :data:`THINNEST` of the usual, so the zig-zag stays a readable hatch instead of a solid block.
* **a diverged run** ends at a cross with "diverged at step k": at ``exit`` when it left the window,
  else at its last position. The cross shows from step k on, never before (a run that has only left
  the window has not diverged yet).

In 1-D the window is the x range, and a point of the scene is ``(x, f(x))`` (the curve's coordinates).

Sizes are in CSS pixels of a screen (an export of 960 × 720 pixels is drawn at the same sizes) and
grow by :data:`PRESENT_SCALE` in presentation mode. Every head has the same size, and each run has a
mark shape of its own (:data:`SHAPES`, by its place in the race), so two runs are never told apart by
colour alone. Heads that meet at a frame are drawn as rings around the first of them (the renderer
knows where its pixels are; see ``assets/core.js``'s ``coincident``), and the readout says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Each run's mark shape, by its place in the race (eight runs at most).
SHAPES = ("circle", "square", "diamond", "triangle", "triangle-down", "pentagon", "hexagon", "star")
#: How much larger every mark is in presentation mode.
PRESENT_SCALE = 1.4
#: A tail covers the steps of this many frames back.
TAIL_FRAMES = 10
#: A faint path longer than this many window diagonals (inside the window) is drawn thinner ...
DENSE = 10.0
#: ... down to this fraction of the usual width and opacity.
THINNEST = 0.35


@dataclass(frozen=True)
class Marks:
    """Sizes of what is drawn, in CSS pixels (radii for round marks, half the width of a cross)."""

    head: float = 7.5  # every run's head
    ring: float = 4.0  # a head that meets another is a ring this much wider than the one before
    tail_width: float = 3.2
    path_width: float = 1.6
    path_alpha: float = 0.6
    start: float = 8.0  # the start ring
    start_width: float = 2.5
    star: float = 10.0  # a known minimum's star
    cross: float = 8.5
    cross_width: float = 4.0
    tail: int = TAIL_FRAMES

    def scaled(self, factor: float) -> Marks:
        sizes = {k: v * factor for k, v in self.__dict__.items() if k not in ("path_alpha", "tail")}
        return Marks(**sizes, path_alpha=self.path_alpha, tail=self.tail)

    def as_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class RunScene:
    """One run as it is drawn (see the module's docstring)."""

    label: str
    color: str
    length: int  # positions in the path (steps run + 1)
    last: int  # the last position the faint path goes through
    exit: tuple[float, float] | None  # where it left the window for good, if it did
    outside: tuple[tuple[int, int, float, float], ...]  # (first, last step, where it went out): edge marker
    diverged_at: int | None
    cross: tuple[float, float] | None  # where "diverged at step k" is marked, from step k on
    head: float  # the head's radius
    dot: float  # the radius of its dot in the 1-D view's x-over-steps panel
    ink: float = 1.0  # the faint path's width and opacity, as a fraction of the usual
    shape: str = "circle"  # its mark shape, one of SHAPES

    def as_dict(self) -> dict:
        """The JSON the player reads: ``outside`` as one flat list of numbers, four a stretch."""
        return {
            "last": self.last,
            "exit": None if self.exit is None else [float(v) for v in self.exit],
            "outside": [float(v) for stretch in self.outside for v in stretch],
            "shape": self.shape,
            "cross": None if self.cross is None else [float(v) for v in self.cross],
            "head": round(self.head, 3),
            "dot": round(self.dot, 3),
            "ink": round(self.ink, 3),
        }


@dataclass(frozen=True)
class Scene:
    bounds: tuple[tuple[float, float], ...]
    dim: int
    steps: int  # the clock's last step
    start: tuple[float, float]  # in the scene's coordinates (1-D: (x, f(x)))
    minima: tuple[tuple[float, float], ...]
    runs: tuple[RunScene, ...]
    marks: Marks

    def head_index(self, r: int, step: int) -> int:
        """The index into run ``r``'s path shown at ``step`` (a run that stopped holds its last one)."""
        return max(0, min(int(step), self.runs[r].length - 1))

    def outside_since(self, r: int, step: int) -> int | None:
        """The step since which run ``r`` has been outside the window at ``step``, or None while it
        is inside (its head is drawn)."""
        stretch = self._stretch(r, self.head_index(r, step))
        return None if stretch is None else stretch[0]

    def _stretch(self, r: int, k: int) -> tuple[int, int, float, float] | None:
        return next((s for s in self.runs[r].outside if s[0] <= k <= s[1]), None)

    def crossed(self, r: int, step: int) -> bool:
        """Whether run ``r`` has diverged by ``step`` (its cross and "diverged at step k" show)."""
        at = self.runs[r].diverged_at
        return at is not None and step >= at

    def tail(self, r: int, frame_steps, f: int) -> tuple[np.ndarray, tuple[float, float] | None]:
        """The tail of run ``r`` at frame ``f`` (``frame_steps`` holds each frame's step): the indices
        into its path the tail joins, and the point it ends at on the edge while the run is outside."""
        run = self.runs[r]
        now = self.head_index(r, frame_steps[f])
        first = self.head_index(r, frame_steps[max(0, f - self.marks.tail)])
        end, out = min(now, run.last), None
        stretch = self._stretch(r, now)
        if stretch is not None:
            end, out = min(end, stretch[0] - 1), (stretch[2], stretch[3])
        idx = np.arange(first, end + 1)
        return idx, (out if out is not None and end >= first else None)


def inside(points: np.ndarray, bounds) -> np.ndarray:
    """Which points ``(n, dim)`` lie in the window (edges included)."""
    lo = np.array([b[0] for b in bounds], dtype=np.float64)
    hi = np.array([b[1] for b in bounds], dtype=np.float64)
    p = np.asarray(points, dtype=np.float64)
    return np.all((p >= lo) & (p <= hi), axis=-1)


def edge_point(a, b, bounds) -> tuple[float, ...]:
    """Where the segment from ``a`` (inside the window) to ``b`` (outside) crosses the window's edge.

    The segment is ``a + t (b − a)``; along each axis it meets the side it heads for at
    ``t = (side − a) / (b − a)``, and it leaves at the smallest such ``t``. A non-finite ``b`` gives
    ``a`` (there is no direction to follow)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if not np.all(np.isfinite(b)):
        return tuple(float(v) for v in a)
    t = 1.0
    for i, (lo, hi) in enumerate(bounds):
        d = b[i] - a[i]
        if d > 0 and b[i] > hi:
            t = min(t, (hi - a[i]) / d)
        elif d < 0 and b[i] < lo:
            t = min(t, (lo - a[i]) / d)
    p = a + max(t, 0.0) * (b - a)
    # The crossing lies on the edge: rounding must not put it a hair outside.
    return tuple(float(np.clip(v, lo, hi)) for v, (lo, hi) in zip(p, bounds, strict=True))


def edge_marker(point, bounds) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Where a run outside the window is shown, and which way it lies: the window's nearest point to
    ``point`` (each coordinate clamped to its range) and the unit vector from there towards ``point``.
    A non-finite coordinate counts as lying beyond the side its sign points to."""
    p = np.asarray(point, dtype=np.float64)
    lo = np.array([b[0] for b in bounds], dtype=np.float64)
    hi = np.array([b[1] for b in bounds], dtype=np.float64)
    p = np.where(np.isnan(p), 0.5 * (lo + hi), p)
    at = np.clip(p, lo, hi)
    away = np.where(np.isinf(p), np.sign(p), 0.0) if np.isinf(p).any() else p - at
    norm = float(np.linalg.norm(away))
    direction = away / norm if norm > 0 else np.zeros_like(away)
    return tuple(float(v) for v in at), tuple(float(v) for v in direction)


def outside_stretches(path: np.ndarray, bounds) -> list[tuple[int, int]]:
    """The maximal stretches ``(first, last)`` of consecutive positions outside the window."""
    out = ~inside(path, bounds)
    if not out.any():
        return []
    edges = np.diff(np.concatenate([[0], out.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def ink(path, last: int, exit_, bounds) -> float:
    """How heavily a faint path is drawn (see the module's docstring): its length inside the window
    (points clamped to the window, which measures what shows) in window diagonals, ``d``, gives
    ``min(1, sqrt(DENSE / d))``, never below ``THINNEST``."""
    drawn = np.asarray(path, dtype=np.float64)[: last + 1]
    if exit_ is not None:
        drawn = np.vstack([drawn, np.asarray(exit_, dtype=np.float64)[: drawn.shape[1]]])
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    if len(drawn) < 2:
        return 1.0
    inside_length = np.linalg.norm(np.diff(np.clip(drawn, lo, hi), axis=0), axis=1).sum()
    diagonals = inside_length / float(np.linalg.norm(hi - lo))
    return float(min(1.0, max(THINNEST, np.sqrt(DENSE / diagonals)))) if diagonals > 0 else 1.0


def _point(p, value) -> tuple[float, float]:
    """A position in the scene's coordinates: (x, y) on a map, (x, f(x)) in 1-D."""
    p = np.asarray(p, dtype=np.float64)
    if p.shape[-1] == 1:
        with np.errstate(all="ignore"):
            return (float(p[0]), float(value(p[None, :])[0]))
    return (float(p[0]), float(p[1]))


def run_scene(path, bounds, diverged_at, label: str, color: str, head: float, dot: float, value=None,
              shape: str = "circle") -> RunScene:
    """One run's part of the scene (``value`` is the surface's function, needed in 1-D only)."""
    path = np.asarray(path, dtype=np.float64)
    n = len(path)
    outside = []
    for first, last in outside_stretches(path, bounds) if n else []:
        if first == 0:  # it started outside: its way in is the window's nearest point
            at = tuple(float(np.clip(v, lo, hi)) for v, (lo, hi) in zip(path[0], bounds, strict=True))
        else:
            at = edge_point(path[first - 1], path[first], bounds)
        outside.append((first, last, *_point(np.array(at), value)))
    last, exit_ = n - 1, None
    if outside and outside[-1][1] == n - 1 and outside[-1][0] > 0:  # it left for good
        last, exit_ = outside[-1][0] - 1, outside[-1][2:]
    cross = None
    if diverged_at is not None and n:
        cross = exit_ if exit_ is not None else _point(path[-1], value)
    return RunScene(label=label, color=color, length=n, last=last, exit=exit_, outside=tuple(outside),
                    diverged_at=None if diverged_at is None else int(diverged_at), cross=cross, head=head, dot=dot,
                    ink=ink(path, last, exit_, bounds) if n else 1.0, shape=shape)


def curve(surface, points: int) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D surface's curve sampled at ``points`` evenly spaced x across its window: ``(xs, f(xs))``,
    NaN where f is not finite (a renderer breaks the curve there)."""
    (x0, x1), = surface.bounds
    xs = np.linspace(x0, x1, points)
    with np.errstate(all="ignore"):
        ys = np.asarray(surface.value(xs[:, None]), dtype=np.float64)
    return xs, np.where(np.isfinite(ys), ys, np.nan)


def steps_run(race) -> int:
    """The clock's last step: the experiment's steps (a run that diverged early holds its last
    position), or the longest run if one recorded more."""
    longest = max((len(tr.path) - 1 for tr in race.trajectories), default=0)
    return max(int(race.experiment.steps), longest)


def scene(race, present: bool = False) -> Scene:
    """The scene of a simulated race (:class:`playground.model.simulate.Simulation`)."""
    surface = race.surface
    marks = Marks().scaled(PRESENT_SCALE) if present else Marks()
    bounds = tuple((float(a), float(b)) for a, b in surface.bounds)
    dim = surface.dim
    value = surface.value if dim == 1 else None
    runs = []
    for i, (tr, label, color) in enumerate(zip(race.trajectories, race.labels, race.colors, strict=True)):
        runs.append(run_scene(np.asarray(tr.path)[:, :dim], bounds, tr.diverged_at, label, color,
                              head=marks.head, dot=0.8 * marks.head, value=value, shape=SHAPES[i % len(SHAPES)]))
    minima = [_point(np.asarray(m, dtype=np.float64)[:dim], surface.value) for m in surface.minima]
    minima = [m for m in minima if all(np.isfinite(m))]
    start = _point(np.asarray(race.start, dtype=np.float64)[:dim], surface.value)
    return Scene(bounds=bounds, dim=dim, steps=steps_run(race), start=start, minima=tuple(minima),
                 runs=tuple(runs), marks=marks)
