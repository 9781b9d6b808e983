"""Reading a mesh file with meshio: the path, the cells, the boundary facets and the named parts.

`load_mesh` turns a file into a `MeshData` (nodes, simplices, the mesh's own cells, cell measures,
boundary facets with outward normals, and the physical groups that lie on the boundary), checking
on the way everything a user's mesh can get wrong, each with a message that names the file and
the fix. A relative path resolves against the problem file being loaded (`resolve_mesh_path`).
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.errors import GeometryError
from pinnsolve.geometry.location import current_problem_directory

from .domain import FloatArray, IntArray
from .simplices import boundary_facets, oriented, simplex_measure

__all__ = ["MeshData", "load_mesh", "resolve_mesh_path"]

# Cell types by dimension, with the number of corner nodes (higher-order cells keep their
# corners: their first nodes in meshio's ordering).
_AREA_CELLS = {"triangle": 3, "triangle6": 3, "triangle7": 3, "quad": 4, "quad8": 4, "quad9": 4}
_VOLUME_CELLS = {"tetra": 4, "tetra10": 4}
_OTHER_VOLUME_CELLS = frozenset(
    {"hexahedron", "hexahedron20", "hexahedron27", "wedge", "wedge15", "pyramid", "pyramid13"}
)
_FACET_CELLS = {2: {"line": 2, "line3": 2}, 3: {"triangle": 3, "triangle6": 3, "triangle7": 3}}


@dataclass(frozen=True)
class MeshData:
    """A mesh as the domain uses it: only the nodes its cells use, simplices positively oriented.

    ``cells`` are the mesh's own blocks ``[(type, (k, corners))]`` (quadrilaterals kept whole),
    ``volumes`` the simplices' areas (volumes), ``facets``/``normals``/``facet_measure`` the
    boundary facets with unit outward normals and lengths (areas), ``parts`` the boundary facet
    indices of each named group and ``inner_groups`` the names of groups that lie inside.
    """

    path: Path
    dim: int
    nodes: FloatArray
    simplices: IntArray
    cells: list[tuple[str, IntArray]]
    volumes: FloatArray
    facets: IntArray
    normals: FloatArray
    facet_measure: FloatArray
    parts: dict[str, IntArray]
    inner_groups: set[str]


def resolve_mesh_path(path: str | os.PathLike[str], base_dir: str | os.PathLike[str] | None = None) -> Path:
    """The mesh file ``path`` names: absolute as given; relative against ``base_dir``, else against the
    folder of the problem file being loaded (`pinnsolve.geometry.location`), else against the current directory."""
    given = Path(path).expanduser()
    base = Path(base_dir) if base_dir is not None else current_problem_directory()
    candidate = given if given.is_absolute() else (base if base is not None else Path.cwd()) / given
    if candidate.is_file():
        return candidate
    where = "" if given.is_absolute() else f" (looked for {candidate})"
    hint = (
        "give a path relative to the problem file (outside one: to base_dir=, or to the current directory), "
        "or an absolute one"
    )
    if base is not None and not given.is_absolute() and (Path.cwd() / given).is_file():
        hint = (
            f"it exists relative to the current directory ({(Path.cwd() / given).resolve()}), but paths in a "
            "problem file are relative to the problem file: write the path from there, or an absolute one"
        )
    raise GeometryError(f"MeshDomain: mesh file {os.fspath(path)!r} not found{where}; {hint}")


def load_mesh(path: Path, n_coords: int | None = None) -> MeshData:
    """Read and check the mesh at ``path``; ``n_coords`` (if given) must match its dimension."""
    mesh = read_mesh(path)
    dim = mesh_dimension(mesh, path)
    if n_coords is not None and n_coords != dim:
        what = "tetrahedra (a 3-D volume)" if dim == 3 else "triangles/quadrilaterals (a 2-D region)"
        raise GeometryError(
            f"MeshDomain: {path} holds {what}, but {n_coords} coordinate(s) were given; "
            f"pass coords with {dim} coordinates, or use a {n_coords}-D mesh of that region"
        )
    nodes, cells, simplices, groups = mesh_cells(mesh, dim, path)
    # Keep only the nodes the cells use (gmsh files also list geometry points).
    used, inverse = np.unique(simplices, return_inverse=True)
    remap = np.full(len(nodes), -1, dtype=np.intp)
    remap[used] = np.arange(len(used))
    nodes = np.ascontiguousarray(nodes[used])
    simplices = inverse.reshape(simplices.shape).astype(np.intp)
    volumes = simplex_measure(nodes[simplices])
    if not np.all(volumes > 0):
        bad = int(np.sum(~(volumes > 0)))
        raise GeometryError(
            f"MeshDomain: {path} has {bad} cell(s) of zero {'area' if dim == 2 else 'volume'}; "
            "remove the degenerate cells (or re-mesh)"
        )
    facets, normals, measure = boundary_facets(nodes, simplices, path)
    parts, inner = named_parts(groups, remap, facets, path)
    return MeshData(
        path,
        dim,
        nodes,
        simplices,
        [(kind, remap[block]) for kind, block in cells],
        volumes,
        facets,
        normals,
        measure,
        parts,
        inner,
    )


def read_mesh(path: Path) -> Any:
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
        raise GeometryError(
            f"MeshDomain: cannot read {path}: {type(exc).__name__}: {exc}. meshio reads gmsh .msh, "
            ".vtu, .vtk, .xdmf, .med, .mesh and more, chosen by the file's extension; check that "
            "the file is complete and its extension matches its format"
        ) from None
    if len(mesh.points) == 0 or not mesh.cells:
        raise GeometryError(f"MeshDomain: {path} is empty (no nodes or no cells); export the mesh with its elements")
    return mesh


def mesh_dimension(mesh: Any, path: Path) -> int:
    kinds = {block.type for block in mesh.cells}
    if kinds & set(_VOLUME_CELLS):
        return 3
    if kinds & _OTHER_VOLUME_CELLS:
        raise GeometryError(
            f"MeshDomain: {path} holds 3-D cells of type {', '.join(sorted(kinds & _OTHER_VOLUME_CELLS))}; "
            "only tetrahedra are supported in 3-D: re-mesh with tetrahedra (gmsh: Mesh.SubdivisionAlgorithm "
            "or a tetrahedral 3-D algorithm)"
        )
    if kinds & set(_AREA_CELLS):
        return 2
    raise GeometryError(
        f"MeshDomain: {path} has no triangles, quadrilaterals or tetrahedra (cell types: "
        f"{', '.join(sorted(kinds))}); export the surface (2-D) or volume (3-D) elements too "
        "(gmsh saves only elements in physical groups: add a Physical Surface/Volume, or set "
        "Mesh.SaveAll=1)"
    )


Groups = dict[str, list[np.ndarray]]


def mesh_cells(mesh: Any, dim: int, path: Path) -> tuple[FloatArray, list[tuple[str, IntArray]], IntArray, Groups]:
    """Nodes (N, dim), the domain's cell blocks, its simplices, and named facet groups."""
    points = np.asarray(mesh.points, dtype=float)
    if points.ndim != 2 or points.shape[1] < dim:
        raise GeometryError(f"MeshDomain: {path} has {points.shape[1]}-D nodes but {dim}-D cells")
    if not np.all(np.isfinite(points)):
        raise GeometryError(f"MeshDomain: {path} has nodes with non-finite coordinates")
    if dim == 2 and points.shape[1] > 2:
        z = points[:, 2:]
        scale = max(1.0, float(np.max(np.ptp(points[:, :2], axis=0))))
        if float(np.max(np.ptp(z, axis=0))) > 1e-9 * scale:
            raise GeometryError(
                f"MeshDomain: {path} is a 2-D mesh whose nodes are not in one plane "
                "z = const; pinnsolve needs a flat mesh in the (x, y) plane"
            )
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
        raise GeometryError(f"MeshDomain: {path} has cells that refer to nodes it does not list")
    return nodes, cells, oriented(nodes, tri), facet_groups(mesh, dim)


def facet_groups(mesh: Any, dim: int) -> Groups:
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


def named_parts(groups: Groups, remap: IntArray, facets: IntArray, path: Path) -> tuple[dict[str, IntArray], set[str]]:
    """Boundary facet indices of each named group; and the names of groups off the boundary."""
    key = {tuple(row): i for i, row in enumerate(np.sort(facets, axis=1).tolist())}
    parts: dict[str, IntArray] = {}
    inner: set[str] = set()
    for name, blocks in groups.items():
        if name == "boundary":
            raise GeometryError(
                f"MeshDomain: {path} has a physical group named 'boundary', which is the "
                "name of the whole boundary; rename the group"
            )
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
