"""`Problem`: the symbolic statement every solver reads.

A problem holds coordinates, fields, parameters, equations (kept as residuals
``lhs - rhs``), conditions, the spatial domain, and optionally the exact solution.
It is checked once, here, so that solvers can trust it.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import sympy as sp

from pinnsolve.dsl.conditions import Condition, Data, Dirichlet, Initial, Neumann, Periodic, Robin
from pinnsolve.dsl.coords import Coordinate, sort_coordinates
from pinnsolve.dsl.errors import ProblemError
from pinnsolve.dsl.regimes import check_regime_relations
from pinnsolve.dsl.symbols import Parameter, field_name, is_field


def _residual(equation: object, index: int) -> tuple[sp.Expr, sp.Expr]:
    """(lhs, rhs) of equation number ``index`` (1-based), accepting ``Eq`` or an expression = 0."""
    if isinstance(equation, sp.Equality):
        return equation.lhs, equation.rhs
    if isinstance(equation, sp.logic.boolalg.BooleanAtom):
        raise ProblemError(
            f"equation {index} is always {bool(equation)}: sympy evaluated both sides "
            "to the same thing (or to different numbers).",
            "Check that the equation contains the field.",
        )
    if isinstance(equation, sp.Expr):
        return equation, sp.Integer(0)
    raise ProblemError(f"equation {index} is {equation!r}, not an equation.", "Write Eq(lhs, rhs).")


def _fields_in(expr: sp.Basic) -> set[sp.Expr]:
    return {f for f in expr.atoms(sp.Function) if is_field(f)}


def _time_order(expr: sp.Expr, field: sp.Expr) -> int:
    orders = [sum(1 for v in d.variables if v.is_time_coordinate) for d in expr.atoms(sp.Derivative) if d.expr == field]
    return max(orders, default=0)


class Problem:
    """An ODE or PDE problem written once, symbolically.

    Parameters
    ----------
    name: a short name used for run directories and reports.
    equations: ``Eq(lhs, rhs)`` per equation (several for systems).
    conditions: boundary, initial, periodic and data conditions.
    domain: the spatial domain; by default the box spanned by the Space ranges.
    exact: ``{field: expression}``, the exact solution used for validation.
    manufactured: add to each equation the source term that makes ``exact`` satisfy it.
    reference: a ``.npz`` file with reference data (used by validation when there is no exact).
    regimes: ``{"name": relation}``, labelled regimes as sympy relations over the parameters
        (``pinnsolve classify``); ``label``: a labelling function ``label(solution) -> name`` instead.
    classify: defaults of ``pinnsolve classify`` for this problem, e.g. ``{"vary": "gamma=0.5:1.5:400"}``.
    parameters: parameters the file uses in Python only (a noise level that makes ``Data``), so that
        ``--set`` takes them and reports show them; those in the equations are found without this.
    """

    #: what sort of problem this is (`pinnsolve.dsl.kinds`): methods refuse kinds they do not treat
    kind = "pde"

    def __init__(
        self,
        name: str,
        equations: Sequence[object],
        conditions: Sequence[Condition] = (),
        domain: Any = None,
        exact: Mapping[sp.Expr, object] | None = None,
        manufactured: bool = False,
        reference: str | None = None,
        regimes: Mapping[str, object] | None = None,
        label: Any = None,
        classify: Mapping[str, object] | None = None,
        parameters: Sequence[Parameter] = (),
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ProblemError("the problem has no name.", "Write Problem('heat1d', ...).")
        if isinstance(equations, (sp.Basic, sp.Equality)):
            equations = [equations]
        if not equations:
            raise ProblemError(f"problem '{name}' has no equation.", "Pass equations=[Eq(...)].")
        self.name = name
        self.file: str | None = None
        self.reference = reference
        self.manufactured = bool(manufactured)
        sides = [_residual(e, i + 1) for i, e in enumerate(equations)]
        self.equations = [sp.Eq(lhs, rhs, evaluate=False) for lhs, rhs in sides]
        self.residuals = [lhs - rhs for lhs, rhs in sides]
        self.conditions = list(conditions)
        for c in self.conditions:
            if not isinstance(c, Condition):
                raise ProblemError(
                    f"{c!r} in conditions= is not a condition.",
                    "Use Dirichlet, Neumann, Robin, Periodic, Initial or Data.",
                )
        self._collect_fields()
        self.exact = self._collect_exact(exact or {})
        self.sources: list[sp.Expr] = []
        if self.manufactured:
            self._manufacture()
        self.parameters = self._collect_parameters(parameters)
        self.parameter_values = {n: p.value for n, p in self.parameters.items()}
        #: parameters given a value by ``--set`` (a `Random` named here is no longer random)
        self.fixed_parameters: set[str] = set()
        self.domain = self._make_domain(domain)
        self._check_symbols()
        self._check_conditions()
        self.regimes = check_regime_relations(regimes or {}, self.parameters, label)
        self.label = label
        self.classify = dict(classify or {})

    # -- construction ------------------------------------------------------------------
    def _collect_fields(self) -> None:
        found: dict[str, sp.Expr] = {}
        for r in self.residuals:
            for f in _fields_in(r):
                found.setdefault(field_name(f), f)
        if not found:
            raise ProblemError(
                f"the equations of problem '{self.name}' contain no field.",
                "Declare u = Field('u', x, ...) and use it in the equations.",
            )
        for c in self.conditions:
            if c.field_name and c.field_name not in found:
                raise ProblemError(
                    f"a {c.kind} condition is given for field '{c.field_name}', which appears in no equation.",
                    "Use it in an equation or remove the condition.",
                )
        for name, f in found.items():
            others = [g for g in found.values() if field_name(g) == name and g != f]
            if others:
                raise ProblemError(
                    f"field '{name}' is declared twice with different coordinates.", "Declare each field once."
                )
        self.fields = sorted(found.values(), key=lambda f: getattr(f.func, "order", 0))
        self.coords = sort_coordinates(c for f in self.fields for c in f.args)
        self.space = tuple(c for c in self.coords if not c.is_time_coordinate)
        times = [c for c in self.coords if c.is_time_coordinate]
        if len(times) > 1:
            raise ProblemError(
                f"problem '{self.name}' uses two time coordinates ({', '.join(t.name for t in times)}).",
                "Use one Time coordinate.",
            )
        self.time = times[0] if times else None
        names = [c.name for c in self.coords]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ProblemError(
                f"the name '{twice[0]}' is given to two coordinates of problem '{self.name}' "
                "(a Space and a Time, or two Spaces).",
                "Give each coordinate its own name, e.g. x = Space('x', 0, 1); t = Time('t', 0, 1).",
            )
        if len(self.residuals) != len(self.fields):
            self._refuse_count()

    def _refuse_count(self) -> None:
        """One equation per field: fewer leave a field free (under-determined), more over-determine it."""
        n_eq, n_f = len(self.residuals), len(self.fields)
        fields = ", ".join(self.field_names)
        if n_eq < n_f:
            raise ProblemError(
                f"problem '{self.name}' has {n_eq} equation(s) for {n_f} fields ({fields}): it is "
                "under-determined, so any value of the extra field(s) would do.",
                "Add one equation per field, or replace a field that is given by a formula by that formula.",
            )
        raise ProblemError(
            f"problem '{self.name}' has {n_eq} equations for {n_f} field(s) ({fields}): it is "
            "over-determined, so in general no field satisfies them all.",
            "Give one equation per field (measurements go in conditions=[Data(...)]).",
        )

    def field(self, name: str) -> sp.Expr:
        """The field called ``name``, e.g. u(x, t) for 'u'."""
        for f in self.fields:
            if field_name(f) == name:
                return f
        raise ProblemError(
            f"problem '{self.name}' has no field '{name}'.", f"Its fields are: {', '.join(self.field_names)}."
        )

    @property
    def field_names(self) -> list[str]:
        return [field_name(f) for f in self.fields]

    def _collect_exact(self, exact: Mapping[Any, object]) -> dict[str, sp.Expr]:
        result: dict[str, sp.Expr] = {}
        for key, expr in exact.items():
            name = field_name(key) if is_field(key) else str(key)
            if name not in self.field_names:
                raise ProblemError(
                    f"exact= gives a solution for '{name}', which is not a field of the problem.",
                    f"Fields are: {', '.join(self.field_names)}.",
                )
            result[name] = sp.sympify(expr)
        return result

    def _manufacture(self) -> None:
        missing = [n for n in self.field_names if n not in self.exact]
        if missing:
            raise ProblemError(
                f"manufactured=True needs an exact solution for every field; missing: {', '.join(missing)}.",
                "Add them to exact={...}.",
            )
        substitution = {f: self.exact[field_name(f)] for f in self.fields}
        self.sources = [sp.simplify(r.subs(substitution).doit()) for r in self.residuals]
        self.residuals = [r - s for r, s in zip(self.residuals, self.sources)]
        self.equations = [sp.Eq(e.lhs, e.rhs + s, evaluate=False) for e, s in zip(self.equations, self.sources)]

    def _all_expressions(self) -> Iterable[sp.Basic]:
        yield from self.residuals
        yield from self.exact.values()
        for c in self.conditions:
            yield from c.expressions()

    def _collect_parameters(self, declared: Sequence[Parameter] = ()) -> dict[str, Parameter]:
        params: dict[str, Parameter] = {}
        for p in declared:
            if not isinstance(p, Parameter):
                raise ProblemError(
                    f"parameters= holds {p!r}, which is not a Parameter.", "List Parameter(...) objects there."
                )
            params[p.name] = p
        for expr in self._all_expressions():
            for s in expr.free_symbols:
                if isinstance(s, Parameter):
                    params.setdefault(s.name, s)
        return dict(sorted(params.items()))

    def _make_domain(self, domain: Any) -> Any:
        from pinnsolve import geometry

        if not self.space:
            if domain is not None:
                raise ProblemError(
                    f"problem '{self.name}' has a domain but its fields depend on no Space coordinate.",
                    "Remove domain= or add Space coordinates to the fields.",
                )
            return None
        if domain is None:
            unranged = [c.name for c in self.space if not c.has_range]
            if unranged:
                raise ProblemError(
                    f"coordinate(s) {', '.join(unranged)} have no range and no domain is given.",
                    f"Write Space('{unranged[0]}', lo, hi), or pass domain=... to Problem.",
                )
            return geometry.Box([c.lo for c in self.space], [c.hi for c in self.space], coords=self.space)
        if not isinstance(domain, geometry.Domain):
            raise ProblemError(
                f"domain={domain!r} is not a domain.",
                "Use Interval, Rectangle, Box, Disk, Polygon, their CSG combinations or MeshDomain.",
            )
        if domain.dim != len(self.space):
            raise ProblemError(
                f"the domain is {domain.dim}-dimensional but the fields depend on "
                f"{len(self.space)} space coordinate(s) ({', '.join(c.name for c in self.space)}).",
                "Give the domain one coordinate per Space coordinate.",
            )
        names = {c.name for c in self.space}
        if set(domain.names) != names:
            if not any(isinstance(c, Coordinate) for c in domain.coords):
                # coords= left out: the domain spans the problem's Space coordinates in order
                return domain.with_coords(self.space)
            raise ProblemError(
                f"the domain spans coordinates ({', '.join(domain.names)}) but the fields use "
                f"({', '.join(c.name for c in self.space)}).",
                "Pass coords=(...) with the problem's Space coordinates to the domain.",
            )
        order = [domain.names.index(c.name) for c in self.space]
        if order != sorted(order):
            raise ProblemError(
                f"the domain's coordinates ({', '.join(domain.names)}) are in another order than "
                f"the problem's ({', '.join(c.name for c in self.space)}).",
                "Declare the Space coordinates in the order the domain uses.",
            )
        return domain

    # -- checks --------------------------------------------------------------------------
    def _check_symbols(self) -> None:
        allowed = set(self.coords) | set(self.parameters.values())
        places = [(f"equation {i + 1}", r) for i, r in enumerate(self.residuals)]
        places += [(f"the exact solution of '{n}'", e) for n, e in self.exact.items()]
        places += [(f"the {c.kind} condition on '{c.field_name}'", e) for c in self.conditions for e in c.expressions()]
        for where, expr in places:
            for s in expr.free_symbols:
                if s in allowed:
                    continue
                if isinstance(s, Coordinate):
                    raise ProblemError(
                        f"{where} uses coordinate '{s.name}', which no field depends on.",
                        "Add it to the fields' coordinates or remove it.",
                    )
                raise ProblemError(
                    f"{where} uses the unknown symbol '{s}'.",
                    f"Declare it: {s} = Parameter('{s}', value), or use a coordinate.",
                )
            for f in _fields_in(expr):
                if field_name(f) not in self.field_names:
                    raise ProblemError(
                        f"{where} uses field '{field_name(f)}', which appears in no equation.", "Use it in an equation."
                    )

    def _check_conditions(self) -> None:
        for c in self.conditions:
            c.check(self)  # each condition checks itself against the problem (`Condition.check`)
        if self.time is None:
            return
        for f in self.fields:
            order = max(_time_order(r, f) for r in self.residuals)
            given = {c.order for c in self.conditions if isinstance(c, Initial) and c.field == f}
            name = field_name(f)
            for k in range(order):
                if k not in given:
                    what = name if k == 0 else f"D({name}, {self.time.name}{'' if k == 1 else f', {k}'})"
                    raise ProblemError(
                        f"field '{name}' has a time derivative of order {order} but no initial condition for {what}.",
                        f"Add Initial({what}, g) to the conditions.",
                    )
            extra = sorted(k for k in given if k >= order)
            if extra:
                raise ProblemError(
                    f"field '{name}' is of order {order} in time, but an initial condition "
                    f"is given for its time derivative of order {extra[0]}.",
                    "Remove that condition: it over-determines the problem.",
                )

    # -- use -----------------------------------------------------------------------------
    def with_parameters(self, overrides: Mapping[str, object]) -> Problem:
        """A copy with parameter values replaced (the CLI's ``--set name=value``)."""
        new = copy.copy(self)
        new.parameter_values = dict(self.parameter_values)
        new.fixed_parameters = set(getattr(self, "fixed_parameters", ())) | set(overrides)
        for name, value in overrides.items():
            if name not in self.parameters:
                known = ", ".join(self.parameters) or "none"
                raise ProblemError(
                    f"--set {name}=... names no parameter of problem '{self.name}'.", f"Its parameters are: {known}."
                )
            try:
                number = float(sp.sympify(value)) if isinstance(value, str) else float(value)
            except (TypeError, ValueError, sp.SympifyError) as exc:
                raise ProblemError(
                    f"--set {name}={value} is not a number.", f"Give a number, e.g. --set {name}=0.5."
                ) from exc
            if not math.isfinite(number):
                raise ProblemError(
                    f"--set {name}={value} is not a finite number.", f"Give a finite value, e.g. --set {name}=0.5."
                )
            new.parameter_values[name] = number
        return new

    def numeric(self, expr: sp.Basic, keep_trainable: bool = True, keep: Collection[str] = ()) -> sp.Basic:
        """``expr`` with the known parameters replaced by their current values (those named in ``keep`` left as
        symbols: a batch of solves passes their values per sample)."""
        values = {
            p: sp.Float(self.parameter_values[n])
            for n, p in self.parameters.items()
            if not (keep_trainable and p.trainable) and n not in keep
        }
        return sp.sympify(expr).xreplace(values)

    @property
    def is_time_dependent(self) -> bool:
        return self.time is not None

    @property
    def is_ode(self) -> bool:
        return not self.space

    def conditions_of(self, kind: type) -> list[Any]:
        return [c for c in self.conditions if isinstance(c, kind)]

    def __repr__(self) -> str:
        return f"Problem({self.name!r}, fields={self.field_names}, coords={[c.name for c in self.coords]})"


__all__ = ["Problem", "Dirichlet", "Neumann", "Robin", "Periodic", "Initial", "Data"]
