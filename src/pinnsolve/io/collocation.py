"""``collocation.npz``: the collocation points of a run, one ``(n, d)`` array per point set.

Sets are named by role (``interior``, ``boundary_bc``, ``initial_ic``, ...; any names); sets whose
name starts with ``added`` or ``adaptive`` were added while training (adaptive collocation) and
are drawn as red crosses over the others. ``__coords__`` holds the coordinate names, columns in
the problem's coordinate order (space first, time last).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from pinnsolve.io.atomic import atomic_write

__all__ = ["ADDED_PREFIXES", "COLLOCATION_FILE", "load_collocation", "save_collocation"]

#: name prefixes of the point sets added while training
ADDED_PREFIXES = ("added", "adaptive")
COLLOCATION_FILE = "collocation.npz"
_COORDS_KEY = "__coords__"


def save_collocation(path: str | Path, sets: Mapping[str, np.ndarray], coords: Sequence[str]) -> Path:
    """Write point sets ``{name: (n, d)}`` with coordinate names to ``path`` (atomically)."""
    path = Path(path)
    arrays = {str(k): np.asarray(v, dtype=float).reshape(len(v), -1) for k, v in sets.items()}
    if _COORDS_KEY in arrays:
        raise ValueError(f"{_COORDS_KEY!r} is reserved; rename that point set")
    for name, a in arrays.items():
        if a.shape[1] != len(coords):
            raise ValueError(
                f"point set {name!r} has {a.shape[1]} columns, but {len(coords)} coordinates {tuple(coords)} were given"
            )
    arrays[_COORDS_KEY] = np.array([str(c) for c in coords])
    with atomic_write(path) as tmp:
        np.savez(tmp, **arrays)
    return path


def load_collocation(path: str | Path, coords: Sequence[str] = ()) -> tuple[dict[str, np.ndarray], tuple[str, ...]]:
    """Read the point sets and coordinate names (``coords`` is the fallback for the names)."""
    with np.load(Path(path), allow_pickle=False) as data:
        names = tuple(str(c) for c in data[_COORDS_KEY]) if _COORDS_KEY in data.files else ()
        sets = {k: np.atleast_2d(np.asarray(data[k], dtype=float)) for k in data.files if k != _COORDS_KEY}
    width = max((a.shape[1] for a in sets.values() if a.size), default=0)
    if not names:
        names = tuple(coords)[:width] if len(coords) >= width else tuple(f"x{i + 1}" for i in range(width))
    return sets, names
