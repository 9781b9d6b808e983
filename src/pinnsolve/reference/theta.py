"""The θ-scheme in time on the semi-discrete system y' = F(t, y): Crank–Nicolson at θ = ½.

.. math::
    \\frac{y^{n+1} - y^n}{\\Delta t} = \\theta F(t^{n+1}, y^{n+1}) + (1 - \\theta) F(t^n, y^n)

Each step solves this for :math:`y^{n+1}` by Newton's method with the sparse Jacobian
:math:`I - \\theta \\Delta t\\, \\partial F/\\partial y` (one iteration when F is linear).
Crank–Nicolson is second order in Δt and A-stable, so it takes one step per output time
interval. It is the time discretisation the ``rnn`` method's discrete physics loss uses: a
state sequence from this scheme makes that loss vanish to round-off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import linalg

from pinnsolve.errors import RunFailed
from pinnsolve.reference.evolution import Evolution

__all__ = ["NEWTON_TOL", "solve_theta", "theta_states", "theta_step"]

#: Newton stops when the step residual is below this, relative to the state's size
NEWTON_TOL = 1e-13
MAX_NEWTON = 30


def theta_step(evolution: Evolution, y: np.ndarray, t: float, dt: float, theta: float = 0.5) -> tuple[np.ndarray, int]:
    """y^{n+1} from y^n = ``y`` at time ``t``, and the Newton iterations it took."""
    f0 = evolution.rhs(t, y)
    z = y + dt * f0  # forward Euler predictor
    identity = sparse.identity(len(y), format="csr")
    size = lambda v: float(np.max(np.abs(v), initial=0.0))  # noqa: E731
    for iteration in range(MAX_NEWTON + 1):
        f1 = evolution.rhs(t + dt, z)
        residual = z - y - dt * (theta * f1 + (1 - theta) * f0)
        # round-off in the residual grows with the terms it is made of (stiff F: dt·|F| ≫ |y|)
        if size(residual) <= NEWTON_TOL * (1.0 + size(z) + dt * (size(f1) + size(f0))):
            return z, iteration
        if iteration == MAX_NEWTON:
            break
        matrix = (identity - theta * dt * evolution.jacobian(t + dt, z)).tocsc()
        z = z - linalg.splu(matrix).solve(residual)
        if evolution.linear:  # the Newton step of a linear system is its exact solution
            return z, iteration + 1
        if not np.all(np.isfinite(z)):
            break
    raise RunFailed(
        f"the Crank–Nicolson step of '{evolution.disc.problem.name}' from t = {t:.6g} (dt = {dt:.3g}) did not "
        f"converge in {MAX_NEWTON} Newton iterations: the step is too large for this nonlinear problem. Use more "
        "output times (--grid t=...), or the default scheme."
    )


def theta_states(
    evolution: Evolution, times: np.ndarray, theta: float = 0.5, progress: Callable[[float, int], None] | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """States (size, len(times)): one θ-step per output interval, from the initial state."""
    y = evolution.initial_state()
    states = np.empty((len(y), len(times)))
    states[:, 0] = y
    newton = 0
    for k in range(1, len(times)):
        t, dt = float(times[k - 1]), float(times[k] - times[k - 1])
        y, iterations = theta_step(evolution, y, t, dt, theta)
        newton += iterations
        states[:, k] = y
        if progress is not None:
            progress(float(times[k]), k)
    stats = {
        "solver": "Crank-Nicolson" if theta == 0.5 else f"theta={theta:g}",
        "steps": len(times) - 1,
        "dt": float(times[1] - times[0]) if len(times) > 1 else 0.0,
        "newton_iterations": newton,
        "newton_tol": NEWTON_TOL,
        "unknowns": evolution.size,
    }
    return states, stats


def solve_theta(
    evolution: Evolution, times: np.ndarray, progress: Callable[[float, int], None] | None = None
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Crank–Nicolson to each output time; full nodal fields (nodes, len(times)) and statistics."""
    states, stats = theta_states(evolution, times, progress=progress)
    return evolution.fields(states, times), stats
