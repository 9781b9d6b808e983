"""pinnsolve: write an ODE or PDE once; solve it with neural and finite-difference methods.

Problem files import everything from here: coordinates, fields, operators, conditions,
domains, and the sympy functions (sin, exp, pi, ...). Notebooks use the same calls as the CLI:
``load_problem``, ``solve(problem, method=..., **settings)``, ``reference``, ``validate`` and
``load_result(run_dir)``.
"""

from __future__ import annotations

from sympy import Abs, Eq, Rational, atan, cos, cosh, exp, log, pi, sign, sin, sinh, sqrt, tan, tanh

from pinnsolve._version import __version__ as __version__  # noqa: E402
from pinnsolve.dsl import (
    Condition,
    D,
    Data,
    Dirichlet,
    Field,
    Initial,
    Neumann,
    Parameter,
    Periodic,
    PinnsolveError,
    Problem,
    ProblemError,
    ProblemFileError,
    Robin,
    Space,
    Time,
    Unknown,
    describe,
    div,
    grad,
    laplacian,
    load_problem,
)
from pinnsolve.dsl.random import Exponential, LogNormal, Normal, Random, RandomField, SquaredExponential, Uniform
from pinnsolve.geometry import (
    Box,
    Difference,
    Disk,
    Domain,
    Intersection,
    Interval,
    MeshDomain,
    Polygon,
    Rectangle,
    Union,
)


def solve(problem: Problem | str, method: str = "pinn", **settings: object) -> object:
    """Solve ``problem`` with ``method``; see `pinnsolve.api.solve` (keywords as ``pinnsolve solve --help``)."""
    from pinnsolve.api import solve as api_solve

    return api_solve(problem, method, **settings)


def reference(problem: Problem | str, **settings: object) -> object:
    """The finite-difference solution; see `pinnsolve.api.reference`."""
    from pinnsolve.api import reference as api_reference

    return api_reference(problem, **settings)


def validate(problem: Problem | str, methods: object = ("pinn", "trial", "fd"), **settings: object) -> object:
    """Several methods side by side, with reports; see `pinnsolve.api.validate`."""
    from pinnsolve.api import validate as api_validate

    return api_validate(problem, methods, **settings)


def load_result(run_dir: str) -> object:
    """The result of any run directory, read back; see `pinnsolve.api.load_result`."""
    from pinnsolve.api import load_result as api_load_result

    return api_load_result(run_dir)


__all__ = [
    "Abs",
    "Box",
    "Condition",
    "D",
    "Difference",
    "Data",
    "Dirichlet",
    "Disk",
    "Domain",
    "Eq",
    "Field",
    "Initial",
    "Intersection",
    "Interval",
    "MeshDomain",
    "Neumann",
    "Parameter",
    "Periodic",
    "PinnsolveError",
    "Polygon",
    "Problem",
    "ProblemError",
    "ProblemFileError",
    "Rational",
    "Rectangle",
    "Robin",
    "Space",
    "Time",
    "Union",
    "Unknown",
    "atan",
    "cos",
    "cosh",
    "describe",
    "div",
    "exp",
    "grad",
    "laplacian",
    "load_problem",
    "load_result",
    "log",
    "pi",
    "reference",
    "sign",
    "sin",
    "sinh",
    "solve",
    "sqrt",
    "tan",
    "tanh",
    "validate",
    "Exponential",
    "LogNormal",
    "Normal",
    "Random",
    "RandomField",
    "SquaredExponential",
    "Uniform",
]
