"""The dataset solved in chunks: each chunk cached as soon as it is solved, chunks shared among worker processes.

A chunk is a run of consecutive Sobol points solved together (one vectorised integration for an ODE
or a PDE whose parameters enter only the initial data, one block-diagonal FTCS march, or a few
`solve_reference` calls). Each solved chunk goes to the run directory through `DatasetStore`
(an atomic ``dataset/chunk-NNNN.npz``), so a run that is killed loses at most the chunks in
progress, and ``--resume`` solves only the chunks that are missing. With more than one worker
(``--threads``), chunks are solved in forked worker processes, in order.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from pinnsolve.io.atomic import atomic_write

__all__ = ["DatasetStore", "solve_chunks"]

ChunkSolve = Callable[[np.ndarray], tuple[np.ndarray, dict[str, np.ndarray]]]
_JOB: ChunkSolve | None = None  # the chunk solver inherited by forked workers (closures do not pickle)


class DatasetStore:
    """Solved chunks in a folder of the run directory, one ``chunk-NNNN.npz`` each (points, fields, axes).

    ``key`` names what was solved (the problem file's contents, its parameter values, the grid and
    scheme): a chunk stored under another key, e.g. after the problem file was edited, is solved again.
    """

    def __init__(self, folder: str | Path, key: str = "") -> None:
        self.folder = Path(folder)
        self.key = key

    def path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:04d}.npz"

    def load(self, index: int, points: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
        """The chunk's fields and axes, or None when it is missing, unreadable, or was drawn at other points."""
        path = self.path(index)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                if data["points"].shape != points.shape or not np.array_equal(data["points"], points):
                    return None
                if str(data["key"]) != self.key:
                    return None
                axes = {k[len("axis_") :]: data[k] for k in data.files if k.startswith("axis_")}
                return data["fields"], axes
        except Exception:  # noqa: BLE001 - a corrupt cache file is solved again, never trusted
            return None

    def save(self, index: int, points: np.ndarray, fields: np.ndarray, axes: Mapping[str, np.ndarray]) -> None:
        with atomic_write(self.path(index)) as tmp:
            axes_arrays = {f"axis_{k}": v for k, v in axes.items()}
            np.savez(tmp, points=points, fields=fields, key=np.array(self.key), **axes_arrays)

    def count(self) -> int:
        return len(list(self.folder.glob("chunk-*.npz"))) if self.folder.is_dir() else 0


def _solve_in_worker(points: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    assert _JOB is not None
    return _JOB(points)


def _worker_signals() -> None:
    """A worker ends quietly when the pool stops it (SIGTERM), and leaves Ctrl-C to the run that started it."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def solve_chunks(
    solve: ChunkSolve,
    points: np.ndarray,
    chunk: int,
    *,
    store: DatasetStore | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> tuple[np.ndarray, dict[str, np.ndarray], int]:
    """Fields (n, ...) and axes of ``solve`` over ``points`` in chunks; also how many chunks came from the store."""
    starts = list(range(0, len(points), chunk))
    parts: list[tuple[np.ndarray, dict[str, np.ndarray]] | None] = [
        store.load(i, points[a : a + chunk]) if store is not None else None for i, a in enumerate(starts)
    ]
    cached = sum(p is not None for p in parts)
    todo = [i for i, p in enumerate(parts) if p is None]
    done = sum(len(points[a : a + chunk]) for a, p in zip(starts, parts) if p is not None)
    if progress is not None and done:
        progress(done)
    for i, part in zip(todo, _map(solve, [points[starts[i] : starts[i] + chunk] for i in todo], workers)):
        parts[i] = part
        if store is not None:
            store.save(i, points[starts[i] : starts[i] + chunk], *part)
        done += len(part[0])
        if progress is not None:
            progress(done)
    solved = [p for p in parts if p is not None]
    return np.concatenate([p[0] for p in solved]), solved[0][1], cached


def _map(solve: ChunkSolve, chunks: Sequence[np.ndarray], workers: int):
    """``solve`` over ``chunks`` in order: here, or in ``workers`` forked processes (Linux) when there are several."""
    global _JOB
    if workers <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(solve, chunks)
        return
    _JOB = solve
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks)), _worker_signals) as pool:
            yield from pool.imap(_solve_in_worker, chunks)
    finally:
        _JOB = None
