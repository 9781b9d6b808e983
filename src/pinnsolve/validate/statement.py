"""The problem statement as a physicist writes it: equations, conditions, domain, parameters,
exact solution, each as LaTeX (for mathtext images and Markdown) with a readable fallback.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import sympy as sp

from pinnsolve.dsl.conditions import (
    BoundaryCondition,
    Condition,
    Data,
    Dirichlet,
    Initial,
    Neumann,
    Periodic,
    Robin,
    unsupported,
)
from pinnsolve.dsl.describe import condition_text, latex, readable
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import is_field

__all__ = ["MathLine", "Statement", "condition_line", "statement", "tex"]

#: longer LaTeX than this is also shown with the parameter values substituted (one line of mathtext)
LONG = 160

# sympy prints d/dt u; a physicist writes du/dt.
_DERIVATIVE = re.compile(r"\\frac\{(d|\\partial)(\^\{\d+\})?\}\{((?:[^{}]|\{[^{}]*\})*)\} ([A-Za-z]\w*)")


@dataclass(frozen=True)
class MathLine:
    """One line of the statement: ``tex`` (mathtext body, no dollars, or None), its readable
    ``text`` (fallback and alt text) and a plain-words ``note`` ("on x = 0 and x = 1")."""

    tex: str | None
    text: str
    note: str = ""


@dataclass
class Statement:
    """Everything the report says about the problem, section by section."""

    name: str
    description: str
    fields: str
    equations: list[MathLine] = field(default_factory=list)
    sources: list[MathLine] = field(default_factory=list)
    conditions: list[MathLine] = field(default_factory=list)
    domain: list[MathLine] = field(default_factory=list)
    parameters: list[MathLine] = field(default_factory=list)
    exact: list[MathLine] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[MathLine]]]:
        """(heading, lines) in reading order, leaving out empty sections."""
        parts = [
            ("Equations", self.equations),
            ("Manufactured source terms (derived from the exact solution)", self.sources),
            ("Boundary and initial conditions", self.conditions),
            ("Domain", self.domain),
            ("Parameters", self.parameters),
            ("Exact solution", self.exact),
        ]
        return [(h, lines) for h, lines in parts if lines]


def _derivative_order(term: sp.Basic, time: bool) -> int:
    orders = [
        sum(1 for v in d.variables if getattr(v, "is_time_coordinate", False) == time)
        for d in term.atoms(sp.Derivative)
        if is_field(d.expr)
    ]
    return max(orders, default=0)


def tex(expr: object) -> str:
    """LaTeX of an expression: fields as u, derivatives as du/dt, time derivatives first in a sum."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Add):
        terms = sorted(expr.args, key=lambda a: (-_derivative_order(a, True), -_derivative_order(a, False)))
        text = ""
        for i, term in enumerate(terms):
            piece = latex(term)
            if i and piece.startswith("-"):
                text += " - " + piece[1:].lstrip()
            else:
                text += (" + " if i else "") + piece
    else:
        text = latex(expr)
    return _DERIVATIVE.sub(lambda m: rf"\frac{{{m[1]}{m[2] or ''} {m[4]}}}{{{m[3]}}}", text)


def _field_call(problem: Problem, name: str) -> str:
    f = problem.field(name)
    return f"{name}({', '.join(a.name for a in f.args)})"


def _field_tex(problem: Problem, name: str, at: dict[str, str] | None = None) -> str:
    """u(x, t), or u(x, 0) with ``at={"t": "0"}``."""
    f = problem.field(name)
    args = [(at or {}).get(a.name, sp.latex(a)) for a in f.args]
    return rf"{sp.latex(sp.Symbol(name))}\left({', '.join(args)}\right)"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _where(c: object, problem: Problem) -> str:
    faces = getattr(c, "faces", ())
    if faces:
        return "on " + " and ".join(f"{f.coord.name} = {_number(f.value)}" for f in faces)
    parts = [p for p in getattr(c, "on", ()) if p != "boundary"]
    return "on " + (", ".join(parts) if parts else "the whole boundary")


@functools.singledispatch
def condition_line(c: Condition, problem: Problem) -> MathLine:
    """The statement's line for condition ``c``: its LaTeX, readable text and where it holds.

    A registry over condition types: a new type registers its line with
    ``@condition_line.register``; an unregistered one is refused, naming its type.
    """
    raise unsupported(
        c,
        "the report's problem statement",
        "register its LaTeX with @pinnsolve.validate.statement.condition_line.register (see pinnsolve.dsl.conditions).",
    )


def _normal(c: BoundaryCondition) -> str:
    return rf"\frac{{\partial {sp.latex(sp.Symbol(c.field_name))}}}{{\partial n}}"


@condition_line.register
def _(c: Dirichlet, problem: Problem) -> MathLine:
    return MathLine(f"{sp.latex(sp.Symbol(c.field_name))} = {tex(c.g)}", condition_text(c, problem), _where(c, problem))


@condition_line.register
def _(c: Neumann, problem: Problem) -> MathLine:
    return MathLine(
        f"{_normal(c)} = {tex(c.g)}", condition_text(c, problem), _where(c, problem) + " (n: outward unit normal)"
    )


@condition_line.register
def _(c: Robin, problem: Problem) -> MathLine:
    u = sp.latex(sp.Symbol(c.field_name))
    return MathLine(
        rf"\left({tex(c.a)}\right) {u} + \left({tex(c.b)}\right) {_normal(c)} = {tex(c.g)}",
        condition_text(c, problem),
        _where(c, problem) + " (n: outward unit normal)",
    )


@condition_line.register
def _(c: Initial, problem: Problem) -> MathLine:
    t = c.time
    at = {t.name: _number(t.lo)}
    u = _field_tex(problem, c.field_name, at)
    if c.order:
        d = r"\partial" if problem.space else "d"
        power = "" if c.order == 1 else f"^{{{c.order}}}"
        u = (
            rf"\frac{{{d}{power} {sp.latex(sp.Symbol(c.field_name))}}}{{{d} {sp.latex(t)}{power}}}"
            rf"\left({', '.join(at.get(a.name, sp.latex(a)) for a in c.field.args)}\right)"
        )
    return MathLine(f"{u} = {tex(c.g)}", condition_text(c, problem), f"initial {'value' if not c.order else 'rate'}")


@condition_line.register(Periodic)
@condition_line.register(Data)
def _(c: Condition, problem: Problem) -> MathLine:
    return MathLine(None, condition_text(c, problem))


def _domain(problem: Problem) -> list[MathLine]:
    lines: list[MathLine] = []
    dom = problem.domain
    if dom is not None and dom.is_box:
        for c in problem.space:
            lines.append(
                MathLine(
                    rf"{sp.latex(c)} \in [{_number(c.lo)}, {_number(c.hi)}]",
                    f"{c.name} in [{_number(c.lo)}, {_number(c.hi)}]",
                )
            )
    elif dom is not None:
        kind = type(dom).__name__
        names = [sp.latex(c) for c in problem.space]
        if kind == "Disk" and len(names) == 2:
            lo, hi = dom.bounds()
            cx, cy = (lo + hi) / 2
            r = float(hi[0] - lo[0]) / 2
            sx = names[0] if cx == 0 else rf"\left({names[0]} - {cx:g}\right)"
            sy = names[1] if cy == 0 else rf"\left({names[1]} - {cy:g}\right)"
            lines.append(
                MathLine(
                    rf"{sx}^{{2}} + {sy}^{{2}} \leq {r * r:g}", f"disk: center ({cx:g}, {cy:g}), radius {r:g}", "a disk"
                )
            )
        else:
            lines.append(MathLine(None, repr(dom)))
    if problem.time is not None:
        t = problem.time
        lines.append(
            MathLine(
                rf"{sp.latex(t)} \in [{_number(t.lo)}, {_number(t.hi)}]",
                f"{t.name} in [{_number(t.lo)}, {_number(t.hi)}]",
                "time",
            )
        )
    return lines


def _equations(problem: Problem) -> tuple[list[MathLine], list[MathLine]]:
    equations, sources = [], []
    many = len(problem.equations) > 1
    for i, e in enumerate(problem.equations):
        rhs = e.rhs
        if problem.sources:
            s = problem.sources[i]
            f = sp.Symbol(f"f_{i + 1}" if many else "f")
            rhs = sp.expand(e.rhs - s) + f
            args = ", ".join(c.name for c in problem.coords)
            sources.append(MathLine(rf"{sp.latex(f)}\left({args}\right) = {tex(s)}", f"{f}({args}) = {readable(s)}"))
        equations.append(MathLine(f"{tex(e.lhs)} = {tex(rhs)}", f"{readable(e.lhs)} = {readable(rhs)}"))
    return equations, sources


def _exact(problem: Problem) -> list[MathLine]:
    lines = []
    for name, expr in problem.exact.items():
        head = _field_tex(problem, name)
        body = tex(expr)
        if len(body) <= LONG or not problem.parameters:
            lines.append(
                MathLine(
                    f"{head} = {body}" if len(body) <= LONG else None,
                    f"{_field_call(problem, name)} = {readable(expr)}",
                )
            )
        else:  # too long for one line: the same function with the numbers in
            numeric = sp.N(problem.numeric(expr, keep_trainable=False), 4)
            numeric = numeric.xreplace({f: sp.Float(f, 4) for f in numeric.atoms(sp.Float)})
            lines.append(
                MathLine(
                    f"{head} = {tex(numeric)}",
                    f"{_field_call(problem, name)} = {readable(numeric)}",
                    "with the parameter values substituted (4 significant digits)",
                )
            )
    return lines


def statement(problem: Problem) -> Statement:
    """The problem, section by section, ready for the HTML and Markdown reports."""
    equations, sources = _equations(problem)
    params = []
    for name, p in problem.parameters.items():
        value = problem.parameter_values[name]
        note = ""
        if getattr(p, "trainable", False):
            truth = f" (true value {p.exact:.6g})" if getattr(p, "exact", None) is not None else ""
            note = f"unknown: initial guess{truth}, identified from data (the values found: Results)"
        params.append(MathLine(f"{sp.latex(sp.Symbol(name))} = {value:.6g}", f"{name} = {value:.6g}", note))
    fields = ", ".join(_field_call(problem, n) for n in problem.field_names)
    return Statement(
        name=problem.name,
        description=getattr(problem, "doc", "") or "",
        fields=fields,
        equations=equations,
        sources=sources,
        conditions=[condition_line(c, problem) for c in problem.conditions],
        domain=_domain(problem),
        parameters=params,
        exact=_exact(problem),
    )
