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
import sympy as sp

from pinnsolve.dsl.conditions import Data, Dirichlet, Initial, Neumann, Periodic, Robin
from pinnsolve.dsl.problem import Problem
from pinnsolve.methods import collocation
from pinnsolve.errors import SettingsError
from pinnsolve.methods.base import equation_terms, make_objective, point_counts, weight_of
from pinnsolve.methods.contract import Context
from pinnsolve.methods.neural import NeuralMethod, Setup
from pinnsolve.methods.objective import LossTerm
from pinnsolve.methods.settings import CollocationSettings, NetworkSettings, TrainSettings
from pinnsolve.methods.surrogate import Surrogate
from pinnsolve.residual import TaylorEngine, compile_expression, normal_symbols
from pinnsolve.solution import Solution


def normal_derivative(problem: Problem, u: sp.Expr) -> sp.Expr:
    """∂u/∂n = n·∇u with symbolic normal components (filled per boundary point)."""
    return sp.Add(*[n * sp.Derivative(u, c) for n, c in zip(normal_symbols(problem), problem.space) if c in u.args])


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
    """Soft-constraint residuals for every condition of the problem."""
    _, nb = point_counts(problem, settings)
    terms: list[LossTerm] = []

    def add(name: str, kind: str, expr: sp.Expr, points: np.ndarray, **extra: object) -> None:
        terms.append(LossTerm(name, kind, compile_expression(problem, expr), points,
                              weight_of(settings, name, kind), **extra))

    for c in problem.conditions:
        if isinstance(c, (Dirichlet, Neumann, Robin)):
            points, normals = collocation.boundary(problem, c.on, nb, settings.sampler, rng)
            if isinstance(c, Dirichlet):
                add("bc", "bc", c.field - c.g, points)
            elif isinstance(c, Neumann):
                add("bc", "bc", normal_derivative(problem, c.field) - c.g, points, normals=normals)
            else:
                add("bc", "bc", c.a * c.field + c.b * normal_derivative(problem, c.field) - c.g, points,
                    normals=normals)
        elif isinstance(c, Initial):
            target = c.field if c.order == 0 else sp.Derivative(c.field, (c.time, c.order))
            add("ic", "ic", target - c.g, collocation.initial(problem, nb, settings.sampler, rng))
        elif isinstance(c, Periodic):
            axis = list(problem.space).index(c.coord)
            lower, upper = collocation.face_pairs(problem, axis, nb, settings.sampler, rng)
            for f in problem.fields:
                if c.coord in f.args:
                    add("periodic", "periodic", f, lower, partner=upper)
                    add("periodic", "periodic", sp.Derivative(f, c.coord), lower, partner=upper)
        elif isinstance(c, Data):
            add("data", "data", c.field, collocation.padded(problem, c.field.args, c.points), target=c.values)
    return _numbered(terms)


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
        return Setup(model, objective, {"derivatives": engine, "interior_points": n, "boundary_points": nb,
                                        "constraints": "soft (all conditions in the loss)",
                                        "weights": {t.name: t.weight for t in terms}})

    def check_compilable(self, setup: Setup) -> None:
        """Only the Taylor-mode residual loss of a plain network is traceable by torch.compile."""
        if not isinstance(setup.objective.engine, TaylorEngine):
            raise SettingsError(
                "--compile needs the Taylor-mode derivative engine, and this run uses nested autograd, which "
                "differentiates twice: torch.compile cannot trace that. Use an MLP with tanh, sin or silu and "
                "--derivatives auto, or drop --compile.")
