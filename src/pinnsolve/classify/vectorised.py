"""ODE systems solved for many parameter values at once: one integration, every sample a block.

For an ODE problem the right-hand side is lambdified once with the varied parameters as
arguments, so one evaluation serves all n samples (numpy arrays instead of n Python calls),
and scipy's DOP853 integrates the stacked system y ∈ ℝ^{n·m}. The error control then acts on
the RMS over all samples, so the tolerances are those of the reference (rtol 1e-10,
atol 1e-12) divided by √n: each sample is held to at least the reference's accuracy.
The same first-order reduction as the reference: a field of order k in time carries
u, ∂ₜu, …, ∂ₜ^{k−1}u.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sympy as sp
from scipy.integrate import solve_ivp

from pinnsolve.dsl.conditions import Initial
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import field_name
from pinnsolve.errors import PinnsolveError
from pinnsolve.reference.grid import resolve_sizes, time_axis
from pinnsolve.reference.mol import TOLERANCES

__all__ = ["solve_ode_batch"]


def _first_order(problem: Problem, varied: Sequence[str]):
    """(state symbols per (field, order), right-hand sides, parameter symbols) of the reduced system."""
    t = problem.time
    params = [problem.parameters[n] for n in varied]
    fixed = {p: sp.Float(problem.parameter_values[n]) for n, p in problem.parameters.items() if n not in varied}
    order = {
        field_name(f): max(
            sum(1 for v in d.variables if v == t)
            for r in problem.residuals
            for d in r.atoms(sp.Derivative)
            if d.expr == f
        )
        for f in problem.fields
    }
    states = {
        (field_name(f), j): sp.Dummy(f"{field_name(f)}_{j}")
        for f in problem.fields
        for j in range(order[field_name(f)] + 1)
    }
    replace = {}
    for f in problem.fields:
        for j in range(order[field_name(f)], 0, -1):
            replace[sp.Derivative(f, (t, j)) if j > 1 else sp.Derivative(f, t)] = states[(field_name(f), j)]
        replace[f] = states[(field_name(f), 0)]
    residuals = [r.xreplace(fixed).doit().xreplace(replace) for r in problem.residuals]
    tops = [states[(field_name(f), order[field_name(f)])] for f in problem.fields]
    try:
        a, b = sp.linear_eq_to_matrix(residuals, tops)
        solved = list(a.LUsolve(b))
    except (ValueError, sp.solvers.solveset.NonlinearError):
        raise PinnsolveError(
            f"the equations of '{problem.name}' cannot be solved for the highest time derivatives; "
            "the classify dataset needs an explicit ODE system."
        ) from None
    lower = [(f, j) for f in problem.field_names for j in range(order[f])]
    rhs = [states[(f, j + 1)] if j + 1 < order[f] else solved[problem.field_names.index(f)] for f, j in lower]
    return lower, [states[k] for k in lower], rhs, params, fixed


def solve_ode_batch(
    problem: Problem, varied: Sequence[str], points: np.ndarray, grid: Mapping[str, int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Fields (n, fields, times) of the ODE ``problem`` at each row of ``points``, and the times."""
    lower, symbols, rhs, params, fixed = _first_order(problem, varied)
    t = problem.time
    f = sp.lambdify([t, *symbols, *params], rhs, modules="numpy")
    n, m = len(points), len(symbols)
    columns = [points[:, j] for j in range(points.shape[1])]
    y0 = np.empty((m, n))
    for k, (name, j) in enumerate(lower):
        given = [c for c in problem.conditions if isinstance(c, Initial) and c.field_name == name and c.order == j]
        g = given[0].g.xreplace(fixed).xreplace({t: t.lo})
        y0[k] = np.broadcast_to(np.asarray(sp.lambdify(params, g, modules="numpy")(*columns), dtype=float), (n,))

    def fun(time: float, y: np.ndarray) -> np.ndarray:
        blocks = y.reshape(m, n)
        return np.concatenate([np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in f(time, *blocks, *columns)])

    times = time_axis(problem, resolve_sizes(problem, grid))
    rtol, atol = TOLERANCES["ode"]
    shrink = np.sqrt(n)
    out = solve_ivp(
        fun,
        (float(times[0]), float(times[-1])),
        y0.ravel(),
        method="DOP853",
        t_eval=times,
        rtol=max(rtol / shrink, 1e-13),
        atol=atol / shrink,
    )
    if not out.success:
        raise PinnsolveError(f"integrating '{problem.name}' over the parameter samples failed: {out.message}")
    states = out.y.reshape(m, n, len(times))
    index = {name: lower.index((name, 0)) for name in problem.field_names}
    return np.stack([states[index[name]] for name in problem.field_names], axis=1), times
