"""Time-dependent PDEs solved for many parameter values at once: one method-of-lines integration per batch.

When the varied parameters enter only the initial data (Burgers' amplitude A in u₀ = −A sin πx),
every sample has the same semi-discrete operator F(t, y): the reference's `Evolution` is built
once (its sympy → numpy compilation is the costly part of a small solve), F is evaluated on all
k states of a batch in one vectorised call (a state matrix (size, k)), and the stacked system
Y ∈ ℝ^{k·size} is integrated by the reference's own integrator choice (BDF for first order in
time, Radau for second) with its block-diagonal sparse Jacobian. The error control then acts on
the RMS over the batch, so the reference's tolerances (rtol 1e-8, atol 1e-10) are divided by √k:
each sample is held to at least the reference's accuracy.

Parameters that change the operator itself (a diffusivity, a boundary value) need one `Evolution`
per sample; those problems keep the per-sample `solve_reference` path of `dataset`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sympy as sp
from scipy import sparse

from pinnsolve.dsl.conditions import Initial
from pinnsolve.dsl.problem import Problem
from pinnsolve.reference.mol import TOLERANCES, integrate_states

__all__ = ["BatchedEvolution", "initial_data_only"]


def _expressions(value: object) -> list[sp.Basic]:
    """Every sympy expression held in ``value`` (itself, or inside lists, tuples and dicts)."""
    if isinstance(value, sp.Basic):
        return [value]
    if isinstance(value, (list, tuple)):
        return [e for v in value for e in _expressions(v)]
    if isinstance(value, dict):
        return [e for v in value.values() for e in _expressions(v)]
    return []


def initial_data_only(problem: Problem, names: Sequence[str]) -> bool:
    """Whether the parameters ``names`` appear in the initial conditions only (not in the equations,
    the boundary conditions or the domain), so that one semi-discrete operator serves every value."""
    symbols = {problem.parameters[n] for n in names}
    held = list(problem.residuals)
    for condition in problem.conditions:
        if not isinstance(condition, Initial):
            held += _expressions(vars(condition))
    return not any(expr.free_symbols & symbols for expr in held)


class BatchedEvolution:
    """The semi-discrete system of ``problem`` on a fixed grid, integrated for a batch of initial data."""

    def __init__(self, problem: Problem, grid: Mapping[str, int] | None) -> None:
        from pinnsolve.reference.discretise import Discretisation
        from pinnsolve.reference.evolution import Evolution
        from pinnsolve.reference.grid import make_grid, resolve_sizes, time_axis
        from pinnsolve.reference.solve import resolve_fronts

        self.problem = problem
        sizes = resolve_sizes(problem, grid)
        self.space = make_grid(problem, sizes)
        self.evolution = Evolution(Discretisation(problem, self.space))
        sizes, chosen, _ = resolve_fronts(self.evolution, sizes, grid or {})
        if chosen:  # refined for the base parameters, as solve_reference would
            self.space = make_grid(problem, sizes)
            self.evolution = Evolution(Discretisation(problem, self.space))
        self.times = time_axis(problem, sizes)
        dims = len(self.space.axes)
        self.method = "RK45" if dims >= 3 else "BDF" if self.evolution.max_order == 1 else "Radau"

    def describe(self) -> str:
        return (
            f"one {self.method} method-of-lines integration per batch of samples (shared operator, "
            "block-diagonal sparse Jacobian, rtol 1e-8/√batch)"
        )

    def solve(self, variants: Sequence[Problem]) -> np.ndarray:
        """Fields (k, fields, *output grid) of the variants (the problem at other initial data)."""
        evolution, k, m = self.evolution, len(variants), self.evolution.size
        y0 = np.concatenate([evolution.initial_state(v) for v in variants])

        def rhs(t: float, y: np.ndarray) -> np.ndarray:
            return evolution.rhs(t, y.reshape(k, m).T).T.ravel()

        def jacobian(t: float, y: np.ndarray) -> sparse.csr_matrix:
            blocks = y.reshape(k, m)
            return sparse.block_diag([evolution.jacobian(t, blocks[i]) for i in range(k)], format="csc")

        rtol, atol = TOLERANCES["pde"]
        shrink = np.sqrt(k)
        states, _ = integrate_states(
            rhs,
            y0,
            self.times,
            self.method,
            max(rtol / shrink, 1e-13),
            atol / shrink,
            jacobian if self.method != "RK45" else None,
            name=self.problem.name,
        )
        states = states.reshape(k, m, len(self.times))
        channels = list(self.problem.field_names)
        out = []
        for i in range(k):
            nodal = evolution.fields(states[i], self.times)
            out.append(np.stack([self.space.to_output(nodal[c]) for c in channels]))
        return np.stack(out)
