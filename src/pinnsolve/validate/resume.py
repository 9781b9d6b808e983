"""Resuming a validation suite: which cases an earlier run finished, recorded in ``suite.json``.

The suite's run directory holds ``suite.json``::

    {"suite": "/abs/validation/suite.toml", "quick": true,
     "finished": {"heat1d": {"wall_time_s": 12.3}, ...}}

written atomically when the run starts and after each case ends (its validation.json and reports
written). ``pinnsolve validate --suite FILE --resume DIR`` reads it back: a finished case is not
rerun (its outcomes are read from its validation.json), and a case that was stopped part-way is
run again in its own folder, each trained method continuing from its checkpoint.pt.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pinnsolve.errors import RunDirectoryError
from pinnsolve.io import write_json
from pinnsolve.validate.outcome import ValidationResult

__all__ = ["STATE_FILE", "SuiteState"]

STATE_FILE = "suite.json"


class SuiteState:
    """The record of one suite run: the suite file, quick or full, and the cases finished so far."""

    def __init__(self, run_root: Path, suite: Path, quick: bool, finished: dict[str, dict[str, Any]] | None = None):
        self.run_root = Path(run_root)
        self.suite = Path(suite).resolve()
        self.quick = quick
        self.finished: dict[str, dict[str, Any]] = dict(finished or {})

    @property
    def path(self) -> Path:
        return self.run_root / STATE_FILE

    def save(self) -> None:
        write_json(self.path, {"suite": str(self.suite), "quick": self.quick, "finished": self.finished})

    @classmethod
    def open(cls, run_root: str | Path) -> SuiteState:
        """The state of the suite run in ``run_root``; a clear error if there is none to resume."""
        run_root = Path(run_root)
        path = run_root / STATE_FILE
        if not run_root.is_dir():
            raise RunDirectoryError(
                f"--resume {run_root}: no such folder. Give the run directory of the suite run to "
                "continue (its --out), or start the suite afresh without --resume."
            )
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            state = cls(run_root, Path(raw["suite"]), bool(raw["quick"]), dict(raw.get("finished") or {}))
        except FileNotFoundError:
            raise RunDirectoryError(
                f"--resume {run_root}: there is no {STATE_FILE}, so this is not the run directory of a "
                "validation suite. Give the folder a `pinnsolve validate --suite` run wrote, or use "
                "--overwrite to start afresh there."
            ) from None
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise RunDirectoryError(
                f"{path} is corrupt ({type(exc).__name__}: {exc}), so it is not known which cases "
                "finished. Start the suite again with --overwrite."
            ) from None
        return state

    def check(self, suite: Path, quick: bool) -> None:
        """Refuse to continue a run of another suite file, or a quick run as a full one (or back)."""
        if Path(suite).resolve() != self.suite:
            raise RunDirectoryError(
                f"--resume {self.run_root}: that folder holds a run of the suite {self.suite}, not of "
                f"{Path(suite).resolve()}. Give --suite {self.suite}, or another --out for a new run."
            )
        if quick != self.quick:
            was = "with" if self.quick else "without"
            raise RunDirectoryError(
                f"--resume {self.run_root}: that suite run was started {was} --quick; resume it the same "
                f"way ({'add' if self.quick else 'drop'} --quick)."
            )

    def finished_result(self, name: str) -> ValidationResult | None:
        """The recorded result of a case this run finished, or None when it has to run (again)."""
        record = self.run_root / name / "validation.json"
        if name not in self.finished or not record.is_file():
            return None
        try:
            return ValidationResult.from_dict(json.loads(record.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return None  # damaged: the case runs again

    def mark_finished(self, name: str, wall_time_s: float) -> None:
        self.finished[name] = {"wall_time_s": wall_time_s}
        self.save()

    def total_time(self, names: list[str]) -> float:
        """Seconds the named cases took, summed over the runs that finished them."""
        return sum(float(self.finished.get(n, {}).get("wall_time_s", 0.0)) for n in names)
