"""Helpers for boundaries made of pieces (faces, edges, endpoints)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def select_piece(u0: FloatArray, weights: FloatArray) -> tuple[IntArray, FloatArray]:
    """Choose a piece for each unit number ``u0`` with probability ∝ ``weights``.

    Returns the piece index and ``u0`` rescaled to [0, 1] inside the chosen
    piece's slice of [0, 1].  Reusing the rescaled number as a coordinate on
    the piece keeps the map from the unit cube to the boundary measure
    preserving, so a low-discrepancy sequence stays evenly spread along the
    boundary (in 2D this is exactly an arc-length parametrisation).
    """
    weights = np.asarray(weights, dtype=float)
    edges = np.concatenate(([0.0], np.cumsum(weights))) / weights.sum()
    edges = np.minimum(edges, 1.0)
    edges[-1] = 1.0  # exact, so every u0 < 1 falls in a piece of positive width
    u0 = np.clip(u0, 0.0, np.nextafter(1.0, 0.0))
    # edges[index] <= u0 < edges[index + 1]: never a zero-weight piece.
    index = np.searchsorted(edges, u0, side="right") - 1
    width = edges[index + 1] - edges[index]
    rescaled = np.clip((u0 - edges[index]) / width, 0.0, 1.0)
    return index, rescaled


def blend_normals(distance: FloatArray, normals: FloatArray, tol: float) -> FloatArray:
    """Outward normal of a piecewise boundary at each point.

    ``distance`` (n, f) is each point's distance to each of f pieces and
    ``normals`` (n, f, d) or (f, d) their unit outward normals.  A point takes
    the normal of its nearest piece; where several pieces are equally near (a
    corner or vertex, within ``tol``) it takes their normalised sum, the
    bisector, which is the usual choice for a Neumann condition at a corner.
    """
    nearest = distance <= distance.min(axis=1, keepdims=True) + tol
    weights = nearest.astype(float)
    if normals.ndim == 2:
        summed = weights @ normals
    else:
        summed = np.einsum("nf,nfd->nd", weights, normals)
    length = np.linalg.norm(summed, axis=1, keepdims=True)
    # Opposite faces of a degenerate box could cancel; fall back to the first.
    first = np.argmax(nearest, axis=1)
    fallback = normals[first] if normals.ndim == 2 else normals[np.arange(len(first)), first]
    ok = length > 1e-12
    return np.where(ok, summed / np.where(ok, length, 1.0), fallback)
