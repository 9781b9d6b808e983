"""Tensor grids on a problem's box: axes, nodes, faces, and the sizes a user asks for.

A size ``n`` always counts the nodes from ``lo`` to ``hi`` inclusive, so ``x=201`` gives
``h = (hi - lo) / 200``. On a periodic axis the node at ``hi`` is the node at ``lo``: the
solver keeps ``n - 1`` distinct nodes and the output repeats the first one at the end.
For time, ``t=101`` is the number of output times (the integrator picks its own steps).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from pinnsolve.dsl.conditions import Periodic
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import SettingsError
from pinnsolve.memory import require_memory
from pinnsolve.reference.stencils import MIN_POINTS

__all__ = ["Axis", "Grid", "default_sizes", "make_grid", "resolve_sizes", "time_axis"]

#: output times when the grid leaves time out: PDEs, ODEs
DEFAULT_TIMES = {"pde": 101, "ode": 501}


@dataclass(frozen=True)
class Axis:
    """One space axis: ``n`` nodes from ``lo`` to ``hi`` inclusive (``hi`` ≡ ``lo`` if periodic)."""

    name: str
    lo: float
    hi: float
    n: int
    periodic: bool = False

    @property
    def h(self) -> float:
        return (self.hi - self.lo) / (self.n - 1)

    @property
    def nodes(self) -> np.ndarray:
        """The output nodes, ``lo`` and ``hi`` included."""
        return np.linspace(self.lo, self.hi, self.n)

    @property
    def size(self) -> int:
        """The distinct (computational) nodes."""
        return self.n - 1 if self.periodic else self.n


@dataclass(frozen=True)
class Grid:
    """The tensor product of space axes; nodes are flattened in C (``ij``) order."""

    axes: tuple[Axis, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.size for a in self.axes)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def spacings(self) -> tuple[float, ...]:
        return tuple(a.h for a in self.axes)

    @property
    def periodic(self) -> tuple[bool, ...]:
        return tuple(a.periodic for a in self.axes)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    @cached_property
    def coordinates(self) -> tuple[np.ndarray, ...]:
        """Per axis, the coordinate of every computational node (flattened)."""
        if not self.axes:
            return ()
        mesh = np.meshgrid(*[a.nodes[: a.size] for a in self.axes], indexing="ij")
        return tuple(m.ravel() for m in mesh)

    def face(self, axis: int, side: str) -> np.ndarray:
        """Flat indices of the nodes on the face where axis ``axis`` is at its ``side``."""
        index = np.arange(self.size).reshape(self.shape)
        return np.take(index, 0 if side == "min" else self.shape[axis] - 1, axis=axis).ravel()

    def to_output(self, flat: np.ndarray) -> np.ndarray:
        """A field of computational nodes (leading dim) as an output array, periodic ends repeated."""
        array = flat.reshape(self.shape + flat.shape[1:])
        for k, a in enumerate(self.axes):
            if a.periodic:
                array = np.concatenate([array, np.take(array, [0], axis=k)], axis=k)
        return array


def default_sizes(problem: Problem) -> dict[str, int]:
    """Nodes per space axis (201 in 1-D, 101 in 2-D, 41 in 3-D and up) and output times."""
    per_axis = {1: 201, 2: 101}.get(len(problem.space), 41)
    sizes = {c.name: per_axis for c in problem.space}
    if problem.time is not None:
        sizes[problem.time.name] = DEFAULT_TIMES["ode" if problem.is_ode else "pde"]
    return sizes


def resolve_sizes(problem: Problem, grid: Mapping[str, int] | None) -> dict[str, int]:
    """The default sizes overridden by ``grid``, each checked (names, whole numbers, ≥ 3 nodes)."""
    sizes = default_sizes(problem)
    known = [c.name for c in problem.coords]
    for name, value in (grid or {}).items():
        if name not in sizes:
            raise SettingsError(
                f"--grid names '{name}', which is not a coordinate of problem "
                f"'{problem.name}'. Its coordinates are: {', '.join(known)}."
            )
        if isinstance(value, bool) or not float(value).is_integer():
            raise SettingsError(f"--grid {name}={value}: give a whole number of grid points.")
        n = int(value)
        is_time = problem.time is not None and name == problem.time.name
        least = 2 if is_time else MIN_POINTS
        if n < least:
            what = "output times" if is_time else "points (the second-order stencils need three)"
            raise SettingsError(
                f"--grid {name}={n} is too coarse: give at least {least} {what}, e.g. --grid {name}={sizes[name]}."
            )
        sizes[name] = n
    _require_grid_memory(problem, sizes)
    for c in problem.conditions:
        if isinstance(c, Periodic) and sizes[c.coord.name] < MIN_POINTS + 1:
            raise SettingsError(
                f"--grid {c.coord.name}={sizes[c.coord.name]} is too coarse for the periodic "
                f"axis {c.coord.name}: give at least {MIN_POINTS + 1} points "
                f"({MIN_POINTS} distinct ones)."
            )
    return sizes


def _require_grid_memory(problem: Problem, sizes: Mapping[str, int]) -> None:
    """Refuse a grid whose operator, factorisation and output snapshots exceed the memory budget."""
    space = [sizes[c.name] for c in problem.space]
    nodes = int(np.prod(space, dtype=float)) if space else 1
    times = sizes[problem.time.name] if problem.time is not None else 1
    d, fields = max(1, len(space)), len(problem.fields)
    # per node and field: the sparse operator (2d + 1 entries of value and index, ×fill-in of the LU),
    # the solver's work vectors, and one float64 per output time
    each = fields * (8 * times + 12 * (2 * d + 1) * 4 + 8 * 16)
    require_memory("reference grid nodes", nodes, each, "--grid")


def make_grid(problem: Problem, sizes: Mapping[str, int]) -> Grid:
    """The space grid of ``problem`` (a box; see `require_box`) with the given sizes."""
    lo, hi = problem.domain.bounds() if problem.domain is not None else ((), ())
    names = list(problem.domain.names) if problem.domain is not None else []
    periodic = {c.coord.name for c in problem.conditions if isinstance(c, Periodic)}
    axes = []
    for c in problem.space:
        k = names.index(c.name)
        axis = Axis(c.name, float(lo[k]), float(hi[k]), int(sizes[c.name]), c.name in periodic)
        if not (1e-100 < axis.h < 1e100):  # h² and 1/h² (and h⁴) must be finite floats
            raise SettingsError(
                f"coordinate {c.name} spans [{axis.lo:g}, {axis.hi:g}]: with {axis.n} grid points the "
                f"spacing h = {axis.h:g} makes the finite-difference stencils (1/h²) overflow or "
                "vanish. Rescale the coordinate to a range of moderate size (nondimensionalise the "
                "problem) in the problem file."
            )
        axes.append(axis)
    return Grid(tuple(axes))


def time_axis(problem: Problem, sizes: Mapping[str, int]) -> np.ndarray:
    """The output times: ``sizes[t]`` equally spaced from t0 to t1."""
    t = problem.time
    return np.linspace(t.lo, t.hi, int(sizes[t.name]))
