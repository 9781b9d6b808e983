"""Disks and polygons: measures, uniform sampling, outward normals, validation."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve.errors import GeometryError
from pinnsolve.geometry import SAMPLERS, Disk, Polygon

L_SHAPE = [(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)]  # counter-clockwise


def _assert_outward(domain, points, normals, eps=1e-6):
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0)
    assert not domain.contains(points + eps * normals).any()
    assert domain.contains(points - eps * normals).all()


def test_disk_measures():
    disk = Disk((1.0, -2.0), 0.5)
    assert disk.measure() == pytest.approx(np.pi * 0.25)
    assert disk.boundary_measure() == pytest.approx(np.pi)
    assert not disk.is_box
    assert disk.boundary_parts() == ()
    lo, hi = disk.bounds()
    np.testing.assert_allclose(lo, [0.5, -2.5])
    np.testing.assert_allclose(hi, [1.5, -1.5])


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_disk_interior_uniform_by_area(sampler, binomial_ok):
    disk = Disk((0, 0), 2.0)
    n = 3000
    points = disk.sample_interior(n, sampler, rng=0)
    assert points.shape == (n, 2) and disk.contains(points).all()
    radius = np.linalg.norm(points, axis=1)
    # The inner disk of half the radius holds a quarter of the area.
    assert binomial_ok(int(np.sum(radius < 1.0)), n, 0.25)
    assert binomial_ok(int(np.sum(points[:, 0] > 0)), n, 0.5)
    assert len(np.unique(points, axis=0)) == n


def test_disk_boundary(binomial_ok):
    disk = Disk((0.3, 0.1), 0.7)
    n = 2000
    points, normals = disk.sample_boundary(n, rng=1)
    assert disk.on_boundary(points).all()
    _assert_outward(disk, points, normals)
    np.testing.assert_allclose(disk.outward_normal(points), normals, atol=1e-12)
    angle = np.arctan2(points[:, 1] - 0.1, points[:, 0] - 0.3)
    assert binomial_ok(int(np.sum(angle > np.pi / 2)), n, 0.25)


def test_disk_validation():
    with pytest.raises(GeometryError, match="positive"):
        Disk((0, 0), 0)
    with pytest.raises(GeometryError, match="center"):
        Disk((0, 0, 0), 1)


@pytest.mark.parametrize("vertices", [L_SHAPE, L_SHAPE[::-1]], ids=["ccw", "cw"])
def test_polygon_either_orientation(vertices, binomial_ok):
    shape = Polygon(vertices)
    assert shape.measure() == pytest.approx(3.0)
    assert shape.boundary_measure() == pytest.approx(8.0)
    np.testing.assert_array_equal(
        shape.contains([[0.5, 0.5], [1.5, 1.5], [1.0, 1.5], [2.0, 0.5], [-0.1, 1.0]]),
        [True, False, True, True, False],
    )
    points, normals = shape.sample_boundary(1600, rng=2)
    assert shape.on_boundary(points).all()
    _assert_outward(shape, points, normals)
    # The re-entrant edge x = 1, 1 < y < 2 has length 1 of 8 and faces +x.
    on_notch = np.isclose(points[:, 0], 1.0) & (points[:, 1] > 1)
    assert binomial_ok(int(on_notch.sum()), 1600, 1 / 8)
    np.testing.assert_allclose(normals[on_notch], np.tile([1.0, 0.0], (on_notch.sum(), 1)))
    inner = shape.sample_interior(3000, rng=3)
    assert shape.contains(inner).all()
    assert binomial_ok(int(np.sum(inner[:, 1] > 1)), 3000, 1 / 3)


def test_polygon_edges_are_parts():
    triangle = Polygon([(0, 0), (4, 0), (0, 3)])
    assert triangle.boundary_parts() == ("edge0", "edge1", "edge2")
    points, normals = triangle.sample_boundary(50, rng=0, part="edge1")
    np.testing.assert_allclose(points @ [3, 4], 12.0)  # the hypotenuse 3x + 4y = 12
    np.testing.assert_allclose(normals, np.tile([0.6, 0.8], (50, 1)))
    assert Polygon([(0, 0), (1, 0), (0, 1), (0, 0)]).measure() == pytest.approx(0.5)


@pytest.mark.parametrize(
    "vertices, message",
    [
        ([(0, 0), (1, 0)], "at least 3"),
        ([(0, 0), (1, 1), (2, 2)], "no area"),
        ([(0, 0), (1, 1), (1, 0), (0, 1)], "cross"),
        ([(0, 0), (2, 0), (1, 0), (1, 1)], "cross"),
        ([(0, 0), (1, 0), (1, 0), (0, 1)], "coincide"),
        ([(0, 0, 0), (1, 0, 0), (0, 1, 0)], r"\(x, y\) pairs"),
    ],
)
def test_polygon_validation(vertices, message):
    with pytest.raises(GeometryError, match=message):
        Polygon(vertices)
