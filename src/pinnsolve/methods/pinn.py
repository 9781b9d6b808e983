"""Physics-informed neural network (Raissi, Perdikaris & Karniadakis, J. Comput. Phys. 378, 2019).

An MLP u_θ(x, t) minimises

.. math:: L(θ) = Σ_i w_i \\, \\overline{r_i^2}

over the equation residuals at interior collocation points and the condition residuals
(Dirichlet, Neumann, Robin, initial, periodic, data) at boundary, initial and data points:
all conditions are soft constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import SettingsError
from pinnsolve.methods.base import equation_terms, make_objective, point_counts
from pinnsolve.methods.condition_terms import TermContext, loss_terms
from pinnsolve.methods.contract import Context
from pinnsolve.methods.neural import NeuralMethod, Setup
from pinnsolve.methods.objective import LossTerm
from pinnsolve.methods.settings import CollocationSettings, NetworkSettings, TrainSettings
from pinnsolve.methods.surrogate import Surrogate
from pinnsolve.residual import TaylorEngine
from pinnsolve.solution import Solution


def _numbered(terms: list[LossTerm]) -> list[LossTerm]:
    """Give repeated names a number: bc1, bc2, ... (single ones stay plain)."""
    counts: dict[str, int] = {}
    for t in terms:
        counts[t.name] = counts.get(t.name, 0) + 1
    seen: dict[str, int] = {}
    for t in terms:
        if counts[t.name] > 1:
            seen[t.name] = seen.get(t.name, 0) + 1
            t.name = f"{t.name}{seen[t.name]}"
    return terms


def condition_terms(problem: Problem, settings: Any, rng: np.random.Generator) -> list[LossTerm]:
    """Soft-constraint residuals for every condition of the problem (`pinnsolve.methods.condition_terms`)."""
    _, nb = point_counts(problem, settings)
    context = TermContext(problem, settings, rng, nb)
    return _numbered([t for c in problem.conditions for t in loss_terms(c, context)])


@dataclass
class PinnSettings(TrainSettings, CollocationSettings, NetworkSettings):
    """Settings of --method pinn: the network, the collocation points and weights, the training budget."""


class PINN(NeuralMethod, name="pinn"):
    """Soft-constraint physics-informed network: every condition is a term of the loss."""

    settings_type = PinnSettings
    result_type = Solution
    summary = "physics-informed neural network, every condition in the loss (Raissi et al. 2019)"

    def build(self, problem: Problem, settings: PinnSettings, context: Context) -> Setup:
        """An MLP and the soft-constraint PINN objective for ``problem``."""
        dtype, device, rng = context.dtype, context.device, context.rng
        model = Surrogate(problem, settings).to(device=device, dtype=dtype)
        terms = equation_terms(problem, settings, rng, balance=True) + condition_terms(problem, settings, rng)
        objective, engine = make_objective(terms, settings, model, dtype, device)
        n, nb = point_counts(problem, settings)
        return Setup(
            model,
            objective,
            {
                "derivatives": engine,
                "interior_points": n,
                "boundary_points": nb,
                "constraints": "soft (all conditions in the loss)",
                "weights": {t.name: t.weight for t in terms},
            },
        )

    def check_compilable(self, setup: Setup) -> None:
        """Only the Taylor-mode residual loss of a plain network is traceable by torch.compile."""
        if not isinstance(setup.objective.engine, TaylorEngine):
            raise SettingsError(
                "--compile needs the Taylor-mode derivative engine, and this run uses nested autograd, which "
                "differentiates twice: torch.compile cannot trace that. Use an MLP with tanh, sin or silu and "
                "--derivatives auto, or drop --compile."
            )
