"""The one result type every solver returns: named fields sampled on a grid or on points.

A :class:`Solution` does not know which method produced it. Plots, files and the
validator read only what is here: coordinate axes (or scattered points), the predicted
field arrays, and, where the problem has one, the exact solution on the same points.

Layout contract
---------------
*Grid* (``points is None``): ``axes`` lists the coordinates in order, space first and time
last, each a 1-D array. A field of coordinates ``(x, t)`` has shape
``(len(axes["x"]), len(axes["t"]))``, the order of ``field_coords[name]``
(``np.meshgrid(..., indexing="ij")``).

*Scattered* (``points`` is an ``(N, d)`` array with columns ``point_coords``): each field has
shape ``(N,)``. A domain that is not a box but evolves in time may also keep its time axis
in ``axes`` (``axes == {"t": ...}``); a field of ``(x, y, t)`` then has shape
``(N, len(axes["t"]))``: scattered in space, sampled in time.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io.solution_npz import NPZ_FORMAT, NPZ_VERSION, read_solution_npz, write_solution_npz
from pinnsolve.results.base import Result
from pinnsolve.results.measure import relative_l2

__all__ = ["Solution", "NPZ_FORMAT", "NPZ_VERSION", "SOLUTION_FILE"]

#: the file of a run directory that holds a Solution (beside it, solution.vtu or .xdmf for ParaView)
SOLUTION_FILE = "solution.npz"

# npz member names that a coordinate or field may not take, because the contract uses them.
_RESERVED = frozenset({"points", "triangles", "__meta__"})


@dataclass
class Solution(Result):
    """Named fields of one problem, evaluated by one method, on a grid or on points.

    Parameters
    ----------
    problem, method
        Names of the problem (``"heat1d"``) and of the method (``"pinn"``, ``"fd"``, ...).
    axes
        Grid axes in order, space coordinates first, time last; 1-D each.
        Empty for scattered solutions (or only the time axis, see the module docstring).
    fields
        Predicted field arrays, shaped by the layout contract.
    field_coords
        The coordinate names each field depends on, in the order of its array dimensions.
    exact
        Exact field values on the same points, for the fields that have a known exact solution.
    points, point_coords
        ``(N, d)`` evaluation points of a domain that is not a box, and the names of its columns.
    triangles
        ``(k, 3)`` triangulation of ``points`` for 2-D scattered solutions (optional).
    time_coord
        Name of the time coordinate, if the problem has one.
    diagnostics
        Curves a method measured besides the fields, by plot kind (JSON-ready: numbers and
        lists), e.g. ``{"error_vs_time": {"t": [...], "curves": {...}, "cut": 0.5}}``; each is
        drawn by the viz kind of that name and saved in solution.npz.
    """

    kind: ClassVar[str] = "solution"

    problem: str
    method: str
    axes: dict[str, np.ndarray]
    fields: dict[str, np.ndarray]
    field_coords: dict[str, tuple[str, ...]]
    exact: dict[str, np.ndarray] = field(default_factory=dict)
    points: np.ndarray | None = None
    point_coords: tuple[str, ...] = ()
    triangles: np.ndarray | None = None
    time_coord: str | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.axes = {str(k): np.asarray(v) for k, v in self.axes.items()}
        self.fields = {str(k): np.asarray(v) for k, v in self.fields.items()}
        self.exact = {str(k): np.asarray(v) for k, v in self.exact.items()}
        self.field_coords = {str(k): tuple(v) for k, v in self.field_coords.items()}
        self.point_coords = tuple(self.point_coords)
        if self.points is not None:
            self.points = np.asarray(self.points)
            if self.points.ndim == 1:
                self.points = self.points[:, None]
        if self.triangles is not None:
            self.triangles = np.asarray(self.triangles, dtype=np.int64)
        self._check()

    # -- invariants -------------------------------------------------------------------------

    def _check(self) -> None:
        """Refuse a Solution that breaks the layout contract, saying what is wrong."""
        where = f"Solution({self.problem!r}, {self.method!r})"
        for name, ax in self.axes.items():
            if ax.ndim != 1:
                raise ValueError(f"{where}: axis {name!r} must be 1-D, got shape {ax.shape}")
        if self.points is None:
            if self.point_coords:
                raise ValueError(f"{where}: point_coords given without points")
            if self.triangles is not None:
                raise ValueError(f"{where}: triangles given without points")
        else:
            n, d = self.points.shape
            if len(self.point_coords) != d:
                raise ValueError(f"{where}: points have {d} columns but point_coords is {self.point_coords}")
            extra = set(self.axes) - ({self.time_coord} if self.time_coord else set())
            if extra:
                raise ValueError(
                    f"{where}: a scattered solution keeps only its time axis in `axes`, not {sorted(extra)}"
                )
            if self.triangles is not None:
                tri = self.triangles
                if tri.ndim != 2 or tri.shape[1] != 3:
                    raise ValueError(f"{where}: triangles must be (k, 3), got {tri.shape}")
                if tri.size and (tri.min() < 0 or tri.max() >= n):
                    raise ValueError(f"{where}: triangles index points outside 0..{n - 1}")
        known = set(self.axes) | set(self.point_coords)
        if self.time_coord is not None and self.time_coord not in known:
            raise ValueError(f"{where}: time coordinate {self.time_coord!r} is not a coordinate")
        names = set(self.axes) | set(self.point_coords)
        for name, values in self.fields.items():
            if name in names or name in _RESERVED or name.startswith("exact_"):
                raise ValueError(
                    f"{where}: field name {name!r} clashes with a coordinate or "
                    "a reserved npz name (points, triangles, exact_*)"
                )
            if name not in self.field_coords:
                raise ValueError(f"{where}: field {name!r} has no entry in field_coords")
            unknown = [c for c in self.field_coords[name] if c not in known]
            if unknown:
                raise ValueError(
                    f"{where}: field {name!r} depends on unknown coordinates {unknown}; known: {sorted(known)}"
                )
            expected = self.shape_of(name)
            if values.shape != expected:
                raise ValueError(
                    f"{where}: field {name!r} has shape {values.shape}, "
                    f"expected {expected} for coordinates {self.field_coords[name]}"
                )
        for name, values in self.exact.items():
            if name not in self.fields:
                raise ValueError(f"{where}: exact values for {name!r}, which is not a field")
            if values.shape != self.fields[name].shape:
                raise ValueError(
                    f"{where}: exact {name!r} has shape {values.shape}, the field has {self.fields[name].shape}"
                )

    # -- layout -----------------------------------------------------------------------------

    @property
    def is_grid(self) -> bool:
        """True when the fields live on a tensor grid given by ``axes``."""
        return self.points is None

    @property
    def space_coords(self) -> tuple[str, ...]:
        """The spatial coordinates, in order (empty for an ODE in time only)."""
        coords = tuple(self.axes) if self.is_grid else self.point_coords
        return tuple(c for c in coords if c != self.time_coord)

    @property
    def is_ode(self) -> bool:
        """True when time is the only coordinate: the fields are trajectories y(t)."""
        return self.time_coord is not None and not self.space_coords

    @property
    def is_steady(self) -> bool:
        """True when no field depends on time."""
        return self.time_coord is None or not any(self.time_coord in c for c in self.field_coords.values())

    @property
    def n_points(self) -> int | None:
        """Number of scattered points, or None on a grid."""
        return None if self.points is None else int(self.points.shape[0])

    @property
    def full_shape(self) -> tuple[int, ...]:
        """Shape of a field that depends on every coordinate (see :meth:`broadcast`)."""
        lead = () if self.points is None else (self.points.shape[0],)
        return lead + tuple(len(ax) for ax in self.axes.values())

    def shape_of(self, name: str) -> tuple[int, ...]:
        """The array shape that field ``name`` must have, from its coordinates."""
        coords = self.field_coords[name]
        lead = () if self.points is None else (self.points.shape[0],)
        return lead + tuple(len(self.axes[c]) for c in coords if c in self.axes)

    def broadcast(self, name: str, which: str = "predicted") -> np.ndarray:
        """Field ``name`` spread over every coordinate, shape :attr:`full_shape`.

        A field that does not depend on some coordinate is constant along it; this is what a
        mesh writer or a plot that walks the whole grid wants. ``which`` is ``"predicted"``,
        ``"exact"`` or ``"error"`` (predicted − exact).
        """
        if which == "predicted":
            array = self.fields[name]
        elif which == "exact":
            array = self.exact[name]
        elif which == "error":
            array = self.error_field(name)
        else:
            raise ValueError(f"which must be 'predicted', 'exact' or 'error', not {which!r}")
        own = [c for c in self.field_coords[name] if c in self.axes]
        order = list(self.axes)
        # Put the field's axes into the global order, then insert length-1 dims to broadcast.
        lead = 0 if self.points is None else 1
        perm = list(range(lead)) + [lead + own.index(c) for c in order if c in own]
        array = np.transpose(array, perm)
        shape = ([array.shape[0]] if lead else []) + [len(self.axes[c]) if c in own else 1 for c in order]
        return np.broadcast_to(array.reshape(shape), self.full_shape)

    # -- errors -----------------------------------------------------------------------------

    def error_field(self, name: str) -> np.ndarray:
        """Pointwise error u − u* of field ``name`` (predicted minus exact)."""
        if name not in self.exact:
            raise KeyError(f"no exact solution for field {name!r}; known for: {sorted(self.exact) or 'none'}")
        return self.fields[name] - self.exact[name]

    def errors(self) -> dict[str, Any]:
        r"""Discrete error norms against the exact solution, over all points.

        .. math::
            e_{L^2} = \frac{\sqrt{\sum_f \lVert u_f - u^*_f \rVert_2^2}}
                           {\sqrt{\sum_f \lVert u^*_f \rVert_2^2}},
            \qquad e_\infty = \max_f \max_i |u_{f,i} - u^*_{f,i}|

        Norms are unweighted sums over the sample points (not quadrature). When the exact
        solution is identically zero the relative error is undefined; the absolute L2 norm is
        reported instead and ``"l2_is_absolute": True`` says so (per field as well).
        Returns ``{}`` when no field has an exact solution.
        """
        if not self.exact:
            return {}
        per_field = {name: _norms(self.fields[name], self.exact[name]) for name in self.exact}
        predicted = [np.asarray(self.fields[n], dtype=np.float64).ravel() for n in self.exact]
        exact = [np.asarray(self.exact[n], dtype=np.float64).ravel() for n in self.exact]
        overall = _norms(np.concatenate(predicted), np.concatenate(exact))
        overall["max_abs_error"] = max(f["max_abs_error"] for f in per_field.values())
        overall["fields"] = per_field
        return overall

    # -- the Result contract ----------------------------------------------------------------

    def metrics(self) -> dict[str, Any]:
        """The error norms against the exact solution (see `errors`); ``{}`` without one."""
        return self.errors()

    def save(self, run_dir: str | Path) -> list[Path]:
        """solution.npz and the ParaView file (solution.vtu, or .xdmf with time) into ``run_dir``."""
        from pinnsolve.io.paraview import write_paraview

        run_dir = Path(run_dir)
        return [self.save_npz(run_dir / SOLUTION_FILE), write_paraview(self, run_dir)]

    @classmethod
    def load(cls, run_dir: str | Path) -> Solution:
        """The Solution of a run directory (its solution.npz), or of an .npz file itself."""
        path = Path(run_dir)
        if path.is_dir():
            path = path / SOLUTION_FILE
        if not path.is_file():
            raise RunDirectoryError(
                f"{path.parent} holds no {SOLUTION_FILE}, so there is no solution to read. Give "
                "a run directory that a pinnsolve command wrote; an interrupted run can be "
                f"completed with pinnsolve solve --resume {path.parent}."
            )
        try:
            return cls.load_npz(path)
        except (OSError, ValueError, KeyError) as exc:
            raise RunDirectoryError(f"{path} cannot be read ({exc}). Solve the problem again to rewrite it.") from None

    # -- slicing ----------------------------------------------------------------------------

    def select(self, coord: str, value: float) -> Solution:
        """The slice at the sample of axis ``coord`` nearest to ``value`` (no interpolation).

        The result no longer has that coordinate: selecting the time axis gives a steady
        snapshot, selecting ``z`` on a 3-D grid gives the plane through that height.
        """
        if coord not in self.axes:
            raise ValueError(f"{self.problem}: {coord!r} is not a grid axis; axes: {list(self.axes)}")
        k = int(np.argmin(np.abs(self.axes[coord] - value)))
        lead = 0 if self.points is None else 1

        def cut(name: str, arr: np.ndarray) -> np.ndarray:
            own = [c for c in self.field_coords[name] if c in self.axes]
            return np.take(arr, k, axis=lead + own.index(coord)) if coord in own else arr

        return Solution(
            problem=self.problem,
            method=self.method,
            axes={c: a for c, a in self.axes.items() if c != coord},
            fields={n: cut(n, a) for n, a in self.fields.items()},
            field_coords={n: tuple(c for c in cs if c != coord) for n, cs in self.field_coords.items()},
            exact={n: cut(n, a) for n, a in self.exact.items()},
            points=self.points,
            point_coords=self.point_coords,
            triangles=self.triangles,
            time_coord=None if coord == self.time_coord else self.time_coord,
            diagnostics=self.diagnostics,
        )

    def at_time(self, t_value: float) -> Solution:
        """The steady snapshot at the sampled time nearest to ``t_value`` (no interpolation)."""
        if self.time_coord is None or self.time_coord not in self.axes:
            raise ValueError(f"{self.problem}: no time axis to take a snapshot of")
        return self.select(self.time_coord, t_value)

    # -- files ------------------------------------------------------------------------------

    def save_npz(self, path: str | Path) -> Path:
        """Write the solution as ``.npz`` (atomically); loadable with ``allow_pickle=False``.

        Members: one 1-D array per coordinate named after it (for scattered solutions the
        column of ``points``), one array per field (``u``), exact values as ``exact_u``,
        ``points`` and ``triangles`` when scattered, and ``__meta__``, a JSON string with
        problem, method, field_coords, point_coords and time_coord.
        """
        return write_solution_npz(self, path)

    @classmethod
    def load_npz(cls, path: str | Path) -> Solution:
        """Read a solution written by :meth:`save_npz` (no pickle involved); a corrupt file is a clear error."""
        try:
            return cls(**read_solution_npz(path))
        except FileNotFoundError:
            raise RunDirectoryError(
                f"{path}: missing. The run directory is incomplete; rerun the command that wrote it."
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError, KeyError, json.JSONDecodeError) as exc:
            raise RunDirectoryError(
                f"{path}: not a readable solution file ({type(exc).__name__}: {exc}). The file is "
                "corrupt (truncated?); rerun the command that wrote it."
            ) from None


def _norms(predicted: np.ndarray, exact: np.ndarray) -> dict[str, Any]:
    """Relative L2 (`relative_l2`: absolute where the exact solution is zero, said so) and max abs error."""
    predicted, exact = np.asarray(predicted, dtype=np.float64), np.asarray(exact, dtype=np.float64)
    error = predicted - exact
    out: dict[str, Any] = {
        "l2_relative_error": relative_l2(predicted, exact),
        "max_abs_error": float(np.max(np.abs(error))) if error.size else 0.0,
    }
    if not np.any(exact):
        out["l2_is_absolute"] = True
    return out
