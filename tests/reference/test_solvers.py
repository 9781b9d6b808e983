"""Solving shipped and inline problems: accuracy against exact solutions, and what is refused."""

from __future__ import annotations

import time

import numpy as np
import pytest

from pinnsolve import (
    D,
    Dirichlet,
    Eq,
    Field,
    Initial,
    Neumann,
    Periodic,
    Problem,
    Robin,
    Space,
    Time,
    cos,
    exp,
    laplacian,
    load_problem,
    pi,
    sin,
)
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.reference import solve_reference


def test_heat1d_default_reaches_1e_4_quickly(problems_dir) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    started = time.perf_counter()
    solution, stats = solve_reference(p, grid={"x": 201})
    wall = time.perf_counter() - started
    assert solution.fields["u"].shape == (201, 101)
    assert solution.errors()["l2_relative_error"] <= 1e-4  # measured 1.4e-5
    assert stats["scheme"] == "mol" and stats["solver"] == "BDF"
    assert stats["steps"] > 0 and stats["grid"] == {"x": 201, "t": 101}
    assert wall < 5.0  # measured 0.25 s on 2 cores


@pytest.mark.parametrize("name", ["decay", "logistic", "oscillator"])
def test_ode_reference_matches_exact_to_1e_8(problems_dir, name: str) -> None:
    solution, stats = solve_reference(load_problem(problems_dir / f"{name}.py"))
    errors = solution.errors()
    assert stats["scheme"] == "ode" and stats["solver"] == "DOP853" and stats["rtol"] == 1e-10
    assert errors["max_abs_error"] <= 1e-8  # measured ≤ 1.1e-9
    assert errors["l2_relative_error"] <= 1e-8


def test_lorenz_system_is_integrated(problems_dir) -> None:
    solution, _ = solve_reference(load_problem(problems_dir / "lorenz.py"), grid={"t": 51})
    assert set(solution.fields) == {"x", "y", "z"} and solution.fields["x"].shape == (51,)
    assert solution.fields["x"][0] == 1.0 and np.all(np.isfinite(solution.fields["z"]))


def test_steady_poisson_1d_and_2d(problems_dir) -> None:
    s1, st1 = solve_reference(load_problem(problems_dir / "poisson1d.py"))
    assert st1["scheme"] == "steady" and st1["linear"] and st1["steps"] == 1
    assert s1.errors()["l2_relative_error"] < 5e-5
    s2, _ = solve_reference(load_problem(problems_dir / "poisson2d.py"), grid={"x": 41, "y": 41})
    assert s2.fields["u"].shape == (41, 41)
    assert s2.errors()["l2_relative_error"] < 3e-3


def test_nonlinear_steady_problem_uses_newton() -> None:
    x = Space("x", 0, 1)
    u = Field("u", x)
    exact = sin(pi * x) + x
    p = Problem(
        "nonlinear",
        equations=[Eq(-D(u, x, 2) + u**3, 0)],
        conditions=[Dirichlet(u, exact, on=x.boundary)],
        exact={u: exact},
        manufactured=True,
    )
    solution, stats = solve_reference(p, grid={"x": 81})
    assert not stats["linear"] and 2 <= stats["newton_iterations"] < 20
    assert solution.errors()["l2_relative_error"] < 1e-4


def test_coupled_nonlinear_system_with_periodic_axis() -> None:
    x, t = Space("x", 0, 1), Time("t", 0, 0.3)
    u, v = Field("u", x, t), Field("v", x, t)
    ue, ve = sin(2 * pi * x) * exp(-t), cos(2 * pi * x) * cos(t)
    # sources written out rather than manufactured=True, whose simplification takes seconds
    f = ue.diff(t) - (0.1 * ue.diff(x, 2) + ue - ue**3 + ve)
    g = ve.diff(t) - (ve.diff(x, 2) - ue * ve)
    p = Problem(
        "rd",
        equations=[Eq(D(u, t), 0.1 * D(u, x, 2) + u - u**3 + v + f), Eq(D(v, t), D(v, x, 2) - u * v + g)],
        conditions=[Periodic(x), Initial(u, ue.subs(t, 0)), Initial(v, ve.subs(t, 0))],
        exact={u: ue, v: ve},
    )
    solution, stats = solve_reference(p, grid={"x": 81, "t": 11})
    assert stats["periodic"] == ["x"]
    np.testing.assert_allclose(solution.fields["u"][0], solution.fields["u"][-1])  # the end node repeats
    assert solution.errors()["l2_relative_error"] < 2e-3


def test_robin_and_neumann_in_two_dimensions() -> None:
    x, y, t = Space("x", 0, 1), Space("y", 0, 2), Time("t", 0, 0.2)
    u = Field("u", x, y, t)
    ue = cos(pi * x) * cos(pi * y / 2) * exp(-t) + x**2 * y * t
    p = Problem(
        "heat2d",
        equations=[Eq(D(u, t), laplacian(u))],
        conditions=[
            Neumann(u, D(ue, x), on=x.max),
            Robin(u, 2, 1, 2 * ue - D(ue, x), on=x.min),
            Dirichlet(u, ue, on=y.min),
            Neumann(u, D(ue, y), on=y.max),
            Initial(u, ue.subs(t, 0)),
        ],
        exact={u: ue},
        manufactured=True,
    )
    solution, stats = solve_reference(p, grid={"x": 21, "y": 21, "t": 5})
    assert stats["boundary"]["u"] == {"x.max": "Neumann", "x.min": "Robin", "y.max": "Neumann", "y.min": "Dirichlet"}
    assert solution.errors()["l2_relative_error"] < 2e-3


def test_advection_needs_no_outflow_condition() -> None:
    x, t = Space("x", 0, 1), Time("t", 0, 0.5)
    u = Field("u", x, t)
    exact = sin(2 * pi * (x - t))
    p = Problem(
        "advection",
        equations=[Eq(D(u, t) + D(u, x), 0)],
        conditions=[Dirichlet(u, exact.subs(x, 0), on=x.min), Initial(u, sin(2 * pi * x))],
        exact={u: exact},
    )
    solution, _ = solve_reference(p, grid={"x": 161, "t": 6})
    assert solution.errors()["l2_relative_error"] < 2e-3


def test_non_box_domain_is_refused_with_a_pointer(problems_dir) -> None:
    with pytest.raises(PinnsolveError, match='not a box.*exact=.*reference="file.npz"'):
        solve_reference(load_problem(problems_dir / "poisson_disk.py"))


def test_missing_condition_across_a_second_derivative_is_refused() -> None:
    x, t = Space("x", 0, 1), Time("t", 0, 1)
    u = Field("u", x, t)
    p = Problem(
        "open", equations=[Eq(D(u, t), D(u, x, 2))], conditions=[Dirichlet(u, 0, on=x.min), Initial(u, sin(pi * x))]
    )
    with pytest.raises(PinnsolveError, match="no boundary condition on x.max.*Add Dirichlet, Neumann or Robin"):
        solve_reference(p)


def test_condition_on_a_periodic_axis_is_refused() -> None:
    x, t = Space("x", 0, 1), Time("t", 0, 1)
    u = Field("u", x, t)
    p = Problem(
        "both",
        equations=[Eq(D(u, t), D(u, x, 2))],
        conditions=[Periodic(x), Dirichlet(u, 0, on=x.min), Initial(u, sin(2 * pi * x))],
    )
    with pytest.raises(PinnsolveError, match="periodic axis has no boundary"):
        solve_reference(p)


def test_bad_scheme_and_misplaced_options(problems_dir) -> None:
    heat = load_problem(problems_dir / "heat1d.py")
    with pytest.raises(PinnsolveError, match="--scheme crank is not known.*auto.*mol.*ftcs"):
        solve_reference(heat, scheme="crank")
    with pytest.raises(PinnsolveError, match="steady.*--scheme ftcs"):
        solve_reference(load_problem(problems_dir / "poisson1d.py"), scheme="ftcs")
    with pytest.raises(PinnsolveError, match="ODE"):
        solve_reference(load_problem(problems_dir / "decay.py"), scheme="ftcs")


def test_parameter_overrides_reach_the_discretisation(problems_dir) -> None:
    p = load_problem(problems_dir / "heat_neumann.py", {"kappa": "0.25"})
    solution, _ = solve_reference(p, grid={"x": 41, "t": 11})
    assert solution.errors()["l2_relative_error"] < 1e-3  # the exact solution uses the same κ


def test_three_dimensional_poisson() -> None:
    x, y, z = Space("x", 0, 1), Space("y", 0, 1), Space("z", 0, 1)
    u = Field("u", x, y, z)
    exact = sin(pi * x) * sin(pi * y) * exp(z)
    p = Problem(
        "poisson3d",
        equations=[Eq(-laplacian(u), 0)],
        conditions=[Dirichlet(u, exact, on="boundary")],
        exact={u: exact},
        manufactured=True,
    )
    solution, _ = solve_reference(p, grid={"x": 11, "y": 11, "z": 11})
    assert solution.fields["u"].shape == (11, 11, 11)
    assert solution.errors()["l2_relative_error"] < 3e-2


def test_singular_steady_problem_is_refused() -> None:
    x = Space("x", 0, 1)
    u = Field("u", x)
    p = Problem("floating", equations=[Eq(-D(u, x, 2), cos(2 * pi * x))], conditions=[Periodic(x)])
    with pytest.raises(PinnsolveError, match="singular.*up to a constant"):
        solve_reference(p, grid={"x": 21})


def test_unknown_constants_are_refused() -> None:
    from pinnsolve import Unknown

    t = Time("t", 0, 1)
    y = Field("y", t)
    k = Unknown("k", 1.0)
    p = Problem("inverse", equations=[Eq(D(y, t), -k * y)], conditions=[Initial(y, 1)])
    with pytest.raises(PinnsolveError, match="unknown constant 'k'.*Parameter"):
        solve_reference(p)


def test_burgers_default_grid_is_refined_for_the_front(problems_dir) -> None:
    solution, stats = solve_reference(load_problem(problems_dir / "burgers1d.py"), grid={"t": 11})
    assert stats["grid"]["x"] == 401 and "Péclet" in stats["choices"]["x"]
    assert np.max(np.abs(solution.fields["u"])) <= 1.0 + 1e-6  # no overshoot at the front


def test_coarse_burgers_stays_bounded_in_skew_symmetric_form(problems_dir) -> None:
    from pinnsolve.reference.symbolic import pointwise_form

    p = load_problem(problems_dir / "burgers1d.py")
    assert any(a.power == 2 for a in pointwise_form(p).atoms.values())  # u·u_x = (u·u_x + (u²)_x)/3
    solution, stats = solve_reference(p, grid={"x": 101, "t": 11})
    assert any("Péclet" in w for w in stats["warnings"])  # the user chose the grid: warned, not refined
    assert np.all(np.isfinite(solution.fields["u"])) and np.max(np.abs(solution.fields["u"])) < 1.5
