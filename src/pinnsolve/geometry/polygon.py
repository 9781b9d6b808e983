"""Simple polygons in the plane, either orientation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pinnsolve.errors import GeometryError

from ._pieces import blend_normals, select_piece
from .domain import BoolArray, Domain, FloatArray

__all__ = ["Polygon"]


class Polygon(Domain):
    """The closed region bounded by a simple polygon.

    ``vertices`` are listed in order around the boundary, clockwise or
    counter-clockwise; the closing edge from the last vertex back to the
    first is implied.  Edge ``i`` runs from vertex ``i`` to vertex ``i + 1``
    and is the boundary part ``"edge<i>"``.
    """

    def __init__(self, vertices: Sequence[Sequence[float]], coords: Any = None) -> None:
        v = np.asarray(vertices, dtype=float)
        if v.ndim != 2 or v.shape[1] != 2 or not np.all(np.isfinite(v)):
            raise GeometryError(f"Polygon: vertices must be a list of finite (x, y) pairs, got shape {v.shape}")
        if len(v) > 1 and np.array_equal(v[0], v[-1]):
            v = v[:-1]  # a closed ring lists the first vertex twice
        if len(v) < 3:
            raise GeometryError(f"Polygon: needs at least 3 distinct vertices, got {len(v)}")
        edges = np.roll(v, -1, axis=0) - v
        lengths = np.linalg.norm(edges, axis=1)
        if np.any(lengths == 0.0):
            i = int(np.argmin(lengths))
            raise GeometryError(f"Polygon: vertices {i} and {(i + 1) % len(v)} coincide; remove one")
        crossing = _first_crossing(v)
        if crossing is not None:
            raise GeometryError(
                f"Polygon: edges {crossing[0]} and {crossing[1]} cross; the polygon must be "
                "simple (list the vertices in order around the boundary)"
            )
        # Shoelace formula: positive for counter-clockwise vertices.
        signed_area = 0.5 * float(np.sum(v[:, 0] * edges[:, 1] - v[:, 1] * edges[:, 0]))
        scale = float(np.max(np.ptp(v, axis=0)))
        if abs(signed_area) <= 1e-12 * scale**2:
            raise GeometryError("Polygon: the vertices enclose no area (all on one line?)")
        crossing = _first_spike(v)
        if crossing is not None:
            raise GeometryError(
                f"Polygon: edges {crossing[0]} and {crossing[1]} cross (one doubles back "
                "along the other); remove the vertex between them"
            )
        self._bind(coords, 2)
        self._vertices, self._edges, self._lengths = v, edges, lengths
        self._area = abs(signed_area)
        # Rotating an edge direction by −90° points outward for a
        # counter-clockwise polygon, by +90° for a clockwise one.
        orientation = 1.0 if signed_area > 0 else -1.0
        rotated = np.column_stack((edges[:, 1], -edges[:, 0]))
        self._normals = orientation * rotated / lengths[:, None]

    def __repr__(self) -> str:
        return f"Polygon({self._vertices.tolist()}, coords={self.names})"

    @property
    def vertices(self) -> FloatArray:
        """The vertices (m, 2) in the order given."""
        return self._vertices.copy()

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        return self._vertices.min(axis=0), self._vertices.max(axis=0)

    def measure(self) -> float:
        return self._area

    def boundary_measure(self) -> float:
        return float(self._lengths.sum())

    def boundary_parts(self) -> tuple[str, ...]:
        return tuple(f"edge{i}" for i in range(len(self._vertices)))

    def _edge_mask(self, parts: frozenset[str] | None) -> BoolArray:
        return np.array([parts is None or name in parts for name in self.boundary_parts()])

    def _edge_distance(self, p: FloatArray) -> FloatArray:
        # Distance from each point (n) to each edge segment (m): project onto
        # the segment's line and clamp the parameter to [0, 1].
        rel = p[:, None, :] - self._vertices[None, :, :]
        t = np.einsum("nmd,md->nm", rel, self._edges) / self._lengths**2
        t = np.clip(t, 0.0, 1.0)
        return np.linalg.norm(rel - t[:, :, None] * self._edges[None, :, :], axis=2)

    def _contains(self, p: FloatArray, tol: float) -> BoolArray:
        # Even–odd rule: a horizontal ray from p crosses the boundary an odd
        # number of times iff p is inside.  Half-open test on y counts a ray
        # through a vertex once.
        a = self._vertices
        b = np.roll(a, -1, axis=0)
        y = p[:, 1:2]
        straddles = (a[:, 1] > y) != (b[:, 1] > y)
        dy = np.where(straddles, b[:, 1] - a[:, 1], 1.0)
        x_cross = a[:, 0] + (y - a[:, 1]) * (b[:, 0] - a[:, 0]) / dy
        crossings = np.sum(straddles & (p[:, 0:1] < x_cross), axis=1)
        inside = crossings % 2 == 1
        return inside | np.any(self._edge_distance(p) <= tol, axis=1)

    def _on_boundary(self, p: FloatArray, tol: float, parts: frozenset[str] | None) -> BoolArray:
        return np.any(self._edge_distance(p)[:, self._edge_mask(parts)] <= tol, axis=1)

    def _outward_normal(self, p: FloatArray, tol: float) -> FloatArray:
        return blend_normals(self._edge_distance(p), self._normals, tol)

    def _candidate_measure(self, parts: frozenset[str] | None) -> float:
        return float(self._lengths[self._edge_mask(parts)].sum())

    def _boundary_map(
        self, u: FloatArray, parts: frozenset[str] | None
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        weights = np.where(self._edge_mask(parts), self._lengths, 0.0)
        edge, t = select_piece(u[:, 0], weights)
        points = self._vertices[edge] + t[:, None] * self._edges[edge]
        return points, self._normals[edge], u[:, 1:], np.ones(len(u), dtype=bool)

    def _boundary_vertices(self, parts: frozenset[str] | None) -> tuple[FloatArray, FloatArray]:
        raise AssertionError("a polygon is 2D and has no boundary vertices")


def _first_crossing(v: FloatArray) -> tuple[int, int] | None:
    """The first pair of non-adjacent edges that intersect, or None."""
    m = len(v)
    a, b = v, np.roll(v, -1, axis=0)

    def orient(p: FloatArray, q: FloatArray, r: FloatArray) -> FloatArray:
        return np.sign(
            (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
        )

    for i in range(m):
        j = np.arange(i + 2, m)
        if i == 0:
            j = j[j != m - 1]  # edge m-1 shares vertex 0 with edge 0
        if len(j) == 0:
            continue
        o1, o2 = orient(a[i], b[i], a[j]), orient(a[i], b[i], b[j])
        o3, o4 = orient(a[j], b[j], a[i]), orient(a[j], b[j], b[i])
        proper = (o1 != o2) & (o3 != o4)
        # Collinear overlap or a vertex touching another edge also breaks simplicity.
        touching = (
            _on_segment(a[i], b[i], a[j], o1)
            | _on_segment(a[i], b[i], b[j], o2)
            | _on_segment(a[j], b[j], a[i], o3)
            | _on_segment(a[j], b[j], b[i], o4)
        )
        hit = np.flatnonzero(proper | touching)
        if len(hit):
            return i, int(j[hit[0]])
    return None


def _first_spike(v: FloatArray) -> tuple[int, int] | None:
    """Adjacent edges meet only at their shared vertex, unless one doubles
    back along the other (a zero-width spike): the first such pair, or None."""
    e = np.roll(v, -1, axis=0) - v
    e_next = np.roll(e, -1, axis=0)
    cross = e[:, 0] * e_next[:, 1] - e[:, 1] * e_next[:, 0]
    spikes = np.flatnonzero((cross == 0) & (np.einsum("md,md->m", e, e_next) < 0))
    if len(spikes):
        return int(spikes[0]), int(spikes[0] + 1) % len(v)
    return None


def _on_segment(p: FloatArray, q: FloatArray, r: FloatArray, orientation: FloatArray) -> BoolArray:
    """Whether collinear point(s) r lie within the segment(s) p–q."""
    lo, hi = np.minimum(p, q), np.maximum(p, q)
    within = np.all((r >= lo) & (r <= hi), axis=-1)
    return (orientation == 0) & within
