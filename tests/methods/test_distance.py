"""Approximate distance functions: zero on the boundary, positive inside, normalised to first order;
and the trial function built from them meets its conditions exactly on non-box domains."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from pinnsolve import D, Dirichlet, Disk, Eq, Field, Initial, Polygon, Problem, Rectangle, Space, Time, exp, laplacian
from pinnsolve.cli import main
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.methods.distance import distance_function, signed_distance
from pinnsolve.methods.trial import trial_parts

x, y = Space("x"), Space("y")
L_SHAPE = [(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)]  # not convex


def _numeric(expr: sp.Expr):
    value = sp.lambdify((x, y), expr, modules="numpy")
    gradient = sp.lambdify((x, y), [sp.diff(expr, x), sp.diff(expr, y)], modules="numpy")
    return lambda p: np.asarray(value(p[:, 0], p[:, 1])), lambda p: np.stack(gradient(p[:, 0], p[:, 1]), axis=1)


DOMAINS = {
    "disk": Disk((0.2, -0.1), 0.7, coords=(x, y)),
    "L-shaped polygon": Polygon(L_SHAPE, coords=(x, y)),
    "plate minus hole": Rectangle((-1, -1), (1, 1), coords=(x, y)) - Disk((0, 0), 0.4, coords=(x, y)),
    "two overlapping disks": Disk((0, 0), 1, coords=(x, y)) | Disk((1, 0), 0.8, coords=(x, y)),
    "disk cut by a triangle": Disk((0, 0), 1, coords=(x, y)) & Polygon([(-2, -2), (2, -2), (0, 0.5)], coords=(x, y)),
}


@pytest.mark.parametrize("name", list(DOMAINS))
def test_zero_on_the_boundary_positive_inside(name):
    domain = DOMAINS[name]
    phi, grad = _numeric(distance_function(domain, (x, y)))
    boundary, normals = domain.sample_boundary(400, "random", 0)
    inside = domain.sample_interior(400, "random", 1)
    assert np.max(np.abs(phi(boundary))) < 1e-9
    assert np.min(phi(inside)) > 0
    # normalised to first order: ∂φ/∂n = -1 at the boundary, away from corners (where R-functions round off);
    # taken 1e-6 inside (the R-equivalence of a polygon's edges is 0/0 on the boundary itself)
    slope = np.sum(grad(boundary - 1e-6 * normals) * normals, axis=1)
    assert np.median(np.abs(slope + 1)) < 1e-3


def test_a_non_convex_polygon_cannot_enter_a_set_operation():
    hole = Polygon(L_SHAPE, coords=(x, y))
    with pytest.raises(MethodNotApplicable, match="not convex"):
        signed_distance(Rectangle((-1, -1), (3, 3), coords=(x, y)) - hole, (x, y))


def test_a_mesh_domain_has_no_closed_form_distance(problems_dir):
    from pinnsolve.dsl import load_problem

    mesh = load_problem(problems_dir / "plate_hole.py").domain
    with pytest.raises(MethodNotApplicable, match="MeshDomain domain"):
        distance_function(mesh, mesh.coords)


def test_heat_on_a_disk_trial_parts_meet_boundary_and_initial_values():
    t = Time("t", 0, 1)
    u = Field("u", x, y, t)
    exact = (1 + x * y) * exp(-t) + 0.5 * x
    problem = Problem(
        "disk_heat",
        equations=[Eq(D(u, t), laplacian(u) + sp.diff(exact, t) - sp.diff(exact, x, 2) - sp.diff(exact, y, 2))],
        domain=Disk((0, 0), 1, coords=(x, y)),
        conditions=[Dirichlet(u, exact, on="boundary"), Initial(u, exact.subs(t, 0))],
    )
    A, B = trial_parts(problem, problem.fields[0])
    f_a, f_b, f_exact = (sp.lambdify((x, y, t), e, modules="numpy") for e in (A, B, exact))
    boundary, _ = problem.domain.sample_boundary(50, "random", 0)
    inside = problem.domain.sample_interior(50, "random", 1)
    for time in (0.0, 0.3, 1.0):
        bx, by = boundary.T
        assert np.max(np.abs(f_a(bx, by, time) - f_exact(bx, by, time))) < 1e-12
        assert np.max(np.abs(f_b(bx, by, time))) < 1e-12
    ix, iy = inside.T
    assert np.max(np.abs(f_a(ix, iy, 0.0) - f_exact(ix, iy, 0.0))) < 1e-12 and np.all(f_b(ix, iy, 0.0) == 0)
    assert np.all(f_b(ix, iy, 0.5) > 0)


def test_different_data_on_different_parts_is_refused(tmp_path, capsys):
    u = Field("u", x, y)
    problem = Problem(
        "plate",
        equations=[Eq(laplacian(u), 0)],
        domain=Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], coords=(x, y)),
        conditions=[Dirichlet(u, 0, on=["edge0", "edge1", "edge2"]), Dirichlet(u, 1, on="edge3")],
    )
    with pytest.raises(MethodNotApplicable, match="different data on different parts"):
        trial_parts(problem, problem.fields[0])


@pytest.mark.slow
def test_trial_on_the_disk_reaches_the_exact_solution(problems_dir, tmp_path):
    out = tmp_path / "run"
    flags = ["--method", "trial", "--steps", "200", "--lbfgs-steps", "150", "--points", "400", "--threads", "1"]
    assert main(["solve", str(problems_dir / "poisson_disk.py"), *flags, "--quiet", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["l2_relative_error"] < 1e-3  # measured 6.7e-6 with 500 + 300 steps and the default points
    assert "approximate distance function" in json.loads((out / "config.json").read_text())["choices"]["constraints"]
