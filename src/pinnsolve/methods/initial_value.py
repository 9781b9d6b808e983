"""Defaults for initial value problems in time alone (ODE systems): hard initial values, output scale, causal weights.

A soft-constraint PINN of the Lorenz or Lotka–Volterra system falls onto a fixed point: the
residual of u' = f(u) is small there, the initial values are one term among many, and an
MLP whose outputs are O(1) cannot reach the O(10–20) amplitudes of the trajectory without
leaving it first. Three choices together learn the trajectory (tested on Lorenz on [0, 1]:
each one alone leaves L2 ≈ 1):

- the initial values built in, u = u₀ + S·(t − t₀)/(t₁ − t₀)·N(t) (the trial construction of
  Lagaris et al., `pinnsolve.methods.trial`);
- the output scale S per field: the largest |u| of a coarse integration of the same equations
  (the finite-difference reference's ODE integrator at loose tolerance), so N stays O(1), and
  each equation's residual measured in units of its field's scale;
- causal weights in time (`pinnsolve.residual.causal`) while the first-order optimizer runs.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import sympy as sp

from pinnsolve.dsl.conditions import Initial
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import field_name, is_field
from pinnsolve.residual.causal import CausalWeights

__all__ = [
    "causal_weights",
    "coarse_integration",
    "departure_check",
    "describe",
    "equation_scale",
    "is_initial_value_problem",
    "output_scales",
    "scaled_trial_parts",
]

log = logging.getLogger(__name__)

#: ε of the causal weights when the residuals are measured in units of the output scale
CAUSAL_EPS = 1.0
#: time bins of the causal weights
CAUSAL_BINS = 32
#: relative L2 distance from the coarse integration above which a trained trajectory is not the solution
DEPARTED = 0.1


def is_initial_value_problem(problem: Problem) -> bool:
    """An ODE system in time alone whose conditions are all initial values (no data, no unknowns)."""
    return (
        problem.time is not None
        and not problem.space
        and bool(problem.conditions)
        and all(isinstance(c, Initial) for c in problem.conditions)
        and not any(p.trainable for p in problem.parameters.values())
    )


def coarse_integration(problem: Problem) -> tuple[Any | None, str]:
    """The reference's ODE integrator at loose tolerance on 101 output times, or None and why it failed."""
    from pinnsolve.reference import solve_reference

    try:
        solution, _ = solve_reference(problem, {problem.time.name: 101}, rtol=1e-4, atol=1e-8)
    except Exception as error:  # a blow-up inside the range, a stiff failure: the PINN still runs, unscaled
        log.debug("coarse integration failed: %s", error)
        return None, f"the coarse integration failed: {error}"
    if not all(np.all(np.isfinite(solution.fields[n])) for n in problem.field_names):
        return None, "the coarse integration is not finite"
    return solution, ""


def output_scales(problem: Problem, coarse: Any | None) -> dict[str, float]:
    """S per field: max |u| of the coarse integration (at least 1e-6 of the largest), 1 without one."""
    if coarse is None:
        return {name: 1.0 for name in problem.field_names}
    scales = {name: float(np.max(np.abs(coarse.fields[name]))) for name in problem.field_names}
    floor = 1e-6 * max(max(scales.values()), 1e-300)
    return {name: max(v, floor) for name, v in scales.items()}


def departure_check(problem: Problem, coarse: Any | None, failure: str = "") -> Any:
    """The check of a trained trajectory against the coarse integration (see `DEPARTED`).

    An ODE initial value problem has one solution, and a trajectory with a small residual that is
    not it (a fixed point of Lotka–Volterra, the disease-free state of an SIR model, I ≈ 0 growing
    too slowly to matter in the loss) is a failure the loss cannot show. Where the integration
    itself failed (``failure``), the equations have no solution the integrator could follow over
    the whole range (u' = u² blows up at t = 1 from u(0) = 1): the trained function fails too.
    """

    def check(result: Any) -> tuple[dict[str, Any], str | None]:
        if coarse is None:
            return {}, (
                f"{failure or 'the coarse integration failed'}: the equations have no solution an integrator can "
                "follow over the whole time range, so the trained function is not one"
            )
        t_coarse = np.asarray(coarse.axes[problem.time.name], dtype=float)
        t = np.asarray(result.axes[problem.time.name], dtype=float)
        num = den = 0.0
        for name in problem.field_names:
            expected = np.interp(t, t_coarse, coarse.fields[name])
            num += float(np.sum((np.asarray(result.fields[name], dtype=float) - expected) ** 2))
            den += float(np.sum(expected**2))
        distance = float(np.sqrt(num / den)) if den > 0 else float(np.sqrt(num))
        found = {"departure_from_integration": distance}
        if not np.isfinite(distance) or distance <= DEPARTED:
            return found, None
        return found, (
            f"the trajectory departs from a coarse integration of the same equations by {100 * distance:.0f} % "
            f"(relative L2, threshold {100 * DEPARTED:.0f} %): the network settled on a function of small residual "
            "that is not the solution (e.g. a fixed point)"
        )

    return check


def equation_scale(problem: Problem, residual: sp.Expr, scales: dict[str, float]) -> float:
    """The scale of the field whose time derivative the equation holds (the largest scale if several or none)."""
    t = problem.time
    fields = {
        field_name(d.expr)
        for d in residual.atoms(sp.Derivative)
        if is_field(d.expr) and t in d.variables and field_name(d.expr) in scales
    }
    chosen = [scales[f] for f in fields] if len(fields) == 1 else list(scales.values())
    return max(chosen) if chosen else 1.0


def causal_weights(problem: Problem, eps: float, bins: int = CAUSAL_BINS) -> CausalWeights | None:
    """Causal weights over the problem's time range (None for ε = 0 or a problem without time)."""
    if eps <= 0 or problem.time is None:
        return None
    column = list(problem.coords).index(problem.time)
    return CausalWeights(float(eps), column, float(problem.time.lo), float(problem.time.hi), bins)


def scaled_trial_parts(problem: Problem, scales: dict[str, float]) -> dict[str, tuple[sp.Expr, sp.Expr]]:
    """(A, S·B) per field: the initial values built in, the network's output multiplied by the field's scale."""
    from pinnsolve.methods.trial import trial_parts

    parts = {}
    for f in problem.fields:
        A, B = trial_parts(problem, f)
        parts[field_name(f)] = (A, sp.Float(scales[field_name(f)]) * B)
    return parts


def describe(scales: dict[str, float], failure: str, eps: float) -> dict[str, Any]:
    """The choices recorded in config.json."""
    how = f"1 ({failure})" if failure else "max |u| of a coarse integration of the equations (rtol 1e-4)"
    return {
        "constraints": "hard initial values (u = u0 + S·(t − t0)/(t1 − t0)·N)",
        "output_scale": {"values": {k: float(f"{v:.6g}") for k, v in scales.items()}, "from": how},
        "causal": {"eps": eps, "bins": CAUSAL_BINS} if eps > 0 else "off",
    }
