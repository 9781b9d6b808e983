r"""Boundary conditions on the grid: Dirichlet nodes eliminated, Neumann and Robin by ghost nodes.

* **Dirichlet** ``u = g``: the node's value is known, :math:`U_B = g(x_B, t)`. These nodes
  leave the unknowns; the solvers work with the free nodes, the full vector being
  :math:`U = E\,U_I + e(t)`. Where faces meet, a Dirichlet condition wins.
* **Neumann** ``∂u/∂n = g`` and **Robin** ``a·u + b·∂u/∂n = g``: the node stays an unknown
  and the equation holds there. The condition gives the normal derivative at the node,
  :math:`u_{x} = \sigma (g - a u)/b` (σ = −1 on ``x.min``, whose outward normal is −x;
  +1 on ``x.max``), which is the first derivative there; the second derivative uses a
  ghost node :math:`u_{-1} = u_1 - 2h\,u_x` beyond the face,

  .. math::
      (u_{xx})_0 = \frac{2u_1 - 2u_0}{h^2} + \frac{2}{h}\,\frac{g - a u_0}{b},

  second-order accurate (LeVeque, *Finite Difference Methods for ODEs and PDEs*, SIAM 2007,
  §2.12). A node on two such faces (a corner) gets the ghost rows of both axes. See
  `FluxFace` and `discretise.Discretisation.operator`.

A face with no condition keeps its nodes free, the equation holding there with one-sided
differences; that is right for first-order (outflow) directions, and refused where the
equations have second derivatives across that face.

`boundary_rule` is a ``functools.singledispatch`` registry over condition types that says how
each enters the grid: a `FaceRule` (fixed values or a flux row), or None for conditions handled
elsewhere (Periodic by the grid, Initial by the time loop, Data not used by a forward solve).
An unregistered condition type is refused, naming its type.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy import sparse

from pinnsolve.dsl.conditions import Condition, Data, Dirichlet, Initial, Neumann, Periodic, Robin, unsupported
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable, ProblemError
from pinnsolve.reference.grid import Grid

__all__ = [
    "FaceRule",
    "FieldBoundary",
    "FluxFace",
    "boundary_rule",
    "coordinate_function",
    "field_boundary",
    "numeric_data",
]


@dataclass(frozen=True)
class FaceRule:
    """How a boundary condition enters the grid on its faces ``on``.

    ``fixed``: the nodes take the values g (Dirichlet, eliminated from the unknowns); otherwise
    the flux row a·u + b·∂u/∂n = g by a ghost node (Neumann: a = 0, b = 1; Robin).
    """

    on: tuple[str, ...]
    g: sp.Expr
    fixed: bool = False
    a: sp.Expr = sp.S.Zero
    b: sp.Expr = sp.S.One


@functools.singledispatch
def boundary_rule(c: Condition) -> FaceRule | None:
    """How condition ``c`` enters the finite-difference grid: a `FaceRule`, or None if not by boundary rows."""
    raise unsupported(
        c,
        "pinnsolve's finite-difference reference",
        "use a neural method (--method pinn), or "
        "register its boundary rows with @pinnsolve.reference.boundary.boundary_rule.register.",
        MethodNotApplicable,
    )


@boundary_rule.register
def _(c: Dirichlet) -> FaceRule:
    return FaceRule(c.on, c.g, fixed=True)


@boundary_rule.register
def _(c: Neumann) -> FaceRule:
    return FaceRule(c.on, c.g)


@boundary_rule.register
def _(c: Robin) -> FaceRule:
    return FaceRule(c.on, c.g, a=c.a, b=c.b)


@boundary_rule.register(Periodic)  # the grid wraps the axis (grid.py)
@boundary_rule.register(Initial)  # the time loop starts from it (evolution.py)
@boundary_rule.register(Data)  # measurements do not enter a forward solve
def _(c: Condition) -> None:
    return None


@dataclass
class FluxFace:
    """A Neumann or Robin face of one field, a·u + b·∂u/∂n = g, at its free nodes."""

    axis: int
    side: str
    kind: str
    nodes: np.ndarray  # flat indices of the face's nodes (Dirichlet corners excluded)
    neighbours: np.ndarray  # the next node inwards along the axis
    a: np.ndarray
    b: np.ndarray
    g: Callable[[float], np.ndarray]
    time_dependent: bool

    @property
    def sign(self) -> float:
        """σ: the outward normal's direction along the axis."""
        return 1.0 if self.side == "max" else -1.0


class FieldBoundary:
    """One field's boundary: its free nodes, its Dirichlet nodes and data, its flux faces."""

    def __init__(
        self,
        size: int,
        fixed: np.ndarray,
        data: Callable[[float], np.ndarray] | None,
        time_dependent: bool,
        flux: list[FluxFace],
        kinds: dict[str, str],
    ) -> None:
        self.size = size
        self.fixed = fixed
        self.free = np.setdiff1d(np.arange(size), fixed)
        self._data = data
        self.time_dependent = time_dependent
        self.flux = flux
        self.kinds = kinds  # face name → condition kind, for the record
        self._cached: np.ndarray | None = None
        n = len(self.free)
        self.E = sparse.csr_matrix((np.ones(n), (self.free, np.arange(n))), shape=(size, n))

    def fixed_values(self, t: float) -> np.ndarray:
        """The Dirichlet values g(x_B, t)."""
        if self._data is None:
            return np.zeros(0)
        if self.time_dependent or self._cached is None:
            values = self._data(t)
            if not self.time_dependent:
                self._cached = values
            return values
        return self._cached

    def full(self, free_values: np.ndarray, t: float = 0.0) -> np.ndarray:
        """The whole nodal vector from the free nodes' values (1-D, or (n_free, k) at one time)."""
        out = np.empty((self.size,) + free_values.shape[1:])
        out[self.free] = free_values
        if len(self.fixed):
            values = self.fixed_values(t)
            out[self.fixed] = values if free_values.ndim == 1 else values[:, None]
        return out


def _faces_of(name: str, grid: Grid, where: str) -> list[tuple[int, str]]:
    faces = [(k, s) for k, a in enumerate(grid.axes) for s in ("min", "max")]
    if name == "boundary":
        return [(k, s) for k, s in faces if not grid.axes[k].periodic]
    for k, s in faces:
        if name == f"{grid.axes[k].name}.{s}":
            if grid.axes[k].periodic:
                raise MethodNotApplicable(
                    f"{where} is placed on {name}, but {grid.axes[k].name} is periodic: a "
                    "periodic axis has no boundary. Remove one of the two conditions."
                )
            return [(k, s)]
    raise MethodNotApplicable(
        f"{where} is placed on '{name}', which the finite-difference grid cannot express "
        f"(it knows the faces {', '.join(f'{a.name}.min, {a.name}.max' for a in grid.axes)} "
        "and 'boundary')."
    )


def numeric_data(problem: Problem, expr: sp.Expr, where: str) -> sp.Expr:
    value = problem.numeric(expr)
    allowed = set(problem.coords)
    stray = [s for s in value.free_symbols if s not in allowed]
    if stray:
        raise MethodNotApplicable(
            f"{where} depends on {stray[0]}, which the finite-difference reference cannot "
            "evaluate: condition data may depend on the coordinates only."
        )
    return value


def coordinate_function(expr: sp.Expr, problem: Problem) -> Callable[[Sequence[np.ndarray], float], np.ndarray]:
    """``g(node coordinates, t)`` as a vectorised function (a constant is broadcast)."""
    space = list(problem.space)
    args = space + ([problem.time] if problem.time is not None else [])
    f = sp.lambdify(args, expr, modules="numpy")

    def evaluate(coords: Sequence[np.ndarray], t: float) -> np.ndarray:
        n = len(coords[0]) if coords else 1
        values = f(*coords, *([t] if problem.time is not None else []))
        return np.broadcast_to(np.asarray(values, dtype=float), (n,)).copy()

    return evaluate


Claim = tuple[Condition, FaceRule]


def field_boundary(problem: Problem, grid: Grid, field: str, second_order_axes: set[int]) -> FieldBoundary:
    """The boundary of ``field`` on ``grid`` from the problem's conditions.

    ``second_order_axes`` are the axes along which the equations differentiate ``field``
    twice or more: a face across one of them must carry a condition.
    """
    claimed = _claimed_faces(problem, grid, field)
    _require_conditions(grid, field, claimed, second_order_axes)
    kinds = {f"{grid.axes[k].name}.{s}": c.kind for (k, s), (c, _) in sorted(claimed.items())}
    # Dirichlet nodes (corners included) are fixed; the first Dirichlet face to claim a node gives its value.
    owner: dict[int, tuple[int, str]] = {}
    for (k, side), (_, rule) in sorted(claimed.items()):
        if rule.fixed:
            for node in grid.face(k, side):
                owner.setdefault(int(node), (k, side))
    fixed = np.array(sorted(owner), dtype=np.int64)
    data, time_dependent = _fixed_data(problem, grid, field, claimed, owner, fixed)
    fixed_set = set(owner)
    flux = [
        _flux_face(problem, grid, field, k, side, claim, fixed_set)
        for (k, side), claim in sorted(claimed.items())
        if not claim[1].fixed
    ]
    return FieldBoundary(
        grid.size, fixed, data if len(fixed) else None, time_dependent, [f for f in flux if len(f.nodes)], kinds
    )


def _claimed_faces(problem: Problem, grid: Grid, field: str) -> dict[tuple[int, str], Claim]:
    """Each grid face (axis, side) with the condition on ``field`` that holds there and its rule."""
    claimed: dict[tuple[int, str], Claim] = {}
    for c in problem.conditions:
        rule = boundary_rule(c)  # every condition, so that an unknown type is refused whatever its field
        if rule is None or c.field_name != field:
            continue
        where = f"the {c.kind} condition on '{field}'"
        for name in rule.on:
            for face in _faces_of(name, grid, where):
                if face in claimed and claimed[face][0] is not c:
                    face_name = f"{grid.axes[face[0]].name}.{face[1]}"
                    raise ProblemError(
                        f"field '{field}' has two conditions on {face_name} "
                        f"({claimed[face][0].kind} and {c.kind}). Give one condition per face."
                    )
                claimed[face] = (c, rule)
    return claimed


def _require_conditions(
    grid: Grid, field: str, claimed: dict[tuple[int, str], Claim], second_order_axes: set[int]
) -> None:
    """Refuse a face without a condition across which the equations have second derivatives."""
    for k, axis in enumerate(grid.axes):
        if axis.periodic or k not in second_order_axes:
            continue
        for side in ("min", "max"):
            if (k, side) not in claimed:
                raise MethodNotApplicable(
                    f"field '{field}' has no boundary condition on {axis.name}.{side}, and its equations have "
                    f"second derivatives in {axis.name}, so the finite-difference reference needs one there. "
                    f"Add Dirichlet, Neumann or Robin on {axis.name}.{side}, or Periodic({axis.name})."
                )


def _fixed_data(
    problem: Problem,
    grid: Grid,
    field: str,
    claimed: dict[tuple[int, str], Claim],
    owner: dict[int, tuple[int, str]],
    fixed: np.ndarray,
) -> tuple[Callable[[float], np.ndarray], bool]:
    """g(t) at the fixed nodes (in the order of ``fixed``), and whether it changes in time."""
    parts: list[tuple[np.ndarray, Callable, list[np.ndarray]]] = []
    time_dependent = False
    groups: dict[tuple[int, str], list[int]] = {}
    for position, node in enumerate(fixed):
        groups.setdefault(owner[int(node)], []).append(position)
    for (k, side), positions in groups.items():
        c, rule = claimed[(k, side)]
        g = numeric_data(problem, rule.g, f"the {c.kind} condition on '{field}' at {grid.axes[k].name}.{side}")
        time_dependent |= problem.time is not None and problem.time in g.free_symbols
        index = np.array(positions)
        parts.append((index, coordinate_function(g, problem), [x[fixed[index]] for x in grid.coordinates]))

    def data(t: float) -> np.ndarray:
        values = np.empty(len(fixed))
        for index, evaluate, coords in parts:
            values[index] = evaluate(coords, t)
        return values

    return data, time_dependent


def _flux_face(problem: Problem, grid: Grid, field: str, k: int, side: str, claim: Claim, fixed: set[int]) -> FluxFace:
    c, rule = claim
    where = f"the {c.kind} condition on '{field}' at {grid.axes[k].name}.{side}"
    nodes = np.array([n for n in grid.face(k, side) if int(n) not in fixed], dtype=np.int64)
    stride = int(np.prod(grid.shape[k + 1 :], dtype=np.int64))
    neighbours = nodes + (stride if side == "min" else -stride)
    coords = [x[nodes] for x in grid.coordinates]
    a_expr, b_expr = (numeric_data(problem, e, where) for e in (rule.a, rule.b))
    if problem.time is not None and (problem.time in a_expr.free_symbols or problem.time in b_expr.free_symbols):
        raise MethodNotApplicable(
            f"{where} has coefficients a, b that change in time; the finite-difference "
            "reference needs them constant in time (g may change)."
        )
    a = coordinate_function(a_expr, problem)(coords, 0.0)
    b = coordinate_function(b_expr, problem)(coords, 0.0)
    if np.any(b == 0):
        raise ProblemError(
            f"{where} has b = 0 at some nodes: a·u = g there is a Dirichlet condition. "
            "Write Dirichlet(u, g / a, on=...) for that part of the boundary."
        )
    g_expr = numeric_data(problem, rule.g, where)
    evaluate = coordinate_function(g_expr, problem)
    depends = problem.time is not None and problem.time in g_expr.free_symbols
    return FluxFace(k, side, c.kind, nodes, neighbours, a, b, lambda t: evaluate(coords, t), depends)
