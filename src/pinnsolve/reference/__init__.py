"""Finite-difference and ODE reference solvers, built from the same symbolic Problem.

``solve_reference(problem, grid, scheme, dt) -> (Solution, stats)`` discretises the problem's
own equations and conditions (no hand-written scheme per problem); ``run_reference`` writes
a run directory; ``convergence_study`` measures the observed order; ``load_reference`` reads
reference data from an ``.npz`` file onto a grid.
"""

from __future__ import annotations

from pinnsolve.reference.convergence import (
    convergence_study,
    format_table,
    write_convergence,
)
from pinnsolve.reference.data import load_reference
from pinnsolve.reference.solve import (
    SCHEMES,
    require_box,
    run_reference,
    solve_reference,
)

__all__ = ["SCHEMES", "convergence_study", "format_table", "load_reference", "require_box", "run_reference",
           "solve_reference", "write_convergence"]
