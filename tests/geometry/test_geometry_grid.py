"""Evaluation grids and triangulations for plotting and VTU output."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve.errors import GeometryError
from pinnsolve.geometry import Disk, Polygon, Rectangle

HOLE, R = np.array([1.0, 0.5]), 0.25


def _triangle_areas(points, triangles):
    a, b, c = (points[triangles[:, i]] for i in range(3))
    ab, ac = b - a, c - a
    return 0.5 * np.abs(ab[:, 0] * ac[:, 1] - ab[:, 1] * ac[:, 0])


def test_grid_of_plate_with_hole():
    plate = Rectangle((0, 0), (2, 1)) - Disk(HOLE, R)
    points = plate.grid_points((41, 21))
    assert plate.contains(points).all()
    assert len(np.unique(points, axis=0)) == len(points)
    # The in-domain grid nodes come first, in C order; boundary points follow.
    grid = Rectangle((0, 0), (2, 1)).grid_points((41, 21))
    expected = grid[plate.contains(grid)]
    np.testing.assert_array_equal(points[: len(expected)], expected)
    assert plate.on_boundary(points[len(expected) :]).all()
    # The hole's edge is represented although no grid node lies on it.
    assert np.sum(np.isclose(np.linalg.norm(points - HOLE, axis=1), R)) >= 20
    np.testing.assert_array_equal(plate.grid_points((41, 21)), points)


def test_triangulation_leaves_the_hole_open():
    plate = Rectangle((0, 0), (2, 1)) - Disk(HOLE, R)
    points = plate.grid_points((81, 41))
    triangles = plate.triangulate(points)
    assert triangles.dtype.kind == "i" and triangles.shape[1] == 3
    centroids = points[triangles].mean(axis=1)
    assert np.all(np.linalg.norm(centroids - HOLE, axis=1) > R)
    # No triangle covers the hole's centre (barycentric test).
    a, b, c = (points[triangles[:, i]] for i in range(3))
    v0, v1, v2 = c - a, b - a, HOLE - a
    det = v0[:, 0] * v1[:, 1] - v0[:, 1] * v1[:, 0]
    s = (v2[:, 0] * v1[:, 1] - v2[:, 1] * v1[:, 0]) / det
    t = (v0[:, 0] * v2[:, 1] - v0[:, 1] * v2[:, 0]) / det
    assert not np.any((s >= 0) & (t >= 0) & (s + t <= 1))
    # The triangles tile the plate up to the polygonal hole's edge.
    assert _triangle_areas(points, triangles).sum() == pytest.approx(plate.measure(), rel=2e-3)


def test_triangulation_respects_reentrant_corner():
    ell = Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
    points = ell.grid_points((21, 21))
    triangles = ell.triangulate(points)
    assert _triangle_areas(points, triangles).sum() == pytest.approx(3.0)


def test_triangulate_needs_2d():
    from pinnsolve.geometry import Interval

    with pytest.raises(GeometryError, match="2D"):
        Interval(0, 1).triangulate(np.zeros((4, 1)))
    with pytest.raises(GeometryError, match="entries"):
        Disk((0, 0), 1).grid_points((10,))
