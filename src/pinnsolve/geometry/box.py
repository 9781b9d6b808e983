"""Axis-aligned boxes: Interval (1D), Rectangle (2D), Box (any dimension)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pinnsolve.errors import GeometryError

from ._pieces import blend_normals, select_piece
from .domain import BoolArray, Domain, FloatArray

__all__ = ["Box", "Interval", "Rectangle"]


class Box(Domain):
    """The box [lo_1, hi_1] × … × [lo_d, hi_d].

    Its boundary consists of 2d faces, named ``"<coord>.min"`` and
    ``"<coord>.max"`` after the coordinate that is extreme on them (the
    endpoints of an interval, the edges of a rectangle).
    """

    def __init__(self, lo: Sequence[float], hi: Sequence[float], coords: Any = None) -> None:
        owner = type(self).__name__
        lo_arr = np.atleast_1d(np.asarray(lo, dtype=float))
        hi_arr = np.atleast_1d(np.asarray(hi, dtype=float))
        if lo_arr.ndim != 1 or lo_arr.shape != hi_arr.shape:
            raise GeometryError(f"{owner}: lo and hi must be sequences of the same length, got {lo!r} and {hi!r}")
        if not (np.all(np.isfinite(lo_arr)) and np.all(np.isfinite(hi_arr))):
            raise GeometryError(f"{owner}: corners must be finite numbers, got lo={lo!r}, hi={hi!r}")
        self._bind(coords, len(lo_arr))
        for i, name in enumerate(self.names):
            if not lo_arr[i] < hi_arr[i]:
                raise GeometryError(
                    f"{owner}: lower bound {lo_arr[i]:g} must be less than upper bound "
                    f"{hi_arr[i]:g} along {name!r}; pass the smaller value in lo"
                )
        self._lo, self._hi = lo_arr, hi_arr

    def __repr__(self) -> str:
        return f"Box({self._lo.tolist()}, {self._hi.tolist()}, coords={self.names})"

    @property
    def is_box(self) -> bool:
        return True

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        return self._lo.copy(), self._hi.copy()

    def measure(self) -> float:
        return float(np.prod(self._hi - self._lo))

    def boundary_measure(self) -> float:
        return self._candidate_measure(None)

    def boundary_parts(self) -> tuple[str, ...]:
        return tuple(f"{name}.{side}" for name in self.names for side in ("min", "max"))

    # Faces are indexed 2*axis + side, side 0 at lo and 1 at hi, matching
    # the order of boundary_parts().
    def _face_normals(self) -> FloatArray:
        eye = np.eye(self._dim)
        # + 0.0 turns the -0.0 of -1 * 0 into 0.0, for tidy output.
        return np.stack([s * eye[i] + 0.0 for i in range(self._dim) for s in (-1.0, 1.0)])

    def _face_areas(self) -> FloatArray:
        width = self._hi - self._lo
        # For d = 1 each face is a point: counting measure 1.
        return np.repeat([float(np.prod(np.delete(width, i))) for i in range(self._dim)], 2)

    def _face_mask(self, parts: frozenset[str] | None) -> BoolArray:
        names = self.boundary_parts()
        return np.array([parts is None or name in parts for name in names])

    def _face_distance(self, p: FloatArray) -> FloatArray:
        # |p_i - lo_i|, |p_i - hi_i| for each axis i, in face order.
        return np.stack((np.abs(p - self._lo), np.abs(p - self._hi)), axis=2).reshape(len(p), -1)

    def _candidate_measure(self, parts: frozenset[str] | None) -> float:
        return float(self._face_areas()[self._face_mask(parts)].sum())

    def _contains(self, p: FloatArray, tol: float) -> BoolArray:
        return np.all((p >= self._lo - tol) & (p <= self._hi + tol), axis=1)

    def _on_boundary(self, p: FloatArray, tol: float, parts: frozenset[str] | None) -> BoolArray:
        near = self._face_distance(p)[:, self._face_mask(parts)] <= tol
        return self._contains(p, tol) & np.any(near, axis=1)

    def _outward_normal(self, p: FloatArray, tol: float) -> FloatArray:
        return blend_normals(self._face_distance(p), self._face_normals(), tol)

    def _boundary_map(
        self, u: FloatArray, parts: frozenset[str] | None
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        d = self._dim
        weights = np.where(self._face_mask(parts), self._face_areas(), 0.0)
        face, first = select_piece(u[:, 0], weights)
        u = u.copy()
        u[:, 0] = first
        axis, side = face // 2, face % 2
        width = self._hi - self._lo
        points = np.empty((len(u), d))
        for i in range(d):
            # A point on face (axis, side) takes the face's fixed value along
            # `axis` and the unit columns, in order, along the other axes.
            on_axis = axis == i
            column = np.where(axis > i, i, i - 1)
            free = self._lo[i] + width[i] * u[np.arange(len(u)), np.clip(column, 0, None)]
            fixed = np.where(side == 0, self._lo[i], self._hi[i])
            points[:, i] = np.where(on_axis, fixed, free)
        normals = self._face_normals()[face]
        return points, normals, u[:, d - 1 :], np.ones(len(u), dtype=bool)

    def _boundary_vertices(self, parts: frozenset[str] | None) -> tuple[FloatArray, FloatArray]:
        mask = self._face_mask(parts)
        points = np.array([[self._lo[0]], [self._hi[0]]])[mask]
        normals = np.array([[-1.0], [1.0]])[mask]
        return points, normals


class Interval(Box):
    """The closed interval [lo, hi]; its boundary is the endpoints ``x.min`` and ``x.max``."""

    def __init__(self, lo: float, hi: float, coords: Any = None) -> None:
        if np.ndim(lo) != 0 or np.ndim(hi) != 0:
            raise GeometryError(f"Interval: lo and hi must be numbers, got {lo!r} and {hi!r}")
        super().__init__([lo], [hi], coords)

    def __repr__(self) -> str:
        return f"Interval({self._lo[0]:g}, {self._hi[0]:g}, coords={self.names})"


class Rectangle(Box):
    """The rectangle [x0, x1] × [y0, y1] given by two opposite corners."""

    def __init__(self, lo: Sequence[float], hi: Sequence[float], coords: Any = None) -> None:
        if np.shape(lo) != (2,) or np.shape(hi) != (2,):
            raise GeometryError(
                f"Rectangle: corners must be (x, y) pairs, e.g. Rectangle((0, 0), (1, 2)); got {lo!r} and {hi!r}"
            )
        super().__init__(lo, hi, coords)

    def __repr__(self) -> str:
        lo, hi = tuple(self._lo.tolist()), tuple(self._hi.tolist())
        return f"Rectangle({lo}, {hi}, coords={self.names})"
