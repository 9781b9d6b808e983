"""Validation: run several methods on a problem, measure their errors, write reports; suites.

``validate_problem`` runs one problem and writes report.html / report.md into one run
directory; ``validate_suite`` runs every case of ``validation/suite.toml``, writes
``validation/REPORT.md`` and returns the exit status (non-zero when a threshold is missed).
"""

from __future__ import annotations

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
