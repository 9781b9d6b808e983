"""Kinds of problem a problem file may define, besides the PDE `Problem` of this package.

A package that brings its own problem type (``pinnsolve.quantum``'s `Schrodinger`) registers
it here with the function that describes it, so the loader accepts it and ``pinnsolve show``
prints it, without the problem language importing that package. Every problem carries a
``kind``: ``"pde"`` for a `Problem`, the registered kind otherwise, so a method can refuse a
kind it does not treat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["problem_kind", "problem_types", "register_problem_type"]

_TYPES: dict[type, tuple[str, Callable[[Any], str]]] = {}


def register_problem_type(cls: type, kind: str, describe: Callable[[Any], str]) -> None:
    """Accept instances of ``cls`` as a file's ``problem``; ``describe`` gives ``pinnsolve show`` its text."""
    _TYPES[cls] = (kind, describe)


def problem_types() -> dict[type, tuple[str, Callable[[Any], str]]]:
    """The registered problem classes with their kind and describe function."""
    return dict(_TYPES)


def problem_kind(problem: object) -> str:
    """``"pde"`` for a `Problem`, the registered kind for another problem type."""
    for cls, (kind, _) in _TYPES.items():
        if isinstance(problem, cls):
            return kind
    return getattr(problem, "kind", "pde")
