"""Collocation points for the interior, the boundary parts and the initial time.

Every point set has one column per problem coordinate, space first and time last,
so that one network evaluation serves all of them.
"""

from __future__ import annotations

import numpy as np

from pinnsolve.dsl.problem import Problem
from pinnsolve.geometry import sample_unit_cube


def _time_bounds(problem: Problem) -> list[tuple[float, float]]:
    return [(problem.time.lo, problem.time.hi)] if problem.time is not None else []


def interior(problem: Problem, n: int, sampler: str, rng: np.random.Generator) -> np.ndarray:
    """Points in the domain × (t0, t1)."""
    if problem.domain is None:
        t0, t1 = problem.time.lo, problem.time.hi
        return t0 + (t1 - t0) * sample_unit_cube(n, 1, sampler, rng)
    return problem.domain.sample_interior(n, sampler, rng, extra_bounds=_time_bounds(problem))


def boundary(
    problem: Problem, parts: tuple[str, ...], n: int, sampler: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Points on the named boundary parts × (t0, t1), with outward unit normals."""
    points, normals = [], []
    for part in parts:
        p, nrm = problem.domain.sample_boundary(
            max(1, n // len(parts)), sampler, rng, extra_bounds=_time_bounds(problem), part=part
        )
        points.append(p)
        normals.append(nrm)
    return np.concatenate(points), np.concatenate(normals)


def initial(problem: Problem, n: int, sampler: str, rng: np.random.Generator) -> np.ndarray:
    """Points of the domain at the initial time (a single point for ODEs)."""
    t0 = problem.time.lo
    if problem.domain is None:
        return np.array([[t0]])
    space = problem.domain.sample_interior(n, sampler, rng)
    return np.column_stack([space, np.full(len(space), t0)])


def face_pairs(
    problem: Problem, axis: int, n: int, sampler: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Matching points on the lower and upper faces of coordinate ``axis`` (periodicity)."""
    coord = problem.space[axis]
    lower, _ = problem.domain.sample_boundary(
        n, sampler, rng, extra_bounds=_time_bounds(problem), part=f"{coord.name}.min"
    )
    upper = lower.copy()
    upper[:, axis] = problem.domain.bounds()[1][axis]
    return lower, upper


def padded(problem: Problem, field_coords: tuple, points: np.ndarray) -> np.ndarray:
    """Data points given in a field's coordinates, as full points (other columns at their lower end)."""
    lo = [float(v) for v in problem.domain.bounds()[0]] if problem.domain is not None else []
    lo += [problem.time.lo] if problem.time is not None else []
    full = np.tile(np.asarray(lo, dtype=float), (len(points), 1))
    for k, c in enumerate(field_coords):
        full[:, list(problem.coords).index(c)] = points[:, k]
    return full
