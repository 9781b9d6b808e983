"""Pieces the neural methods share: loss terms of the equations, weights, point counts, the derivative engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import is_field
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.memory import require_memory
from pinnsolve.methods import collocation
from pinnsolve.methods.neural import Setup  # noqa: F401 - importable from here as before
from pinnsolve.methods.settings import default_points
from pinnsolve.residual import TaylorEngine, compile_expression, get_engine
from pinnsolve.residual.causal import CausalWeights
from pinnsolve.residual.compile import numpy_function
from pinnsolve.residual.loss_weights import LossWeights
from pinnsolve.residual.objective import LossTerm, Objective

#: the fraction of the time range whose reference data trains a data-driven surrogate, by default
DEFAULT_HORIZON = 0.5


def horizon_of(settings: Any) -> float:
    """``--horizon`` (default `DEFAULT_HORIZON`), checked to lie in (0, 1]."""
    h = DEFAULT_HORIZON if settings.horizon is None else float(settings.horizon)
    if not 0.0 < h <= 1.0:
        raise MethodNotApplicable(
            f"--horizon {settings.horizon} is outside (0, 1]: the horizon must lie in (0, 1], "
            "the fraction of the time range whose reference data trains the model. Give e.g. "
            "--horizon 0.5 (1: no extrapolation)."
        )
    return h


def physics_weight_of(settings: Any, default: float) -> float:
    """``--physics-weight`` (``default`` when not given), checked to be finite and ≥ 0."""
    weight = default if settings.physics_weight is None else float(settings.physics_weight)
    if not np.isfinite(weight) or weight < 0:
        raise MethodNotApplicable(
            f"--physics-weight {settings.physics_weight} must be a finite number ≥ 0: 0 leaves "
            "the physics term out, 1 weighs it like the data."
        )
    return weight


def weight_of(settings: Any, name: str, kind: str) -> float:
    """A term's weight: by its name ('bc2'), else by its kind ('bc'), else 1."""
    return float(settings.weights.get(name, settings.weights.get(kind, 1.0)))


def point_counts(problem: Problem, settings: Any) -> tuple[int, int]:
    n = settings.points or default_points(len(problem.coords))
    nb = getattr(settings, "boundary_points", None) or max(64, n // 8)
    d = len(problem.coords)
    # per point: its coordinates, and per hidden unit the value and its derivatives up to second
    # order (1 + d + d²), each held for the backward pass (≈ 2 copies) — a lower bound on torch's use
    width, depth = getattr(settings, "width", 32), getattr(settings, "depth", 3)
    each = 8 * (d + 2 * width * depth * (1 + d + d * d))
    require_memory("interior collocation points", n, each, "--points")
    require_memory("points per boundary", nb, each * max(1, 2 * len(problem.space)), "--boundary-points")
    return n, nb


def equation_terms(problem: Problem, settings: Any, rng: np.random.Generator, balance: bool = False) -> list[LossTerm]:
    """The residual of every equation at the interior collocation points.

    With ``balance`` (soft constraints), an equation whose source is large is measured in units
    of that source: its default weight is 1/s², s being the RMS of the residual with every field
    set to zero (the forcing), when s > 1. Without it a source of size 5π² makes the residual
    loss dwarf the boundary loss, and the network fits the equation with the wrong boundary
    values. A weight given by the user (``--weight pde=...``) is kept as given.
    """
    n, _ = point_counts(problem, settings)
    points = collocation.interior(problem, n, settings.sampler, rng)
    many = len(problem.residuals) > 1
    terms = []
    for i, r in enumerate(problem.residuals):
        name = f"pde{i + 1}" if many else "pde"
        weight = weight_of(settings, name, "pde")
        if balance and name not in settings.weights and "pde" not in settings.weights:
            weight = 1.0 / max(1.0, forcing_scale(problem, r, points)) ** 2
        terms.append(LossTerm(name, "pde", compile_expression(problem, r), points, weight))
    return terms


def forcing_scale(problem: Problem, residual: sp.Expr, points: np.ndarray) -> float:
    """RMS over the collocation points of the residual's source (its value when every field is 0)."""
    source = problem.numeric(residual.replace(is_field, lambda _: sp.S.Zero).doit(), keep_trainable=False)
    if not source.free_symbols <= set(problem.coords):
        return 1.0
    with np.errstate(all="ignore"):
        values = numpy_function(source, problem.coords)(*points.T)
    values = values[np.isfinite(values)]
    return float(np.sqrt(np.mean(values**2))) if values.size else 1.0


def resolve_engine(settings: Any, model: torch.nn.Module, keys: set, n_inputs: int) -> tuple[object, str]:
    """The derivative engine: Taylor mode where the network and derivatives allow it, else autograd."""
    if settings.derivatives == "auto":
        name = "taylor" if TaylorEngine.supports(model, keys, n_inputs) else "autograd"
    else:
        name = settings.derivatives
        if name == "taylor" and not TaylorEngine.supports(model, keys, n_inputs):
            raise MethodNotApplicable(
                "--derivatives taylor needs a single tanh, sin or silu MLP over all coordinates and derivatives of "
                "order at most 2. Use --derivatives autograd (or auto)."
            )
    return get_engine(name), name


def make_objective(
    terms: list[LossTerm],
    settings: Any,
    model: torch.nn.Module,
    dtype: torch.dtype,
    device: torch.device,
    causal: CausalWeights | None = None,
    loss_weights: LossWeights | None = None,
) -> tuple[Objective, str]:
    keys = {k for t in terms for k in t.expr.keys}
    n_inputs = terms[0].points.shape[1]
    engine, name = resolve_engine(settings, model, keys, n_inputs)
    return Objective(terms, engine, dtype, device, causal, loss_weights), name
