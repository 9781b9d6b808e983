"""Pictures of a hyper-parameter study: the optimisation history, parameter importances, the best run.

Takes plain numbers (no Optuna objects), so the figures can be redrawn from trials.csv.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from pinnsolve.viz.style import new_figure, save_figure, styled

STATE_STYLE = {"complete": ("C0", "o"), "pruned": ("0.6", "x"), "fail": ("C3", "v")}


def plot_optimisation_history(trials: Sequence[Mapping[str, object]], path: str | Path, what: str) -> Path:
    """Each trial's score (log scale) against its number, and the best score so far."""
    with styled():
        fig = new_figure(6.4, 4.0)
        ax = fig.add_subplot()
        for state, (colour, marker) in STATE_STYLE.items():
            pts = [
                (r["trial"], r["value"])
                for r in trials
                if r["state"] == state
                and r["value"] is not None
                and math.isfinite(float(r["value"]))
                and float(r["value"]) > 0
            ]
            if pts:
                x, y = zip(*pts)
                ax.scatter(x, y, color=colour, marker=marker, label=state, zorder=3)
        done = sorted(
            (int(r["trial"]), float(r["value"]))
            for r in trials
            if r["state"] == "complete" and r["value"] is not None and math.isfinite(float(r["value"]))
        )
        if done:
            x = [n for n, _ in done]
            ax.step(x, np.minimum.accumulate([v for _, v in done]), where="post", color="C1", label="best so far")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("trial")
        ax.set_ylabel(what)
        ax.set_title("optimisation history")
        if ax.get_legend_handles_labels()[0]:
            ax.legend()
        return save_figure(fig, path)


def plot_importances(importances: Mapping[str, float], path: str | Path) -> Path | None:
    """fANOVA importance of each searched setting (the share of the score's variance it explains)."""
    if not importances:
        return None
    with styled():
        fig = new_figure(6.4, 0.6 + 0.45 * len(importances))
        ax = fig.add_subplot()
        names = list(importances)[::-1]
        ax.barh(names, [importances[n] for n in names], color="C0")
        ax.set_xlabel("importance (share of the score's variance)")
        ax.set_title("parameter importances")
        return save_figure(fig, path)


def plot_best_solution(run_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """The best trial's solution (and its error, where an exact solution is known), from its run directory."""
    from pinnsolve.solution import Solution
    from pinnsolve.viz.plots import plot_error, plot_solution

    npz = Path(run_dir) / "solution.npz"
    if not npz.is_file():
        return []
    solution = Solution.load_npz(npz)
    scratch = Path(out_dir) / ".best"
    drawn = plot_solution(solution, scratch) + plot_error(solution, scratch)
    paths = []
    for p in drawn:
        target = Path(out_dir) / f"best_{p.name}"
        shutil.move(str(p), target)
        paths.append(target)
    shutil.rmtree(scratch, ignore_errors=True)
    return paths
