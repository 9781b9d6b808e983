"""Pictures of a Solution and of a training history: matplotlib files, pyvista renders.

Headless throughout: matplotlib draws with Agg (never through pyplot), pyvista renders
off-screen (:mod:`pinnsolve.viz.render`, imported only when used: pyvista is optional).
"""

from __future__ import annotations

from pinnsolve.viz import labels_plots  # noqa: F401 - registers the Labels figure kinds
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

__all__ = [
    "COLLOCATION_FILE",
    "FORMATS",
    "KINDS",
    "RC",
    "applicable_kinds",
    "load_collocation",
    "plot_all",
    "plot_error",
    "plot_history",
    "plot_solution",
    "save_collocation",
    "styled",
]
