"""Reference data files: round trips, interpolation onto a grid, and refusals of bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pinnsolve import load_problem
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.reference import load_reference, solve_reference


def test_solution_npz_round_trip(problems_dir, tmp_path: Path) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    solution, _ = solve_reference(p, grid={"x": 41, "t": 11})
    solution.save_npz(tmp_path / "ref.npz")
    back = load_reference(p, tmp_path / "ref.npz")
    np.testing.assert_array_equal(back.fields["u"], solution.fields["u"])
    np.testing.assert_array_equal(back.axes["x"], solution.axes["x"])
    assert back.method == "reference" and back.errors()["l2_relative_error"] < 1e-3


def test_plain_grid_file_is_interpolated_onto_a_grid(problems_dir, tmp_path: Path) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    x, t = np.linspace(0, 1, 401), np.linspace(0, 1, 201)
    X, T = np.meshgrid(x, t, indexing="ij")
    np.savez(tmp_path / "grid.npz", x=x, t=t, u=np.sin(np.pi * X) * np.exp(-(np.pi**2) * T))
    ref = load_reference(p, tmp_path / "grid.npz", grid={"x": 33, "t": 17})
    assert ref.fields["u"].shape == (33, 17)
    assert ref.errors()["l2_relative_error"] < 5e-4  # linear interpolation error only: measured 1.4e-4
    cubic = load_reference(p, tmp_path / "grid.npz", grid={"x": 33, "t": 17}, method="cubic")
    assert cubic.errors()["l2_relative_error"] < 1e-6


def test_scattered_points_are_interpolated(problems_dir, tmp_path: Path) -> None:
    p = load_problem(problems_dir / "poisson2d.py")
    rng = np.random.default_rng(0)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    points = np.vstack([corners, rng.random((2000, 2))])
    values = np.sin(np.pi * points[:, 0]) * np.sin(2 * np.pi * points[:, 1])
    np.savez(tmp_path / "points.npz", points=points[:, ::-1], columns=np.array(["y", "x"]), u=values)
    scattered = load_reference(p, tmp_path / "points.npz")
    assert not scattered.is_grid and scattered.point_coords == ("x", "y")
    assert scattered.errors()["max_abs_error"] < 1e-12
    gridded = load_reference(p, tmp_path / "points.npz", grid={"x": 21, "y": 21})
    assert gridded.fields["u"].shape == (21, 21)
    assert gridded.errors()["l2_relative_error"] < 3e-2


def test_reference_path_beside_the_problem_file(write_problem, tmp_path: Path) -> None:
    path = write_problem("""
        from pinnsolve import D, Dirichlet, Eq, Field, Problem, Space
        x = Space("x", 0, 1)
        g = Field("g", x)
        problem = Problem("p", equations=[Eq(D(g, x, 2), 0)], conditions=[Dirichlet(g, 0, on=x.boundary)],
                          reference="data.npz")
    """)
    np.savez(tmp_path / "data.npz", x=np.linspace(0, 1, 5), g=np.zeros(5))
    p = load_problem(path)
    assert load_reference(p).fields["g"].shape == (5,)


def test_bad_files_are_refused_clearly(problems_dir, tmp_path: Path) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    np.savez(tmp_path / "names.npz", x=np.linspace(0, 1, 5), t=np.linspace(0, 1, 3), v=np.zeros((5, 3)))
    with pytest.raises(PinnsolveError, match="no array named after a field.*fields: u.*has: t, v, x"):
        load_reference(p, tmp_path / "names.npz")
    np.savez(tmp_path / "shape.npz", x=np.linspace(0, 1, 5), t=np.linspace(0, 1, 3), u=np.zeros((3, 5)))
    with pytest.raises(PinnsolveError, match=r"shape \(3, 5\), expected \(5, 3\)"):
        load_reference(p, tmp_path / "shape.npz")
    np.savez(tmp_path / "coords.npz", x=np.linspace(0, 1, 5), u=np.zeros((5, 3)))
    with pytest.raises(PinnsolveError, match="no coordinate array 't'"):
        load_reference(p, tmp_path / "coords.npz")
    np.savez(tmp_path / "short.npz", x=np.linspace(0, 0.5, 5), t=np.linspace(0, 1, 3), u=np.zeros((5, 3)))
    with pytest.raises(PinnsolveError, match="cannot be extrapolated"):
        load_reference(p, tmp_path / "short.npz", grid={"x": 11})
    (tmp_path / "junk.npz").write_text("not a zip")
    with pytest.raises(PinnsolveError, match="not a readable .npz"):
        load_reference(p, tmp_path / "junk.npz")
    with pytest.raises(PinnsolveError, match="does not exist"):
        load_reference(p, tmp_path / "missing.npz")
