"""Run directories: where one solve puts its config, history, solution, plots and report.

Layout (see DESIGN.md): ``config.json``, ``history.csv``, ``model.pt``, ``solution.npz``,
``solution.vtu`` or ``solution.xdmf`` + ``.h5``, ``plots/*.png``, ``metrics.json``,
``report.html``.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import numpy as np

__all__ = ["DEFAULT_ROOT", "HISTORY_FILE", "make_run_dir", "read_history"]

DEFAULT_ROOT = Path("runs")
HISTORY_FILE = "history.csv"

# Columns of history.csv that are not numbers.
_TEXT_COLUMNS = frozenset({"phase"})


def make_run_dir(
    root_or_path: str | Path | None,
    problem: str,
    method: str,
    *,
    exact: bool = False,
    now: datetime | None = None,
) -> Path:
    """Create and return a fresh run directory; never reuse one that holds files.

    By default ``root_or_path`` is a *root* (``None`` means ``runs/``) and the run goes to
    ``<root>/<problem>-<method>-<YYYYmmdd-HHMMSS>``. With ``exact=True`` it is the run
    directory itself (``--out DIR``). Either way, if that directory exists and is not empty,
    a suffix ``-2``, ``-3``, ... is added rather than mixing two runs' files; an existing
    empty directory is used as it is.
    """
    if exact:
        if root_or_path is None:
            raise ValueError("make_run_dir(exact=True) needs the run directory's path")
        base = Path(root_or_path)
    else:
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        root = DEFAULT_ROOT if root_or_path is None else Path(root_or_path)
        base = root / f"{_slug(problem)}-{_slug(method)}-{stamp}"
    base.parent.mkdir(parents=True, exist_ok=True)
    for k in range(1, 10_000):
        candidate = base if k == 1 else base.with_name(f"{base.name}-{k}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            # mkdir is the atomic claim; an existing empty directory is free to use.
            if candidate.is_dir() and not any(candidate.iterdir()):
                return candidate
    raise FileExistsError(f"no free run directory name next to {base}")


def read_history(path: str | Path) -> dict[str, np.ndarray]:
    """Read ``history.csv`` (a run directory or the file itself) into column arrays.

    Columns: ``step`` (int), ``phase`` (str: ``"adam"``, ``"lbfgs"``, ...), ``wall_time_s``,
    ``loss``, one column per loss term, ``l2_relative_error``, ``lr`` (float). An empty cell
    (the L2 error is measured only every few steps) reads as NaN. Columns that are not
    numbers are kept as strings.
    """
    path = Path(path)
    if path.is_dir():
        path = path / HISTORY_FILE
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return {}
        header = [h.strip() for h in header]
        rows = [r for r in reader if r]
    columns = {name: [r[i].strip() if i < len(r) else "" for r in rows]
               for i, name in enumerate(header)}
    return {name: _column(name, cells) for name, cells in columns.items()}


def _column(name: str, cells: list[str]) -> np.ndarray:
    if name in _TEXT_COLUMNS:
        return np.array(cells, dtype=str)
    try:
        values = np.array([float(c) if c else np.nan for c in cells], dtype=np.float64)
    except ValueError:
        return np.array(cells, dtype=str)
    if name == "step" and np.all(np.isfinite(values)):
        return values.astype(np.int64)
    return values


def _slug(name: str) -> str:
    """A name that is safe as part of a directory name."""
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", name).strip("._") or "run"
