"""The explicit scheme: an unstable step is refused with the limit, a stable one is chosen."""

from __future__ import annotations

import pytest

from pinnsolve import (
    D,
    Dirichlet,
    Eq,
    Field,
    Initial,
    Problem,
    Space,
    Time,
    exp,
    laplacian,
    load_problem,
    pi,
    sin,
)
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.reference import solve_reference


def test_unstable_dt_is_refused_with_the_limit(problems_dir) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    # dx = 1/50: the limit is dx²/2 = 2e-4
    with pytest.raises(PinnsolveError, match=r"--dt 0.001 is above the FTCS stability limit dt ≤ 0.0002"):
        solve_reference(p, grid={"x": 51, "t": 11}, scheme="ftcs", dt=1e-3)


def test_stable_dt_is_chosen_and_reported(problems_dir) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    solution, stats = solve_reference(p, grid={"x": 51, "t": 11}, scheme="ftcs")
    assert stats["dt_limit"] == pytest.approx(0.02**2 / 2)
    assert stats["dt"] <= 0.9 * stats["dt_limit"] and stats["dt"] > 0.8 * stats["dt_limit"]
    assert stats["steps"] == round(1.0 / stats["dt"])
    assert solution.errors()["l2_relative_error"] < 1e-3


def test_given_stable_dt_is_used(problems_dir) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    _, stats = solve_reference(p, grid={"x": 51, "t": 11}, scheme="ftcs", dt=1e-4)
    assert stats["dt"] == pytest.approx(1e-4) and stats["dt_chosen_by"] == "given"


def test_limit_uses_the_diffusion_coefficient_and_every_axis() -> None:
    x, y, t = Space("x", 0, 1), Space("y", 0, 2), Time("t", 0, 0.05)
    u = Field("u", x, y, t)
    exact = sin(pi * x) * sin(pi * y / 2) * exp(-0.5 * 1.25 * pi**2 * t)
    p = Problem(
        "heat2d",
        equations=[Eq(D(u, t), 0.5 * laplacian(u))],
        conditions=[Dirichlet(u, 0, on="boundary"), Initial(u, exact.subs(t, 0))],
        exact={u: exact},
    )
    solution, stats = solve_reference(p, grid={"x": 11, "y": 21, "t": 3}, scheme="ftcs")
    assert stats["stability"]["kappa"] == {"x": pytest.approx(0.5), "y": pytest.approx(0.5)}
    assert stats["dt_limit"] == pytest.approx(1 / (2 * 0.5 * (1 / 0.1**2 + 1 / 0.1**2)))
    assert solution.errors()["l2_relative_error"] < 2e-2


def test_second_order_in_time_is_refused(problems_dir) -> None:
    with pytest.raises(PinnsolveError, match="second order in time.*--scheme mol"):
        solve_reference(load_problem(problems_dir / "wave1d.py"), scheme="ftcs")


def test_no_diffusion_is_refused() -> None:
    x, t = Space("x", 0, 1), Time("t", 0, 1)
    u = Field("u", x, t)
    p = Problem(
        "advect", equations=[Eq(D(u, t) + D(u, x), 0)], conditions=[Dirichlet(u, 0, on=x.min), Initial(u, sin(pi * x))]
    )
    with pytest.raises(PinnsolveError, match="no diffusion term"):
        solve_reference(p, scheme="ftcs")
