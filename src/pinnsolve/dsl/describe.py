"""The problem as pinnsolve understood it, in readable one-line math (``pinnsolve show``)."""

from __future__ import annotations

import functools

import sympy as sp

from pinnsolve.dsl.conditions import Condition, Data, Dirichlet, Initial, Neumann, Periodic, Robin, unsupported
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import field_name, is_field


def subscript_form(expr: sp.Basic) -> sp.Basic:
    """Replace u(x, t) by u and its derivatives by u_x, u_xt, ... for compact printing."""
    replacements: dict[sp.Basic, sp.Symbol] = {}
    for d in expr.atoms(sp.Derivative):
        if is_field(d.expr):
            suffix = "".join(str(v) for v in d.variables)
            replacements[d] = sp.Symbol(f"{field_name(d.expr)}_{suffix}")
    expr = expr.xreplace(replacements)
    return expr.xreplace({f: sp.Symbol(field_name(f)) for f in expr.atoms(sp.Function) if is_field(f)})


def readable(expr: sp.Basic) -> str:
    return sp.sstr(subscript_form(sp.sympify(expr)))


def latex(expr: sp.Basic) -> str:
    """LaTeX of an expression, with u(x, t) printed as u inside its derivatives."""
    expr = sp.sympify(expr)
    text = sp.latex(expr)
    for f in expr.atoms(sp.Function):
        if is_field(f):
            text = text.replace(sp.latex(f), field_name(f))
    return text


def _where(on: tuple[str, ...]) -> str:
    return ", ".join(on)


@functools.singledispatch
def condition_text(c: Condition, problem: Problem) -> str:
    """One line of readable maths for condition ``c`` (``pinnsolve show``, and the report's alt text).

    A registry over condition types: a new type registers its text with
    ``@condition_text.register``; an unregistered one is refused, naming its type.
    """
    raise unsupported(
        c,
        "pinnsolve show",
        "register its text with @pinnsolve.dsl.describe.condition_text.register (see pinnsolve.dsl.conditions).",
    )


@condition_text.register
def _(c: Dirichlet, problem: Problem) -> str:
    return f"{c.field_name} = {readable(c.g)}  on {_where(c.on)}"


@condition_text.register
def _(c: Neumann, problem: Problem) -> str:
    return f"∂{c.field_name}/∂n = {readable(c.g)}  on {_where(c.on)}  (outward normal)"


@condition_text.register
def _(c: Robin, problem: Problem) -> str:
    return (
        f"({readable(c.a)})·{c.field_name} + ({readable(c.b)})·∂{c.field_name}/∂n = {readable(c.g)}"
        f"  on {_where(c.on)}  (outward normal)"
    )


@condition_text.register
def _(c: Initial, problem: Problem) -> str:
    t = c.time
    target = c.field_name if c.order == 0 else f"{c.field_name}_{t.name * c.order}"
    return f"{target} = {readable(c.g)}  at {t.name} = {t.lo:g}"


@condition_text.register
def _(c: Periodic, problem: Problem) -> str:
    x = c.coord
    return f"periodic in {x.name}: fields and their {x.name}-derivatives equal at {x.name} = {x.lo:g} and {x.hi:g}"


@condition_text.register
def _(c: Data, problem: Problem) -> str:
    return f"{c.field_name} = data at {len(c.values)} points"


def describe(problem: Problem) -> str:
    """A plain-text account of every part of the problem."""
    lines = [f"problem {problem.name}" + (f"  ({problem.file})" if problem.file else "")]
    lines.append("coordinates:")
    for c in problem.coords:
        kind = "time" if c.is_time_coordinate else "space"
        rng = f"[{c.lo:g}, {c.hi:g}]" if c.has_range else "(range from the domain)"
        lines.append(f"  {c.name}  {kind}  {rng}")
    if problem.domain is not None:
        lines.append(f"domain: {problem.domain!r}")
    lines.append("fields:")
    for f in problem.fields:
        lines.append(f"  {field_name(f)}({', '.join(a.name for a in f.args)})")
    if problem.parameters:
        lines.append("parameters:")
        for name, p in problem.parameters.items():
            kind = "unknown, initial guess" if p.trainable else "="
            lines.append(f"  {name} {kind} {problem.parameter_values[name]:.6g}")
    lines.append("equations:")
    for e in problem.equations:
        lines.append(f"  {readable(e.lhs)} = {readable(e.rhs)}")
    if problem.sources:
        lines.append("manufactured source terms (derived from the exact solution):")
        for i, s in enumerate(problem.sources, 1):
            lines.append(f"  equation {i}: f = {readable(s)}")
    lines.append("conditions:")
    for c in problem.conditions:
        lines.append(f"  {condition_text(c, problem)}")
    if not problem.conditions:
        lines.append("  none")
    if problem.exact:
        lines.append("exact solution:")
        for name, expr in problem.exact.items():
            lines.append(f"  {name} = {readable(expr)}")
    return "\n".join(lines)
