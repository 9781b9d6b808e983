"""Pictures of a Solution and of a training history: matplotlib files, pyvista renders.

Headless throughout: matplotlib draws with Agg (never through pyplot), pyvista renders
off-screen (:mod:`pinnsolve.viz.render`, imported only when used: pyvista is optional).
"""

from __future__ import annotations

from pinnsolve.viz import labels_plots  # noqa: F401 - registers the Labels figure kinds
from pinnsolve.viz import samples_plots as _samples_plots  # noqa: F401,E402 - registers the Samples figures
from pinnsolve.viz import spectrum as _spectrum  # noqa: F401 - registers the Spectrum figure kinds
from pinnsolve.viz.collocation import COLLOCATION_FILE, load_collocation, save_collocation
from pinnsolve.viz.plots import (
    KINDS,
    applicable_kinds,
    plot_all,
    plot_error,
    plot_history,
    plot_solution,
)
from pinnsolve.viz.style import FORMATS, RC, styled
from pinnsolve.viz.tune_plots import plot_best_solution, plot_importances, plot_optimisation_history

__all__ = [
    "COLLOCATION_FILE",
    "FORMATS",
    "KINDS",
    "RC",
    "applicable_kinds",
    "load_collocation",
    "plot_all",
    "plot_best_solution",
    "plot_importances",
    "plot_optimisation_history",
    "plot_error",
    "plot_history",
    "plot_solution",
    "save_collocation",
    "styled",
]
