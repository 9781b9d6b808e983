"""Figures of a `Samples` result: mean ± 2σ band, a gallery, marginals at probe points, loss curves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.results.base import register_plot
from pinnsolve.results.samples import Samples
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_band", "plot_gallery", "plot_histograms", "plot_losses"]


def _slices(result: Samples) -> list[tuple[str, tuple]]:
    """Cuts of a field for line plots: the whole field in 1-D; at the probe times (last axis) in 2-D."""
    names = list(result.axes)
    if len(names) == 1:
        return [("", (slice(None),))]
    last = names[-1]
    cuts = sorted({int(idx[-1]) for idx in result.probe_index})
    return [(f"{last} = {result.axes[last][k]:.3g}", (*([slice(None)] * (len(names) - 1)), k)) for k in cuts]


@register_plot(Samples, "band")
def plot_band(result: Samples, out: Path) -> list[Path]:
    """Mean ± 2σ of the samples against the reference law's, along the first axis: one row per field."""
    rows = [result, *result.others]
    columns = max(len(_slices(r)) for r in rows)
    with styled():
        fig = new_figure(4.2 * columns, 3.4 * len(rows))
        for i, row in enumerate(rows):
            for j, (title, cut) in enumerate(_slices(row)):
                ax = fig.add_subplot(len(rows), columns, i * columns + j + 1)
                _band(ax, row, title, cut)
                if i == 0 and j == 0:
                    ax.legend()
        return [save_figure(fig, out / "band.png")]


def _band(ax: Any, result: Samples, title: str, cut: tuple) -> None:
    """One panel of the band plot: a field's mean ± 2σ on one cut, the reference law's dashed."""
    axis = next(iter(result.axes))
    x = result.axes[axis]
    m, s = result.mean[cut], result.std[cut]
    rm, rs = result.reference_mean[cut], result.reference_std[cut]
    ax.fill_between(x, m - 2 * s, m + 2 * s, alpha=0.3, color="C0", label=f"{result.method} mean ± 2σ")
    ax.plot(x, m, color="C0")
    ax.plot(x, rm, "k--", lw=1.2, label="reference mean")
    ax.plot(x, rm - 2 * rs, "k:", lw=1.0, label="reference ± 2σ")
    ax.plot(x, rm + 2 * rs, "k:", lw=1.0)
    ax.set_xlabel(axis)
    ax.set_ylabel(result.field)
    ax.set_title(title or f"{result.problem}: {result.reference}", fontsize=9 if not title else None)


@register_plot(Samples, "gallery")
def plot_gallery(result: Samples, out: Path) -> list[Path]:
    """A few generated fields beside a few reference solutions."""
    if result.reference_fields is None:
        return []
    count = min(4, len(result.samples), len(result.reference_fields))
    rows = [("generated", result.samples[:count]), ("reference", result.reference_fields[:count])]
    names = list(result.axes)
    with styled():
        if len(names) == 1:
            fig = new_figure(8.0, 3.4)
            for j, (label, fields) in enumerate(rows):
                ax = fig.add_subplot(1, 2, j + 1)
                for f in fields:
                    ax.plot(result.axes[names[0]], f)
                ax.set_title(f"{label} ({result.method if j == 0 else 'finite differences'})")
                ax.set_xlabel(names[0])
                ax.set_ylabel(result.field)
            return [save_figure(fig, out / "gallery.png")]
        low = min(float(np.min(f)) for _, f in rows)
        high = max(float(np.max(f)) for _, f in rows)
        fig = new_figure(2.6 * count, 4.8)
        extent = [
            result.axes[names[1]][0],
            result.axes[names[1]][-1],
            result.axes[names[0]][0],
            result.axes[names[0]][-1],
        ]
        for i, (label, fields) in enumerate(rows):
            for j in range(count):
                ax = fig.add_subplot(2, count, i * count + j + 1)
                image = ax.imshow(fields[j], origin="lower", aspect="auto", extent=extent, vmin=low, vmax=high)
                ax.set_title(f"{label} {j + 1}", fontsize=9)
                ax.set_xlabel(names[1])
                ax.set_ylabel(names[0])
        fig.colorbar(image, ax=fig.axes, label=result.field, shrink=0.8)
        return [save_figure(fig, out / "gallery.png")]


@register_plot(Samples, "histograms")
def plot_histograms(result: Samples, out: Path) -> list[Path]:
    """The samples' marginals at the probe points over the reference law's density."""
    from scipy.stats import gaussian_kde

    generated = result.at_probes()
    points = result.probe_points
    exact = result.reference.startswith("exact")
    with styled():
        fig = new_figure(3.8 * generated.shape[1], 3.3)
        for p in range(generated.shape[1]):
            ax = fig.add_subplot(1, generated.shape[1], p + 1)
            ref = result.probe_reference[:, p]
            bins = np.linspace(min(ref.min(), generated[:, p].min()), max(ref.max(), generated[:, p].max()), 50)
            ax.hist(generated[:, p], bins=bins, density=True, alpha=0.5, color="C0", label=result.method)
            if exact and np.std(ref) > 0:
                grid = np.linspace(bins[0], bins[-1], 300)
                ax.plot(grid, gaussian_kde(ref[:20_000])(grid), "k", lw=1.4, label="exact law")
            else:
                ax.hist(ref, bins=bins, density=True, histtype="step", color="k", lw=1.4, label="Monte Carlo")
            where = ", ".join(f"{k} = {v[p]:.3g}" for k, v in points.items())
            ax.set_title(where, fontsize=10)
            ax.set_xlabel(result.field)
            if p == 0:
                ax.set_ylabel("density")
                ax.legend()
        return [save_figure(fig, out / "histograms.png")]


@register_plot(Samples, "losses")
def plot_losses(result: Samples, out: Path) -> list[Path]:
    """Each loss term against the training step."""
    steps = result.history.get("step")
    terms = [k for k in result.history if k not in ("step", "wall_time_s", "lr")]
    if steps is None or not terms:
        return []
    with styled():
        fig = new_figure(5.5, 3.6)
        ax = fig.add_subplot(1, 1, 1)
        positive = all(np.nanmin(result.history[k]) > 0 for k in terms)
        for k in terms:
            ax.plot(steps, result.history[k], label=k, lw=1.2)
        ax.set_yscale("log" if positive else "symlog", **({} if positive else {"linthresh": 1e-3}))
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        ax.set_title(f"{result.method} training on {result.problem}")
        ax.legend()
        return [save_figure(fig, out / "losses.png")]
