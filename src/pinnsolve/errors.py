"""One error hierarchy: everything a user can cause, or a run can end with, is a `PinnsolveError`.

The CLI turns each into one paragraph on stderr and the exit status in ``exit_code``
(`pinnsolve.cli.main` is the only place that does so); library code raises and never exits.
"""

from __future__ import annotations

from pathlib import Path

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class PinnsolveError(Exception):
    """An error caused by the user's input: printed as one paragraph, no traceback."""

    exit_code: int = EXIT_BAD_INPUT


class ProblemError(PinnsolveError):
    """A problem definition that pinnsolve cannot accept.

    Raised by the problem-language constructors; the loader adds the file and line.
    """

    def __init__(self, what: str, fix: str = "") -> None:
        self.what = what
        self.fix = fix
        super().__init__(f"{what} {fix}".strip())


class ProblemFileError(PinnsolveError):
    """A problem file that could not be turned into a `Problem`, located in the file."""

    def __init__(self, path: str | Path, what: str, fix: str = "", line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.what = what
        self.fix = fix
        where = self.path if line is None else f"{self.path}, line {line}"
        super().__init__(f"{where}: {what} {fix}".strip())


class GeometryError(PinnsolveError):
    """A domain that cannot be built or sampled (degenerate range, unreadable mesh, ...)."""


class MethodNotApplicable(PinnsolveError):
    """The method cannot treat this problem; the message says why and what to use instead."""


class SettingsError(PinnsolveError):
    """A flag or settings value out of range, of the wrong type, or unknown to the method."""


class RunDirectoryError(PinnsolveError):
    """A run directory that is missing files, holds corrupt ones, or cannot be written."""


class WriteFailed(RunDirectoryError):
    """A write into the run directory failed part-way (full disk, quota, read-only); the files saved are whole."""

    exit_code = EXIT_FAILED


class TrainingDiverged(PinnsolveError):
    """The loss stayed non-finite after every rollback; the model holds the last good state."""

    exit_code = EXIT_FAILED


class RunFailed(PinnsolveError):
    """A run that finished but did not solve the problem (conditions violated, not finite, stalled)."""

    exit_code = EXIT_FAILED


class RunInterrupted(PinnsolveError):
    """Ctrl-C or SIGTERM: the checkpoint is saved and the message says how to continue."""

    exit_code = EXIT_INTERRUPTED


__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "GeometryError",
    "MethodNotApplicable",
    "PinnsolveError",
    "ProblemError",
    "ProblemFileError",
    "RunDirectoryError",
    "RunFailed",
    "RunInterrupted",
    "SettingsError",
    "TrainingDiverged",
    "WriteFailed",
]
