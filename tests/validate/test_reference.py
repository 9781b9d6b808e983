"""Without an exact solution, every method is compared with the finite-difference reference."""

from __future__ import annotations

import json

import pytest

from pinnsolve.dsl import load_problem
from pinnsolve.validate import validate_problem

from .conftest import PROBLEMS, TINY


@pytest.mark.slow
def test_lorenz_is_judged_against_the_ode_reference(tmp_path) -> None:
    problem = load_problem(PROBLEMS / "lorenz.py", {})
    result = validate_problem(problem, ["pinn", "fd"], out=tmp_path / "run", settings=TINY, log=None)
    assert result.reference.startswith("FD reference")
    pinn, fd = result["pinn"], result["fd"]
    assert pinn.compared_with == result.reference and pinn.l2 is not None and pinn.l2 > 0
    assert fd.compared_with.startswith("itself")
    assert json.loads((result.run_dir / "pinn" / "metrics.json").read_text())["compared_with"] == result.reference
    assert (result.run_dir / "reference.npz").is_file()
    assert "Per field" in result.report_html.read_text()  # x, y, z separately


@pytest.mark.slow
def test_fd_without_exact_gets_an_error_estimate_from_a_finer_grid(tmp_path, write_problem) -> None:
    path = write_problem("""
        from pinnsolve import D, Dirichlet, Eq, Field, Problem, Space, exp
        x = Space("x", 0, 1)
        u = Field("u", x)
        problem = Problem("bvp", equations=[Eq(-D(u, x, 2), exp(3 * x))],
                          conditions=[Dirichlet(u, 0, on=x.boundary)])
    """)
    settings = {"fd_grid": {"x": 21}, "convergence": False}
    result = validate_problem(load_problem(path, {}), ["fd"], out=tmp_path / "run", settings=settings, log=None)
    fd = result["fd"]
    assert "2× finer" in fd.compared_with and "x=41" in fd.compared_with
    # second order: the error against h/2 is 3/4 of the error against the true solution, ~1e-3 here
    assert 1e-4 < fd.l2 < 1e-2
    assert "x=41" in result.report_md.read_text()
