"""Unknown fields and named constants of a problem."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

import sympy as sp
from sympy.core.function import AppliedUndef

from pinnsolve.dsl.coords import Coordinate, next_declaration, sort_coordinates
from pinnsolve.dsl.errors import ProblemError


def Field(name: str, *coords: Coordinate) -> sp.Expr:
    """An unknown field, ``u = Field("u", x, t)``, a function of the given coordinates.

    Returned as the sympy expression ``u(x, t)``, so it enters equations directly.
    Coordinates are stored space first, time last: that is the axis order of every
    array pinnsolve writes for this field.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ProblemError(f"field name {name!r} is not a valid name.", "Use an identifier such as 'u'.")
    if not coords:
        raise ProblemError(
            f"field '{name}' depends on no coordinate.", f"Name its coordinates, e.g. Field('{name}', x, t)."
        )
    for c in coords:
        if not isinstance(c, Coordinate):
            raise ProblemError(
                f"field '{name}' is given {c!r} as a coordinate.", "Coordinates are made with Space(...) or Time(...)."
            )
    if len(set(coords)) != len(coords):
        raise ProblemError(f"field '{name}' names a coordinate twice.", "Name each coordinate once.")
    if sum(c.is_time_coordinate for c in coords) > 1:
        raise ProblemError(f"field '{name}' depends on two time coordinates.", "A problem has one Time.")
    function = sp.Function(name, real=True)
    function.is_pinnsolve_field = True
    function.order = next_declaration()
    return function(*sort_coordinates(coords))


def is_field(expr: object) -> bool:
    """Whether ``expr`` is a field made by `Field` (an applied undefined function)."""
    return isinstance(expr, AppliedUndef) and getattr(expr.func, "is_pinnsolve_field", False)


def field_name(expr: sp.Expr) -> str:
    return expr.func.__name__


#: ``--set`` values in force while a problem file runs (`given_values`): the file's Python sees them
_GIVEN: ContextVar[Mapping[str, object] | None] = ContextVar("pinnsolve_given_parameters", default=None)


@contextmanager
def given_values(overrides: Mapping[str, object] | None) -> Iterator[None]:
    """While a problem file runs, a `Parameter` declared under a name in ``overrides`` takes that value.

    So a file that computes with ``p.value`` in Python (measurements made with a noise level,
    ``problems/inverse_diffusivity.py``) sees ``--set p=...``, as its equations do.
    """
    token = _GIVEN.set(dict(overrides or {}))
    try:
        yield
    finally:
        _GIVEN.reset(token)


class Parameter(sp.Symbol):
    """A named constant, ``nu = Parameter("nu", 0.01 / pi)``; ``--set nu=...`` overrides it."""

    trainable = False
    #: whether ``--set`` replaces the declared value while the file runs (not for a `Random`'s law)
    given_at_declaration = True

    def __new__(cls, name: str, value: object, **_assumptions: object):
        if not isinstance(name, str) or not name.isidentifier():
            raise ProblemError(f"parameter name {name!r} is not a valid name.", "Use an identifier.")
        obj = sp.Symbol.__xnew__(cls, name, real=True)
        given = _GIVEN.get() or {}
        obj.value = _as_number(value, name)
        if cls.given_at_declaration and name in given:
            try:
                obj.value = _as_number(given[name], name)
            except ProblemError:
                pass  # not a number: Problem.with_parameters refuses it with the --set message
        obj.order = next_declaration()
        return obj

    def _hashable_content(self) -> tuple:
        # unique per declaration, like coordinates: a cached expression must not bring back
        # another file's parameter of the same name and a different value
        return super()._hashable_content() + (self.order,)

    def __getnewargs_ex__(self):
        return (self.name, self.value), {}


class Unknown(Parameter):
    """A constant to be identified from data (inverse problems), starting from ``initial``.

    ``exact`` (optional) is the true value, where it is known (measurements made from a known
    solution): reports then give the identified value's relative error and whether an ensemble's
    95 % interval covers it.
    """

    trainable = True

    def __new__(cls, name: str, initial: object = 1.0, exact: object = None, **_assumptions: object):
        obj = super().__new__(cls, name, initial)
        obj.exact = None if exact is None else _as_number(exact, name)
        return obj

    def __getnewargs_ex__(self):
        return (self.name, self.value, self.exact), {}


def _as_number(value: object, name: str) -> float:
    try:
        number = float(sp.sympify(value))
    except (TypeError, ValueError, sp.SympifyError) as exc:
        raise ProblemError(
            f"parameter '{name}' has the value {value!r}, which is not a number.",
            f"Give a number, e.g. Parameter('{name}', 0.5).",
        ) from exc
    if not math.isfinite(number):
        raise ProblemError(f"parameter '{name}' is not finite ({number}).", "Give a finite value.")
    return number
