"""Comparing with a reference: interpolation onto grids and scattered points."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve.solution import Solution
from pinnsolve.validate import against_reference


def _grid(nx: int, nt: int, f) -> Solution:
    x, t = np.linspace(0, 1, nx), np.linspace(0, 2, nt)
    X, T = np.meshgrid(x, t, indexing="ij")
    return Solution("p", "fd", {"x": x, "t": t}, {"u": f(X, T)}, {"u": ("x", "t")}, time_coord="t")


def test_bilinear_fields_are_interpolated_exactly_onto_another_grid() -> None:
    def f(x, t):
        return 1 + 2 * x - 3 * t + x * t

    reference, coarse = _grid(11, 9, f), _grid(7, 5, lambda x, t: 0 * x)
    compared = against_reference(coarse, reference)
    X, T = np.meshgrid(coarse.axes["x"], coarse.axes["t"], indexing="ij")
    np.testing.assert_allclose(compared.exact["u"], f(X, T), atol=1e-13)
    assert compared.errors()["l2_relative_error"] == pytest.approx(1.0)


def test_scattered_points_with_a_time_axis() -> None:
    xs = np.linspace(0, 1, 41)
    reference = Solution(
        "p",
        "fd",
        {"x": xs, "y": xs, "t": np.array([0.0, 1.0])},
        {"u": np.add.outer(np.add.outer(xs, 2 * xs), np.array([0.0, 1.0]))},
        {"u": ("x", "y", "t")},
        time_coord="t",
    )
    points = np.array([[0.1, 0.2], [0.5, 0.5], [0.9, 0.3]])
    t = np.array([0.0, 0.5, 1.0])
    values = (points[:, 0] + 2 * points[:, 1])[:, None] + t[None, :]
    target = Solution(
        "p",
        "pinn",
        {"t": t},
        {"u": values},
        {"u": ("x", "y", "t")},
        points=points,
        point_coords=("x", "y"),
        time_coord="t",
    )
    compared = against_reference(target, reference)
    np.testing.assert_allclose(compared.exact["u"], values, atol=1e-12)
    assert compared.errors()["max_abs_error"] < 1e-12
