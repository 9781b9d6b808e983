"""Adaptive collocation for the pinn method: when RAR-D runs, with how many points, and why.

``--rar auto`` turns residual-based adaptive refinement (`pinnsolve.residual.adaptive_points`)
on for *nonlinear evolution equations in space and time* (an equation with a product of the
fields or their derivatives, e.g. u·u_x: Burgers, Allen–Cahn), whose solutions develop steep
fronts that a uniform set of points under-resolves, and off otherwise: on a linear or steady
problem with a smooth solution the error is spread evenly, and the added points only cost time.
The evidence, measured at the defaults with and without RAR, is in benchmarks/rar/README.md.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import is_field
from pinnsolve.errors import SettingsError
from pinnsolve.methods import collocation
from pinnsolve.residual.adaptive_points import DEFAULT_C, DEFAULT_K, AdaptiveRefinement

__all__ = ["RAR_EVERY", "RAR_FRACTION", "RAR_POOL", "is_nonlinear_evolution", "plan_refinement"]

#: Adam steps between two rounds of added points (10 rounds in the default 2000 Adam steps)
RAR_EVERY = 200
#: points added per round, as a fraction of the interior points (10 rounds add half as many again)
RAR_FRACTION = 0.05
#: candidate pool per round, as a multiple of the interior points
RAR_POOL = 8


def _field_terms(expr: sp.Expr) -> set[sp.Expr]:
    """The fields and their derivatives in ``expr``."""
    derivatives = {d for d in expr.atoms(sp.Derivative) if is_field(d.expr)}
    fields = {f for f in expr.atoms(sp.Function) if is_field(f)}
    return derivatives | fields


def is_nonlinear_evolution(problem: Problem) -> bool:
    """Whether ``problem`` evolves in time over a space domain with an equation nonlinear in its fields."""
    if problem.time is None or not problem.space:
        return False
    for residual in problem.residuals:
        terms = sorted(_field_terms(residual), key=sp.default_sort_key)
        dummies = sp.symbols(f"_rar0:{len(terms)}")
        linearised = residual.subs(dict(zip(terms, dummies)), simultaneous=True)
        if any(sp.simplify(sp.diff(linearised, a, b)) != 0 for a in dummies for b in dummies):
            return True
    return False


def plan_refinement(
    problem: Problem, settings: Any, objective: Any, n: int, seed: int, distributed: bool = False
) -> tuple[AdaptiveRefinement | None, Any]:
    """The RAR-D callback for ``objective`` (None when off) and the choice recorded in config.json."""
    every, m, pool = settings.rar_every, settings.rar_points, settings.rar_pool  # whole numbers ≥ 1 (options.py)
    mode = settings.rar
    if mode == "on" and distributed:
        raise SettingsError(
            "--rar on adds collocation points while training, and a distributed run (--nproc, torchrun) shards "
            "a fixed set of points over its processes. Use --rar off, or run in one process."
        )
    if mode == "auto":
        if distributed:
            return None, "off (auto: not available in distributed training)"
        if getattr(settings, "compile", False):  # each round changes the traced shapes: a recompile of 10-35 s
            return None, "off (auto: --compile traces one fixed set of points; give --rar on to add them anyway)"
        if not is_nonlinear_evolution(problem):
            return None, (
                "off (auto: a linear or steady problem, where the added points bought no accuracy; on for nonlinear "
                "evolution equations with steep fronts: benchmarks/rar)"
            )
    elif mode == "off":
        return None, "off"
    every = every or RAR_EVERY
    m = m or max(1, round(RAR_FRACTION * n))
    pool = pool or max(RAR_POOL * n, 4 * m)

    def candidates(count: int, rng: Any) -> Any:
        return collocation.interior(problem, count, "random", rng)

    callback = AdaptiveRefinement(objective, candidates, every, m, pool, seed, DEFAULT_K, DEFAULT_C)
    why = "on" if mode == "on" else "auto: a nonlinear evolution equation, whose steep fronts need more points"
    choice = {
        "mode": f"RAR-D ({why})",
        "every": every,
        "points_per_round": m,
        "pool": pool,
        "k": DEFAULT_K,
        "c": DEFAULT_C,
        "stages": "first-order stages only (points fixed for L-BFGS and second-order stages)",
    }
    return callback, choice
