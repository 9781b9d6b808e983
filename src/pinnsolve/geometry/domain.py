"""The abstract spatial domain: membership, boundary, normals, collocation points.

A concrete domain (box, disk, polygon, CSG combination) answers a few
geometric questions; everything a PINN needs from it — interior and boundary
collocation points, outward normals, evaluation grids, triangulations for
plotting — is built here from those answers, once for all shapes.

Sampling is by mapping points of the unit cube (see :mod:`.sampling`) onto the
domain.  Interior points are drawn in the bounding box and kept if inside
(rejection), which leaves them uniformly distributed by volume.  Boundary
points come from a measure-preserving map of the unit cube onto the boundary
(arc length in 2D, face area in 3D), so they are uniform by boundary measure;
CSG domains reject the candidates that do not lie on their boundary.
"""

from __future__ import annotations

import abc
import copy
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from pinnsolve.errors import GeometryError

from ._coords import resolve_coords
from .sampling import Stream, extra_ranges, point_count, unit_cube_stream

if TYPE_CHECKING:
    from .csg import Difference, Intersection, Union

__all__ = ["Domain"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]
# Rejection sampling gives up on a domain after this many candidates with none
# accepted: the domain (or the chosen boundary part) is empty.
_GIVE_UP = 1 << 20
_MAX_CHUNK = 1 << 22


class Domain(abc.ABC):
    """A closed region of space spanned by named coordinates.

    Subclasses implement the underscored geometric primitives on validated
    ``(n, dim)`` float arrays; the public methods validate their input once
    and build sampling, grids and triangulations on top.
    """

    _coords: tuple[Any, ...]
    _dim: int

    # ----------------------------------------------------------- coordinates
    def _bind(self, coords: Any, dim: int) -> None:
        self._dim = dim
        self._coords = resolve_coords(coords, dim, type(self).__name__)

    @property
    def coords(self) -> tuple[Any, ...]:
        """The coordinate objects (sympy Symbols or strings) the domain spans."""
        return self._coords

    @property
    def names(self) -> tuple[str, ...]:
        """Coordinate names, ``str(c)`` for each coordinate."""
        return tuple(str(c) for c in self._coords)

    @property
    def dim(self) -> int:
        """Number of spatial dimensions."""
        return self._dim

    def with_coords(self, coords: Sequence[Any]) -> Domain:
        """A copy of this domain bound to ``coords`` (one per dimension)."""
        clone = copy.copy(self)
        clone._coords = resolve_coords(coords, self._dim, type(self).__name__)
        return clone

    @property
    def is_box(self) -> bool:
        """True for axis-aligned boxes (Interval, Rectangle, Box)."""
        return False

    # -------------------------------------------------- geometric primitives
    @abc.abstractmethod
    def bounds(self) -> tuple[FloatArray, FloatArray]:
        """The bounding box ``(lo, hi)``, two arrays of shape ``(dim,)``."""

    @abc.abstractmethod
    def measure(self) -> float:
        """Length, area or volume of the domain."""

    @abc.abstractmethod
    def boundary_measure(self) -> float:
        """Measure of the boundary: perimeter, surface area, or for a 1D
        domain the number of endpoints."""

    def boundary_parts(self) -> tuple[str, ...]:
        """Names of the boundary parts that can be selected besides ``"boundary"``."""
        return ()

    @abc.abstractmethod
    def _contains(self, p: FloatArray, tol: float) -> BoolArray: ...

    @abc.abstractmethod
    def _on_boundary(self, p: FloatArray, tol: float, parts: frozenset[str] | None) -> BoolArray: ...

    @abc.abstractmethod
    def _outward_normal(self, p: FloatArray, tol: float) -> FloatArray: ...

    @abc.abstractmethod
    def _candidate_measure(self, parts: frozenset[str] | None) -> float:
        """Measure of the candidate set :meth:`_boundary_map` covers for ``parts``."""

    @abc.abstractmethod
    def _boundary_map(
        self, u: FloatArray, parts: frozenset[str] | None
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        """Map unit-cube points ``u`` (m, dim - 1 + k) onto the boundary.

        Returns boundary points (m, dim), their outward normals (m, dim), the
        ``k`` trailing unit columns (m, k) for extra coordinates, and a mask of
        the rows that are accepted.  The map is measure preserving onto the
        candidate set, so accepted points are uniform by boundary measure.  A
        1D domain has no boundary coordinate: it chooses its endpoint with the
        first extra column and hands that column back rescaled.
        """

    @abc.abstractmethod
    def _boundary_vertices(self, parts: frozenset[str] | None) -> tuple[FloatArray, FloatArray]:
        """The finite boundary of a 1D domain: points (m, 1) and normals (m, 1)."""

    def _tol(self) -> float:
        # Absolute tolerance for internal decisions, scaled with the domain
        # so that kilometre-sized domains are not held to 1e-9.
        lo, hi = self.bounds()
        return 1e-9 * max(1.0, float(np.max(hi - lo)))

    # ----------------------------------------------------- public geometry
    def contains(self, points: npt.ArrayLike, tol: float = 1e-9) -> BoolArray:
        """Whether each point lies in the closed domain (boundary included)."""
        return self._contains(self._points(points), tol)

    def on_boundary(
        self, points: npt.ArrayLike, tol: float = 1e-9, part: str | Sequence[str] = "boundary"
    ) -> BoolArray:
        """Whether each point lies on the boundary (or on the named part), within ``tol``."""
        return self._on_boundary(self._points(points), tol, self._resolve_parts(part))

    def outward_normal(self, points: npt.ArrayLike, tol: float = 1e-9) -> FloatArray:
        """Unit outward normals (n, dim) at boundary points.

        At a corner the normal is the normalised sum of the adjacent faces'
        normals.  For points off the boundary the result is the normal of a
        nearby boundary piece and carries no guarantee.
        """
        return self._outward_normal(self._points(points), tol)

    # ------------------------------------------------------------ sampling
    def sample_interior(
        self,
        n: int,
        sampler: str = "sobol",
        rng: np.random.Generator | int | None = None,
        extra_bounds: Sequence[tuple[float, float]] = (),
    ) -> FloatArray:
        """``n`` collocation points uniformly distributed in the domain by volume.

        ``extra_bounds`` lists k ranges ``(lo, hi)`` of further coordinates
        (typically time) appended as columns, so the result has shape
        ``(n, dim + k)``.  They are drawn jointly with the spatial ones from
        one (dim + k)-dimensional sequence, so the space-time points are
        low-discrepancy as a whole.
        """
        n = point_count(n)
        extra = extra_ranges(extra_bounds)
        d, k = self._dim, len(extra)
        stream = unit_cube_stream(d + k, sampler, rng)
        if self.measure() <= 0.0:
            raise GeometryError(
                f"{self!r} is empty: it has zero volume; check its corners or radius, or the "
                "operands of its CSG operations"
            )
        lo, hi = self.bounds()
        origin = np.concatenate((lo, extra[:, 0]))
        width = np.concatenate((hi - lo, extra[:, 1] - extra[:, 0]))
        tol = self._tol()

        def accept(u: FloatArray) -> tuple[FloatArray, BoolArray]:
            x = origin + u * width
            return x, self._contains(x[:, :d], tol)

        return self._draw(n, stream, accept, d + k, "interior")

    def sample_boundary(
        self,
        n: int,
        sampler: str = "sobol",
        rng: np.random.Generator | int | None = None,
        extra_bounds: Sequence[tuple[float, float]] = (),
        part: str | Sequence[str] = "boundary",
    ) -> tuple[FloatArray, FloatArray]:
        """``n`` collocation points on the boundary and their unit outward normals.

        Points are uniform by boundary length/area over the whole boundary or
        over the named ``part`` (a name from :meth:`boundary_parts`, a list
        of names, ``"boundary"``, or ``"x.boundary"`` for both ``x`` faces).
        Returns ``(points (n, dim + k), normals (n, dim))``.

        A 1D domain's boundary is a finite set of endpoints: without
        ``extra_bounds`` each endpoint is returned once, whatever ``n`` (> 0)
        is, since repeating a point adds nothing to a loss but weight.
        """
        n = point_count(n)
        extra = extra_ranges(extra_bounds)
        parts = self._resolve_parts(part)
        d, k = self._dim, len(extra)
        stream = unit_cube_stream(d - 1 + k, sampler, rng)
        if d == 1 and k == 0:
            if n == 0:
                return np.empty((0, 1)), np.empty((0, 1))
            points, normals = self._boundary_vertices(parts)
            first = _first_occurrences(points)
            return points[first], normals[first]
        if self._candidate_measure(parts) <= 0.0:
            raise GeometryError(
                f"boundary part {part!r} of {self!r} has zero measure, so no point can be drawn "
                "on it; choose a part of positive length (area)"
            )
        origin, width = extra[:, 0], extra[:, 1] - extra[:, 0]

        def accept(u: FloatArray) -> tuple[FloatArray, BoolArray]:
            points, normals, tail, keep = self._boundary_map(u, parts)
            return np.hstack((points, origin + tail * width, normals)), keep

        rows = self._draw(n, stream, accept, d + k, "boundary")
        return rows[:, : d + k], rows[:, d + k :]

    def _draw(
        self,
        n: int,
        stream: Stream,
        accept: Callable[[FloatArray], tuple[FloatArray, BoolArray]],
        key_columns: int,
        where: str,
    ) -> FloatArray:
        """Draw from ``stream`` until ``n`` distinct accepted rows are collected.

        Rows keep the order of the sequence and only the first ``n`` are
        returned, so the result is deterministic given the stream's seed and
        unbiased (truncation does not favour any region).
        """
        rows: FloatArray | None = None
        drawn = kept = 0
        m = n
        while True:
            candidates, keep = accept(stream(m))
            drawn += m
            kept += int(keep.sum())
            rows = candidates[keep] if rows is None else np.vstack((rows, candidates[keep]))
            rows = rows[_first_occurrences(rows[:, :key_columns])]
            if len(rows) >= n:
                return rows[:n]
            if kept == 0 and drawn >= _GIVE_UP:
                raise GeometryError(
                    f"no {where} point of {self!r} found among {drawn} candidates: "
                    "the domain (or the chosen boundary part) appears to be empty"
                )
            rate = max(kept, 1) / drawn
            m = min(int(np.ceil((n - len(rows)) / rate * 1.1)) + 16, _MAX_CHUNK)

    # ------------------------------------------------- grids and triangles
    def grid_points(self, shape: Sequence[int]) -> FloatArray:
        """Points of a regular grid over the bounding box that lie in the domain.

        The grid has ``shape[i]`` points along axis i, end points included,
        in C order (``np.meshgrid(..., indexing="ij")``); for a box that is
        the whole grid, so ``grid_points(s).reshape(*s, dim)`` works.  For
        other domains the in-domain grid points are followed by points evenly
        spread along the boundary, so that plots reach the curved edges.
        """
        shape = tuple(int(s) for s in shape)
        if len(shape) != self._dim or min(shape) < 2:
            raise GeometryError(f"grid shape must have {self._dim} entries, each >= 2, got {shape}")
        lo, hi = self.bounds()
        axes = [np.linspace(lo[i], hi[i], shape[i]) for i in range(self._dim)]
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, self._dim)
        inside = grid[self._contains(grid, self._tol())]
        if self.is_box:
            return inside
        spacing = float(np.mean((hi - lo) / (np.array(shape) - 1)))
        edge = self._even_boundary_points(spacing)
        points = np.vstack((inside, edge))
        return points[_first_occurrences(points)]

    def _even_boundary_points(self, spacing: float) -> FloatArray:
        # Deterministic boundary points about ``spacing`` apart.
        if self._dim == 1:
            return self._boundary_vertices(None)[0]
        count = int(np.ceil(self._candidate_measure(None) / spacing ** (self._dim - 1)))
        count = max(count, 8)
        if self._dim == 2:
            u = ((np.arange(count) + 0.5) / count)[:, None]
        else:
            u = unit_cube_stream(self._dim - 1, "sobol", 0)(count)
        points, _, _, keep = self._boundary_map(u, None)
        return points[keep]

    def triangulate(self, points: npt.ArrayLike) -> IntArray:
        """Delaunay triangles (k, 3) of 2D ``points``, restricted to the domain.

        Triangles whose centroid lies outside the domain are dropped, so holes
        and re-entrant corners are not bridged.  The indices refer to rows of
        ``points``; use them with ``tripcolor`` or a VTU triangle cell block.
        """
        from scipy.spatial import Delaunay

        if self._dim != 2:
            raise GeometryError(f"triangulate needs a 2D domain; {self!r} is {self._dim}D")
        p = self._points(points)
        if len(p) < 3:
            raise GeometryError(f"triangulate needs at least 3 points, got {len(p)}")
        triangles = Delaunay(p).simplices
        centroids = p[triangles].mean(axis=1)
        return triangles[self._contains(centroids, self._tol())].astype(np.intp)

    # ------------------------------------------------------------------ CSG
    def __or__(self, other: Domain) -> Union:
        from .csg import Union

        return Union(self, other)

    def __and__(self, other: Domain) -> Intersection:
        from .csg import Intersection

        return Intersection(self, other)

    def __sub__(self, other: Domain) -> Difference:
        from .csg import Difference

        return Difference(self, other)

    # --------------------------------------------------------- validation
    def _points(self, points: npt.ArrayLike) -> FloatArray:
        p = np.asarray(points, dtype=float)
        if p.ndim == 1 and self._dim == 1:
            p = p[:, None]
        if p.ndim != 2 or p.shape[1] != self._dim:
            raise GeometryError(
                f"expected points of shape (n, {self._dim}) for coordinates "
                f"{self.names}, got shape {p.shape}; pass one column per coordinate"
            )
        return p

    def _resolve_parts(self, part: str | Sequence[str]) -> frozenset[str] | None:
        requested = (part,) if isinstance(part, str) else tuple(part)
        valid = self.boundary_parts()
        chosen: set[str] = set()
        for name in requested:
            if name == "boundary":
                return None
            prefix = name[: -len(".boundary")] if name.endswith(".boundary") else None
            if name in valid:
                chosen.add(name)
            elif prefix is not None and f"{prefix}.min" in valid and f"{prefix}.max" in valid:
                chosen.update((f"{prefix}.min", f"{prefix}.max"))
            else:
                raise GeometryError(
                    f"{self!r} has no boundary part {name!r}; choose one of: {', '.join(('boundary',) + valid)}"
                )
        if not chosen:
            raise GeometryError("no boundary part given; pass part='boundary' for the whole boundary")
        return frozenset(chosen)


def _first_occurrences(rows: FloatArray) -> IntArray:
    """Indices of the first occurrence of each distinct row, in original order."""
    if len(rows) < 2:
        return np.arange(len(rows))
    _, first = np.unique(rows, axis=0, return_index=True)
    return np.sort(first)
