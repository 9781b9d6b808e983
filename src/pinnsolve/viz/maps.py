"""Two-dimensional fields: filled contours on grids, Gouraud-shaded triangles on meshes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pinnsolve.solution import Solution
from pinnsolve.viz.labels import error_label, tex, title
from pinnsolve.viz.style import DIVERGING, SEQUENTIAL, new_figure, save_figure, styled
from pinnsolve.viz.views import time_indices

__all__ = ["plot_maps", "plot_error_maps"]

N_LEVELS = 61  # nice steps give between ~25 and 60 bands
N_SNAPSHOTS = 3


def plot_maps(s: Solution, path: Path, note: str = "", times: list[float] | None = None) -> Path:
    """exact | predicted | error panels per field (and per snapshot time), equal aspect.

    ``times`` chooses the snapshots of a time-dependent solution (nearest sampled times);
    by default three, from the first to the last.
    """
    with_exact = any(f in s.exact for f in s.fields)
    rows = [(f, k) for f in s.fields for k in _times(s, times)]
    ncols = 3 if with_exact else 1
    with styled():
        fig = _figure(s, len(rows), ncols)
        axes = _grid(fig, len(rows), ncols)
        # One error scale per field over all snapshots: a round-off-level error at t = 0
        # must look like zero, not like noise blown up to full colour.
        err_levels = {f: _symmetric_levels(*(_values(s, f, "error", k) for k in _times(s, times))) for f in s.exact}
        for (f, k), row in zip(rows, axes):
            when = _when(s, k)
            pred = _values(s, f, "predicted", k)
            if f not in s.exact:
                _panel(fig, row[0], s, pred, _levels(pred), SEQUENTIAL, tex(f), f"{when}predicted")
                for ax in row[1:]:
                    ax.set_axis_off()
                continue
            exact = _values(s, f, "exact", k)
            levels = _levels(pred, exact)  # one scale, so the two maps compare by eye
            _panel(fig, row[0], s, exact, levels, SEQUENTIAL, None, f"{when}exact")
            _panel(fig, row[1], s, pred, levels, SEQUENTIAL, tex(f), f"{when}{s.method}")
            err = pred - exact
            _panel(fig, row[2], s, err, err_levels[f], DIVERGING, error_label(f), f"{when}error")
        _outer_labels_only(axes)
        fig.suptitle(_with_note(title(s), note))
        return save_figure(fig, path)


def plot_error_maps(s: Solution, path: Path, note: str = "", times: list[float] | None = None) -> Path:
    """Signed error maps: one row per field with an exact solution, one column per time."""
    names = [f for f in s.fields if f in s.exact]
    times = _times(s, times)
    with styled():
        fig = _figure(s, len(names), len(times))
        axes = _grid(fig, len(names), len(times))
        for f, row in zip(names, axes):
            errs = [_values(s, f, "error", k) for k in times]
            levels = _symmetric_levels(*errs)  # one scale along the row: errors compare in time
            for k, err, ax in zip(times, errs, row):
                _panel(fig, ax, s, err, levels, DIVERGING, error_label(f), _when(s, k).rstrip(", ") or "error")
        _outer_labels_only(axes)
        fig.suptitle(_with_note(title(s, "pointwise error"), note))
        return save_figure(fig, path)


# -- pieces ----------------------------------------------------------------------------------


def _times(s: Solution, times: list[float] | None = None) -> list[int | None]:
    t = s.time_coord
    if t is None or t not in s.axes:
        return [None]
    return list(time_indices(s, times, N_SNAPSHOTS))


def _when(s: Solution, k: int | None) -> str:
    if k is None:
        return ""
    assert s.time_coord is not None
    return f"{tex(s.time_coord)} = {s.axes[s.time_coord][k]:.3g}, "


def _values(s: Solution, f: str, which: str, k: int | None) -> np.ndarray:
    """Values over the 2-D space (grid (nx, ny) or points (N,)) at time index ``k``."""
    full = s.broadcast(f, which)
    if k is None:
        return np.asarray(full, dtype=float)
    t_dim = list(s.axes).index(s.time_coord) + (0 if s.is_grid else 1)
    return np.take(full, k, axis=t_dim).astype(float)


def _extent(s: Solution) -> tuple[np.ndarray, np.ndarray]:
    """The two spatial coordinate arrays: grid axes, or point columns."""
    cx, cy = s.space_coords[:2]
    if s.is_grid:
        return s.axes[cx], s.axes[cy]
    assert s.points is not None
    return s.points[:, s.point_coords.index(cx)], s.points[:, s.point_coords.index(cy)]


def _figure(s: Solution, nrows: int, ncols: int) -> Figure:
    x, y = _extent(s)
    aspect = float(np.ptp(y) / np.ptp(x)) if np.ptp(x) > 0 else 1.0
    # Size each panel for the domain's own shape, so the equal aspect leaves no big gaps:
    # width = map + tick labels + colour bar, height = map + title + axis label.
    map_w = 2.9
    map_h = float(np.clip(map_w * aspect, 1.2, 4.5))
    return new_figure(ncols * (map_w + 1.5), nrows * (map_h + 0.85) + 0.5)


def _grid(fig: Figure, nrows: int, ncols: int) -> np.ndarray:
    """Panels over one domain, sharing their axes."""
    return fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)


def _outer_labels_only(axes: np.ndarray) -> None:
    """Axis labels and tick labels on the left column and bottom row only (less clutter)."""
    for ax in axes.flat:
        ax.label_outer()


def _finite_range(*arrays: np.ndarray) -> tuple[float, float]:
    vals = np.concatenate([np.ravel(a) for a in arrays])
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return 0.0, 1.0
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo <= 1e-14 * max(1.0, abs(hi)):  # a constant field still needs a colour scale
        pad = 1e-3 * max(1.0, abs(hi))
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _levels(*arrays: np.ndarray) -> np.ndarray:
    """Round-numbered contour levels spanning the data, so colour-bar ticks read cleanly."""
    lo, hi = _finite_range(*arrays)
    levels = MaxNLocator(N_LEVELS - 1, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    levels[0], levels[-1] = min(levels[0], lo), max(levels[-1], hi)  # rounding must not clip
    return levels


def _symmetric_levels(*errors: np.ndarray) -> np.ndarray:
    """Levels symmetric about zero, so that zero error is white."""
    finite = np.abs(np.concatenate([np.ravel(e) for e in errors]))
    finite = finite[np.isfinite(finite)]
    m = float(finite.max()) if finite.size else 0.0
    m = m if m > 0 else 1e-16  # an exact answer: white, with a readable scale
    return MaxNLocator(N_LEVELS - 1, symmetric=True, steps=[1, 2, 2.5, 5, 10]).tick_values(-m, m)


def _panel(
    fig: Figure,
    ax: Axes,
    s: Solution,
    values: np.ndarray,
    levels: np.ndarray,
    cmap: str,
    label: str | None,
    heading: str,
) -> None:
    """Draw one field over the 2-D domain, with its colour bar unless ``label`` is None.

    (The exact panel shares the predicted panel's scale and colour bar.)
    """
    x, y = _extent(s)
    lo, hi = float(levels[0]), float(levels[-1])
    if s.is_grid:
        X, Y = np.meshgrid(x, y, indexing="ij")
        art = ax.contourf(X, Y, values, levels=levels, cmap=cmap)
    elif s.triangles is not None:
        art = ax.tripcolor(x, y, s.triangles, values, shading="gouraud", cmap=cmap, vmin=lo, vmax=hi)
    else:  # no triangulation given: a Delaunay one would fill holes and concave notches
        art = ax.scatter(x, y, c=values, s=10, cmap=cmap, vmin=lo, vmax=hi, linewidths=0)
    if s.triangles is not None:
        _outline(ax, x, y, s.triangles)
    cx, cy = s.space_coords[:2]
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel(tex(cx))
    ax.set_ylabel(tex(cy))
    ax.set_title(heading)
    # An inset colour bar follows the axes box after the equal aspect has shrunk it, so
    # it is exactly as tall as the map (a gridspec colour bar keeps the unshrunk height).
    if label is not None:
        cax = ax.inset_axes([1.04, 0.0, 0.05, 1.0])
        fig.colorbar(art, cax=cax).set_label(label)


def _outline(ax: Axes, x: np.ndarray, y: np.ndarray, triangles: np.ndarray) -> None:
    """The domain's outline: the edges that belong to one triangle only (holes included)."""
    from matplotlib.collections import LineCollection

    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]), axis=1)
    unique, counts = np.unique(edges, axis=0, return_counts=True)
    rim = unique[counts == 1]
    segments = np.stack([np.column_stack([x[rim[:, k]], y[rim[:, k]]]) for k in (0, 1)], axis=1)
    ax.add_collection(LineCollection(segments, colors="black", linewidths=0.9))


def _with_note(text: str, note: str) -> str:
    return f"{text}  ({note})" if note else text
