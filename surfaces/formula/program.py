"""A formula turned into NumPy calls: the value, the gradient and the Hessian in one pass each.

:class:`Program` flattens one or more trees into a list of calls and gives each distinct
subexpression one slot, so the parts the gradient components share are computed once.
:class:`Compiled` holds the three programs of a surface. Where the value is finite but a gradient
or Hessian entry is not (a cusp, or an overflowing factor under a saturating function), that entry
is reported as 0; elsewhere non-finite numbers pass through for the optimizer loop to see.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .nodes import KERNELS, Node, derivative, is_num


class Program:
    """Several trees flattened into one list of NumPy calls; equal subtrees are computed once."""

    def __init__(self, roots: list[Node]):
        self.slots: list[Any] = []
        self.inputs: list[tuple[int, int]] = []  # (slot, axis of x)
        self.steps: list[tuple[int, Any, int, int]] = []  # (slot, ufunc, arg slot, arg slot or -1)
        self._by_key: dict[tuple, int] = {}
        self._by_id: dict[int, int] = {}
        self.roots = [self._emit(r) for r in roots]
        del self._by_key, self._by_id

    def _slot(self, key: tuple, leaf: Any = None) -> tuple[int, bool]:
        found = self._by_key.get(key)
        if found is not None:
            return found, False
        self.slots.append(leaf)
        self._by_key[key] = len(self.slots) - 1
        return len(self.slots) - 1, True

    def _emit(self, node: Node) -> int:
        known = self._by_id.get(id(node))
        if known is not None:
            return known
        if node.op == "num":
            slot, _ = self._slot(("num", node.value, math.copysign(1.0, node.value)), node.value)
        elif node.op == "var":
            slot, new = self._slot(("var", int(node.value)))
            if new:
                self.inputs.append((slot, int(node.value)))
        elif node.op == "**" and is_num(node.args[1], 2):
            a = self._emit(node.args[0])
            slot, new = self._slot(("square", a))
            if new:
                self.steps.append((slot, np.square, a, -1))
        else:
            a = self._emit(node.args[0])
            b = self._emit(node.args[1]) if len(node.args) > 1 else -1
            slot, new = self._slot((node.op, a, b))
            if new:
                self.steps.append((slot, KERNELS[node.op], a, b))
        self._by_id[id(node)] = slot
        return slot

    def run(self, x: np.ndarray) -> list[Any]:
        """Every root at the points ``x`` (``(..., dim)``); call under ``np.errstate``."""
        vals = list(self.slots)
        for slot, axis in self.inputs:
            vals[slot] = x[..., axis]
        for slot, fn, a, b in self.steps:
            vals[slot] = fn(vals[a]) if b < 0 else fn(vals[a], vals[b])
        return [vals[r] for r in self.roots]


class Compiled:
    """The value and gradient functions a custom :class:`Surface` calls."""

    def __init__(self, tree: Node, dim: int):
        self.dim = dim
        self._value = Program([tree])
        slopes = [derivative(tree, axis, {}) for axis in range(dim)]
        self.constant = all(is_num(d, 0) for d in slopes)
        self._grad = Program(slopes)
        # Second derivatives: each slope differentiated again, upper triangle only (the matrix is
        # symmetric by construction, not up to rounding).
        memos: list[dict[int, Node]] = [{} for _ in range(dim)]
        self._pairs = [(i, j) for i in range(dim) for j in range(i, dim)]
        self._hessian = Program([derivative(slopes[i], j, memos[j]) for i, j in self._pairs])

    def _points(self, x: np.ndarray) -> np.ndarray:
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"points need {self.dim} coordinate(s) on the last axis, got shape {x.shape}")
        return x

    def value(self, x: np.ndarray) -> np.ndarray:
        x = self._points(x)
        out = np.empty(x.shape[:-1])
        with np.errstate(all="ignore"):
            out[...] = self._value.run(x)[0]
        return out

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = self._points(x)
        out = np.empty(x.shape)
        with np.errstate(all="ignore"):
            for axis, component in enumerate(self._grad.run(x)):
                out[..., axis] = component
            bad = ~np.isfinite(out)
            if bad.any():
                # See the module docstring: a finite value keeps a finite gradient.
                finite = np.isfinite(np.asarray(self._value.run(x)[0]))
                out[bad & np.broadcast_to(finite[..., None], out.shape)] = 0.0
        return out

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = self._points(x)
        out = np.empty((*x.shape, self.dim))
        with np.errstate(all="ignore"):
            for (i, j), entry in zip(self._pairs, self._hessian.run(x), strict=True):
                out[..., i, j] = entry
                out[..., j, i] = entry
            bad = ~np.isfinite(out)
            if bad.any():
                finite = np.isfinite(np.asarray(self._value.run(x)[0]))
                out[bad & np.broadcast_to(finite[..., None, None], out.shape)] = 0.0
        return out
