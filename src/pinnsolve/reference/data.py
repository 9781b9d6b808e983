"""Reference data from a file: `Problem(reference="file.npz")`, read and put onto a grid.

Accepted ``.npz`` layouts (loaded with ``allow_pickle=False``):

* **a pinnsolve solution** (``solution.npz`` of any run: it carries ``__meta__``);
* **a grid**: one 1-D array per coordinate, named after it (``x``, ``t``), increasing, and one
  array per field (``u``) of shape ``(len(x), len(t))`` — the field's coordinates in the
  problem's order, space first, time last;
* **points**: ``points`` of shape ``(N, d)``, its columns the problem's coordinates in order
  (or named by a ``columns`` array of strings), and one array of ``N`` values per field.

Values are interpolated onto the requested grid: multilinearly from a grid
(`scipy.interpolate.RegularGridInterpolator`), piecewise-linearly on a Delaunay
triangulation from points (`scipy.interpolate.griddata`), grid points outside the points'
convex hull taking the nearest value.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import ProblemError, SettingsError
from pinnsolve.solution import Solution

__all__ = ["load_reference", "reference_path"]

METHOD = "reference"


def reference_path(problem: Problem, path: str | Path | None = None) -> Path:
    """The file to read: ``path`` or ``problem.reference``; a relative path that does not exist
    from here is looked up beside the problem file."""
    given = path if path is not None else getattr(problem, "reference", None)
    if not given:
        raise ProblemError(
            f"problem '{problem.name}' names no reference file. Write "
            'Problem(..., reference="file.npz") or pass the path.'
        )
    candidate = Path(given)
    if not candidate.is_absolute() and not candidate.exists() and getattr(problem, "file", None):
        beside = Path(problem.file).resolve().parent / candidate
        if beside.exists():
            candidate = beside
    if not candidate.is_file():
        raise ProblemError(f"reference file {given} does not exist (looked here and beside the problem file).")
    return candidate


def _read(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: np.asarray(data[k]) for k in data.files}
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ProblemError(
            f"reference file {path} is not a readable .npz file ({exc}). Save it with "
            "numpy.savez(path, x=..., t=..., u=...)."
        ) from None


def _target_axes(
    problem: Problem, coords: tuple[str, ...], grid: Mapping[str, int | np.ndarray] | None
) -> dict[str, np.ndarray]:
    from pinnsolve.reference.grid import default_sizes

    sizes = default_sizes(problem)
    ranges = {c.name: (c.lo, c.hi) for c in problem.coords}
    if problem.domain is not None:
        lo, hi = problem.domain.bounds()
        ranges.update({n: (float(a), float(b)) for n, a, b in zip(problem.domain.names, lo, hi)})
    axes = {}
    for name, spec in (grid or {}).items():
        if name not in coords:
            raise SettingsError(
                f"the grid names '{name}', which is not a coordinate of the reference data ({', '.join(coords)})."
            )
    for name in coords:
        spec = (grid or {}).get(name, sizes.get(name))
        if np.ndim(spec) == 0:
            n = int(spec)
            if n < 2:
                raise SettingsError(f"the grid for the reference data needs at least 2 points in {name}, got {n}.")
            axes[name] = np.linspace(ranges[name][0], ranges[name][1], n)
        else:
            axes[name] = np.asarray(spec, dtype=float)
    return axes


def _check_axis(path: Path, name: str, axis: np.ndarray) -> np.ndarray:
    axis = np.asarray(axis, dtype=float)
    if axis.ndim != 1 or len(axis) < 2:
        raise ProblemError(
            f"reference file {path}: coordinate '{name}' must be a 1-D array of at least 2 values, "
            f"got shape {axis.shape}."
        )
    if not np.all(np.isfinite(axis)) or not np.all(np.diff(axis) > 0):
        raise ProblemError(f"reference file {path}: coordinate '{name}' must be finite and strictly increasing.")
    return axis


def _from_file(problem: Problem, path: Path) -> Solution:
    """The file's data as a Solution on its own grid or points (no interpolation)."""
    arrays = _read(path)
    if "__meta__" in arrays:
        try:
            saved = Solution.load_npz(path)
        except (ValueError, KeyError) as exc:
            raise ProblemError(
                f"reference file {path} looks like a pinnsolve solution but cannot be read: {exc}"
            ) from None
        return _as_reference(problem, saved, path)
    names = [n for n in problem.field_names if n in arrays]
    if not names:
        raise ProblemError(
            f"reference file {path} has no array named after a field of '{problem.name}' "
            f"(fields: {', '.join(problem.field_names)}; the file has: {', '.join(sorted(arrays))})."
        )
    coords = tuple(c.name for c in problem.coords)
    time = problem.time.name if problem.time is not None else None
    if "points" in arrays:
        points = np.asarray(arrays["points"], dtype=float)
        columns = tuple(str(c) for c in arrays["columns"]) if "columns" in arrays else coords
        if points.ndim == 1 and len(columns) == 1:
            points = points[:, None]
        if points.ndim != 2 or points.shape[1] != len(columns) or set(columns) != set(coords):
            raise ProblemError(
                f"reference file {path}: 'points' has shape {points.shape}; "
                f"expected (N, {len(coords)}) with columns {', '.join(coords)} "
                "(or name them in a 'columns' array)."
            )
        order = [columns.index(c) for c in coords]
        points = points[:, order]
        fields = {}
        for name in names:
            values = np.asarray(arrays[name], dtype=float)
            if values.shape != (len(points),):
                raise ProblemError(
                    f"reference file {path}: field '{name}' has shape {values.shape}, expected "
                    f"({len(points)},), one value per point."
                )
            fields[name] = values
        if not np.all(np.isfinite(points)) or not all(np.all(np.isfinite(v)) for v in fields.values()):
            raise ProblemError(f"reference file {path} contains NaN or infinite values.")
        return Solution(
            problem=problem.name,
            method=METHOD,
            axes={},
            fields=fields,
            field_coords={n: coords for n in fields},
            points=points,
            point_coords=coords,
            time_coord=time,
        )
    missing = [c for c in coords if c not in arrays]
    if missing:
        raise ProblemError(
            f"reference file {path} has no coordinate array '{missing[0]}'. A gridded reference "
            f"holds one 1-D array per coordinate ({', '.join(coords)}) and one array per field; "
            "scattered data holds 'points' (N, d) and one value per point."
        )
    axes = {c: _check_axis(path, c, arrays[c]) for c in coords}
    fields = {}
    for name in names:
        values = np.asarray(arrays[name], dtype=float)
        expected = tuple(len(axes[c]) for c in coords)
        if values.shape != expected:
            raise ProblemError(
                f"reference file {path}: field '{name}' has shape {values.shape}, expected {expected} "
                f"for coordinates ({', '.join(coords)}) in that order."
            )
        if not np.all(np.isfinite(values)):
            raise ProblemError(f"reference file {path}: field '{name}' contains NaN or infinite values.")
        fields[name] = values
    return Solution(
        problem=problem.name,
        method=METHOD,
        axes=axes,
        fields=fields,
        field_coords={n: coords for n in fields},
        time_coord=time,
    )


def _as_reference(problem: Problem, saved: Solution, path: Path) -> Solution:
    """A saved Solution restricted to the problem's fields, scattered-in-time data flattened to points."""
    names = [n for n in problem.field_names if n in saved.fields]
    if not names:
        raise ProblemError(
            f"reference file {path} holds the fields {', '.join(saved.fields)}, none of which is a "
            f"field of '{problem.name}' ({', '.join(problem.field_names)})."
        )
    coords = tuple(c.name for c in problem.coords)
    for n in names:
        own = tuple(saved.point_coords) + tuple(saved.axes) if not saved.is_grid else saved.field_coords[n]
        if set(saved.field_coords[n]) != set(coords) or (saved.is_grid and own != coords):
            raise ProblemError(
                f"reference file {path}: field '{n}' depends on ({', '.join(saved.field_coords[n])}), "
                f"the problem's on ({', '.join(coords)})."
            )
    if saved.is_grid:
        return Solution(
            problem=problem.name,
            method=METHOD,
            axes=saved.axes,
            fields={n: saved.fields[n] for n in names},
            field_coords={n: coords for n in names},
            time_coord=saved.time_coord,
        )
    points = saved.points
    fields = {n: saved.fields[n] for n in names}
    if saved.axes:  # (N, nt): scattered in space, sampled in time
        times = next(iter(saved.axes.values()))
        points = np.column_stack([np.repeat(points, len(times), axis=0), np.tile(times, len(saved.points))])
        fields = {n: v.reshape(-1) for n, v in fields.items()}
    columns = tuple(saved.point_coords) + tuple(saved.axes)
    order = [columns.index(c) for c in coords]
    return Solution(
        problem=problem.name,
        method=METHOD,
        axes={},
        fields=fields,
        field_coords={n: coords for n in names},
        points=points[:, order],
        point_coords=coords,
        time_coord=saved.time_coord,
    )


def _interpolate(data: Solution, name: str, axes: Mapping[str, np.ndarray], path: Path, method: str) -> np.ndarray:
    from scipy.interpolate import (
        NearestNDInterpolator,
        RegularGridInterpolator,
        griddata,
    )

    coords = data.field_coords[name]
    mesh = np.meshgrid(*[axes[c] for c in coords], indexing="ij")
    targets = np.stack([m.ravel() for m in mesh], axis=-1)
    if data.is_grid:
        for c in coords:
            lo, hi = data.axes[c][0], data.axes[c][-1]
            tol = 1e-9 * max(1.0, abs(hi - lo))
            if axes[c][0] < lo - tol or axes[c][-1] > hi + tol:
                raise SettingsError(
                    f"reference file {path} covers {c} in [{lo:g}, {hi:g}] but the requested grid "
                    f"reaches [{axes[c][0]:g}, {axes[c][-1]:g}]; it cannot be extrapolated."
                )
        interp = RegularGridInterpolator(
            tuple(data.axes[c] for c in coords), data.fields[name], method=method, bounds_error=False, fill_value=None
        )
        return interp(targets).reshape(mesh[0].shape)
    points, values = data.points, data.fields[name]
    if points.shape[1] == 1:
        order = np.argsort(points[:, 0])
        return np.interp(targets[:, 0], points[order, 0], values[order]).reshape(mesh[0].shape)
    with _one_blas_thread():
        result = griddata(points, values, targets, method="linear")
    outside = ~np.isfinite(result)
    if np.any(outside):
        result[outside] = NearestNDInterpolator(points, values)(targets[outside])
    return result.reshape(mesh[0].shape)


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """Single-threaded BLAS for the Delaunay barycentric transforms: one tiny LAPACK call per
    simplex, which a threaded OpenBLAS on a busy machine can slow by a factor of hundreds."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def load_reference(
    problem: Problem,
    path: str | Path | None = None,
    grid: Mapping[str, int | np.ndarray] | None = None,
    method: str = "linear",
) -> Solution:
    """Reference data for ``problem`` as a Solution (method ``"reference"``).

    Parameters
    ----------
    path
        The ``.npz`` file; default ``problem.reference`` (relative paths are also looked up
        beside the problem file).
    grid
        Where to evaluate: per coordinate a number of points (spread over its range) or
        the axis itself. Without it, gridded data come back on their own grid and points
        as points; with it, both are interpolated onto that tensor grid.
    method
        Interpolation on gridded data: ``"linear"`` (default) or ``"cubic"``, ...
        (`RegularGridInterpolator` methods).

    The exact solution, where the problem has one, fills the Solution's ``exact``.
    """
    from pinnsolve.reference.solve import exact_on_grid

    file = reference_path(problem, path)
    data = _from_file(problem, file)
    if grid is None:
        if data.is_grid:
            data.exact = exact_on_grid(problem, data.axes) if problem.exact else {}
        elif problem.exact:
            data.exact = _exact_at_points(problem, data)
        return data
    coords = tuple(c.name for c in problem.coords)
    axes = _target_axes(problem, coords, grid)
    fields = {name: _interpolate(data, name, axes, file, method) for name in data.fields}
    return Solution(
        problem=problem.name,
        method=METHOD,
        axes=axes,
        fields=fields,
        field_coords={n: coords for n in fields},
        exact={n: v for n, v in exact_on_grid(problem, axes).items() if n in fields},
        time_coord=problem.time.name if problem.time is not None else None,
    )


def _exact_at_points(problem: Problem, data: Solution) -> dict[str, np.ndarray]:
    import sympy as sp

    symbols = [c for c in problem.coords if c.name in data.point_coords]
    columns = [data.points[:, data.point_coords.index(c.name)] for c in symbols]
    out = {}
    for name, expr in problem.exact.items():
        if name in data.fields:
            values = sp.lambdify(symbols, problem.numeric(expr), modules="numpy")(*columns)
            out[name] = np.broadcast_to(np.asarray(values, dtype=float), (len(data.points),)).copy()
    return out
