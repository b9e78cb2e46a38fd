"""The minima of a typed formula that a damped Newton search finds inside its window.

A typed formula comes with no list of minima, so :func:`find_minima` looks for them, the same way
every time:

1. Starts: a ``STARTS`` × ``STARTS`` grid (15 × 15) of cell centres over the window (in 1-D, 225
   cell centres along the interval).
2. From every start at once (one batch of rows), at most ``ITERATIONS`` (100) steps with the
   formula's exact gradient :math:`g` and Hessian :math:`H = V \\Lambda V^\\top`. The Newton direction
   takes every curvature in size,

   .. math::
       d = -V\\,\\operatorname{diag}\\big(1/\\max(|\\lambda_i|, 10^{-16} \\max_j |\\lambda_j|)\\big)\\,V^\\top g,

   the Newton step where :math:`H` is positive definite and a descent direction everywhere else
   (a negative curvature is walked down, not up). It is at most a quarter of the window's diagonal
   long, and halved until the value falls by Armijo's :math:`10^{-4}\\,t\\,g^\\top d` (at most 50
   halvings). Where it needed halving, the steepest descent :math:`-g/\\max_j|\\lambda_j|` is
   searched the same way and taken if it ends lower (a kink has no curvature to guide Newton).
   Where neither lowers the value (it is flat in floating point, as :math:`\\log(1 + x^2)` near 0)
   but :math:`H` is positive definite, the full Newton step is taken if it halves :math:`|g|`.
   A row stops when its step is shorter than ``1e-12`` of the diagonal or it can go no lower; it is
   dropped when its value, gradient or Hessian is not finite or it strays more than one diagonal
   outside the window.
3. A stopped point inside the (closed) window is a minimum when

   * its gradient norm is at most ``1e-8`` × the median gradient norm at the starts and its Hessian
     is positive definite (smallest eigenvalue above ``1e-6`` × the largest in size): a strict
     minimum; or, for a flat direction or a cusp (:math:`x^4 + y^4`, :math:`\\sqrt{x^2 + y^2}`),
   * the value rises all round it, and it is isolated: at 16 points ``RING`` (1e-3) × the diagonal
     away, every value is finite and above the point's by more than ``1e-12`` × the range of the
     values at the starts, and the same descent from 8 such points comes back to within a tenth of
     that distance. Only the 16 lowest such points are tried.

   A valley floor (a line of equal minima: :math:`y^2` or :math:`(xy - 1)^2` in 2-D) gets no point
   at all, nor does a minimum too flat to rise that much on the ring (:math:`x^{10}`), a kink the
   descents do not settle on (:math:`|x| + y^2`), or a condition number above 1e6 whose weak
   direction rises too little (:math:`10^6 x^2 + 10^{-6} y^2`).
4. Points closer than ``MERGE`` (1e-6) × the diagonal (``RING`` × the diagonal when either passed
   the ring test, as those stop less sharply) are one minimum, the lowest copy kept. The minima are
   sorted by value (then coordinates) and the lowest ``KEEP`` (8) kept.

These are the minima found in the window, not a proof that there are no others: a basin no start
reaches, or one narrower than the grid's spacing, can be missed. A formula whose values are not
finite at the starts gets whatever the finite rows find, possibly nothing; nothing here raises.
About 2 to 60 ms a formula on one core (:mod:`surfaces.formula` keeps the result per formula and
window).
"""

from __future__ import annotations

import numpy as np

from .program import Compiled

STARTS = 15
ITERATIONS = 100
HALVINGS = 50
KEEP = 8
MERGE = 1e-6  # of the window's diagonal
RING = 1e-3  # of the window's diagonal
_ARMIJO = 1e-4
_STOP = 1e-12  # of the diagonal: a shorter step ends the row
_GTOL = 1e-8  # of the median gradient norm at the starts
_PD = 1e-6  # smallest eigenvalue over the largest in size
_RISE = 1e-12  # of the range of values at the starts


def starts(bounds: np.ndarray) -> np.ndarray:
    """The grid of starts: cell centres over the window, ``(STARTS², dim)``."""
    if len(bounds) == 1:
        n = STARTS * STARTS
        return (bounds[0, 0] + (np.arange(n) + 0.5) / n * (bounds[0, 1] - bounds[0, 0]))[:, None]
    xs, ys = (lo + (np.arange(STARTS) + 0.5) / STARTS * (hi - lo) for lo, hi in bounds)
    return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)


def _directions(g: np.ndarray, h: np.ndarray, diag: float) -> tuple[np.ndarray, np.ndarray]:
    """The Newton direction with every curvature taken in size, and the gradient step of a quadratic
    as curved as the largest; each at most a quarter of the window's diagonal long."""
    lam, vec = np.linalg.eigh(h)
    size = np.abs(lam)
    top = size.max(axis=-1, keepdims=True)
    coef = np.einsum("nji,nj->ni", vec, g) / np.maximum(size, 1e-16 * top + 1e-300)
    newton = -np.einsum("nij,nj->ni", vec, coef)
    steepest = -g / np.maximum(top, 1e-300)
    out = []
    for d in (newton, steepest):
        length = np.linalg.norm(d, axis=1)
        out.append(d * np.minimum(1.0, 0.25 * diag / np.maximum(length, 1e-300))[:, None])
    return out[0], out[1]


def _backtrack(fn: Compiled, p: np.ndarray, f: np.ndarray, g: np.ndarray, d: np.ndarray):
    """Armijo's backtracking along ``d``: the step taken (0 where no halving lowers the value), the
    value there, and which rows found no lower value."""
    slope = np.einsum("ni,ni->n", g, d)
    t = np.ones(len(p))
    reached = f.copy()
    todo = np.ones(len(p), dtype=bool)
    for _ in range(HALVINGS):
        idx = np.flatnonzero(todo)
        ft = fn.value(p[idx] + t[idx, None] * d[idx])
        good = np.isfinite(ft) & (ft <= f[idx] + _ARMIJO * t[idx] * slope[idx])
        todo[idx[good]] = False
        reached[idx[good]] = ft[good]
        t[idx[~good]] *= 0.5
        if not todo.any():
            break
    t[todo] = 0.0
    return t[:, None] * d, reached, todo


def _step(fn: Compiled, p: np.ndarray, f: np.ndarray, g: np.ndarray, h: np.ndarray, diag: float):
    """One step from each row: along the Newton direction, or, where that needs damping, along the
    steepest descent if it ends lower (a kink such as abs(x) has no curvature to guide Newton).
    Returns the step and which rows can go no lower."""
    newton, steepest = _directions(g, h, diag)
    step, reached, stuck = _backtrack(fn, p, f, g, newton)
    damped = np.flatnonzero(np.linalg.norm(step - newton, axis=1) > 0)
    if damped.size:
        other, lower, failed = _backtrack(fn, p[damped], f[damped], g[damped], steepest[damped])
        better = ~failed & (stuck[damped] | (lower < reached[damped]))
        step[damped[better]] = other[better]
        stuck[damped[better]] = False
    if stuck.any():
        # The value cannot tell more here (log(1 + x²) is 0 in floats for |x| < 1e-8). Where the
        # Hessian is positive definite, the full Newton step still counts if it halves the gradient.
        idx = np.flatnonzero(stuck)
        lam = np.linalg.eigvalsh(h[idx])
        g_new = np.linalg.norm(fn.grad(p[idx] + newton[idx]), axis=1)
        better = (lam[:, 0] > _PD * np.abs(lam).max(axis=1)) & (g_new < 0.5 * np.linalg.norm(g[idx], axis=1))
        step[idx[better]] = newton[idx[better]]
        stuck[idx[better]] = False
    return step, stuck


def _descend(fn: Compiled, x: np.ndarray, bounds: np.ndarray, diag: float) -> tuple[np.ndarray, np.ndarray]:
    """Damped Newton from every row of ``x``; the final points and which rows stopped there."""
    x = x.copy()
    active = np.ones(len(x), dtype=bool)
    stopped = np.zeros(len(x), dtype=bool)
    for _ in range(ITERATIONS):
        rows = np.flatnonzero(active)
        if not rows.size:
            break
        p = x[rows]
        f, g, h = fn.value(p), fn.grad(p), fn.hessian(p)
        ok = np.isfinite(f) & np.isfinite(g).all(axis=1) & np.isfinite(h).all(axis=(1, 2))
        active[rows[~ok]] = False
        rows, p, f, g, h = rows[ok], p[ok], f[ok], g[ok], h[ok]
        if not rows.size:
            break
        step, stuck = _step(fn, p, f, g, h, diag)
        x[rows] = p + step
        done = stuck | (np.linalg.norm(step, axis=1) <= _STOP * diag)
        stopped[rows[done]] = True
        active[rows[done]] = False
        strayed = ((x[rows] < bounds[:, 0] - diag) | (x[rows] > bounds[:, 1] + diag)).any(axis=1)
        active[rows[strayed]] = False
    return x, stopped


def _ring(dim: int, count: int) -> np.ndarray:
    """``count`` unit directions evenly round a circle (the two of a line in 1-D)."""
    if dim == 1:
        return np.array([[-1.0], [1.0]])
    angle = np.arange(count) * (2 * np.pi / count)
    return np.stack([np.cos(angle), np.sin(angle)], axis=1)


def _stopped_points(fn: Compiled, bounds: np.ndarray, diag: float):
    """Where the descents from the grid stop inside the window, with value, gradient and Hessian,
    and the two scales of the tests: the gradient tolerance and the least rise that counts."""
    x0 = starts(bounds)
    f0, g0 = fn.value(x0), np.linalg.norm(fn.grad(x0), axis=1)
    f0, g0 = f0[np.isfinite(f0)], g0[np.isfinite(g0)]
    if not (f0.size and g0.size):
        return None
    x, stopped = _descend(fn, x0, bounds, diag)
    p = x[stopped & (x >= bounds[:, 0]).all(axis=1) & (x <= bounds[:, 1]).all(axis=1)]
    f, g, h = fn.value(p), fn.grad(p), fn.hessian(p)
    ok = np.isfinite(f) & np.isfinite(g).all(axis=1) & np.isfinite(h).all(axis=(1, 2))
    return p[ok], f[ok], g[ok], h[ok], _GTOL * float(np.median(g0)), _RISE * float(f0.max() - f0.min())


def _comes_back(fn: Compiled, points: np.ndarray, bounds: np.ndarray, diag: float) -> np.ndarray:
    """Whether the descent from each of 8 points at ``RING`` × ``diag`` round each point stops within
    a tenth of that distance of it: an isolated minimum draws them back, a valley floor does not."""
    dirs = _ring(len(bounds), 8)
    x0 = (points[:, None, :] + RING * diag * dirs).reshape(-1, len(bounds))
    x, stopped = _descend(fn, x0, bounds, diag)
    near = np.linalg.norm(x.reshape(len(points), len(dirs), -1) - points[:, None, :], axis=2) <= 0.1 * RING * diag
    return (near & stopped.reshape(len(points), len(dirs))).all(axis=1)


def find_minima(fn: Compiled, bounds: np.ndarray) -> tuple[tuple[tuple[float, ...], ...], tuple[float, ...]]:
    """The minima found in the window ``bounds`` and their values, lowest first (see the module)."""
    bounds = np.asarray(bounds, dtype=np.float64)
    diag = float(np.linalg.norm(bounds[:, 1] - bounds[:, 0]))
    with np.errstate(all="ignore"):
        found = _stopped_points(fn, bounds, diag)
        if found is None or not len(found[0]):
            return (), ()
        p, f, g, h, gtol, rise = found
        lam = np.linalg.eigvalsh(h)
        strict = (np.linalg.norm(g, axis=1) <= gtol) & (lam[:, 0] > _PD * np.abs(lam).max(axis=1))
        around = fn.value(p[:, None, :] + RING * diag * _ring(len(bounds), 16))
        rises = (np.isfinite(around) & (around > f[:, None] + rise)).all(axis=1)
        keep = strict | rises
        p, f, strict = p[keep], f[keep], strict[keep]
        order = np.lexsort((*p.T[::-1], f))
        kept: list[int] = []
        for i in order:
            if all(np.linalg.norm(p[i] - p[j]) > (MERGE if strict[i] and strict[j] else RING) * diag for j in kept):
                kept.append(int(i))
        flat = [i for i in kept if not strict[i]][: 2 * KEEP]
        back = dict(zip(flat, _comes_back(fn, p[flat], bounds, diag), strict=True)) if flat else {}
        kept = [i for i in kept if strict[i] or back.get(i, False)][:KEEP]
    return tuple(tuple(float(c) for c in p[i]) for i in kept), tuple(float(f[i]) for i in kept)
