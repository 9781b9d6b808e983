"""--loss-weights of the pinn method: which adaptive loss weights a problem gets, and why (config.json).

The rules themselves live in `pinnsolve.residual.loss_weights`; this module only chooses among
them. ``auto`` picks per problem class, on the measurements in ``benchmarks/loss_weights.md``.
"""

from __future__ import annotations

from typing import Any

from pinnsolve.dsl.problem import Problem
from pinnsolve.residual.loss_weights import LossWeights, make_loss_weights
from pinnsolve.residual.objective import LossTerm

__all__ = ["BALANCED_KINDS", "CHOICES", "auto_rule", "choose_loss_weights"]

#: the values of --loss-weights
CHOICES = ["auto", "fixed", "annealing", "annealing-scaled", "relobralo"]


#: the conditions ``auto`` balances adaptively: those measured (data terms and unknowns were not)
BALANCED_KINDS = frozenset({"bc", "ic", "periodic"})


def auto_rule(problem: Problem, terms: list[LossTerm]) -> tuple[str, str]:
    """The rule ``auto`` takes for ``problem``, and why (measured at the defaults, validation/LOSS_WEIGHTS.md).

    * an evolution PDE (space and time) whose loss holds boundary and initial conditions:
      ``annealing-scaled``, which lowered the L2 error on heat1d (1.35–2.4×), Burgers (1.8×),
      heat_neumann (1.2×) and wave1d (1.15×);
    * a steady problem: fixed weights, since no rule paid on poisson2d;
    * an ODE system with built-in initial values, or a loss of equations alone: fixed, nothing to balance;
    * data terms or identified constants: fixed, not measured.
    """
    kinds = {t.kind for t in terms}
    if kinds <= {"pde"}:
        return "fixed", "the loss holds the equations alone (conditions built in): no condition term to balance"
    if not kinds - {"pde"} <= BALANCED_KINDS or any(p.trainable for p in problem.parameters.values()):
        return "fixed", "adaptive weights were not measured on data terms or identified constants"
    if problem.time is not None and problem.space:
        return "annealing-scaled", (
            "an evolution problem with its conditions in the loss: at the defaults annealing-scaled lowered the "
            "L2 error on each one measured (heat1d 1.6e-3 to 6.7e-4, Burgers 0.23 to 0.13, heat_neumann 7.3e-5 "
            "to 6.1e-5, wave1d 8.1e-3 to 7.0e-3; validation/LOSS_WEIGHTS.md)"
        )
    return "fixed", (
        "a steady problem: on poisson2d no adaptive rule paid at the defaults (L2 2.4e-4 fixed; annealing-scaled "
        "2.4e-4 and 4.7e-4 at seeds 0 and 1, relobralo 3.1e-4; validation/LOSS_WEIGHTS.md)"
    )


def choose_loss_weights(
    problem: Problem, settings: Any, terms: list[LossTerm], seed: int
) -> tuple[LossWeights | None, dict[str, Any] | str]:
    """The adaptive weights of ``terms`` under ``--loss-weights``, and the record of the choice for config.json."""
    kind = settings.loss_weights
    why = "given by --loss-weights"
    given = set(getattr(settings, "weights", None) or {}) - {"pde"} - {t.name for t in terms if t.kind == "pde"}
    if kind == "auto" and given:
        kind, why = "fixed", f"the condition weights given by --weight ({', '.join(sorted(given))}) are kept"
    elif kind == "auto" and "gauss-newton" in (getattr(settings, "optimizer", None) or ""):
        kind, why = (
            "fixed",
            (
                "the chain runs Gauss–Newton, which minimises the weighted residuals as they stand when Adam ends: "
                "heat1d, adam:200,gauss-newton:1000 on 20×2, reached 9.5e-7 with fixed weights and 2.9e-6 with the "
                "annealed ones frozen in (validation/OPTIMIZERS.md)"
            ),
        )
    elif kind == "auto":
        kind, why = auto_rule(problem, terms)
    rule = make_loss_weights(kind, [t.name for t in terms], [t.kind for t in terms], seed=seed)
    if rule is None:
        return None, f"fixed ({why})"
    return rule, {**rule.describe(), "why": why}
