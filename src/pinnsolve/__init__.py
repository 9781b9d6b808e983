"""pinnsolve: write an ODE or PDE once; solve it with neural and finite-difference methods.

Problem files import everything from here: coordinates, fields, operators, conditions,
domains, and the sympy functions (sin, exp, pi, ...).
"""

from __future__ import annotations

from sympy import (Abs, Eq, Rational, atan, cos, cosh, exp, log, pi, sign, sin, sinh, sqrt, tan, tanh)

from pinnsolve.dsl import (D, Data, Dirichlet, Field, Initial, Neumann, Parameter, Periodic, PinnsolveError, Problem,
                           ProblemError, ProblemFileError, Robin, Space, Time, Unknown, describe, div, grad,
                           laplacian, load_problem)
from pinnsolve.dsl.random import Exponential, LogNormal, Normal, Random, RandomField, SquaredExponential, Uniform
from pinnsolve.geometry import Box, Disk, Domain, Interval, Polygon, Rectangle

__version__ = "0.1.0"


def solve(problem: Problem, method: str = "pinn", **options: object) -> object:
    """Solve ``problem`` with a neural method; keyword options as in `pinnsolve.run.RunOptions`."""
    from pinnsolve.run import RunOptions, solve as run_solve

    out = options.pop("out", None)
    return run_solve(problem, RunOptions(method=method, **options), out=out)


__all__ = [
    "Abs", "Box", "D", "Data", "Dirichlet", "Disk", "Domain", "Eq", "Field", "Initial", "Interval", "Neumann",
    "Parameter", "Periodic", "PinnsolveError", "Polygon", "Problem", "ProblemError", "ProblemFileError",
    "Rational", "Rectangle", "Robin", "Space", "Time", "Unknown", "atan", "cos", "cosh", "describe", "div", "exp",
    "grad", "laplacian", "load_problem", "log", "pi", "sign", "sin", "sinh", "solve", "sqrt", "tan", "tanh",
    "Exponential", "LogNormal", "Normal", "Random", "RandomField", "SquaredExponential", "Uniform",
]
