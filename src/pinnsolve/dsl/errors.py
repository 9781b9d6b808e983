"""The errors a problem file can cause (re-exported from `pinnsolve.errors`, their one home)."""

from __future__ import annotations

from pinnsolve.errors import PinnsolveError, ProblemError, ProblemFileError

__all__ = ["PinnsolveError", "ProblemError", "ProblemFileError"]
