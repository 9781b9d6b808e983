"""Figures of a `Labels` result: decision map with the analytic boundary, confusion matrix,
calibration curve, and misclassified samples beside their true-regime neighbours."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pinnsolve.results.base import register_plot
from pinnsolve.results.labels import BAND, Labels
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_calibration", "plot_confusion", "plot_decision_map", "plot_misclassified"]

_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]


def _score(labels: Labels) -> tuple[np.ndarray, str]:
    """The probability the map shows: of the class above the analytic boundary (or of class 1)."""
    k = int(labels.sides[0, 1]) if labels.has_boundary else min(1, len(labels.classes) - 1)
    return labels.clean_probabilities[:, k], f"P({labels.classes[k]})"


@register_plot(Labels, "decision_map")
def plot_decision_map(labels: Labels, out: Path) -> list[Path]:
    """P(class) over the varied parameters (out of fold, clean features), the analytic boundary
    drawn, its ±2 % band shaded, misclassified samples ringed."""
    p, title = _score(labels)
    wrong = labels.predicted != labels.truth
    with styled():
        fig = new_figure(6.4, 4.4)
        ax = fig.add_subplot()
        x = labels.points[:, 0]
        if labels.points.shape[1] == 1:
            for k, name in enumerate(labels.classes):
                mine = labels.truth == k
                ax.scatter(x[mine], p[mine], s=10, color=_COLOURS[k % 6], label=f"true {name}")
            ax.scatter(x[wrong], p[wrong], s=60, facecolors="none", edgecolors="k", label="misclassified")
            ax.axhline(0.5, color="grey", lw=0.8)
            ax.set_ylabel(title)
            for theta in labels.lines[:, 0]:
                ax.axvline(theta, color="k", ls="--", lw=1.2)
                ax.axvspan(theta * (1 - BAND), theta * (1 + BAND), color="grey", alpha=0.2)
            _, learned = labels.learned_boundary()
            for theta in learned[np.isfinite(learned)]:
                ax.axvline(theta, color="tab:red", lw=1.0, label="learned boundary")
        else:
            y = labels.points[:, 1]
            # probabilities of exactly 0 or 1 must fall inside the outer levels, or they are left blank
            mesh = ax.tricontourf(x, y, np.clip(p, 0, 1), levels=np.linspace(-1e-9, 1 + 1e-9, 11), cmap="RdBu_r")
            fig.colorbar(mesh, ax=ax, label=title)
            ax.scatter(x[wrong], y[wrong], s=30, facecolors="none", edgecolors="k", label="misclassified")
            if labels.has_boundary:
                order = np.argsort(labels.lines[:, 1])
                ax.plot(labels.lines[order, 0], labels.lines[order, 1], "k--", lw=1.5, label="analytic boundary")
            ax.set_ylabel(labels.names[1])
        ax.set_xlabel(labels.names[0])
        ax.set_title(f"{labels.problem}: {labels.model} on {labels.features} (out of fold)")
        handles, names = ax.get_legend_handles_labels()
        unique = dict(zip(names, handles))
        ax.legend(unique.values(), unique.keys(), loc="best")
        return [save_figure(fig, out / "decision_map.png")]


@register_plot(Labels, "confusion")
def plot_confusion(labels: Labels, out: Path) -> list[Path]:
    """Counts of true (rows) against predicted (columns) regimes."""
    from pinnsolve.results.classification import confusion_matrix

    k = len(labels.classes)
    counts = confusion_matrix(labels.truth, labels.predicted, k)
    with styled():
        fig = new_figure(1.6 + 1.1 * k, 1.2 + 1.0 * k)
        ax = fig.add_subplot()
        ax.imshow(counts, cmap="Blues")
        ax.grid(False)
        for i in range(k):
            for j in range(k):
                ax.text(
                    j,
                    i,
                    str(counts[i, j]),
                    ha="center",
                    va="center",
                    color="white" if counts[i, j] > counts.max() / 2 else "black",
                )
        ax.set_xticks(range(k), labels.classes, rotation=30)
        ax.set_yticks(range(k), labels.classes)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title("confusion matrix")
        return [save_figure(fig, out / "confusion.png")]


@register_plot(Labels, "calibration")
def plot_calibration(labels: Labels, out: Path) -> list[Path]:
    """Reliability diagram: fraction correct against mean confidence in 10 bins."""
    confidence = labels.probabilities.max(axis=1)
    correct = labels.predicted == labels.truth
    which = np.minimum((confidence * 10).astype(int), 9)
    bins = [b for b in range(10) if np.any(which == b)]
    with styled():
        fig = new_figure(4.6, 4.2)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color="grey", ls=":", label="perfectly calibrated")
        ax.plot(
            [confidence[which == b].mean() for b in bins],
            [correct[which == b].mean() for b in bins],
            "o-",
            label=labels.model,
        )
        ax.set_xlabel("confidence (top probability)")
        ax.set_ylabel("fraction correct")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_title("calibration")
        ax.legend(loc="lower right")
        return [save_figure(fig, out / "calibration.png")]


@register_plot(Labels, "misclassified")
def plot_misclassified(labels: Labels, out: Path, most: int = 4) -> list[Path]:
    """Up to ``most`` misclassified samples (the most confident mistakes), each beside the nearest
    correctly classified sample of its true regime (the first field's trajectory; for a PDE its profile
    at the final time)."""
    if labels.examples.ndim < 3 or not len(labels.points):
        return []
    wrong = np.flatnonzero(labels.predicted != labels.truth)
    wrong = wrong[np.argsort(-labels.probabilities[wrong].max(axis=1))][:most]
    right = labels.predicted == labels.truth
    width = np.ptp(labels.box, axis=1)
    curves = labels.examples.reshape(len(labels.examples), labels.examples.shape[1], -1, labels.examples.shape[-1])
    ode = curves.shape[2] == 1
    # an ODE: the first field's trajectory; a PDE: the first field over space at the final time
    along = labels.time if ode else np.arange(curves.shape[2])
    shape = (lambda k: curves[k, 0, 0]) if ode else (lambda k: curves[k, 0, :, -1])
    rows = max(1, len(wrong))
    with styled():
        fig = new_figure(7.0, 2.2 * rows)
        axes = np.atleast_1d(fig.subplots(rows, 1, sharex=True))
        if not len(wrong):
            axes[0].text(0.5, 0.5, "no sample misclassified", ha="center", va="center", transform=axes[0].transAxes)
        for ax, i in zip(axes, wrong):
            mates = np.flatnonzero(right & (labels.truth == labels.truth[i]))
            at = ", ".join(f"{n}={v:.4g}" for n, v in zip(labels.names, labels.points[i]))
            ax.plot(
                along,
                shape(i),
                color="tab:red",
                label=f"{at}: true {labels.classes[labels.truth[i]]}, predicted {labels.classes[labels.predicted[i]]}",
            )
            if len(mates):
                j = mates[np.argmin(np.sum(((labels.points[mates] - labels.points[i]) / width) ** 2, axis=1))]
                near = ", ".join(f"{n}={v:.4g}" for n, v in zip(labels.names, labels.points[j]))
                ax.plot(along, shape(j), color="k", ls="--", label=f"{near}: right")
            if np.nanmax(np.abs(ax.get_ylim())) > 1e3:
                ax.set_yscale("symlog")
            ax.set_ylabel(labels.channels[0] if labels.channels else "")
            ax.legend(loc="best", fontsize=8)
        axes[-1].set_xlabel("t" if ode else "space node (final time)")
        fig.suptitle("misclassified samples beside their true-regime neighbours")
        return [save_figure(fig, out / "misclassified.png")]
