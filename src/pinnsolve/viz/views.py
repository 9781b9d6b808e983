"""Reduce any Solution to what a flat picture can show: at most two space dimensions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pinnsolve.solution import Solution
from pinnsolve.viz.labels import tex

__all__ = ["plottable", "snapshot_indices", "time_indices", "check_times"]


def plottable(solution: Solution) -> tuple[Solution, str]:
    """A Solution with at most two spatial dimensions, and a note saying what was cut.

    A 3-D grid is cut through the middle of its third (and further) spatial axes; 1-D
    scattered points are sorted into a grid axis, so they plot as curves.
    """
    note: list[str] = []
    s = solution
    if s.is_grid:
        for c in s.space_coords[2:]:
            mid = float(s.axes[c][len(s.axes[c]) // 2])
            s = s.select(c, mid)
            note.append(f"{tex(c)} = {mid:.3g}")
    elif s.time_coord in s.point_coords:
        # Space-time points (x, t) have no time axis to step along: show t as a plane
        # coordinate like any other.
        s = replace(s, time_coord=None)
    elif len(s.space_coords) == 1:
        s = _sorted_line(s)
    return s, ", ".join(note)


def _sorted_line(s: Solution) -> Solution:
    """Scattered points on a line, rewritten as a grid along that line."""
    assert s.points is not None
    (c,) = s.point_coords
    order = np.argsort(s.points[:, 0], kind="stable")
    return Solution(
        problem=s.problem,
        method=s.method,
        axes={c: s.points[order, 0], **s.axes},
        fields={n: a[order] for n, a in s.fields.items()},
        field_coords={n: (c, *(k for k in cs if k in s.axes)) for n, cs in s.field_coords.items()},
        exact={n: a[order] for n, a in s.exact.items()},
        time_coord=s.time_coord,
    )


def snapshot_indices(n_times: int, count: int) -> list[int]:
    """Indices of ``count`` times spread evenly from the first to the last sample."""
    return sorted({int(round(k)) for k in np.linspace(0, n_times - 1, min(count, n_times))})


def time_indices(s: Solution, times: list[float] | None, count: int) -> list[int]:
    """Indices of the sampled times nearest to ``times``, or ``count`` evenly spread ones.

    Repeated picks (two requested times nearer to one sample than to any other) are kept
    once, in time order.
    """
    t = s.time_coord
    assert t is not None and t in s.axes
    ts = s.axes[t]
    if not times:
        return snapshot_indices(len(ts), count)
    return sorted({int(np.argmin(np.abs(ts - v))) for v in times})


def check_times(s: Solution, times: list[float]) -> None:
    """Refuse requested times outside the sampled range, saying what the range is."""
    t = s.time_coord
    if t is None or t not in s.axes:
        raise ValueError(f"{s.problem} has no time axis, so --times does not apply")
    ts = s.axes[t]
    lo, hi = float(ts.min()), float(ts.max())
    slack = 1e-9 * max(1.0, abs(hi - lo))
    outside = [v for v in times if v < lo - slack or v > hi + slack]
    if outside:
        raise ValueError(
            f"--times {', '.join(f'{v:g}' for v in outside)} outside the solution's "
            f"time range [{lo:g}, {hi:g}]; give times in that range"
        )
