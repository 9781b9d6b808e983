"""ODE systems, y(t): trajectories against time, errors, and phase portraits."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pinnsolve.solution import Solution
from pinnsolve.viz.labels import abs_error_label, tex, title
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_trajectories", "plot_trajectory_errors", "plot_phase"]

EXACT_STYLE = {"color": "black", "linestyle": "--", "linewidth": 1.2}


def plot_trajectories(s: Solution, path: Path) -> Path:
    """Each field against t, stacked with a shared time axis; exact dashed where known."""
    t = s.time_coord
    assert t is not None
    ts, names = s.axes[t], list(s.fields)
    with styled():
        fig = new_figure(7.5, 1.2 + 2.1 * len(names))
        axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
        for f, ax, color in zip(names, axes, _colors(len(names))):
            ax.plot(ts, s.broadcast(f), color=color, label=s.method)
            if f in s.exact:
                ax.plot(ts, s.broadcast(f, "exact"), label="exact", **EXACT_STYLE)
            ax.set_ylabel(tex(f))
        if s.exact:
            axes[0].legend(loc="best")
        axes[-1].set_xlabel(tex(t))
        fig.suptitle(title(s))
        return save_figure(fig, path)


def plot_trajectory_errors(s: Solution, path: Path) -> Path:
    """|y − y*| against t on a log scale, all fields in one panel (errors share a scale)."""
    t = s.time_coord
    assert t is not None
    ts = s.axes[t]
    names = [f for f in s.fields if f in s.exact]
    with styled():
        fig = new_figure(7.5, 4.0)
        ax = fig.subplots()
        for f, color in zip(names, _colors(len(s.fields))):
            e = np.abs(s.broadcast(f, "error"))
            ax.semilogy(ts, np.where(e > 0, e, np.nan), color=color, label=abs_error_label(f))
        ax.set_xlabel(tex(t))
        ax.set_ylabel("absolute error")
        ax.legend(loc="best")
        fig.suptitle(title(s, "pointwise error"))
        return save_figure(fig, path)


def plot_phase(s: Solution, path: Path) -> Path | None:
    """Phase plane for two fields, 3-D phase portrait for three; None for other counts.

    The trajectory is coloured by time (colour bar), so its direction reads at a glance;
    the exact trajectory, where known, is dashed black.
    """
    names = list(s.fields)
    if len(names) not in (2, 3):
        return None
    t = s.time_coord
    assert t is not None
    ts = np.asarray(s.axes[t], dtype=float)
    pred = [np.asarray(s.broadcast(f), dtype=float) for f in names]
    exact = [s.broadcast(f, "exact") for f in names] if all(f in s.exact for f in names) else None
    with styled():
        if len(names) == 2:
            from matplotlib.collections import LineCollection as Lines

            fig = new_figure(6.4, 5.0)
            ax = fig.subplots()
        else:
            from mpl_toolkits.mplot3d.art3d import Line3DCollection as Lines

            fig = new_figure(7.2, 6.0)
            ax = fig.add_subplot(projection="3d")
        points = np.column_stack(pred)
        segments = np.stack([points[:-1], points[1:]], axis=1)
        line = Lines(segments, cmap="plasma", linewidths=1.6)
        line.set_array(0.5 * (ts[:-1] + ts[1:]))
        ax.add_collection(line)
        ax.plot(*[[] for _ in names], color=line.cmap(0.5), label=s.method)  # legend entry
        if exact is not None:
            ax.plot(*exact, label="exact", **EXACT_STYLE)
        ax.plot(*[[p[0]] for p in pred], "o", color="tab:green", label="start", zorder=5)
        finite = points[np.all(np.isfinite(points), axis=1)]
        if len(finite):  # a collection does not update the data limits by itself
            lo, hi = finite.min(axis=0), finite.max(axis=0)
            pad = 0.05 * np.where(hi > lo, hi - lo, 1.0)
            limits = list(zip(lo - pad, hi + pad))
            ax.set_xlim(*limits[0])
            ax.set_ylim(*limits[1])
            if len(names) == 3:
                ax.set_zlim(*limits[2])
        ax.set_xlabel(tex(names[0]))
        ax.set_ylabel(tex(names[1]))
        if len(names) == 3:
            ax.set_zlabel(tex(names[2]))
        ax.legend(loc="upper left")
        fig.colorbar(line, ax=ax, shrink=0.7, pad=0.08).set_label(tex(t))
        fig.suptitle(title(s, "phase portrait"))
        return save_figure(fig, path)


def _colors(n: int) -> list[str]:
    return [f"C{i % 10}" for i in range(n)]
