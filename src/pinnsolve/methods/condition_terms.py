r"""Soft constraints: each condition's residual as PINN loss terms (Raissi et al., J. Comput. Phys. 378, 2019).

A condition ``c`` contributes terms :math:`w\,\overline{r_c^2}` to the loss, its residual
:math:`r_c` taken at points drawn where it holds:

* Dirichlet :math:`u - g`, Neumann :math:`\partial_n u - g`, Robin :math:`a u + b\,\partial_n u - g`
  at boundary points (with their outward normals);
* Initial :math:`\partial_t^k u - g` at :math:`t = t_0`;
* Periodic: :math:`u` and :math:`\partial_x u` at the lower face minus at the upper one, for every field
  that depends on :math:`x`;
* Data :math:`u(x_i) - u_i` at the measurement points.

`loss_terms` is a ``functools.singledispatch`` registry over condition types: a new condition
registers its terms with ``@loss_terms.register``; an unregistered one is refused, naming its type.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from pinnsolve.dsl.conditions import Condition, Data, Dirichlet, Initial, Neumann, Periodic, Robin, unsupported
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.methods import collocation
from pinnsolve.methods.base import weight_of
from pinnsolve.methods.objective import LossTerm
from pinnsolve.residual import compile_expression, normal_symbols

__all__ = ["TermContext", "loss_terms", "normal_derivative"]


def normal_derivative(problem: Problem, u: sp.Expr) -> sp.Expr:
    """∂u/∂n = n·∇u with symbolic normal components (filled per boundary point)."""
    return sp.Add(*[n * sp.Derivative(u, c) for n, c in zip(normal_symbols(problem), problem.space) if c in u.args])


@dataclass
class TermContext:
    """What every condition's terms are built from.

    ``settings`` gives the point ``sampler`` and the user's ``weights`` (by term name or kind);
    ``rng`` draws the points, ``boundary_points`` is how many each boundary or initial term gets.
    """

    problem: Problem
    settings: Any
    rng: np.random.Generator
    boundary_points: int

    def term(self, name: str, kind: str, expr: sp.Expr, points: np.ndarray, **extra: object) -> LossTerm:
        """The loss term of residual ``expr`` at ``points``, weighted by ``--weight name=`` or ``kind=``."""
        return LossTerm(
            name, kind, compile_expression(self.problem, expr), points, weight_of(self.settings, name, kind), **extra
        )

    def boundary(self, on: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Points on the boundary parts ``on`` and their outward normals."""
        return collocation.boundary(self.problem, on, self.boundary_points, self.settings.sampler, self.rng)


@functools.singledispatch
def loss_terms(c: Condition, context: TermContext) -> list[LossTerm]:
    """The PINN loss terms of condition ``c`` (unnumbered names: 'bc', 'ic', 'periodic', 'data')."""
    raise unsupported(
        c,
        "the PINN's soft constraints",
        "register its loss terms with "
        "@pinnsolve.methods.condition_terms.loss_terms.register (see pinnsolve.dsl.conditions).",
        MethodNotApplicable,
    )


@loss_terms.register
def _(c: Dirichlet, context: TermContext) -> list[LossTerm]:
    points, _ = context.boundary(c.on)
    return [context.term("bc", "bc", c.field - c.g, points)]


@loss_terms.register
def _(c: Neumann, context: TermContext) -> list[LossTerm]:
    points, normals = context.boundary(c.on)
    return [context.term("bc", "bc", normal_derivative(context.problem, c.field) - c.g, points, normals=normals)]


@loss_terms.register
def _(c: Robin, context: TermContext) -> list[LossTerm]:
    points, normals = context.boundary(c.on)
    residual = c.a * c.field + c.b * normal_derivative(context.problem, c.field) - c.g
    return [context.term("bc", "bc", residual, points, normals=normals)]


@loss_terms.register
def _(c: Initial, context: TermContext) -> list[LossTerm]:
    problem = context.problem
    target = c.field if c.order == 0 else sp.Derivative(c.field, (c.time, c.order))
    points = collocation.initial(problem, context.boundary_points, context.settings.sampler, context.rng)
    return [context.term("ic", "ic", target - c.g, points)]


@loss_terms.register
def _(c: Periodic, context: TermContext) -> list[LossTerm]:
    problem = context.problem
    axis = list(problem.space).index(c.coord)
    lower, upper = collocation.face_pairs(problem, axis, context.boundary_points, context.settings.sampler, context.rng)
    terms = []
    for f in problem.fields:
        if c.coord in f.args:
            terms.append(context.term("periodic", "periodic", f, lower, partner=upper))
            terms.append(context.term("periodic", "periodic", sp.Derivative(f, c.coord), lower, partner=upper))
    return terms


@loss_terms.register
def _(c: Data, context: TermContext) -> list[LossTerm]:
    points = collocation.padded(context.problem, c.field.args, c.points)
    return [context.term("data", "data", c.field, points, target=c.values)]
