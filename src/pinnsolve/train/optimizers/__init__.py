"""The optimizers a training chain is made of, registered by name (``--optimizer adam:2000,lbfgs:1000``)."""

from __future__ import annotations

# importing each module registers its optimizers
from pinnsolve.train.optimizers import evolution, first_order, gauss_newton, lbfgs, quasi_newton  # noqa: F401
from pinnsolve.train.optimizers.base import OPTIMIZERS, Stage, StepResult, Task

__all__ = ["OPTIMIZERS", "Stage", "StepResult", "Task"]
