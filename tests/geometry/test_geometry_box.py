"""Intervals, rectangles and boxes: sampling, parts, normals, validation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from pinnsolve.errors import GeometryError, SettingsError
from pinnsolve.geometry import SAMPLERS, Box, Interval, Rectangle


def test_interval_endpoints_once_regardless_of_n():
    domain = Interval(-1.0, 2.0)
    points, normals = domain.sample_boundary(100, rng=0)
    np.testing.assert_array_equal(points, [[-1.0], [2.0]])
    np.testing.assert_array_equal(normals, [[-1.0], [1.0]])
    points, normals = domain.sample_boundary(10, part="x.max")
    np.testing.assert_array_equal(points, [[2.0]])
    np.testing.assert_array_equal(normals, [[1.0]])
    assert domain.sample_boundary(0)[0].shape == (0, 1)


def test_interval_boundary_with_time_column(binomial_ok):
    domain = Interval(0.0, 1.0, coords="x")
    n = 1000
    points, normals = domain.sample_boundary(n, rng=0, extra_bounds=[(0.0, 5.0)])
    assert points.shape == (n, 2) and normals.shape == (n, 1)
    assert set(np.unique(points[:, 0])) == {0.0, 1.0}
    np.testing.assert_array_equal(normals[:, 0], np.where(points[:, 0] == 0.0, -1.0, 1.0))
    assert binomial_ok(int(np.sum(points[:, 0] == 0.0)), n, 0.5)
    assert np.all((points[:, 1] >= 0) & (points[:, 1] <= 5))
    # The time column is spread evenly on each endpoint.
    for end in (0.0, 1.0):
        t = points[points[:, 0] == end, 1]
        assert abs(np.mean(t) - 2.5) < 0.1
    assert len(np.unique(points, axis=0)) == n


def test_rectangle_parts_and_names():
    x, y = sympy.symbols("x y")
    domain = Rectangle((0, 0), (3, 1), coords=(x, y))
    assert domain.coords == (x, y)
    assert domain.names == ("x", "y")
    assert domain.dim == 2 and domain.is_box
    assert domain.boundary_parts() == ("x.min", "x.max", "y.min", "y.max")
    assert domain.measure() == 3.0 and domain.boundary_measure() == 8.0
    lo, hi = domain.bounds()
    np.testing.assert_array_equal(lo, [0, 0])
    np.testing.assert_array_equal(hi, [3, 1])


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_rectangle_boundary_fractions_follow_length(sampler, binomial_ok):
    domain = Rectangle((0, 0), (3, 1))
    n = 4000
    points, normals = domain.sample_boundary(n, sampler, rng=1)
    assert domain.on_boundary(points).all()
    counts = {
        "x.min": np.sum(np.isclose(points[:, 0], 0)),
        "x.max": np.sum(np.isclose(points[:, 0], 3)),
        "y.min": np.sum(np.isclose(points[:, 1], 0)),
        "y.max": np.sum(np.isclose(points[:, 1], 1)),
    }
    for part, length in {"x.min": 1, "x.max": 1, "y.min": 3, "y.max": 3}.items():
        assert binomial_ok(int(counts[part]), n, length / 8), (part, counts)
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0)


def test_part_selection_and_alias():
    domain = Rectangle((0, 0), (2, 1))
    points, normals = domain.sample_boundary(64, rng=0, part="y.max")
    np.testing.assert_array_equal(points[:, 1], 1.0)
    np.testing.assert_array_equal(normals, np.tile([0.0, 1.0], (64, 1)))
    assert domain.on_boundary(points, part="y.max").all()
    assert not domain.on_boundary(points, part="y.min").any()
    points, _ = domain.sample_boundary(200, rng=0, part="x.boundary")
    assert np.all(np.isin(points[:, 0], [0.0, 2.0]))
    assert 0 < np.sum(points[:, 0] == 0.0) < 200
    points, _ = domain.sample_boundary(200, rng=0, part=["x.min", "y.min"])
    assert np.all((points[:, 0] == 0.0) | (points[:, 1] == 0.0))


def test_unknown_part_lists_valid_parts():
    with pytest.raises(GeometryError, match="x.min, x.max, y.min, y.max"):
        Rectangle((0, 0), (1, 1)).sample_boundary(4, part="left")


def test_normals_point_outward():
    domain = Box([0, 0, 0], [1, 2, 3], coords=("x", "y", "z"))
    points, normals = domain.sample_boundary(2000, rng=2)
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0)
    eps = 1e-6
    assert not domain.contains(points + eps * normals).any()
    assert domain.contains(points - eps * normals).all()
    np.testing.assert_allclose(domain.outward_normal(points), normals)


def test_box_face_fractions_follow_area(binomial_ok):
    domain = Box([0, 0, 0], [1, 2, 3])
    assert domain.measure() == 6.0
    assert domain.boundary_measure() == 2 * (2 + 3 + 6)
    n = 4400
    points, _ = domain.sample_boundary(n, rng=3)
    for axis, area in enumerate([6.0, 3.0, 2.0]):
        on_face = np.isclose(points[:, axis], 0.0)
        assert binomial_ok(int(on_face.sum()), n, area / 22)


def test_corner_normal_is_bisector():
    normal = Rectangle((0, 0), (1, 1)).outward_normal([[1.0, 1.0], [0.0, 0.5]])
    np.testing.assert_allclose(normal, [[2**-0.5, 2**-0.5], [-1.0, 0.0]])


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_interior_uniform_with_time(sampler, binomial_ok):
    domain = Rectangle((-1, 0), (1, 4))
    n = 4096
    points = domain.sample_interior(n, sampler, rng=4, extra_bounds=[(0.0, 10.0)])
    assert points.shape == (n, 3)
    assert domain.contains(points[:, :2]).all()
    assert np.all((points[:, 2] >= 0) & (points[:, 2] <= 10))
    # Sub-box x < 0, y < 1, t < 5 holds 1/2 * 1/4 * 1/2 of the space-time volume.
    inside = (points[:, 0] < 0) & (points[:, 1] < 1) & (points[:, 2] < 5)
    assert binomial_ok(int(inside.sum()), n, 1 / 16)
    assert len(np.unique(points, axis=0)) == n


def test_determinism():
    domain = Box([0, 0], [1, 1])
    a = domain.sample_interior(100, rng=np.random.default_rng(9))
    b = domain.sample_interior(100, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)
    pa, na = domain.sample_boundary(100, rng=9)
    pb, nb = domain.sample_boundary(100, rng=9)
    np.testing.assert_array_equal(pa, pb)
    np.testing.assert_array_equal(na, nb)


def test_contains_is_closed():
    domain = Interval(0, 1)
    np.testing.assert_array_equal(
        domain.contains([-0.1, 0.0, 0.5, 1.0, 1.0 + 1e-12, 1.1]),
        [False, True, True, True, True, False],
    )
    np.testing.assert_array_equal(domain.on_boundary([0.0, 0.5, 1.0]), [True, False, True])


def test_grid_points_of_box_is_full_grid():
    domain = Rectangle((0, 0), (2, 1))
    grid = domain.grid_points((5, 3)).reshape(5, 3, 2)
    np.testing.assert_allclose(grid[:, 0, 0], np.linspace(0, 2, 5))
    np.testing.assert_allclose(grid[0, :, 1], np.linspace(0, 1, 3))
    assert Interval(0, 1).grid_points((11,)).shape == (11, 1)


def test_with_coords():
    t = sympy.Symbol("t")
    domain = Interval(0, 1).with_coords((t,))
    assert domain.names == ("t",) and domain.boundary_parts() == ("t.min", "t.max")
    assert Interval(0, 1).names == ("x",)
    assert Box([0, 0, 0], [1, 1, 1]).names == ("x", "y", "z")
    with pytest.raises(GeometryError, match="2-dimensional"):
        Rectangle((0, 0), (1, 1)).with_coords(("x",))


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: Interval(1, 0), "less than"),
        (lambda: Interval([0, 1], 2), "numbers"),
        (lambda: Rectangle((0, 0), (1, 0)), "along 'y'"),
        (lambda: Rectangle((0, 0, 0), (1, 1, 1)), r"\(x, y\) pairs"),
        (lambda: Box([0, 0], [1]), "same length"),
        (lambda: Box([0, np.nan], [1, 1]), "finite"),
        (lambda: Box([0, 0], [1, 1], coords=("x", "x")), "distinct"),
        (lambda: Interval(0, 1, coords=("x", "y")), "1-dimensional"),
    ],
)
def test_validation(build, message):
    with pytest.raises(GeometryError, match=message):
        build()


def test_bad_sampling_arguments():
    domain = Rectangle((0, 0), (1, 1))
    with pytest.raises(GeometryError, match="lo < hi"):
        domain.sample_interior(4, extra_bounds=[(1.0, 0.0)])
    with pytest.raises(GeometryError, match="shape"):
        domain.contains(np.zeros((3, 3)))
    with pytest.raises(SettingsError, match="sobol"):
        domain.sample_interior(4, sampler="nope")
