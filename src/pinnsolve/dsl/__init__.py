"""The problem language: coordinates, fields, operators, conditions, `Problem`, the loader."""

from __future__ import annotations

from pinnsolve.dsl.conditions import Condition, Data, Dirichlet, Initial, Neumann, Periodic, Robin
from pinnsolve.dsl.coords import Coordinate, Face, Space, Time
from pinnsolve.dsl.describe import describe, latex, readable
from pinnsolve.dsl.errors import PinnsolveError, ProblemError, ProblemFileError
from pinnsolve.dsl.loader import load_problem
from pinnsolve.dsl.operators import D, div, grad, laplacian
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.symbols import Field, Parameter, Unknown, field_name, is_field

__all__ = [
    "Condition",
    "Coordinate",
    "D",
    "Data",
    "Dirichlet",
    "Face",
    "Field",
    "Initial",
    "Neumann",
    "Parameter",
    "PinnsolveError",
    "Periodic",
    "Problem",
    "ProblemError",
    "ProblemFileError",
    "Robin",
    "Space",
    "Time",
    "Unknown",
    "describe",
    "div",
    "field_name",
    "grad",
    "is_field",
    "laplacian",
    "latex",
    "load_problem",
    "readable",
]
