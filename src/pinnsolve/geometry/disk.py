"""The disk: a circle's interior and the circle itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pinnsolve.errors import GeometryError

from .domain import BoolArray, Domain, FloatArray

__all__ = ["Disk"]


class Disk(Domain):
    """The closed disk |p − c| ≤ r in the plane; its boundary is the circle."""

    def __init__(self, center: Sequence[float], radius: float, coords: Any = None) -> None:
        c = np.asarray(center, dtype=float)
        if c.shape != (2,) or not np.all(np.isfinite(c)):
            raise GeometryError(f"Disk: center must be a finite (x, y) pair, got {center!r}; e.g. Disk((0, 0), 1)")
        if np.ndim(radius) != 0 or not np.isfinite(radius) or not radius > 0:
            raise GeometryError(f"Disk: radius must be a positive number, got {radius!r}; e.g. Disk((0, 0), 1)")
        self._bind(coords, 2)
        self._center, self._radius = c, float(radius)

    def __repr__(self) -> str:
        return f"Disk({tuple(self._center.tolist())}, {self._radius:g}, coords={self.names})"

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        return self._center - self._radius, self._center + self._radius

    def measure(self) -> float:
        return float(np.pi * self._radius**2)

    def boundary_measure(self) -> float:
        return float(2.0 * np.pi * self._radius)

    def _contains(self, p: FloatArray, tol: float) -> BoolArray:
        return np.linalg.norm(p - self._center, axis=1) <= self._radius + tol

    def _on_boundary(self, p: FloatArray, tol: float, parts: frozenset[str] | None) -> BoolArray:
        near = np.abs(np.linalg.norm(p - self._center, axis=1) - self._radius) <= tol
        return near if parts is None else np.zeros(len(p), dtype=bool)

    def _outward_normal(self, p: FloatArray, tol: float) -> FloatArray:
        radial = p - self._center
        length = np.linalg.norm(radial, axis=1, keepdims=True)
        # The centre has no direction of its own; any unit vector will do.
        at_centre = length[:, 0] == 0.0
        radial[at_centre] = (1.0, 0.0)
        length[at_centre] = 1.0
        return radial / length

    def _candidate_measure(self, parts: frozenset[str] | None) -> float:
        return self.boundary_measure() if parts is None else 0.0

    def _boundary_map(
        self, u: FloatArray, parts: frozenset[str] | None
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        angle = 2.0 * np.pi * u[:, 0]
        normals = np.column_stack((np.cos(angle), np.sin(angle)))
        points = self._center + self._radius * normals
        return points, normals, u[:, 1:], np.ones(len(u), dtype=bool)

    def _boundary_vertices(self, parts: frozenset[str] | None) -> tuple[FloatArray, FloatArray]:
        raise AssertionError("a disk is 2D and has no boundary vertices")
