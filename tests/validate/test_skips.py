"""A method that does not apply is skipped, and the reports say why."""

from __future__ import annotations

from pinnsolve.dsl import load_problem
from pinnsolve.validate import validate_problem

from .conftest import PROBLEMS, TINY


def test_trial_on_a_neumann_problem_is_skipped_with_its_reason(tmp_path) -> None:
    problem = load_problem(PROBLEMS / "heat_neumann.py", {})
    result = validate_problem(problem, ["trial"], out=tmp_path / "run", settings=TINY, log=None)
    o = result["trial"]
    assert o.status == "skipped"
    assert "Neumann" in o.reason
    assert f"skipped: {o.reason}" in result.report_md.read_text()
    assert "skipped" in result.report_html.read_text()
    assert not (tmp_path / "run" / "trial").exists()  # nothing half-written


def test_fd_on_a_disk_is_skipped_and_the_exact_solution_still_judges(tmp_path) -> None:
    problem = load_problem(PROBLEMS / "poisson_disk.py", {})
    result = validate_problem(problem, ["fd"], out=tmp_path / "run", settings=TINY, log=None)
    assert result["fd"].status == "skipped"
    assert "box" in result["fd"].reason
    assert result.reference == "exact solution"
