"""Domains read from mesh files: gmsh ``.msh``, ``.vtu``, ``.xdmf`` and anything meshio reads.

A :class:`MeshDomain` is the region covered by the mesh's cells: triangles and quadrilaterals
in 2-D (each quadrilateral split into two triangles), tetrahedra in 3-D. Everything else is
derived from those simplices:

* interior points: a cell is chosen with probability proportional to its area (volume), then
  a point uniformly inside it, so the points are uniform over the domain;
* the boundary: the facets (edges in 2-D, triangles in 3-D) that belong to exactly one cell,
  each with the unit normal that points away from its cell; boundary points are uniform by
  facet length (area);
* named boundary parts: the mesh's physical groups of facets (gmsh ``Physical Curve`` in 2-D,
  ``Physical Surface`` in 3-D, or meshio ``cell_sets``), usable as ``on="inlet"``.

Both maps from the unit cube are measure preserving — the first unit coordinate picks the
cell (facet) and, rescaled to the cell's slice of [0, 1], is reused as a coordinate inside it
(see :func:`._pieces.select_piece`) — so quasi-random samplers keep their even spread.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pinnsolve.errors import GeometryError

from ._pieces import blend_normals, select_piece
from .domain import BoolArray, Domain, FloatArray, IntArray
from .mesh_files import load_mesh, resolve_mesh_path
from .sampling import extra_ranges, point_count, unit_cube_stream
from .simplices import barycentric, segment_distance, triangle_distance, unit_to_simplex

__all__ = ["MeshDomain"]

# Nearest boundary facets (by centroid) examined for distances and normals.
_NEAREST_FACETS = 16
# Nearest tetrahedra (by centroid) examined when locating a point in a 3-D mesh.
_NEAREST_CELLS = (16, 128)


class MeshDomain(Domain):
    """The region covered by the cells of a mesh file, read with meshio.

    Parameters
    ----------
    path
        The mesh file. A relative path is resolved against ``base_dir`` when given, else
        against the folder of the problem file being loaded (`pinnsolve.load_problem` says
        which, see `pinnsolve.geometry.location`), else against the current directory; so
        ``MeshDomain("meshes/plate.msh")`` in ``problems/plate.py`` finds
        ``problems/meshes/plate.msh`` wherever ``pinnsolve`` is run from.
    coords
        The coordinates the mesh spans, ``(x, y)`` or ``(x, y, z)``; their number must match
        the mesh: 2 for a mesh of triangles/quadrilaterals in a plane, 3 for tetrahedra.
    base_dir
        The folder a relative ``path`` is resolved against (scripts and notebooks; a problem
        file needs none).

    The evaluation points of a mesh domain are its nodes (:meth:`grid_points`) and its
    triangulation is its own cells (:meth:`triangulate`), so a solution lands back on the mesh.
    """

    def __init__(
        self, path: str | os.PathLike[str], coords: Any = None, *, base_dir: str | os.PathLike[str] | None = None
    ) -> None:
        self._source = os.fspath(path)
        wanted = None
        if coords is not None:
            wanted = 1 if isinstance(coords, str) or not isinstance(coords, Sequence) else len(coords)
        mesh = load_mesh(resolve_mesh_path(path, base_dir), wanted)
        self._path = mesh.path
        self._bind(coords, mesh.dim)
        self._nodes, self._simplices, self._cells = mesh.nodes, mesh.simplices, mesh.cells
        self._volumes = mesh.volumes
        self._facets, self._facet_normals, self._facet_measure = mesh.facets, mesh.normals, mesh.facet_measure
        self._parts, self._inner_groups = mesh.parts, mesh.inner_groups

    def __repr__(self) -> str:
        return f"MeshDomain({self._source!r}, coords={self.names})"

    # ------------------------------------------------------------- the mesh
    @property
    def path(self) -> Path:
        """The mesh file that was read (resolved)."""
        return self._path

    @property
    def nodes(self) -> FloatArray:
        """Mesh nodes used by the cells, ``(N, dim)``."""
        return self._nodes.copy()

    @property
    def simplices(self) -> IntArray:
        """Triangles ``(k, 3)`` in 2-D (quadrilaterals split in two) or tetrahedra ``(k, 4)``."""
        return self._simplices.copy()

    @property
    def cells(self) -> list[tuple[str, IntArray]]:
        """The mesh's own cells as meshio blocks ``[(type, (k, corners)), ...]`` over :attr:`nodes`.

        Quadrilaterals stay quadrilaterals here (only their corner nodes are kept); use these
        to write a solution back onto the mesh as it was given.
        """
        return [(kind, block.copy()) for kind, block in self._cells]

    @property
    def boundary_facets(self) -> tuple[IntArray, FloatArray]:
        """Boundary facets ``(m, dim)`` (node indices) and their unit outward normals ``(m, dim)``."""
        return self._facets.copy(), self._facet_normals.copy()

    # ---------------------------------------------------------- Domain API
    def bounds(self) -> tuple[FloatArray, FloatArray]:
        return self._nodes.min(axis=0), self._nodes.max(axis=0)

    def measure(self) -> float:
        return float(self._volumes.sum())

    def boundary_measure(self) -> float:
        return float(self._facet_measure.sum())

    def boundary_parts(self) -> tuple[str, ...]:
        return tuple(self._parts)

    def _part_mask(self, parts: frozenset[str] | None) -> BoolArray:
        if parts is None:
            return np.ones(len(self._facets), dtype=bool)
        mask = np.zeros(len(self._facets), dtype=bool)
        for name in parts:
            mask[self._parts[name]] = True
        return mask

    def _candidate_measure(self, parts: frozenset[str] | None) -> float:
        return float(self._facet_measure[self._part_mask(parts)].sum())

    def _resolve_parts(self, part: str | Sequence[str]) -> frozenset[str] | None:
        for name in (part,) if isinstance(part, str) else tuple(part):
            if name in self._inner_groups:
                raise GeometryError(
                    f"{self!r}: the group {name!r} of {self._path.name} lies inside the domain, not on "
                    f"its boundary; choose one of: {', '.join(('boundary',) + self.boundary_parts())}"
                )
        return super()._resolve_parts(part)

    def sample_interior(
        self,
        n: int,
        sampler: str = "sobol",
        rng: np.random.Generator | int | None = None,
        extra_bounds: Sequence[tuple[float, float]] = (),
    ) -> FloatArray:
        """``n`` points uniform in the mesh by area (volume), with ``extra_bounds`` columns.

        A cell is picked with probability ∝ its measure by the first unit coordinate, and a
        point inside it by a measure-preserving map of the unit square (cube) onto the simplex.
        """
        n = point_count(n)
        extra = extra_ranges(extra_bounds)
        d, k = self._dim, len(extra)
        stream = unit_cube_stream(d + k, sampler, rng)

        def accept(u: FloatArray) -> tuple[FloatArray, BoolArray]:
            cell, first = select_piece(u[:, 0], self._volumes)
            bary = unit_to_simplex(np.column_stack((first, u[:, 1:d])))
            x = np.einsum("nk,nkd->nd", bary, self._nodes[self._simplices[cell]])
            t = extra[:, 0] + u[:, d:] * (extra[:, 1] - extra[:, 0])
            return np.hstack((x, t)), np.ones(len(u), dtype=bool)

        return self._draw(n, stream, accept, d + k, "interior")

    def _boundary_map(
        self, u: FloatArray, parts: frozenset[str] | None
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        d = self._dim
        weights = np.where(self._part_mask(parts), self._facet_measure, 0.0)
        facet, first = select_piece(u[:, 0], weights)
        bary = unit_to_simplex(np.column_stack((first, u[:, 1 : d - 1])))
        points = np.einsum("nk,nkd->nd", bary, self._nodes[self._facets[facet]])
        return points, self._facet_normals[facet], u[:, d - 1 :], np.ones(len(u), dtype=bool)

    def _boundary_vertices(self, parts: frozenset[str] | None) -> tuple[FloatArray, FloatArray]:
        raise AssertionError("a mesh domain is 2-D or 3-D and has no boundary vertices")

    def _contains(self, p: FloatArray, tol: float) -> BoolArray:
        inside = self._locate(p) >= 0
        rest = ~inside
        if rest.any():  # on an edge, or just outside within tol
            inside[rest] = self._nearest_facets(p[rest])[0].min(axis=1) <= tol
        return inside

    def _on_boundary(self, p: FloatArray, tol: float, parts: frozenset[str] | None) -> BoolArray:
        distance, index = self._nearest_facets(p)
        distance = np.where(self._part_mask(parts)[index], distance, np.inf)
        return distance.min(axis=1) <= tol

    def _outward_normal(self, p: FloatArray, tol: float) -> FloatArray:
        distance, index = self._nearest_facets(p)
        return blend_normals(distance, self._facet_normals[index], tol)

    # --------------------------------------------------- grids and triangles
    def grid_points(self, shape: Sequence[int]) -> FloatArray:
        """The mesh nodes ``(N, dim)``, whatever ``shape`` asks for.

        A mesh domain is evaluated where it was meshed, so that :meth:`triangulate` can hand
        back the mesh's own cells and the solution is written onto them. ``shape`` is checked
        for its length only.
        """
        if len(tuple(shape)) != self._dim:
            raise GeometryError(f"grid shape must have {self._dim} entries, got {tuple(shape)}")
        return self._nodes.copy()

    def triangulate(self, points: npt.ArrayLike) -> IntArray:
        """The mesh's triangles when ``points`` are exactly its nodes; else a restricted Delaunay."""
        p = self._points(points)
        if self._dim == 2 and p.shape == self._nodes.shape and np.array_equal(p, self._nodes):
            return self._simplices.copy()
        return super().triangulate(p)

    # ------------------------------------------------------------- lookups
    @cached_property
    def _trifinder(self) -> Any:
        from matplotlib.tri import Triangulation

        return Triangulation(self._nodes[:, 0], self._nodes[:, 1], self._simplices).get_trifinder()

    @cached_property
    def _cell_tree(self) -> Any:
        from scipy.spatial import cKDTree

        return cKDTree(self._nodes[self._simplices].mean(axis=1))

    @cached_property
    def _facet_tree(self) -> Any:
        from scipy.spatial import cKDTree

        return cKDTree(self._nodes[self._facets].mean(axis=1))

    def _locate(self, p: FloatArray) -> IntArray:
        """Index of a cell containing each point, or -1."""
        if len(p) == 0:
            return np.empty(0, dtype=np.intp)
        if self._dim == 2:
            return np.asarray(self._trifinder(p[:, 0], p[:, 1]), dtype=np.intp)
        found = np.full(len(p), -1, dtype=np.intp)
        for k in _NEAREST_CELLS:
            todo = np.flatnonzero(found < 0)
            k = min(k, len(self._simplices))
            if len(todo) == 0:
                break
            _, near = self._cell_tree.query(p[todo], k=k)
            near = near.reshape(len(todo), k)
            bary = barycentric(p[todo], self._nodes[self._simplices[near]])
            ok = bary.min(axis=2) >= -1e-12
            hit = ok.any(axis=1)
            found[todo[hit]] = near[hit, np.argmax(ok[hit], axis=1)]
            if k == len(self._simplices):
                break
        return found

    def _nearest_facets(self, p: FloatArray) -> tuple[FloatArray, IntArray]:
        """Distances ``(n, k)`` to the k boundary facets nearest each point, and their indices."""
        k = min(_NEAREST_FACETS, len(self._facets))
        if len(p) == 0:
            return np.empty((0, k)), np.empty((0, k), dtype=np.intp)
        _, index = self._facet_tree.query(p, k=k)
        index = np.asarray(index, dtype=np.intp).reshape(len(p), k)
        corners = self._nodes[self._facets[index]]  # (n, k, dim, dim)
        if self._dim == 2:
            distance = segment_distance(p[:, None, :], corners[:, :, 0], corners[:, :, 1])
        else:
            distance = triangle_distance(p[:, None, :], corners)
        return distance, index
