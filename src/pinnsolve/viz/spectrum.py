"""Figures of a `Spectrum`: the energy during optimisation, the one-body density, the pair distances."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pinnsolve.results.base import register_plot
from pinnsolve.results.spectrum import Spectrum
from pinnsolve.viz.style import SEQUENTIAL, new_figure, save_figure, styled

__all__ = ["plot_density", "plot_energy", "plot_levels", "plot_pairs"]


def _centres(edges: np.ndarray) -> np.ndarray:
    return 0.5 * (edges[1:] + edges[:-1])


@register_plot(Spectrum, "energy")
def plot_energy(spectrum: Spectrum, out: Path) -> list[Path]:
    """E ± its error bar against the optimisation iteration, with the final value and the exact energy."""
    energy = spectrum.arrays.get("iteration_energy")
    if energy is None or len(energy) == 0:
        return []
    error = spectrum.arrays.get("iteration_error", np.zeros_like(energy))
    step = np.arange(1, len(energy) + 1)
    with styled():
        fig = new_figure(6.4, 4.2)
        ax = fig.add_subplot()
        ax.plot(step, energy, color="C0", label="⟨E_L⟩ per iteration")
        ax.fill_between(step, energy - error, energy + error, color="C0", alpha=0.3, lw=0)
        ax.axhline(
            spectrum.energy, color="C1", ls="--", label=f"final {spectrum.energy:.6g} ± {spectrum.energy_error:.1e}"
        )
        if spectrum.exact_energy is not None:
            ax.axhline(spectrum.exact_energy, color="k", lw=1, label=f"exact {spectrum.exact_energy:.6g}")
        spread = np.nanpercentile(energy, [5, 100])
        low = min(spread[0], spectrum.exact_energy if spectrum.exact_energy is not None else spread[0])
        ax.set_ylim(low - 0.1 * (spread[1] - low + 1e-9), spread[1] + 0.1 * (spread[1] - low + 1e-9))
        ax.set(xlabel="iteration", ylabel="energy", title=f"{spectrum.problem}: variational energy")
        ax.legend()
        return [save_figure(fig, out / "energy.png")]


@register_plot(Spectrum, "density")
def plot_density(spectrum: Spectrum, out: Path) -> list[Path]:
    """The one-body density: ρ(x) for d = 1, a map of ρ(x, y) beside ρ(r) for d ≥ 2."""
    a = spectrum.arrays
    if "radial_density" not in a:
        return []
    with styled():
        if spectrum.dim == 1:
            fig = new_figure(6.4, 4.2)
            ax = fig.add_subplot()
            ax.plot(_centres(a["density_edges"]), a["density"], drawstyle="steps-mid")
            ax.set(xlabel="x", ylabel="ρ(x)", title=f"{spectrum.problem}: one-body density (∫ρ = N)")
        else:
            fig = new_figure(10.5, 4.2)
            left, right = fig.subplots(1, 2)
            edges = a["density_edges"]
            image = left.pcolormesh(edges, edges, a["density"].T, cmap=SEQUENTIAL, shading="flat")
            left.set(xlabel="x", ylabel="y", title="ρ(x, y)", aspect="equal")
            fig.colorbar(image, ax=left)
            right.plot(_centres(a["radial_edges"]), a["radial_density"], drawstyle="steps-mid")
            right.set(xlabel="r", ylabel="ρ(r)", title="radial density (∫ρ dr = N)")
            fig.suptitle(f"{spectrum.problem}: one-body density")
        return [save_figure(fig, out / "density.png")]


@register_plot(Spectrum, "pairs")
def plot_pairs(spectrum: Spectrum, out: Path) -> list[Path]:
    """The distribution of the pair distance r_ij (none for one particle)."""
    a = spectrum.arrays
    if "pair_density" not in a:
        return []
    with styled():
        fig = new_figure(6.4, 4.2)
        ax = fig.add_subplot()
        ax.plot(_centres(a["pair_edges"]), a["pair_density"], drawstyle="steps-mid")
        ax.set(xlabel="r_ij", ylabel="P(r_ij)", title=f"{spectrum.problem}: pair-distance distribution")
        return [save_figure(fig, out / "pairs.png")]


@register_plot(Spectrum, "levels")
def plot_levels(spectrum: Spectrum, out: Path) -> list[Path]:
    """The wave functions of a 1-D spectrum (finite differences, pinn-eigen), each drawn at its level."""
    a = spectrum.arrays
    if "states" not in a or "grid" not in a or not spectrum.levels:
        return []
    grid, states, levels = a["grid"], np.atleast_2d(a["states"]), np.asarray(spectrum.levels)
    gap = float(np.min(np.diff(levels))) if len(levels) > 1 else 1.0
    scale = 0.4 * gap / max(float(np.abs(states).max()), 1e-12)
    with styled():
        fig = new_figure(6.4, 4.2)
        ax = fig.add_subplot()
        for n, (energy, psi) in enumerate(zip(levels, states)):
            ax.axhline(energy, color="0.7", lw=0.8)
            ax.plot(grid, energy + scale * psi, color=f"C{n % 10}", label=f"E{n} = {energy:.6g}")
        ax.set(xlabel="x", ylabel="E, ψ(x) (scaled)", title=f"{spectrum.problem}: lowest levels")
        ax.legend()
        return [save_figure(fig, out / "levels.png")]
