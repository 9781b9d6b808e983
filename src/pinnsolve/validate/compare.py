"""Errors of a Solution against the exact solution, or against a reference Solution.

Where a problem has no exact solution, the reference (a finer finite-difference solution,
or the problem's reference data) is interpolated onto the compared solution's own points,
multilinearly on the reference grid, and stored as that solution's ``exact`` values: the
norms are then exactly those of :meth:`Solution.errors`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from pinnsolve.solution import Solution

__all__ = ["against_reference", "sample"]


def sample(reference: Solution, name: str, target: Solution) -> np.ndarray:
    """Reference field ``name`` interpolated onto the points of ``target``'s field ``name``.

    The reference must live on a grid; the target may be a grid or scattered points (with
    or without a time axis). Points outside the reference grid take the nearest cell's
    linear extension (they only occur through rounding at the edges).
    """
    if not reference.is_grid:
        raise ValueError(f"reference for {name!r} is on scattered points; it must be on a grid")
    coords = reference.field_coords[name]
    own = target.field_coords[name]
    if set(coords) != set(own):
        raise ValueError(f"reference field {name!r} depends on {coords}, the solution's on {own}")
    interp = RegularGridInterpolator(
        tuple(reference.axes[c] for c in coords),
        reference.fields[name],
        method="linear",
        bounds_error=False,
        fill_value=None,
    )
    columns = _target_points(target, name)
    query = np.column_stack([columns[c].ravel() for c in coords])
    return interp(query).reshape(target.fields[name].shape)


def _target_points(target: Solution, name: str) -> dict[str, np.ndarray]:
    """Each coordinate of field ``name`` as an array of the field's shape."""
    own = target.field_coords[name]
    if target.is_grid:
        axes = [target.axes[c] for c in own]
        return dict(zip(own, np.meshgrid(*axes, indexing="ij")))
    n = target.points.shape[0]
    timed = [c for c in own if c in target.axes]
    shape = (n,) + tuple(len(target.axes[c]) for c in timed)
    out: dict[str, np.ndarray] = {}
    for i, c in enumerate(target.point_coords):
        if c in own:
            out[c] = np.broadcast_to(target.points[:, i].reshape((n,) + (1,) * len(timed)), shape)
    for k, c in enumerate(timed):
        view = [1] * (1 + len(timed))
        view[1 + k] = len(target.axes[c])
        out[c] = np.broadcast_to(target.axes[c].reshape(view), shape)
    return out


def against_reference(solution: Solution, reference: Solution) -> Solution:
    """``solution`` with the reference, interpolated onto its points, as its ``exact`` values."""
    exact = {name: sample(reference, name, solution) for name in solution.fields if name in reference.fields}
    return replace(solution, exact=exact)
