"""FFNN trial functions (Lagaris, Likas & Fotiadis, IEEE Trans. Neural Netw. 9(5), 1998).

Each field is sought as

.. math:: u(x, t) = A(x, t) + B(x, t)\\, N_θ(x, t)

where A satisfies the Dirichlet and initial conditions exactly and B vanishes where
they are imposed, so the loss is the equation residual alone. On intervals and boxes A is built
symbolically by transfinite interpolation: a projection per coordinate that corrects the function
on that coordinate's faces (both ends: linear blending; initial time: a Taylor polynomial up to
the order of the initial conditions), applied coordinate after coordinate. On disks, polygons and
their unions, intersections and differences, one Dirichlet datum g on the whole boundary gives
A = g and B = φ, an approximate distance function of the boundary built from R-functions
(`distance`; Sukumar & Srivastava 2022).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import field_name
from pinnsolve.errors import MethodNotApplicable, SettingsError
from pinnsolve.methods.base import equation_terms, make_objective, point_counts
from pinnsolve.methods.contract import Context
from pinnsolve.methods.distance import distance_function
from pinnsolve.methods.neural import NeuralMethod, Setup
from pinnsolve.methods.settings import InteriorSettings, NetworkSettings, TrainSettings
from pinnsolve.methods.surrogate import Surrogate, TrialSurrogate
from pinnsolve.methods.trial_constraints import FaceValues, constraints_of
from pinnsolve.residual import numpy_function
from pinnsolve.solution import Solution


def check_applicable(problem: Problem) -> None:
    """Refuse problems whose conditions cannot be built into A and B, saying what to use."""
    constraints_of(problem)
    if problem.domain is not None and not problem.domain.is_box:
        for f in problem.fields:
            _boundary_datum(problem, f)
        distance_function(problem.domain, problem.domain.coords)


def _boundary_datum(problem: Problem, field: sp.Expr) -> sp.Expr:
    """The one Dirichlet datum g of ``field`` on the whole boundary of a non-box domain (else refused)."""
    data = [k for k in constraints_of(problem) if k.field == field and isinstance(k, FaceValues)]
    parts = set(problem.domain.boundary_parts())
    covered = {p for k in data for p in getattr(k, "on", ())}
    whole = "boundary" in covered or (parts and parts <= covered)
    values = {sp.srepr(problem.numeric(k.g)) for k in data}
    if not whole or len(values) != 1:
        said = "different data on different parts of the boundary" if whole else "no Dirichlet datum on all of it"
        raise MethodNotApplicable(
            f"on the {type(problem.domain).__name__} domain of '{problem.name}', the trial-function method builds in "
            f"one Dirichlet datum g on the whole boundary (u = g + φ·N, φ an approximate distance function), and "
            f"field '{field_name(field)}' has {said}. Use --method pinn, which imposes the conditions in the loss."
        )
    return data[0].g


def _faces(problem: Problem, field: sp.Expr) -> dict[str, sp.Expr]:
    """Dirichlet data of ``field`` by face name ('x.min', ...)."""
    data: dict[str, sp.Expr] = {}
    for k in constraints_of(problem):
        if k.field == field:
            for name, g in k.face_values(problem).items():
                data.setdefault(name, g)
    return data


def trial_parts(problem: Problem, field: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(A, B) for one field: A meets its conditions, B vanishes where they hold."""
    A: sp.Expr = sp.Integer(0)
    B: sp.Expr = sp.Integer(1)
    faces = _faces(problem, field)
    lo, hi = problem.domain.bounds() if problem.domain is not None else ([], [])
    if problem.domain is not None and not problem.domain.is_box:
        A, B = _boundary_datum(problem, field), distance_function(problem.domain, problem.domain.coords)
        faces = {}  # the space part is done: only the initial time is left
    for axis, s in enumerate(problem.space):
        if s not in field.args:
            continue
        a, b = sp.Float(lo[axis]), sp.Float(hi[axis])
        ga, gb = faces.get(f"{s.name}.min"), faces.get(f"{s.name}.max")
        if ga is not None and gb is not None:
            A = (
                A
                + (b - s) / (b - a) * (ga.subs(s, a) - A.subs(s, a))
                + (s - a) / (b - a) * (gb.subs(s, b) - A.subs(s, b))
            )
            B = B * 4 * (s - a) * (b - s) / (b - a) ** 2
        elif ga is not None:
            A = A + (ga.subs(s, a) - A.subs(s, a))
            B = B * (s - a) / (b - a)
        elif gb is not None:
            A = A + (gb.subs(s, b) - A.subs(s, b))
            B = B * (b - s) / (b - a)
    t = problem.time
    if t is not None and t in field.args:
        initial = {
            order: g for k in constraints_of(problem) if k.field == field for order, g in k.initial_values().items()
        }
        t0, t1 = sp.Float(t.lo), sp.Float(t.hi)
        correction = sp.Add(
            *[(t - t0) ** k / math.factorial(k) * (g - sp.diff(A, t, k).subs(t, t0)) for k, g in initial.items()]
        )
        A = A + correction
        B = B * ((t - t0) / (t1 - t0)) ** len(initial)
    return problem.numeric(A), problem.numeric(B)


def _check_conditions_hold(
    problem: Problem, parts: dict[str, tuple[sp.Expr, sp.Expr]], rng: np.random.Generator
) -> None:
    """Evaluate each condition on A: incompatible data (e.g. at corners) cannot be built in."""
    coords = list(problem.coords)
    for c in constraints_of(problem):
        A = parts[field_name(c.field)][0]
        points = c.check_points(problem, 64, rng)
        lhs = c.constrained(A)
        cols = [points[:, i] for i in range(points.shape[1])]
        error = numpy_function(problem.numeric(lhs - c.g), coords)(*cols)
        scale = 1 + float(np.max(np.abs(numpy_function(problem.numeric(c.g), coords)(*cols))))
        if np.max(np.abs(error)) > 1e-8 * scale:
            raise MethodNotApplicable(
                f"the {c.kind} condition on '{field_name(c.field)}' cannot be built into the trial function: the "
                f"conditions do not agree where they meet (largest mismatch {np.max(np.abs(error)):.3g}), e.g. a "
                "boundary value that differs from the initial value at a corner. Use --method pinn."
            )


@dataclass
class TrialSettings(TrainSettings, InteriorSettings, NetworkSettings):
    """Settings of --method trial: the network N, the interior collocation points, the training budget."""


class TrialFunction(NeuralMethod, name="trial"):
    """u = A + B·N: Dirichlet and initial conditions hold by construction, the loss is the residual alone."""

    settings_type = TrialSettings
    result_type = Solution
    summary = "trial function u = A + B·N with the conditions built in (Lagaris et al. 1998)"

    def check(self, problem: Problem, settings: Any) -> None:
        check_applicable(problem)

    def build(self, problem: Problem, settings: TrialSettings, context: Context) -> Setup:
        """The trial function u = A + B·N and the residual-only objective."""
        dtype, device, rng = context.dtype, context.device, context.rng
        check_applicable(problem)
        parts = {field_name(f): trial_parts(problem, f) for f in problem.fields}
        _check_conditions_hold(problem, parts, np.random.default_rng(0))
        coords = list(problem.coords)
        network = Surrogate(problem, settings)
        model = TrialSurrogate(
            network, [parts[n][0] for n in problem.field_names], [parts[n][1] for n in problem.field_names], coords
        ).to(device=device, dtype=dtype)
        objective, engine = make_objective(equation_terms(problem, settings, rng), settings, model, dtype, device)
        n, _ = point_counts(problem, settings)
        form = {name: f"{sp.sstr(A)} + ({sp.sstr(B)})·N" for name, (A, B) in parts.items()}
        return Setup(
            model,
            objective,
            {
                "derivatives": engine,
                "interior_points": n,
                "trial_function": form,
                "constraints": "hard (Dirichlet and initial conditions built in"
                + (
                    "; B an approximate distance function of the boundary, from R-functions)"
                    if problem.domain is not None and not problem.domain.is_box
                    else ")"
                ),
            },
        )

    def check_compilable(self, setup: Setup) -> None:
        raise SettingsError(
            "--compile works with --method pinn only: the trial function's A and B, cached at the collocation "
            "points between steps, are not traceable by torch.compile yet. Drop --compile for --method trial."
        )
