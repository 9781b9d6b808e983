"""Binding a domain to the coordinates it spans."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pinnsolve.errors import GeometryError

_DEFAULT_NAMES = {1: ("x",), 2: ("x", "y"), 3: ("x", "y", "z")}


def default_coords(dim: int) -> tuple[str, ...]:
    """Names used when a domain is built without ``coords``: x, y, z, then x1..xd."""
    return _DEFAULT_NAMES.get(dim, tuple(f"x{i + 1}" for i in range(dim)))


def resolve_coords(coords: Any, dim: int, owner: str) -> tuple[Any, ...]:
    """Check ``coords`` against the domain's dimension and return them as a tuple.

    A single coordinate (a string or a sympy Symbol) is accepted for 1D domains.
    """
    if coords is None:
        return default_coords(dim)
    if isinstance(coords, str) or not isinstance(coords, Sequence):
        coords = (coords,)
    coords = tuple(coords)
    if len(coords) != dim:
        raise GeometryError(
            f"{owner} is {dim}-dimensional but got {len(coords)} coordinate(s) "
            f"{tuple(str(c) for c in coords)}; pass exactly {dim}, "
            f"e.g. coords={default_coords(dim)}"
        )
    names = [str(c) for c in coords]
    if len(set(names)) != len(names):
        raise GeometryError(
            f"{owner}: coordinate names must be distinct, got {tuple(names)}; give each coordinate its own name"
        )
    return coords
