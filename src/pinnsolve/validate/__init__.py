"""Validation: run several methods on a problem, measure their errors, write reports; suites.

``validate_problem`` runs one problem and writes report.html / report.md into one run
directory; ``validate_suite`` runs every case of ``validation/suite.toml``, writes
``validation/REPORT.md`` and returns the exit status (non-zero when a threshold is missed).
"""

from __future__ import annotations

import importlib
import sys
import types

from pinnsolve.validate.compare import against_reference
from pinnsolve.validate.outcome import MethodOutcome, ValidationResult
from pinnsolve.validate.runner import DEFAULT_METHODS, parse_methods, validate_problem
from pinnsolve.validate.suite import Case, load_suite, validate_suite

__all__ = [
    "DEFAULT_METHODS",
    "Case",
    "MethodOutcome",
    "ValidationResult",
    "against_reference",
    "load_suite",
    "parse_methods",
    "validate_problem",
    "validate_suite",
]


class _CallablePackage(types.ModuleType):
    """Importing this package makes it the attribute ``pinnsolve.validate``, where the Python API's function
    of that name stood: the package is callable, so ``pinnsolve.validate(problem, ...)`` calls
    `pinnsolve.api.validate` (looked up by name: the API sits above this layer)."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        return importlib.import_module("pinnsolve.api").validate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
