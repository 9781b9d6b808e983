"""The finite-difference reference as a validation method, and as the reference itself
when a problem has no exact solution."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import PinnsolveError
from pinnsolve.solution import Solution
from pinnsolve.validate.outcome import MethodOutcome
from pinnsolve.validate.settings import fd_settings

__all__ = ["convergence", "grid_words", "reference_solution"]


def grid_words(solution: Solution) -> str:
    """A solution's sampling in words: ``x=41 × t=21 grid`` or ``N points``."""
    if solution.is_grid:
        return " × ".join(f"{c}={len(a)}" for c, a in solution.axes.items()) + " grid"
    return f"{solution.n_points} points"


def convergence(problem: Problem, flat: Mapping[str, Any], outcome: MethodOutcome) -> dict[str, Any] | None:
    """The grid-refinement study of a finished fd run, into its ``convergence/`` folder (None when
    switched off with ``convergence = false``)."""
    fd = fd_settings(flat)
    if not fd["convergence"] or not outcome.ok or outcome.run_dir is None:
        return None
    outcome.settings["convergence levels"] = fd["levels"]
    return _convergence(problem, fd, outcome.run_dir / "convergence")


def _convergence(problem: Problem, fd: Mapping[str, Any], out: Path) -> dict[str, Any] | None:
    """The grid-refinement study (see pinnsolve.reference.convergence_study), or why there is none."""
    try:
        from pinnsolve.reference import convergence_study
    except ImportError:
        return None
    from pinnsolve.viz.convergence import plot_convergence

    try:
        result = convergence_study(problem, levels=fd["levels"], scheme=fd["scheme"], out=out)
    except PinnsolveError as exc:
        return {"levels": [], "skipped": str(exc)}
    result["plot"] = str(plot_convergence(result, Path(out) / "plots" / "convergence.png"))
    return result


def _finer(solution: Solution, problem: Problem) -> dict[str, int]:
    """The solution's grid with every space interval halved (the same output times)."""
    space = {c.name for c in problem.space}
    return {c: (len(a) - 1) * 2 + 1 if c in space else len(a) for c, a in solution.axes.items()}


def reference_solution(
    problem: Problem, fd_outcome: MethodOutcome | None, flat: Mapping[str, Any]
) -> tuple[Solution, str]:
    """What to compare with when there is no exact solution, and its description.

    The problem's reference data if it names a file; else finite differences: for an ODE the
    solve_ivp solution itself (rtol 1e-10), for a PDE a solve on the fd grid with every space
    interval halved, so that the fd solution too gets an error estimate.
    """
    try:
        from pinnsolve.reference import load_reference, solve_reference
    except ImportError as exc:
        raise PinnsolveError(f"the finite-difference solvers are not available ({exc})") from None
    if getattr(problem, "reference", None):
        data = load_reference(problem)
        if not data.is_grid:
            from pinnsolve.evaluate import resolution

            data = load_reference(problem, grid=resolution(problem))
        return data, f"reference data ({Path(str(problem.reference)).name})"
    fd = fd_settings(flat)
    if fd_outcome is not None and fd_outcome.ok and fd_outcome.solution is not None:
        base = fd_outcome.solution
    else:
        base, _ = solve_reference(problem, grid=fd["grid"], scheme=fd["scheme"])
    if problem.is_ode:
        return base, "FD reference (solve_ivp, rtol 1e-10)"
    finer = _finer(base, problem)
    solution, _ = solve_reference(problem, grid=finer, scheme=fd["scheme"])
    return solution, f"FD reference on a 2× finer grid ({grid_words(solution)})"
