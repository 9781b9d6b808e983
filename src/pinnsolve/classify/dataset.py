"""Labelled solutions over parameter ranges: the data a regime classifier learns from.

Parameter values are drawn by a scrambled Sobol sequence over the ``--vary`` box
(``scipy.stats.qmc``: low discrepancy, so few samples cover the box evenly). Each value is
solved by the finite-difference reference (`pinnsolve.reference.solve_reference`; the
explicit FTCS scheme at a fixed step when the problem asks for it, unstable steps included;
an ODE system for all values in one vectorised integration, `vectorised`; a PDE whose varied
parameters stay out of its boundary data in batches solved as one stacked system on one
discretisation, `pinnsolve.reference.batch`),
chunk by chunk (`chunks`: cached in the run directory as they are solved, shared among workers)
and labelled by the regimes' relations (the analytic truth) or by the problem's labelling
function of the solution.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from pinnsolve.classify.chunks import ChunkSolve, DatasetStore, solve_chunks
from pinnsolve.classify.vectorised import solve_ode_batch
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.regimes import regime_function
from pinnsolve.errors import ProblemError, SettingsError
from pinnsolve.reference import solve_reference
from pinnsolve.reference.batch import BatchedReference, batch_obstacle
from pinnsolve.solution import Solution

__all__ = ["Dataset", "build_dataset", "chunk_solver", "draw_points", "solve_point"]

Progress = Callable[[int], None]
FTCS_CHUNK = 64  # samples per block-diagonal FTCS march
EACH_CHUNK = 16  # samples per chunk when each is solved on its own


@dataclass
class Dataset:
    """Solutions of one problem at ``points`` (n, d) of the varied parameters ``names``.

    ``fields``: the clean solutions, shape (n, channels, *grid) with the time axis last
    (channels are the problem's fields); ``labels``: class index per sample into ``classes``.
    """

    names: list[str]
    box: np.ndarray
    points: np.ndarray
    classes: list[str]
    labels: np.ndarray
    fields: np.ndarray
    channels: list[str]
    axes: dict[str, np.ndarray]
    stats: dict[str, object] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.points)


def draw_points(box: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` scrambled-Sobol points in the box (d, 2): the first n of the next power of two."""
    from scipy.stats import qmc

    sampler = qmc.Sobol(len(box), scramble=True, seed=rng)
    unit = sampler.random_base2(max(1, math.ceil(math.log2(n))))[:n]
    return qmc.scale(unit, box[:, 0], box[:, 1])


def solve_point(
    problem: Problem, grid: Mapping[str, int] | None, scheme: str = "auto", dt: float | None = None
) -> Solution:
    """The reference solution of ``problem``; FTCS at ``dt`` is marched even above its stability limit."""
    if scheme == "ftcs" and dt is not None:
        return _ftcs_any_step(problem, grid, dt)
    return solve_reference(problem, grid=grid, scheme=scheme, dt=dt)[0]


def _ftcs_any_step(problem: Problem, grid: Mapping[str, int] | None, dt: float) -> Solution:
    """Forward Euler u ← u + Δt F(u) with the reference's own discretisation, at a step that may be unstable.

    `solve_reference` refuses a step above the FTCS limit (its job is an accurate answer); here the
    instability *is* the regime to be detected, so the scheme runs as given and overflow is kept finite.
    """
    from pinnsolve.reference.discretise import Discretisation
    from pinnsolve.reference.evolution import Evolution
    from pinnsolve.reference.grid import make_grid, resolve_sizes, time_axis
    from pinnsolve.reference.solve import grid_solution

    sizes = resolve_sizes(problem, grid)
    space = make_grid(problem, sizes)
    evolution = Evolution(Discretisation(problem, space))
    times = time_axis(problem, sizes)
    per_output = max(1, round(float(times[1] - times[0]) / dt))
    step = float(times[1] - times[0]) / per_output
    y = evolution.initial_state()
    states = np.empty((len(y), len(times)))
    states[:, 0] = y
    big = np.finfo(float).max ** 0.25
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, len(times)):
            for j in range(per_output):
                y = np.clip(y + step * evolution.rhs(float(times[k - 1]) + j * step, y), -big, big)
            states[:, k] = np.nan_to_num(y, nan=big)
    return grid_solution(problem, space, times, evolution.fields(states, times))


def _ftcs_batch(
    variants: Sequence[Problem], grid: Mapping[str, int] | None, dt: float, progress: Progress | None
) -> list[Solution]:
    """`_ftcs_any_step` for many linear problems at once: u ← u + Δt (J u + F₀) with J block-diagonal.

    Each sample keeps its own discretisation (its parameters are in J and F₀); one sparse product per
    step serves them all. A nonlinear or time-dependent problem falls back to one march per sample.
    """
    from scipy import sparse

    from pinnsolve.reference.discretise import Discretisation
    from pinnsolve.reference.evolution import Evolution
    from pinnsolve.reference.grid import make_grid, resolve_sizes, time_axis
    from pinnsolve.reference.solve import grid_solution

    sizes = resolve_sizes(variants[0], grid)
    space = make_grid(variants[0], sizes)
    evolutions = []
    for i, variant in enumerate(variants):
        evolutions.append(Evolution(Discretisation(variant, space)))
        if progress is not None:
            progress(i + 1)
    if any(e.affine is None for e in evolutions):
        return [_ftcs_any_step(v, grid, dt) for v in variants]
    times = time_axis(variants[0], sizes)
    jacobian = sparse.block_diag([e.affine[0] for e in evolutions], format="csr")
    source = np.concatenate([e.affine[1] for e in evolutions])
    per_output = max(1, round(float(times[1] - times[0]) / dt))
    step = float(times[1] - times[0]) / per_output
    y = np.concatenate([e.initial_state() for e in evolutions])
    states = np.empty((len(y), len(times)))
    states[:, 0] = y
    big = np.finfo(float).max ** 0.25
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, len(times)):
            for _ in range(per_output):
                y = np.clip(y + step * (jacobian @ y + source), -big, big)
            states[:, k] = np.nan_to_num(y, nan=big)
    offsets = np.cumsum([0] + [e.size for e in evolutions])
    return [
        grid_solution(v, space, times, e.fields(states[a:b], times))
        for v, e, a, b in zip(variants, evolutions, offsets[:-1], offsets[1:])
    ]


def chunk_solver(
    problem: Problem,
    names: Sequence[str],
    n: int,
    *,
    grid: Mapping[str, int] | None = None,
    scheme: str = "auto",
    dt: float | None = None,
) -> tuple[ChunkSolve, int, str]:
    """How the dataset is solved: a function of a chunk of points → (fields (k, channels, *grid), axes),
    the chunk size, and a sentence saying so (config.json)."""
    names = list(names)
    channels = list(problem.field_names)

    def variants(points: np.ndarray) -> list[Problem]:
        return [problem.with_parameters(dict(zip(names, map(float, p)))) for p in points]

    if problem.is_ode and scheme == "auto":

        def ode(points: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
            fields, times = solve_ode_batch(problem, names, points, grid)
            return fields, {problem.time.name: times}

        return ode, n, "one vectorised DOP853 integration over all samples (rtol 1e-10/√n)"
    if scheme == "ftcs" and dt is not None:

        def ftcs(points: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
            solutions = _ftcs_batch(variants(points), grid, dt, None)
            return np.stack([np.stack([s.fields[c] for c in channels]) for s in solutions]), dict(solutions[0].axes)

        how = f"forward Euler at dt {dt:g} as given, each chunk of samples marched together (block-diagonal operator)"
        return ftcs, FTCS_CHUNK, how
    steady = problem.time is None
    if (scheme == "auto" or (scheme == "mol" and not steady)) and batch_obstacle(problem, names) is None:
        batched = BatchedReference(problem, names, grid)
        axes = {a.name: a.nodes for a in batched.space.axes}
        if not steady:
            axes[problem.time.name] = batched.times

        def batch(points: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
            fields = batched.solve(points)
            return np.ascontiguousarray(np.stack([fields[c] for c in channels], axis=1)), axes

        how = f"{batched.describe()['solver']} on one discretisation, chunks of samples solved as one stacked system"
        return batch, batched.batch_size, how

    def each(points: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        solutions = [solve_point(v, grid, scheme, dt) for v in variants(points)]
        return np.stack([np.stack([s.fields[c] for c in channels]) for s in solutions]), dict(solutions[0].axes)

    return each, EACH_CHUNK, f"solve_reference per sample (scheme {scheme})" + (f", dt {dt:g} as given" if dt else "")


def build_dataset(
    problem: Problem,
    names: Sequence[str],
    box: np.ndarray,
    n: int,
    rng: np.random.Generator,
    *,
    grid: Mapping[str, int] | None = None,
    scheme: str = "auto",
    dt: float | None = None,
    progress: Progress | None = None,
    store: DatasetStore | None = None,
    workers: int = 1,
) -> Dataset:
    """Solve and label ``problem`` at ``n`` Sobol points of ``box``; see the module docstring.

    With ``store``, each solved chunk is cached there and chunks already there are read back, not solved;
    with ``workers`` > 1, chunks are solved in that many processes.
    """
    names = list(names)
    points = draw_points(box, n, rng)
    channels = list(problem.field_names)
    solve, chunk, how = chunk_solver(problem, names, n, grid=grid, scheme=scheme, dt=dt)
    fields, axes, cached = solve_chunks(solve, points, chunk, store=store, progress=progress, workers=workers)
    solutions = [_solution(problem, axes, channels, f) for f in fields] if not problem.regimes else []
    classes, labels = label_points(problem, names, points, solutions)
    stats = {"solver": how, "chunks": -(-n // chunk), "chunks_cached": cached}
    return Dataset(names, np.asarray(box, dtype=float), points, classes, labels, fields, channels, axes, stats)


def _solution(problem: Problem, axes: Mapping[str, np.ndarray], channels: list[str], fields: np.ndarray) -> Solution:
    """One sample's fields as a Solution (what a problem's labelling function receives)."""
    return Solution(
        problem=problem.name,
        method="fd",
        axes=dict(axes),
        fields=dict(zip(channels, fields)),
        field_coords={c: tuple(axes) for c in channels},
        exact={},
        time_coord=problem.time.name,
    )


def label_points(
    problem: Problem, names: list[str], points: np.ndarray, solutions: Sequence[Solution]
) -> tuple[list[str], np.ndarray]:
    """Class names and each sample's class index: from the relations, else the labelling function."""
    if problem.regimes:
        holds = regime_function(problem.regimes, names, problem.parameter_values, problem.parameters)(points)
        missing = np.flatnonzero(~holds.any(axis=1))
        if len(missing) > 0.01 * len(points):
            at = ", ".join(f"{n}={v:.4g}" for n, v in zip(names, points[missing[0]]))
            raise ProblemError(
                f"{len(missing)} of {len(points)} drawn parameter sets fall in no regime (e.g. {at}).",
                "Make the regimes cover the --vary ranges, or narrow the ranges.",
            )
        labels = np.where(holds.any(axis=1), np.argmax(holds, axis=1), -1)
        return list(problem.regimes), labels
    if problem.label is None:
        raise SettingsError(
            f"problem '{problem.name}' declares no regimes: give them with --label "
            "'name=relation' (repeat for each regime), or write regimes={...} or label=... in "
            "the problem file."
        )
    found = []
    for s in solutions:
        try:
            found.append(str(problem.label(s)))
        except Exception as exc:  # noqa: BLE001 - the user's function: say where it failed
            raise ProblemError(
                f"the problem's label function raised {type(exc).__name__}: {exc}.",
                "Fix label= in the problem file (it receives a Solution).",
            ) from None
    classes = sorted(set(found))
    if len(classes) < 2:
        raise ProblemError(
            f"the label function gave one label ('{classes[0]}') to every sample.",
            "Widen the --vary ranges so that both regimes occur.",
        )
    return classes, np.array([classes.index(f) for f in found])
