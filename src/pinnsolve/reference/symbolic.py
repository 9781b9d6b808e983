r"""The residuals of a Problem in pointwise form: every field derivative replaced by a symbol.

``u_t + u·u_x - ν·u_xx`` becomes ``a₀ + a₁·a₂ - 0.0032·a₃`` with atoms
``a₀ = ∂u/∂t, a₁ = u, a₂ = ∂u/∂x, a₃ = ∂²u/∂x²``. A finite-difference scheme then evaluates
each atom on the grid (a sparse operator applied to the field's nodal vector) and the
pointwise expression node by node; its partial derivatives with respect to the atoms give
the Jacobian. Nothing in here knows about any particular equation.

One rewriting is made, for stability: a term :math:`c\,u\,u_x` (a field advected by itself,
as in Burgers or Navier–Stokes, with c free of u) becomes the skew-symmetric form

.. math::
    c\,u\,u_x = \tfrac{c}{3}\bigl(u\,u_x + (u^2)_x\bigr),

equal for the exact solution. With central differences the advective form alone can blow up
on a coarse grid (its discrete energy is not conserved); the skew-symmetric form conserves
it (Morinishi et al., *J. Comput. Phys.* 143, 1998). :math:`(u^2)_x` is an atom of power 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import field_name, is_field
from pinnsolve.errors import MethodNotApplicable

__all__ = ["Atom", "PointwiseForm", "pointwise_form", "time_derivatives_solved"]


@dataclass(frozen=True)
class Atom:
    """A field or one of its derivatives, ∂^{space}_{x} ∂^{time}_{t} field^{power}."""

    field: str
    space: tuple[int, ...]  # derivative order along each space axis
    time: int = 0
    power: int = 1  # 2: the derivative of the field's square (skew-symmetric advection)
    symbol: sp.Symbol = field(default=None, compare=False, hash=False)  # type: ignore[assignment]

    @property
    def key(self) -> tuple[str, tuple[int, ...], int, int]:
        return (self.field, self.space, self.time, self.power)

    @property
    def is_spatial(self) -> bool:
        """A field value or a pure space derivative: what a space operator gives."""
        return self.time == 0


@dataclass
class PointwiseForm:
    """The problem's residuals with atoms in place of field derivatives.

    ``residuals[i]`` is a sympy expression of the coordinates and of the atoms' symbols.
    """

    residuals: list[sp.Expr]
    atoms: dict[tuple[str, tuple[int, ...], int], Atom]
    coords: tuple[sp.Symbol, ...]  # the space coordinates, then time if any
    fields: list[str]
    parameters: tuple[sp.Symbol, ...] = ()  # kept symbolic: their values are given per solve (a batch of draws)

    def atom(self, field_: str, space: Sequence[int], time: int = 0, power: int = 1) -> Atom:
        """The atom for that derivative, made if the residuals do not contain it."""
        key = (field_, tuple(space), time, power)
        if key not in self.atoms:
            self.atoms[key] = Atom(field_, tuple(space), time, power, sp.Dummy(_label(*key)))
        return self.atoms[key]

    def time_order(self, field_: str) -> int:
        return max((a.time for a in self.atoms.values() if a.field == field_), default=0)

    def atoms_in(self, expr: sp.Expr) -> list[Atom]:
        symbols = expr.free_symbols
        return [a for a in self.atoms.values() if a.symbol in symbols]


def _label(name: str, space: tuple[int, ...], time: int, power: int = 1) -> str:
    parts = [f"d{k}_{o}" for k, o in enumerate(space) if o] + ([f"dt{time}"] if time else [])
    return "_".join([name + ("" if power == 1 else f"_pow{power}"), *parts])


def _skew_symmetric(expr: sp.Expr, form: PointwiseForm, space: tuple) -> sp.Expr:
    """Rewrite each term c·u·u_x (u a field, c free of u and its derivatives) in skew-symmetric form."""
    terms = []
    changed = False
    for term in sp.Add.make_args(expr):
        factors = sp.Mul.make_args(term)
        replaced = None
        for d in factors:
            if not (isinstance(d, sp.Derivative) and is_field(d.expr)):
                continue
            counts = dict(d.variable_count)
            if sum(counts.values()) != 1 or next(iter(counts)) not in space:
                continue
            u = d.expr
            rest = sp.Mul(*[f for f in factors if f is not d])
            c = sp.cancel(rest / u)
            if c.has(u):
                continue
            k = space.index(next(iter(counts)))
            orders = tuple(1 if j == k else 0 for j in range(len(space)))
            square = form.atom(field_name(u), orders, 0, power=2).symbol
            replaced = c * (u * d + square) / 3
            break
        terms.append(term if replaced is None else replaced)
        changed |= replaced is not None
    return sp.Add(*terms) if changed else expr


def pointwise_form(problem: Problem, keep: Sequence[str] = ()) -> PointwiseForm:
    """The residuals of ``problem`` (parameters substituted, except those named in ``keep``) in terms of atoms.

    Raises PinnsolveError for what a finite-difference grid cannot represent: a field that
    lacks one of the problem's space coordinates (or time, in a time-dependent problem),
    mixed space–time derivatives, and derivatives of expressions other than fields.
    """
    space, time = tuple(problem.space), problem.time
    for f in problem.fields:
        missing = [c.name for c in (*space, *([time] if time is not None else [])) if c not in f.args]
        if missing:
            raise MethodNotApplicable(
                f"field '{field_name(f)}' does not depend on {', '.join(missing)}, but problem "
                f"'{problem.name}' does. The finite-difference reference needs every field on the "
                "same grid: declare each field with all of the problem's coordinates."
            )
    kept = tuple(problem.parameters[name] for name in keep)
    form = PointwiseForm([], {}, (*space, *([time] if time is not None else [])), problem.field_names, kept)
    for i, residual in enumerate(problem.residuals):
        expr = _skew_symmetric(problem.numeric(residual, keep=keep), form, space)
        replace: dict[sp.Basic, sp.Basic] = {}
        for d in expr.atoms(sp.Derivative):
            if not is_field(d.expr):
                raise MethodNotApplicable(
                    f"equation {i + 1} of '{problem.name}' differentiates {d.expr}, which the "
                    "finite-difference reference cannot discretise. Expand the derivative "
                    "so that only fields are differentiated."
                )
            counts = dict(d.variable_count)
            orders = tuple(int(counts.get(c, 0)) for c in space)
            t_order = int(counts.get(time, 0)) if time is not None else 0
            if t_order and any(orders):
                raise MethodNotApplicable(
                    f"equation {i + 1} of '{problem.name}' has the mixed space–time derivative "
                    f"{d}; the method of lines cannot discretise it. Rewrite the problem "
                    "as a system with a field for the time derivative."
                )
            replace[d] = form.atom(field_name(d.expr), orders, t_order).symbol
        for f in expr.atoms(AppliedUndef):
            if is_field(f):
                replace[f] = form.atom(field_name(f), (0,) * len(space), 0).symbol
        substituted = expr.xreplace(replace)
        stray = substituted.free_symbols - {*form.coords, *kept} - {a.symbol for a in form.atoms.values()}
        if stray:
            name = min(str(s) for s in stray)
            raise MethodNotApplicable(
                f"equation {i + 1} of '{problem.name}' has the unknown constant '{name}' (to "
                "be identified from data); the finite-difference reference needs its value. "
                f"Declare it with Parameter('{name}', value) to compute a reference."
            )
        leftover = [a for a in substituted.atoms(AppliedUndef) if is_field(a)]
        if leftover:
            raise MethodNotApplicable(
                f"equation {i + 1} of '{problem.name}': cannot discretise the term with {leftover[0]}."
            )
        form.residuals.append(substituted)
    return form


def time_derivatives_solved(form: PointwiseForm, problem: Problem) -> dict[str, sp.Expr]:
    r"""Each field's highest time derivative, solved from the residuals.

    The residuals must be linear in those derivatives (``A·∂ₜᵏu = b`` pointwise, with
    ``A`` and ``b`` any expressions of the other atoms): that is what an explicit ODE system
    for the method of lines needs.
    """
    tops = []
    for name in form.fields:
        k = form.time_order(name)
        if k == 0:
            raise MethodNotApplicable(
                f"field '{name}' has no time derivative in the equations of '{problem.name}'. The method of "
                "lines needs ∂ₜu for every field of a time-dependent problem (no algebraic constraints)."
            )
        tops.append(form.atom(name, (0,) * len(problem.space), k).symbol)
    if len(form.residuals) != len(tops):
        raise MethodNotApplicable(
            f"problem '{problem.name}' has {len(form.residuals)} equations for "
            f"{len(tops)} fields; the finite-difference reference needs as many "
            "equations as fields."
        )
    try:
        a_matrix, b_vector = sp.linear_eq_to_matrix(form.residuals, tops)
    except sp.solvers.solveset.NonlinearError:
        raise MethodNotApplicable(
            f"the equations of '{problem.name}' are not linear in the highest time "
            "derivatives, so they cannot be solved for them; the method of lines "
            "needs u_t = F(u, u_x, ...)."
        ) from None
    if a_matrix.det() == 0:
        raise MethodNotApplicable(
            f"the equations of '{problem.name}' do not determine every field's highest "
            "time derivative (the system for them is singular)."
        )
    solution = a_matrix.LUsolve(b_vector) if len(tops) > 1 else b_vector / a_matrix[0, 0]
    return {name: sp.sympify(s) for name, s in zip(form.fields, solution)}
