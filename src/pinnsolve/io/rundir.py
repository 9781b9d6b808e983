"""Run directories: the one owner of a run's file names, its records and how they are read back.

Layout (DESIGN.md): ``config.json`` (settings, result kind and provenance), ``history.csv``,
``model.pt``, ``checkpoint.pt``, the result's own data files (``solution.npz`` and
``solution.vtu``/``.xdmf``, ``samples.npz``, ``labels.npz``, ``spectrum.json``),
``plots/*.png``, ``metrics.json``, ``report.html``. Every file is written atomically.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import math
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.errors import RunDirectoryError, WriteFailed
from pinnsolve.io.atomic import write_json, write_text
from pinnsolve.io.provenance import provenance
from pinnsolve.memory import format_bytes

__all__ = [
    "DEFAULT_ROOT",
    "HISTORY_FILE",
    "WRITE_ERRNOS",
    "RunDirectory",
    "make_run_dir",
    "read_history",
    "write_errors",
]

DEFAULT_ROOT = Path("runs")
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.json"
HISTORY_FILE = "history.csv"
MODEL_FILE = "model.pt"
CHECKPOINT_FILE = "checkpoint.pt"
PLOTS_DIR = "plots"

# Columns of history.csv that are not numbers.
_TEXT_COLUMNS = frozenset({"phase"})


class RunDirectory:
    """One run's folder: file names, atomic JSON/CSV records, provenance and read-back.

    >>> run = RunDirectory.create("runs/heat", "heat1d", "pinn")        # doctest: +SKIP
    >>> run.write_config({"method": "pinn", ...}, result_kind="solution", problem_file="heat1d.py")
    >>> run.write_metrics({"l2_relative_error": 1e-3})
    """

    CONFIG = CONFIG_FILE
    METRICS = METRICS_FILE
    HISTORY = HISTORY_FILE
    MODEL = MODEL_FILE
    CHECKPOINT = CHECKPOINT_FILE
    PLOTS = PLOTS_DIR

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunDirectory({str(self.path)!r})"

    def __fspath__(self) -> str:
        return str(self.path)

    # -- creating and opening ----------------------------------------------------------------
    @classmethod
    def create(
        cls,
        out: str | Path | None,
        problem: str,
        method: str,
        *,
        overwrite: bool = False,
        now: datetime | None = None,
        needed: int = 0,
    ) -> RunDirectory:
        """A fresh run directory: ``out`` itself, or ``runs/<problem>-<method>-<time>`` without it.

        An ``out`` that exists and holds files is refused unless ``overwrite`` (then emptied):
        never a silent ``DIR-2`` that a script reading ``DIR`` would miss. ``needed`` is the
        estimated size of the run's files: a file system with less free space is refused before
        any work starts (and the folder made for the run removed).
        """
        if out is None:
            try:
                path = make_run_dir(None, problem, method, now=now)
            except OSError as exc:
                raise RunDirectoryError(
                    f"{DEFAULT_ROOT}: cannot create a run directory there ({exc.strerror or exc})."
                    " Give --out with a folder you can write to."
                ) from None
            return cls._checked(path, True, needed)
        path = Path(out)
        if path.exists() and not path.is_dir():
            raise RunDirectoryError(
                f"--out {path}: a file of that name exists, and a run directory is a folder. Give another --out."
            )
        if path.is_dir() and any(path.iterdir()):
            if not overwrite:
                raise RunDirectoryError(
                    f"--out {path}: the folder exists and holds files of an earlier run. Give "
                    "--overwrite to replace them, --resume to continue that run, or another --out."
                )
            shutil.rmtree(path)
        fresh = not path.exists()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunDirectoryError(
                f"--out {path}: cannot create the run directory ({exc.strerror}). Give a folder you can write to."
            ) from None
        return cls._checked(path, fresh, needed)

    @classmethod
    def _checked(cls, path: Path, fresh: bool, needed: int = 0) -> RunDirectory:
        """The run directory at ``path`` once a file can be written there; a folder made for it goes if not."""
        run = cls(path)
        try:
            run.check_writable(needed)
        except RunDirectoryError:
            if fresh:
                shutil.rmtree(path, ignore_errors=True)  # leave no empty, half-made run directory behind
            raise
        return run

    @classmethod
    def open(cls, path: str | Path) -> RunDirectory:
        """An existing run directory (one with config.json); a clear error otherwise."""
        run = cls(path)
        if not run.path.is_dir():
            raise RunDirectoryError(
                f"{run.path}: no such run directory. Give the folder that a pinnsolve command "
                "wrote (it holds config.json)."
            )
        if not run.file(CONFIG_FILE).is_file():
            raise RunDirectoryError(
                f"{run.path}: there is no config.json, so this is not a run directory (or the "
                "run was stopped before it started). Give the folder that a pinnsolve command wrote."
            )
        return run

    def remove_if_only_config(self) -> bool:
        """Delete the run directory when nothing but config.json was written in it, and say whether it was.

        A run refused for bad input before any work (exit 2) leaves no empty run behind; one that wrote
        anything else (a checkpoint, a training draw, a dataset chunk) is kept for ``--resume``.
        """
        if any(p.is_file() and p.name != CONFIG_FILE for p in self.path.rglob("*")):
            return False
        shutil.rmtree(self.path)
        return True

    def check_writable(self, needed: int = 0) -> None:
        """Fail before any work starts when the folder cannot take a file (read-only, full disk), or
        its file system has less than ``needed`` bytes free (the run's estimated output)."""
        probe = self.path / ".pinnsolve-write-test"
        try:
            with open(probe, "wb") as f:
                f.write(b"\0" * 4096)
            probe.unlink()
        except OSError as exc:
            probe.unlink(missing_ok=True)
            raise RunDirectoryError(
                f"{self.path}: cannot write there ({exc.strerror}). Free some space or give another --out."
            ) from None
        self.require_space(needed)

    def require_space(self, needed: int) -> None:
        """Refuse a run whose files (about ``needed`` bytes) would not fit on the folder's file system."""
        if needed <= 0:
            return
        free = shutil.disk_usage(self.path).free
        if free < needed:
            raise RunDirectoryError(
                f"{self.path}: the run's files need about {format_bytes(needed)}, and only {format_bytes(free)} "
                "is free on that file system. Free some space there, or give --out on another disk "
                "(a smaller --grid also makes smaller files)."
            )

    def write_failed(self, exc: OSError) -> WriteFailed:
        """The error for a write that failed part-way through a run, naming the whole files kept."""
        kept = sorted(
            p.relative_to(self.path).as_posix()
            for p in self.path.rglob("*")
            if p.is_file() and ".tmp-" not in p.name and not p.name.startswith(".")
        )
        target = exc.filename or self.path
        again = (
            f"continue with: pinnsolve solve --resume {self.path}"
            if self.file(CHECKPOINT_FILE).is_file()
            else "run it again with --overwrite"
        )
        return WriteFailed(
            f"writing {target} failed ({exc.strerror or exc}). Every file already in {self.path} is whole "
            f"({', '.join(kept) or 'none'}); nothing half-written was left. Free some space there (or give "
            f"--out on another disk), then {again}."
        )

    # -- names ---------------------------------------------------------------------------------
    def file(self, name: str) -> Path:
        return self.path / name

    @property
    def plots(self) -> Path:
        return self.path / PLOTS_DIR

    # -- JSON records ------------------------------------------------------------------------
    def write_json(self, name: str, data: Mapping[str, Any]) -> Path:
        target = self.file(name)
        write_json(target, dict(data))
        return target

    def read_json(self, name: str) -> dict[str, Any]:
        target = self.file(name)
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RunDirectoryError(
                f"{target}: missing. The run directory is incomplete; rerun the command that wrote it."
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RunDirectoryError(
                f"{target}: not valid JSON ({exc}). The file is corrupt; rerun the command that wrote it."
            ) from None
        if not isinstance(data, dict):
            raise RunDirectoryError(f"{target}: expected a JSON object. The file is corrupt; rerun the command.")
        return data

    def write_config(
        self, settings: Mapping[str, Any], *, result_kind: str, problem_file: str | Path | None = None
    ) -> Path:
        """config.json: the resolved settings, the result kind and the provenance record."""
        return self.write_json(CONFIG_FILE, {**settings, "result": result_kind, "provenance": provenance(problem_file)})

    def read_config(self) -> dict[str, Any]:
        return self.read_json(CONFIG_FILE)

    @property
    def result_kind(self) -> str:
        """The kind of result this run wrote ("solution" for runs made before the kind was recorded)."""
        return str(self.read_config().get("result", "solution"))

    def write_metrics(self, metrics: Mapping[str, Any]) -> Path:
        return self.write_json(METRICS_FILE, metrics)

    def read_metrics(self) -> dict[str, Any]:
        return self.read_json(METRICS_FILE)

    # -- history -----------------------------------------------------------------------------
    def write_history(self, rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> Path:
        """history.csv from one mapping per logged step (missing cells stay empty)."""
        rows = list(rows)
        if columns is None:
            columns = list(dict.fromkeys(k for r in rows for k in r))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        target = self.file(HISTORY_FILE)
        write_text(target, buffer.getvalue())
        return target

    def read_history(self) -> dict[str, np.ndarray]:
        """history.csv as column arrays (see `read_history`); a corrupt file is a clear error."""
        return read_history(self.path)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


#: errno values of a write that failed for want of room or permission on the output's file system
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


@contextlib.contextmanager
def write_errors(run: RunDirectory) -> Iterator[None]:
    """A full disk (or quota, file-size limit, read-only remount) part-way through a run becomes a
    `WriteFailed` naming what was saved; every file in the run directory is whole (atomic writes)."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        raise run.write_failed(exc) from None


def make_run_dir(
    root_or_path: str | Path | None,
    problem: str,
    method: str,
    *,
    exact: bool = False,
    overwrite: bool = False,
    now: datetime | None = None,
) -> Path:
    """Create and return a fresh run directory under a root (``runs/`` by default).

    The run goes to ``<root>/<problem>-<method>-<YYYYmmdd-HHMMSS>``; when two runs start in the
    same second, a suffix ``-2``, ``-3``, ... keeps them apart. With ``exact=True``
    ``root_or_path`` is the run directory itself (``--out``), refused when it holds an earlier
    run's files unless ``overwrite``, as `RunDirectory.create` does: never a silent ``DIR-2``.
    """
    if exact:
        if root_or_path is None:
            raise ValueError("make_run_dir(exact=True) needs the run directory's path")
        return RunDirectory.create(root_or_path, problem, method, overwrite=overwrite).path
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
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                return {}
            header = [h.strip() for h in header]
            rows = [r for r in reader if r]
    except FileNotFoundError:
        raise RunDirectoryError(f"{path}: missing. The run directory is incomplete; rerun the command.") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RunDirectoryError(
            f"{path}: not a readable CSV file ({exc}). The file is corrupt; rerun the "
            "command, or delete it to start the history afresh."
        ) from None
    columns = {name: [r[i].strip() if i < len(r) else "" for r in rows] for i, name in enumerate(header)}
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
