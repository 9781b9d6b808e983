"""The one look of every pinnsolve figure, set in one place.

Figures are made with :class:`matplotlib.figure.Figure` directly, never through pyplot:
no global figure registry to leak into, no window, nothing to close, and PNGs are drawn by
Agg whatever backend the user has selected (so importing pinnsolve.viz in a notebook does
not switch the notebook's backend).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from pinnsolve.io.atomic import atomic_write

__all__ = ["RC", "DPI", "FORMATS", "styled", "new_figure", "save_figure", "SEQUENTIAL", "DIVERGING"]

DPI = 120
SEQUENTIAL = "viridis"  # perceptually uniform, readable in grey
DIVERGING = "RdBu_r"  # errors: white at zero, red above, blue below
FORMATS = ("png", "pdf", "svg")  # what ``pinnsolve plot --format`` offers

RC: dict[str, Any] = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.constrained_layout.use": True,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "figure.titlesize": 13,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9,
    "legend.framealpha": 0.85,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linestyle": ":",
    "lines.linewidth": 1.8,
    "image.cmap": SEQUENTIAL,
    "mathtext.fontset": "cm",  # labels look like the equations in the report
    "axes.formatter.limits": (-3, 4),
}


@contextmanager
def styled() -> Iterator[None]:
    """Apply :data:`RC` for the figures made (and saved) inside the block."""
    with matplotlib.rc_context(RC):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` × ``height`` inches, with constrained layout (call inside styled)."""
    return Figure(figsize=(width, height))


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save ``fig`` atomically in the format its suffix names (PNG, PDF, SVG), and release it."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    if fmt not in FORMATS:
        raise ValueError(f"cannot save a figure as {path.name!r}; formats: {', '.join(FORMATS)}")
    with atomic_write(path) as tmp:
        fig.savefig(tmp, format=fmt)
    fig.clear()  # drop the artists now rather than at the next garbage collection
    return path
