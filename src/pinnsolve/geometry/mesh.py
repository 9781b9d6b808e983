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

import contextlib
import inspect
import io
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ._pieces import blend_normals, select_piece
from .domain import BoolArray, Domain, FloatArray, IntArray, _count, _extra_bounds
from .sampling import unit_cube_stream

__all__ = ["MeshDomain"]

# Cell types by dimension, with the number of corner nodes (higher-order cells keep their
# corners: their first nodes in meshio's ordering).
_AREA_CELLS = {"triangle": 3, "triangle6": 3, "triangle7": 3, "quad": 4, "quad8": 4, "quad9": 4}
_VOLUME_CELLS = {"tetra": 4, "tetra10": 4}
_OTHER_VOLUME_CELLS = frozenset({"hexahedron", "hexahedron20", "hexahedron27", "wedge", "wedge15",
                                 "pyramid", "pyramid13"})
_FACET_CELLS = {2: {"line": 2, "line3": 2}, 3: {"triangle": 3, "triangle6": 3, "triangle7": 3}}
# Nearest boundary facets (by centroid) examined for distances and normals.
_NEAREST_FACETS = 16
# Nearest tetrahedra (by centroid) examined when locating a point in a 3-D mesh.
_NEAREST_CELLS = (16, 128)


class MeshDomain(Domain):
    """The region covered by the cells of a mesh file, read with meshio.

    Parameters
    ----------
    path
        The mesh file. A relative path is resolved against the directory of the file that
        creates the domain (the problem file), then against the current directory, so
        ``MeshDomain("meshes/plate.msh")`` in ``problems/plate.py`` finds
        ``problems/meshes/plate.msh`` wherever ``pinnsolve`` is run from.
    coords
        The coordinates the mesh spans, ``(x, y)`` or ``(x, y, z)``; their number must match
        the mesh: 2 for a mesh of triangles/quadrilaterals in a plane, 3 for tetrahedra.

    The evaluation points of a mesh domain are its nodes (:meth:`grid_points`) and its
    triangulation is its own cells (:meth:`triangulate`), so a solution lands back on the mesh.
    """

    def __init__(self, path: str | os.PathLike[str], coords: Any = None) -> None:
        self._source = os.fspath(path)
        self._path = _resolve(path, _caller_dir())
        mesh = _read(self._path)
        dim = _dimension(mesh, self._path)
        if coords is not None:
            wanted = 1 if isinstance(coords, str) or not isinstance(coords, Sequence) else len(coords)
            if wanted != dim:
                what = "tetrahedra (a 3-D volume)" if dim == 3 else "triangles/quadrilaterals (a 2-D region)"
                raise ValueError(
                    f"MeshDomain: {self._path} holds {what}, but {wanted} coordinate(s) were given; "
                    f"pass coords with {dim} coordinates, or use a {wanted}-D mesh of that region"
                )
        self._bind(coords, dim)
        nodes, cells, simplices, groups = _cells(mesh, dim, self._path)
        # Keep only the nodes the cells use (gmsh files also list geometry points).
        used, inverse = np.unique(simplices, return_inverse=True)
        remap = np.full(len(nodes), -1, dtype=np.intp)
        remap[used] = np.arange(len(used))
        self._nodes = np.ascontiguousarray(nodes[used])
        self._simplices = inverse.reshape(simplices.shape).astype(np.intp)
        self._cells = [(kind, remap[block]) for kind, block in cells]
        self._volumes = _simplex_measure(self._nodes[self._simplices])
        if not np.all(self._volumes > 0):
            bad = int(np.sum(~(self._volumes > 0)))
            raise ValueError(f"MeshDomain: {self._path} has {bad} cell(s) of zero {_size_word(dim)}; "
                             "remove the degenerate cells (or re-mesh)")
        self._facets, self._facet_normals, self._facet_measure = _boundary(
            self._nodes, self._simplices, self._path)
        self._parts, self._inner_groups = _named_parts(
            groups, remap, self._facets, self._path)

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
                raise ValueError(
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
        n = _count(n)
        extra = _extra_bounds(extra_bounds)
        d, k = self._dim, len(extra)
        stream = unit_cube_stream(d + k, sampler, rng)

        def accept(u: FloatArray) -> tuple[FloatArray, BoolArray]:
            cell, first = select_piece(u[:, 0], self._volumes)
            bary = _unit_to_simplex(np.column_stack((first, u[:, 1:d])))
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
        bary = _unit_to_simplex(np.column_stack((first, u[:, 1 : d - 1])))
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
            raise ValueError(f"grid shape must have {self._dim} entries, got {tuple(shape)}")
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
            bary = _barycentric(p[todo], self._nodes[self._simplices[near]])
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
            distance = _segment_distance(p[:, None, :], corners[:, :, 0], corners[:, :, 1])
        else:
            distance = _triangle_distance(p[:, None, :], corners)
        return distance, index


# -- reading ---------------------------------------------------------------------------------


def _caller_dir() -> Path | None:
    """Directory of the file that called MeshDomain (the problem file), if it has one."""
    frame = inspect.currentframe()
    try:
        while frame is not None:
            name = frame.f_globals.get("__name__", "")
            if not name.startswith("pinnsolve.geometry"):
                file = frame.f_globals.get("__file__")
                return Path(file).resolve().parent if file else None
            frame = frame.f_back
        return None
    finally:
        del frame


def _resolve(path: str | os.PathLike[str], base: Path | None) -> Path:
    given = Path(path).expanduser()
    if given.is_absolute():
        candidates = [given]
    else:
        candidates = ([base / given] if base is not None else []) + [Path.cwd() / given]
    for c in candidates:
        if c.is_file():
            return c
    looked = " and ".join(str(c.parent) for c in dict.fromkeys(candidates))
    raise ValueError(
        f"MeshDomain: mesh file {os.fspath(path)!r} not found (looked in {looked}); give a path "
        "relative to the problem file, or an absolute one"
    )


def _read(path: Path) -> Any:
    import meshio

    chatter = io.StringIO()
    try:
        # meshio prints its own complaints, and may even call sys.exit: keep both in here.
        with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
            mesh = meshio.read(path)
    except (Exception, SystemExit) as exc:  # all mean "cannot read this file"
        if isinstance(exc, SystemExit):
            said = " ".join(chatter.getvalue().split())
            exc = RuntimeError(said or "meshio gave up")
        raise ValueError(
            f"MeshDomain: cannot read {path}: {type(exc).__name__}: {exc}. meshio reads gmsh .msh, "
            ".vtu, .vtk, .xdmf, .med, .mesh and more, chosen by the file's extension; check that "
            "the file is complete and its extension matches its format"
        ) from None
    if len(mesh.points) == 0 or not mesh.cells:
        raise ValueError(f"MeshDomain: {path} is empty (no nodes or no cells); export the mesh "
                         "with its elements")
    return mesh


def _dimension(mesh: Any, path: Path) -> int:
    kinds = {block.type for block in mesh.cells}
    if kinds & set(_VOLUME_CELLS):
        return 3
    if kinds & _OTHER_VOLUME_CELLS:
        raise ValueError(
            f"MeshDomain: {path} holds 3-D cells of type {', '.join(sorted(kinds & _OTHER_VOLUME_CELLS))}; "
            "only tetrahedra are supported in 3-D: re-mesh with tetrahedra (gmsh: Mesh.SubdivisionAlgorithm "
            "or a tetrahedral 3-D algorithm)"
        )
    if kinds & set(_AREA_CELLS):
        return 2
    raise ValueError(
        f"MeshDomain: {path} has no triangles, quadrilaterals or tetrahedra (cell types: "
        f"{', '.join(sorted(kinds))}); export the surface (2-D) or volume (3-D) elements too "
        "(gmsh saves only elements in physical groups: add a Physical Surface/Volume, or set "
        "Mesh.SaveAll=1)"
    )


Groups = dict[str, list[np.ndarray]]


def _cells(mesh: Any, dim: int, path: Path) -> tuple[FloatArray, list[tuple[str, IntArray]],
                                                       IntArray, Groups]:
    """Nodes (N, dim), the domain's cell blocks, its simplices, and named facet groups."""
    points = np.asarray(mesh.points, dtype=float)
    if points.ndim != 2 or points.shape[1] < dim:
        raise ValueError(f"MeshDomain: {path} has {points.shape[1]}-D nodes but {dim}-D cells")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"MeshDomain: {path} has nodes with non-finite coordinates")
    if dim == 2 and points.shape[1] > 2:
        z = points[:, 2:]
        scale = max(1.0, float(np.max(np.ptp(points[:, :2], axis=0))))
        if float(np.max(np.ptp(z, axis=0))) > 1e-9 * scale:
            raise ValueError(f"MeshDomain: {path} is a 2-D mesh whose nodes are not in one plane "
                             "z = const; pinnsolve needs a flat mesh in the (x, y) plane")
    nodes = points[:, :dim]
    table = _VOLUME_CELLS if dim == 3 else _AREA_CELLS
    cells: list[tuple[str, IntArray]] = []
    simplices: list[np.ndarray] = []
    for block in mesh.cells:
        if block.type not in table:
            continue
        corners = np.asarray(block.data[:, : table[block.type]], dtype=np.intp)
        base = block.type.rstrip("0123456789")
        cells.append((base, corners))
        if corners.shape[1] == 4 and dim == 2:  # a quadrilateral: two triangles over a diagonal
            simplices += [corners[:, [0, 1, 2]], corners[:, [0, 2, 3]]]
        else:
            simplices.append(corners)
    tri = np.concatenate(simplices)
    if tri.min() < 0 or tri.max() >= len(nodes):
        raise ValueError(f"MeshDomain: {path} has cells that refer to nodes it does not list")
    return nodes, cells, _oriented(nodes, tri), _facet_groups(mesh, dim)


def _facet_groups(mesh: Any, dim: int) -> Groups:
    """Named groups of facets: gmsh physical groups (field_data + gmsh:physical) and cell_sets."""
    facet_kinds = _FACET_CELLS[dim]
    groups: Groups = {}
    physical = mesh.cell_data.get("gmsh:physical")
    for name, value in (mesh.field_data or {}).items():
        info = np.ravel(np.asarray(value))
        if physical is None or len(info) < 2 or int(info[1]) != dim - 1:
            continue
        tag = int(info[0])
        for block, tags in zip(mesh.cells, physical):
            if block.type in facet_kinds:
                chosen = np.asarray(block.data)[np.asarray(tags) == tag, : facet_kinds[block.type]]
                groups.setdefault(str(name), []).append(chosen)
    for name, per_block in (mesh.cell_sets or {}).items():
        if str(name).startswith("gmsh:"):
            continue
        for block, index in zip(mesh.cells, per_block):
            if block.type in facet_kinds and index is not None and len(index):
                chosen = np.asarray(block.data)[np.asarray(index), : facet_kinds[block.type]]
                groups.setdefault(str(name), []).append(chosen)
    return groups


def _named_parts(groups: Groups, remap: IntArray, facets: IntArray,
                 path: Path) -> tuple[dict[str, IntArray], set[str]]:
    """Boundary facet indices of each named group; and the names of groups off the boundary."""
    key = {tuple(row): i for i, row in enumerate(np.sort(facets, axis=1).tolist())}
    parts: dict[str, IntArray] = {}
    inner: set[str] = set()
    for name, blocks in groups.items():
        if name == "boundary":
            raise ValueError(f"MeshDomain: {path} has a physical group named 'boundary', which is the "
                             "name of the whole boundary; rename the group")
        rows = np.concatenate(blocks) if blocks else np.empty((0, facets.shape[1]), dtype=np.intp)
        if len(rows) == 0:
            continue
        rows = remap[np.clip(rows, 0, len(remap) - 1)]
        found = sorted({key[k] for k in map(tuple, np.sort(rows, axis=1).tolist()) if k in key})
        if found:
            parts[name] = np.asarray(found, dtype=np.intp)
        else:
            inner.add(name)
    return dict(sorted(parts.items())), inner


# -- simplices -------------------------------------------------------------------------------


def _oriented(nodes: FloatArray, simplices: IntArray) -> IntArray:
    """Simplices with positive orientation (counter-clockwise triangles, right-handed tetrahedra)."""
    p = nodes[simplices]
    edges = p[:, 1:] - p[:, :1]
    det = np.linalg.det(edges)
    flipped = simplices.copy()
    flipped[det < 0, :2] = flipped[det < 0, 1::-1]
    return flipped


def _simplex_measure(corners: FloatArray) -> FloatArray:
    """Area of triangles ``(k, 3, 2)`` or volume of tetrahedra ``(k, 4, 3)``."""
    d = corners.shape[2]
    edges = corners[:, 1:] - corners[:, :1]
    return np.abs(np.linalg.det(edges)) / (2.0 if d == 2 else 6.0)


def _facet_measure(corners: FloatArray) -> FloatArray:
    """Length of segments ``(m, 2, 2)`` or area of triangles ``(m, 3, 3)``."""
    if corners.shape[1] == 2:
        return np.linalg.norm(corners[:, 1] - corners[:, 0], axis=1)
    return 0.5 * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0],
                                         corners[:, 2] - corners[:, 0]), axis=1)


_LOCAL_FACETS = {2: [(0, 1), (1, 2), (2, 0)], 3: [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]}


def _boundary(nodes: FloatArray, simplices: IntArray,
              path: Path) -> tuple[IntArray, FloatArray, FloatArray]:
    """Facets of exactly one cell, their unit normals pointing away from it, and their measures."""
    dim = nodes.shape[1]
    local = _LOCAL_FACETS[dim]
    m = len(simplices)
    all_facets = np.concatenate([simplices[:, list(f)] for f in local])  # (len(local) * m, dim)
    _, first, counts = np.unique(np.sort(all_facets, axis=1), axis=0, return_index=True,
                                 return_counts=True)
    if np.any(counts > 2):
        raise ValueError(f"MeshDomain: {path} has facets shared by more than two cells (duplicate "
                         "or overlapping elements); clean the mesh")
    chosen = np.sort(first[counts == 1])
    if len(chosen) == 0:
        raise ValueError(f"MeshDomain: {path} has no boundary facets; is it a closed surface?")
    facets = all_facets[chosen]
    owner = chosen % m
    corners = nodes[facets]
    if dim == 2:
        tangent = corners[:, 1] - corners[:, 0]
        normal = np.column_stack((tangent[:, 1], -tangent[:, 0]))
    else:
        normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    away = corners.mean(axis=1) - nodes[simplices[owner]].mean(axis=1)
    normal *= np.where(np.einsum("md,md->m", normal, away) < 0, -1.0, 1.0)[:, None]
    return facets, normal + 0.0, _facet_measure(corners)


def _unit_to_simplex(u: FloatArray) -> FloatArray:
    """Barycentric coordinates ``(n, j + 1)`` from unit-cube points ``(n, j)``, j = 1, 2, 3.

    Measure preserving onto the segment, triangle (square-root map) and tetrahedron (cube
    folding of Rocchini & Cignoni 2000), so uniform points map to uniform points.
    """
    j = u.shape[1]
    if j == 1:
        return np.column_stack((1.0 - u[:, 0], u[:, 0]))
    if j == 2:
        s = np.sqrt(u[:, 0])
        return np.column_stack((1.0 - s, s * (1.0 - u[:, 1]), s * u[:, 1]))
    s, t, v = u[:, 0].copy(), u[:, 1].copy(), u[:, 2].copy()
    fold = s + t > 1.0
    s[fold], t[fold] = 1.0 - s[fold], 1.0 - t[fold]
    a = t + v > 1.0
    b = ~a & (s + t + v > 1.0)
    t_a, v_a = 1.0 - v[a], 1.0 - s[a] - t[a]
    s_b, v_b = 1.0 - t[b] - v[b], s[b] + t[b] + v[b] - 1.0
    t[a], v[a] = t_a, v_a
    s[b], v[b] = s_b, v_b
    return np.column_stack((1.0 - s - t - v, s, t, v))


def _barycentric(p: FloatArray, corners: FloatArray) -> FloatArray:
    """Barycentric coordinates ``(n, k, d + 1)`` of points ``(n, d)`` in simplices ``(n, k, d + 1, d)``."""
    edges = np.swapaxes(corners[:, :, 1:] - corners[:, :, :1], 2, 3)  # (n, k, d, d)
    rhs = p[:, None, :] - corners[:, :, 0]
    lam = np.linalg.solve(edges, rhs[..., None])[..., 0]
    return np.concatenate((1.0 - lam.sum(axis=2, keepdims=True), lam), axis=2)


def _segment_distance(p: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Distance from points to segments a–b, broadcast over leading dimensions."""
    ab = b - a
    t = np.einsum("...d,...d->...", p - a, ab) / np.einsum("...d,...d->...", ab, ab)
    t = np.clip(t, 0.0, 1.0)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)


def _triangle_distance(p: FloatArray, corners: FloatArray) -> FloatArray:
    """Distance from points ``(n, 1, 3)`` to triangles ``(n, k, 3, 3)``."""
    a, b, c = corners[..., 0, :], corners[..., 1, :], corners[..., 2, :]
    normal = np.cross(b - a, c - a)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    height = np.einsum("...d,...d->...", p - a, normal)
    q = p - height[..., None] * normal  # projection onto the triangle's plane
    # Inside the triangle when q is on the inner side of all three edges.
    inside = np.ones(height.shape, dtype=bool)
    for u, v in ((a, b), (b, c), (c, a)):
        inside &= np.einsum("...d,...d->...", np.cross(v - u, q - u), normal) >= 0
    edges = np.minimum(np.minimum(_segment_distance(p, a, b), _segment_distance(p, b, c)),
                       _segment_distance(p, c, a))
    return np.where(inside, np.abs(height), edges)


def _size_word(dim: int) -> str:
    return "area" if dim == 2 else "volume"
