"""Where the analytic regime boundary lies, along the first varied parameter.

The regimes' relations give the class at any parameter point. On a line along the first
varied parameter (the others held), the boundary is where the class changes: found by a
scan of ``SCAN`` points over the box, then refined by bisection to round-off. No relation
needs to be solved symbolically, so any relations (inequalities, ``And``/``Or``) work.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

__all__ = ["LINES_PER_AXIS", "SCAN", "boundary_lines", "nearest_boundary"]

SCAN = 2001
LINES_PER_AXIS = 9
Holds = Callable[[np.ndarray], np.ndarray]


def _classes(holds: Holds, points: np.ndarray) -> np.ndarray:
    h = holds(points)
    return np.where(h.any(axis=1), np.argmax(h, axis=1), -1)


def _changes(holds: Holds, box: np.ndarray, others: np.ndarray) -> list[list[tuple[float, int, int]]]:
    """Per line (others: (m, d-1)), the crossings (θ, class below, class above), refined by bisection."""
    along = np.linspace(box[0, 0], box[0, 1], SCAN)
    m = len(others)
    grid = np.concatenate(
        [np.repeat(along[None, :, None], m, axis=0), np.repeat(others[:, None, :], SCAN, axis=1)], axis=2
    ).reshape(m * SCAN, -1)
    classes = _classes(holds, grid).reshape(m, SCAN)
    out: list[list[tuple[float, int, int]]] = [[] for _ in range(m)]
    for line, k in zip(*np.nonzero(classes[:, :-1] != classes[:, 1:])):
        lo, hi = along[k], along[k + 1]
        c_lo, c_hi = classes[line, k], classes[line, k + 1]
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            c = _classes(holds, np.concatenate([[mid], others[line]])[None, :])[0]
            lo, hi = (mid, hi) if c == c_lo else (lo, mid)
        if c_lo >= 0 and c_hi >= 0:
            out[line].append((0.5 * (lo + hi), int(c_lo), int(c_hi)))
        elif out[line] and c_lo < 0:  # a boundary strip of measure zero (γ = ω₀): one crossing
            continue
        else:
            # class -1 (no regime) only on the boundary itself: look one step further
            nxt = classes[line, min(k + 2, SCAN - 1)]
            if c_lo >= 0 and nxt >= 0 and nxt != c_lo:
                out[line].append((0.5 * (lo + hi), int(c_lo), int(nxt)))
    return out


def boundary_lines(holds: Holds, box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points of the analytic boundary (m, d) on lines along the first parameter, and the classes
    (m, 2) below and above each; the other parameters on a grid of `LINES_PER_AXIS` values each."""
    d = len(box)
    if d == 1:
        others = np.zeros((1, 0))
    else:
        axes = [np.linspace(lo, hi, LINES_PER_AXIS + 2)[1:-1] for lo, hi in box[1:]]
        others = np.array(list(itertools.product(*axes)))
    points, sides = [], []
    for other, found in zip(others, _changes(holds, box, others)):
        for theta, low, high in found:
            points.append(np.concatenate([[theta], other]))
            sides.append((low, high))
    return np.array(points, dtype=float).reshape(-1, d), np.array(sides, dtype=np.int64).reshape(-1, 2)


def nearest_boundary(holds: Holds, box: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each sample, the analytic boundary on its own line nearest to it (NaN if none)."""
    points = np.atleast_2d(points)
    if points.shape[1] == 1:
        crossings = [theta for theta, _, _ in _changes(holds, box, np.zeros((1, 0)))[0]]
        lines = [crossings] * len(points)
    else:
        lines = [[theta for theta, _, _ in found] for found in _changes(holds, box, points[:, 1:])]
    out = np.full(len(points), np.nan)
    for i, crossings in enumerate(lines):
        if crossings:
            c = np.array(crossings)
            out[i] = c[np.argmin(np.abs(c - points[i, 0]))]
    return out
