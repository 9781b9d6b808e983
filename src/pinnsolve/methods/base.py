"""What every neural method returns before training: a model and the loss it minimises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.methods import collocation
from pinnsolve.methods.objective import LossTerm, Objective
from pinnsolve.methods.settings import MethodSettings, default_points
from pinnsolve.residual import TaylorEngine, compile_expression, get_engine


class MethodNotApplicable(Exception):
    """The method cannot treat this problem; the message says why and what to use instead."""


@dataclass
class Setup:
    """A model, its objective, and the choices made for it (recorded in config.json)."""

    model: torch.nn.Module
    objective: Objective
    choices: dict[str, Any] = field(default_factory=dict)


def weight_of(settings: MethodSettings, name: str, kind: str) -> float:
    """A term's weight: by its name ('bc2'), else by its kind ('bc'), else 1."""
    return float(settings.weights.get(name, settings.weights.get(kind, 1.0)))


def point_counts(problem: Problem, settings: MethodSettings) -> tuple[int, int]:
    n = settings.points or default_points(len(problem.coords))
    nb = settings.boundary_points or max(64, n // 8)
    return n, nb


def equation_terms(problem: Problem, settings: MethodSettings, rng: np.random.Generator) -> list[LossTerm]:
    """The residual of every equation at the interior collocation points."""
    n, _ = point_counts(problem, settings)
    points = collocation.interior(problem, n, settings.sampler, rng)
    many = len(problem.residuals) > 1
    return [LossTerm(f"pde{i + 1}" if many else "pde", "pde", compile_expression(problem, r), points,
                     weight_of(settings, f"pde{i + 1}" if many else "pde", "pde"))
            for i, r in enumerate(problem.residuals)]


def resolve_engine(settings: MethodSettings, model: torch.nn.Module, keys: set, n_inputs: int) -> tuple[object, str]:
    """The derivative engine: Taylor mode where the network and derivatives allow it, else autograd."""
    if settings.derivatives == "auto":
        name = "taylor" if TaylorEngine.supports(model, keys, n_inputs) else "autograd"
    else:
        name = settings.derivatives
        if name == "taylor" and not TaylorEngine.supports(model, keys, n_inputs):
            raise MethodNotApplicable(
                "--derivatives taylor needs a single tanh, sin or silu MLP over all coordinates and derivatives of "
                "order at most 2. Use --derivatives autograd (or auto).")
    return get_engine(name), name


def make_objective(terms: list[LossTerm], settings: MethodSettings, model: torch.nn.Module, dtype: torch.dtype,
                   device: torch.device) -> tuple[Objective, str]:
    keys = {k for t in terms for k in t.expr.keys}
    n_inputs = terms[0].points.shape[1]
    engine, name = resolve_engine(settings, model, keys, n_inputs)
    return Objective(terms, engine, dtype, device), name
