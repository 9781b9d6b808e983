"""Finite-difference and ODE reference solvers, built from the same symbolic Problem.

``solve_reference(problem, grid, scheme, dt) -> (Solution, stats)`` discretises the problem's
own equations and conditions (no hand-written scheme per problem); ``run_reference`` writes
a run directory; ``convergence_study`` measures the observed order; ``load_reference`` reads
reference data from an ``.npz`` file onto a grid.
"""

from __future__ import annotations

import importlib
import sys
import types

from pinnsolve.reference.convergence import (
    convergence_study,
    format_table,
    write_convergence,
)
from pinnsolve.reference.data import load_reference
from pinnsolve.reference.snapshots import (
    Trajectory,
    TrajectorySets,
    horizon_index,
    parse_vary,
    reference_sizes,
    trajectories,
    trajectory_sets,
)
from pinnsolve.reference.solve import (
    SCHEMES,
    require_box,
    run_reference,
    solve_reference,
)

__all__ = [
    "SCHEMES",
    "TorchSystem",
    "Trajectory",
    "TrajectorySets",
    "convergence_study",
    "format_table",
    "horizon_index",
    "load_reference",
    "parse_vary",
    "reference_sizes",
    "require_box",
    "run_reference",
    "solve_reference",
    "trajectories",
    "trajectory_sets",
    "write_convergence",
]


def __getattr__(name: str) -> object:
    """`TorchSystem` (the discretised equations in torch, for the surrogates' physics terms) imports torch:
    loaded on first use, so the finite-difference solvers start without it."""
    if name == "TorchSystem":
        from pinnsolve.reference.torch_system import TorchSystem

        return TorchSystem
    raise AttributeError(f"module 'pinnsolve.reference' has no attribute '{name}'")


class _CallablePackage(types.ModuleType):
    """Importing this package makes it the attribute ``pinnsolve.reference``, where the Python API's function
    of that name stood: the package is callable, so ``pinnsolve.reference(problem, ...)`` calls
    `pinnsolve.api.reference` (looked up by name: the API sits above this layer)."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        return importlib.import_module("pinnsolve.api").reference(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
