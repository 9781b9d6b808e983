"""Compiling a pinnsolve `Problem` into DeepXDE's objects: geometry, PDE residual and conditions.

Everything is planned first, without DeepXDE: each domain and each condition is turned into a
*builder*, a function of the imported ``deepxde`` module that makes the DeepXDE object. Planning
is what ``check`` does (fast, and it works whether or not DeepXDE is installed), so whatever
DeepXDE cannot express is refused before any training, with the reason; building is what ``run``
does. Both go through one `functools.singledispatch` registry per concept (domains, conditions),
so a domain or condition type that has no entry is refused by name, never skipped.

The mapping (Lu, Meng, Mao & Karniadakis, SIAM Review 63, 208, 2021, for DeepXDE's objects):

=====================================  ==============================================================
pinnsolve                              DeepXDE
=====================================  ==============================================================
Interval, Rectangle, Box               ``geometry.Interval``, ``Rectangle``, ``Cuboid``, ``Hypercube``
Disk, Polygon (triangle, rectangle)    ``geometry.Disk``, ``Polygon`` (``Triangle``, ``Rectangle``)
``a | b``, ``a & b``, ``a - b``        ``CSGUnion``, ``CSGIntersection``, ``CSGDifference``
Time(t0, t1)                           ``TimeDomain``, ``GeometryXTime`` with the spatial geometry
equation residual r[u] = 0             ``pde(x, y)``: r from ``dde.grad.jacobian`` / ``hessian``
Dirichlet(u, g)                        ``icbc.DirichletBC``            u = g
Neumann(u, g)                          ``icbc.NeumannBC``              ∂u/∂n = g
Robin(u, a, b, g)                      ``icbc.RobinBC``                ∂u/∂n = (g − a u) / b
Periodic(x)                            ``icbc.PeriodicBC``, orders 0 and 1, per field
Initial(u, g)                          ``icbc.IC``
Initial(D(u, t, k), g)                 ``icbc.OperatorBC`` at t = t0:  ∂ᵏu/∂tᵏ − g
Data(u, points, values)                ``icbc.PointSetBC``
Unknown(name, initial)                 ``dde.Variable``, trained as an external variable
MeshDomain                             refused: DeepXDE has no mesh geometry
=====================================  ==============================================================

Boundary parts (``on=x.min``, a polygon's ``edge2``, a CSG operand's face) are selected with the
pinnsolve domain's own ``on_boundary(points, part=...)`` on DeepXDE's boundary points, so every
part name pinnsolve knows works unchanged; normals are DeepXDE's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import singledispatch
from typing import Any

import numpy as np
import sympy as sp
import torch

from pinnsolve.dsl.conditions import Condition, Data, Dirichlet, Initial, Neumann, Periodic, Robin
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import Parameter, field_name
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.geometry import Box, Difference, Disk, Domain, Intersection, MeshDomain, Polygon, Union
from pinnsolve.methods.collocation import padded
from pinnsolve.residual import DerivativeKey, compile_expression, numpy_function, torch_function

__all__ = ["Built", "Plan", "plan"]

#: a function of the imported ``deepxde`` module that makes one DeepXDE object
Builder = Callable[[Any], Any]
_OTHERS = "Use --method pinn or --method trial (pinnsolve's own PINN), or --method fd."


@dataclass
class Built:
    """The DeepXDE objects of a problem, ready for ``dde.data.PDE`` / ``TimePDE``."""

    geometry: Any
    pde: Callable[[torch.Tensor, torch.Tensor], Any]
    conditions: list[Any]
    #: loss-term names, in DeepXDE's loss order: equations first, then conditions
    names: list[str]
    #: trainable unknowns (``dde.Variable``) by name
    unknowns: dict[str, torch.Tensor]


@dataclass
class Plan:
    """What DeepXDE will be given for a problem, decided without importing DeepXDE."""

    problem: Problem
    geometry: Builder
    conditions: list[tuple[str, str, Callable[[Any, Any], list[Any]]]]

    def build(self, dde: Any) -> Built:
        """The DeepXDE objects, made with the imported ``deepxde`` module (its float type already set)."""
        geom = self.geometry(dde)
        if self.problem.time is not None and self.problem.domain is not None:
            geom = dde.geometry.GeometryXTime(geom, dde.geometry.TimeDomain(self.problem.time.lo, self.problem.time.hi))
        values = self.problem.parameter_values  # an Unknown's starting value, as --set may have changed it
        unknowns = {n: dde.Variable(values[n]) for n, p in self.problem.parameters.items() if p.trainable}
        conditions, names = [], ["pde"] * len(self.problem.residuals)
        for name, _, make in self.conditions:
            made = make(dde, geom)
            conditions += made
            names += [name] * len(made)
        return Built(geom, residual(self.problem, dde, unknowns), conditions, _numbered(names), unknowns)

    def describe(self) -> list[str]:
        """The DeepXDE object behind each condition, in the problem's order (recorded in config.json)."""
        return [what for _, what, _ in self.conditions]


def plan(problem: Problem) -> Plan:
    """The DeepXDE plan of ``problem``; `MethodNotApplicable` naming what DeepXDE cannot express."""
    names = [c.name for c in problem.coords]
    for f, n in zip(problem.fields, problem.field_names, strict=True):
        if len(f.args) != len(names):
            raise MethodNotApplicable(
                f"--method deepxde: field '{n}' depends on ({', '.join(str(a) for a in f.args)}) but the problem on "
                f"({', '.join(names)}); DeepXDE's one network gives every field as a function of all coordinates. "
                + _OTHERS
            )
    for c in problem.conditions:
        trainable = [
            s.name
            for e in c.expressions()
            for s in sp.sympify(e).free_symbols
            if isinstance(s, Parameter) and s.trainable
        ]
        if trainable:
            raise MethodNotApplicable(
                f"--method deepxde: the {c.kind} condition on '{c.field_name}' uses the Unknown "
                f"'{trainable[0]}'; DeepXDE trains unknowns in equations only. Move it into an equation, or "
                "use --method pinn."
            )
    if problem.domain is None:
        t0, t1 = problem.time.lo, problem.time.hi
        geometry: Builder = lambda dde: dde.geometry.TimeDomain(t0, t1)  # noqa: E731
    else:
        geometry = geometry_of(problem.domain)
    return Plan(problem, geometry, [condition_of(c, problem) for c in problem.conditions])


def _numbered(names: list[str]) -> list[str]:
    """pde, pde, bc, bc → pde1, pde2, bc1, bc2 (as the pinn method names its terms); single names stay plain."""
    counts = {n: names.count(n) for n in names}
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if counts[n] > 1:
            seen[n] = seen.get(n, 0) + 1
            n = f"{n}{seen[n]}"
        out.append(n)
    return out


# -- geometry -------------------------------------------------------------------------------------
@singledispatch
def geometry_of(domain: Domain) -> Builder:
    """The builder of DeepXDE's geometry for a pinnsolve domain."""
    raise MethodNotApplicable(
        f"--method deepxde: the domain {domain!r} ({type(domain).__name__}) has no DeepXDE counterpart. {_OTHERS}"
    )


@geometry_of.register
def _(domain: MeshDomain) -> Builder:
    raise MethodNotApplicable(
        f"--method deepxde: the problem is posed on a mesh, {domain!r}; DeepXDE has no mesh geometry (it samples "
        "its own shapes: intervals, rectangles, disks, polygons and their unions, intersections and differences). "
        f"Describe the domain with those shapes, or solve the mesh problem with --method pinn, trial or fd."
    )


@geometry_of.register
def _(domain: Box) -> Builder:
    lo, hi = (v.tolist() for v in domain.bounds())
    kinds = {1: lambda g: g.Interval(lo[0], hi[0]), 2: lambda g: g.Rectangle(lo, hi), 3: lambda g: g.Cuboid(lo, hi)}
    make = kinds.get(domain.dim, lambda g: g.Hypercube(lo, hi))
    return lambda dde: make(dde.geometry)


@geometry_of.register
def _(domain: Disk) -> Builder:
    lo, hi = domain.bounds()
    center, radius = ((lo + hi) / 2).tolist(), float(hi[0] - lo[0]) / 2
    return lambda dde: dde.geometry.Disk(center, radius)


@geometry_of.register
def _(domain: Polygon) -> Builder:
    vertices = domain.vertices
    lo, hi = domain.bounds()
    if len(vertices) == 3:  # DeepXDE's Polygon refuses triangles and rectangles, sending them to these
        return lambda dde: dde.geometry.Triangle(*vertices.tolist())
    corners = {(float(x), float(y)) for x in (lo[0], hi[0]) for y in (lo[1], hi[1])}
    if len(vertices) == 4 and {tuple(map(float, v)) for v in vertices} == corners:
        return lambda dde: dde.geometry.Rectangle(lo.tolist(), hi.tolist())
    return lambda dde: dde.geometry.Polygon(vertices.tolist())


def _csg(kind: str) -> Callable[[Domain], Builder]:
    def build(domain: Domain) -> Builder:
        a, b = (geometry_of(d) for d in domain.operands)
        return lambda dde: getattr(dde.geometry, kind)(a(dde), b(dde))

    return build


geometry_of.register(Union, _csg("CSGUnion"))
geometry_of.register(Intersection, _csg("CSGIntersection"))
geometry_of.register(Difference, _csg("CSGDifference"))


# -- the equations --------------------------------------------------------------------------------
def derivative(dde: Any, y: torch.Tensor, x: torch.Tensor, key: DerivativeKey) -> torch.Tensor:
    """∂^|k| y_field / ∂x^k as a column, through DeepXDE's cached ``jacobian`` and ``hessian``."""
    axes = [i for i, k in enumerate(key.orders) for _ in range(k)]
    if not axes:
        return y[:, key.field : key.field + 1]
    if len(axes) == 1:
        return dde.grad.jacobian(y, x, i=key.field, j=axes[0])
    d = dde.grad.hessian(y, x, component=key.field, i=axes[0], j=axes[1])
    for axis in axes[2:]:  # third and higher orders: differentiate the Hessian entry further
        d = dde.grad.jacobian(d, x, i=0, j=axis)
    return d


def residual(problem: Problem, dde: Any, unknowns: dict[str, torch.Tensor]) -> Callable[..., Any]:
    """DeepXDE's ``pde(x, y)``: each equation's residual r (N, 1), from pinnsolve's compiled expressions."""
    compiled = [compile_expression(problem, r) for r in problem.residuals]

    def pde(x: torch.Tensor, y: torch.Tensor) -> Any:
        out = []
        for c in compiled:
            values = {k: derivative(dde, y, x, k)[:, 0] for k in c.keys}
            out.append(c(values, x, None, unknowns).reshape(-1, 1))
        return out if len(out) > 1 else out[0]

    return pde


# -- the conditions -------------------------------------------------------------------------------
def _values(problem: Problem, expr: sp.Expr) -> Callable[[np.ndarray], np.ndarray]:
    """g as DeepXDE wants it: numpy points (N, d) → values (N, 1) of the points' float type."""
    f = numpy_function(problem.numeric(expr, keep_trainable=False), problem.coords)
    return lambda X: f(*X.T).reshape(-1, 1).astype(X.dtype)


def _torch_values(problem: Problem, expr: sp.Expr) -> Callable[[torch.Tensor], torch.Tensor]:
    f = torch_function(problem.numeric(expr, keep_trainable=False), problem.coords)
    return lambda x: f(x).reshape(-1, 1)


def _tolerance(problem: Problem, X_dtype: Any) -> float:
    lo, hi = problem.domain.bounds()
    return float(np.sqrt(np.finfo(X_dtype).eps)) * max(1.0, float(np.max(hi - lo)))


def _where(problem: Problem, parts: tuple[str, ...], smooth: bool = False) -> Callable[[np.ndarray, bool], bool]:
    """DeepXDE's ``on_boundary(x, on)`` for the named parts of the pinnsolve domain.

    With ``smooth`` (conditions on ∂u/∂n), points where two named parts meet — a rectangle's
    corners, a polygon's vertices, which DeepXDE's Hammersley points do hit — are left out: the
    normal is not defined there, and DeepXDE's blended corner normal would impose a wrong flux.
    """
    domain, d = problem.domain, len(problem.space)
    every = domain.boundary_parts()

    def where(x: np.ndarray, on: bool) -> bool:
        if not on:
            return False
        p, tol = x[None, :d], _tolerance(problem, x.dtype)
        if "boundary" not in parts and not domain.on_boundary(p, tol, parts)[0]:
            return False
        return not smooth or sum(bool(domain.on_boundary(p, tol, part)[0]) for part in every) <= 1

    return where


def _component(problem: Problem, c: Condition) -> int:
    return problem.field_names.index(c.field_name)


def _on(c: Condition) -> str:
    return ", ".join(c.on)


@singledispatch
def condition_of(c: Condition, problem: Problem) -> tuple[str, str, Callable[[Any, Any], list[Any]]]:
    """(loss-term name, what DeepXDE gets, builder of the DeepXDE conditions) for one condition."""
    raise MethodNotApplicable(
        f"--method deepxde: the {c.kind} condition ({type(c).__name__}) has no DeepXDE "
        f"counterpart in pinnsolve yet. {_OTHERS}"
    )


@condition_of.register
def _(c: Dirichlet, problem: Problem):
    g, where, j = _values(problem, c.g), _where(problem, c.on), _component(problem, c)
    return "bc", f"DirichletBC on {_on(c)}", lambda dde, geom: [dde.icbc.DirichletBC(geom, g, where, component=j)]


@condition_of.register
def _(c: Neumann, problem: Problem):
    g, where, j = _values(problem, c.g), _where(problem, c.on, smooth=True), _component(problem, c)
    return "bc", f"NeumannBC on {_on(c)}", lambda dde, geom: [dde.icbc.NeumannBC(geom, g, where, component=j)]


@condition_of.register
def _(c: Robin, problem: Problem):
    if problem.numeric(c.b, keep_trainable=False).equals(sp.S.Zero):
        raise MethodNotApplicable(
            f"--method deepxde: Robin(..., b=0) on '{c.field_name}' has no normal derivative, "
            "and DeepXDE's RobinBC is ∂u/∂n = f(x, u). Write it as Dirichlet(u, g/a)."
        )
    a, b, g = (_values(problem, e) for e in (c.a, c.b, c.g))
    where, j = _where(problem, c.on, smooth=True), _component(problem, c)

    def flux(X: np.ndarray, y: torch.Tensor) -> torch.Tensor:
        as_tensor = lambda v: torch.as_tensor(v, dtype=y.dtype, device=y.device)  # noqa: E731
        return (as_tensor(g(X)) - as_tensor(a(X)) * y[:, j : j + 1]) / as_tensor(b(X))

    return "bc", f"RobinBC on {_on(c)}", lambda dde, geom: [dde.icbc.RobinBC(geom, flux, where, component=j)]


@condition_of.register
def _(c: Periodic, problem: Problem):
    axis = list(problem.space).index(c.coord)
    lower = _where(problem, (f"{c.coord.name}.min",))
    fields = [j for j, f in enumerate(problem.fields) if c.coord in f.args]

    def build(dde: Any, geom: Any) -> list[Any]:
        return [
            dde.icbc.PeriodicBC(geom, axis, lower, derivative_order=order, component=j)
            for j in fields
            for order in (0, 1)
        ]

    return "periodic", f"PeriodicBC in {c.coord.name} (values and first derivatives)", build


@condition_of.register
def _(c: Initial, problem: Problem):
    j, t0 = _component(problem, c), problem.time.lo
    if c.order == 0:
        g = _values(problem, c.g)
        return "ic", "IC", lambda dde, geom: [dde.icbc.IC(geom, g, lambda _, on: bool(on), component=j)]
    g_t = _torch_values(problem, c.g)
    key = DerivativeKey(j, tuple(c.order if coord == c.time else 0 for coord in problem.coords))
    scale = max(1.0, abs(problem.time.hi - t0))

    def build(dde: Any, geom: Any) -> list[Any]:
        def rate(x: torch.Tensor, y: torch.Tensor, _: Any) -> torch.Tensor:
            return derivative(dde, y, x, key) - g_t(x)

        def at_t0(x: np.ndarray, _: Any) -> bool:
            return bool(abs(x[-1] - t0) <= float(np.sqrt(np.finfo(x.dtype).eps)) * scale)

        return [dde.icbc.OperatorBC(geom, rate, at_t0)]

    return "ic", f"OperatorBC at {c.time.name} = {t0:g} (D({c.field_name}, {c.time.name}, {c.order}) = g)", build


@condition_of.register
def _(c: Data, problem: Problem):
    points = padded(problem, c.field.args, c.points)
    values, j = c.values.reshape(-1, 1), _component(problem, c)
    return (
        "data",
        f"PointSetBC, {len(points)} points of {field_name(c.field)}",
        lambda dde, geom: [dde.icbc.PointSetBC(points, values, component=j)],
    )
