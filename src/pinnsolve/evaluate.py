"""Evaluating any point-wise model (a trained network, an exact solution) into a `Solution`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.memory import require_memory
from pinnsolve.residual import numpy_function
from pinnsolve.results.measure import relative_l2
from pinnsolve.solution import Solution

#: points per coordinate of the default evaluation grid, by number of coordinates
DEFAULT_RESOLUTION = {1: 501, 2: 201, 3: 65, 4: 33}
BATCH = 65536


def resolution(problem: Problem, grid: Mapping[str, int] | None = None) -> dict[str, int]:
    """Grid size per coordinate: the defaults, overridden by ``--grid x=256,t=101``."""
    names = [c.name for c in problem.coords]
    n_space = len(problem.space)
    default = DEFAULT_RESOLUTION.get(len(names), 21)
    sizes = {c.name: default for c in problem.coords}
    if problem.time is not None and n_space:
        sizes[problem.time.name] = 101 if n_space == 1 else 21
    for name, n in (grid or {}).items():
        if name not in sizes:
            raise ValueError(
                f"--grid names '{name}', which is not a coordinate of problem '{problem.name}' "
                f"(coordinates: {', '.join(names)})."
            )
        if int(n) < 2:
            raise ValueError(f"--grid {name}={n}: a grid needs at least 2 points per coordinate.")
        sizes[name] = int(n)
    total = int(np.prod(list(sizes.values()), dtype=float))
    # per grid point: its coordinates, every field and its exact value and error, in float64
    require_memory("evaluation grid points", total, 8 * (len(names) + 4 * len(problem.fields) + 2), "--grid")
    return sizes


#: model.pt, checkpoint.pt and checkpoint.prev.pt, history.csv, metrics and the plots of a typical run
RUN_FILES_BYTES = 16 * 2**20


def output_bytes(problem: object, grid: Mapping[str, int] | None = None) -> int:
    """Roughly the disk space a run's files take: `RUN_FILES_BYTES`, plus the solution on its evaluation
    grid twice (solution.npz and the ParaView file: coordinates, each field, its exact value and error)."""
    from pinnsolve.dsl.kinds import problem_kind

    if problem_kind(problem) != "pde" or not isinstance(problem, Problem):
        return RUN_FILES_BYTES
    try:
        points = int(np.prod(list(resolution(problem, grid).values()), dtype=float))
    except ValueError:
        return RUN_FILES_BYTES  # a bad --grid is reported where the grid is made
    return RUN_FILES_BYTES + 2 * points * 8 * (len(problem.coords) + 4 * len(problem.fields) + 2)


def _axis(problem: Problem, name: str, n: int) -> np.ndarray:
    if problem.time is not None and name == problem.time.name:
        return np.linspace(problem.time.lo, problem.time.hi, n)
    k = [c.name for c in problem.space].index(name)
    lo, hi = problem.domain.bounds()
    return np.linspace(float(lo[k]), float(hi[k]), n)


def evaluation_points(
    problem: Problem, grid: Mapping[str, int] | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray | None, np.ndarray]:
    """(axes, scattered spatial points or None, all points as an (N, d) array in coordinate order).

    Boxes and ODEs: a tensor grid (`axes` holds every coordinate). Other domains: grid
    points inside the domain, times the time axis if there is one.
    """
    sizes = resolution(problem, grid)
    if problem.domain is None or problem.domain.is_box:
        axes = {c.name: _axis(problem, c.name, sizes[c.name]) for c in problem.coords}
        mesh = np.meshgrid(*axes.values(), indexing="ij")
        return axes, None, np.column_stack([m.ravel() for m in mesh])
    scattered = problem.domain.grid_points(tuple(sizes[c.name] for c in problem.space))
    axes = {}
    if problem.time is None:
        return axes, scattered, scattered
    t = _axis(problem, problem.time.name, sizes[problem.time.name])
    axes[problem.time.name] = t
    full = np.column_stack([np.repeat(scattered, len(t), axis=0), np.tile(t, len(scattered))])
    return axes, scattered, full


def _shape(problem: Problem, axes: dict[str, np.ndarray], scattered: np.ndarray | None) -> tuple[int, ...]:
    if scattered is None:
        return tuple(len(a) for a in axes.values())
    return (len(scattered),) + tuple(len(a) for a in axes.values())


def _field_view(problem: Problem, values: np.ndarray, field_coords: tuple[str, ...]) -> np.ndarray:
    """Restrict a full-grid array to a field's own coordinates (it is constant along the others)."""
    names = [c.name for c in problem.coords]
    index = tuple(slice(None) if n in field_coords else 0 for n in names)
    return values[index] if values.ndim == len(names) else values


def exact_on(problem: Problem, points: np.ndarray) -> dict[str, np.ndarray]:
    """The exact solution of each field that has one, at ``points`` (N, d)."""
    coords = list(problem.coords)
    cols = [points[:, i] for i in range(points.shape[1])]
    return {
        name: numpy_function(problem.numeric(expr, keep_trainable=False), coords)(*cols)
        for name, expr in problem.exact.items()
    }


def predict(
    model: Callable[[torch.Tensor], torch.Tensor], points: np.ndarray, dtype: torch.dtype, device: torch.device
) -> np.ndarray:
    """Model values (N, m) at ``points`` in batches, without building a graph."""
    out = []
    with torch.no_grad():
        for start in range(0, len(points), BATCH):
            x = torch.as_tensor(points[start : start + BATCH], dtype=dtype, device=device)
            out.append(model(x).detach().cpu().double().numpy())
    return np.concatenate(out) if out else np.zeros((0, 0))


def to_solution(
    problem: Problem,
    method: str,
    values: np.ndarray,
    axes: dict[str, np.ndarray],
    scattered: np.ndarray | None,
    points: np.ndarray,
    exact: dict[str, np.ndarray] | None = None,
) -> Solution:
    """Arrange point values (N, m) and the exact solution (evaluated here unless given) into a `Solution`."""
    shape = _shape(problem, axes, scattered)
    field_coords = {n: tuple(c.name for c in f.args) for n, f in zip(problem.field_names, problem.fields)}
    exact = exact_on(problem, points) if exact is None else exact
    if scattered is None:
        fields = {
            n: _field_view(problem, values[:, j].reshape(shape), field_coords[n])
            for j, n in enumerate(problem.field_names)
        }
        exact = {n: _field_view(problem, v.reshape(shape), field_coords[n]) for n, v in exact.items()}
    else:
        fields = {n: values[:, j].reshape(shape) for j, n in enumerate(problem.field_names)}
        exact = {n: v.reshape(shape) for n, v in exact.items()}
    triangles = None
    if scattered is not None and scattered.shape[1] == 2:
        triangles = problem.domain.triangulate(scattered)
    return Solution(
        problem=problem.name,
        method=method,
        axes=axes,
        fields=fields,
        field_coords=field_coords,
        exact=exact,
        points=scattered,
        point_coords=tuple(c.name for c in problem.space) if scattered is not None else (),
        triangles=triangles,
        time_coord=problem.time.name if problem.time is not None else None,
    )


def evaluate_model(
    problem: Problem,
    method: str,
    model: Callable[[torch.Tensor], torch.Tensor],
    grid: Mapping[str, int] | None,
    dtype: torch.dtype,
    device: torch.device,
    group: Any = None,
) -> Solution:
    """``model`` and the exact solution on the evaluation grid as a `Solution`.

    Under torchrun, ``group`` (`pinnsolve.train.distributed.ProcessGroup`) splits the grid: each
    process evaluates a contiguous 1/P of the points, and the parts are gathered in rank order, so
    every process holds the whole solution, at a P-th of the work each.
    """
    axes, scattered, points = evaluation_points(problem, grid)
    values, exact = _sharded(problem, model, points, dtype, device, group)
    return to_solution(problem, method, values, axes, scattered, points, exact)


def _sharded(
    problem: Problem,
    model: Callable[[torch.Tensor], torch.Tensor],
    points: np.ndarray,
    dtype: torch.dtype,
    device: torch.device,
    group: Any,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Model values (N, m) and exact values by field at ``points``: this process's share, gathered."""
    if group is None or group.world == 1:
        return predict(model, points, dtype, device), exact_on(problem, points)
    share = points[group.share(len(points))]
    exact = exact_on(problem, share)
    values = group.all_gather(predict(model, share, dtype, device))
    gathered = group.all_gather(np.column_stack(list(exact.values())) if exact else np.zeros((len(share), 0)))
    return values, {name: gathered[:, k] for k, name in enumerate(exact)}


class ErrorMonitor:
    """L2 relative error of a model against the exact solution on a fixed set of points.

    Under torchrun (``group``), each process evaluates its 1/P of the points and the predictions
    are gathered before the one `relative_l2`, so the error is the single process's.
    """

    def __init__(
        self, problem: Problem, dtype: torch.dtype, device: torch.device, max_points: int = 8192, group: Any = None
    ) -> None:
        _, _, points = evaluation_points(problem)
        if len(points) > max_points:
            points = points[np.random.default_rng(0).choice(len(points), max_points, replace=False)]
        self.group = group if group is not None and group.world > 1 else None
        if self.group is not None:
            points = points[self.group.share(len(points))]
        exact = exact_on(problem, points)
        self.columns = [problem.field_names.index(n) for n in exact]
        self.points = torch.as_tensor(points, dtype=dtype, device=device)
        self.exact = torch.as_tensor(
            np.column_stack(list(exact.values())) if exact else np.zeros((0, 0)), dtype=dtype, device=device
        )
        self.exact_all = self.group.all_gather(self.exact.cpu().double().numpy()) if self.group and exact else None

    @property
    def available(self) -> bool:
        return bool(self.columns)

    def __call__(self, model: torch.nn.Module) -> float | None:
        if not self.columns:
            return None
        with torch.no_grad():
            predicted = model(self.points)[:, self.columns].cpu().double().numpy()
        if self.group is not None:
            return relative_l2(self.group.all_gather(predicted), self.exact_all)
        return relative_l2(predicted, self.exact.cpu().double().numpy())
