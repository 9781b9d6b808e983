"""Finite differences as a method like any other: ``--method fd`` runs the reference solvers.

The grid is the run's ``--grid`` (nodes per coordinate; for time, the number of output
times); the scheme and step are this method's settings, the flags of ``pinnsolve reference``.
Which solver runs for ``scheme="auto"`` is decided by the problem (`pinnsolve.reference.solve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, PinnsolveError
from pinnsolve.methods.contract import Context, Method, Outcome, setting
from pinnsolve.reference import SCHEMES, require_box, solve_reference
from pinnsolve.solution import Solution

__all__ = ["FDSettings", "FiniteDifference"]

#: solver statistics that say how the reference was computed (config.json's choices)
_SOLVER_KEYS = ("grid", "scheme", "solver", "rtol", "atol", "dt", "dt_chosen_by", "max_step")


@dataclass
class FDSettings:
    """Settings of --method fd (the grid is the run's --grid)."""

    scheme: str = setting(
        "auto",
        "finite-difference scheme: auto (solve_ivp for ODEs, method of lines for "
        "time-dependent PDEs, sparse direct / Newton for steady ones), mol, ftcs, cn",
        choices=list(SCHEMES),
    )
    dt: float | None = setting(
        None,
        "FTCS time step (refused above the stability limit; default 0.9 × the limit); "
        "for the method of lines, the integrator's largest step",
    )


class FiniteDifference(Method, name="fd"):
    """Second-order central differences on a tensor grid, built from the problem's own equations."""

    settings_type = FDSettings
    result_type = Solution
    summary = "finite differences on a tensor grid (the reference solvers)"

    def check(self, problem: Problem, settings: Any) -> None:
        try:
            require_box(problem)
        except PinnsolveError as exc:
            raise MethodNotApplicable(str(exc)) from None

    def run(self, problem: Problem, settings: FDSettings, context: Context) -> Outcome:
        """Solve, and report the solver's numbers (time steps or Newton iterations, unknowns, tolerances)."""
        solution, stats = solve_reference(problem, grid=context.grid, scheme=settings.scheme, dt=settings.dt)
        metrics = {
            "steps": stats.get("steps"),
            "wall_time_s": stats.get("wall_time_s"),
            "method": self.name,
            **{k: v for k, v in stats.items() if k not in ("steps", "wall_time_s")},
        }
        solver = {k: stats[k] for k in _SOLVER_KEYS if k in stats}
        choices = {**dict(stats.get("choices") or {}), "solver_settings": solver}
        return Outcome(result=solution, metrics=metrics, choices=choices)
