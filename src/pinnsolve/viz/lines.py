"""One space dimension: curves u(x), and space-time maps u(x, t) with profiles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pinnsolve.solution import Solution
from pinnsolve.viz.labels import abs_error_label, error_label, tex, title
from pinnsolve.viz.style import DIVERGING, SEQUENTIAL, new_figure, save_figure, styled
from pinnsolve.viz.views import time_indices

__all__ = ["plot_curves", "plot_curve_errors", "plot_spacetime", "plot_spacetime_errors", "plot_profiles"]

N_PROFILES = 4
EXACT_STYLE = {"color": "black", "linestyle": "--", "linewidth": 1.2}


def plot_curves(s: Solution, path: Path) -> Path:
    """u(x) for each field, the exact solution dashed where known."""
    (x,) = s.space_coords
    names = list(s.fields)
    with styled():
        fig = new_figure(4.6 * min(len(names), 3), 3.4 * int(np.ceil(len(names) / 3)))
        axes = fig.subplots(int(np.ceil(len(names) / 3)), min(len(names), 3), squeeze=False)
        for ax in axes.flat[len(names) :]:
            ax.set_axis_off()
        for f, ax in zip(names, axes.flat):
            ax.plot(s.axes[x], s.broadcast(f), label=s.method)
            if f in s.exact:
                ax.plot(s.axes[x], s.broadcast(f, "exact"), label="exact", **EXACT_STYLE)
                ax.legend()
            ax.set_xlabel(tex(x))
            ax.set_ylabel(tex(f))
        fig.suptitle(title(s))
        return save_figure(fig, path)


def plot_curve_errors(s: Solution, path: Path) -> Path:
    """Pointwise error u − u* against x, one panel per field with an exact solution."""
    (x,) = s.space_coords
    names = [f for f in s.fields if f in s.exact]
    with styled():
        fig = new_figure(4.6 * len(names), 3.4)
        axes = fig.subplots(1, len(names), squeeze=False)[0]
        for f, ax in zip(names, axes):
            ax.plot(s.axes[x], s.broadcast(f, "error"), color="tab:red")
            ax.axhline(0.0, color="black", linewidth=0.8)
            ax.set_xlabel(tex(x))
            ax.set_ylabel(error_label(f))
        fig.suptitle(title(s, "pointwise error"))
        return save_figure(fig, path)


def plot_spacetime(s: Solution, path: Path, times: list[float] | None = None) -> Path:
    """Per field: the space-time map (x across, t upwards) and profiles at a few times.

    ``times`` picks the profiles (the nearest sampled times); by default four, evenly spread.
    """
    x, t = s.space_coords[0], s.time_coord
    assert t is not None
    xs, ts = s.axes[x], s.axes[t]
    picks = time_indices(s, times, N_PROFILES)
    names = list(s.fields)
    with styled():
        fig = new_figure(10.5, 3.9 * len(names) + 0.4)
        axes = fig.subplots(len(names), 2, squeeze=False, width_ratios=[1.15, 1])
        for f, (ax_map, ax_prof) in zip(names, axes):
            u = s.broadcast(f)  # (nx, nt)
            _spacetime_map(fig, ax_map, xs, ts, u, SEQUENTIAL, tex(f), x, t)
            ax_map.set_title(f"{tex(f)}, {s.method}")
            colors = [_cmap_color(i, len(picks)) for i in range(len(picks))]
            for k, c in zip(picks, colors):
                ax_map.axhline(ts[k], color="white", linewidth=0.8, linestyle=":")
                ax_prof.plot(xs, u[:, k], color=c, linewidth=2.4, alpha=0.85, label=f"{tex(t)} = {ts[k]:.3g}")
                if f in s.exact:  # thin black dashes on top stay visible where curves agree
                    ax_prof.plot(xs, s.broadcast(f, "exact")[:, k], **EXACT_STYLE)
            if f in s.exact:
                ax_prof.plot([], [], label="exact", **EXACT_STYLE)
            ax_prof.legend(loc="best")
            ax_prof.set_xlabel(tex(x))
            ax_prof.set_ylabel(tex(f))
            ax_prof.set_title("profiles")
        fig.suptitle(title(s))
        return save_figure(fig, path)


def plot_profiles(s: Solution, path: Path, times: list[float] | None = None) -> Path:
    """Per field: u(x) at the chosen times against the exact solution, and their errors.

    One row per field: the profiles (solid, coloured early-dark to late-light) with the exact
    solution dashed on top, and beside them the pointwise error u − u* at the same times.
    """
    x, t = s.space_coords[0], s.time_coord
    assert t is not None
    xs, ts = s.axes[x], s.axes[t]
    picks = time_indices(s, times, N_PROFILES + 1)
    colors = [_cmap_color(i, len(picks)) for i in range(len(picks))]
    names = list(s.fields)
    ncols = 2 if any(f in s.exact for f in names) else 1
    with styled():
        fig = new_figure(5.4 * ncols, 3.6 * len(names) + 0.5)
        axes = fig.subplots(len(names), ncols, squeeze=False)
        for f, row in zip(names, axes):
            u = s.broadcast(f)
            for k, c in zip(picks, colors):
                row[0].plot(xs, u[:, k], color=c, linewidth=2.4, alpha=0.85, label=f"{tex(t)} = {ts[k]:.3g}")
                if f in s.exact:
                    row[0].plot(xs, s.broadcast(f, "exact")[:, k], **EXACT_STYLE)
            if f in s.exact:
                row[0].plot([], [], label="exact", **EXACT_STYLE)
            row[0].legend(loc="best")
            row[0].set_xlabel(tex(x))
            row[0].set_ylabel(tex(f))
            row[0].set_title(f"{tex(f)}: {s.method} and exact" if f in s.exact else tex(f))
            if ncols == 1:
                continue
            if f not in s.exact:
                row[1].set_axis_off()
                continue
            e = s.broadcast(f, "error")
            for k, c in zip(picks, colors):
                row[1].plot(xs, e[:, k], color=c, linewidth=1.6, label=f"{tex(t)} = {ts[k]:.3g}")
            row[1].axhline(0.0, color="black", linewidth=0.8)
            row[1].set_xlabel(tex(x))
            row[1].set_ylabel(error_label(f))
            row[1].set_title("pointwise error")
        fig.suptitle(title(s, "profiles"))
        return save_figure(fig, path)


def plot_spacetime_errors(s: Solution, path: Path) -> Path:
    """Per field: the signed error map over (x, t), and max over x of |u − u*| against t."""
    x, t = s.space_coords[0], s.time_coord
    assert t is not None
    xs, ts = s.axes[x], s.axes[t]
    names = [f for f in s.fields if f in s.exact]
    with styled():
        fig = new_figure(10.5, 3.9 * len(names) + 0.4)
        axes = fig.subplots(len(names), 2, squeeze=False, width_ratios=[1.15, 1])
        for f, (ax_map, ax_t) in zip(names, axes):
            e = s.broadcast(f, "error")
            _spacetime_map(fig, ax_map, xs, ts, e, DIVERGING, error_label(f), x, t, symmetric=True)
            ax_map.set_title("pointwise error")
            sup = np.nanmax(np.abs(e), axis=0)
            ax_t.semilogy(ts, np.where(sup > 0, sup, np.nan), color="tab:red")
            ax_t.set_xlabel(tex(t))
            ax_t.set_ylabel(abs_error_label(f, over=x))
            ax_t.set_title("error growth in time")
        fig.suptitle(title(s, "pointwise error"))
        return save_figure(fig, path)


def _spacetime_map(
    fig: Figure,
    ax: Axes,
    xs: np.ndarray,
    ts: np.ndarray,
    values: np.ndarray,
    cmap: str,
    label: str,
    x: str,
    t: str,
    symmetric: bool = False,
) -> None:
    """Values (nx, nt) as a map with x across and t upwards, and its colour bar."""
    if symmetric:
        m = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
        vmin, vmax = -(m or 1e-16), (m or 1e-16)
    else:
        vmin, vmax = np.nanmin(values), np.nanmax(values)
    # x across, t upwards: the transpose puts time on the vertical axis.
    # Gouraud shading interpolates between samples instead of painting coarse blocks.
    art = ax.pcolormesh(
        xs, ts, np.asarray(values).T, shading="gouraud", cmap=cmap, vmin=vmin, vmax=vmax, rasterized=True
    )
    ax.grid(False)
    ax.set_xlabel(tex(x))
    ax.set_ylabel(tex(t))
    fig.colorbar(art, ax=ax).set_label(label)


def _cmap_color(i: int, n: int) -> tuple[float, float, float, float]:
    """Profile colours ordered in time: early dark, late light."""
    from matplotlib import colormaps

    return colormaps["plasma"](0.1 + 0.75 * i / max(n - 1, 1))
