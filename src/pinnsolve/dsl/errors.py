"""The errors a user can cause, each with a message that says what to change."""

from __future__ import annotations

from pathlib import Path


class PinnsolveError(Exception):
    """An error caused by the user's input: printed as one paragraph, no traceback."""


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
