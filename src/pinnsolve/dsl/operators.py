"""Differential operators of the problem language: D, laplacian, grad, div."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from pinnsolve.dsl.coords import Coordinate, Space, sort_coordinates
from pinnsolve.dsl.errors import ProblemError
from pinnsolve.dsl.symbols import is_field


def D(expr: sp.Expr, *spec: Coordinate | int) -> sp.Expr:
    """Partial derivative: ``D(u, x)``, ``D(u, x, 2)`` (second), ``D(u, x, y)`` (mixed)."""
    if not spec:
        raise ProblemError("D(...) was given no coordinate to differentiate by.", "Write e.g. D(u, x).")
    previous: object = None
    for item in spec:
        if isinstance(item, Coordinate):
            previous = item
        elif isinstance(item, int) and not isinstance(item, bool):
            if previous is None or item < 1:
                raise ProblemError(
                    f"D(...) has the order {item} in the wrong place.",
                    "An order follows its coordinate and is positive: D(u, x, 2).",
                )
        else:
            raise ProblemError(
                f"D(...) differentiates by {item!r}, which is not a coordinate.",
                "Differentiate by a Space or Time coordinate, e.g. D(u, x).",
            )
    return sp.diff(sp.sympify(expr), *spec)


def spatial_coordinates(expr: sp.Expr) -> tuple[Coordinate, ...]:
    """The Space coordinates the fields in ``expr`` depend on, in declaration order."""
    fields = [f for f in sp.sympify(expr).atoms(sp.Function) if is_field(f)]
    coords = [c for f in fields for c in f.args if isinstance(c, Space)]
    return sort_coordinates(coords)


class Vector(list):
    """A vector of expressions that remembers the coordinates of its components."""

    def __init__(self, items: Sequence[sp.Expr], coords: Sequence[Coordinate]) -> None:
        super().__init__(items)
        self.coords = tuple(coords)


def grad(expr: sp.Expr, coords: Sequence[Coordinate] | None = None) -> Vector:
    """Spatial gradient ∇u over the field's spatial coordinates."""
    coords = tuple(coords) if coords is not None else spatial_coordinates(expr)
    if not coords:
        raise ProblemError(
            "grad(...) of an expression with no spatial coordinate.", "Apply it to a field of Space coordinates."
        )
    return Vector([D(expr, c) for c in coords], coords)


def div(vector: Sequence[sp.Expr], coords: Sequence[Coordinate] | None = None) -> sp.Expr:
    """Divergence ∇·v of a vector of expressions, one component per spatial coordinate."""
    if coords is None:
        coords = getattr(vector, "coords", None) or spatial_coordinates(sp.Add(*vector))
    coords = tuple(coords)
    if len(coords) != len(vector):
        raise ProblemError(
            f"div(...) was given {len(vector)} components for {len(coords)} spatial coordinates "
            f"({', '.join(c.name for c in coords)}).",
            "Give one component per coordinate, or pass coords=(x, y).",
        )
    return sp.Add(*[D(v, c) for v, c in zip(vector, coords)])


def laplacian(expr: sp.Expr, coords: Sequence[Coordinate] | None = None) -> sp.Expr:
    """Laplacian Δu = Σ ∂²u/∂x_i² over the spatial coordinates."""
    coords = tuple(coords) if coords is not None else spatial_coordinates(expr)
    if not coords:
        raise ProblemError(
            "laplacian(...) of an expression with no spatial coordinate.", "Apply it to a field of Space coordinates."
        )
    return sp.Add(*[D(expr, c, 2) for c in coords])
