"""ParaView files from a Solution, through meshio.

* steady problems: ``solution.vtu`` — a line mesh for 1-D grids (points ``(x, 0, 0)``),
  quadrilaterals for 2-D grids, hexahedra for 3-D grids, triangles (or bare vertices) for
  scattered 2-D points, or the cells of the mesh itself when the solution lives on the nodes
  of a mesh file (pass ``cells=domain.cells`` of a :class:`~pinnsolve.geometry.MeshDomain`:
  quadrilaterals stay quadrilaterals, tetrahedra are written in 3-D);
* ODEs (time is the only coordinate): ``solution.vtu``, a line mesh along ``t``;
* time-dependent problems: ``solution.xdmf`` + ``solution.h5``, a time series with the
  spatial mesh written once and one step per sampled time.

Every field is point data; where the exact solution is known, ``exact_<f>`` and
``error_<f>`` (predicted − exact) are written beside it, so ParaView can show the error
without a calculator filter.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pinnsolve.io.atomic import atomic_write

if TYPE_CHECKING:  # io sits below the results: a Solution is only read here
    from pinnsolve.solution import Solution

__all__ = ["write_paraview"]

Cells = list[tuple[str, np.ndarray]]


def write_paraview(
    solution: Solution,
    run_dir: str | Path,
    *,
    name: str = "solution",
    cells: Sequence[tuple[str, np.ndarray]] | None = None,
) -> Path:
    """Write ``solution`` for ParaView into ``run_dir``; return the file to open.

    Returns ``run_dir/<name>.vtu`` for steady problems and ODEs, ``run_dir/<name>.xdmf``
    (its data in ``<name>.h5`` beside it) for time-dependent ones. Files appear atomically.

    ``cells`` (meshio blocks ``[(type, (k, corners)), ...]`` indexing the solution's scattered
    points, e.g. ``MeshDomain.cells`` when the solution was evaluated on the mesh nodes)
    replaces the triangulation, so the result is written back onto the mesh's own cells.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    if cells is not None:
        cells = _checked_cells(solution, cells)
    t = solution.time_coord
    if t is not None and t in solution.axes and solution.space_coords:
        return _write_time_series(solution, run_dir, name, cells)
    return _write_steady(solution, run_dir, name, cells)


# -- meshes ----------------------------------------------------------------------------------


def _grid_mesh(axes: list[np.ndarray]) -> tuple[np.ndarray, Cells]:
    """Points (C order of an ij-indexed grid) and cells of a tensor grid in 1, 2 or 3 dims."""
    if not 1 <= len(axes) <= 3:
        raise ValueError(f"ParaView output supports 1 to 3 grid dimensions, not {len(axes)}")
    shape = tuple(len(a) for a in axes)
    mesh = np.meshgrid(*axes, indexing="ij")
    points = np.zeros((int(np.prod(shape)), 3))
    for k, m in enumerate(mesh):
        points[:, k] = m.ravel()
    index = np.arange(points.shape[0]).reshape(shape)
    if min(shape) < 2:  # a degenerate axis has no cells to span; show the points
        return points, _vertices(points.shape[0])
    if len(shape) == 1:
        return points, [("line", np.stack([index[:-1], index[1:]], axis=1))]
    if len(shape) == 2:
        # counter-clockwise seen from +z: (i,j) (i+1,j) (i+1,j+1) (i,j+1)
        quad = np.stack([index[:-1, :-1], index[1:, :-1], index[1:, 1:], index[:-1, 1:]], -1)
        return points, [("quad", quad.reshape(-1, 4))]
    lo = [index[:-1, :-1, :-1], index[1:, :-1, :-1], index[1:, 1:, :-1], index[:-1, 1:, :-1]]
    hi = [index[:-1, :-1, 1:], index[1:, :-1, 1:], index[1:, 1:, 1:], index[:-1, 1:, 1:]]
    return points, [("hexahedron", np.stack(lo + hi, -1).reshape(-1, 8))]


def _vertices(n: int) -> Cells:
    return [("vertex", np.arange(n).reshape(-1, 1))]


def _checked_cells(solution: Solution, cells: Sequence[tuple[str, np.ndarray]]) -> Cells:
    """Mesh cells over the solution's points: refused unless they index those points."""
    where = f"write_paraview({solution.problem!r})"
    if solution.points is None:
        raise ValueError(f"{where}: cells= needs a solution on scattered points (mesh nodes), not on a grid")
    n = solution.points.shape[0]
    checked: Cells = []
    for kind, block in cells:
        block = np.asarray(block, dtype=np.int64)
        if block.ndim != 2 or (block.size and (block.min() < 0 or block.max() >= n)):
            raise ValueError(
                f"{where}: {kind} cells must be a (k, corners) array of indices into the solution's {n} points"
            )
        checked.append((str(kind), block))
    return checked


def _scattered_mesh(
    solution: Solution, coords: tuple[str, ...], cells: Cells | None = None
) -> tuple[np.ndarray, Cells]:
    assert solution.points is not None
    if len(coords) > 3:
        raise ValueError(f"ParaView output supports up to 3 point coordinates, not {coords}")
    cols = [solution.point_coords.index(c) for c in coords]
    points = np.zeros((solution.points.shape[0], 3))
    points[:, : len(cols)] = solution.points[:, cols]
    if cells:
        return points, list(cells)
    if solution.triangles is not None and len(coords) == 2:
        return points, [("triangle", solution.triangles)]
    return points, _vertices(points.shape[0])


def _point_data(solution: Solution, flatten) -> dict[str, np.ndarray]:
    """Fields, exact values and errors, each passed through ``flatten`` to one value per point."""
    data: dict[str, np.ndarray] = {}
    for f in solution.fields:
        data[f] = flatten(solution.broadcast(f))
        if f in solution.exact:
            data[f"exact_{f}"] = flatten(solution.broadcast(f, "exact"))
            data[f"error_{f}"] = flatten(solution.broadcast(f, "error"))
    return {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in data.items()}


# -- writers ---------------------------------------------------------------------------------


def _write_steady(solution: Solution, run_dir: Path, name: str, mesh_cells: Cells | None = None) -> Path:
    import meshio  # heavy-ish; only when files are written

    if solution.is_grid:
        points, cells = _grid_mesh(list(solution.axes.values()))
    else:
        points, cells = _scattered_mesh(solution, solution.point_coords, mesh_cells)
    mesh = meshio.Mesh(points, cells, point_data=_point_data(solution, np.ravel))
    path = run_dir / f"{name}.vtu"
    with atomic_write(path) as tmp:
        meshio.write(tmp, mesh)
    return path


def _write_time_series(solution: Solution, run_dir: Path, name: str, mesh_cells: Cells | None = None) -> Path:
    t = solution.time_coord
    assert t is not None
    times = solution.axes[t]
    if solution.is_grid:
        space = [a for c, a in solution.axes.items() if c != t]
        points, cells = _grid_mesh(space)
        t_dim = list(solution.axes).index(t)
    else:
        points, cells = _scattered_mesh(solution, solution.space_coords, mesh_cells)
        t_dim = 1  # (N, nt)
    # Move time last so that each step is one C-ordered slab matching the mesh points.
    series = {
        k: np.moveaxis(v, t_dim, -1).reshape(-1, len(times)) for k, v in _point_data(solution, lambda a: a).items()
    }

    # meshio writes the .xdmf and its .h5 as two files; write both in a private directory
    # beside the target and move them in only when complete. The .xdmf refers to the .h5 by
    # its bare name, so the pair keeps working after the move.
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=run_dir))
    try:
        xdmf_tmp = tmp_dir / f"{name}.xdmf"
        with _TimeSeriesWriter(xdmf_tmp) as writer:
            writer.write_points_cells(points, cells)
            for k, tk in enumerate(times):
                writer.write_data(
                    float(tk), point_data={key: np.ascontiguousarray(v[:, k]) for key, v in series.items()}
                )
        for part in (f"{name}.h5", f"{name}.xdmf"):  # the .h5 first: the .xdmf points at it
            with open(tmp_dir / part, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp_dir / part, run_dir / part)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return run_dir / f"{name}.xdmf"


@cache
def _time_series_writer_class() -> type:
    import meshio

    class Writer(meshio.xdmf.TimeSeriesWriter):
        """meshio's writer, with the .h5 beside the .xdmf.

        meshio 5.3 opens ``<stem>.h5`` in the current working directory, wherever the
        .xdmf goes; its reader then looks for it next to the .xdmf and fails.
        """

        def __enter__(self):
            import h5py

            self.h5_filename = str(self.filename.with_suffix(".h5"))
            self.h5_file = h5py.File(self.h5_filename, "w")
            return self

    return Writer


def _TimeSeriesWriter(path: Path):  # noqa: N802 - reads like the class it stands for
    return _time_series_writer_class()(path)
