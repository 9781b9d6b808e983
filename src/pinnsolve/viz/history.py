"""Training history: every loss term, the L2 error, the identified unknowns and the adaptive loss weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from pinnsolve.train.records import UNKNOWN_PREFIX, WEIGHT_PREFIX
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_loss", "BOOKKEEPING"]

# Columns of history.csv that are not loss terms.
BOOKKEEPING = frozenset({"step", "phase", "wall_time_s", "loss", "l2_relative_error", "lr", "val_loss"})


def plot_loss(history: dict[str, np.ndarray], path: Path, title: str) -> Path | None:
    """Loss terms (and the total) on a log scale, the L2 error below when it was measured.

    The left column is against the optimiser step, the right one against wall-clock time
    (when ``wall_time_s`` was recorded): a step of L-BFGS costs far more than one of Adam,
    so only the second says what the accuracy cost. A dashed vertical line marks each change
    of optimiser phase (adam → lbfgs). Returns None for an empty history.
    """
    step = np.asarray(history.get("step", []))
    if step.size == 0:
        return None
    unknowns = [k for k in history if k.startswith(UNKNOWN_PREFIX)]
    weights = [k for k in history if k.startswith(WEIGHT_PREFIX)]
    other = BOOKKEEPING.union(unknowns, weights)
    terms = [k for k in history if k not in other and np.asarray(history[k]).dtype.kind in "fiu"]  # text: not losses
    l2 = np.asarray(history.get("l2_relative_error", np.full(step.shape, np.nan)), float)
    has_l2 = bool(np.any(np.isfinite(l2) & (l2 > 0)))
    wall = np.asarray(history.get("wall_time_s", np.full(step.shape, np.nan)), float)
    has_wall = wall.shape == step.shape and bool(np.all(np.isfinite(wall))) and np.ptp(wall) > 0
    xs = [(np.asarray(step, float), "step")] + ([(wall, "wall time [s]")] if has_wall else [])
    nrows = 1 + has_l2 + bool(unknowns) + bool(weights)
    with styled():
        fig = new_figure(6.2 * len(xs), 2.9 * nrows + 0.8)
        grid = fig.subplots(nrows, len(xs), sharex="col", sharey="row", squeeze=False)
        for col, (x, xlabel) in enumerate(xs):
            ax = grid[0, col]
            if "loss" in history:
                ax.semilogy(x, _positive(history["loss"]), color="black", linewidth=2.0, label="total")
            for k in terms:
                ax.semilogy(x, _positive(history[k]), linewidth=1.2, label=_term_label(k))
            _plot_validation(ax, x, history)
            if col == 0:
                ax.set_ylabel("loss")
                # Losses fall from the upper left: the lower left is where the legend hides
                # nothing.
                ax.legend(loc="lower left", ncols=2 if len(terms) > 4 else 1)
            if has_l2:
                ok = np.isfinite(l2) & (l2 > 0)
                grid[1, col].semilogy(x[ok], l2[ok], "o-", color="tab:red", markersize=3)
                if col == 0:
                    grid[1, col].set_ylabel(r"$L^2$ relative error")
            if unknowns:
                _plot_unknowns(grid[1 + has_l2, col], x, history, unknowns, legend=col == 0)
            if weights:
                _plot_weights(grid[-1, col], x, history, weights, legend=col == 0)
            for row in range(nrows):
                _mark_phases(grid[row, col], x, history.get("phase"), label=row == 0)
            grid[-1, col].set_xlabel(xlabel)
        fig.suptitle(title)
        return save_figure(fig, path)


def _plot_validation(ax: Axes, x: np.ndarray, history: dict[str, np.ndarray]) -> None:
    """The validation loss (look-back stopping, cross-validation) dashed beside the training loss."""
    if "val_loss" not in history:
        return
    val = _positive(history["val_loss"])
    ok = np.isfinite(val)
    if ok.any():
        ax.semilogy(x[ok], val[ok], "--", color="tab:purple", linewidth=1.6, label="validation")
        best = np.flatnonzero(ok)[np.nanargmin(val[ok])]
        ax.semilogy([x[best]], [val[best]], "o", color="tab:purple", markersize=5)


def _plot_unknowns(ax: Axes, x: np.ndarray, history: dict[str, np.ndarray], names: list[str], legend: bool) -> None:
    """The identified constants (``unknown_<name>`` columns) against the step: a panel of their own."""
    for k in names:
        v = np.asarray(history[k], dtype=float)
        ok = np.isfinite(v)
        ax.plot(x[ok], v[ok], linewidth=1.4, label=k[len(UNKNOWN_PREFIX) :])
    if legend:
        ax.set_ylabel("identified")
        ax.legend(loc="best")


def _plot_weights(ax: Axes, x: np.ndarray, history: dict[str, np.ndarray], names: list[str], legend: bool) -> None:
    """The adaptive loss weights λ (``weight_<term>`` columns) against the step, on a log scale."""
    for k in names:
        v = _positive(history[k])
        ok = np.isfinite(v)
        ax.semilogy(x[ok], v[ok], linewidth=1.4, label=_term_label(k[len(WEIGHT_PREFIX) :]))
    if legend:
        ax.set_ylabel(r"loss weight $\lambda$")
        ax.legend(loc="best")


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros and negatives (and NaN) are left out, not clipped."""
    v = np.asarray(values, dtype=float)
    return np.where(v > 0, v, np.nan)


def _term_label(name: str) -> str:
    # Loss terms are named like 'residual', 'bc_left', 'initial_u': plain words read best.
    return name.replace("_", " ")


def _mark_phases(ax: Axes, step: np.ndarray, phase: np.ndarray | None, label: bool) -> None:
    """Dashed vertical line where the optimiser phase changes, named at the top if ``label``.

    ``step`` is whatever the x axis is (step or wall time)."""
    if phase is None or len(phase) != len(step):
        return
    phase = np.asarray(phase).astype(str)
    span = float(step[-1] - step[0]) or 1.0
    for i in np.flatnonzero(phase[1:] != phase[:-1]) + 1:
        ax.axvline(step[i], color="grey", linestyle="--", linewidth=1.0)
        if not label:
            continue
        # Name the switch on whichever side of the line has room inside the axes.
        right = (step[i] - step[0]) / span < 0.75
        ax.annotate(
            f"{phase[i - 1]} → {phase[i]}",
            xy=(step[i], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4 if right else -4, -4),
            textcoords="offset points",
            va="top",
            ha="left" if right else "right",
            fontsize=9,
            color="dimgray",
        )
