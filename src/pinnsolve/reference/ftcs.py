"""The explicit FTCS scheme (forward Euler in time, central differences in space) of the
lecture notes, with its stability limit checked.

.. math::
    u^{n+1} = u^n + \\Delta t\\, F(t^n, u^n)

For :math:`u_t = \\kappa u_{xx}` the von Neumann analysis gives
:math:`\\Delta t \\le \\Delta x^2 / (2\\kappa)`; on a grid of several dimensions with a
coefficient :math:`\\kappa_i` on each :math:`\\partial^2/\\partial x_i^2`, a lower-order rate
:math:`r = \\max|\\partial F/\\partial u|` and advection speeds :math:`a_i` (the coefficients of
:math:`\\partial/\\partial x_i`), this module uses

.. math::
    \\Delta t \\le \\Bigl(2\\sum_i \\frac{\\kappa_i}{\\Delta x_i^2} + \\frac{r}{2}\\Bigr)^{-1},
    \\qquad
    \\Delta t \\le \\frac{2 \\min_i \\kappa_i}{\\sum_i a_i^2}\\ \\text{(when there is advection)},

the second being the FTCS advection–diffusion condition :math:`C^2 \\le 2d`
(Hirsch, *Numerical Computation of Internal and External Flows*, vol. 1, §8.3). The
coefficients are taken at the initial state: for a nonlinear problem the limit is an
estimate, and a blow-up is reported if it happens.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from pinnsolve.errors import RunFailed, SettingsError
from pinnsolve.reference.coefficients import coefficients
from pinnsolve.reference.evolution import Evolution

__all__ = ["SAFETY", "solve_ftcs", "stability_limit"]

#: the fraction of the stability limit used when no --dt is given
SAFETY = 0.9


def stability_limit(
    evolution: Evolution, y: np.ndarray | None = None, t: float | None = None
) -> tuple[float, dict[str, Any]]:
    """The largest stable FTCS step at state ``y`` (default: the initial state) and how it was
    found (κ per axis, advection speeds, rate)."""
    disc = evolution.disc
    problem, grid = disc.problem, disc.grid
    if problem.is_ode:
        raise SettingsError(
            f"'{problem.name}' is an ODE: --scheme ftcs is for PDEs with diffusion. "
            "Leave --scheme out to solve it with solve_ivp at rtol 1e-10."
        )
    if evolution.max_order != 1:
        raise SettingsError(
            f"'{problem.name}' is of second order in time; FTCS (forward Euler) is for "
            "equations of first order in time. Use --scheme mol."
        )
    for atom in disc.form.atoms.values():
        if sum(atom.space) > 2 or sum(1 for o in atom.space if o) > 1:
            raise SettingsError(
                f"'{problem.name}' has the derivative {atom.symbol} (mixed or of order above "
                "two); the FTCS stability limit is known only for first and second "
                "derivatives along one axis. Use --scheme mol."
            )
    found = coefficients(evolution, y, t)
    kappa, speed, rate = found.kappa, found.speed, found.rate
    if not np.any(kappa > 0):
        raise SettingsError(
            f"'{problem.name}' has no diffusion term (no second derivative in space): forward "
            "Euler with central differences is unstable for it at every step size. "
            "Use --scheme mol."
        )
    h = np.array(grid.spacings)
    diffusive = 1.0 / (2.0 * float(np.sum(kappa / h**2)) + rate / 2.0)
    limit = diffusive
    details: dict[str, Any] = {
        "kappa": {a.name: float(c) for a, c in zip(grid.axes, kappa)},
        "rate": rate,
        "diffusive_limit": diffusive,
    }
    if np.any(speed > 0):
        advective = 2.0 * float(np.min(kappa[kappa > 0])) / float(np.sum(speed**2))
        details.update(advection={a.name: float(s) for a, s in zip(grid.axes, speed)}, advective_limit=advective)
        limit = min(limit, advective)
    details["formula"] = _formula(grid, kappa, rate, np.any(speed > 0))
    return limit, details


def _formula(grid: Any, kappa: np.ndarray, rate: float, advection: bool) -> str:
    if len(grid.axes) == 1 and rate == 0 and not advection:
        a = grid.axes[0]
        return f"d{a.name}²/(2κ) with κ = {kappa[0]:.4g}, d{a.name} = {a.h:.4g}"
    terms = " + ".join(f"κ_{a.name}/d{a.name}²" for a in grid.axes)
    text = f"1/(2({terms})" + (" + r/2" if rate else "") + ")"
    return text + (", and 2κ/Σa² for the advection" if advection else "")


def solve_ftcs(
    evolution: Evolution,
    times: np.ndarray,
    dt: float | None = None,
    progress: Callable[[float, int], None] | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """March forward Euler to each output time; full nodal fields and statistics.

    With ``dt`` above the stability limit, refuse with the limit in the message. The step
    used divides the output interval exactly, so it is ``dt`` or a little less.
    """
    problem = evolution.disc.problem
    limit, details = stability_limit(evolution)
    if dt is not None:
        if not dt > 0:
            raise SettingsError(f"--dt {dt} must be positive.")
        if dt > limit:
            raise SettingsError(
                f"--dt {dt:.6g} is above the FTCS stability limit dt ≤ {limit:.6g} "
                f"(= {details['formula']}) for '{problem.name}' on this grid: the scheme would "
                f"blow up. Give --dt {limit:.4g} or less, or leave --dt out to have "
                f"{SAFETY} × the limit chosen."
            )
        target, chosen_by = dt, "given"
    else:
        target, chosen_by = SAFETY * limit, f"{SAFETY} × stability limit"
    interval = float(times[1] - times[0])
    per_output = max(1, math.ceil(interval / target * (1 - 1e-12)))
    step = interval / per_output
    # A nonlinear problem's coefficients change as it evolves (a steepening front): with the
    # step chosen here, the limit is re-evaluated at every output time and the step cut if needed.
    adaptive = dt is None and not evolution.linear
    smallest = step
    y = evolution.initial_state()
    states = np.empty((len(y), len(times)))
    states[:, 0] = y
    steps = 0
    for k in range(1, len(times)):
        t = float(times[k - 1])
        if adaptive and k > 1:
            current, _ = stability_limit(evolution, y, t)
            if SAFETY * current < step:
                per_output = math.ceil(interval / (SAFETY * current))
                step = interval / per_output
                smallest = min(smallest, step)
        for j in range(per_output):
            y = y + step * evolution.rhs(t + j * step, y)
            steps += 1
        if not np.all(np.isfinite(y)):
            raise RunFailed(
                f"FTCS blew up before t = {times[k]:.4g} with dt = {step:.4g} (stability limit "
                f"{limit:.4g} at the initial state). Give a smaller --dt or use --scheme mol."
            )
        states[:, k] = y
        if progress is not None:
            progress(float(times[k]), steps)
    if adaptive and smallest < target:
        chosen_by += ", cut as the solution evolved (limit re-evaluated at each output time)"
    stats = {
        "solver": "ftcs (forward Euler, explicit)",
        "steps": steps,
        "dt": smallest if adaptive else step,
        "dt_limit": limit,
        **({"dt_adaptive": True, "dt_first": target} if adaptive else {}),
        "dt_chosen_by": chosen_by,
        "stability": details,
        "unknowns": evolution.size,
    }
    return evolution.fields(states, times), stats
