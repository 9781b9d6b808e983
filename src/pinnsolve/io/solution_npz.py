"""solution.npz: a `~pinnsolve.solution.Solution` as a NumPy archive, read back without pickle.

Members: one 1-D array per coordinate named after it (for scattered solutions the column of
``points``), one array per field (``u``), exact values as ``exact_u``, ``points`` and
``triangles`` when scattered, and ``__meta__``, a JSON string with the format and version,
problem, method, axes, fields, field_coords, exact, point_coords, time_coord and diagnostics.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pinnsolve.io.atomic import atomic_write

if TYPE_CHECKING:
    from pinnsolve.solution import Solution

__all__ = ["NPZ_FORMAT", "NPZ_VERSION", "read_solution_npz", "write_solution_npz"]

NPZ_FORMAT = "pinnsolve.solution"
NPZ_VERSION = 1


def write_solution_npz(solution: Solution, path: str | Path) -> Path:
    """Write ``solution`` as ``.npz`` at ``path`` (atomically); returns the path."""
    path = Path(path)
    arrays: dict[str, np.ndarray] = dict(solution.axes)
    if solution.points is not None:
        arrays["points"] = solution.points
        arrays.update({c: solution.points[:, i] for i, c in enumerate(solution.point_coords)})
        if solution.triangles is not None:
            arrays["triangles"] = solution.triangles
    arrays.update(solution.fields)
    arrays.update({f"exact_{n}": a for n, a in solution.exact.items()})
    meta = {
        "format": NPZ_FORMAT,
        "version": NPZ_VERSION,
        "problem": solution.problem,
        "method": solution.method,
        "axes": list(solution.axes),
        "fields": list(solution.fields),
        "field_coords": {n: list(c) for n, c in solution.field_coords.items()},
        "exact": list(solution.exact),
        "point_coords": list(solution.point_coords),
        "time_coord": solution.time_coord,
        "diagnostics": _jsonable(solution.diagnostics),
    }
    arrays["__meta__"] = np.array(json.dumps(meta))
    with atomic_write(path) as tmp:
        np.savez(tmp, **arrays)
    return path


def read_solution_npz(path: str | Path) -> dict[str, Any]:
    """The constructor arguments of the Solution written at ``path`` by `write_solution_npz`."""
    with np.load(Path(path), allow_pickle=False) as data:
        if "__meta__" not in data.files:
            raise ValueError(f"{path}: not a pinnsolve solution file (no __meta__ entry)")
        meta = json.loads(str(data["__meta__"]))
        if meta.get("format") != NPZ_FORMAT or meta.get("version", 0) > NPZ_VERSION:
            raise ValueError(
                f"{path}: unsupported solution format {meta.get('format')!r} version {meta.get('version')!r}"
            )
        has_points = "points" in data.files
        return {
            "problem": meta["problem"],
            "method": meta["method"],
            "axes": {c: data[c] for c in meta["axes"]},
            "fields": {n: data[n] for n in meta["fields"]},
            "field_coords": {n: tuple(c) for n, c in meta["field_coords"].items()},
            "exact": {n: data[f"exact_{n}"] for n in meta["exact"]},
            "points": data["points"] if has_points else None,
            "point_coords": tuple(meta["point_coords"]),
            "triangles": data["triangles"] if "triangles" in data.files else None,
            "time_coord": meta["time_coord"],
            "diagnostics": meta.get("diagnostics") or {},
        }


def _jsonable(value: Any) -> Any:
    """Arrays and numpy numbers as lists and floats, for the JSON record in solution.npz."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
