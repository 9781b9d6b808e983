"""Naming the derivatives a residual needs: a field and a multi-index over the inputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from pinnsolve.dsl.symbols import field_name, is_field


@dataclass(frozen=True, order=True)
class DerivativeKey:
    """∂^|orders| u / ∂x_0^orders[0] ... for field number ``field`` of the network output.

    ``orders`` has one entry per network input (the problem's coordinates, space first).
    """

    field: int
    orders: tuple[int, ...]

    @property
    def total_order(self) -> int:
        return sum(self.orders)

    def label(self, field_names: Sequence[str], coord_names: Sequence[str]) -> str:
        suffix = "".join(c * k for c, k in zip(coord_names, self.orders))
        return field_names[self.field] + (f"_{suffix}" if suffix else "")


def key_of(atom: sp.Expr, field_names: Sequence[str], coords: Sequence[sp.Symbol]) -> DerivativeKey:
    """The key of a field ``u(x, t)`` or of one of its derivatives."""
    if isinstance(atom, sp.Derivative):
        orders = [0] * len(coords)
        for v, count in atom.variable_count:
            orders[list(coords).index(v)] += int(count)
        return DerivativeKey(field_names.index(field_name(atom.expr)), tuple(orders))
    return DerivativeKey(field_names.index(field_name(atom)), (0,) * len(coords))


def field_atoms(expr: sp.Expr) -> list[sp.Expr]:
    """The fields and field derivatives in ``expr``, derivatives first so they are replaced whole."""
    derivatives = [d for d in expr.atoms(sp.Derivative) if is_field(d.expr)]
    plain = [f for f in expr.atoms(sp.Function) if is_field(f)]
    return sorted(derivatives, key=sp.default_sort_key) + sorted(plain, key=sp.default_sort_key)
