r"""Hard constraints: what each condition asks of the trial function u = A + B·N (Lagaris et al. 1998).

The trial-function method builds a condition into the particular part A (which takes the
prescribed values) and the factor B (which vanishes where they are prescribed), so the network
N cannot violate it. Two kinds of condition can be built in on intervals and boxes:

* Dirichlet ``u = g`` on faces of the box: A interpolates g between opposite faces, B has a
  factor vanishing on each constrained face (`FaceValues`);
* Initial ``∂ₜᵏu = g`` at :math:`t_0`: A carries the Taylor polynomial
  :math:`\sum_k (t - t_0)^k/k!\;g_k`, B a factor :math:`(t - t_0)^K` (`InitialValue`).

`constraint` is a ``functools.singledispatch`` registry over condition types. Neumann, Robin,
periodic and data conditions are registered as refused, with the advice to use the PINN, which
imposes them in the loss; an unregistered type is refused naming its type.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from pinnsolve.dsl.conditions import Condition, Data, Dirichlet, Initial, Neumann, Periodic, Robin, unsupported
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable as NotSupported
from pinnsolve.methods import collocation
from pinnsolve.methods.base import MethodNotApplicable  # the same class once methods/ uses pinnsolve.errors

__all__ = ["Constraint", "FaceValues", "InitialValue", "constraint", "constraints_of"]


@dataclass(frozen=True)
class Constraint:
    """A condition as the trial function sees it: field ``field`` takes ``g`` somewhere."""

    field: sp.Expr
    g: sp.Expr
    kind: str

    def face_values(self, problem: Problem) -> dict[str, sp.Expr]:
        """Prescribed values by box face name ('x.min', ...): what A interpolates in space."""
        return {}

    def initial_values(self) -> dict[int, sp.Expr]:
        """Prescribed time derivatives at t₀ by order: what A's Taylor polynomial in t carries."""
        return {}

    def check_points(self, problem: Problem, n: int, rng: np.random.Generator) -> np.ndarray:
        """Points where the condition holds, to check that A meets it."""
        raise NotImplementedError

    def constrained(self, particular: sp.Expr) -> sp.Expr:
        """The quantity the condition prescribes, taken of the particular part A."""
        return particular


@dataclass(frozen=True)
class FaceValues(Constraint):
    """u = g on the boundary parts ``on`` (faces of the box; 'boundary' is every face of u's coordinates)."""

    on: tuple[str, ...]

    def face_values(self, problem: Problem) -> dict[str, sp.Expr]:
        data: dict[str, sp.Expr] = {}
        for part in self.on:
            names = (
                [f"{s.name}.{side}" for s in problem.space if s in self.field.args for side in ("min", "max")]
                if part == "boundary"
                else [part]
            )
            for name in names:
                data.setdefault(name, self.g)
        return data

    def check_points(self, problem: Problem, n: int, rng: np.random.Generator) -> np.ndarray:
        points, _ = collocation.boundary(problem, self.on, n, "random", rng)
        return points


@dataclass(frozen=True)
class InitialValue(Constraint):
    """∂ₜᵏu = g at the initial time t₀ of ``time``."""

    order: int
    time: sp.Symbol

    def initial_values(self) -> dict[int, sp.Expr]:
        return {self.order: self.g}

    def check_points(self, problem: Problem, n: int, rng: np.random.Generator) -> np.ndarray:
        return collocation.initial(problem, n, "random", rng)

    def constrained(self, particular: sp.Expr) -> sp.Expr:
        return sp.diff(particular, self.time, self.order) if self.order else particular


@functools.singledispatch
def constraint(c: Condition, problem: Problem) -> Constraint:
    """What condition ``c`` asks of the trial function, or `MethodNotApplicable` if it cannot be built in."""
    raise unsupported(
        c,
        "the trial-function method (--method trial)",
        "use --method pinn, which imposes it in "
        "the loss, or register its hard constraint with "
        "@pinnsolve.methods.trial_constraints.constraint.register.",
        NotSupported,
    )


@constraint.register
def _(c: Dirichlet, problem: Problem) -> Constraint:
    return FaceValues(c.field, c.g, c.kind, c.on)


@constraint.register
def _(c: Initial, problem: Problem) -> Constraint:
    return InitialValue(c.field, c.g, c.kind, c.order, c.time)


@constraint.register(Neumann)
@constraint.register(Robin)
@constraint.register(Periodic)
@constraint.register(Data)
def _(c: Condition, problem: Problem) -> Constraint:
    raise MethodNotApplicable(
        f"the trial-function method can build only Dirichlet and initial conditions into u = A + B·N, and "
        f"problem '{problem.name}' has a {c.kind} condition. Use --method pinn, which imposes it in the loss."
    )


def constraints_of(problem: Problem) -> list[Constraint]:
    """Every condition of ``problem`` as a hard constraint, in order; refuses the first that is not one."""
    return [constraint(c, problem) for c in problem.conditions]
