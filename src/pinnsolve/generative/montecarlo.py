r"""Monte Carlo data: the finite-difference reference solved for independent draws of the random inputs.

Each draw :math:`\xi^{(i)}` fixes the random inputs (as ``--set`` would) and the project's own
reference solver (`pinnsolve.reference.solve_reference`) gives the field on the grid. The
draws are the training set of the generative models and, when the problem has no exact law,
the reference statistics (mean, std, marginals) the models are measured against.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from pinnsolve.dsl.kl_draw import freeze
from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.generative.law import RandomInputs
from pinnsolve.reference import solve_reference
from pinnsolve.reference.batch import BatchedReference, batch_obstacle

__all__ = [
    "TRAINING_DATA",
    "MonteCarlo",
    "drawn_problem",
    "load_monte_carlo",
    "monte_carlo",
    "progress_bar",
    "save_monte_carlo",
]


@dataclass
class MonteCarlo:
    """N reference solutions: ``fields`` (N, *grid) of one field, with the draws that made them."""

    field: str
    axes: dict[str, np.ndarray]
    inputs: np.ndarray  # (N, d) physical units
    standard: np.ndarray  # (N, d) standard coordinates (what models are conditioned on)
    fields: np.ndarray  # (N, *grid), space before time
    wall_time_s: float
    stats: dict[str, Any]

    @property
    def solves_per_s(self) -> float:
        return len(self.fields) / self.wall_time_s if self.wall_time_s > 0 else float("inf")


class progress_bar:
    """A rich progress bar on a terminal, a few plain lines elsewhere; ``advance()`` once per item."""

    def __init__(self, total: int, title: str, stream: TextIO | None = None, plain: bool | None = None) -> None:
        self.total, self.title = total, title
        self.stream = stream or sys.stderr
        self.plain = plain if plain is not None else not self.stream.isatty()
        self.done, self._bar, self._task, self._start = 0, None, None, time.perf_counter()

    def __enter__(self) -> progress_bar:
        if not self.plain:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                refresh_per_second=5,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.title, total=self.total, info="")
        return self

    def advance(self, info: str = "", count: int = 1) -> None:
        """``count`` more items done (a batch of solves advances by its size)."""
        before, self.done = self.done, self.done + count
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, info=info)
        elif self.done == self.total or self.done // max(1, self.total // 5) > before // max(1, self.total // 5):
            rate = self.done / max(time.perf_counter() - self._start, 1e-9)
            print(
                f"{self.title}: {self.done}/{self.total} ({rate:.1f}/s) {info}".rstrip(), file=self.stream, flush=True
            )

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def drawn_problem(problem: Problem, values: Mapping[str, float]) -> Problem:
    """``problem`` with its random inputs fixed to ``values`` (as ``--set`` would).

    A random field's Karhunen–Loève sum is folded into one numeric function of the draw
    (`pinnsolve.dsl.random.freeze`): the same equations, several times cheaper to discretise.
    """
    drawn = problem.with_parameters(dict(values))
    drawn.fixed_parameters = set(getattr(problem, "fixed_parameters", set()))
    if any(getattr(problem.parameters[n], "source", None) is not None for n in values):
        drawn.residuals = [freeze(r, dict(values)) for r in problem.residuals]
    return drawn


def monte_carlo(
    problem: Problem,
    field: str,
    n: int,
    rng: np.random.Generator,
    grid: Mapping[str, int] | None = None,
    title: str = "Monte Carlo solves",
    stream: TextIO | None = None,
    plain: bool | None = None,
) -> MonteCarlo:
    """Solve the reference for ``n`` draws of the random inputs (one field kept, on ``grid``).

    The draws are solved in batches on one discretisation (`pinnsolve.reference.batch`) unless a
    random input enters the boundary data or the domain; then one `solve_reference` per draw.
    """
    inputs = RandomInputs.of(problem)
    if field not in problem.field_names:
        raise MethodNotApplicable(
            f"problem '{problem.name}' has no field '{field}'; its fields: {', '.join(problem.field_names)}."
        )
    draws = inputs.draw(rng, n)
    started = time.perf_counter()
    obstacle = batch_obstacle(problem, inputs.names)
    with progress_bar(n, title, stream, plain) as bar:
        if obstacle is None:
            fields, axes, stats = _batched_solves(problem, inputs.names, field, draws, grid, bar)
        else:
            fields, axes, stats = _one_by_one(problem, inputs.names, field, draws, grid, bar)
            stats["batched"] = f"no: {obstacle}; one solve per draw"
    wall = time.perf_counter() - started
    return MonteCarlo(field, axes, draws, inputs.standard(draws), fields, wall, stats)


def _batched_solves(
    problem: Problem,
    names: list[str],
    field: str,
    draws: np.ndarray,
    grid: Mapping[str, int] | None,
    bar: progress_bar,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, Any]]:
    """The draws solved a batch at a time on one discretisation: fields (n, *grid), axes, statistics."""
    batched = BatchedReference(problem, names, grid)
    size = batched.batch_size
    chunks = []
    for start in range(0, len(draws), size):
        chunk = draws[start : start + size]
        chunks.append(batched.solve(chunk)[field])
        bar.advance(count=len(chunk))
    axes = {a.name: a.nodes for a in batched.space.axes}
    if batched.times is not None:
        axes[problem.time.name] = batched.times
    return np.concatenate(chunks), axes, batched.describe()


def _one_by_one(
    problem: Problem,
    names: list[str],
    field: str,
    draws: np.ndarray,
    grid: Mapping[str, int] | None,
    bar: progress_bar,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, Any]]:
    """One `solve_reference` per draw: fields (n, *grid), axes, statistics."""
    fields, axes, stats = [], {}, {}
    for values in draws:
        solution, stats = solve_reference(drawn_problem(problem, dict(zip(names, map(float, values)))), grid)
        fields.append(solution.fields[field])
        axes = axes or {c: solution.axes[c] for c in solution.field_coords[field]}
        bar.advance()
    return np.stack(fields), axes, {k: stats.get(k) for k in ("scheme", "solver", "grid")}


#: the training draws of a generate run, cached in its run directory (``generate --resume`` reuses them)
TRAINING_DATA = "training_data.npz"


def save_monte_carlo(mc: MonteCarlo, path: Path, rng_state: Mapping[str, Any] | None = None) -> Path:
    """Write ``mc`` (and the random state after drawing it) atomically to ``path``."""
    import json

    from pinnsolve.io.atomic import atomic_write

    meta = {"field": mc.field, "coords": list(mc.axes), "wall_time_s": mc.wall_time_s, "stats": mc.stats}
    arrays = {f"axis_{k}": v for k, v in mc.axes.items()}
    arrays.update(inputs=mc.inputs, standard=mc.standard, fields=mc.fields)
    arrays["__meta__"] = np.array(json.dumps({**meta, "rng_state": dict(rng_state) if rng_state else None}))
    with atomic_write(Path(path)) as tmp:
        np.savez(tmp, **arrays)
    return Path(path)


def load_monte_carlo(path: Path) -> tuple[MonteCarlo, dict[str, Any] | None]:
    """The draws `save_monte_carlo` wrote, and the random state after them; `RunDirectoryError` if unreadable."""
    import json

    from pinnsolve.errors import RunDirectoryError

    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["__meta__"]))
            axes = {c: data[f"axis_{c}"] for c in meta["coords"]}
            mc = MonteCarlo(
                meta["field"],
                axes,
                data["inputs"],
                data["standard"],
                data["fields"],
                meta["wall_time_s"],
                meta["stats"],
            )
    except (OSError, KeyError, ValueError) as exc:
        raise RunDirectoryError(
            f"{path}: the cached training data cannot be read ({exc}). Delete it to solve the draws again."
        ) from None
    return mc, meta.get("rng_state")
