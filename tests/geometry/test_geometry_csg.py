"""CSG: union, intersection and difference of disks, rectangles and intervals."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from pinnsolve.errors import GeometryError
from pinnsolve.geometry import Difference, Disk, Intersection, Interval, Polygon, Rectangle, Union

R = 0.25


@pytest.fixture
def plate() -> Difference:
    """A 2 x 1 plate with a hole of radius R at (1, 0.5)."""
    return Rectangle((0, 0), (2, 1)) - Disk((1, 0.5), R)


def _assert_outward(domain, points, normals, eps=1e-6):
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0)
    assert not domain.contains(points + eps * normals).any()
    assert domain.contains(points - eps * normals).all()


def _distinct(points) -> bool:
    return len(np.unique(points, axis=0)) == len(points)


def test_plate_with_hole_contains(plate):
    assert isinstance(plate, Difference) and not plate.is_box
    np.testing.assert_array_equal(
        plate.contains([[1.0, 0.5], [1.1, 0.5], [1.0 + R, 0.5], [0.0, 0.0], [2.1, 0.5]]),
        [False, False, True, True, False],
    )
    np.testing.assert_array_equal(plate.on_boundary([[1.0 + R, 0.5], [0.5, 0.0], [0.5, 0.5]]), [True, True, False])
    assert plate.measure() == pytest.approx(2 - np.pi * R**2, rel=1e-4)
    assert plate.boundary_measure() == pytest.approx(6 + 2 * np.pi * R, rel=1e-4)


def test_plate_with_hole_sampling(plate, binomial_ok):
    n = 3000
    inner = plate.sample_interior(n, rng=0)
    assert inner.shape == (n, 2) and _distinct(inner)
    assert plate.contains(inner).all()
    assert np.all(np.linalg.norm(inner - [1, 0.5], axis=1) >= R)
    assert binomial_ok(int(np.sum(inner[:, 0] < 0.5)), n, 0.5 / plate.measure())

    points, normals = plate.sample_boundary(n, rng=1)
    assert _distinct(points) and plate.on_boundary(points).all()
    _assert_outward(plate, points, normals)
    on_hole = np.isclose(np.linalg.norm(points - [1, 0.5], axis=1), R)
    circle = 2 * np.pi * R
    assert binomial_ok(int(on_hole.sum()), n, circle / (6 + circle))
    # On the hole the outward normal of the plate points to the hole's centre.
    toward_centre = ([1, 0.5] - points[on_hole]) / R
    np.testing.assert_allclose(normals[on_hole], toward_centre, atol=1e-12)
    np.testing.assert_allclose(plate.outward_normal(points), normals, atol=1e-12)


def test_union_and_intersection_of_rectangle_and_disk(binomial_ok):
    square = Rectangle((0, 0), (1, 1))
    disk = Disk((1, 0.5), 0.5)  # the square's edge x = 1 is the disk's diameter
    union, both = square | disk, square & disk
    assert isinstance(union, Union) and isinstance(both, Intersection)
    assert union.measure() == pytest.approx(1 + np.pi / 8, rel=1e-4)
    assert both.measure() == pytest.approx(np.pi / 8, rel=1e-4)
    assert union.boundary_measure() == pytest.approx(3 + np.pi / 2, rel=1e-4)
    assert both.boundary_measure() == pytest.approx(1 + np.pi / 2, rel=1e-4)
    for domain, total, arc in ((union, 3 + np.pi / 2, np.pi / 2), (both, 1 + np.pi / 2, np.pi / 2)):
        n = 2000
        points, normals = domain.sample_boundary(n, rng=2)
        assert _distinct(points) and domain.on_boundary(points).all()
        _assert_outward(domain, points, normals)
        on_circle = np.isclose(np.linalg.norm(points - [1, 0.5], axis=1), 0.5)
        on_arc = on_circle & ~np.isclose(points[:, 0], 1)
        assert binomial_ok(int(on_arc.sum()), n, arc / total)
        inner = domain.sample_interior(n, rng=3)
        assert _distinct(inner) and domain.contains(inner).all()
    # The union has no boundary along the shared diameter, the intersection does.
    diameter = np.column_stack((np.ones(5), np.linspace(0.1, 0.9, 5)))
    assert not union.on_boundary(diameter).any()
    assert both.on_boundary(diameter).all()
    np.testing.assert_allclose(both.outward_normal(diameter), np.tile([1.0, 0.0], (5, 1)))


def test_touching_rectangles_have_no_internal_face():
    left, right = Rectangle((0, 0), (1, 1)), Rectangle((1, 0), (2, 1))
    union = left | right
    assert union.measure() == pytest.approx(2.0)
    assert union.boundary_measure() == pytest.approx(6.0, rel=1e-4)
    points, normals = union.sample_boundary(1000, rng=4)
    assert _distinct(points)
    interior_face = np.isclose(points[:, 0], 1.0) & (points[:, 1] > 0) & (points[:, 1] < 1)
    assert not interior_face.any()
    _assert_outward(union, points, normals)


def test_coincident_faces_sampled_once(binomial_ok):
    # The small square's bottom and left edges lie on the big rectangle's.
    union = Rectangle((0, 0), (2, 1)) | Rectangle((0, 0), (1, 1))
    assert union.boundary_measure() == pytest.approx(6.0, rel=1e-4)
    n = 3000
    points, _ = union.sample_boundary(n, rng=5)
    assert _distinct(points)
    assert binomial_ok(int(np.sum(points[:, 1] == 0.0)), n, 2 / 6)
    # A difference whose subtrahend shares edges: the L-shape.
    ell = Rectangle((0, 0), (2, 2)) - Rectangle((1, 1), (2, 2))
    polygon = Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
    assert ell.measure() == pytest.approx(polygon.measure(), rel=1e-4)
    assert ell.boundary_measure() == pytest.approx(polygon.boundary_measure(), rel=1e-4)
    points, normals = ell.sample_boundary(n, rng=6)
    assert polygon.on_boundary(points).all()
    np.testing.assert_allclose(normals, polygon.outward_normal(points), atol=1e-12)


def test_one_dimensional_csg():
    two = Interval(0, 1) | Interval(2, 3)
    points, normals = two.sample_boundary(50)
    np.testing.assert_array_equal(points[:, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(normals[:, 0], [-1, 1, -1, 1])
    assert two.measure() == pytest.approx(2.0)
    cut = Interval(0, 2) - Interval(1, 3)
    points, normals = cut.sample_boundary(50)
    np.testing.assert_array_equal(points[:, 0], [0, 1])
    np.testing.assert_array_equal(normals[:, 0], [-1, 1])
    points, normals = cut.sample_boundary(400, rng=0, extra_bounds=[(0, 1)])
    assert set(points[:, 0]) == {0.0, 1.0} and _distinct(points)
    inner = cut.sample_interior(200, rng=0)
    assert np.all((inner >= 0) & (inner <= 1))


def test_nested_csg_and_parts(plate):
    two_holes = plate - Disk((0.4, 0.5), 0.2)
    assert two_holes.measure() == pytest.approx(2 - np.pi * (R**2 + 0.04), rel=1e-4)
    points, normals = two_holes.sample_boundary(1000, rng=7)
    assert _distinct(points) and two_holes.on_boundary(points).all()
    _assert_outward(two_holes, points, normals)
    assert two_holes.boundary_parts() == ("x.min", "x.max", "y.min", "y.max")
    points, normals = two_holes.sample_boundary(100, rng=7, part="x.min")
    np.testing.assert_array_equal(points[:, 0], 0.0)
    np.testing.assert_array_equal(normals, np.tile([-1.0, 0.0], (100, 1)))


def test_plate_with_time(plate):
    points = plate.sample_interior(500, rng=8, extra_bounds=[(0, 3)])
    assert points.shape == (500, 3) and plate.contains(points[:, :2]).all()
    points, normals = plate.sample_boundary(500, rng=8, extra_bounds=[(0, 3)])
    assert points.shape == (500, 3) and normals.shape == (500, 2)
    assert plate.on_boundary(points[:, :2]).all()


def test_determinism(plate):
    a = plate.sample_boundary(300, rng=np.random.default_rng(11))
    b = plate.sample_boundary(300, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(
        plate.sample_interior(300, "halton", rng=3), plate.sample_interior(300, "halton", rng=3)
    )


def test_coordinates_must_match():
    x, y, r = sympy.symbols("x y r")
    with pytest.raises(GeometryError, match=r"coordinates \('x', 'y'\) and \('r', 'y'\) differ"):
        Rectangle((0, 0), (1, 1), coords=(x, y)) | Disk((0, 0), 1, coords=(r, y))
    with pytest.raises(GeometryError, match="differ"):
        Interval(0, 1) - Rectangle((0, 0), (1, 1))
    renamed = (Rectangle((0, 0), (1, 1)) - Disk((0, 0), 0.5)).with_coords((r, y))
    assert renamed.names == ("r", "y")
    assert renamed.boundary_parts() == ("r.min", "r.max", "y.min", "y.max")
    with pytest.raises(GeometryError):
        Rectangle((0, 0), (1, 1)) | 3


def test_empty_results_raise():
    with pytest.raises(GeometryError, match="do not overlap"):
        Rectangle((0, 0), (1, 1)) & Rectangle((2, 2), (3, 3))
    gone = Rectangle((0, 0), (1, 1)) - Rectangle((-1, -1), (2, 2))
    with pytest.raises(GeometryError, match="empty"):
        gone.sample_interior(10, rng=0)
