"""Result types: what solvers return, each able to save, load, measure and draw itself."""

from __future__ import annotations

from pinnsolve.results.base import PlotFunction, Result, load_result, plot_kinds, plots_for, register_plot, result_type
from pinnsolve.results.measure import relative_l2

__all__ = [
    "PlotFunction",
    "Result",
    "load_result",
    "plot_kinds",
    "plots_for",
    "register_plot",
    "relative_l2",
    "result_type",
]
