"""Figures that put the methods side by side: solutions over the exact (or reference)
solution, and each method's pointwise error on one log scale."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np

from pinnsolve.solution import Solution
from pinnsolve.viz.labels import tex
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_comparison"]

_COLORS = {"pinn": "#1f77b4", "trial": "#d62728", "fd": "#2ca02c"}
_EXACT = {"color": "black", "linestyle": "--", "linewidth": 1.1}


def _color(method: str, k: int) -> str:
    return _COLORS.get(method, f"C{k + 3}")


def _floor(ax: object) -> None:
    """Keep a log axis within nine decades of its top: an error of 1e-16 where an initial
    condition holds exactly would otherwise squash every other curve."""
    lo, hi = ax.get_ylim()  # type: ignore[attr-defined]
    if hi > 0 and lo < hi * 1e-9:
        ax.set_ylim(hi * 1e-9, hi)  # type: ignore[attr-defined]


def plot_comparison(solutions: dict[str, Solution], against: str, path: Path) -> Path | None:
    """One figure comparing every method's solution with ``against`` ("exact" or "FD reference").

    Each solution must carry the values it is compared with in ``exact``. ODEs and 1-D steady
    problems: curves over the comparison solution (top) and |error| on a log scale (bottom),
    one column per field. 1-D in space and time: profiles at the final time (top) and the
    maximum error over x against t (bottom). 2-D: |error| maps on one log colour scale.
    Returns None when no solution can be compared.
    """
    solutions = {m: s for m, s in solutions.items() if s.exact}
    if not solutions:
        return None
    first = next(iter(solutions.values()))
    space = first.space_coords
    if len(space) <= 1:
        return _curves(solutions, against, path)
    if len(space) == 2 and first.is_steady:
        return _maps(solutions, against, path)
    return None


def _profile(s: Solution, f: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(abscissa, predicted, compared, label) of a 1-D steady field or an ODE trajectory."""
    (c,) = s.field_coords[f] or (s.time_coord,)
    if not s.is_grid:
        order = np.argsort(s.points[:, 0])
        return s.points[order, 0], s.fields[f][order], s.exact[f][order], tex(c)
    return s.axes[c], s.fields[f], s.exact[f], tex(c)


def _slice_times(s: Solution, f: str, n: int = 3) -> list[int]:
    """Indices of ``n`` times worth looking at: the end of each n-th of (t0, T], unless the
    compared solution has decayed there below a quarter of its size within that n-th; then
    where it is largest (so a decaying or oscillating solution is not shown where it is ~0)."""
    t = s.axes[s.time_coord]
    amp = np.abs(s.broadcast(f, "exact")).reshape(-1, len(t)).max(axis=0)
    edges = np.linspace(t[0], t[-1], n + 1)
    picks = []
    for lo, hi in pairwise(edges):
        inside = np.flatnonzero((t > lo) & (t <= hi + 1e-12 * (t[-1] - t[0])))
        if inside.size:
            last, best = int(inside[-1]), int(inside[np.argmax(amp[inside])])
            picks.append(last if amp[last] >= 0.25 * amp[best] else best)
    return picks


def _x_name(s: Solution, f: str) -> str:
    return next(c for c in s.field_coords[f] if c != s.time_coord)


def _curves(solutions: dict[str, Solution], against: str, path: Path) -> Path:
    first = next(iter(solutions.values()))
    names = [f for f in first.fields if all(f in s.exact for s in solutions.values())]
    if not (first.is_ode or first.is_steady):
        return _space_time(solutions, names, against, path)
    with styled():
        fig = new_figure(min(4.6 * len(names) + 1.2, 14), 6.4)
        axes = fig.subplots(2, len(names), squeeze=False)
        for j, f in enumerate(names):
            top, bottom = axes[0, j], axes[1, j]
            for k, (m, s) in enumerate(solutions.items()):
                x, pred, ref, xlabel = _profile(s, f)
                top.plot(x, pred, color=_color(m, k), label=m, alpha=0.85)
                err = np.abs(pred - ref)
                bottom.semilogy(x, np.where(err > 0, err, np.nan), color=_color(m, k), label=m)
            x, _, ref, xlabel = _profile(first, f)
            top.plot(x, ref, label=against, **_EXACT)
            top.set_title(tex(f))
            top.set_xlabel(xlabel)
            bottom.set_xlabel(xlabel)
            bottom.set_ylabel(f"|{tex(f)} − {against}|")
            _floor(bottom)
            top.legend(loc="best")
        fig.suptitle(f"{first.problem}: methods against the {against}")
        return save_figure(fig, path)


def _space_time(solutions: dict[str, Solution], names: list[str], against: str, path: Path) -> Path:
    """Per field: profiles at three times (top) and max over x of |error| against t (bottom)."""
    first = next(iter(solutions.values()))
    t_name = first.time_coord
    with styled():
        fig = new_figure(13, 6.6 * len(names))
        rows = []
        for f in names:
            rows += [[f"{f}{i}" for i in range(3)], [f"{f}err"] * 3]
        axes = fig.subplot_mosaic(rows)
        for f in names:
            x_name = _x_name(first, f)
            for i, kt in enumerate(_slice_times(first, f)):
                ax = axes[f"{f}{i}"]
                t_value = first.axes[t_name][kt]
                for k, (m, s) in enumerate(solutions.items()):
                    ks = int(np.argmin(np.abs(s.axes[t_name] - t_value)))
                    ax.plot(s.axes[_x_name(s, f)], s.broadcast(f)[..., ks], color=_color(m, k), label=m, alpha=0.85)
                ax.plot(first.axes[x_name], first.broadcast(f, "exact")[..., kt], label=against, **_EXACT)
                ax.set_title(f"{tex(f)} at {tex(t_name)} = {t_value:.3g}")
                ax.set_xlabel(tex(x_name))
                if i == 0:
                    ax.legend(loc="best")
            ax = axes[f"{f}err"]
            for k, (m, s) in enumerate(solutions.items()):
                err = np.abs(s.broadcast(f, "error"))
                worst = err.reshape(-1, err.shape[-1]).max(axis=0)
                ax.semilogy(s.axes[t_name], np.where(worst > 0, worst, np.nan), color=_color(m, k), label=m)
            ax.set_xlabel(tex(t_name))
            ax.set_ylabel(f"max over {tex(x_name)} of |{tex(f)} − {against}|")
            _floor(ax)
            ax.legend(loc="best")
        fig.suptitle(f"{first.problem}: methods against the {against}")
        return save_figure(fig, path)


def _maps(solutions: dict[str, Solution], against: str, path: Path) -> Path:
    from matplotlib.colors import LogNorm

    first = next(iter(solutions.values()))
    f = next(n for n in first.fields if all(n in s.exact for s in solutions.values()))
    errors = {m: np.abs(s.fields[f] - s.exact[f]) for m, s in solutions.items()}
    positive = np.concatenate([e[e > 0].ravel() for e in errors.values()] or [np.array([1e-16])])
    hi = float(positive.max()) if positive.size else 1.0
    lo = max(float(np.percentile(positive, 1)) if positive.size else 1e-16, hi * 1e-6)
    norm = LogNorm(vmin=lo, vmax=hi)
    with styled():
        fig = new_figure(4.2 * len(solutions) + 1.0, 4.2)
        axes = fig.subplots(1, len(solutions), squeeze=False)[0]
        image = None
        for ax, (m, s) in zip(axes, solutions.items()):
            e = np.clip(errors[m], lo, None)
            if s.is_grid:
                x, y = (s.axes[c] for c in s.field_coords[f])
                image = ax.pcolormesh(x, y, e.T, norm=norm, shading="auto", cmap="magma")
                xl, yl = s.field_coords[f]
            else:
                xl, yl = s.point_coords
                if s.triangles is not None:
                    image = ax.tripcolor(
                        s.points[:, 0], s.points[:, 1], s.triangles, e, norm=norm, shading="gouraud", cmap="magma"
                    )
                else:
                    image = ax.scatter(s.points[:, 0], s.points[:, 1], c=e, norm=norm, s=4, cmap="magma")
            ax.set_aspect("equal")
            ax.set_xlabel(tex(xl))
            ax.set_ylabel(tex(yl))
            ax.set_title(m)
            ax.grid(False)
        if image is not None:
            fig.colorbar(image, ax=list(axes), label=f"|{f} − {against}|", shrink=0.9)
        fig.suptitle(f"{first.problem}: pointwise error against the {against}")
        return save_figure(fig, path)
