"""Coordinates of a problem: `Space` and `Time`, and the boundary faces they name.

A coordinate is a sympy symbol (so it enters expressions like ``sin(pi * x)``) that
also carries its range. ``x.min``, ``x.max`` and ``x.boundary`` select the faces of a
box domain where that coordinate is extreme; ``t.min`` is the initial time.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import sympy as sp

from pinnsolve.dsl.errors import ProblemError

_declaration_order = itertools.count()


def next_declaration() -> int:
    """A number unique to each declared coordinate or parameter, in declaration order."""
    return next(_declaration_order)


def _as_bound(value: object, name: str, which: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(sp.sympify(value))
    except (TypeError, ValueError, sp.SympifyError) as exc:
        raise ProblemError(
            f"the {which} end of coordinate '{name}' is {value!r}, which is not a number.",
            f"Give numbers, e.g. Space('{name}', 0, 1).",
        ) from exc
    if not math.isfinite(number):
        raise ProblemError(f"the {which} end of coordinate '{name}' is not finite.", "Give a finite range.")
    return number


class Coordinate(sp.Symbol):
    """A named independent variable with an optional range [lo, hi]."""

    is_time_coordinate = False

    def __new__(cls, name: str, lo: object = None, hi: object = None, **_assumptions: object):
        if not isinstance(name, str) or not name.isidentifier():
            raise ProblemError(
                f"coordinate name {name!r} is not a valid name.", "Use a short identifier such as 'x' or 't'."
            )
        obj = sp.Symbol.__xnew__(cls, name, real=True)
        obj.lo = _as_bound(lo, name, "lower")
        obj.hi = _as_bound(hi, name, "upper")
        if (obj.lo is None) != (obj.hi is None):
            raise ProblemError(
                f"coordinate '{name}' has only one end of its range.",
                f"Give both, e.g. {cls.__name__}('{name}', 0, 1).",
            )
        if obj.lo is not None and not obj.lo < obj.hi:
            raise ProblemError(
                f"coordinate '{name}' has range [{obj.lo}, {obj.hi}], which is empty.",
                "The lower end must be below the upper end.",
            )
        obj.order = next_declaration()
        return obj

    def _hashable_content(self) -> tuple:
        # Each declaration is its own symbol: sympy caches expressions by equality, and two
        # coordinates named 'x' with different ranges must never stand in for each other.
        return super()._hashable_content() + (self.order,)

    def __getnewargs_ex__(self):
        return (self.name, self.lo, self.hi), {}

    @property
    def has_range(self) -> bool:
        return self.lo is not None

    @property
    def min(self) -> Face:
        """The face where this coordinate takes its lower value."""
        return Face(self, "min")

    @property
    def max(self) -> Face:
        """The face where this coordinate takes its upper value."""
        return Face(self, "max")

    @property
    def boundary(self) -> tuple[Face, Face]:
        """Both faces where this coordinate is extreme."""
        return (Face(self, "min"), Face(self, "max"))


class Space(Coordinate):
    """A spatial coordinate, ``Space("x", -1, 1)``; the range may come from a domain instead."""


class Time(Coordinate):
    """The time coordinate, ``Time("t", 0, 1)``; initial conditions hold at its lower end."""

    is_time_coordinate = True

    def __new__(cls, name: str, t0: object = None, t1: object = None, **_assumptions: object):
        obj = super().__new__(cls, name, t0, t1)
        if obj.lo is None:
            raise ProblemError(f"time coordinate '{name}' has no interval.", f"Give it one, e.g. Time('{name}', 0, 1).")
        return obj


@dataclass(frozen=True)
class Face:
    """The part of a box boundary where ``coord`` is at its ``side`` ('min' or 'max')."""

    coord: Coordinate
    side: str

    @property
    def name(self) -> str:
        return f"{self.coord.name}.{self.side}"

    @property
    def value(self) -> float | None:
        return self.coord.lo if self.side == "min" else self.coord.hi

    def __repr__(self) -> str:
        return self.name


def sort_coordinates(coords: object) -> tuple[Coordinate, ...]:
    """Space coordinates in declaration order, then the time coordinate."""
    unique = list(dict.fromkeys(coords))
    return tuple(sorted(unique, key=lambda c: (c.is_time_coordinate, c.order)))
