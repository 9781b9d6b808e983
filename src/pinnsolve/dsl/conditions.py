"""Boundary, initial, periodic and data conditions.

Each condition names the field it constrains, where it holds (``on=``) and the
prescribed data ``g``, which may be any sympy expression of the coordinates.
Boundary locations are kept as names ("boundary", "x.min", a mesh's physical group) so
that the same condition works for boxes, CSG domains and mesh files.

A condition is data; what each part of pinnsolve does with it lives beside that part, in one
``functools.singledispatch`` registry per consumer:

==========================================  =========================================================
consumer                                    registry
==========================================  =========================================================
``pinnsolve show``                          `pinnsolve.dsl.describe.condition_text`
the report's problem statement (LaTeX)      `pinnsolve.validate.statement.condition_line`
PINN loss terms (soft constraints)          `pinnsolve.methods.condition_terms.loss_terms`
trial-function hard constraints             `pinnsolve.methods.trial_constraints.constraint`
finite-difference boundary rows             `pinnsolve.reference.boundary.boundary_rule`
==========================================  =========================================================

A new condition type is a `Condition` subclass (with its own `Condition.check` against the
problem, if it needs one) and one ``@registry.register`` function per consumer that should
understand it; a consumer without a registration refuses the condition with a message naming
the type and the consumer (`unsupported`), never ignores it. See docs/conditions.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from pinnsolve.dsl.coords import Coordinate, Face
from pinnsolve.dsl.errors import PinnsolveError, ProblemError
from pinnsolve.dsl.symbols import field_name, is_field


def boundary_names(on: object, kind: str) -> tuple[str, ...]:
    """The boundary part names of ``on=`` (a face, a name, or a list of them; None: the whole boundary)."""
    if on is None:
        return ("boundary",)
    if isinstance(on, str):
        return (on,)
    if isinstance(on, Face):
        return (on.name,)
    if isinstance(on, (tuple, list)):
        names: list[str] = []
        for item in on:
            names.extend(boundary_names(item, kind))
        return tuple(dict.fromkeys(names))
    raise ProblemError(
        f"{kind}(..., on={on!r}) does not name a boundary.",
        "Use on=x.min, on=x.max, on=x.boundary, on='boundary' or a named part of the domain.",
    )


def boundary_faces(on: object) -> tuple[Face, ...]:
    """The coordinate faces (``x.min``, ...) among ``on=``, for checks against the domain."""
    if isinstance(on, Face):
        return (on,)
    if isinstance(on, (tuple, list)):
        return tuple(f for item in on for f in boundary_faces(item))
    return ()


def require_field(u: object, kind: str) -> sp.Expr:
    if not is_field(u):
        raise ProblemError(
            f"{kind}(...) is applied to {u!r}, which is not a field.", f"Pass the field itself, e.g. {kind}(u, ...)."
        )
    return u


def unsupported(condition: object, consumer: str, fix: str, error: type[Exception] = PinnsolveError) -> Exception:
    """The error a consumer raises for a condition type it has no registration for.

    ``consumer`` names the part of pinnsolve ("pinnsolve's finite-difference reference"),
    ``fix`` what the user can do instead; ``error`` is the consumer's error class (taking one message).
    """
    name = type(condition).__name__
    kind = getattr(condition, "kind", name)
    label = name if kind in (name, "condition") else f"{kind} ({name})"
    return error(f"{consumer} does not support condition {label} yet; {fix}")


class Condition:
    """Base of all conditions: ``field`` is the constrained field (a sympy expression)."""

    field: sp.Expr
    kind: str = "condition"

    @property
    def field_name(self) -> str:
        return field_name(self.field)

    def expressions(self) -> list[sp.Expr]:
        """The user-supplied sympy expressions (checked for unknown symbols)."""
        return []

    def check(self, problem: Any) -> None:
        """Raise `ProblemError` if this condition does not fit ``problem`` (its coordinates, domain, time).

        Called by `Problem` once the problem is built; a new condition type overrides it to check itself.
        """


@dataclass(eq=False)
class BoundaryCondition(Condition):
    """A condition on part of the spatial boundary."""

    field: sp.Expr
    on: tuple[str, ...]
    faces: tuple[Face, ...]

    def expressions(self) -> list[sp.Expr]:
        return [e for e in self.data() if isinstance(e, sp.Basic)]

    def data(self) -> list[Any]:
        return []

    def check(self, problem: Any) -> None:
        """Its faces are space faces of the domain, its named parts parts of the domain's boundary."""
        space = problem.space
        for face in self.faces:
            if face.coord.is_time_coordinate:
                fix = (
                    f"Use Initial({self.field_name}, g) for the value at {face.coord.name} = {face.coord.lo}."
                    if face.side == "min"
                    else "Conditions at the final time are not supported."
                )
                raise ProblemError(f"a {self.kind} condition is placed on {face.name}, the time coordinate.", fix)
            if face.coord not in space:
                raise ProblemError(
                    f"a {self.kind} condition on '{self.field_name}' is placed on {face.name}, but the domain has no "
                    f"coordinate '{face.coord.name}'.",
                    f"The domain's coordinates are: {', '.join(s.name for s in space) or 'none'}.",
                )
        if problem.domain is None:
            raise ProblemError(
                f"a {self.kind} condition is given but the problem has no space coordinate.",
                "Use Initial(...) for ODEs.",
            )
        parts = set(problem.domain.boundary_parts()) | {"boundary"}
        for name in self.on:
            if name not in parts:
                raise ProblemError(
                    f"a {self.kind} condition on '{self.field_name}' is placed on '{name}', "
                    "which is not part of the domain's boundary.",
                    f"Named parts are: {', '.join(sorted(parts))}.",
                )
        if self.field.args and not any(a in space for a in self.field.args):
            raise ProblemError(
                f"a {self.kind} condition is given for '{self.field_name}', which has no space coordinate.",
                "Boundary conditions apply to fields of Space coordinates.",
            )


class Dirichlet(BoundaryCondition):
    """u = g on the boundary part ``on``."""

    kind = "Dirichlet"

    def __init__(self, u: sp.Expr, g: object, on: object = None) -> None:
        super().__init__(require_field(u, "Dirichlet"), boundary_names(on, "Dirichlet"), boundary_faces(on))
        self.g = sp.sympify(g)

    def data(self) -> list[Any]:
        return [self.g]


class Neumann(BoundaryCondition):
    """∂u/∂n = g on ``on``, with n the outward unit normal."""

    kind = "Neumann"

    def __init__(self, u: sp.Expr, g: object, on: object = None) -> None:
        super().__init__(require_field(u, "Neumann"), boundary_names(on, "Neumann"), boundary_faces(on))
        self.g = sp.sympify(g)

    def data(self) -> list[Any]:
        return [self.g]


class Robin(BoundaryCondition):
    """a·u + b·∂u/∂n = g on ``on``, with n the outward unit normal."""

    kind = "Robin"

    def __init__(self, u: sp.Expr, a: object, b: object, g: object, on: object = None) -> None:
        super().__init__(require_field(u, "Robin"), boundary_names(on, "Robin"), boundary_faces(on))
        self.a, self.b, self.g = sp.sympify(a), sp.sympify(b), sp.sympify(g)

    def data(self) -> list[Any]:
        return [self.a, self.b, self.g]


@dataclass(eq=False)
class Periodic(Condition):
    """Periodicity in ``coord``: every field that depends on it, and its first derivative
    in that direction, take equal values on the two opposite faces."""

    coord: Coordinate
    kind: str = field(default="Periodic", init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.coord, Coordinate):
            raise ProblemError(f"Periodic({self.coord!r}) needs a coordinate.", "Write e.g. Periodic(x).")
        if self.coord.is_time_coordinate:
            raise ProblemError(
                "Periodic(t) on the time coordinate is not supported.", "Periodicity applies to Space coordinates."
            )

    @property
    def field_name(self) -> str:
        return ""

    def check(self, problem: Any) -> None:
        """The coordinate is a space coordinate of the problem, and the domain a box."""
        if self.coord not in problem.space:
            raise ProblemError(
                f"Periodic({self.coord.name}) is on a coordinate the domain lacks.",
                f"Space coordinates are: {', '.join(s.name for s in problem.space) or 'none'}.",
            )
        if problem.domain is not None and not problem.domain.is_box:
            raise ProblemError(
                f"Periodic({self.coord.name}) needs a box domain.", "Use the box from the coordinate ranges."
            )


class Initial(Condition):
    """u = g at the initial time, or with ``Initial(D(u, t), g)`` the initial rate u_t = g."""

    kind = "Initial"

    def __init__(self, target: sp.Expr, g: object) -> None:
        self.order = 0
        if isinstance(target, sp.Derivative) and is_field(target.expr):
            variables = target.variables
            if len(set(variables)) != 1 or not getattr(variables[0], "is_time_coordinate", False):
                raise ProblemError(
                    f"Initial({target}) differentiates by a space coordinate.",
                    "An initial condition is on u or on its time derivatives D(u, t).",
                )
            self.order = len(variables)
            target = target.expr
        self.field = require_field(target, "Initial")
        self.g = sp.sympify(g)
        times = [c for c in self.field.args if c.is_time_coordinate]
        if not times:
            raise ProblemError(
                f"Initial({self.field_name}, ...) is given for a field with no time coordinate.",
                "Declare the field with a Time coordinate, or use Dirichlet(...).",
            )
        self.time = times[0]

    def expressions(self) -> list[sp.Expr]:
        return [self.g]

    def check(self, problem: Any) -> None:
        """The problem has a time coordinate (which initial values of each field are needed, Problem checks)."""
        if problem.time is None:
            raise ProblemError(
                f"Initial({self.field_name}, ...) is given but the problem has no time coordinate.",
                "Declare t = Time('t', t0, t1) and use it in the fields.",
            )


class Data(Condition):
    """Measurements: u(points) = values, for fitting and for identifying Unknowns."""

    kind = "Data"

    def __init__(self, u: sp.Expr, points: Sequence[Sequence[float]], values: Sequence[float]) -> None:
        self.field = require_field(u, "Data")
        pts = np.asarray(points, dtype=float)
        vals = np.asarray(values, dtype=float).reshape(-1)
        ncoord = len(self.field.args)
        if pts.ndim == 1 and ncoord == 1:
            pts = pts[:, None]
        if pts.ndim != 2 or pts.shape[1] != ncoord:
            raise ProblemError(
                f"Data({self.field_name}, points, values): points have shape {pts.shape}, "
                f"expected (N, {ncoord}) with columns {', '.join(str(c) for c in self.field.args)}.",
                "Give one row per measurement, one column per coordinate of the field.",
            )
        if len(vals) != len(pts):
            raise ProblemError(
                f"Data({self.field_name}, ...): {len(pts)} points but {len(vals)} values.", "Give one value per point."
            )
        if not (np.all(np.isfinite(pts)) and np.all(np.isfinite(vals))):
            raise ProblemError(
                f"Data({self.field_name}, ...) contains NaN or infinite numbers.", "Remove or fix those measurements."
            )
        self.points, self.values = pts, vals

    def check(self, problem: Any) -> None:
        """Every measurement lies in the domain and the time range (a point outside fits nothing)."""
        coords = list(self.field.args)
        outside = np.zeros(len(self.points), dtype=bool)
        for j, c in enumerate(coords):
            if getattr(c, "has_range", False) and c.lo is not None and c.hi is not None:
                span = 1e-9 * max(1.0, abs(float(c.hi) - float(c.lo)))
                outside |= (self.points[:, j] < float(c.lo) - span) | (self.points[:, j] > float(c.hi) + span)
        space = [j for j, c in enumerate(coords) if not c.is_time_coordinate]
        if problem.domain is not None and space:
            outside |= ~np.asarray(problem.domain.contains(self.points[:, space]), dtype=bool)
        if outside.any():
            i = int(np.argmax(outside))
            where = ", ".join(f"{c.name}={self.points[i, j]:g}" for j, c in enumerate(coords))
            raise ProblemError(
                f"Data({self.field_name}, ...): {int(outside.sum())} of {len(self.points)} points lie "
                f"outside the domain, the first at {where}.",
                "Give measurements inside the domain (and the time range), or widen the domain.",
            )


#: every condition type pinnsolve ships; each consumer's registry covers all of them (tested)
CONDITION_TYPES: tuple[type[Condition], ...] = (Dirichlet, Neumann, Robin, Periodic, Initial, Data)
