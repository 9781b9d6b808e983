"""Collocation points of a run: where the loss was evaluated, adaptively added points marked.

A run directory may hold ``collocation.npz``: one ``(n, d)`` array per point set (named
``interior``, ``boundary``, ``initial``, ... — any names), columns in the problem's coordinate
order (space first, time last), and ``__coords__``, the coordinate names. Sets whose name
starts with ``added`` or ``adaptive`` are drawn as red crosses over the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from pinnsolve.io.collocation import ADDED_PREFIXES, COLLOCATION_FILE, load_collocation, save_collocation
from pinnsolve.viz.labels import tex
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["COLLOCATION_FILE", "save_collocation", "load_collocation", "plot_collocation"]

_ADDED = ADDED_PREFIXES
_COLORS = {"interior": "tab:blue", "boundary": "tab:orange", "initial": "tab:green"}


def plot_collocation(
    sets: Mapping[str, np.ndarray], coords: Sequence[str], path: Path, title: str, time_coord: str | None = None
) -> Path | None:
    """Scatter of every point set in the coordinates' own space; None when there are no points.

    One coordinate: one strip per set. Two: the plane (equal aspect unless one is time, which
    then runs upwards). Three: a 3-D scatter. More: the first two, say so in the title.
    """
    sets = {k: v for k, v in sets.items() if v.size}
    if not sets:
        return None
    coords = tuple(coords)
    d = len(coords)
    order = sorted(sets, key=lambda k: k.startswith(_ADDED))  # added ones drawn last, on top
    with styled():
        if d == 1:
            fig = new_figure(7.5, 1.4 + 0.55 * len(sets))
            ax = fig.subplots()
            for row, name in enumerate(order):
                v = sets[name][:, 0]
                ax.plot(v, np.full(len(v), row), "|", markersize=12, **_look(name, len(v)))
            ax.set_yticks(range(len(order)), [_label(k, sets[k]) for k in order])
            ax.set_ylim(-0.6, len(order) - 0.4)
            ax.set_xlabel(tex(coords[0]))
        elif d == 3:
            fig = new_figure(6.8, 6.2)
            ax = fig.add_subplot(projection="3d")
            for name in order:
                p = sets[name]
                ax.scatter(
                    p[:, 0], p[:, 1], p[:, 2], label=_label(name, p), depthshade=False, **_scatter_look(name, len(p))
                )
            ax.set_xlabel(tex(coords[0]))
            ax.set_ylabel(tex(coords[1]))
            ax.set_zlabel(tex(coords[2]))
            ax.legend(loc="upper left", markerscale=2)
        else:
            fig = new_figure(6.4, 5.6)
            ax = fig.subplots()
            cx, cy = _plane(coords, time_coord)
            for name in order:
                p = sets[name]
                ax.scatter(p[:, cx], p[:, cy], label=_label(name, p), **_scatter_look(name, len(p)))
            ax.set_xlabel(tex(coords[cx]))
            ax.set_ylabel(tex(coords[cy]))
            if time_coord not in (coords[cx], coords[cy]):
                ax.set_aspect("equal")
            ax.grid(False)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), markerscale=2)
            if d > 2:
                title += f"  (first of {d} coordinates shown)"
        fig.suptitle(title)
        return save_figure(fig, path)


def _plane(coords: tuple[str, ...], time_coord: str | None) -> tuple[int, int]:
    """Columns for the horizontal and vertical axes: time, if present, goes up."""
    if time_coord in coords[:2]:
        k = coords.index(time_coord)
        return 1 - k, k
    return 0, 1


def _label(name: str, points: np.ndarray) -> str:
    return f"{name.replace('_', ' ')} ({len(points)})"


def _color(name: str, k: int = 0) -> str:
    if name.startswith(_ADDED):
        return "tab:red"
    base = name.split("_")[0]
    return _COLORS.get(base, f"C{4 + k % 6}")


def _look(name: str, n: int) -> dict:
    return {"color": _color(name), "alpha": 1.0 if name.startswith(_ADDED) else 0.6}


def _scatter_look(name: str, n: int) -> dict:
    if name.startswith(_ADDED):
        return {"marker": "x", "s": 22, "color": "tab:red", "linewidths": 1.2, "zorder": 3}
    size = float(np.clip(3000.0 / max(n, 1), 2.0, 14.0))  # dense sets get small dots
    return {"marker": "o", "s": size, "color": _color(name), "alpha": 0.7, "linewidths": 0}
