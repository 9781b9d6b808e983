"""The method of lines: the semi-discrete system y' = F(t, y) integrated by scipy's
`solve_ivp` integrators (BDF, Radau, DOP853).

The integrator is driven step by step (exactly what `scipy.integrate.solve_ivp` does
internally) so that the steps can be counted and reported, a progress callback can watch
them, and the output times are read from each step's dense output.

Choices (recorded in the statistics):

* first order in time (diffusion, Burgers): ``BDF`` with the sparse analytic Jacobian —
  diffusion is stiff, :math:`\\lambda_{max} \\approx 4\\kappa/h^2`;
* second order in time (waves): ``Radau``, A-stable and of order 5, since BDF of order
  ≥ 3 damps the oscillatory modes on the imaginary axis;
* grids of three or more space dimensions: ``RK45`` (explicit; the steps are then limited by
  stability, but BDF's and Radau's sparse LU fill in so much on 3-D grids that they are far
  slower — minutes instead of seconds on 31³);
* ODEs: ``DOP853`` (explicit, order 8), with ``Radau`` as the fallback if it fails (stiffness).

Tolerances: rtol 1e-8, atol 1e-10 for PDEs (the time error stays below the O(h²) space
error on any usable grid); rtol 1e-10, atol 1e-12 for ODEs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import integrate

from pinnsolve.errors import RunFailed, SettingsError
from pinnsolve.reference.evolution import Evolution

__all__ = ["IVP_METHODS", "TOLERANCES", "integrate_states", "mol_states", "solve_mol"]

IVP_METHODS = {
    "BDF": integrate.BDF,
    "Radau": integrate.Radau,
    "DOP853": integrate.DOP853,
    "RK45": integrate.RK45,
    "LSODA": integrate.LSODA,
}
TOLERANCES = {"pde": (1e-8, 1e-10), "ode": (1e-10, 1e-12)}

Progress = Callable[[float, int], None]


def integrate_states(
    fun: Callable,
    y0: np.ndarray,
    times: np.ndarray,
    method: str,
    rtol: float,
    atol: float,
    jac: Callable | None = None,
    max_step: float | None = None,
    progress: Progress | None = None,
    name: str = "",
) -> tuple[np.ndarray, dict[str, Any]]:
    """States at ``times`` (shape (len(y0), len(times))) and the integrator's statistics."""
    cls = IVP_METHODS[method]
    options: dict[str, Any] = {"rtol": rtol, "atol": atol}
    if max_step is not None:
        options["max_step"] = max_step
    if jac is not None and method in ("BDF", "Radau", "LSODA"):
        options["jac"] = jac
    solver = cls(fun, float(times[0]), y0, float(times[-1]), **options)
    states = np.empty((len(y0), len(times)))
    states[:, 0] = y0
    k, steps = 1, 0
    while solver.status == "running":
        message = solver.step()
        if solver.status == "failed":
            raise RunFailed(
                f"the time integration of '{name}' ({method}) failed at t = {solver.t:.6g}: {message}. The solution "
                "may blow up, or the grid may be too coarse for the equation; try a finer --grid."
            )
        steps += 1
        if not np.all(np.isfinite(solver.y)):
            raise RunFailed(f"the solution of '{name}' became infinite or NaN at t = {solver.t:.6g} ({method}).")
        if k < len(times) and times[k] <= solver.t:
            dense = solver.dense_output()
            while k < len(times) and times[k] <= solver.t:
                states[:, k] = solver.y if times[k] == solver.t else dense(times[k])
                k += 1
        if progress is not None:
            progress(float(solver.t), steps)
    while k < len(times):  # t1 reached exactly: fill what rounding left
        states[:, k] = solver.y
        k += 1
    stats = {
        "solver": method,
        "steps": steps,
        "rhs_evaluations": int(solver.nfev),
        "jacobian_evaluations": int(solver.njev),
        "lu_decompositions": int(solver.nlu),
        "rtol": rtol,
        "atol": atol,
        **({"max_step": max_step} if max_step is not None else {}),
    }
    return states, stats


def solve_mol(
    evolution: Evolution,
    times: np.ndarray,
    method: str | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    max_step: float | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Integrate the semi-discrete system; full nodal fields (nodes, len(times)) and statistics."""
    states, stats = mol_states(evolution, times, method, rtol, atol, max_step, progress)
    return evolution.fields(states, times), stats


def mol_states(
    evolution: Evolution,
    times: np.ndarray,
    method: str | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    max_step: float | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """The states (size, len(times)) of the semi-discrete system at ``times``, and statistics."""
    problem = evolution.disc.problem
    ode = problem.is_ode
    default_rtol, default_atol = TOLERANCES["ode" if ode else "pde"]
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    dims = len(evolution.disc.grid.axes)
    chosen = method or ("DOP853" if ode else "RK45" if dims >= 3 else "BDF" if evolution.max_order == 1 else "Radau")
    if chosen not in IVP_METHODS:
        raise SettingsError(f"unknown integrator '{chosen}'; known: {', '.join(IVP_METHODS)}.")
    y0 = evolution.initial_state()
    jac = None if chosen in ("DOP853", "RK45") else evolution.jacobian
    try:
        states, stats = integrate_states(
            evolution.rhs, y0, times, chosen, rtol, atol, jac, max_step, progress, problem.name
        )
    except RunFailed:
        if not (ode and method is None):
            raise
        chosen = "Radau"  # an explicit method that fails on an ODE usually meets stiffness
        states, stats = integrate_states(
            evolution.rhs, y0, times, chosen, rtol, atol, evolution.jacobian, max_step, progress, problem.name
        )
        stats["fallback"] = "DOP853 failed; Radau used"
    stats["unknowns"] = evolution.size
    return states, stats
