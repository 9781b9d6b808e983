"""Steady problems: one sparse direct solve when the discrete equations are linear, Newton's
method with the sparse Jacobian when they are not.

Equation ``i`` is imposed at the free nodes of field ``i`` (the fields in the problem's
order); the boundary nodes follow from the conditions (see `boundary`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.sparse import linalg as spla

from pinnsolve.errors import MethodNotApplicable, RunFailed
from pinnsolve.reference.discretise import Discretisation

__all__ = ["NEAR_SINGULAR", "condition_estimate", "damped_newton_step", "near_singular_warning", "solve_steady"]

NEWTON_MAX_ITERATIONS = 50
NEWTON_TOLERANCE = 1e-11  # on max|Δy| relative to 1 + max|y|


#: a pivot this much smaller than the largest marks the matrix as singular (up to rounding)
SINGULAR_PIVOT = 1e-12


def _factor(jac, problem_name: str):
    message = (
        f"the discrete equations of '{problem_name}' are singular: the conditions do not fix the solution "
        "(a steady problem with only Neumann or periodic conditions determines u only up to a constant). "
        "Add a Dirichlet or Robin condition."
    )
    try:
        lu = spla.splu(jac.tocsc())
    except RuntimeError:
        raise RunFailed(message) from None
    pivots = np.abs(lu.U.diagonal())
    if pivots.size and pivots.min() <= SINGULAR_PIVOT * pivots.max():
        raise RunFailed(message)
    return lu


#: κ·h² above this marks a near-singular system: a discrete Laplacian has κ·h² ≈ 4/π² ≈ 0.4, while at a
#: Helmholtz resonance (k² an eigenvalue) κ grows by the inverse distance to the eigenvalue
NEAR_SINGULAR = 1e3


def condition_estimate(jac: Any, lu: Any) -> float:
    """κ₁(J) ≈ ‖J‖₁ ‖J⁻¹‖₁, with ‖J⁻¹‖₁ estimated from a few LU solves (Higham & Tisseur 2000)."""
    n = jac.shape[0]
    if n == 0:
        return 1.0
    inverse = spla.LinearOperator(jac.shape, matvec=lu.solve, rmatvec=lambda v: lu.solve(v, trans="T"), dtype=float)
    try:
        return float(spla.norm(jac, 1) * spla.onenormest(inverse))
    except Exception:  # an estimate only: never let it stop a solve
        return float("nan")


def near_singular_warning(problem_name: str, condition: float | None, h: float) -> list[str]:
    """A warning when κ·h² is far above a Laplacian's (see `NEAR_SINGULAR`), else none."""
    if condition is None or not np.isfinite(condition) or condition * h * h <= NEAR_SINGULAR:
        return []
    return [
        f"the discrete system of '{problem_name}' is nearly singular (condition estimate {condition:.2g}, "
        f"κ·h² = {condition * h * h:.2g} against ≈ 0.4 for a Laplacian): the solution may be meaningless, e.g. "
        "at a resonance (k² an eigenvalue of the operator). Move the parameter away from the resonance or "
        "check the conditions."
    ]


#: above this many unknowns on a grid of three or more dimensions, sparse LU fills in too much
#: (minutes for 41³); a Krylov method is used instead, LU being the fallback
ITERATIVE_ABOVE = 20_000
KRYLOV_RTOL = 1e-12


class _LinearSolver:
    """Solves J x = b: sparse LU, or on large 3-D grids Jacobi-preconditioned BiCGSTAB."""

    def __init__(self, problem_name: str, dims: int) -> None:
        self.problem_name, self.dims = problem_name, dims
        self.method = "sparse LU"
        self.iterations = 0
        self.condition: float | None = None

    def solve(self, jac, rhs: np.ndarray) -> np.ndarray:
        if self.dims >= 3 and jac.shape[0] > ITERATIVE_ABOVE:
            diagonal = jac.diagonal()
            if np.all(diagonal != 0):
                count = [0]
                precondition = spla.LinearOperator(jac.shape, lambda v: v / diagonal)
                x, info = spla.bicgstab(
                    jac,
                    rhs,
                    rtol=KRYLOV_RTOL,
                    atol=0.0,
                    maxiter=int(20 * jac.shape[0] ** 0.5),
                    M=precondition,
                    callback=lambda _: count.__setitem__(0, count[0] + 1),
                )
                if info == 0 and np.linalg.norm(jac @ x - rhs) <= 1e-10 * max(np.linalg.norm(rhs), 1e-300):
                    self.method = "BiCGSTAB (Jacobi-preconditioned)"
                    self.iterations += count[0]
                    return x
        self.method = "sparse LU"
        lu = _factor(jac, self.problem_name)
        if self.condition is None:
            self.condition = condition_estimate(jac, lu)
        return lu.solve(rhs)


def damped_newton_step(
    evaluate: Callable[[np.ndarray], np.ndarray], y: np.ndarray, residual: np.ndarray, step: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """One Newton step ``y + λ·step``, λ halved from 1 until the residual's norm decreases (down to 1e-4).

    Returns the new state, its residual, and whether the step taken is below `NEWTON_TOLERANCE`
    relative to 1 + max|y| (converged).
    """
    norm, damping = float(np.linalg.norm(residual)), 1.0
    while True:
        trial = y + damping * step
        trial_residual = evaluate(trial)
        if np.linalg.norm(trial_residual) < norm or damping < 1e-4:
            break
        damping /= 2
    taken = np.max(np.abs(damping * step), initial=0.0)
    return trial, trial_residual, bool(taken <= NEWTON_TOLERANCE * (1 + np.max(np.abs(trial), initial=0.0)))


def solve_steady(disc: Discretisation) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The nodal values of every field (full vectors) and the solver's statistics."""
    problem, form = disc.problem, disc.form
    if len(form.residuals) != len(form.fields):
        raise MethodNotApplicable(
            f"problem '{problem.name}' has {len(form.residuals)} equations for "
            f"{len(form.fields)} fields; the finite-difference reference needs as many "
            "equations as fields."
        )
    system = disc.system(list(zip(form.fields, form.residuals)), [(name, 0) for name in form.fields])
    if system.rows != system.size:
        raise MethodNotApplicable(
            f"the equations of '{problem.name}' and its boundary conditions give {system.rows} "
            f"discrete equations for {system.size} unknowns; give each field the same kinds of "
            "condition, or as many equations as fields."
        )
    y = np.zeros(system.size)
    residual = system.evaluate(y)
    linear_solver = _LinearSolver(problem.name, len(disc.grid.axes))
    iterations = 0
    if system.linear:
        y = y - linear_solver.solve(system.jacobian(y), residual)
        iterations = 1
    else:
        for iterations in range(1, NEWTON_MAX_ITERATIONS + 1):  # noqa: B007 - the count is read after the loop
            step = linear_solver.solve(system.jacobian(y), -residual)
            y, residual, converged = damped_newton_step(system.evaluate, y, residual, step)
            if converged:
                break
        else:
            raise RunFailed(
                f"Newton's method did not converge for '{problem.name}' in {NEWTON_MAX_ITERATIONS} "
                "iterations (starting from zero). The problem may have no solution on this grid, "
                "or need a better start; try another grid."
            )
    if not np.all(np.isfinite(y)):
        raise RunFailed(
            f"the finite-difference solution of '{problem.name}' is not finite; check the equations and conditions."
        )
    method = linear_solver.method
    stats = {
        "solver": method if system.linear else f"newton ({method})",
        "linear": system.linear,
        **({"krylov_iterations": linear_solver.iterations} if linear_solver.iterations else {}),
        "steps": iterations,
        "newton_iterations": iterations,
        "unknowns": system.size,
        "residual_max": float(np.max(np.abs(system.evaluate(y)), initial=0.0)),
    }
    if linear_solver.condition is not None:
        stats["condition_estimate"] = linear_solver.condition
        h = min(disc.grid.spacings, default=1.0)
        warnings = near_singular_warning(problem.name, linear_solver.condition, h)
        if warnings:
            stats["warnings"] = warnings
    return system.full_fields(y), stats
