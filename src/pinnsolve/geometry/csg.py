"""Constructive solid geometry: union, intersection and difference of domains.

The result is the regularised set operation (the closure of the operation on
interiors), so a plate with a hole is ``Rectangle(...) - Disk(...)`` and its
boundary is the plate's edge plus the hole's circle.  Boundary points are
those of the operands that survive the operation:

* union ``a | b``: ∂a outside b, plus ∂b outside a;
* intersection ``a & b``: ∂a inside b, plus ∂b inside a;
* difference ``a - b``: ∂a outside b, plus ∂b inside a with its normal flipped.

Where the operands' boundaries coincide, the outward normals decide: a shared
face with equal normals is kept once (from ``a``), a face shared with opposite
normals is kept or dropped as the operation requires, so no point appears
twice and no internal face is sampled.
"""

from __future__ import annotations

import abc
from typing import Any

import numpy as np

from pinnsolve.errors import GeometryError

from ._pieces import select_piece
from .domain import BoolArray, Domain, FloatArray
from .sampling import unit_cube_stream

__all__ = ["Difference", "Intersection", "Union"]

# Sobol points used to estimate volumes and boundary measures of CSG domains;
# the estimate is deterministic (fixed seed) and accurate to about 1e-4.
_VOLUME_POINTS = 1 << 18
_BOUNDARY_POINTS = 1 << 16

# A boundary selection as the domains pass it around: None is the whole boundary.
_Parts = frozenset[str] | None


class _Relation:
    """Where boundary points of one operand lie relative to the other operand.

    ``same`` and ``opposite`` mark points on the other operand's boundary
    whose outward normals agree or disagree there.
    """

    def __init__(self, other: Domain, p: FloatArray, normals: FloatArray, tol: float) -> None:
        inside = other._contains(p, tol)
        on = inside & other._on_boundary(p, tol, None)
        alignment = np.zeros(len(p))
        if on.any():
            alignment[on] = np.einsum("nd,nd->n", normals[on], other._outward_normal(p[on], tol))
        self.outside = ~inside
        self.interior = inside & ~on
        self.same = on & (alignment > 0)
        self.opposite = on & (alignment < 0)


class _Composite(Domain):
    """Two domains combined by a set operation (abstract)."""

    _symbol = "?"
    _flip_b = 1.0  # the difference turns b's outward normals inward

    def __init__(self, a: Domain, b: Domain) -> None:
        if not isinstance(a, Domain) or not isinstance(b, Domain):
            raise GeometryError(
                f"{type(self).__name__} combines two domains, got {type(a).__name__} and {type(b).__name__}"
            )
        if a.names != b.names:
            raise GeometryError(
                f"cannot combine {a!r} {self._symbol} {b!r}: their coordinates {a.names} and "
                f"{b.names} differ; build both with the same coords, in the same order"
            )
        self._a, self._b = a, b
        self._dim = a.dim
        self._coords = a.coords
        self._cache: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"({self._a!r} {self._symbol} {self._b!r})"

    @property
    def operands(self) -> tuple[Domain, Domain]:
        """The two domains combined, ``(a, b)`` of ``a | b``, ``a & b`` or ``a - b``."""
        return self._a, self._b

    def with_coords(self, coords: Any) -> Domain:
        clone = super().with_coords(coords)
        assert isinstance(clone, _Composite)
        clone._a = self._a.with_coords(coords)
        clone._b = self._b.with_coords(coords)
        return clone

    # ------------------------------------------------ the set operation
    @abc.abstractmethod
    def _keep_a(self, rel: _Relation) -> BoolArray:
        """Which boundary points of a, related to b, are on the result's boundary."""

    @abc.abstractmethod
    def _keep_b(self, rel: _Relation) -> BoolArray:
        """Which boundary points of b, related to a, are on the result's boundary."""

    def _overlap_measure(self) -> float:
        # Volume of a ∩ b by quasi-Monte Carlo over the overlap of the
        # bounding boxes; the union and difference volumes follow exactly
        # from it and the operands' own volumes.
        if "overlap" not in self._cache:
            (lo_a, hi_a), (lo_b, hi_b) = self._a.bounds(), self._b.bounds()
            lo, hi = np.maximum(lo_a, lo_b), np.minimum(hi_a, hi_b)
            if np.any(lo >= hi):
                self._cache["overlap"] = 0.0
            else:
                x = lo + (hi - lo) * unit_cube_stream(self._dim, "sobol", 0)(_VOLUME_POINTS)
                tol = self._tol()
                inside = self._a._contains(x, tol) & self._b._contains(x, tol)
                self._cache["overlap"] = float(np.prod(hi - lo) * inside.mean())
        return self._cache["overlap"]

    # ------------------------------------------------------ Domain API
    def boundary_parts(self) -> tuple[str, ...]:
        parts = self._a.boundary_parts()
        return parts + tuple(p for p in self._b.boundary_parts() if p not in parts)

    def _split(self, parts: _Parts) -> tuple[_Parts, _Parts]:
        if parts is None:
            return None, None
        return (parts & frozenset(self._a.boundary_parts()), parts & frozenset(self._b.boundary_parts()))

    def boundary_measure(self) -> float:
        if "boundary" not in self._cache:
            if self._dim == 1:
                value = float(len(self._boundary_vertices(None)[0]))
            else:
                q = self._dim - 1
                if q == 1:  # evenly spaced arc length: error ~ 1/N
                    u = ((np.arange(_BOUNDARY_POINTS) + 0.5) / _BOUNDARY_POINTS)[:, None]
                else:
                    u = unit_cube_stream(q, "sobol", 0)(_BOUNDARY_POINTS)
                keep = self._boundary_map(u, None)[3]
                value = self._candidate_measure(None) * float(keep.mean())
            self._cache["boundary"] = value
        return self._cache["boundary"]

    def _candidate_measure(self, parts: frozenset[str] | None) -> float:
        pa, pb = self._split(parts)
        return self._a._candidate_measure(pa) + self._b._candidate_measure(pb)

    def _relations(self, p: FloatArray, tol: float) -> tuple[BoolArray, BoolArray, FloatArray, FloatArray]:
        # Which points are on the result's boundary by way of a, and of b,
        # and the normals each operand would give them.
        n_a = self._a._outward_normal(p, tol)
        n_b = self._b._outward_normal(p, tol)
        from_a = self._a._on_boundary(p, tol, None) & self._keep_a(_Relation(self._b, p, n_a, tol))
        from_b = self._b._on_boundary(p, tol, None) & self._keep_b(_Relation(self._a, p, n_b, tol))
        return from_a, from_b, n_a, self._flip_b * n_b

    def _on_boundary(self, p: FloatArray, tol: float, parts: frozenset[str] | None) -> BoolArray:
        pa, pb = self._split(parts)
        from_a, from_b, _, _ = self._relations(p, tol)
        on_a = from_a & self._a._on_boundary(p, tol, pa)
        return on_a | (from_b & self._b._on_boundary(p, tol, pb))

    def _outward_normal(self, p: FloatArray, tol: float) -> FloatArray:
        from_a, from_b, n_a, n_b = self._relations(p, tol)
        # Where both operands' kept boundaries meet (a corner of the result)
        # take the bisector, as boxes do at their corners.
        both = n_a + n_b
        length = np.linalg.norm(both, axis=1, keepdims=True)
        ok = (from_a & from_b)[:, None] & (length > 1e-12)
        bisector = both / np.where(length > 1e-12, length, 1.0)
        on_a = self._a._on_boundary(p, tol, None)
        prefer_a = (from_a | (~from_b & on_a))[:, None]
        return np.where(ok, bisector, np.where(prefer_a, n_a, n_b))

    def _boundary_map(
        self, u: FloatArray, parts: frozenset[str] | None
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        pa, pb = self._split(parts)
        weights = np.array([self._a._candidate_measure(pa), self._b._candidate_measure(pb)])
        which, first = select_piece(u[:, 0], weights)
        u = u.copy()
        u[:, 0] = first
        m, d = len(u), self._dim
        points, normals = np.empty((m, d)), np.empty((m, d))
        tail = np.empty((m, u.shape[1] - (d - 1)))
        keep = np.zeros(m, dtype=bool)
        tol = self._tol()
        for index, (child, other, child_parts) in enumerate(((self._a, self._b, pa), (self._b, self._a, pb))):
            rows = which == index
            if not rows.any():
                continue
            pts, nrm, tl, ok = child._boundary_map(u[rows], child_parts)
            rel = _Relation(other, pts, nrm, tol)
            kept = self._keep_a(rel) if index == 0 else self._keep_b(rel)
            sign = 1.0 if index == 0 else self._flip_b
            points[rows], normals[rows], tail[rows] = pts, sign * nrm, tl
            keep[rows] = ok & kept
        return points, normals, tail, keep

    def _boundary_vertices(self, parts: frozenset[str] | None) -> tuple[FloatArray, FloatArray]:
        pa, pb = self._split(parts)
        tol = self._tol()
        pts_a, nrm_a = self._a._boundary_vertices(pa)
        pts_b, nrm_b = self._b._boundary_vertices(pb)
        keep_a = self._keep_a(_Relation(self._b, pts_a, nrm_a, tol))
        keep_b = self._keep_b(_Relation(self._a, pts_b, nrm_b, tol))
        return (np.vstack((pts_a[keep_a], pts_b[keep_b])), np.vstack((nrm_a[keep_a], self._flip_b * nrm_b[keep_b])))


class Union(_Composite):
    """``a | b``: points in either domain."""

    _symbol = "|"

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        (lo_a, hi_a), (lo_b, hi_b) = self._a.bounds(), self._b.bounds()
        return np.minimum(lo_a, lo_b), np.maximum(hi_a, hi_b)

    def measure(self) -> float:
        return self._a.measure() + self._b.measure() - self._overlap_measure()

    def _contains(self, p: FloatArray, tol: float) -> BoolArray:
        return self._a._contains(p, tol) | self._b._contains(p, tol)

    def _keep_a(self, rel: _Relation) -> BoolArray:
        return rel.outside | rel.same

    def _keep_b(self, rel: _Relation) -> BoolArray:
        return rel.outside


class Intersection(_Composite):
    """``a & b``: points in both domains."""

    _symbol = "&"

    def __init__(self, a: Domain, b: Domain) -> None:
        super().__init__(a, b)
        lo, hi = self.bounds()
        if np.any(lo >= hi):
            raise GeometryError(
                f"{self!r} is empty: the two domains do not overlap; check their positions, or use | for their union"
            )

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        (lo_a, hi_a), (lo_b, hi_b) = self._a.bounds(), self._b.bounds()
        return np.maximum(lo_a, lo_b), np.minimum(hi_a, hi_b)

    def measure(self) -> float:
        return self._overlap_measure()

    def _contains(self, p: FloatArray, tol: float) -> BoolArray:
        return self._a._contains(p, tol) & self._b._contains(p, tol)

    def _keep_a(self, rel: _Relation) -> BoolArray:
        return rel.interior | rel.same

    def _keep_b(self, rel: _Relation) -> BoolArray:
        return rel.interior


class Difference(_Composite):
    """``a - b``: points of a not inside b (b's boundary becomes part of the result's)."""

    _symbol = "-"
    _flip_b = -1.0

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        return self._a.bounds()

    def measure(self) -> float:
        return max(self._a.measure() - self._overlap_measure(), 0.0)

    def _contains(self, p: FloatArray, tol: float) -> BoolArray:
        # b's interior is removed; its boundary stays, as the closure of a − b.
        in_b_interior = self._b._contains(p, tol) & ~self._b._on_boundary(p, tol, None)
        return self._a._contains(p, tol) & ~in_b_interior

    def _keep_a(self, rel: _Relation) -> BoolArray:
        return rel.outside | rel.opposite

    def _keep_b(self, rel: _Relation) -> BoolArray:
        return rel.interior
